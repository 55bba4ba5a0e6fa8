"""enableWhen, as FHIR R4 defines it.

An item is enabled when its conditions hold (all of them, or any with enableBehavior
"any") and its parent is enabled. A condition's question is read inside the instance of
the nearest item that encloses both it and the question, so a question in the same
repeating group is read in the same instance (never borrowed from a sibling instance),
and a question outside the group is read wherever it is.

Operators: `exists` compares "has an answer" with the boolean; `=` and the ordering
operators hold when at least one answer satisfies them; `!=` holds when no answer equals
the value (so also when there is no answer, as the R4 operator definition reads).
"""

from __future__ import annotations

from .definition import EnableWhen, Item
from .nodes import Node
from .values import compare, values_equal


def condition_met(condition: EnableWhen, answers: list[tuple[str, object]]) -> bool:
    """Whether one enableWhen holds, given the (key, value) answers to its question."""
    op = condition.operator
    if op == "exists":
        return bool(answers) == bool(condition.value)
    if op == "=":
        return any(values_equal(k, v, condition.key, condition.value) for k, v in answers)
    if op == "!=":
        return not any(values_equal(k, v, condition.key, condition.value) for k, v in answers)
    wanted = {">": (1,), "<": (-1,), ">=": (0, 1), "<=": (-1, 0)}[op]
    return any(compare(k, v, condition.key, condition.value) in wanted for k, v in answers)


def answers_in_scope(condition: EnableWhen, scope: list[Node]) -> list[tuple[str, object]]:
    """Answers to the condition's question, read in the condition's scope.

    `scope` lists the response nodes around the item, innermost first, ending with the root.
    """
    if not scope:
        return []
    holder = scope[-1]
    if condition.scope is not None:
        holder = next((n for n in scope if n.link_id == condition.scope), None)
        if holder is None:
            return []
    return [typed for n in holder.find(condition.question) for typed in n.values]


def conditions_met(item: Item, scope: list[Node]) -> list[bool]:
    return [condition_met(c, answers_in_scope(c, scope)) for c in item.enable_when]


def item_enabled(item: Item, scope: list[Node]) -> bool:
    """Whether the item's own enableWhen holds (its ancestors are the caller's business)."""
    if not item.enable_when:
        return True
    results = conditions_met(item, scope)
    return any(results) if item.enable_behavior == "any" else all(results)
