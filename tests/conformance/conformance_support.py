"""The conformance set (tests/data/conformance): its cases, what a person does to fill each
form, and how a stored response is compared with the one worked out by hand.

A case (`cases/<name>.yaml`) names a public questionnaire, what a person answers (by linkId:
text typed, options chosen by their label, instances of repeating groups), the response it
must store (worked out by hand from the questionnaire and the FHIR/SDC specifications, never
by running our engine), and `pending` reasons for the ways that fail today (issue 16), which
the tests turn into strict xfails.

Answers in `input`:
    "70"                               typed into the question's box
    {choose: "Yes"}                    the option (or yes/no) with that label, clicked
    {choose: ["A", "B"]}               several boxes ticked
    {other: "text"}                    an open choice's own answer ("Other")
    {type: "70", unit: "kg"}           an amount and the unit chosen by its label
    ["a", "b"]                         a repeating question's answers ("Add another answer")
    [{...}, {...}]                     instances of a repeating group ("Add another")
    {linkId: ..., ...}                 the answers inside a group or under a question
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import paths
import pytest
import yaml

DATA = paths.TEST_DATA / "conformance"
QUESTIONNAIRES = DATA / "questionnaires"
CASES = DATA / "cases"
VALUE_SETS = DATA / "valuesets"
CALCULATED = "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-calculatedExpression"
SPECIAL_KEYS = {"choose", "other", "type", "unit"}
WAYS = ("import", "html", "browser", "fhir", "fhir_calculated")


@dataclass
class Case:
    name: str
    questionnaire_file: str
    input: dict = field(default_factory=dict)
    expected: list = field(default_factory=list)
    context: dict = field(default_factory=dict)
    pending: dict = field(default_factory=dict)
    import_error: list = field(default_factory=list)
    features: list = field(default_factory=list)
    valuesets: list = field(default_factory=list)  # ValueSet files loaded first (careguide import-valueset)
    refused_input: list = field(default_factory=list)  # typed answers that break a constraint

    @property
    def path(self) -> Path:
        return QUESTIONNAIRES / self.questionnaire_file

    @property
    def resource(self) -> dict:
        return json.loads(self.path.read_text(encoding="utf-8"))

    @property
    def refused(self) -> bool:
        return bool(self.import_error)

    @property
    def valueset_paths(self) -> list[Path]:
        return [VALUE_SETS / name for name in self.valuesets]

    def pending_for(self, way: str) -> str:
        return self.pending.get(way) or self.pending.get("all") or ""


def load_cases() -> list[Case]:
    cases = []
    for path in sorted(CASES.glob("*.yaml")):
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        unknown = set(raw) - {"questionnaire", "input", "expected", "context", "pending", "import_error",
                              "features", "notes", "source", "valuesets",
                              "refused_input"}
        assert not unknown, f"{path.name}: unknown keys {sorted(unknown)}"
        assert set(raw.get("pending") or {}) <= {*WAYS, "all"}, f"{path.name}: pending names an unknown way"
        cases.append(Case(name=path.stem, questionnaire_file=raw["questionnaire"], input=raw.get("input") or {},
                          expected=raw.get("expected") or [], context=raw.get("context") or {},
                          pending=raw.get("pending") or {}, import_error=raw.get("import_error") or [],
                          features=raw.get("features") or [], valuesets=raw.get("valuesets") or [],
                          refused_input=raw.get("refused_input") or []))
    return cases


def params(way: str, *, refused: bool = False) -> list:
    """One pytest param per case for `way`, xfail (strict) where the case says it fails today."""
    out = []
    for case in load_cases():
        if case.refused != refused:
            continue
        reason = case.pending_for(way) or (case.pending_for("import") if way != "import" else "")
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        out.append(pytest.param(case, id=case.name, marks=marks))
    return out


def refused_input_params(way: str) -> list:
    """One param per wrong answer a case lists (`refused_input`: linkId, typed, answer, label,
    pending), xfail (strict) where it says the check is missing today."""
    out = []
    for case in load_cases():
        for wrong in case.refused_input:
            reason = (wrong.get("pending") or {}).get(way) or (wrong.get("pending") or {}).get("all") or ""
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            out.append(pytest.param(case, wrong, id=f"{case.name}:{wrong['linkId']}", marks=marks))
    return out


def replaced(items: list, link_id: str, answer: dict) -> list:
    """`items` with the answer of `link_id` replaced by `answer`."""
    out = []
    for item in items:
        item = dict(item)
        if item["linkId"] == link_id:
            item["answer"] = [answer]
        if item.get("item"):
            item["item"] = replaced(item["item"], link_id, answer)
        out.append(item)
    return out


# --- what a person does ----------------------------------------------------------------------------

def anchor(link_id: str, indices: tuple[int, ...] = ()) -> str:
    """The form's name for one item instance (the engine's anchors: linkId@0.1 in repeating groups)."""
    return f"{link_id}@{'.'.join(str(i) for i in indices)}" if indices else link_id


@dataclass
class Leaf:
    name: str  # the input's name
    spec: object  # what the person answers (see the module docstring)
    done: bool = False


@dataclass
class Repeat:
    name: str  # the repeating group's anchor (its "Add another" button's value)
    count: int


def leaves_of(spec: dict, indices: tuple[int, ...] = ()) -> tuple[list[Leaf], list[Repeat]]:
    """Every answer a person gives, with the input it goes in, and how many instances each
    repeating group needs."""
    leaves, repeats = [], []
    for link_id, value in spec.items():
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            repeats.append(Repeat(anchor(link_id, indices), len(value)))
            for number, instance in enumerate(value):
                inner_leaves, inner_repeats = leaves_of(instance, (*indices, number))
                leaves += inner_leaves
                repeats += inner_repeats
        elif isinstance(value, dict) and not (set(value) & SPECIAL_KEYS):
            inner_leaves, inner_repeats = leaves_of(value, indices)  # a group's questions
            leaves += inner_leaves
            repeats += inner_repeats
        elif isinstance(value, dict) and set(value) & SPECIAL_KEYS and set(value) - SPECIAL_KEYS:
            # A question answered, with questions under its answer.
            leaves.append(Leaf(anchor(link_id, indices), {k: value[k] for k in SPECIAL_KEYS if k in value}))
            inner_leaves, inner_repeats = leaves_of({k: v for k, v in value.items() if k not in SPECIAL_KEYS},
                                                    indices)
            leaves += inner_leaves
            repeats += inner_repeats
        else:
            leaves.append(Leaf(anchor(link_id, indices), value))
    return leaves, repeats


@dataclass
class Control:
    """One form control as a person sees it: its name, kind, and label (or its options' labels)."""

    name: str
    kind: str  # text, radio, checkbox, select, hidden
    id: str = ""
    value: str = ""
    label: str = ""
    options: list = field(default_factory=list)  # (value, label) of a select
    checked: bool = False


class FillError(AssertionError):
    pass


def _labels(wanted) -> list[str]:
    return [str(w) for w in (wanted if isinstance(wanted, list) else [wanted])]


def plan(controls: list[Control], leaf: Leaf) -> list[tuple] | None:
    """What to do to give `leaf`'s answer with these controls: actions ("check", control),
    ("fill", control, text), ("select", control, value), ("add", name); None when the
    question is not on the screen (yet)."""
    mine = [c for c in controls if c.name == leaf.name]
    unit = [c for c in controls if c.name == leaf.name + "__unit"]
    other = [c for c in controls if c.name == leaf.name + "__other"]
    if not mine:
        return None
    spec = leaf.spec
    actions: list[tuple] = []
    if isinstance(spec, dict):
        if "choose" in spec:
            for wanted in _labels(spec["choose"]):
                actions.append(_choose(mine, wanted, leaf.name))
        if "other" in spec:
            if not other:
                raise FillError(f"{leaf.name}: no box for an answer of one's own")
            other_radio = [c for c in mine if c.kind == "radio" and c.value == "__other"]
            if other_radio:
                actions.append(("check", other_radio[0]))
            actions.append(("fill", other[0], str(spec["other"])))
        if "type" in spec:
            boxes = [c for c in mine if c.kind == "text"]
            if not boxes:
                raise FillError(f"{leaf.name}: no box to type {spec['type']!r} in")
            actions.append(("fill", boxes[0], str(spec["type"])))
        if "unit" in spec:
            if unit:
                actions.append(_choose(unit, str(spec["unit"]), leaf.name + " (unit)"))
            elif not any(str(spec["unit"]) in c.label for c in mine):
                raise FillError(f"{leaf.name}: the unit {spec['unit']!r} is neither offered nor shown")
        return actions
    if isinstance(spec, list):
        boxes = [c for c in mine if c.kind == "text"]
        if len(boxes) < len(spec):
            return [("add", leaf.name)]
        return [("fill", box, str(text)) for box, text in zip(boxes, spec, strict=False)]
    boxes = [c for c in mine if c.kind == "text"]
    if not boxes:
        kinds = sorted({c.kind for c in mine})
        raise FillError(f"{leaf.name}: the person would type {spec!r}, but the form offers {kinds}")
    return [("fill", boxes[0], _typed(spec))]


def _typed(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def same_label(shown: str, wanted: str) -> bool:
    """Whether an option shown as `shown` is the one labelled `wanted` (an optionPrefix such as
    "A." or "(b)" may stand before the label)."""
    shown = " ".join(shown.split())
    return shown == wanted or bool(re.fullmatch(r"\(?[A-Za-z0-9]{1,3}[.):]?\s+" + re.escape(wanted), shown))


def _choose(controls: list[Control], wanted: str, name: str) -> tuple:
    for c in controls:
        if c.kind in ("radio", "checkbox") and same_label(c.label, wanted):
            return ("check", c)
        if c.kind == "select":
            for value, label in c.options:
                if same_label(label, wanted):
                    return ("select", c, value)
    offered = [c.label for c in controls if c.kind in ("radio", "checkbox")] + [
        label for c in controls if c.kind == "select" for _, label in c.options]
    kinds = sorted({c.kind for c in controls})
    raise FillError(f"{name}: no option labelled {wanted!r} (offered: {offered or kinds})")


# --- comparing responses --------------------------------------------------------------------------

def comparable_items(items: list) -> list:
    """A response's items as linkId / answers / nested items only (text, ids and extensions aside)."""
    out = []
    for item in items or []:
        node = {"linkId": item["linkId"]}
        if item.get("answer"):
            node["answer"] = [_answer(a) for a in item["answer"]]
        if item.get("item"):
            node["item"] = comparable_items(item["item"])
        out.append(node)
    return out


def _answer(answer: dict) -> dict:
    out = {}
    for key, value in answer.items():
        if key.startswith("value"):
            out[key] = _value(key, value)
        elif key == "item":
            out["item"] = comparable_items(value)
    return out


def _value(key: str, value):
    if isinstance(value, Approx):
        return value
    if key in ("valueDecimal", "valueInteger") and not isinstance(value, bool):
        return Decimal(str(value)).normalize()
    if key == "valueQuantity" and isinstance(value, dict):
        return {k: (Decimal(str(v)).normalize() if k == "value" else v) for k, v in value.items()}
    if key == "valueDateTime" and isinstance(value, str) and "T" in value:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    if key == "valueCoding" and isinstance(value, dict):
        return dict(sorted(value.items()))
    return value


class Approx:
    """An expected decimal written "~0.174635": equal when the stored value, rounded to as many
    places, is that number (for risks whose expression does not round). "~0.174635|0.1746348815"
    also says what a correct client sends (its own double-precision result)."""

    def __init__(self, text: str):
        shown, _, sent = text.partition("|")
        self.number = Decimal(shown)
        self.sent = float(sent) if sent else float(shown)

    def __eq__(self, other):
        if isinstance(other, Approx):
            return self.number == other.number
        try:
            stored = Decimal(str(other))
        except (ArithmeticError, ValueError):
            return False
        return stored.quantize(self.number) == self.number

    def __repr__(self):
        return f"~{self.number}"

    __hash__ = None


def _approximate(items: list) -> list:
    """Expected items with "~n" decimals as Approx."""
    out = []
    for item in items:
        item = dict(item)
        if item.get("answer"):
            item["answer"] = [
                {k: (Approx(v[1:]) if isinstance(v, str) and v.startswith("~") and k == "valueDecimal"
                     else (_approximate(v) if k == "item" else v)) for k, v in a.items()}
                for a in item["answer"]]
        if item.get("item"):
            item["item"] = _approximate(item["item"])
        out.append(item)
    return out


def sendable(items: list) -> list:
    """Expected items as a client sends them ("~n" as the number n)."""
    return json.loads(json.dumps(_approximate(items), default=lambda a: a.sent))


def assert_same_items(stored: list, expected: list):
    actual, wanted = comparable_items(stored), comparable_items(_approximate(expected))
    assert actual == wanted, (
        "stored response differs from the one worked out by hand\n"
        f"stored:   {json.dumps(actual, default=str)}\nexpected: {json.dumps(wanted, default=str)}")


# --- the questionnaire's own definition --------------------------------------------------------------

def calculated_link_ids(resource: dict) -> set[str]:
    """linkIds of the items the questionnaire computes (calculatedExpression)."""
    found = set()

    def visit(items):
        for item in items or []:
            if any(e.get("url") == CALCULATED for e in item.get("extension") or []):
                found.add(item["linkId"])
            visit(item.get("item"))

    visit(resource.get("item"))
    return found


def without(items: list, link_ids: set[str]) -> list:
    """`items` less the ones in `link_ids`, and any group left empty."""
    out = []
    for item in items or []:
        if item["linkId"] in link_ids:
            continue
        node = {k: v for k, v in item.items() if k not in ("item", "answer")}
        if item.get("answer"):
            node["answer"] = [{**a, **({"item": without(a["item"], link_ids)} if a.get("item") else {})}
                              for a in item["answer"]]
        if item.get("item"):
            children = without(item["item"], link_ids)
            if not children and not item.get("answer"):
                continue
            node["item"] = children
        out.append(node)
    return out


RESPONSE_PATH = re.compile(r"/questionnaires/responses/([0-9a-f-]{36})/")
IMPORTED = re.compile(r"^\w+ (\S+) \(.*\) from (.+?)( \(waiting for clinical review\))?$")


def imported_ids(stdout: str) -> dict[str, str]:
    """{file name: fhir id} from `careguide import-questionnaire`'s output."""
    found = {}
    for line in stdout.splitlines():
        match = IMPORTED.match(line)
        if match:
            found[Path(match.group(2)).name] = match.group(1)
    return found
