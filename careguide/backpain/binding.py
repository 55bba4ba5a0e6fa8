"""The back-pain gate's questionnaire, bound to the back-pain rules (ADR 0020).

Whichever way a response to content/questionnaires/back-pain-gate.json is stored, its
disposition comes from ``gate.evaluate`` (the rules, counting a clearance that covers the
answers), and the result page says what to do.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.urls import reverse

from careguide.questionnaires import engine
from careguide.questionnaires.bindings import BindingError, Stored, Triage
from careguide.triage.back_pain import back_pain_rules

from . import gate, services
from .safety import problems

DISPOSITIONS = ("emergency", "urgent", "see_doctor_first", "proceed")
DISPLAY = {
    "emergency": "Go to an emergency room now, or call 911",
    "urgent": "Contact a doctor today",
    "see_doctor_first": "Talk with your doctor before you start",
    "proceed": "You can start the back pain program",
}


def result_path(response) -> str:
    return reverse("backpain:gate_result", args=[response.fhir_id])


class GateBinding:
    url = gate.GATE_URL
    tool = "back-pain"
    rule_set = "back-pain-red-flags"
    # The gate's questions are few and an emergency is the only answer worth stopping for.
    stop_at = ("emergency",)

    def evaluate(self, resource: dict, *, user=None, definition=None) -> Triage:
        try:
            fields = gate.fields_from_response(resource)
        except ValueError as exc:
            raise BindingError([engine.Issue(str(exc), code="value")]) from exc
        result = gate.evaluate(fields, user=user if getattr(user, "is_authenticated", False) else None)
        return Triage(
            tool=self.tool,
            disposition=result.disposition,
            display=DISPLAY[result.disposition],
            rule_set=back_pain_rules().id,
            rule_set_version=result.rule_set_version,
            rank=DISPOSITIONS.index(result.disposition),
            reasons=tuple(result.reasons),
            explanations=tuple(result.explanations),
            detail={"result": result, "fields": fields},
        )

    def store(self, response, triage: Triage, *, user, request=None, previous: Stored | None = None) -> Stored:
        # The disposition is the response's outcome. A signed-in patient's emergency or urgent
        # result reaches their care team on every path; the program's own steps (a check-in that
        # stops the program) belong to the program's pages.
        alerted = False
        if getattr(user, "is_authenticated", False) and previous is None:
            patient = get_user_model().objects.get(pk=user.pk)
            alerted = services.report_gate_result(patient, response, at_check_in=False, by=patient) is not None
        return Stored(result_path=result_path(response), alert_raised=alerted)

    def stored_for(self, response, *, request=None) -> Stored | None:
        return Stored(result_path=result_path(response)) if response.outcome else None

    def safety_problems(self, definition) -> list[str]:
        return problems(definition)
