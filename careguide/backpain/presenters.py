"""The back-pain program as the patient's care team sees it: on the team's queue (patients
asking to be cleared) and on the team's page for one patient (program, check-ins, clearances).

Only through ``careguide.careteam.scoping``: the caller passes the viewing user, and every
query is scoped to the patients of that user's care teams. The pages audit the reads.
"""

from __future__ import annotations

from careguide.careteam import scoping
from careguide.triage.back_pain import back_pain_rules

from . import clearance
from .models import CheckIn, Clearance, ClearanceRequest, Enrollment


def open_requests(viewer, limit: int = 200) -> list[ClearanceRequest]:
    """Requests nobody has answered yet, oldest first."""
    return list(clearance.for_team(viewer).open().order_by("created_at", "pk")[:limit])


def _labels(flags) -> list[str]:
    rules = back_pain_rules()
    return [rules.label(flag) for flag in flags if flag in rules.field_ids]


def for_patient(patient, viewer) -> dict:
    """The patient's latest program, its check-ins, and their clearance requests and clearances."""
    enrollment = (scoping.scope(Enrollment.objects.filter(user=patient), viewer, "user")
                  .latest_first().first())
    check_ins = []
    if enrollment is not None:
        check_ins = list(scoping.scope(CheckIn.objects.filter(enrollment=enrollment), viewer, "enrollment__user")
                         .order_by("week"))
    requests = list(scoping.scope(ClearanceRequest.objects.filter(patient=patient), viewer)
                    .order_by("-created_at", "-pk")[:20])
    clearances = [{"clearance": c, "flags": _labels(c.flags)}
                  for c in scoping.scope(Clearance.objects.filter(user=patient), viewer, "user")[:20]]
    return {"enrollment": enrollment, "check_ins": check_ins, "requests": requests, "clearances": clearances,
            "any": bool(enrollment or requests or clearances)}
