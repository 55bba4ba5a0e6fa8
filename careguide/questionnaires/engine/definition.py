"""A FHIR R4 Questionnaire parsed into items the engine and the forms can reason about.

`parse_questionnaire(resource)` (in `parser.py`) reads the JSON (a dict) once; every other part
of the engine works on the `Questionnaire` and `Item` objects defined here. This module also
holds the extension URLs the engine understands and the helpers that read extensions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .issues import Issue
from .values import CHOICE_TYPES, VALUE_KEY_BY_TYPE, value_of, values_equal

SDC = "http://hl7.org/fhir/uv/sdc/StructureDefinition/"
CORE = "http://hl7.org/fhir/StructureDefinition/"
EXT_ITEM_CONTROL = CORE + "questionnaire-itemControl"
EXT_HIDDEN = CORE + "questionnaire-hidden"
EXT_OPTION_EXCLUSIVE = CORE + "questionnaire-optionExclusive"
EXT_OPTION_PREFIX = CORE + "questionnaire-optionPrefix"
EXT_ORDINAL_VALUE = CORE + "ordinalValue"
EXT_ITEM_WEIGHT = CORE + "itemWeight"
EXT_VARIABLE = CORE + "variable"
EXT_CALCULATED = SDC + "sdc-questionnaire-calculatedExpression"
EXT_ENABLE_WHEN_EXPRESSION = SDC + "sdc-questionnaire-enableWhenExpression"
EXT_ENTRY_FORMAT = CORE + "entryFormat"
EXT_UNIT = CORE + "questionnaire-unit"
EXT_UNIT_OPTION = CORE + "questionnaire-unitOption"
EXT_MIN_VALUE = CORE + "minValue"
EXT_MAX_VALUE = CORE + "maxValue"
EXT_MIN_OCCURS = CORE + "questionnaire-minOccurs"
EXT_MAX_OCCURS = CORE + "questionnaire-maxOccurs"
EXT_MIN_LENGTH = CORE + "minLength"
EXT_REGEX = CORE + "regex"
EXT_MAX_DECIMAL_PLACES = CORE + "maxDecimalPlaces"
EXT_TARGET_CONSTRAINT = CORE + "targetConstraint"
EXT_QUESTIONNAIRE_CONSTRAINT = CORE + "questionnaire-constraint"  # R4's name for the same rule
EXT_UNIT_VALUE_SET = CORE + "questionnaire-unitValueSet"
EXT_MIN_QUANTITY = SDC + "sdc-questionnaire-minQuantity"
EXT_MAX_QUANTITY = SDC + "sdc-questionnaire-maxQuantity"
EXT_RENDERING_XHTML = CORE + "rendering-xhtml"
EXT_RENDERING_MARKDOWN = CORE + "rendering-markdown"
# R5's answerConstraint, backported to R4: whether a listed question also takes other answers.
EXT_ANSWER_CONSTRAINT = "http://hl7.org/fhir/5.0/StructureDefinition/extension-Questionnaire.item.answerConstraint"
OPEN_CONSTRAINTS = ("optionsOrType", "optionsOrString")

OPERATORS = ("exists", "=", "!=", ">", "<", ">=", "<=")
# Display items with these itemControl codes are help for the item that holds them.
HELP_CONTROLS = ("help", "flyover", "legal")


@dataclass(frozen=True)
class Rendering:
    """Rich text an element carries beside its plain text (rendering-xhtml or rendering-markdown).
    `source` is the questionnaire's text, unsanitised: the forms clean it before showing it."""

    kind: str  # "xhtml" or "markdown"
    source: str


@dataclass(frozen=True)
class TargetConstraint:
    """An SDC targetConstraint (or R4 questionnaire-constraint): a FHIRPath rule the answers must
    keep. `owner` is the item it sits on (None: the questionnaire); `location`, the item its
    message belongs beside when that is another one."""

    key: str
    severity: str  # "error" or "warning"
    expression: str
    human: str
    owner: str | None = None
    location: str | None = None  # a linkId


@dataclass(frozen=True)
class AnswerOption:
    """One listed answer. `token` identifies it in an HTML form."""

    key: str  # valueCoding, valueString, valueInteger, ...
    value: Any
    label: str
    token: str
    exclusive: bool = False
    weight: float | int | None = None  # ordinalValue / itemWeight
    prefix: str | None = None
    initial_selected: bool = False
    rendering: Rendering | None = None  # rich text of its label

    @property
    def answer(self) -> dict:
        return {self.key: self.value}


