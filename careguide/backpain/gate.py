"""The back-pain program's red-flag gate: from a gate QuestionnaireResponse to a disposition.

The questions live in content/questionnaires/back-pain-gate.json (a FHIR Questionnaire). Each
answer option's code names a field of the triage contract (or is mapped to one below), so the
rules in careguide/triage decide, never this module.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from careguide.audit import service as audit
from careguide.careteam import scoping
from careguide.questionnaires.models import QuestionnaireResponse
from careguide.triage.back_pain import back_pain_rules, evaluate_back_pain

from .models import Clearance

GATE_URL = "http://careguide.invalid/fhir/Questionnaire/back-pain-gate"
CHECK_IN_SESSION_KEY = "backpain_checkin_gate"
# A check-in must follow its gate within this time.
CHECK_IN_GATE_MAX_AGE = timedelta(hours=1)

FIELDS = (
    "leg_severe_pain",
    "leg_weakness",
    "leg_tingling",
    "both_legs_or_worsening_weakness",
    "bladder_bowel_loss",
    "saddle_numbness",
    "unexplained_fever",
    "unexplained_nausea_vomiting",
    "cancer_history",
    "unexplained_weight_loss",
    "spinal_metastasis_pain_features",
)

# Answer codes that are not themselves contract fields, and the field each one sets.
CODE_FIELDS = {
    "urination_difficulty": "bladder_bowel_loss",
    "bladder_bowel_control": "bladder_bowel_loss",
    "upper_back": "spinal_metastasis_pain_features",
    "getting_worse": "spinal_metastasis_pain_features",
    "severe_constant": "spinal_metastasis_pain_features",
    "worse_straining": "spinal_metastasis_pain_features",
    "spine_tender": "spinal_metastasis_pain_features",
    "night_pain": "spinal_metastasis_pain_features",
    # Weakness in both legs is also weakness in a leg.
    "both_legs_or_worsening_weakness": ("both_legs_or_worsening_weakness", "leg_weakness"),
}
# Yes/no questions and the field a "yes" sets.
BOOLEAN_FIELDS = {"bladder-bowel.saddle": "saddle_numbness"}
NONE_CODE = "none"


def walk_items(items: Iterable[Mapping]):
    """Every response item, nested ones included (under items and under answers)."""
    for item in items or ():
        yield item
        yield from walk_items(item.get("item", ()))
        for answer in item.get("answer", ()) or ():
            yield from walk_items(answer.get("item", ()))


def fields_from_response(resource: Mapping) -> dict[str, bool]:
    """The triage contract's input (every field, True or False) from a gate response."""
    fields = dict.fromkeys(FIELDS, False)
    for item in walk_items(resource.get("item", ())):
        link_id = item.get("linkId")
        for answer in item.get("answer", ()) or ():
            if "valueCoding" in answer:
                code = answer["valueCoding"].get("code", "")
                if code == NONE_CODE:
                    continue
                targets = CODE_FIELDS.get(code, code)
                for target in (targets,) if isinstance(targets, str) else targets:
                    if target not in fields:
                        raise ValueError(f"answer code {code!r} of {link_id} maps to no gate field")
                    fields[target] = True
            elif answer.get("valueBoolean") is True and link_id in BOOLEAN_FIELDS:
                fields[BOOLEAN_FIELDS[link_id]] = True
    return fields


def flags(fields: Mapping[str, bool]) -> list[str]:
    return sorted(name for name in FIELDS if fields.get(name))


def findings(fields: Mapping[str, bool]) -> list[dict]:
    """Each flag that was answered yes, in the rules' words, with the result it gives on its own:
    what the care team reads on an alert."""
    rules = back_pain_rules()
    return [{"symptom": name, "level": evaluate_back_pain({name: True}).disposition, "rule": "",
             "why": rules.label(name)} for name in flags(fields)]


def has_care_team(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and scoping.teams_for_patient(user).exists()


def clearances_that_count(user):
    """A patient with a care team is cleared by that team only; self-reported clearances count
    only for people without one (ADR 0025)."""
    found = Clearance.objects.for_user(user)
    return found.filter(source=Clearance.Source.CARE_TEAM) if has_care_team(user) else found


def covering_clearance(user, fields: Mapping[str, bool]):
    """The person's latest clearance that counts and covers every flag they have now, if any."""
    current = set(flags(fields))
    for clearance in clearances_that_count(user).select_related("cleared_by"):
        if clearance.covers(current):
            return clearance
    return None


def evaluate(fields: Mapping[str, bool], user=None):
    """The rules' result for these answers, counting a clearance that covers them."""
    cleared = bool(user is not None and covering_clearance(user, fields))
    return evaluate_back_pain({**fields, "cleared_by_doctor": cleared})


def evaluate_response(response, user=None):
    return evaluate(fields_from_response(response.resource), user=user)


def gate_responses():
    return QuestionnaireResponse.objects.filter(questionnaire_url=GATE_URL)


def passing_response(user, response_id):
    """The user's gate response `response_id` if it lets them start or check in, else None."""
    if not getattr(user, "is_authenticated", False) or not response_id:
        return None
    response = gate_responses().filter(subject=user, fhir_id=response_id).first()
    if response is None:
        return None
    if response.outcome == "proceed":
        return response
    if response.outcome == "see_doctor_first" and evaluate_response(response, user).disposition == "proceed":
        return response
    return None


def fresh_check_in_gate(request):
    """The gate answered for this check-in, if it passed and is recent enough."""
    response = passing_response(request.user, request.session.get(CHECK_IN_SESSION_KEY))
    if response is None or timezone.now() - response.authored > CHECK_IN_GATE_MAX_AGE:
        return None
    return response


class ClearanceRefused(ValueError):
    """A clearance that cannot be recorded, in words for the page."""


def see_doctor_first_flags(response) -> tuple[dict, object]:
    """The response's fields and rules result, if it is a see-your-doctor-first result."""
    fields = fields_from_response(response.resource)
    result = evaluate(fields)
    if result.disposition != "see_doctor_first":
        raise ClearanceRefused("A clearance applies only to a see-your-doctor-first result.")
    return fields, result


@transaction.atomic
def record_clearance(user, response):
    """Record "my doctor has cleared me", the person's own word, for a see-doctor-first response
    of this user. Only for someone without a care team: a patient with one asks the team."""
    if has_care_team(user):
        raise ClearanceRefused("Your care team records your clearance. Ask them to clear you.")
    fields, result = see_doctor_first_flags(response)
    clearance = Clearance.objects.create(
        user=user,
        gate_response=response,
        flags=flags(fields),
        questionnaire_version=response.questionnaire_version,
        rule_set_version=result.rule_set_version,
        source=Clearance.Source.SELF_REPORTED,
    )
    audit.record(user, audit.CREATE, clearance, patient=user)
    return clearance
