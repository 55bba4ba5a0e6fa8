"""Reading the extensions that limit answers, give units and rich text (ADR 0031), and naming
at import every extension the engine does not act on.

`ExtensionReader` is mixed into the parser (`parser._Parser`): it reads regex, minLength,
maxDecimalPlaces, targetConstraint, unitValueSet, min/maxQuantity and rendering-xhtml /
rendering-markdown onto an `Item`, and reports through `problem(...)` what it cannot use.
`IGNORED` lists the SDC and core extensions the engine leaves alone, each with what the
person filling the form loses; display hints that change nothing stored are not listed.
"""

from __future__ import annotations

import re

from . import valuesets
from .definition import (
    CORE,
    EXT_MAX_DECIMAL_PLACES,
    EXT_MAX_QUANTITY,
    EXT_MIN_LENGTH,
    EXT_MIN_QUANTITY,
    EXT_QUESTIONNAIRE_CONSTRAINT,
    EXT_REGEX,
    EXT_RENDERING_MARKDOWN,
    EXT_RENDERING_XHTML,
    EXT_TARGET_CONSTRAINT,
    EXT_UNIT_VALUE_SET,
    SDC,
    Item,
    Rendering,
    TargetConstraint,
    extension_value,
    extensions,
)
from .issues import ERROR, WARNING

# Types whose answers are text a pattern can be matched against (numbers and dates as
# they are written in the response).
PATTERN_TYPES = ("string", "text", "url", "integer", "decimal", "date", "dateTime", "time")
LENGTH_TYPES = ("string", "text", "url")
DECIMAL_TYPES = ("decimal", "quantity")
LOCATION_LINK_ID = re.compile(r"linkId\s*=\s*'((?:[^'\\]|\\.)*)'")

# url -> (what the engine does not do, severity). Errors: ignoring it would store answers that
# are not what the questionnaire asks for. Warnings: the person sees less than the author meant,
# or a check is not made, but what is stored is what they answered. Left out on purpose (pure
# display hints): choiceOrientation, displayCategory, rendering-style (never applied: a style
# could hide text), columnWidth/width, shortText, collapsible, entryMode, itemControl codes.
IGNORED: dict[str, tuple[str, str]] = {
    CORE + "questionnaire-supportLink": ("its help link (it is not shown)", WARNING),
    CORE + "questionnaire-signatureRequired": ("a signature (none is collected)", WARNING),
    CORE + "questionnaire-usageMode": ("usageMode (the item is always shown and asked)", WARNING),
    CORE + "cqf-expression": ("text worked out by an expression (the plain text is shown)", WARNING),
    CORE + "cqf-calculatedValue": ("a value worked out by an expression (the plain value is used)", WARNING),
    CORE + "cqf-library": ("CQL libraries (their expressions are not run)", WARNING),
    SDC + "sdc-questionnaire-itemMedia": ("its picture or media (it is not shown)", WARNING),
    SDC + "sdc-questionnaire-itemAnswerMedia": ("pictures on its answers (they are not shown)", WARNING),
    SDC + "sdc-questionnaire-answerOptionsToggleExpression": (
        "answerOptionsToggleExpression (every option is offered)", WARNING),
    SDC + "sdc-questionnaire-candidateExpression": ("suggested answers (none are offered)", WARNING),
    SDC + "sdc-questionnaire-lookupQuestionnaire": ("a lookup questionnaire (it is not offered)", WARNING),
    SDC + "sdc-questionnaire-subQuestionnaire": (
        "a sub-questionnaire (its questions are missing: assemble the questionnaire first)", ERROR),
}


