"""An HTML form for any questionnaire, built from the parsed questionnaire and the POST.

`QuestionnaireForm` reads what a person submitted into a working QuestionnaireResponse,
asks the engine what is enabled and what is wrong, and offers the template a tree of
`Field`s (one per item instance) with their inputs, hints and errors. It works without
JavaScript: conditional questions are rendered with the `hidden` attribute until the
answers that enable them have been submitted, repeating groups grow with an
"Add another" submit button, and paged questionnaires show one step at a time.

Field names are the engine's anchors (the linkId, plus `@0.1` instance numbers inside
repeating groups), so a test or another app can post answers by linkId.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.utils import timezone

from . import engine
from .engine.values import display_value, plain_number

MAX_INSTANCES = 30
NEW_QUESTIONS_NOTICE = "More questions have appeared based on your answers"
OTHER_TOKEN = "__other"  # noqa: S105 - the value of the "Other" radio, not a secret
# Suffixes of the extra inputs some questions have beside the one named by the anchor.
UNIT_SUFFIX = "__unit"
OTHER_SUFFIX = "__other"
COUNT_SUFFIX = "__count"

INTEGER_RE = re.compile(r"^[+-]?\d+$")
TIME_RE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)(:([0-5]\d))?$")
DATETIME_RE = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ]([01]\d|2[0-3]):([0-5]\d)(:([0-5]\d))?$")


def empty_response() -> dict:
    return {"resourceType": "QuestionnaireResponse", "status": "in-progress"}


def initial_response(definition: engine.Questionnaire) -> dict:
    """A response holding the questionnaire's initial values (what a fresh form shows)."""

    def items_for(items) -> list[dict]:
        out = []
        for item in items:
            if item.is_display:
                continue
            node: dict = {"linkId": item.link_id}
            if item.is_group:
                node["item"] = items_for(item.children)
            else:
                answers = [dict(a) for a in item.initial]
                children = items_for(item.children)
                if answers and children:
                    answers[0]["item"] = children
                if answers:
                    node["answer"] = answers
            out.append(node)
        return out

    return {**empty_response(), "item": items_for(definition.items)}


@dataclass
class OptionView:
    token: str
    label: str
    input_id: str
    checked: bool
    exclusive: bool = False


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
    number: int = 0  # instance number (1-based) inside a repeating group
    can_remove: bool = False
    display: str = ""  # the value of a calculated or read-only item, as text
    input_type: str = "text"
    input_mode: str = ""
    optional_marker: bool = False

    @property
    def label(self) -> str:
        text = self.item.label
        if self.item.prefix:
            text = f"{self.item.prefix} {text}"
        return text

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
        if self.errors:
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


@dataclass
class FormError:
    message: str
    target_id: str = ""
    anchor: str = ""