@dataclass(frozen=True)
class EnableWhen:
    question: str
    operator: str
    key: str  # the answer's value[x] key: valueBoolean, valueCoding, ...
    value: Any
    # The nearest item enclosing both this item and the question (None: the questionnaire).
    # Inside a repeating group the question is read in the same instance of that item.
    scope: str | None = None


@dataclass(frozen=True)
class Variable:
    name: str
    expression: str
    language: str = "text/fhirpath"


@dataclass(eq=False)
class Item:
    link_id: str
    type: str
    text: str = ""
    prefix: str = ""
    required: bool = False
    repeats: bool = False
    read_only: bool = False
    max_length: int | None = None
    options: tuple[AnswerOption, ...] | None = None  # None: a list we cannot see (external ValueSet)
    answer_value_set: str | None = None
    initial: tuple[dict, ...] = ()  # answers, e.g. {"valueBoolean": True}
    enable_when: tuple[EnableWhen, ...] = ()
    enable_behavior: str = "all"
    children: tuple[Item, ...] = ()
    extensions: tuple[dict, ...] = ()
    item_control: str | None = None
    hidden: bool = False
    calculated_expression: str | None = None
    enable_when_expression: str | None = None  # FHIRPath: enabled only when it gives true
    variables: tuple[Variable, ...] = ()
    entry_format: str | None = None
    units: tuple[dict, ...] = ()  # Codings a quantity may use
    min_value: Any = None
    max_value: Any = None
    min_occurs: int | None = None
    max_occurs: int | None = None
    regex: str | None = None
    min_length: int | None = None
    max_decimal_places: int | None = None
    constraints: tuple[TargetConstraint, ...] = ()
    text_rendering: Rendering | None = None
    prefix_rendering: Rendering | None = None
    # SDC initialExpression / answerExpression (engine/populate.py reads and evaluates them).
    initial_expression: Variable | None = None
    answer_expression: Variable | None = None
    parent: Item | None = field(default=None, repr=False)
    raw: dict = field(default_factory=dict, repr=False)

    @property
    def label(self) -> str:
        """The question as a person reads it (its text, else its linkId)."""
        return " ".join((self.text or self.link_id).split())

    @property
    def is_group(self) -> bool:
        return self.type == "group"

    @property
    def is_display(self) -> bool:
        return self.type == "display"

    @property
    def is_question(self) -> bool:
        return not (self.is_group or self.is_display)

    @property
    def is_calculated(self) -> bool:
        return self.calculated_expression is not None

    @property
    def is_page(self) -> bool:
        return self.is_group and self.item_control == "page"

    @property
    def is_help(self) -> bool:
        return self.is_display and self.item_control in HELP_CONTROLS

    @property
    def is_choice(self) -> bool:
        return self.type in CHOICE_TYPES

    @property
    def offers_options(self) -> bool:
        """Answered by picking from a list (choice items, and answerOption on any other type)."""
        return self.options is not None and (self.is_choice or bool(self.options))

    @property
    def answer_constraint(self) -> str:
        """optionsOnly, optionsOrType or optionsOrString (R5). R4's open-choice takes text beside
        its options; any other listed item is closed (R4 que-5) unless the R5 backport extension
        opens it."""
        if self.type == "open-choice":
            return "optionsOrString"
        declared = extension_value(self.raw, EXT_ANSWER_CONSTRAINT)
        return declared if declared in OPEN_CONSTRAINTS else "optionsOnly"

    @property
    def closed(self) -> bool:
        """Answers must come from the listed options."""
        return self.options is not None and self.answer_constraint == "optionsOnly"

    @property
    def other_key(self) -> str | None:
        """The value[x] of an answer typed beside an open list ("Other"), None for a closed one."""
        if self.options is None or self.closed:
            return None
        if self.answer_constraint == "optionsOrType" and self.type in VALUE_KEY_BY_TYPE:
            return VALUE_KEY_BY_TYPE[self.type]
        return "valueString"

    @property
    def help_items(self) -> tuple[Item, ...]:
        """Display children that explain a question (shown as its hint)."""
        if self.is_group:
            return tuple(c for c in self.children if c.is_help)
        return tuple(c for c in self.children if c.is_display)

    @property
    def hint(self) -> str:
        parts = [c.label for c in self.help_items]
        if self.entry_format:
            parts.append(self.entry_format)
        return " ".join(parts)

    @property
    def answer_keys(self) -> tuple[str, ...]:
        """The value[x] an answer to this item may use."""
        if self.type in VALUE_KEY_BY_TYPE and not self.options:
            return (VALUE_KEY_BY_TYPE[self.type],)
        if self.options:
            keys = tuple(dict.fromkeys(o.key for o in self.options))
            other = self.other_key
            return (*keys, other) if other is not None and other not in keys else keys
        if self.is_choice:
            # A list we cannot see (an external ValueSet): codes, or free text.
            return ("valueCoding", "valueString")
        return ()

    def option_for(self, key: str, value: Any) -> AnswerOption | None:
        for option in self.options or ():
            if values_equal(option.key, option.value, key, value):
                return option
        return None

    def option_by_token(self, token: str) -> AnswerOption | None:
        for option in self.options or ():
            if option.token == token:
                return option
        return None

    def descendants(self):
        for child in self.children:
            yield child
            yield from child.descendants()

    def ancestors(self):
        node = self.parent
        while node is not None:
            yield node
            node = node.parent


