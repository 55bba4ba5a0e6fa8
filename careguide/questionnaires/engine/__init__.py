"""The questionnaire engine: FHIR R4 Questionnaire (SDC subset) as pure Python.

No Django here. Views, forms, services and the FHIR API all go through these functions:

    parse_questionnaire(resource, value_sets=None) -> Questionnaire   (raises QuestionnaireError;
        value_sets finds the answer lists it names but does not contain: valuesets.py)
    validate_response(questionnaire, response) -> [Issue]
    calculate(questionnaire, response) -> (response, [Issue])
    complete_response(questionnaire, response) -> (response, [Issue])
    prune_disabled(questionnaire, response) -> response
    walk(questionnaire, read_response(response)) -> Visit per item instance
"""

from __future__ import annotations

from .definition import (
    EXT_CALCULATED,
    EXT_HIDDEN,
    EXT_ITEM_CONTROL,
    EXT_OPTION_EXCLUSIVE,
    EXT_VARIABLE,
    AnswerOption,
    EnableWhen,
    Item,
    Questionnaire,
    Step,
    Variable,
)
from .enablement import answers_in_scope, condition_met, item_enabled
from .expressions import ExpressionError, calculate, calculation_mismatches, evaluate
from .issues import ERROR, WARNING, Issue, QuestionnaireError
from .nodes import Node, read_response
from .parser import parse_questionnaire
from .response import Visit, anchor, walk
from .validation import (
    exclusive_message,
    prune_disabled,
    required_message,
    short_label,
    validate_response,
    without_empty_items,
)
from .values import display_value, value_of

__all__ = [
    "ERROR", "EXT_CALCULATED", "EXT_HIDDEN", "EXT_ITEM_CONTROL", "EXT_OPTION_EXCLUSIVE", "EXT_VARIABLE",
    "WARNING", "AnswerOption", "EnableWhen", "ExpressionError", "Issue", "Item", "Node", "Questionnaire",
    "QuestionnaireError", "Step", "Variable", "Visit", "anchor", "answers_in_scope", "calculate",
    "calculation_mismatches", "complete_response", "condition_met", "display_value", "enabled_steps", "evaluate",
    "exclusive_message", "item_enabled", "parse_questionnaire", "prune_disabled", "read_response",
    "required_message", "short_label", "validate_response", "value_of", "walk", "without_empty_items",
]


def complete_response(questionnaire: Questionnaire, response: dict) -> tuple[dict, list[Issue]]:
    """What a server does before storing a response: work out calculated answers, check
    any the sender gave, and validate. Returns the completed response and every issue
    (errors block storing; warnings do not)."""
    completed, warnings = calculate(questionnaire, response)
    issues = calculation_mismatches(questionnaire, response, completed)
    issues += validate_response(questionnaire, completed)
    return completed, issues + warnings


def enabled_steps(questionnaire: Questionnaire, response: dict) -> list[Step]:
    """The screens that apply given the answers so far (a page whose enableWhen fails is skipped),
    judged with the calculated items worked out, as the stored response will be."""
    if questionnaire.calculated_items:
        response = prune_disabled(questionnaire, calculate(questionnaire, response)[0])
    enabled = {v.item.link_id for v in walk(questionnaire, read_response(response)) if v.enabled}
    return [s for s in questionnaire.steps if any(i.link_id in enabled for i in s.items) or not s.items]
