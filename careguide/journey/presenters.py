"""What the timeline page shows for each plan and phase: status words, "you are here", the
treatment day today, and the side effects of the current phase with their library pages."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from careguide.library.models import SideEffect, SideEffectsPage

from . import plans

STATUS_WORDS = {plans.COMPLETED: "Done", plans.IN_PROGRESS: "You are here", plans.NOT_STARTED: "Coming up"}
STAFF_STATUS_WORDS = {plans.COMPLETED: "Done", plans.IN_PROGRESS: "Now", plans.NOT_STARTED: "Coming up"}


@dataclass
class SideEffectLink:
    slug: str
    name: str
    url: str


@dataclass
class PhaseView:
    phase: object
    status: str
    status_words: str
    current: bool  # the one marked aria-current="step"
    sessions: list[dt.date]
    session_today: int | None
    side_effects: list[SideEffectLink] = field(default_factory=list)

    @property
    def is_now(self) -> bool:
        return self.status == plans.IN_PROGRESS


@dataclass
class PlanView:
    plan: object
    phases: list[PhaseView]

    @property
    def current(self) -> list[PhaseView]:
        return [p for p in self.phases if p.is_now]


def side_effect_links(slugs: set[str]) -> dict[str, SideEffectLink]:
    if not slugs:
        return {}
    page = SideEffectsPage.objects.live().first()
    base = (page.url if page is not None else None) or "/side-effects/"
    return {e.slug: SideEffectLink(e.slug, e.name, f"{base}{e.slug}/")
            for e in SideEffect.objects.filter(slug__in=slugs)}


def build(plan_list, today: dt.date, *, staff: bool = False) -> list[PlanView]:
    """Plans (phases prefetched) as the timeline shows them on ``today``. In an active plan, the
    first phase under way is "you are here"; phases alongside it say "now" too."""
    words = STAFF_STATUS_WORDS if staff else STATUS_WORDS
    views, wanted = [], set()
    for plan in plan_list:
        phase_views, marked = [], False
        for phase in plan.phases.all():
            status = plans.status_on(phase.start_date, phase.end_date, today)
            if not plan.is_active and status != plans.COMPLETED:
                status = "ended"
            current = status == plans.IN_PROGRESS and not marked
            marked = marked or current
            sessions = phase.session_dates
            view = PhaseView(
                phase=phase, status=status,
                status_words=words.get(status, "Not needed: the plan has ended"),
                current=current, sessions=sessions, session_today=plans.session_number(sessions, today),
            )
            if view.is_now:
                wanted.update(phase.side_effects)
            phase_views.append(view)
        views.append(PlanView(plan, phase_views))
    links = side_effect_links(wanted)
    for plan_view in views:
        for view in plan_view.current:
            view.side_effects = [links[s] for s in view.phase.side_effects if s in links]
    return views