@dataclass(frozen=True)
class Step:
    """One screen of a paged questionnaire: a `page` group, or the items between pages."""

    index: int
    items: tuple[Item, ...]

    @property
    def title(self) -> str:
        if len(self.items) == 1 and self.items[0].is_group:
            return self.items[0].label
        return ""


@dataclass(eq=False)
class Questionnaire:
    resource: dict
    items: tuple[Item, ...]
    by_link_id: dict[str, Item]
    variables: tuple[Variable, ...] = ()
    warnings: tuple[Issue, ...] = ()
    constraints: tuple[TargetConstraint, ...] = ()  # on the questionnaire itself
    # How the walk evaluates enableWhenExpression: (questionnaire, response root) -> a test of
    # one Visit. Set by the parser only when an item has one, so a questionnaire without
    # expressions is walked without FHIRPath.
    expression_judge: Callable | None = field(default=None, repr=False)
    # SDC launchContext: the names (patient, user, ...) its expressions read as %name.
    launch_contexts: tuple[str, ...] = ()

    @property
    def title(self) -> str:
        resource = self.resource
        return str(resource.get("title") or resource.get("name") or resource.get("id") or "Questionnaire")

    @property
    def url(self) -> str:
        return self.resource.get("url", "")

    @property
    def version(self) -> str:
        return self.resource.get("version", "")

    def all_items(self):
        for item in self.items:
            yield item
            yield from item.descendants()

    def item(self, link_id: str) -> Item:
        return self.by_link_id[link_id]

    @property
    def steps(self) -> tuple[Step, ...]:
        """Screens: each top-level `page` group alone; other top-level items run together."""
        steps: list[list[Item]] = []
        for item in self.items:
            if item.is_page or not steps or steps[-1][-1].is_page:
                steps.append([item])
            else:
                steps[-1].append(item)
        return tuple(Step(i, tuple(items)) for i, items in enumerate(steps)) or (Step(0, ()),)

    @property
    def is_paged(self) -> bool:
        return len(self.steps) > 1

    @property
    def calculated_items(self) -> list[Item]:
        return [item for item in self.all_items() if item.is_calculated]


def extensions(element: dict, url: str) -> list[dict]:
    return [e for e in element.get("extension", ()) or () if isinstance(e, dict) and e.get("url") == url]


def extension_value(element: dict, url: str, default=None):
    for ext in extensions(element, url):
        found = value_of(ext)
        if found is not None:
            return found[1]
    return default


def item_control_code(element: dict) -> str | None:
    concept = extension_value(element, EXT_ITEM_CONTROL)
    if isinstance(concept, dict):
        for coding in concept.get("coding", ()) or ():
            if isinstance(coding, dict) and coding.get("code"):
                return coding["code"]
    return None


def weight_of(element: dict):
    """ordinalValue (R4) or itemWeight (R5 / SDC 4) on an option, concept or Coding."""
    for url in (EXT_ITEM_WEIGHT, EXT_ORDINAL_VALUE):
        value = extension_value(element, url)
        if value is not None:
            return value
    return None
