"""SDC observation-based extraction: a QuestionnaireResponse's answers as Observations.

An item is extracted when ``sdc-questionnaire-observationExtract`` is true on it, or on the
nearest group or the questionnaire above it that says (a nearer ``false`` stops it), and it
has a ``code`` (an item marked itself but without a code is reported). Each answer of an
enabled item becomes one Observation: its code, the response's subject, ``authored`` as when
it was observed, ``derivedFrom`` the response.
An answer that an Observation cannot hold (an attachment, a reference) is reported, never
dropped silently. The caller checks each resource and builds the Bundle.
"""

from __future__ import annotations

from decimal import Decimal

from .definition import SDC, Item, Questionnaire, extension_value
from .issues import WARNING, Issue
from .nodes import read_response
from .response import walk
from .values import plain_number

EXT_OBSERVATION_EXTRACT = SDC + "sdc-questionnaire-observationExtract"
EXT_OBSERVATION_CATEGORY = SDC + "sdc-questionnaire-observation-extract-category"
# answer value[x] -> Observation value[x] (a decimal is a Quantity without a unit; a date a dateTime)
OBSERVATION_VALUE = {
    "valueBoolean": "valueBoolean", "valueInteger": "valueInteger", "valueString": "valueString",
    "valueUri": "valueString", "valueDate": "valueDateTime", "valueDateTime": "valueDateTime",
    "valueTime": "valueTime", "valueQuantity": "valueQuantity",
}


def extracted(item: Item, questionnaire: Questionnaire) -> bool:
    """Whether observationExtract applies to ``item`` (on it, else inherited)."""
    for element in (item, *item.ancestors()):
        flag = extension_value(element.raw, EXT_OBSERVATION_EXTRACT)
        if isinstance(flag, bool):
            return flag
    return extension_value(questionnaire.resource, EXT_OBSERVATION_EXTRACT) is True


def extract_observations(questionnaire: Questionnaire, response: dict) -> tuple[list[dict], list[Issue]]:
    """The Observations ``response`` gives, in questionnaire order, and what could not be extracted."""
    observations: list[dict] = []
    issues: list[Issue] = []
    for visit in walk(questionnaire, read_response(response)):
        item = visit.item
        if not visit.enabled or visit.node is None or not visit.node.answers or not item.is_question:
            continue
        if not extracted(item, questionnaire):
            continue
        codes = [c for c in item.raw.get("code") or () if isinstance(c, dict) and (c.get("code") or c.get("system"))]
        if not codes:
            if extension_value(item.raw, EXT_OBSERVATION_EXTRACT) is not True:
                continue  # inherited: it applies to the items below that have a code
            issues.append(Issue(f"Item {item.link_id} is marked for observation extraction but has no code, "
                                "so it is not extracted.", link_id=item.link_id, code="not-supported",
                                severity=WARNING, expression=visit.expression))
            continue
        for key, value in visit.node.values:
            observed = observation_value(item, key, value)
            if observed is None:
                issues.append(Issue(f"Item {item.link_id}: a {key[5:]} answer cannot be an Observation's value, "
                                    "so it is not extracted.", link_id=item.link_id, code="not-supported",
                                    severity=WARNING, expression=visit.expression))
                continue
            observations.append(_observation(questionnaire, item, response, codes, observed))
    return observations, issues


def observation_value(item: Item, key: str, value) -> dict | None:
    """An answer as an Observation's value[x], or None when an Observation cannot hold it."""
    if key == "valueCoding" and isinstance(value, dict):
        concept: dict = {"coding": [value]}
        if value.get("display"):
            concept["text"] = value["display"]
        return {"valueCodeableConcept": concept}
    if key == "valueDecimal":
        quantity: dict = {"value": plain_number(Decimal(str(value)))}
        if item.units and isinstance(item.units[0], dict):
            unit = item.units[0]
            quantity.update({k: unit[k] for k in ("system", "code") if k in unit})
            if unit.get("display") or unit.get("code"):
                quantity["unit"] = unit.get("display") or unit.get("code")
        return {"valueQuantity": quantity}
    if key in OBSERVATION_VALUE:
        return {OBSERVATION_VALUE[key]: value}
    return None


def _observation(questionnaire: Questionnaire, item: Item, response: dict, codes: list[dict],
                 value: dict) -> dict:
    observation: dict = {"resourceType": "Observation", "status": "final"}
    category = _category(item, questionnaire)
    if category:
        observation["category"] = category
    observation["code"] = {"coding": codes}
    if item.text:
        observation["code"]["text"] = item.label
    if isinstance(response.get("subject"), dict):
        observation["subject"] = response["subject"]
    if isinstance(response.get("authored"), str):
        observation["effectiveDateTime"] = response["authored"]
    if isinstance(response.get("author"), dict):
        observation["performer"] = [response["author"]]
    observation.update(value)
    if response.get("id"):
        observation["derivedFrom"] = [{"reference": f"QuestionnaireResponse/{response['id']}"}]
    return observation


def _category(item: Item, questionnaire: Questionnaire) -> list[dict]:
    for element in (item.raw, *(a.raw for a in item.ancestors()), questionnaire.resource):
        found = [e.get("valueCodeableConcept") for e in element.get("extension") or ()
                 if isinstance(e, dict) and e.get("url") == EXT_OBSERVATION_CATEGORY
                 and isinstance(e.get("valueCodeableConcept"), dict)]
        if found:
            return found
    return []
