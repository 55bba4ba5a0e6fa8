"""SDC population: initialExpression and answerExpression worked out for one person.

The Django side supplies the launch context (``{"patient": Patient, "user": Patient or
Practitioner}``, a name it cannot fill is left out) and, for ``application/x-fhir-query``,
``fetch(query) -> Bundle``: a search answered in-process by the site's own FHIR code as
that person. Nothing here reaches a network.

``personalise(questionnaire, context, fetch)`` changes a *private copy* of a parsed
questionnaire: an item with an initialExpression that gives a value starts with it (an
initial value the person may change); an item with an answerExpression offers exactly the
options it gives, so a stored answer must be one of them (the server works them out again
when it checks a response, never trusting the page).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from urllib.parse import quote

from .definition import AnswerOption, Item, Questionnaire, Variable
from .expressions import ExpressionError, _result_answers, evaluate, sdc_functions
from .issues import WARNING, Issue
from .launch import FHIR_QUERY, FHIRPATH, SUPPLIED_CONTEXTS
from .parser import _Parser  # its tokens for options, so ours match a parsed list
from .values import display_value

logger = logging.getLogger(__name__)

Fetch = Callable[[str], dict]  # an x-fhir-query -> a searchset Bundle (raises LookupError)
EMBEDDED = re.compile(r"\{\{(.+?)\}\}")
# Where a resource returned by an x-fhir-query keeps words a person can choose by.
LABEL_PATHS = ("title", "name", "description", "code", "type")


class _Evaluator:
    def __init__(self, questionnaire: Questionnaire, context: dict, fetch: Fetch | None):
        self.questionnaire = questionnaire
        self.fetch = fetch
        self.functions = sdc_functions(questionnaire)
        self.issues: list[Issue] = []
        response = {"resourceType": "QuestionnaireResponse", "status": "in-progress"}
        base = {"resource": response, "questionnaire": questionnaire.resource}
        for name in (*SUPPLIED_CONTEXTS, *questionnaire.launch_contexts):
            base[name] = context.get(name) or []
        self.base = {**base, **{k: v for k, v in context.items() if v is not None}}
        self.response = response
        self._top: dict | None = None

    def warn(self, item: Item | None, message: str):
        link_id = item.link_id if item is not None else None
        self.issues.append(Issue(message, link_id=link_id, code="exception", severity=WARNING))

    def value(self, variable: Variable, variables: dict) -> list:
        if variable.language == FHIR_QUERY:
            return self.query(variable.expression, variables)
        if variable.language != FHIRPATH:
            return []
        return evaluate(variable.expression, self.response, base="QuestionnaireResponse", variables=variables,
                        functions=self.functions)

    def query(self, template: str, variables: dict) -> list:
        """An x-fhir-query, its {{FHIRPath}} filled in: the Bundle it finds (nothing when a
        filled-in value is empty, e.g. %patient.id for a visitor who is not signed in)."""
        if self.fetch is None:
            raise ExpressionError(f"{template!r}: searches are not available here")
        parts = []
        for text, expression in _pieces(template):
            if expression is None:
                parts.append(text)
                continue
            found = [str(v) for v in evaluate(expression, self.response, base="QuestionnaireResponse",
                                              variables=variables, functions=self.functions)
                     if isinstance(v, str | int | float) and not isinstance(v, bool)]
            if not found:
                return []
            parts.append(",".join(quote(v, safe="") for v in found))
        try:
            return [self.fetch("".join(parts))]
        except LookupError as exc:
            raise ExpressionError(f"{template!r}: {exc}") from exc

    def variables(self, item: Item) -> dict:
        if self._top is None:
            self._top = dict(self.base)
            for variable in self.questionnaire.variables:
                self._top[variable.name] = self._safe(None, variable, self._top)
        variables = dict(self._top)
        for owner in (*reversed(list(item.ancestors())), item):
            for variable in owner.variables:
                variables[variable.name] = self._safe(owner, variable, variables)
        return variables

    def _safe(self, item: Item | None, variable: Variable, variables: dict) -> list:
        try:
            return self.value(variable, variables)
        except ExpressionError as exc:
            logger.warning("variable %s could not be worked out", variable.name)
            self.warn(item, f"The variable %{variable.name} could not be worked out: {exc}")
            return []

    def results(self, item: Item, expression: Variable, what: str) -> list | None:
        try:
            return self.value(expression, self.variables(item))
        except ExpressionError as exc:
            logger.warning("%s of %s failed", what, item.link_id)
            self.warn(item, f"The {what} of “{item.label}” could not be worked out: {exc}")
            return None


def _pieces(template: str):
    """(text, None) and (text, embedded FHIRPath) parts of an x-fhir-query."""
    position = 0
    for match in EMBEDDED.finditer(template):
        yield template[position:match.start()], None
        yield match.group(0), match.group(1).strip()
        position = match.end()
    yield template[position:], None


def personalise(questionnaire: Questionnaire, context: dict, fetch: Fetch | None = None) -> list[Issue]:
    """Work out initialExpression and answerExpression items for one person, in place (give
    it a copy, not a shared parse). Returns warnings for expressions that failed."""
    evaluator = _Evaluator(questionnaire, context, fetch)
    for item in questionnaire.all_items():
        if item.answer_expression is not None:
            results = evaluator.results(item, item.answer_expression, "answer list")
            item.options = _options(item, results or [])
        if item.initial_expression is not None:
            results = evaluator.results(item, item.initial_expression, "starting value")
            answers = _result_answers(item, results or [])
            if answers:
                item.initial = tuple(answers)
    return evaluator.issues


def _options(item: Item, results: list) -> tuple[AnswerOption, ...]:
    found: list[AnswerOption] = []
    for result in _flatten(results):
        typed = _option_value(item, result)
        if typed is None:
            continue
        key, value = typed
        if any(o.key == key and o.value == value for o in found):
            continue
        found.append(AnswerOption(key=key, value=value, label=display_value(key, value) or str(value), token=""))
    return _Parser.with_tokens(found)


def _flatten(results: list):
    """A searchset Bundle stands for the resources it found."""
    for result in results:
        if isinstance(result, dict) and result.get("resourceType") == "Bundle":
            for entry in result.get("entry") or ():
                if isinstance(entry, dict) and isinstance(entry.get("resource"), dict) and \
                        (entry.get("search") or {}).get("mode", "match") == "match":
                    yield entry["resource"]
        else:
            yield result


def _option_value(item: Item, result) -> tuple[str, object] | None:
    if isinstance(result, dict):
        if result.get("resourceType") and result.get("id"):
            return "valueReference", {"reference": f"{result['resourceType']}/{result['id']}",
                                      "display": resource_label(result)}
        if isinstance(result.get("reference"), str):
            return "valueReference", {k: result[k] for k in ("reference", "display") if k in result}
        if result.get("code") or result.get("display"):
            return "valueCoding", {k: result[k] for k in ("system", "version", "code", "display") if k in result}
        return None
    if isinstance(result, bool):
        return None
    if item.type == "integer" and isinstance(result, int):
        return "valueInteger", result
    if item.type in ("date", "time"):
        return "value" + item.type.capitalize(), str(result)
    if isinstance(result, str | int | float):
        return "valueString", str(result)
    return None


def resource_label(resource: dict) -> str:
    """Words that name a resource for a person choosing it."""
    for path in LABEL_PATHS:
        value = resource.get(path)
        if isinstance(value, str) and value.strip():
            return value.strip()
        if isinstance(value, dict):
            text = value.get("text") or next((c.get("display") for c in value.get("coding") or ()
                                              if isinstance(c, dict) and c.get("display")), None)
            if isinstance(text, str) and text.strip():
                return text.strip()
        if isinstance(value, list) and value and isinstance(value[0], dict):
            name = value[0]
            text = name.get("text") or " ".join([*name.get("given", ()), name.get("family", "")]).strip()
            if text:
                return text
    return f"{resource.get('resourceType')}/{resource.get('id')}"
