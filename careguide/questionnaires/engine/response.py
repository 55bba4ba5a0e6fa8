"""A QuestionnaireResponse read as a tree of item instances, matched to the questionnaire.

`walk(questionnaire, response)` visits every item of the questionnaire in every place it
can occur (each instance of a repeating group), with the response node that answers it
(if any) and whether its enableWhen holds there. Validation, calculation and the HTML
forms all build on this one walk, so they agree on what is enabled and where.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from .definition import Item, Questionnaire
from .enablement import item_enabled
from .nodes import Node


def anchor(link_id: str, indices: tuple[int, ...] = ()) -> str:
    """The name of one item instance: its linkId, plus repeating-group instance numbers."""
    return f"{link_id}@{'.'.join(str(i) for i in indices)}" if indices else link_id


def fhirpath_string(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


@dataclass
class Visit:
    item: Item
    node: Node | None  # None: no answer to this item here
    enabled: bool
    indices: tuple[int, ...]  # instance numbers of enclosing repeating groups (and this one)
    anchor: str
    expression: str
    container: Node  # the node this item's answers belong in
    duplicate: bool = False  # a second node for an item that does not repeat
    parent: Visit | None = None  # the visit of the enclosing item instance


def walk(questionnaire: Questionnaire, root: Node) -> Iterator[Visit]:
    """Every item instance, in questionnaire order, with its enabled state (enableWhen, and
    enableWhenExpression evaluated against this response)."""
    judge = questionnaire.expression_judge(questionnaire, root) if questionnaire.expression_judge else None
    yield from _walk_items(questionnaire.items, root, [root], True, (), "QuestionnaireResponse", None, judge)


def _walk_items(items, container: Node, scope: list[Node], parent_enabled: bool, indices, path,
                parent: Visit | None, judge) -> Iterator[Visit]:
    for item in items:
        nodes = [n for n in container.children if n.link_id == item.link_id]
        step = ".answer" if container.link_id is not None and _is_question_node(container, item) else ""
        base = f"{path}{step}.item.where(linkId={fhirpath_string(item.link_id)})"
        if not nodes:
            enabled = parent_enabled and item_enabled(item, scope)
            own = indices
            visit = Visit(item, None, enabled, own, anchor(item.link_id, own), base, container, parent=parent)
            _judge_expression(visit, judge)
            yield visit
            yield from _walk_items(item.children, Node(item.link_id, {}, container), scope, visit.enabled, own,
                                   base, visit, judge)
            continue
        for number, node in enumerate(nodes):
            repeating_group = item.is_group and item.repeats
            own = (*indices, number) if repeating_group else indices
            expression = f"{base}[{number}]" if repeating_group or number else base
            enabled = parent_enabled and item_enabled(item, [node, *scope])
            visit = Visit(item, node, enabled, own, anchor(item.link_id, own), expression, container,
                          duplicate=bool(number) and not repeating_group, parent=parent)
            _judge_expression(visit, judge)
            yield visit
            yield from _walk_items(item.children, node, [node, *scope], visit.enabled, own, expression, visit, judge)


def _judge_expression(visit: Visit, judge) -> None:
    """An item with an enableWhenExpression is enabled only where it gives true."""
    if visit.enabled and judge is not None and visit.item.enable_when_expression is not None:
        visit.enabled = judge(visit)


def _is_question_node(container: Node, item: Item) -> bool:
    parent = item.parent
    return parent is not None and parent.is_question
