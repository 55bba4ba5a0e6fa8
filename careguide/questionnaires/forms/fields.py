"""The tree of `Field`s a questionnaire form template renders.

`FieldBuilder` makes one `Field` per item instance from the working response: its kind
of control, the values to show (what was typed, or the stored answers), its options and
units, and its enableWhen as JSON for the script that shows and hides questions.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cached_property

from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from .. import engine
from ..engine.values import display_value
from .coercion import input_text, input_type, unit_token
from .layouts import is_autocomplete, is_list_control, is_tabs, slider_of, table_of
from .posted import UNIT_SUFFIX, not_an_input
from .richtext import rich_html


@dataclass
class OptionView:
    token: str
    label: str
    input_id: str
    checked: bool
    exclusive: bool = False
    rich: str = ""  # the label with its optionPrefix, rich text cleaned (richtext.py)

    @property
    def label_html(self) -> str:
        return self.rich or escape(self.label)


@dataclass
class Field:
    """One item instance as the template renders it."""

    item: engine.Item
    anchor: str
    html_id: str
    kind: str
    active: bool = True  # enabled, and so are its ancestors
    values: list[str] = field(default_factory=list)
    other: str = ""
    unit: str = ""
    options: list[OptionView] = field(default_factory=list)
    units: list[OptionView] = field(default_factory=list)
    children: list[Field] = field(default_factory=list)
    instances: list[Field] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    enable_when: str = ""  # JSON for the script
    enabled_by_server: bool = False  # the script asks the server (an expression, or a score)
    number: int = 0  # instance number (1-based) inside a repeating group
    can_remove: bool = False
    display: str = ""  # the value of a calculated or read-only item, as text
    input_type: str = "text"
    input_mode: str = ""
    other_input_type: str = "text"  # the "Other" box of an open list takes the item's own type
    other_input_mode: str = ""
    optional_marker: bool = False
    unit_label: str = ""  # the one unit a number is given in, shown beside its input
    warnings: list[str] = field(default_factory=list)  # targetConstraint warnings: shown, not blocking

    @property
    def label(self) -> str:
        text = self.item.label
        if self.item.prefix:
            text = f"{self.item.prefix} {text}"
        return text

    @property
    def label_html(self) -> str:
        """The label as HTML: the questionnaire's rich text, cleaned, or the plain text escaped."""
        text = rich_html(self.item.text_rendering, self.item.label, block=self.kind == "display")
        if not self.item.prefix:
            return text
        return format_html("{} {}", rich_html(self.item.prefix_rendering, self.item.prefix), text)

    @property
    def unit_id(self) -> str:
        return f"{self.html_id}-unit"

    @property
    def can_add(self) -> bool:
        """Whether a repeating group may have another instance (fewer than its maxOccurs)."""
        return not self.item.max_occurs or len(self.instances) < self.item.max_occurs

    @property
    def instance_label(self) -> str:
        return f"{self.label} ({self.number})" if self.number else self.label

    @property
    def hint(self) -> str:
        hint = self.item.hint
        if not hint and self.kind == "checkboxes":
            return "Select all that apply."
        return hint

    @property
    def hint_html(self) -> str:
        """The hint as HTML: help items' rich text cleaned (richtext.py), else the plain hint."""
        helps = self.item.help_items
        if not any(c.text_rendering for c in helps):
            return escape(self.hint)
        parts = [rich_html(c.text_rendering, c.label) for c in helps]
        if self.item.entry_format:
            parts.append(escape(self.item.entry_format))
        return mark_safe(" ".join(parts))  # noqa: S308 - each part is cleaned or escaped

    @property
    def hint_id(self) -> str:
        return f"{self.html_id}-hint"

    @property
    def error_id(self) -> str:
        return f"{self.html_id}-error"

    @property
    def describedby(self) -> str:
        ids = []
        if self.hint:
            ids.append(self.hint_id)
        if self.unit_label:
            ids.append(self.unit_id)
        if self.errors or self.warnings:
            ids.append(self.error_id)
        return " ".join(ids)

    @property
    def target_id(self) -> str:
        """Where the error summary links to: the first input."""
        if self.kind in ("radios", "checkboxes", "open-radios", "open-checkboxes") and self.options:
            return self.options[0].input_id
        return self.html_id

    @property
    def value(self) -> str:
        return self.values[0] if self.values else ""

    @property
    def value_inputs(self) -> list[tuple[str, str, int]]:
        """(input id, value, 1-based number) for a repeating free-text question."""
        values = self.values or [""]
        return [(self.html_id if i == 0 else f"{self.html_id}-{i + 1}", v, i + 1) for i, v in enumerate(values)]

    @property
    def is_repeating_input(self) -> bool:
        return self.item.repeats and self.kind in ("input", "textarea")

    @property
    def add_label(self) -> str:
        return f"Add another: {self.item.label}"

    @property
    def slider(self):
        """The range a `slider` question moves over (layouts.py), for the script."""
        return slider_of(self.item) if self.kind == "input" else None

    @cached_property
    def table(self):
        """How a gtable, table or grid group is drawn as a table (layouts.py), or None."""
        return table_of(self)

    @property
    def tabs(self) -> bool:
        return is_tabs(self)

    @property
    def autocomplete(self) -> bool:
        return is_autocomplete(self.item, self.kind)


