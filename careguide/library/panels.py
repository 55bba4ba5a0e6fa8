"""An admin panel that shows editors the reading grade of the page they are editing."""

from django.conf import settings
from wagtail.admin.panels import Panel


class ReadingGradePanel(Panel):
    def __init__(self, **kwargs):
        kwargs.setdefault("heading", "Reading grade")
        super().__init__(**kwargs)

    @property
    def clean_name(self):
        return "reading_grade"

    class BoundPanel(Panel.BoundPanel):
        template_name = "library/admin/reading_grade_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            page = self.instance
            limit = settings.CAREGUIDE_MAX_READING_GRADE
            value = None
            if page is not None and getattr(page, "pk", None) and page.title:
                try:
                    value = page.compute_reading_grade()
                except Exception:  # noqa: BLE001 - an unfinished draft must not break the editor
                    value = None
            context.update(grade=value, limit=limit, too_hard=value is not None and value > limit)
            return context
