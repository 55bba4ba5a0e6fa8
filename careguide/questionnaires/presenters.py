"""A stored response as a person reads it: questions with their answers, grouped as the
questionnaire groups them, and any calculated scores."""

from __future__ import annotations

from dataclasses import dataclass, field

from . import engine


@dataclass
class Row:
    question: str
    answers: list[str]
    is_score: bool = False


@dataclass
class Block:
    kind: str  # "group" (a heading and its blocks) or "answers" (questions and answers)
    title: str = ""
    level: int = 2
    rows: list[Row] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)


def _answers(node: dict) -> list[str]:
    found = []
    for answer in node.get("answer") or []:
        typed = engine.value_of(answer) if isinstance(answer, dict) else None
        if typed is not None:
            found.append(engine.display_value(*typed))
    return found


def _blocks(items, nodes: list[dict], level: int) -> list[Block]:
    blocks: list[Block] = []
    current: Block | None = None
    for item in items:
        mine = [n for n in nodes if isinstance(n, dict) and n.get("linkId") == item.link_id]
        for number, node in enumerate(mine):
            if item.is_group:
                title = item.label + (f" ({number + 1})" if item.repeats else "")
                blocks.append(Block("group", title=title, level=min(level, 4),
                                    blocks=_blocks(item.children, node.get("item") or [], level + 1)))
                current = None
            elif item.is_question:
                if current is None:
                    current = Block("answers")
                    blocks.append(current)
                current.rows.append(Row(item.label, _answers(node), item.is_calculated))
                nested = [c for a in node.get("answer") or [] if isinstance(a, dict) for c in a.get("item") or []]
                if nested:
                    for block in _blocks(item.children, nested, level):
                        if block.kind == "answers":
                            current.rows.extend(block.rows)
                        else:
                            blocks.append(block)
                            current = None
    return blocks


def response_sections(definition: engine.Questionnaire, resource: dict) -> list[Block]:
    return _blocks(definition.items, resource.get("item") or [], 2)


def scores(definition: engine.Questionnaire, resource: dict) -> list[Row]:
    """The calculated items that have a value (e.g. a PHQ-9 total score)."""
    found = []
    for visit in engine.walk(definition, engine.read_response(resource)):
        if visit.item.is_calculated and visit.node is not None and visit.node.values:
            found.append(Row(visit.item.label, [engine.display_value(*v) for v in visit.node.values], True))
    return found
