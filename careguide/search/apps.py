from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "careguide.search"
    label = "careguide_search"
    verbose_name = "Search"