class QuestionnaireForm:
    """A questionnaire (or one step of it) as an HTML form.

    `data` is the POST (a QueryDict); `response` is what is known already (a paged
    questionnaire's session draft, or a response to show again); `step` limits the form to
    one screen of a paged questionnaire. Answers outside the step come from `response`.
    """

    def __init__(self, definition: engine.Questionnaire, data=None, *, response: dict | None = None,
                 step: engine.Step | None = None):
        self.definition = definition
        self.data = data
        self.step = step
        self.step_link_ids = {i.link_id for i in step.items} if step is not None else None
        self.base = copy.deepcopy(response) if response is not None else initial_response(definition)
        self._base_nodes = {v.anchor: v.node for v in engine.walk(definition, engine.read_response(self.base))}
        self.parse_errors: dict[str, list[str]] = {}
        self.raw: dict[str, dict] = {}  # anchor -> what was typed, to show again
        self.action, self.action_target = self._read_action()
        self.working = self._read() if data is not None else copy.deepcopy(self.base)
        _add_blank_groups(definition.items, self.working.setdefault("item", []))
        self._apply_repeat_action()
        self.pruned = engine.prune_disabled(definition, self.working, drop_empty=False)
        self._visits = {v.anchor: v for v in engine.walk(definition, engine.read_response(self.pruned))}
        self._ids: set[str] = set()
        self.errors: list[FormError] = []
        self.notice = ""
        self._validated = False
        self.mark_optional = any(i.required for i in definition.all_items())
        self.fields = self._build_fields(self._items(), self.working.get("item") or [], (), True)

    # --- reading the POST -----------------------------------------------------------

    def _read_action(self) -> tuple[str, str]:
        if self.data is None:
            return "", ""
        if self.data.get("_add"):
            return "add", self.data.get("_add")
        if self.data.get("_remove"):
            return "remove", self.data.get("_remove")
        return self.data.get("_action", "continue"), ""

    def _items(self):
        if self.step_link_ids is None:
            return self.definition.items
        return tuple(i for i in self.definition.items if i.link_id in self.step_link_ids)

    def _read(self) -> dict:
        """The working response: posted answers for this step, the base for the rest."""
        posted = {}
        for item in self._items():
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
        if self._not_an_input(item):
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

    @staticmethod
    def _not_an_input(item) -> bool:
        return item.is_calculated or item.read_only or item.hidden or item.type in ("attachment", "reference")

    def _error(self, name, message):
        self.parse_errors.setdefault(name, []).append(message)

    def _read_answers(self, item, name) -> list[dict]:
        data = self.data
        label = engine.short_label(item)
        raw_values = [v.strip() for v in data.getlist(name)]
        self.raw[name] = {"values": raw_values, "other": data.get(name + OTHER_SUFFIX, "").strip(),
                          "unit": data.get(name + UNIT_SUFFIX, "")}
        values = [v for v in raw_values if v]
        answers: list[dict] = []
        if item.type == "boolean":
            for value in values[:1]:
                if value in ("true", "false"):
                    answers.append({"valueBoolean": value == "true"})
                else:
                    self._error(name, f"Select yes or no for “{label}”")
            return answers
        if item.is_choice and item.options is not None:
            other = self.raw[name]["other"]
            for value in values:
                if value == OTHER_TOKEN:
                    continue
                option = item.option_by_token(value)
                if option is None:
                    self._error(name, f"Choose one of the listed answers for “{label}”")
                else:
                    answers.append(dict(option.answer))
            if item.type == "open-choice" and other:
                if answers and not item.repeats:
                    self._error(name, f"Choose an answer from the list or enter your own for “{label}”, not both")
                else:
                    answers.append({"valueString": other})
            return answers
        if item.is_choice:  # a list we cannot see: free text
            return [{"valueString": v} for v in values]
        if item.type == "quantity":
            return self._read_quantity(item, name, values, label)
        for value in values:
            answer = self._convert(item, value, name, label)
            if answer is not None:
                answers.append(answer)
        return answers

    def _read_quantity(self, item, name, values, label) -> list[dict]:
        if not values:
            return []
        number = _number(values[0])
        if number is None:
            self._error(name, f"“{label}” must be a number")
            return []
        quantity: dict = {"value": plain_number(number)}
        unit_token = self.raw[name]["unit"]
        if len(item.units) > 1:
            unit = next((u for i, u in enumerate(item.units) if _unit_token(u, i) == unit_token), None)
            if unit is None:
                self._error(name, f"Choose a unit for “{label}”")
                return []
        else:
            unit = item.units[0] if item.units else None
        if unit is not None:
            quantity["unit"] = unit.get("display") or unit.get("code")
            if unit.get("system") and unit.get("code"):
                quantity.update(system=unit["system"], code=unit["code"])
        return [{"valueQuantity": quantity}]

    def _convert(self, item, value: str, name: str, label: str) -> dict | None:
        kind = item.type
        if kind == "integer":
            cleaned = value.replace(",", "").replace(" ", "")
            if not INTEGER_RE.match(cleaned) or abs(int(cleaned)) > 2**31 - 1:
                self._error(name, f"“{label}” must be a whole number")
                return None
            return {"valueInteger": int(cleaned)}
        if kind == "decimal":
            number = _number(value)
            if number is None:
                self._error(name, f"“{label}” must be a number")
                return None
            return {"valueDecimal": plain_number(number)}
        if kind == "date":
            try:
                day = date.fromisoformat(value) if len(value) == 10 else None
            except ValueError:
                day = None
            if day is None:
                self._error(name, f"“{label}” must be a real date")
                return None
            return {"valueDate": day.isoformat()}
        if kind == "dateTime":
            match = DATETIME_RE.match(value)
            try:
                if not match:
                    raise ValueError(value)
                moment = datetime.fromisoformat(f"{match.group(1)}T{match.group(2)}:{match.group(3)}:"
                                                f"{match.group(5) or '00'}")
            except ValueError:
                self._error(name, f"“{label}” must be a real date and time")
                return None
            aware = timezone.make_aware(moment, timezone.get_current_timezone())
            return {"valueDateTime": aware.isoformat(timespec="seconds")}
        if kind == "time":
            match = TIME_RE.match(value)
            if not match:
                self._error(name, f"“{label}” must be a real time")
                return None
            return {"valueTime": f"{match.group(1)}:{match.group(2)}:{match.group(4) or '00'}"}
        if kind == "url":
            if not re.match(r"^https?://\S+$", value):
                self._error(name, f"“{label}” must be a web address starting with http:// or https://")
                return None
            return {"valueUri": value}
        return {"valueString": value}

    def _apply_repeat_action(self):
        """Add or remove a repeating-group instance (the no-JavaScript "Add another")."""
        if self.action not in ("add", "remove"):
            return
        target = self.action_target
        for visit in engine.walk(self.definition, engine.read_response(self.working)):
            item = visit.item
            if self.action == "add" and item.repeats and visit.anchor == target and item.is_question:
                # One more blank input for a repeating free-text question.
                self.raw.setdefault(target, {"values": [], "other": "", "unit": ""})
                self.raw[target]["values"] = [*self.raw[target]["values"], ""]
                self.raw[target]["extra"] = True
                return
            if not (item.is_group and item.repeats and visit.node is not None):
                continue
            whole = engine.anchor(item.link_id, visit.indices[:-1])
            siblings = [n for n in _raw_children(visit.container) if n.get("linkId") == item.link_id]
            if self.action == "add" and whole == target and visit.node.raw is siblings[-1]:
                if len(siblings) < MAX_INSTANCES:
                    holder = _holder(visit.container)
                    position = holder.index(visit.node.raw) + 1
                    holder.insert(position, {"linkId": item.link_id, "item": []})
                return
            if self.action == "remove" and visit.anchor == target:
                if len(siblings) > 1:
                    _holder(visit.container).remove(visit.node.raw)
                    # Later instances move up a place: show them from the answers, not the old names.
                    self.raw, self.parse_errors = {}, {}
                return

    # --- building the fields -----------------------------------------------------------

    def _html_id(self, anchor: str) -> str:
        base = "q-" + (re.sub(r"[^A-Za-z0-9_-]+", "-", anchor).strip("-") or "item")
        candidate, n = base, 2
        while candidate in self._ids:
            candidate, n = f"{base}-{n}", n + 1
        self._ids.add(candidate)
        return candidate

    def _build_fields(self, items, raw_nodes: list[dict], indices, parent_active: bool) -> list[Field]:
        fields = []
        for item in items:
            if item.hidden:
                continue
            if item.is_group and item.repeats:
                fields.append(self._repeat_field(item, raw_nodes, indices, parent_active))
                continue
            name = engine.anchor(item.link_id, indices)
            visit = self._visits.get(name)
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
        first = self._visits.get(engine.anchor(item.link_id, (*indices, 0)))
        container.active = parent_active and (first.enabled if first is not None else True)
        container.enable_when = self._enable_when_json(item, (*indices, 0))
        for number, node in enumerate(nodes):
            own = (*indices, number)
            name = engine.anchor(item.link_id, own)
            instance = Field(item, name, self._html_id(name), "repeat-instance", active=container.active,
                             number=number + 1, can_remove=len(nodes) > 1)
            instance.children = self._build_fields(item.children, node.get("item") or [], own, container.active)
            container.instances.append(instance)
        return container

    def _field(self, item, name, node, indices, active) -> Field:
        kind = "page" if item.is_page and self.step is not None else self._kind(item)
        field_ = Field(item, name, self._html_id(name), kind, active=active,
                       optional_marker=self.mark_optional and not item.required and item.is_question)
        field_.enable_when = self._enable_when_json(item, indices)
        if item.is_group:
            field_.children = self._build_fields(item.children, (node or {}).get("item") or [], indices, active)
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
        field_.children = self._build_fields(item.children, child_nodes, indices, active)
        return field_

    def _calculated_values(self, name):
        if not hasattr(self, "_calculated"):
            try:
                done, _ = engine.calculate(self.definition, engine.prune_disabled(self.definition, self.working))
            except Exception:  # a broken expression must not break the page  # noqa: BLE001
                done = {}
            self._calculated = {v.anchor: v.node.values for v in engine.walk(self.definition,
                                engine.read_response(done)) if v.node is not None}
        return self._calculated.get(name, [])

    @staticmethod
    def _kind(item) -> str:
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
        if item.is_choice and item.options is not None:
            control = item.item_control
            if item.repeats:
                return "open-checkboxes" if item.type == "open-choice" else "checkboxes"
            if control == "drop-down":
                return "open-select" if item.type == "open-choice" else "select"
            return "open-radios" if item.type == "open-choice" else "radios"
        if item.type == "quantity":
            return "quantity"
        if item.type == "text":
            return "textarea"
        return "input"

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
        if item.is_choice and item.options is not None:
            if raw is not None:
                tokens = set(raw["values"])
                field_.other = raw["other"]
            else:
                tokens = set()
                for key, value in typed:
                    option = item.option_for(key, value)
                    if option is not None:
                        tokens.add(option.token)
                    elif key == "valueString":
                        field_.other = value
            field_.options = [
                OptionView(o.token, o.label, field_.html_id if i == 0 else f"{field_.html_id}-{i + 1}",
                           o.token in tokens, o.exclusive)
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
                        field_.unit = _unit_token(unit, i)
            field_.units = [
                OptionView(_unit_token(u, i), str(u.get("display") or u.get("code") or ""),
                           f"{field_.html_id}{UNIT_SUFFIX}", _unit_token(u, i) == field_.unit)
                for i, u in enumerate(item.units)
            ]
            return
        values = list(raw["values"]) if raw is not None else [_input_text(item, k, v) for k, v in typed]
        if not item.repeats:
            values = values[:1]
        elif not raw or not raw.get("extra"):
            values = [v for v in values if v] or [""]
        field_.values = values
        field_.input_type, field_.input_mode = _input_type(item)

    def _enable_when_json(self, item, indices) -> str:
        """The item's enableWhen for the script: each condition names the input it reads,
        or, when that input is not on this screen, says whether it already holds."""
        if not item.enable_when:
            return ""
        conditions = []
        for condition in item.enable_when:
            question = self.definition.by_link_id.get(condition.question)
            name = self._question_name(question, indices) if question is not None else None
            if name is None:
                scope_visit = self._visits.get(engine.anchor(item.link_id, indices))
                scope = _scope(scope_visit) if scope_visit is not None else [engine.read_response(self.pruned)]
                answers = engine.answers_in_scope(condition, scope)
                conditions.append({"fixed": engine.condition_met(condition, answers)})
                continue
            conditions.append({"name": name, "op": condition.operator, **_script_value(question, condition)})
        return json.dumps({"behavior": item.enable_behavior, "conditions": conditions}, separators=(",", ":"))

    def _question_name(self, question, indices) -> str | None:
        """The input name of `question` nearest to an item at `indices`, if it is on this screen."""
        if self._not_an_input(question) or question.hidden:
            return None
        top = question
        while top.parent is not None:
            top = top.parent
        if self.step_link_ids is not None and top.link_id not in self.step_link_ids:
            return None
        repeating = [a for a in question.ancestors() if a.is_group and a.repeats]
        depth = len(repeating)
        if depth > len(indices):
            return None  # the question repeats where this item does not: no single input
        return engine.anchor(question.link_id, tuple(indices[:depth]))

    # --- validation ----------------------------------------------------------------------

    def is_valid(self) -> bool:
        """Whether the answers on this screen can be kept; fills `errors` and `notice`."""
        if not self._validated:
            self._validate()
        return not self.errors and not self.notice

    def _validate(self):
        self._validated = True
        if self.data is None:
            return
        by_anchor: dict[str, list[str]] = {a: list(m) for a, m in self.parse_errors.items()}
        checked = {**self.pruned, "status": "completed"}
        issues = engine.validate_response(self.definition, checked)
        newly_shown = self._newly_shown()
        appeared = False
        for issue in issues:
            item = self.definition.by_link_id.get(issue.link_id or "")
            if item is not None and item.is_calculated:
                continue  # worked out when the response is stored
            if not self._on_this_screen(item):
                continue
            if issue.anchor in newly_shown and issue.code == "required":
                appeared = True
                continue
            if issue.anchor in self.parse_errors:
                continue  # the typing error says more than "enter an answer"
            by_anchor.setdefault(issue.anchor or "", []).append(issue.message)
        if not appeared:
            appeared = any(self._unanswered(a) for a in newly_shown)
        if appeared:
            self.notice = NEW_QUESTIONS_NOTICE
        self._attach_errors(by_anchor)

    def _on_this_screen(self, item) -> bool:
        if item is None or self.step_link_ids is None:
            return True
        top = item
        while top.parent is not None:
            top = top.parent
        return top.link_id in self.step_link_ids

    def _newly_shown(self) -> set[str]:
        """Questions that were hidden when the form was shown and are enabled now."""
        try:
            hidden = set(json.loads(self.data.get("_hidden", "[]")))
        except (TypeError, ValueError, RecursionError):  # a hand-made post: show no notice
            return set()
        return {a for a in hidden if a in self._visits and self._visits[a].enabled and self._active(a)}

    def _active(self, anchor_name) -> bool:
        visit = self._visits.get(anchor_name)
        while visit is not None:
            if not visit.enabled:
                return False
            visit = visit.parent
        return True

    def _unanswered(self, anchor_name) -> bool:
        visit = self._visits.get(anchor_name)
        if visit is None or not visit.item.is_question or self._not_an_input(visit.item):
            return False
        return visit.node is None or not visit.node.values

    def _attach_errors(self, by_anchor: dict[str, list[str]]):
        placed = set()

        def visit(fields):
            for f in fields:
                if f.anchor in by_anchor and f.kind != "repeat":
                    f.errors = by_anchor[f.anchor]
                    placed.add(f.anchor)
                    self.errors.extend(FormError(m, f.target_id, f.anchor) for m in f.errors)
                elif f.kind == "repeat" and f.anchor in by_anchor:
                    f.errors = by_anchor[f.anchor]
                    placed.add(f.anchor)
                    self.errors.extend(FormError(m, f.html_id, f.anchor) for m in f.errors)
                visit(f.children)
                visit(f.instances)

        visit(self.fields)
        for anchor_name, messages in by_anchor.items():
            if anchor_name not in placed:
                self.errors.extend(FormError(m, "", anchor_name) for m in messages)

    # --- what the template and the view use ---------------------------------------------

    @property
    def hidden_json(self) -> str:
        """The anchors of questions not shown now (so the next POST can tell what appeared)."""
        hidden = []

        def visit(fields, shown):
            for f in fields:
                active = shown and f.active
                if f.item.is_question and not active:
                    hidden.append(f.anchor)
                visit(f.children, active)
                visit(f.instances, active)

        visit(self.fields, True)
        return json.dumps(hidden, separators=(",", ":"))

    def response(self) -> dict:
        """The answers as a QuestionnaireResponse: disabled items and empty items removed."""
        return engine.prune_disabled(self.definition, self.working)

    def draft(self) -> dict:
        """What to keep between steps: everything answered so far, disabled answers kept
        (a person going back and changing an answer gets theirs back)."""
        return engine.without_empty_items(copy.deepcopy(self.working))

    def add_errors(self, issues: list[engine.Issue]):
        """Errors found later (e.g. by the final check of a paged questionnaire)."""
        by_anchor: dict[str, list[str]] = {}
        for issue in issues:
            by_anchor.setdefault(issue.anchor or "", []).append(issue.message)
        self._validated = True
        self._attach_errors(by_anchor)


def _number(text: str) -> Decimal | None:
    cleaned = text.replace(",", "").replace(" ", "")
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        return None
    return number if number.is_finite() and abs(number) < Decimal("1e15") else None


def _unit_token(unit: dict, index: int) -> str:
    return str(unit.get("code") or unit.get("display") or index)


def _input_type(item) -> tuple[str, str]:
    return {
        "integer": ("text", "numeric"),
        "decimal": ("text", "decimal"),
        "date": ("date", ""),
        "dateTime": ("datetime-local", ""),
        "time": ("time", ""),
        "url": ("url", "url"),
    }.get(item.type, ("text", ""))


def _input_text(item, key, value) -> str:
    if key == "valueDateTime" and isinstance(value, str) and "T" in value:
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return moment.strftime("%Y-%m-%dT%H:%M")
    if key == "valueTime" and isinstance(value, str):
        return value[:5] if value.endswith(":00") else value
    if key in ("valueDecimal", "valueInteger"):
        return display_value(key, value)
    return str(value)


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


def _add_blank_groups(items, holder: list):
    """Give every group at least one (empty) instance, in questionnaire order, so each
    question the form shows has its place, and its enableWhen an instance to be read in."""
    known = {item.link_id for item in items}
    ordered = []
    for item in items:
        nodes = [n for n in holder if isinstance(n, dict) and n.get("linkId") == item.link_id]
        if item.is_group:
            nodes = nodes or [{"linkId": item.link_id, "item": []}]
            for node in nodes:
                _add_blank_groups(item.children, node.setdefault("item", []))
        elif item.children:
            for node in nodes:
                answers = node.get("answer") or []
                if answers and isinstance(answers[0], dict):
                    _add_blank_groups(item.children, answers[0].setdefault("item", []))
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
