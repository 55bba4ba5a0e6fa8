"""SDC expressions: calculatedExpression and variable, evaluated with FHIRPath (fhirpathpy).

Each calculated item is worked out where it sits in the response: the focus (`$this`,
`%context`) is its response item, `%resource` the whole response and `%questionnaire` the
questionnaire. Variables on the questionnaire, on the item's ancestors and on the item are
evaluated first, in that order, so later ones can use earlier ones.

Beyond standard FHIRPath, SDC forms use a few FHIR-specific functions, added here:
`answers()` (every answer below the focus), `ordinal()`/`weight()` (the score of a coded
answer, from ordinalValue or itemWeight on the option, the ValueSet concept or the Coding).
`sum()`, `min()`, `max()` and `avg()` are replaced by versions that also accept
decimals read from the resource (fhirpathpy's own fail on those).
"""

from __future__ import annotations

import copy
import logging
from dataclasses import replace
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from .definition import Item, Questionnaire, weight_of
from .issues import WARNING, Issue
from .nodes import Node, read_response, without_empty_items
from .response import Visit, walk
from .values import agrees_with_calculation, coding_matches, display_value, is_number, plain_number

logger = logging.getLogger(__name__)


class ExpressionError(ValueError):
    pass


@lru_cache(maxsize=512)
def _parse(expression: str):
    # fhirpathpy is imported when first used, here and below, not for a cycle: it takes a third
    # of a second to import, which a process that evaluates no expression need not pay.
    from fhirpathpy.parser import parse

    return parse(expression)


def _model():
    from fhirpathpy.models import models

    return models["r4"]


def evaluate(expression: str, focus, *, base: str | None = None, variables: dict | None = None,
             functions: dict | None = None) -> list:
    """Evaluate a FHIRPath expression; raise ExpressionError with the reason if it fails."""
    from fhirpathpy import apply_parsed_path
    from fhirpathpy.engine.nodes import ResourceNode

    try:
        parsed = _parse(expression)
        target = ResourceNode.create_node(focus, base) if base else focus
        return apply_parsed_path(target, parsed, variables or {}, _model(),
                                 {"userInvocationTable": functions or {}})
    except Exception as exc:  # fhirpathpy raises bare Exceptions for unknown functions and syntax
        raise ExpressionError(f"{expression!r}: {exc}") from exc


@lru_cache(maxsize=512)
def syntax_problem(expression: str) -> str | None:
    """Why a FHIRPath expression cannot be read, or None when it can.

    fhirpathpy's own parser recovers from syntax errors silently (``item.where(`` evaluates
    to something), so this reads the expression with the same grammar and stops at the first
    error, and at any text left over after a whole expression."""
    from antlr4 import CommonTokenStream, InputStream, Token
    from antlr4.error.ErrorListener import ErrorListener
    from fhirpathpy.parser.generated.FHIRPathLexer import FHIRPathLexer
    from fhirpathpy.parser.generated.FHIRPathParser import FHIRPathParser

    class Stop(ErrorListener):
        def syntaxError(self, recognizer, offending_symbol, line, column, msg, e):  # noqa: N802 - ANTLR's name
            raise ExpressionError(f"at character {column + 1}: {msg.split(' expecting ')[0]}")

    try:
        lexer = FHIRPathLexer(InputStream(expression))
        tokens = CommonTokenStream(lexer)
        parser = FHIRPathParser(tokens)
        for recognizer in (lexer, parser):
            recognizer.removeErrorListeners()
            recognizer.addErrorListener(Stop())
        parser.expression()
        left = tokens.LT(1)
        if left is not None and left.type != Token.EOF:
            return f"at character {left.column + 1}: unexpected {left.text!r}"
    except ExpressionError as exc:
        return str(exc)
    except Exception as exc:  # noqa: BLE001 - ANTLR's lexer raises its own errors on bad characters
        return str(exc) or "it is not FHIRPath"
    return None


def enable_expression_judge(questionnaire: Questionnaire, root: Node):
    """The test the walk applies to an item instance with an enableWhenExpression (SDC): the
    expression is evaluated like a calculatedExpression (the item's response item as focus,
    %resource the response, the variables in scope) and the item is enabled only when it
    gives true; false, nothing, or an error leave it disabled."""
    functions = sdc_functions(questionnaire)

    def holds(visit: Visit) -> bool:
        if syntax_problem(visit.item.enable_when_expression):
            return False  # named at import; fhirpathpy would evaluate what it could make of it
        focus = visit.node if visit.node is not None else Node(visit.item.link_id, {}, visit.container)
        at = replace(visit, node=focus)
        try:
            variables = _variables_for(questionnaire, at, root.raw, functions)
            results = evaluate(visit.item.enable_when_expression, focus.raw, base="QuestionnaireResponse.item",
                               variables=variables, functions=functions)
        except ExpressionError:
            return False
        return results == [True]

    return holds


