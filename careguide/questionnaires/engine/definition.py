"""A FHIR R4 Questionnaire parsed into items the engine and the forms can reason about.

`parse_questionnaire(resource)` reads the JSON (a dict) once; every other part of the engine
works on the `Questionnaire` and `Item` objects it returns. Problems that make a
questionnaire unusable (unknown item types, duplicate linkIds, enableWhen pointing at no
item, a missing contained ValueSet) raise `QuestionnaireError`; oddities we can live with
become warnings in `Questionnaire.warnings`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from .issues import ERROR, WARNING, Issue, QuestionnaireError
from .values import CHOICE_TYPES, ITEM_TYPES, OPTION_KEYS, VALUE_KEY_BY_TYPE, display_value, value_of

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
EXT_ENTRY_FORMAT = CORE + "entryFormat"
EXT_UNIT = CORE + "questionnaire-unit"
EXT_UNIT_OPTION = CORE + "questionnaire-unitOption"
EXT_MIN_VALUE = CORE + "minValue"
EXT_MAX_VALUE = CORE + "maxValue"
EXT_MIN_OCCURS = CORE + "questionnaire-minOccurs"
EXT_MAX_OCCURS = CORE + "questionnaire-maxOccurs"
EXT_MIN_LENGTH = CORE + "minLength"

OPERATORS = ("exists", "=", "!=", ">", "<", ">=", "<=")
# Display items with these itemControl codes are help for the item that holds them.
HELP_CONTROLS = ("help", "flyover", "legal")


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
    variables: tuple[Variable, ...] = ()
    entry_format: str | None = None
    units: tuple[dict, ...] = ()  # Codings a quantity may use
    min_value: Any = None
    max_value: Any = None
    min_occurs: int | None = None
    max_occurs: int | None = None
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
    def closed(self) -> bool:
        """Answers must come from the listed options."""
        return self.options is not None and self.type != "open-choice"

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
            return (*keys, "valueString") if self.type == "open-choice" and "valueString" not in keys else keys
        if self.is_choice:
            # A list we cannot see (an external ValueSet): codes, or free text.
            return ("valueCoding", "valueString")
        return ()

    def option_for(self, key: str, value: Any) -> AnswerOption | None:
        from .values import values_equal

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


def parse_questionnaire(resource: dict) -> Questionnaire:
    """Read a Questionnaire (FHIR R4 JSON as a dict); raise QuestionnaireError if unusable."""
    return _Parser(resource).parse()


class _Parser:
    def __init__(self, resource: dict):
        self.resource = resource
        self.issues: list[Issue] = []
        self.by_link_id: dict[str, Item] = {}
        self.contained = {
            r.get("id"): r
            for r in resource.get("contained", ()) or ()
            if isinstance(r, dict) and r.get("id")
        } if isinstance(resource, dict) else {}

    def problem(self, message, link_id=None, severity=ERROR, code="structure"):
        self.issues.append(Issue(message, link_id=link_id, code=code, severity=severity))

    def parse(self) -> Questionnaire:
        if not isinstance(self.resource, dict) or self.resource.get("resourceType") != "Questionnaire":
            raise QuestionnaireError([Issue("The resource is not a Questionnaire.", code="structure")])
        items = tuple(self.item(raw, None) for raw in self._list(self.resource, "item"))
        for item in list(self.by_link_id.values()):
            self.check_enable_when(item)
        errors = [i for i in self.issues if i.severity == ERROR]
        if errors:
            raise QuestionnaireError(errors)
        return Questionnaire(
            resource=self.resource,
            items=items,
            by_link_id=self.by_link_id,
            variables=self.variables(self.resource),
            warnings=tuple(self.issues),
        )

    @staticmethod
    def _list(element, key) -> list:
        value = element.get(key, ()) or ()
        return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []

    def item(self, raw: dict, parent: Item | None) -> Item:
        link_id = raw.get("linkId")
        item_type = raw.get("type")
        if not isinstance(link_id, str) or not link_id:
            self.problem("An item has no linkId.", None)
            link_id = f"#missing-{id(raw)}"
        if item_type not in ITEM_TYPES:
            self.problem(f"Item {link_id} has an unknown type {item_type!r}.", link_id)
            item_type = "display"
        if link_id in self.by_link_id:
            self.problem(f"The linkId {link_id} is used by more than one item.", link_id)
        # JSON booleans and integers only: "yes" or "2" would be read wrongly.
        for flag in ("required", "repeats", "readOnly"):
            if flag in raw and not isinstance(raw[flag], bool):
                self.problem(f"Item {link_id}: {flag} must be true or false.", link_id)
        if "maxLength" in raw and (not isinstance(raw["maxLength"], int) or isinstance(raw["maxLength"], bool)):
            self.problem(f"Item {link_id}: maxLength must be a whole number.", link_id)
        item = Item(
            link_id=link_id,
            type=item_type,
            text=str(raw.get("text") or ""),
            prefix=str(raw.get("prefix") or ""),
            required=raw.get("required") is True,
            repeats=raw.get("repeats") is True,
            read_only=raw.get("readOnly") is True,
            max_length=raw.get("maxLength") if isinstance(raw.get("maxLength"), int) else None,
            answer_value_set=raw.get("answerValueSet"),
            enable_behavior=raw.get("enableBehavior") or "all",
            extensions=tuple(self._list(raw, "extension")),
            item_control=item_control_code(raw),
            hidden=extension_value(raw, EXT_HIDDEN) is True,
            entry_format=extension_value(raw, EXT_ENTRY_FORMAT),
            min_value=extension_value(raw, EXT_MIN_VALUE),
            max_value=extension_value(raw, EXT_MAX_VALUE),
            min_occurs=extension_value(raw, EXT_MIN_OCCURS),
            max_occurs=extension_value(raw, EXT_MAX_OCCURS),
            parent=parent,
            raw=raw,
        )
        self.by_link_id.setdefault(link_id, item)
        item.options = self.options(item, raw)
        item.initial = self.initial(item, raw)
        item.enable_when = self.enable_when(item, raw)
        item.variables = self.variables(raw)
        item.units = self.units(raw)
        calculated = extension_value(raw, EXT_CALCULATED)
        if isinstance(calculated, dict) and calculated.get("expression"):
            if calculated.get("language", "text/fhirpath") == "text/fhirpath":
                item.calculated_expression = calculated["expression"]
            else:
                self.problem(f"Item {link_id}: only FHIRPath calculations are supported.", link_id, WARNING)
        if extensions(raw, SDC + "sdc-questionnaire-enableWhenExpression"):
            self.problem(f"Item {link_id}: enableWhenExpression is not supported, so the item is always shown.",
                         link_id, WARNING, "not-supported")
        if item.enable_behavior not in ("all", "any"):
            self.problem(f"Item {link_id} has an unknown enableBehavior {item.enable_behavior!r}.", link_id)
        if item.is_display and self._list(raw, "item"):
            self.problem(f"Display item {link_id} cannot have nested items.", link_id)
        item.children = tuple(self.item(child, item) for child in self._list(raw, "item"))
        if item.is_group and not item.children:
            self.problem(f"Group {link_id} has no items.", link_id, WARNING)
        return item

    def options(self, item: Item, raw: dict) -> tuple[AnswerOption, ...] | None:
        listed = self._list(raw, "answerOption")
        value_set = raw.get("answerValueSet")
        if listed and value_set:
            self.problem(f"Item {item.link_id} has both answerOption and answerValueSet.", item.link_id)
        if listed:
            found = []
            for option in listed:
                typed = value_of(option)
                if typed is None or typed[0] not in OPTION_KEYS:
                    self.problem(f"Item {item.link_id} has an answer option without a value.", item.link_id)
                    continue
                found.append(self.option(option, typed[0], typed[1], option))
            return self.with_tokens(found)
        if isinstance(value_set, str) and value_set:
            by_url = next((r for r in self.contained.values()
                           if r.get("resourceType") == "ValueSet" and r.get("url") == value_set), None)
            if by_url is not None:
                return self.with_tokens(self.value_set_options(by_url))
            if value_set.startswith("#"):
                contained = self.contained.get(value_set[1:])
                if not contained or contained.get("resourceType") != "ValueSet":
                    self.problem(
                        f"Item {item.link_id} names the answer list {value_set}, which is not in the questionnaire.",
                        item.link_id,
                    )
                    return ()
                return self.with_tokens(self.value_set_options(contained))
            self.problem(
                f"Item {item.link_id}: the answer list {value_set} is not contained in the questionnaire, "
                "so answers to it are not checked against a list.",
                item.link_id,
                WARNING,
                "not-supported",
            )
            return None
        if item.is_choice:
            if not extensions(raw, CORE + "questionnaire-externallydefined"):
                self.problem(f"Choice item {item.link_id} has no answer list.", item.link_id, WARNING)
            return None
        return None

    def option(self, element: dict, key: str, value, concept_source: dict) -> AnswerOption:
        label = display_value(key, value)
        return AnswerOption(
            key=key,
            value=value,
            label=label,
            token="",
            exclusive=extension_value(element, EXT_OPTION_EXCLUSIVE) is True,
            weight=weight_of(concept_source) if weight_of(concept_source) is not None else (
                weight_of(value) if isinstance(value, dict) else None
            ),
            prefix=extension_value(element, EXT_OPTION_PREFIX),
            initial_selected=element.get("initialSelected") is True,
        )

    def value_set_options(self, value_set: dict) -> list[AnswerOption]:
        options = []
        expansion = value_set.get("expansion")
        if isinstance(expansion, dict) and expansion.get("contains"):
            def walk(entries):
                for entry in entries or ():
                    if not isinstance(entry, dict):
                        continue
                    if entry.get("code") and not entry.get("abstract"):
                        coding = {k: entry[k] for k in ("system", "version", "code", "display") if k in entry}
                        options.append(self.option(entry, "valueCoding", coding, entry))
                    walk(entry.get("contains"))

            walk(expansion.get("contains"))
            return options
        for include in self._list(value_set.get("compose", {}) or {}, "include"):
            system = include.get("system")
            concepts = self._list(include, "concept")
            if not concepts and system:
                concepts = self.code_system_concepts(system)
            for concept in concepts:
                if not concept.get("code"):
                    continue
                coding = {"system": system} if system else {}
                coding.update({k: concept[k] for k in ("code", "display") if k in concept})
                options.append(self.option(concept, "valueCoding", coding, concept))
        return options

    def code_system_concepts(self, system: str) -> list[dict]:
        """All concepts of a contained CodeSystem that an include names by url or #id."""
        for resource in self.contained.values():
            if resource.get("resourceType") != "CodeSystem":
                continue
            if system in (resource.get("url"), "#" + str(resource.get("id"))):
                found: list[dict] = []
                pending = list(self._list(resource, "concept"))
                while pending:
                    concept = pending.pop(0)
                    found.append(concept)
                    pending[0:0] = self._list(concept, "concept")
                return found
        return []

    @staticmethod
    def with_tokens(options: list[AnswerOption]) -> tuple[AnswerOption, ...]:
        """Give each option a short form token: its code where codes are unique, else its place."""
        def natural(option):
            if option.key == "valueCoding":
                return str(option.value.get("code") or option.value.get("display") or "")
            return display_value(option.key, option.value)

        tokens = [natural(o) for o in options]
        if len(set(tokens)) != len(tokens) or any(not t for t in tokens):
            tokens = [f"option-{i + 1}" for i in range(len(options))]
        return tuple(
            AnswerOption(o.key, o.value, o.label, t, o.exclusive, o.weight, o.prefix, o.initial_selected)
            for o, t in zip(options, tokens, strict=True)
        )

    def initial(self, item: Item, raw: dict) -> tuple[dict, ...]:
        found = []
        for initial in self._list(raw, "initial"):
            typed = value_of(initial)
            if typed is not None:
                found.append({typed[0]: typed[1]})
        if not found and item.options:
            found = [o.answer for o in item.options if o.initial_selected]
        return tuple(found)

    def enable_when(self, item: Item, raw: dict) -> tuple[EnableWhen, ...]:
        conditions = []
        for condition in self._list(raw, "enableWhen"):
            question = condition.get("question")
            operator = condition.get("operator")
            answer = value_of(condition, "answer")
            if not isinstance(question, str) or operator not in OPERATORS or answer is None:
                self.problem(
                    f"Item {item.link_id} has an enableWhen without a question, a known operator and an answer.",
                    item.link_id,
                )
                continue
            if operator == "exists" and not isinstance(answer[1], bool):
                self.problem(f"Item {item.link_id}: enableWhen 'exists' needs a true or false answer.", item.link_id)
                continue
            conditions.append(EnableWhen(question, operator, answer[0], answer[1]))
        return tuple(conditions)

    def check_enable_when(self, item: Item):
        item.enable_when = tuple(self.scoped(item, c) for c in item.enable_when)
        for condition in item.enable_when:
            target = self.by_link_id.get(condition.question)
            if target is None:
                self.problem(
                    f"Item {item.link_id} depends on {condition.question}, which is not in the questionnaire.",
                    item.link_id,
                )
            elif not target.is_question:
                self.problem(
                    f"Item {item.link_id} depends on {condition.question}, which is not a question.",
                    item.link_id,
                )
            elif condition.operator != "exists" and condition.key not in target.answer_keys and not (
                {condition.key, *target.answer_keys} <= {"valueInteger", "valueDecimal"}
            ):
                self.problem(
                    f"Item {item.link_id} compares {condition.question} with a {condition.key[5:]} "
                    f"but it is answered with {', '.join(k[5:] for k in target.answer_keys)}.",
                    item.link_id,
                    WARNING,
                )

    def scoped(self, item: Item, condition: EnableWhen) -> EnableWhen:
        target = self.by_link_id.get(condition.question)
        if target is None:
            return condition
        around_target = {id(target), *(id(a) for a in target.ancestors())}
        for candidate in (item, *item.ancestors()):
            if id(candidate) in around_target:
                return replace(condition, scope=candidate.link_id)
        return condition

    def variables(self, element: dict) -> tuple[Variable, ...]:
        found = []
        for ext in extensions(element, EXT_VARIABLE):
            expression = ext.get("valueExpression")
            if isinstance(expression, dict) and expression.get("name") and expression.get("expression"):
                found.append(Variable(expression["name"], expression["expression"],
                                      expression.get("language", "text/fhirpath")))
        return tuple(found)

    def units(self, raw: dict) -> tuple[dict, ...]:
        found = [v for v in (extension_value({"extension": [e]}, EXT_UNIT_OPTION)
                             for e in extensions(raw, EXT_UNIT_OPTION)) if isinstance(v, dict)]
        if not found:
            unit = extension_value(raw, EXT_UNIT)
            if isinstance(unit, dict):
                found = [unit]
        return tuple(found)