def top_item(item):
    """The top-level item `item` sits under (a step of a paged questionnaire is one)."""
    while item.parent is not None:
        item = item.parent
    return item


class FieldBuilder:
    """Builds the fields of one screen. `visits` are the engine's visits of the pruned
    response by anchor; `raw` is what was typed by anchor (shown in preference to the
    stored answers)."""

    def __init__(self, definition: engine.Questionnaire, *, step: engine.Step | None, step_link_ids,
                 working: dict, pruned: dict, visits: dict, raw: dict[str, dict]):
        self.definition = definition
        self.step = step
        self.step_link_ids = step_link_ids
        self.working = working
        self.pruned = pruned
        self.visits = visits
        self.raw = raw
        self._ids: set[str] = set()
        self.mark_optional = any(i.required for i in definition.all_items())

    def _html_id(self, anchor: str) -> str:
        base = "q-" + (re.sub(r"[^A-Za-z0-9_-]+", "-", anchor).strip("-") or "item")
        candidate, n = base, 2
        while candidate in self._ids:
            candidate, n = f"{base}-{n}", n + 1
        self._ids.add(candidate)
        return candidate

    def build(self, items, raw_nodes: list[dict], indices, parent_active: bool) -> list[Field]:
        fields = []
        for item in items:
            if item.hidden:
                continue
            if item.is_group and item.repeats:
                fields.append(self._repeat_field(item, raw_nodes, indices, parent_active))
                continue
            name = engine.anchor(item.link_id, indices)
            visit = self.visits.get(name)
            active = parent_active and (visit.enabled if visit is not None else True)
            node = next((n for n in raw_nodes if n.get("linkId") == item.link_id), None)
            if item.is_help and item.parent is not None:
                continue
            if item.is_display and item.parent is not None and not item.parent.is_group:
                continue  # shown as the hint of its question
            fields.append(self._field(item, name, node, indices, active))
        return fields

    def _repeat_field(self, item, raw_nodes, indices, parent_active) -> Field:
        whole = engine.anchor(item.link_id, indices)
        container = Field(item, whole, self._html_id(whole), "repeat")
        nodes = [n for n in raw_nodes if n.get("linkId") == item.link_id] or [{"linkId": item.link_id, "item": []}]
        first = self.visits.get(engine.anchor(item.link_id, (*indices, 0)))
        container.active = parent_active and (first.enabled if first is not None else True)
        container.enabled_by_server = enabled_by_server(self.definition, item)
        container.enable_when = self._enable_when_json(item, (*indices, 0))
        for number, node in enumerate(nodes):
            own = (*indices, number)
            name = engine.anchor(item.link_id, own)
            instance = Field(item, name, self._html_id(name), "repeat-instance", active=container.active,
                             number=number + 1, can_remove=len(nodes) > 1)
            instance.children = self.build(item.children, node.get("item") or [], own, container.active)
            container.instances.append(instance)
        return container

    def _field(self, item, name, node, indices, active) -> Field:
        kind = "page" if item.is_page and self.step is not None else kind_of(item)
        field_ = Field(item, name, self._html_id(name), kind, active=active,
                       optional_marker=self.mark_optional and not item.required and item.is_question)
        field_.enabled_by_server = enabled_by_server(self.definition, item)
        field_.enable_when = self._enable_when_json(item, indices)
        if item.is_group:
            field_.children = self.build(item.children, (node or {}).get("item") or [], indices, active)
            return field_
        if item.is_display:
            return field_
        answers = [a for a in (node or {}).get("answer") or [] if isinstance(a, dict)]
        typed = [engine.value_of(a) for a in answers]
        typed = [t for t in typed if t is not None]
        if field_.kind in ("calculated", "readonly", "unsupported"):
            values = self._calculated_values(name) if item.is_calculated else typed
            field_.display = ", ".join(display_value(k, v) for k, v in values)
        else:
            self._fill_values(field_, item, name, typed)
        child_nodes = [c for a in answers for c in (a.get("item") or [])]
        field_.children = self.build(item.children, child_nodes, indices, active)
        return field_

    def _calculated_values(self, name):
        """A calculated item's value, worked out (in the pruned response) from the answers that count."""
        visit = self.visits.get(name)
        return visit.node.values if visit is not None and visit.node is not None else []

    def _fill_values(self, field_: Field, item, name, typed):
        raw = self.raw.get(name)
        if item.type == "boolean":
            tokens = raw["values"] if raw is not None else ["true" if v else "false" for k, v in typed]
            field_.options = [
                OptionView("true", "Yes", field_.html_id, "true" in tokens),
                OptionView("false", "No", f"{field_.html_id}-2", "false" in tokens),
            ]
            field_.values = tokens
            return
        if item.offers_options:
            if item.other_key not in (None, "valueString"):
                field_.other_input_type, field_.other_input_mode = input_type(item)
            if raw is not None:
                tokens = set(raw["values"])
                field_.other = raw["other"]
            else:
                tokens = set()
                for key, value in typed:
                    option = item.option_for(key, value)
                    if option is not None:
                        tokens.add(option.token)
                    elif key == item.other_key:
                        field_.other = input_text(item, key, value)
            field_.options = [
                OptionView(o.token, f"{prefix_of(o)} {o.label}".lstrip(),
                           field_.html_id if i == 0 else f"{field_.html_id}-{i + 1}",
                           o.token in tokens, o.exclusive, option_label_html(o))
                for i, o in enumerate(item.options)
            ]
            field_.values = sorted(tokens)
            return
        if item.type == "quantity":
            field_.input_type, field_.input_mode = "text", "decimal"
            if raw is not None:
                field_.values = raw["values"][:1]
                field_.unit = raw["unit"]
            elif typed:
                quantity = typed[0][1]
                field_.values = [display_value("valueDecimal", quantity.get("value"))]
                for i, unit in enumerate(item.units):
                    if quantity.get("code") == unit.get("code") or quantity.get("unit") in (
                        unit.get("display"), unit.get("code")
                    ):
                        field_.unit = unit_token(unit, i)
            field_.units = [
                OptionView(unit_token(u, i), str(u.get("display") or u.get("code") or ""),
                           f"{field_.html_id}{UNIT_SUFFIX}", unit_token(u, i) == field_.unit)
                for i, u in enumerate(item.units)
            ]
            if len(item.units) == 1:
                field_.unit_label = field_.units[0].label
            return
        values = list(raw["values"]) if raw is not None else [input_text(item, k, v) for k, v in typed]
        if not item.repeats:
            values = values[:1]
        elif not raw or not raw.get("extra"):
            values = [v for v in values if v] or [""]
        field_.values = values
        field_.input_type, field_.input_mode = input_type(item)
        if item.units and item.type in ("decimal", "integer"):
            # A number in a set unit: say which, or 170 (cm) typed as inches gives a wrong result.
            field_.unit_label = str(item.units[0].get("display") or item.units[0].get("code") or "")

    def _enable_when_json(self, item, indices) -> str:
        """The item's enableWhen for the script: each condition names the input it reads,
        or, when that input is not on this screen, says whether it already holds."""
        if not item.enable_when or enabled_by_server(self.definition, item):
            return ""
        conditions = []
        for condition in item.enable_when:
            question = self.definition.by_link_id.get(condition.question)
            name = self._question_name(question, indices) if question is not None else None
            if name is None:
                scope_visit = self.visits.get(engine.anchor(item.link_id, indices))
                scope = _scope(scope_visit) if scope_visit is not None else [engine.read_response(self.pruned)]
                answers = engine.answers_in_scope(condition, scope)
                conditions.append({"fixed": engine.condition_met(condition, answers)})
                continue
            conditions.append({"name": name, "op": condition.operator, **_script_value(question, condition)})
        return json.dumps({"behavior": item.enable_behavior, "conditions": conditions}, separators=(",", ":"))

    def _question_name(self, question, indices) -> str | None:
        """The input name of `question` nearest to an item at `indices`, if it is on this screen."""
        if not_an_input(question) or question.hidden:
            return None
        if self.step_link_ids is not None and top_item(question).link_id not in self.step_link_ids:
            return None
        repeating = [a for a in question.ancestors() if a.is_group and a.repeats]
        depth = len(repeating)
        if depth > len(indices):
            return None  # the question repeats where this item does not: no single input
        return engine.anchor(question.link_id, tuple(indices[:depth]))


