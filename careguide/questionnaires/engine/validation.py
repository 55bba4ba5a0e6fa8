"""Check a QuestionnaireResponse against its Questionnaire.

`validate_response` returns issues, each naming the item's linkId, its instance (anchor)
and its place in the response (FHIRPath), with a message a patient can act on. An empty
list means the response may be stored.
"""

from __future__ import annotations

import copy

from .constraints import answer_limit_problem, constraint_issues, group_count_issues
from .definition import Item, Questionnaire
from .issues import Issue
from .nodes import Node, read_response, without_empty_items
from .response import Visit, anchor, fhirpath_string, walk
from .values import TYPE_NAMES, compare, display_value, format_problem, is_number, value_of

LABEL_LIMIT = 120
GROUP_REQUIRED = "group-required"  # internal: settled into "required" before returning
CHECKED_STATUSES = ("completed", "amended")


def short_label(item: Item) -> str:
    label = item.label
    return label if len(label) <= LABEL_LIMIT else label[: LABEL_LIMIT - 1].rstrip() + "…"


def required_message(item: Item) -> str:
    label = short_label(item)
    if item.is_group:
        return f"Answer at least one question in “{label}”"
    if item.type in ("boolean", "choice", "open-choice"):
        return f"Select an answer for “{label}”"
    return f"Enter an answer for “{label}”"


def exclusive_message(option_label: str) -> str:
    return f"Select “{option_label}” on its own, or select other answers without it"


def validate_response(questionnaire: Questionnaire, response: dict, *,
                      check_required: bool | None = None) -> list[Issue]:
    """Every problem with `response` as an answer to `questionnaire`."""
    if not isinstance(response, dict) or response.get("resourceType") != "QuestionnaireResponse":
        return [Issue("The resource is not a QuestionnaireResponse.", code="structure")]
    if check_required is None:
        check_required = response.get("status") in CHECKED_STATUSES
    root = read_response(response)
    issues: list[Issue] = []
    visits = list(walk(questionnaire, root))
    # What is enabled is judged without answers to disabled items (they do not count).
    settled = prune_disabled(questionnaire, response, drop_empty=False)
    enabled = {v.anchor: v.enabled for v in walk(questionnaire, read_response(settled))}
    for visit in visits:
        visit.enabled = enabled.get(visit.anchor, visit.enabled)
    issues.extend(_unknown_items(questionnaire, root))
    skip: set[int] = set()  # nodes under an item already reported as not applicable
    for visit in visits:
        node = visit.node
        if node is not None and id(node.parent) in skip:
            skip.add(id(node))
            continue
        if node is not None and not visit.enabled:
            if node.has_answers():
                issues.append(_issue(visit, f"“{short_label(visit.item)}” does not apply given the other answers, "
                                            "so it must not be answered", "business-rule"))
            skip.add(id(node))
            continue
        if not visit.enabled:
            continue
        issues.extend(_check_visit(visit, check_required and _in_present_parent(visit)))
    issues.extend(group_count_issues(visits, lambda v: check_required and _in_present_parent(v)))
    issues.extend(constraint_issues(questionnaire, settled, visits))
    # An empty required group is reported through its own required questions where it has
    # some ("Select an answer for ..." beside each), else as a whole.
    kept = []
    for issue in issues:
        if issue.code == GROUP_REQUIRED:
            inner = [i for i in issues if i is not issue and i.code == "required"
                     and (i.expression or "").startswith(issue.expression or "")]
            if inner:
                continue
            issue = Issue(issue.message, issue.link_id, "required", issue.severity, issue.anchor, issue.expression)
        kept.append(issue)
    return kept


def _present(visit: Visit) -> bool:
    """Whether the required items inside this group instance must be answered.

    A group that appears once is part of the form like any question, so its required
    questions are required (as LHC-Forms reads them). A repeating group may have no
    instances unless it is required itself, and an instance left empty is as good as
    none: its required questions are needed only once something in it is answered.
    """
    if not visit.item.is_group:
        return _in_present_parent(visit)
    if visit.node is not None and visit.node.has_answers():
        return True
    if visit.item.repeats:
        return visit.node is not None and visit.item.required and _in_present_parent(visit)
    return _in_present_parent(visit)


def _in_present_parent(visit: Visit) -> bool:
    return visit.parent is None or _present(visit.parent)




def _issue(visit: Visit, message: str, code: str = "invalid", *, index: int | None = None) -> Issue:
    expression = visit.expression + (f".answer[{index}]" if index is not None else "")
    return Issue(message, link_id=visit.item.link_id, code=code, anchor=visit.anchor, expression=expression)


