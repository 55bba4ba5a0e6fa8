"""Clinical review: what a reviewer's approval records, and which pages are due again."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

DUE_SOON_DAYS = 30


def reviewer_role_of(user) -> str:
    profile = getattr(user, "clinical_profile", None) if user is not None else None
    return getattr(profile, "role_title", "") or ""


def publish_reviewed(workflow_state, user=None):
    """WAGTAIL_FINISH_WORKFLOW_ACTION: a reviewer's final approval is a clinical review.

    The approval date becomes the page's last review and the approver's clinical role
    its reviewer role, written into the revision before it is published so the live
    page and its revision history agree.
    """
    from .models import LibraryPage

    revision = workflow_state.content_object.get_latest_revision()
    page = revision.as_object()
    if isinstance(page, LibraryPage):
        today = timezone.localdate()
        revision.content["last_reviewed"] = today.isoformat()
        role = reviewer_role_of(user)
        if role:
            revision.content["reviewer_role"] = role
        revision.save(update_fields=["content"])
    revision.publish(user=user)


@dataclass(frozen=True)
class DueItem:
    page: object
    status: str  # "overdue", "due-soon" or "never-reviewed"
    due: dt.date | None


def pages_due(today: dt.date | None = None, within_days: int = DUE_SOON_DAYS) -> list[DueItem]:
    """Live library pages whose review is overdue, due within ``within_days``, or never done."""
    today = today or timezone.localdate()
    horizon = today + dt.timedelta(days=within_days)
    from .models import LibraryPage, under_house_rules

    items: list[DueItem] = []
    fields = ("id", "title", "url_path", "path", "depth", "next_review_due", "last_reviewed", "reviewer_role")
    # Imported pages are reviewed by the organisation that wrote them, not by us (ADR 0017).
    for page in under_house_rules(LibraryPage.objects.live()).only(*fields):
        if page.next_review_due is None:
            items.append(DueItem(page, "never-reviewed", None))
        elif page.next_review_due < today:
            items.append(DueItem(page, "overdue", page.next_review_due))
        elif page.next_review_due <= horizon:
            items.append(DueItem(page, "due-soon", page.next_review_due))
    order = {"never-reviewed": 0, "overdue": 1, "due-soon": 2}
    return sorted(items, key=lambda i: (order[i.status], i.due or dt.date.min, i.page.title))
