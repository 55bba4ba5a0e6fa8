"""Reading a POST into a working QuestionnaireResponse.

`PostedAnswers` reads the answers posted for one screen (field names are the engine's
anchors), keeps what was typed so the form can show it again, and the typing problems by
anchor. `apply_repeat_action` carries out the no-JavaScript "Add another" and "Remove"
buttons of repeating groups on the working response.
"""

from __future__ import annotations

import copy

from .. import engine
from .coercion import coerce

MAX_INSTANCES = 30
# Suffixes of the extra inputs some questions have beside the one named by the anchor.
UNIT_SUFFIX = "__unit"
OTHER_SUFFIX = "__other"
COUNT_SUFFIX = "__count"


def read_action(data) -> tuple[str, str]:
    """The button pressed (continue, back, add, remove...) and, for add/remove, its target."""
    if data is None:
        return "", ""
    if data.get("_add"):
        return "add", data.get("_add")
    if data.get("_remove"):
        return "remove", data.get("_remove")
    return data.get("_action", "continue"), ""


def not_an_input(item) -> bool:
    """Whether a question has no input a person fills in."""
    return item.is_calculated or item.read_only or item.hidden or item.type in ("attachment", "reference")


class PostedAnswers:
    """The answers of one POST. `raw` maps an anchor to what was typed there; `parse_errors`
    maps an anchor to the problems reading it."""

    def __init__(self, definition: engine.Questionnaire, data, base: dict, items):
        self.definition = definition
        self.data = data
        self.base = base
        self.items = items  # the top-level items on this screen
        self._base_nodes = {v.anchor: v.node for v in engine.walk(definition, engine.read_response(base))}
        self.raw: dict[str, dict] = {}
        self.parse_errors: dict[str, list[str]] = {}

    def read(self) -> dict:
        """The working response: posted answers for this screen, the base for the rest."""
        posted = {}
        for item in self.items:
            posted[item.link_id] = self._read_item(item, ())
        items = []
        base_items = self.base.get("item") or []
        for item in self.definition.items:
            if item.link_id in posted:
                items.extend(posted[item.link_id])
            else:
                items.extend(copy.deepcopy([n for n in base_items if n.get("linkId") == item.link_id]))
        working = {k: v for k, v in self.base.items() if k != "item"}
        working["item"] = items
        return working

    def _count(self, item, indices) -> int:
        whole = engine.anchor(item.link_id, indices)
        try:
            count = int(self.data.get(whole + COUNT_SUFFIX, "1"))
        except ValueError:
            count = 1
        return max(1, min(count, MAX_INSTANCES))

    def _read_item(self, item, indices) -> list[dict]:
        if item.is_display:
            return []
        if item.is_group:
            if item.repeats:
                return [{"linkId": item.link_id, "item": self._read_children(item, (*indices, n))}
                        for n in range(self._count(item, indices))]
            return [{"linkId": item.link_id, "item": self._read_children(item, indices)}]
        name = engine.anchor(item.link_id, indices)
        if not_an_input(item):
            node = self._base_nodes.get(name)
            return [copy.deepcopy(node.raw)] if node is not None and not item.is_calculated else []
        answers = self._read_answers(item, name)
        node: dict = {"linkId": item.link_id}
        children = self._read_children(item, indices)
        if any(c.get("answer") or c.get("item") for c in children):
            if answers:
                answers[0]["item"] = children
            else:
                answers = [{"item": children}]
        if answers:
            node["answer"] = answers
        return [node]

    def _read_children(self, item, indices) -> list[dict]:
        out = []
        for child in item.children:
            out.extend(self._read_item(child, indices))
        return out

    def _read_answers(self, item, name) -> list[dict]:
        data = self.data
        raw_values = [v.strip() for v in data.getlist(name)]
        self.raw[name] = {"values": raw_values, "other": data.get(name + OTHER_SUFFIX, "").strip(),
                          "unit": data.get(name + UNIT_SUFFIX, "")}
        answers, problems = coerce(item, [v for v in raw_values if v], other=self.raw[name]["other"],
                                   unit=self.raw[name]["unit"], label=engine.short_label(item))
        for message in problems:
            self.parse_errors.setdefault(name, []).append(message)
        return answers

    def apply_repeat_action(self, action: str, target: str, working: dict):
        """Add or remove a repeating-group instance (the no-JavaScript "Add another")."""
        if action not in ("add", "remove"):
            return
        for visit in engine.walk(self.definition, engine.read_response(working)):
            item = visit.item
            if action == "add" and item.repeats and visit.anchor == target and item.is_question:
                # One more blank input for a repeating free-text question.
                self.raw.setdefault(target, {"values": [], "other": "", "unit": ""})
                self.raw[target]["values"] = [*self.raw[target]["values"], ""]
                self.raw[target]["extra"] = True
                return
            if not (item.is_group and item.repeats and visit.node is not None):
                continue
            whole = engine.anchor(item.link_id, visit.indices[:-1])
            siblings = [n for n in _raw_children(visit.container) if n.get("linkId") == item.link_id]
            if action == "add" and whole == target and visit.node.raw is siblings[-1]:
                if len(siblings) < min(MAX_INSTANCES, item.max_occurs or MAX_INSTANCES):
                    holder = _holder(visit.container)
                    position = holder.index(visit.node.raw) + 1
                    holder.insert(position, {"linkId": item.link_id, "item": []})
                return
            if action == "remove" and visit.anchor == target:
                if len(siblings) > 1:
                    _holder(visit.container).remove(visit.node.raw)
                    # Later instances move up a place: show them from the answers, not the old names.
                    self.raw.clear()
                    self.parse_errors.clear()
                return


def add_blank_groups(items, holder: list):
    """Give every group at least one (empty) instance, in questionnaire order, so each
    question the form shows has its place, and its enableWhen an instance to be read in."""
    known = {item.link_id for item in items}
    ordered = []
    for item in items:
        nodes = [n for n in holder if isinstance(n, dict) and n.get("linkId") == item.link_id]
        if item.is_group:
            # A repeating group shows as many instances as it needs (minOccurs), at least one.
            wanted = min(item.min_occurs or 1, MAX_INSTANCES) if item.repeats else 1
            nodes = nodes + [{"linkId": item.link_id, "item": []} for _ in range(wanted - len(nodes))]
            for node in nodes:
                add_blank_groups(item.children, node.setdefault("item", []))
        elif item.children:
            for node in nodes:
                answers = node.get("answer") or []
                if answers and isinstance(answers[0], dict):
                    add_blank_groups(item.children, answers[0].setdefault("item", []))
        ordered.extend(nodes)
    ordered.extend(n for n in holder if not (isinstance(n, dict) and n.get("linkId") in known))
    holder[:] = ordered


def _raw_children(node) -> list[dict]:
    return [c.raw for c in node.children]


def _holder(node) -> list:
    """The list a node's child items live in (its `item`, or its first answer's `item`)."""
    if "answer" in node.raw and node.raw["answer"]:
        return node.raw["answer"][0].setdefault("item", [])
    return node.raw.setdefault("item", [])