def _check_visit(visit: Visit, check_required: bool) -> list[Issue]:
    item, node = visit.item, visit.node
    found: list[Issue] = []
    if visit.duplicate:
        what = "group" if item.is_group else "question"
        return [_issue(visit, f"“{short_label(item)}” is a {what} that appears only once", "structure")]
    if item.is_display:
        if node is not None and node.answers:
            found.append(_issue(visit, f"“{short_label(item)}” is text to read and cannot be answered", "structure"))
        return found
    if item.is_group:
        if node is not None and node.answers:
            found.append(_issue(visit, f"“{short_label(item)}” is a group and cannot have answers", "structure"))
        if check_required and item.required and (node is None or not node.has_answers()):
            # Reported only if none of its own questions is (see validate_response).
            found.append(_issue(visit, required_message(item), GROUP_REQUIRED))
        return found
    answers = node.answers if node is not None else []
    values: list[tuple[str, object]] = []
    for index, answer in enumerate(answers):
        typed = value_of(answer)
        if typed is None:
            if not answer.get("item"):
                found.append(_issue(visit, f"An answer to “{short_label(item)}” is empty", "structure", index=index))
            continue
        problem = _answer_problem(item, typed[0], typed[1])
        if problem:
            found.append(_issue(visit, problem, "value", index=index))
        values.append(typed)
    if len(values) > 1 and not item.repeats:
        found.append(_issue(visit, f"“{short_label(item)}” takes one answer only", "structure"))
    if item.max_occurs and len(values) > item.max_occurs:
        found.append(_issue(visit, f"“{short_label(item)}” takes at most {item.max_occurs} answers", "structure"))
    if item.repeats and item.options and len(values) > 1:
        for key, value in values:
            option = item.option_for(key, value)
            if option is not None and option.exclusive:
                found.append(_issue(visit, exclusive_message(option.label), "business-rule"))
                break
    if check_required and not values and (item.required or (item.min_occurs or 0) > 0):
        found.append(_issue(visit, required_message(item), "required"))
    elif check_required and values and item.min_occurs and len(values) < item.min_occurs:
        found.append(_issue(visit, f"“{short_label(item)}” needs at least {item.min_occurs} answers", "required"))
    return found


def _answer_problem(item: Item, key: str, value) -> str | None:
    label = short_label(item)
    if key not in item.answer_keys:
        wanted = " or ".join(dict.fromkeys(TYPE_NAMES.get(k, k) for k in item.answer_keys)) or "no answer"
        return f"“{label}” needs a {wanted} as its answer, not a {TYPE_NAMES.get(key, key)}"
    problem = format_problem(key, value)
    if problem:
        return f"“{label}” {problem}"
    if item.closed and item.option_for(key, value) is None:
        return f"Choose one of the listed answers for “{label}”"
    if key in ("valueString", "valueUri") and item.max_length and len(value) > item.max_length:
        return f"“{label}” must be {item.max_length} characters or fewer"
    limit = answer_limit_problem(item, key, value, label)
    if limit:
        return limit
    number = value.get("value") if key == "valueQuantity" else value
    if item.min_value is not None and _out_of_range(key, number, item.min_value, -1):
        return f"“{label}” must be {_bound_text(item.min_value)} or more"
    if item.max_value is not None and _out_of_range(key, number, item.max_value, 1):
        return f"“{label}” must be {_bound_text(item.max_value)} or less"
    if key == "valueQuantity" and item.units and not _unit_allowed(item, value):
        return f"Choose one of the listed units for “{label}”"
    return None


def _out_of_range(key, value, bound, direction) -> bool:
    bound_value = bound.get("value") if isinstance(bound, dict) else bound
    if is_number(value) and is_number(bound_value):
        return compare("valueDecimal", value, "valueDecimal", bound_value) == direction
    if isinstance(value, str) and isinstance(bound_value, str) and key in ("valueDate", "valueDateTime", "valueTime"):
        result = compare(key, value, key, bound_value)
        return result == direction
    return False


def _bound_text(bound) -> str:
    if isinstance(bound, dict):
        return display_value("valueQuantity", bound)
    return display_value("valueDecimal", bound) if is_number(bound) else str(bound)


def _unit_allowed(item: Item, quantity: dict) -> bool:
    if not (quantity.get("code") or quantity.get("unit")):
        return len(item.units) == 1  # a fixed unit may be left implicit
    for unit in item.units:
        if quantity.get("code"):
            # A coded unit must be the listed one exactly: the same code in the same system.
            if quantity["code"] == unit.get("code") and quantity.get("system") in (None, unit.get("system")):
                return True
        elif quantity.get("unit") in (unit.get("display"), unit.get("code")):
            return True
    return False


def _unknown_items(questionnaire: Questionnaire, root: Node) -> list[Issue]:
    """Response items whose linkId the questionnaire does not have where they appear."""
    found = []

    def check(node: Node, allowed: dict[str, Item], path: str):
        for child in node.children:
            item = allowed.get(child.link_id)
            where = f"{path}.item.where(linkId={fhirpath_string(child.link_id or '')})"
            if item is None:
                found.append(Issue(f"{child.link_id or 'An item'} is not a question in this questionnaire here",
                                   link_id=child.link_id or None, code="structure",
                                   anchor=anchor(child.link_id or ""), expression=where))
                continue
            check(child, {c.link_id: c for c in item.children}, where)

    check(root, {i.link_id: i for i in questionnaire.items}, "QuestionnaireResponse")
    return found


def prune_disabled(questionnaire: Questionnaire, response: dict, *, drop_empty: bool = True) -> dict:
    """A copy of the response without answers to items that are not enabled.

    Answers to a disabled item do not count for the items that depend on it, so this
    repeats until nothing changes (chains of conditions settle within a few rounds).
    With `drop_empty=False` items left empty stay, so instance numbers do not move.
    """
    pruned = copy.deepcopy(response)
    for _ in range(len(questionnaire.by_link_id) + 1):
        root = read_response(pruned)
        disabled = [v.node for v in walk(questionnaire, root) if v.node is not None and not v.enabled]
        disabled = [n for n in disabled if n.has_answers()]
        if not disabled:
            break
        for node in disabled:
            _clear(node.raw)
    return without_empty_items(pruned) if drop_empty else pruned


def _clear(raw: dict):
    raw.pop("answer", None)
    for child in raw.get("item", ()) or ():
        if isinstance(child, dict):
            _clear(child)
    raw.pop("item", None)
