"""The side-effect check's questionnaire, bound to the side-effect rules (ADR 0020).

Whichever way a response to content/questionnaires/side-effect-check.json is stored (the check's
own pages, /questionnaires/<id>/, POST /fhir/QuestionnaireResponse, anonymous answers claimed at
sign-in), ``careguide.questionnaires.services`` hands it here: the answers become the triage
contract's input (``mapping``), this deployment's rules decide, and for a signed-in patient the
check, its triage event and the care team's alert are stored in the same transaction as the
response. An anonymous person's result waits in their browser session.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.urls import reverse

from careguide.questionnaires import engine
from careguide.questionnaires.bindings import BindingError, Stored, Triage
from careguide.triage.engine import InputError

from . import guidance, mapping, services
from .models import SideEffectCheck
from .safety import problems

CHECK_URL = "http://careguide.invalid/fhir/Questionnaire/side-effect-check"
ANONYMOUS_RESULT_KEY = "sideeffects_anonymous_result"
DISPOSITIONS = ("emergency", "red", "amber", "green")


def result_path(check: SideEffectCheck) -> str:
    return reverse("sideeffects:result", args=[check.pk])


class SideEffectBinding:
    url = CHECK_URL
    tool = "side-effects"
    rule_set = "side-effect-triage"
    # An emergency or red answer is enough: more answers can only add to it (the rules only
    # rise), so the person sees what to do at once and the care team hears now.
    stop_at = ("emergency", "red")

    # --- judging answers -----------------------------------------------------------------

    def problems(self, resource: dict, definition=None) -> list[tuple[str, str]]:
        """(linkId, message) for each answer the mapping or the rules cannot use."""
        try:
            self._evaluate(resource, definition)
        except (mapping.MappingError, _RuleProblems) as exc:
            return exc.problems
        return []

    def _evaluate(self, resource: dict, definition=None):
        answers = mapping.answers_of(resource)
        contract = mapping.to_contract_input(answers)
        try:
            result = services.evaluate(contract)
        except InputError as exc:
            items = mapping.field_items()
            problems = []
            for name, message in exc.problems:
                link_id = items.get(name.split(".")[-1], "")
                item = definition.by_link_id.get(link_id) if definition is not None and link_id else None
                problems.append((link_id, f"“{item.label if item is not None else name}”: {message}"))
            raise _RuleProblems(problems) from exc
        return result, contract, mapping.notes_of(answers)

    def evaluate(self, resource: dict, *, user=None, definition=None) -> Triage:
        try:
            result, contract, notes = self._evaluate(resource, definition)
        except (mapping.MappingError, _RuleProblems) as exc:
            raise BindingError([engine.Issue(message, link_id=link or None, code="value", anchor=link or None)
                                for link, message in exc.problems]) from exc
        return Triage(
            tool=self.tool,
            disposition=result.disposition,
            display=guidance.heading_for(result.disposition),
            rule_set=self.rule_set,
            rule_set_version=result.rule_set_version,
            rank=DISPOSITIONS.index(result.disposition),
            reasons=tuple(result.reasons),
            explanations=tuple(result.explanations),
            detail={"result": result, "contract_input": contract, "notes": notes},
        )

    # --- storing -------------------------------------------------------------------------

    def store(self, response, triage: Triage, *, user, request=None, previous: Stored | None = None) -> Stored:
        detail = triage.detail
        complete = response.status in ("completed", "amended")
        if getattr(user, "is_authenticated", False):
            # The user model itself, not request.user's lazy wrapper (the alerts lock its row).
            patient = get_user_model().objects.get(pk=user.pk)
            earlier = previous.record if previous is not None else None
            check = services.record_check(
                patient, response, detail["contract_input"], detail["result"], detail["notes"],
                source_url_for=result_path, complete=complete, earlier=earlier,
            )
            return Stored(result_path=result_path(check), alert_raised=check.alert_raised, record=check)
        if request is not None and hasattr(request, "session"):
            request.session[ANONYMOUS_RESULT_KEY] = {
                "response_id": str(response.fhir_id),
                "result": services.result_to_data(detail["result"]),
                "contract_input": detail["contract_input"],
                "notes": detail["notes"],
                "questionnaire_version": response.questionnaire_version,
                "complete": complete,
            }
        return Stored(result_path=reverse("sideeffects:anonymous_result"))

    def stored_for(self, response, *, request=None) -> Stored | None:
        check = SideEffectCheck.objects.filter(response=response).first()
        if check is not None:
            return Stored(result_path=result_path(check), alert_raised=check.alert_raised, record=check)
        data = request.session.get(ANONYMOUS_RESULT_KEY) if request is not None and hasattr(request, "session") \
            else None
        if isinstance(data, dict) and data.get("response_id") == str(response.fhir_id):
            return Stored(result_path=reverse("sideeffects:anonymous_result"))
        return None

    def safety_problems(self, definition) -> list[str]:
        return problems(definition)


class _RuleProblems(ValueError):
    def __init__(self, problems):
        self.problems = problems
        super().__init__("; ".join(m for _, m in problems))
