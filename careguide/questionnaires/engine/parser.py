"""Reading a FHIR R4 Questionnaire (a dict) into the engine's `Questionnaire` and `Item`s.

`parse_questionnaire(resource)` reads the JSON once. Problems that make a questionnaire
unusable (unknown item types, duplicate linkIds, enableWhen pointing at no item, a choice whose
answer list is neither contained nor found by `value_sets`) raise `QuestionnaireError`; oddities
we can live with become warnings in `Questionnaire.warnings`. Answer lists are expanded by
valuesets.py.
"""

from __future__ import annotations

from dataclasses import replace

from . import valuesets
from .definition import (
    CORE,
    EXT_CALCULATED,
    EXT_ENABLE_WHEN_EXPRESSION,
    EXT_ENTRY_FORMAT,
    EXT_HIDDEN,
    EXT_MAX_OCCURS,
    EXT_MAX_VALUE,
    EXT_MIN_OCCURS,
    EXT_MIN_VALUE,
    EXT_OPTION_EXCLUSIVE,
    EXT_OPTION_PREFIX,
    EXT_UNIT,
    EXT_UNIT_OPTION,
    EXT_VARIABLE,
    OPERATORS,
    SDC,
    AnswerOption,
    EnableWhen,
    Item,
    Questionnaire,
    Variable,
    extension_value,
    extensions,
    item_control_code,
    weight_of,
)
from .expressions import enable_expression_judge, syntax_problem
from .extensions import ExtensionReader
from .issues import ERROR, WARNING, Issue, QuestionnaireError
from .launch import EXT_ANSWER_EXPRESSION, read_item_expressions, read_launch_contexts
from .values import ITEM_TYPES, OPTION_KEYS, display_value, value_of

# SDC expressions whose name makes their value a variable where they are defined.
NAMED_EXPRESSIONS = frozenset(SDC + name for name in (
    "sdc-questionnaire-calculatedExpression", "sdc-questionnaire-initialExpression",
    "sdc-questionnaire-enableWhenExpression", "sdc-questionnaire-answerExpression",
))


def parse_questionnaire(resource: dict, *, value_sets: valuesets.Resolver | None = None,
                        lists_required: bool = True) -> Questionnaire:
    """Read a Questionnaire (FHIR R4 JSON as a dict); raise QuestionnaireError if unusable.

    `value_sets(canonical, resource_type)` finds the ValueSets and CodeSystems an answerValueSet
    needs that are not contained (the local terminology store; engine/valuesets.py). With
    `lists_required=False` an answer list that cannot be used is a warning, not an error (a choice
    item then offers nothing): for reading a questionnaire stored before its list went missing."""
    return _Parser(resource, value_sets, lists_required).parse()


