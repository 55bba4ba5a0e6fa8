"""Reading SDC launchContext, initialExpression and answerExpression from a Questionnaire.

The parser calls these while it reads the JSON; ``populate.py`` evaluates what they find.
Each problem is reported through the parser's ``problem(message, link_id, severity, code)``,
naming the item and the feature, so the import command and the admin show it.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .definition import SDC, Item, Variable, extensions
from .issues import ERROR, WARNING

EXT_LAUNCH_CONTEXT = SDC + "sdc-questionnaire-launchContext"
EXT_INITIAL_EXPRESSION = SDC + "sdc-questionnaire-initialExpression"
EXT_ANSWER_EXPRESSION = SDC + "sdc-questionnaire-answerExpression"
FHIRPATH = "text/fhirpath"
FHIR_QUERY = "application/x-fhir-query"
# The launch contexts this site fills in from the signed-in person (careguide/questionnaires/launch.py).
SUPPLIED_CONTEXTS = ("patient", "user")
# An expression that reads other answers: its options would change as the person answers.
READS_ANSWERS = re.compile(r"%(resource|context)\b")

Problem = Callable[..., None]


def read_launch_contexts(resource: dict, problem: Problem) -> tuple[str, ...]:
    """The names a questionnaire's launchContext extensions declare; a name this site cannot
    supply is a warning naming it (its %name is empty, so what reads it stays unfilled)."""
    names = []
    for ext in extensions(resource, EXT_LAUNCH_CONTEXT):
        name = None
        for part in ext.get("extension", ()) or ():
            if isinstance(part, dict) and part.get("url") == "name":
                coding = part.get("valueCoding")
                name = coding.get("code") if isinstance(coding, dict) else part.get("valueId") or part.get("valueCode")
        if not isinstance(name, str) or not name:
            problem("A launchContext has no name.", None, WARNING, "structure")
            continue
        if name not in SUPPLIED_CONTEXTS:
            problem(f"launchContext “{name}” is not supplied by this site, so %{name} is empty and the items "
                    "whose expressions read it are not filled in.", None, WARNING, "not-supported")
        names.append(name)
    return tuple(dict.fromkeys(names))


def _expression(raw: dict, url: str) -> Variable | None:
    for ext in extensions(raw, url):
        value = ext.get("valueExpression")
        if isinstance(value, dict) and isinstance(value.get("expression"), str) and value["expression"].strip():
            return Variable(str(value.get("name") or ""), value["expression"], value.get("language") or FHIRPATH)
    return None


def read_item_expressions(item: Item, raw: dict, problem: Problem) -> None:
    """Set ``item.initial_expression`` and ``item.answer_expression`` from the item's extensions."""
    link_id = item.link_id
    initial = _expression(raw, EXT_INITIAL_EXPRESSION)
    if initial is not None:
        if initial.language != FHIRPATH:
            problem(f"Item {link_id}: initialExpression in {initial.language} is not supported, so the item "
                    "starts empty.", link_id, WARNING, "not-supported")
        elif not item.is_question:
            problem(f"Item {link_id}: initialExpression on a {item.type} item is ignored.", link_id, WARNING,
                    "not-supported")
        else:
            item.initial_expression = initial
            if raw.get("initial"):
                problem(f"Item {link_id} has both initial and initialExpression; initialExpression is used when "
                        "it gives a value.", link_id, WARNING)
    answer = _expression(raw, EXT_ANSWER_EXPRESSION)
    if answer is None:
        return
    if answer.language not in (FHIRPATH, FHIR_QUERY):
        # Ignoring it would leave a closed list unchecked: refused.
        problem(f"Item {link_id}: answerExpression in {answer.language} is not supported.", link_id, ERROR,
                "not-supported")
        return
    if not item.is_question:
        problem(f"Item {link_id}: answerExpression on a {item.type} item is ignored.", link_id, WARNING,
                "not-supported")
        return
    item.answer_expression = answer
    # Closed and empty until worked out for a person (populate.personalise): a response checked
    # without that is refused, never accepted unchecked.
    item.options = ()
    if raw.get("answerOption") or raw.get("answerValueSet"):
        problem(f"Item {link_id} has answerExpression and a listed answer list; the answerExpression's "
                "options are offered.", link_id, WARNING)
    if READS_ANSWERS.search(answer.expression):
        problem(f"Item {link_id}: an answerExpression that reads other answers is not supported; its options "
                "are worked out before any answer is given.", link_id, WARNING, "not-supported")