def power(inputs, exponent):
    """FHIRPath ``power()``: the input raised to ``exponent``, empty when the result is not a real
    number (a negative number to a fractional power), as the FHIRPath specification says.
    fhirpathpy's own also gives nothing for any fractional exponent, so a risk score such as
    Framingham's (``x.power(0.5)``) was never computed."""
    values = [v for v in inputs if is_number(v)]
    if len(values) != 1 or len(inputs) != 1 or not is_number(exponent):
        return []
    try:
        result = Decimal(str(values[0])) ** Decimal(str(exponent))
    except (InvalidOperation, ArithmeticError):
        return []
    return [] if result.is_nan() or result.is_infinite() else result


def traditional_round(inputs, precision=None):
    """FHIRPath ``round([precision])``: to the nearest value, a half rounding up ("0.5 or higher
    will round to 1"), as fhirpath.js in LHC-Forms and Smart Forms does. fhirpathpy rounded a half
    to even (a BMI of 24.45 to one place gave 24.4, not 24.5) and refused ``round()`` with no
    precision."""
    values = [v for v in inputs if is_number(v)]
    if len(values) != 1 or len(inputs) != 1:
        return []
    places = 0 if precision is None or precision == [] else precision
    if not isinstance(places, int) or isinstance(places, bool) or places < 0:
        return []
    scale = Decimal(1).scaleb(-places)
    number = Decimal(str(values[0]))
    return ((number / scale + Decimal("0.5")).to_integral_value(rounding="ROUND_FLOOR") * scale).quantize(scale)


def sdc_functions(questionnaire: Questionnaire) -> dict:
    """The SDC / FHIR FHIRPath functions fhirpathpy lacks, bound to this questionnaire."""
    from fhirpathpy.engine.nodes import ResourceNode

    weighted = [(o.value, o.weight) for item in questionnaire.all_items() for o in item.options or ()
                if o.key == "valueCoding" and o.weight is not None]

    def answers(inputs):
        found = []

        def walk_items(items):
            for item in items or ():
                if not isinstance(item, dict):
                    continue
                for answer in item.get("answer", ()) or ():
                    found.append(ResourceNode.create_node(answer, "QuestionnaireResponse.item.answer"))
                    walk_items(answer.get("item"))
                walk_items(item.get("item"))

        for value in inputs:
            if isinstance(value, dict):
                walk_items(value.get("item") if "resourceType" in value else [value])
        return found

    def weight(inputs):
        found = []
        for value in inputs:
            if not isinstance(value, dict):
                continue
            coding = value
            if "valueCoding" in value:  # an answer or answerOption rather than a Coding
                own = weight_of(value)
                if own is not None:
                    found.append(own)
                    continue
                coding = value["valueCoding"]
            own = weight_of(coding) if isinstance(coding, dict) else None
            if own is not None:
                found.append(own)
                continue
            for option_coding, option_weight in weighted:
                if isinstance(coding, dict) and coding_matches(option_coding, coding):
                    found.append(option_weight)
                    break
        return found

    def numbers(inputs):
        return [Decimal(str(v)) for v in inputs if is_number(v)]

    def total(inputs):
        values = numbers(inputs)
        return sum(values, Decimal(0)) if values else []

    def smallest(inputs):
        values = numbers(inputs)
        return min(values) if values else []

    def largest(inputs):
        values = numbers(inputs)
        return max(values) if values else []

    def average(inputs):
        values = numbers(inputs)
        return sum(values, Decimal(0)) / len(values) if values else []

    return {
        "power": {"fn": power, "arity": {1: ["Number"]}, "nullable": True},
        "round": {"fn": traditional_round, "arity": {0: [], 1: ["Integer"]}},
        "answers": {"fn": answers},
        "ordinal": {"fn": weight},
        "weight": {"fn": weight},
        "sum": {"fn": total},
        "min": {"fn": smallest},
        "max": {"fn": largest},
        "avg": {"fn": average},
    }


