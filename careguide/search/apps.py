from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "careguide.search"
    label = "careguide_search"
    verbose_name = "Search"

    def ready(self):
        # Connects the signals that refresh the synonym cache when an editor changes one
        # (Wagtail imports wagtail_hooks lazily, so this cannot wait for the admin).
        from . import indexer, synonyms  # noqa: F401

        # Publishing or unpublishing a page, or editing a glossary term or side effect, redoes
        # that part of the index after the commit.
        indexer.connect()