class ExtensionReader:
    """Mixed into the parser: needs `problem(message, link_id, severity, code)` and `contained`."""

    def read_answer_limits(self, item: Item, raw: dict):
        """regex, minLength, maxDecimalPlaces, min/maxQuantity, targetConstraint and rich text."""
        link_id = item.link_id
        pattern = extension_value(raw, EXT_REGEX)
        if pattern is not None:
            if not isinstance(pattern, str):
                self.problem(f"Item {link_id}: regex must be a text pattern.", link_id)
            elif item.type not in PATTERN_TYPES:
                self.problem(f"Item {link_id}: regex is not used on a {item.type} item.", link_id, WARNING,
                             "not-supported")
            else:
                # Some forms (Smart Forms' own tester) write the pattern as FHIRPath: matches('...').
                written = re.fullmatch(r"\s*matches\(\s*'((?:[^'\\]|\\.)*)'\s*\)\s*", pattern)
                if written is not None:
                    pattern = re.sub(r"\\(['\\])", r"\1", written.group(1))
                try:
                    re.compile(pattern)
                    item.regex = pattern
                except re.error as exc:
                    self.problem(f"Item {link_id}: the regex {pattern!r} is not a valid pattern ({exc}).", link_id)
        for name in ("min_occurs", "max_occurs"):
            value = getattr(item, name)
            if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
                self.problem(f"Item {link_id}: questionnaire-{name.replace('_o', 'O')} must be a whole number.",
                             link_id)
                setattr(item, name, None)
        item.min_length = self._count_limit(item, raw, EXT_MIN_LENGTH, "minLength", LENGTH_TYPES)
        item.max_decimal_places = self._count_limit(item, raw, EXT_MAX_DECIMAL_PLACES, "maxDecimalPlaces",
                                                    DECIMAL_TYPES)
        if item.type == "quantity":
            for url, name in ((EXT_MIN_QUANTITY, "min_value"), (EXT_MAX_QUANTITY, "max_value")):
                bound = extension_value(raw, url)
                if isinstance(bound, dict) and getattr(item, name) is None:
                    setattr(item, name, bound)
        item.constraints = self.read_constraints(raw, link_id)
        item.text_rendering = self.rendering(raw, "text", link_id)
        item.prefix_rendering = self.rendering(raw, "prefix", link_id)
        self.report_ignored(raw, link_id)

    def _count_limit(self, item: Item, raw: dict, url: str, name: str, types) -> int | None:
        value = extension_value(raw, url)
        if value is None:
            return None
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            self.problem(f"Item {item.link_id}: {name} must be a whole number.", item.link_id)
            return None
        if item.type not in types:
            self.problem(f"Item {item.link_id}: {name} is not used on a {item.type} item.", item.link_id,
                         WARNING, "not-supported")
            return None
        return value

    def read_constraints(self, element: dict, owner: str | None) -> tuple[TargetConstraint, ...]:
        found = []
        where = f"Item {owner}" if owner else "The questionnaire"
        for ext in [*extensions(element, EXT_TARGET_CONSTRAINT), *extensions(element, EXT_QUESTIONNAIRE_CONSTRAINT)]:
            parts = {e.get("url"): e for e in ext.get("extension", ()) or () if isinstance(e, dict)}
            key = extension_value({"extension": [parts.get("key", {})]}, "key")
            severity = extension_value({"extension": [parts.get("severity", {})]}, "severity")
            human = extension_value({"extension": [parts.get("human", {})]}, "human")
            expression = extension_value({"extension": [parts.get("expression", {})]}, "expression")
            location = extension_value({"extension": [parts.get("location", {})]}, "location")
            if isinstance(expression, dict):
                language = expression.get("language", "text/fhirpath")
                expression = expression.get("expression") if language == "text/fhirpath" else None
                if expression is None:
                    self.problem(f"{where}: only FHIRPath constraints are supported; constraint {key} is "
                                 "not checked.", owner, WARNING, "not-supported")
                    continue
            if not (isinstance(key, str) and key and isinstance(expression, str) and expression
                    and isinstance(human, str) and human and severity in ("error", "warning")):
                self.problem(f"{where} has a targetConstraint without a key, an expression, a message "
                             "and a severity of error or warning.", owner)
                continue
            target = None
            if isinstance(location, str):
                names = LOCATION_LINK_ID.findall(location)
                target = names[-1].replace("\\'", "'") if names else None
            found.append(TargetConstraint(key, severity, expression, human, owner, target))
        return tuple(found)

    def check_constraint_locations(self, constraints, by_link_id):
        for constraint in constraints:
            if constraint.location is not None and constraint.location not in by_link_id:
                where = f"Item {constraint.owner}" if constraint.owner else "The questionnaire"
                self.problem(f"{where}: constraint {constraint.key} is placed at {constraint.location}, "
                             "which is not in the questionnaire.", constraint.owner)

    def rendering(self, element: dict, key: str, link_id: str | None) -> Rendering | None:
        """The rich text beside `element[key]` (its `_key` extensions), if any."""
        holder = element.get("_" + key)
        if not isinstance(holder, dict):
            return None
        xhtml = extension_value(holder, EXT_RENDERING_XHTML)
        if isinstance(xhtml, str) and xhtml.strip():
            return Rendering("xhtml", xhtml)
        markdown = extension_value(holder, EXT_RENDERING_MARKDOWN)
        if isinstance(markdown, str) and markdown.strip():
            return Rendering("markdown", markdown)
        self.report_ignored(holder, link_id)
        return None

    def option_rendering(self, option: dict, key: str, link_id: str | None) -> Rendering | None:
        """Rich text of an answer option: on `_valueString`, or on its Coding's `_display`."""
        if key == "valueString":
            return self.rendering(option, "valueString", link_id)
        value = option.get(key)
        if key == "valueCoding" and isinstance(value, dict):
            return self.rendering(value, "display", link_id)
        return None

    def report_ignored(self, element: dict, link_id: str | None):
        where = f"Item {link_id}" if link_id else "The questionnaire"
        for ext in element.get("extension", ()) or ():
            if isinstance(ext, dict) and ext.get("url") in IGNORED:
                what, severity = IGNORED[ext["url"]]
                self.problem(f"{where} uses {ext['url'].rsplit('/', 1)[-1]}, which is not supported: {what}.",
                             link_id, severity, "not-supported")

    def value_set_units(self, item: Item, raw: dict) -> tuple[dict, ...]:
        """Units listed by questionnaire-unitValueSet (a contained ValueSet)."""
        url = extension_value(raw, EXT_UNIT_VALUE_SET)
        if not isinstance(url, str) or not url:
            return ()
        try:  # contained, or loaded into the terminology store (engine/valuesets.py)
            concepts = self.expander.expand(url)
        except valuesets.ExpansionError:
            concepts = []
        codings = [{k: v for k, v in c.items() if k != "source"} for c in concepts]
        if not codings:
            # Without its units a quantity would be stored as a bare number: refuse it.
            self.problem(f"Item {item.link_id}: the unit list {url} is not in the questionnaire or loaded, "
                         "so its units cannot be offered.", item.link_id, ERROR, "not-supported")
        return tuple(codings)
