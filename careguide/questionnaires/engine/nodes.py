"""A QuestionnaireResponse read as a tree of item instances (``Node``), before it is matched
to the questionnaire (response.py walks it; enablement.py reads answers from it)."""

from __future__ import annotations

from dataclasses import dataclass, field

from .values import value_of


@dataclass(eq=False)
class Node:
    """One item instance in a response (the root stands for the response itself)."""

    link_id: str | None
    raw: dict
    parent: Node | None = None
    children: list[Node] = field(default_factory=list)

    @property
    def answers(self) -> list[dict]:
        answers = self.raw.get("answer", ()) or ()
        return [a for a in answers if isinstance(a, dict)] if isinstance(answers, list) else []

    @property
    def values(self) -> list[tuple[str, object]]:
        """(key, value) of each answer that has a value."""
        found = []
        for answer in self.answers:
            typed = value_of(answer)
            if typed is not None:
                found.append(typed)
        return found

    def find(self, link_id: str) -> list[Node]:
        """This node and its descendants that answer `link_id`."""
        found = [self] if self.link_id == link_id else []
        for child in self.children:
            found.extend(child.find(link_id))
        return found

    def has_answers(self) -> bool:
        return bool(self.values) or any(child.has_answers() for child in self.children)


def read_response(resource: dict) -> Node:
    root = Node(None, resource if isinstance(resource, dict) else {})
    _read_children(root)
    return root


def _read_children(node: Node):
    raw_items = list(_dicts(node.raw.get("item")))
    for answer in node.answers:
        raw_items.extend(_dicts(answer.get("item")))
    for raw in raw_items:
        link_id = raw.get("linkId")
        child = Node(link_id if isinstance(link_id, str) else "", raw, node)
        node.children.append(child)
        _read_children(child)


def _dicts(value) -> list[dict]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def without_empty_items(resource: dict) -> dict:
    """The response without items that hold no answer at any depth (FHIR wants none)."""

    def keep(items) -> list:
        kept = []
        for item in items or ():
            if not isinstance(item, dict):
                continue
            answers = []
            for answer in item.get("answer", ()) or ():
                if not isinstance(answer, dict):
                    continue
                if "item" in answer:
                    answer["item"] = keep(answer["item"])
                    if not answer["item"]:
                        del answer["item"]
                if value_of(answer) is not None or answer.get("item"):
                    answers.append(answer)
            if answers:
                item["answer"] = answers
            else:
                item.pop("answer", None)
            if "item" in item:
                item["item"] = keep(item["item"])
                if not item["item"]:
                    del item["item"]
            if item.get("answer") or item.get("item"):
                kept.append(item)
        return kept

    if "item" in resource:
        resource["item"] = keep(resource["item"])
        if not resource["item"]:
            del resource["item"]
    return resource
