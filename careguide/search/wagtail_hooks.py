"""Admin screen for search synonyms: editors add the words patients use ("chemo", "bone mets").

A snippet, so it sits with glossary terms and side effects under Snippets. Synonyms are not
patient data, so changes are not audited; every save or delete refreshes the search's copy
(careguide.search.synonyms signals). Editors and clinical reviewers get the add/change/delete/
view permissions from careguide.accounts.roles.ensure_roles.
"""

from wagtail.admin.panels import FieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from . import synonyms  # noqa: F401  (connects the signals that refresh the cached map)
from .models import Synonym


class SynonymViewSet(SnippetViewSet):
    model = Synonym
    icon = "search"
    menu_label = "Search synonyms"
    list_display = ["term", "equivalents"]
    search_fields = ["term", "equivalents"]
    ordering = ["term"]
    copy_view_enabled = False
    panels = [FieldPanel("term"), FieldPanel("equivalents")]


register_snippet(SynonymViewSet)

# The editors' zero-results report, and the dashboard's "search could not index" notice.
from . import wagtail_hooks_indexing, wagtail_hooks_report  # noqa: E402, F401