def option_label_html(option) -> str:
    """An answer's label as HTML: its optionPrefix ("a)") before its (rich) text."""
    text = rich_html(option.rendering, option.label)
    if not prefix_of(option):
        return text
    return format_html('<span class="q-option-prefix">{}</span> {}', prefix_of(option), text)


def prefix_of(option) -> str:
    """An option's optionPrefix as text (some forms give it as a number, 0 included)."""
    return "" if option.prefix is None else str(option.prefix).strip()


def enabled_by_server(definition, item) -> bool:
    """Whether only the server can tell when the item applies while the form is filled in: its
    condition is an expression, or reads a calculated score (which changes as answers do)."""
    if item.enable_when_expression is not None:
        return True
    questions = (definition.by_link_id.get(c.question) for c in item.enable_when)
    return any(q is not None and q.is_calculated for q in questions)


def kind_of(item) -> str:
    """The control a question is shown with."""
    if item.is_group:
        return "group"
    if item.is_display:
        return "display"
    if item.is_calculated:
        return "calculated"
    if item.read_only:
        return "readonly"
    if item.type in ("attachment", "reference"):
        return "unsupported"
    if item.type == "boolean":
        return "radios"
    if item.offers_options:
        kind = "checkboxes" if item.repeats else "select" if is_list_control(item) else "radios"
        return kind if item.closed else f"open-{kind}"
    if item.type == "quantity":
        return "quantity"
    if item.type == "text":
        return "textarea"
    return "input"


def _script_value(question, condition) -> dict:
    key, value = condition.key, condition.value
    if condition.operator == "exists":
        return {"kind": "exists", "value": bool(value)}
    if question.type == "boolean" and key == "valueBoolean":
        return {"kind": "token", "value": "true" if value else "false"}
    if question.options:
        option = question.option_for(key, value)
        if option is not None:
            return {"kind": "token", "value": option.token}
    if key in ("valueInteger", "valueDecimal"):
        return {"kind": "number", "value": float(value)}
    if key == "valueQuantity" and isinstance(value, dict):
        return {"kind": "number", "value": float(value.get("value", 0))}
    if key == "valueCoding":
        return {"kind": "token", "value": str(value.get("code") or value.get("display") or "")}
    if key == "valueBoolean":
        return {"kind": "token", "value": "true" if value else "false"}
    return {"kind": "text", "value": str(value)}


def _scope(visit) -> list:
    scope = []
    node = visit.node if visit.node is not None else visit.container
    while node is not None:
        scope.append(node)
        node = node.parent
    return scope