class _Parser(ExtensionReader):
    def __init__(self, resource: dict, value_sets: valuesets.Resolver | None = None, lists_required: bool = True):
        self.resource = resource
        self.issues: list[Issue] = []
        self.by_link_id: dict[str, Item] = {}
        self.contained = {
            r.get("id"): r
            for r in resource.get("contained", ()) or ()
            if isinstance(r, dict) and r.get("id")
        } if isinstance(resource, dict) else {}
        self.expander = valuesets.Expander(self.contained, value_sets)
        self.free_text_choices: set[str] = set()
        self.lists_required = lists_required

    def problem(self, message, link_id=None, severity=ERROR, code="structure"):
        self.issues.append(Issue(message, link_id=link_id, code=code, severity=severity))

    def parse(self) -> Questionnaire:
        if not isinstance(self.resource, dict) or self.resource.get("resourceType") != "Questionnaire":
            raise QuestionnaireError([Issue("The resource is not a Questionnaire.", code="structure")])
        constraints = self.read_constraints(self.resource, None)
        self.report_ignored(self.resource, None)
        items = tuple(self.item(raw, None) for raw in self._list(self.resource, "item"))
        launch_contexts = read_launch_contexts(self.resource, self.problem)
        for item in list(self.by_link_id.values()):
            self.check_enable_when(item)
            self.check_constraint_locations(item.constraints, self.by_link_id)
        self.check_constraint_locations(constraints, self.by_link_id)
        self.check_free_text_codes()
        errors = [i for i in self.issues if i.severity == ERROR]
        if errors:
            raise QuestionnaireError(errors)
        return Questionnaire(
            resource=self.resource,
            items=items,
            by_link_id=self.by_link_id,
            variables=self.variables(self.resource),
            warnings=tuple(self.issues),
            constraints=constraints,
            expression_judge=enable_expression_judge if any(
                i.enable_when_expression is not None for i in self.by_link_id.values()) else None,
            launch_contexts=launch_contexts,
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
        item.units = self.units(raw) or self.value_set_units(item, raw)
        self.read_answer_limits(item, raw)
        read_item_expressions(item, raw, self.problem)
        calculated = extension_value(raw, EXT_CALCULATED)
        if isinstance(calculated, dict) and calculated.get("expression"):
            if calculated.get("language", "text/fhirpath") == "text/fhirpath":
                item.calculated_expression = calculated["expression"]
            else:
                self.problem(f"Item {link_id}: only FHIRPath calculations are supported.", link_id, WARNING)
        item.enable_when_expression = self.enable_when_expression(link_id, raw)
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
                found.append(replace(self.option(option, typed[0], typed[1], option),
                                     rendering=self.option_rendering(option, typed[0], item.link_id)))
            return self.with_tokens(found)
        if isinstance(value_set, str) and value_set:
            return self.value_set_options(item, value_set)
        if item.is_choice:
            if not extensions(raw, CORE + "questionnaire-externallydefined") and \
                    not extensions(raw, EXT_ANSWER_EXPRESSION):
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

    def value_set_options(self, item: Item, value_set: str) -> tuple[AnswerOption, ...] | None:
        """The answer list an answerValueSet names, expanded (engine/valuesets.py); a list that is
        not loaded refuses a `choice` item and leaves an `open-choice` item free text (ADR 0033)."""
        try:
            concepts = self.expander.expand(value_set)
        except valuesets.Unavailable as exc:
            if value_set.startswith("#") and exc.url == value_set:
                self.problem(f"Item {item.link_id} names the answer list {value_set}, which is not in the "
                             "questionnaire.", item.link_id)
                return ()
            missing = "" if exc.url == value_set else f" (it needs the {exc.kind} {exc.url})"
            if item.type == "open-choice":
                self.free_text_choices.add(item.link_id)
                self.list_problem(f"Item {item.link_id}: the answer list {value_set} is not loaded{missing}, so "
                                  "answers are taken as free text. Load it with careguide import-valueset to offer "
                                  "its options.", item.link_id, WARNING, "not-supported")
                return None
            self.list_problem(f"Item {item.link_id}: the answer list {value_set} is not loaded{missing}, so the "
                              "item cannot be answered. Load it with careguide import-valueset.", item.link_id,
                              ERROR if item.type == "choice" else WARNING)
            return () if item.type == "choice" else None
        except valuesets.ExpansionError as exc:
            self.list_problem(f"Item {item.link_id}: the answer list {value_set} cannot be used: {exc}.",
                              item.link_id, code="not-supported")
            return ()
        if not concepts:
            self.list_problem(f"Item {item.link_id}: the answer list {value_set} has no options, so the item "
                              "cannot be answered.", item.link_id, ERROR if item.type == "choice" else WARNING)
        return self.with_tokens([
            self.option(c["source"], "valueCoding", {k: v for k, v in c.items() if k != "source"}, c["source"])
            for c in concepts
        ])

    def check_free_text_codes(self):
        """An enableWhen or expression that compares the code of an open-choice item whose list is
        not loaded could never be true (its answers are free text): refuse it, naming both items."""
        if not self.free_text_choices:
            return
        for item in self.by_link_id.values():
            for condition in item.enable_when:
                if condition.question in self.free_text_choices and condition.key == "valueCoding":
                    self.list_problem(f"Item {item.link_id} compares the code of {condition.question}, whose "
                                      "answer list is not loaded, so the condition could never be met. Load the "
                                      "list with careguide import-valueset.", item.link_id)
        for owner, link_id in valuesets.codes_read(self.resource, self.free_text_choices):
            where = f"Item {owner}" if owner else "The questionnaire"
            self.list_problem(f"{where} has an expression that reads the code of {link_id}, whose answer list is "
                              "not loaded, so it would compute a wrong result. Load the list with careguide "
                              "import-valueset.", owner)

    def list_problem(self, message, link_id, severity=ERROR, code="not-found"):
        """A problem with an answer list: an error at import, a warning when a stored questionnaire is
        read with lists_required=False (its responses must still show if a list is not loaded)."""
        self.problem(message, link_id, severity if self.lists_required else WARNING, code)

    @staticmethod
    def with_tokens(options: list[AnswerOption]) -> tuple[AnswerOption, ...]:
        """Give each option a short form token: its code where codes are unique, else its place."""
        def natural(option):
            if option.key == "valueCoding":
                return str(option.value.get("code") or option.value.get("display") or "")
            return display_value(option.key, option.value)

        tokens = [natural(o) for o in options]
        # A form trims what it posts, so an option with spaces at either end gets a place token.
        if len(set(tokens)) != len(tokens) or any(not t or t != t.strip() for t in tokens):
            tokens = [f"option-{i + 1}" for i in range(len(options))]
        return tuple(replace(o, token=t) for o, t in zip(options, tokens, strict=True))

    def initial(self, item: Item, raw: dict) -> tuple[dict, ...]:
        found = []
        for initial in self._list(raw, "initial"):
            typed = value_of(initial)
            if typed is not None:
                found.append({typed[0]: typed[1]})
        selected = [o.answer for o in item.options or () if o.initial_selected]
        if found and selected:
            # R4 (que-11) allows one or the other; LHC-Forms' own files give both. A repeating item
            # starts with both (selected options first, as the list shows them); a single answer
            # starts with initial[x], and the import says so rather than dropping one silently.
            self.problem(f"Item {item.link_id} has both initial and initialSelected answers; "
                         + ("it starts with both." if item.repeats else "it starts with the initial answer."),
                         item.link_id, WARNING)
            return tuple(selected + found) if item.repeats else tuple(found)
        return tuple(found or selected)

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

    def enable_when_expression(self, link_id: str, raw: dict) -> str | None:
        expression = extension_value(raw, EXT_ENABLE_WHEN_EXPRESSION)
        if not isinstance(expression, dict) or not expression.get("expression"):
            return None
        if expression.get("language", "text/fhirpath") != "text/fhirpath":
            self.problem(f"Item {link_id}: only FHIRPath enableWhenExpressions are supported, so the item is "
                         "never shown.", link_id, WARNING, "not-supported")
            return "false"  # a condition we cannot evaluate keeps the item disabled, as an error would
        problem = syntax_problem(expression["expression"])
        if problem:
            self.problem(f"Item {link_id}: its enableWhenExpression cannot be read ({problem}), so the item is "
                         "never shown.", link_id, WARNING, "invalid")
        return expression["expression"]

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
        """The variables an element defines, in order: its `variable` extensions, and its other
        SDC expressions that have a name (a named calculatedExpression is a variable too, for the
        element and what is inside it, as LHC-Forms reads SDC's Expression.name)."""
        found = []
        for ext in self._list(element, "extension"):
            if ext.get("url") != EXT_VARIABLE and ext.get("url") not in NAMED_EXPRESSIONS:
                continue
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
