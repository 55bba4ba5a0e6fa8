"""The limits an answer must keep beyond its type (ADR 0031): regex, minLength,
maxDecimalPlaces, how many times a repeating group may be filled in (minOccurs/maxOccurs),
and targetConstraint rules written in FHIRPath.

`answer_limit_problem` checks one answer value; `group_count_issues` and `constraint_issues`
look at the whole response. `validation.validate_response` calls all three, so the HTML form
and `POST /fhir/QuestionnaireResponse` refuse the same answers with the same words.
"""

from __future__ import annotations

import logging
import re
from decimal import Decimal, InvalidOperation

from .definition import Item, Questionnaire, TargetConstraint
from .expressions import ExpressionError, _variables_for, evaluate, sdc_functions
from .issues import ERROR, WARNING, Issue
from .response import Visit, anchor

logger = logging.getLogger(__name__)
INVARIANT = "invariant"


def answer_limit_problem(item: Item, key: str, value, label: str) -> str | None:
    """What is wrong with one answer value under the item's regex, minLength and maxDecimalPlaces.
    They limit what a person types: a calculated answer is what its expression gives (a score
    with more places is never refused, nor rounded)."""
    if item.is_calculated:
        return None
    if item.min_length is not None and isinstance(value, str) and len(value) < item.min_length:
        return f"“{label}” must be at least {item.min_length} characters"
    if item.regex is not None and key != "valueQuantity":
        text = value if isinstance(value, str) else _written(value)
        if text is not None and re.fullmatch(item.regex, text) is None:
            example = f" (for example {item.entry_format})" if item.entry_format else ""
            return f"“{label}” is not in the format this question asks for{example}"
    if item.max_decimal_places is not None:
        number = value.get("value") if key == "valueQuantity" and isinstance(value, dict) else value
        places = decimal_places(number)
        if places is not None and places > item.max_decimal_places:
            allowed = item.max_decimal_places
            if allowed == 0:
                return f"“{label}” must be a whole number"
            return f"“{label}” can have at most {allowed} decimal place{'s' if allowed != 1 else ''}"
    return None


def _written(value) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float | Decimal):
        return format(Decimal(str(value)), "f")
    return None


def decimal_places(number) -> int | None:
    """How many digits a number has after the point, as written (1.50 has one: trailing zeros do
    not count)."""
    if isinstance(number, bool) or not isinstance(number, int | float | Decimal):
        return None
    try:
        exponent = Decimal(str(number)).normalize().as_tuple().exponent
    except InvalidOperation:
        return None
    return max(0, -exponent) if isinstance(exponent, int) else None


def group_count_issues(visits: list[Visit], present) -> list[Issue]:
    """A repeating group filled in fewer than minOccurs or more than maxOccurs times, named once
    per place it occurs. `present(visit)` says whether its required items must be answered there."""
    found = []
    seen: dict[tuple[int, int], list[Visit]] = {}
    for visit in visits:
        item = visit.item
        if item.is_group and item.repeats and (item.min_occurs or item.max_occurs):
            seen.setdefault((id(item), id(visit.container)), []).append(visit)
    for instances in seen.values():
        first = instances[0]
        if not first.enabled:
            continue
        item = first.item
        filled = [v for v in instances if v.node is not None and v.node.has_answers()]
        label = item.label
        whole = anchor(item.link_id, first.indices[:-1])
        expression = re.sub(r"\[\d+\]$", "", first.expression)
        if item.max_occurs and len(filled) > item.max_occurs:
            found.append(Issue(f"Give at most {_entries(item.max_occurs)} for “{label}”", item.link_id, "structure",
                               anchor=whole, expression=expression))
        needed = item.min_occurs or 0
        if needed and len(filled) < needed and present(first):
            found.append(Issue(f"Give at least {_entries(needed)} for “{label}”", item.link_id, "required",
                               anchor=whole, expression=expression))
    return found


def _entries(count: int) -> str:
    return "1 entry" if count == 1 else f"{count} entries"


def constraint_issues(questionnaire: Questionnaire, response: dict, visits: list[Visit]) -> list[Issue]:
    """Every targetConstraint that does not hold: on the questionnaire (checked once, against the
    whole response) and on each enabled instance of an item that has them."""
    owners = [v for v in visits if v.item.constraints and v.enabled]
    if not (questionnaire.constraints or owners):
        return []
    functions = sdc_functions(questionnaire)
    found = []
    if questionnaire.constraints:
        found.extend(_root_issues(questionnaire, response, visits, functions))
    for visit in owners:
        focus = visit.node.raw if visit.node is not None else {"linkId": visit.item.link_id}
        try:
            variables = _variables_for(questionnaire, visit, response, functions)  # as calculations see them
        except ExpressionError:
            logger.warning("the variables of %s could not be worked out for its constraints", visit.item.link_id)
            continue
        for constraint in visit.item.constraints:
            try:
                result = evaluate(constraint.expression, focus, base="QuestionnaireResponse.item",
                                  variables=variables, functions=functions)
            except ExpressionError:
                # Not the error's text: it can quote answers, which stay out of the logs.
                logger.warning("targetConstraint %s of %s could not be checked", constraint.key, visit.item.link_id)
                continue
            if result == [False]:
                found.append(_issue(constraint, visits, visit))
    return found


def _root_issues(questionnaire: Questionnaire, response: dict, visits: list[Visit], functions) -> list[Issue]:
    """The questionnaire's own constraints, with its variables, against the whole response."""
    variables = {"resource": response, "questionnaire": questionnaire.resource, "context": response}
    found = []
    try:
        for variable in questionnaire.variables:
            if variable.language == "text/fhirpath":
                variables[variable.name] = evaluate(variable.expression, response, base="QuestionnaireResponse",
                                                    variables=variables, functions=functions)
    except ExpressionError:
        logger.warning("the questionnaire's variables could not be worked out for its constraints")
        return []
    for constraint in questionnaire.constraints:
        try:
            result = evaluate(constraint.expression, response, base="QuestionnaireResponse",
                              variables=variables, functions=functions)
        except ExpressionError:
            logger.warning("targetConstraint %s could not be checked", constraint.key)
            continue
        if result == [False]:
            found.append(_issue(constraint, visits, None))
    return found


def _issue(constraint: TargetConstraint, visits: list[Visit], owner: Visit | None) -> Issue:
    """The constraint's message, placed at its location item (the instance nearest the owner),
    else at the item it sits on, else on the form as a whole."""
    severity = ERROR if constraint.severity == "error" else WARNING
    place = owner
    if constraint.location is not None:
        indices = owner.indices if owner is not None else ()
        candidates = [v for v in visits if v.item.link_id == constraint.location]
        place = next((v for v in candidates if v.indices[:len(indices)] == indices
                      or indices[:len(v.indices)] == v.indices), candidates[0] if candidates else owner)
    if place is None:
        return Issue(constraint.human, None, INVARIANT, severity, expression="QuestionnaireResponse")
    return Issue(constraint.human, place.item.link_id, INVARIANT, severity, anchor=place.anchor,
                 expression=place.expression)