def _result_answers(item: Item, results: list) -> list[dict]:
    """The answers an item takes from an expression's results."""
    answers = []
    for result in results:
        answer = _to_answer(item, result)
        if answer is not None:
            answers.append(answer)
    return answers if item.repeats else answers[:1]


def _to_answer(item: Item, result) -> dict | None:
    kind = item.type
    if isinstance(result, dict) and kind not in ("quantity", "choice", "open-choice", "reference", "attachment"):
        return None
    if kind in ("decimal", "integer"):
        if not is_number(result):
            return None
        if kind == "integer":
            number = Decimal(str(result))
            return {"valueInteger": int(number)} if number == number.to_integral_value() else None
        return {"valueDecimal": plain_number(result)}
    if kind == "quantity":
        if isinstance(result, dict) and is_number(result.get("value")):
            return {"valueQuantity": {**result, "value": plain_number(result["value"])}}
        if not is_number(result):
            return None
        quantity = {"value": plain_number(result)}
        if item.units:
            unit = item.units[0]
            if unit.get("display") or unit.get("code"):
                quantity["unit"] = unit.get("display") or unit.get("code")
            if unit.get("system") and unit.get("code"):
                quantity.update(system=unit["system"], code=unit["code"])
        return {"valueQuantity": quantity}
    if kind == "boolean":
        return {"valueBoolean": result} if isinstance(result, bool) else None
    if kind in ("choice", "open-choice"):
        if isinstance(result, dict) and (result.get("code") or result.get("display")):
            coding = {k: result[k] for k in ("system", "version", "code", "display") if k in result}
            return {"valueCoding": coding}
        if isinstance(result, str) and item.options:
            for option in item.options:
                if option.key == "valueCoding" and option.value.get("code") == result:
                    return {"valueCoding": option.value}
                if option.key == "valueString" and option.value == result:
                    return {"valueString": result}
        if isinstance(result, str) and kind == "open-choice":
            return {"valueString": result}
        return None
    if kind in ("string", "text", "url"):
        return {"valueUri" if kind == "url" else "valueString": str(result)} if result not in ("", None) else None
    if kind in ("date", "dateTime", "time"):
        return {"value" + kind[0].upper() + kind[1:]: str(result)}
    return None


def _variables_for(questionnaire: Questionnaire, visit: Visit, resource: dict, functions: dict) -> dict:
    """%resource, %questionnaire, %context and every variable in scope of this item."""
    from fhirpathpy.engine.nodes import ResourceNode

    focus = visit.node.raw if visit.node is not None else {}
    variables = {
        "resource": resource,
        "questionnaire": questionnaire.resource,
        "context": ResourceNode.create_node(focus, "QuestionnaireResponse.item"),
        # Launch contexts are for starting values and options (populate.py); here they read as empty.
        **{name: [] for name in questionnaire.launch_contexts},
    }
    for variable in questionnaire.variables:
        variables[variable.name] = _variable_value(variable, resource, None, variables, functions)
    chain = [*reversed(list(visit.item.ancestors())), visit.item]
    for owner in chain:
        owner_node = _nearest(visit.node, owner.link_id)
        for variable in owner.variables:
            focus_raw = owner_node.raw if owner_node is not None else {}
            variables[variable.name] = _variable_value(variable, focus_raw, "QuestionnaireResponse.item",
                                                       variables, functions)
    return variables


def _variable_value(variable, focus, base, variables, functions):
    if variable.language != "text/fhirpath":
        return []
    return evaluate(variable.expression, focus, base=base, variables=variables, functions=functions)


def _nearest(node: Node | None, link_id: str) -> Node | None:
    while node is not None:
        if node.link_id == link_id:
            return node
        node = node.parent
    return None


