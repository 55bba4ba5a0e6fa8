"""The admin dashboard tells editors when search could not index a published page
(careguide.search.indexer, IndexProblem); the clinical review report says it too.

Imported from careguide/search/wagtail_hooks.py, which Wagtail loads at start-up.
"""

from wagtail import hooks
from wagtail.admin.ui.components import Component

from .admin_views import can_see_report
from .models import IndexProblem


class IndexProblemsPanel(Component):
    name = "search_index_problems"
    order = 50
    template_name = "search/admin/index_problems_panel.html"

    def __init__(self, problems):
        self.problems = problems

    def get_context_data(self, parent_context=None):
        return {"index_problems": self.problems}


@hooks.register("construct_homepage_panels")
def add_index_problems_panel(request, panels):
    if can_see_report(request.user):
        problems = list(IndexProblem.objects.all())
        if problems:
            panels.append(IndexProblemsPanel(problems))