def calculate(questionnaire: Questionnaire, response: dict, *, drop_empty: bool = True) -> tuple[dict, list[Issue]]:
    """A copy of the response with each enabled calculated item's answer worked out.

    Items whose expression yields nothing lose any answer they had. Expressions that fail
    are reported as warnings and leave their item unanswered, so a faulty score never
    blocks a patient's response. With `drop_empty=False` items left empty stay (a form's
    instance numbers do not move).
    """
    resource = copy.deepcopy(response)
    calculated = questionnaire.calculated_items
    if not calculated:
        return resource, []
    functions = sdc_functions(questionnaire)
    warnings: dict[str, Issue] = {}
    # Calculated items may use one another: a few rounds let the values settle.
    for _ in range(min(len(calculated), 3) + 1):
        changed = False
        for item in calculated:
            for visit in [v for v in walk(questionnaire, read_response(resource)) if v.item is item]:
                if not visit.enabled:
                    continue
                raw = visit.node.raw if visit.node is not None else _insert_item(questionnaire, visit, resource)
                if raw is None:
                    continue
                visit.node = visit.node or Node(item.link_id, raw, visit.container)
                try:
                    variables = _variables_for(questionnaire, visit, resource, functions)
                    results = evaluate(item.calculated_expression, raw, base="QuestionnaireResponse.item",
                                       variables=variables, functions=functions)
                    answers = _result_answers(item, results)
                except ExpressionError as exc:
                    logger.warning("calculatedExpression of %s failed: %s", item.link_id, exc)
                    warnings[item.link_id] = Issue(
                        f"The calculation for “{item.label}” could not be worked out: {exc}",
                        link_id=item.link_id, code="exception", severity=WARNING, anchor=visit.anchor,
                        expression=visit.expression,
                    )
                    answers = []
                if (raw.get("answer") or []) != answers:
                    changed = True
                    if answers:
                        raw["answer"] = answers
                    else:
                        raw.pop("answer", None)
        if not changed:
            break
    return (without_empty_items(resource) if drop_empty else resource), list(warnings.values())


def _insert_item(questionnaire: Questionnaire, visit: Visit, resource: dict) -> dict | None:
    """Add an (empty) response item for a calculated item, in questionnaire order, with the
    groups around it that nothing was typed in (a score inside a group is still stored)."""
    holder = _children_of(questionnaire, visit.parent, resource)
    return None if holder is None else _insert_sorted(questionnaire, visit.item, holder)


def _children_of(questionnaire: Questionnaire, visit: Visit | None, resource: dict) -> list | None:
    """The list the items inside this item instance go in, made (group by group) if missing.
    None under a question that has no answer: its nested items need an answer to sit in."""
    if visit is None:
        return resource.setdefault("item", [])
    if visit.node is not None:
        raw = visit.node.raw
    elif visit.item.is_group:
        outer = _children_of(questionnaire, visit.parent, resource)
        if outer is None:
            return None
        raw = _insert_sorted(questionnaire, visit.item, outer)
        visit.node = Node(visit.item.link_id, raw, visit.container)
    else:
        return None
    if visit.item.is_question:
        answers = raw.get("answer") or []
        return answers[0].setdefault("item", []) if answers and isinstance(answers[0], dict) else None
    return raw.setdefault("item", [])


def _insert_sorted(questionnaire: Questionnaire, item: Item, siblings: list) -> dict:
    order = _sibling_order(questionnaire, item)
    new = {"linkId": item.link_id}
    if item.text:
        new["text"] = item.text
    position = len(siblings)
    for index, sibling in enumerate(siblings):
        if isinstance(sibling, dict) and order.get(sibling.get("linkId"), -1) > order[item.link_id]:
            position = index
            break
    siblings.insert(position, new)
    return new


def _sibling_order(questionnaire: Questionnaire, item: Item) -> dict[str, int]:
    siblings = item.parent.children if item.parent is not None else questionnaire.items
    return {s.link_id: i for i, s in enumerate(siblings)}


def calculation_mismatches(questionnaire: Questionnaire, posted: dict, calculated: dict) -> list[Issue]:
    """Calculated items the sender answered differently from what the answers give."""
    if not questionnaire.calculated_items:
        return []
    expected = {v.anchor: v for v in walk(questionnaire, read_response(calculated)) if v.item.is_calculated}
    issues = []
    for visit in walk(questionnaire, read_response(posted)):
        if not visit.item.is_calculated or visit.node is None or not visit.node.values:
            continue
        want = expected.get(visit.anchor)
        want_values = want.node.values if want is not None and want.node is not None else []
        same = len(want_values) == len(visit.node.values) and all(
            agrees_with_calculation(k1, v1, k2, v2)
            for (k1, v1), (k2, v2) in zip(visit.node.values, want_values, strict=True)
        )
        if not same:
            shown = ", ".join(display_value(k, v) for k, v in want_values) or "no answer"
            issues.append(Issue(
                f"“{visit.item.label}” is calculated from the other answers: expected {shown}",
                link_id=visit.item.link_id, code="business-rule", anchor=visit.anchor, expression=visit.expression,
            ))
    return issues
