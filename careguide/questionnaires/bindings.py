"""Questionnaires whose answers a triage tool must judge, whichever way the answers come in.

A tool app (the side-effect check, the back-pain gate) registers a ``TriageBinding`` for its
questionnaire's canonical url in its ``AppConfig.ready()``. ``services.submit_response`` runs
the binding for every response it stores to that url: the tool's own pages, the generic form
at ``/questionnaires/<id>/``, ``POST /fhir/QuestionnaireResponse`` and anonymous answers
claimed at sign-in. So no path stores side-effect answers without the rules' result, the
tool's records and the care team's alert (ADR 0020).

This module knows nothing of the tools: they depend on it, never the other way round.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from . import engine

# The extension a stored response carries with its triage result (documented in ADR 0020).
RESULT_EXTENSION = "http://careguide.invalid/fhir/StructureDefinition/triage-result"
DISPOSITION_SYSTEM = "http://careguide.invalid/fhir/CodeSystem/triage-disposition"


@dataclass(frozen=True)
class Triage:
    """What a tool's rules said about one set of answers."""

    tool: str  # the triage contract's tool id: "side-effects", "back-pain"
    disposition: str
    display: str  # what to do, in a few plain words
    rule_set: str  # rule set id
    rule_set_version: str
    rank: int  # 0 for the tool's most urgent disposition; higher is less urgent
    reasons: tuple[str, ...] = ()
    explanations: tuple[str, ...] = ()
    # The tool's own working (e.g. the rules' Result, the contract input, notes).
    detail: Any = None


@dataclass
class Stored:
    """What a binding stored beside a response: where the person reads the advice, whether the
    care team was alerted, and the tool's own row, if any."""

    result_path: str = ""
    alert_raised: bool = False
    record: Any = None


class BindingError(ValueError):
    """Answers the tool cannot judge; ``issues`` name each question (linkId)."""

    def __init__(self, issues: list[engine.Issue]):
        self.issues = issues
        super().__init__("; ".join(f"{i.link_id or '-'}: {i.message}" for i in issues))


class TriageBinding(Protocol):
    url: str  # the questionnaire's canonical url (any version)
    tool: str
    # Dispositions at which a paged form stops and shows the advice at once (most urgent ones).
    stop_at: tuple[str, ...]

    def evaluate(self, resource: dict, *, user, definition: engine.Questionnaire | None = None) -> Triage:
        """The rules' result for a QuestionnaireResponse (complete or not: missing answers count
        as "none", so a partial result is never more urgent than the complete one). Raises
        BindingError naming the questions whose answers the rules cannot use."""
        ...

    def store(self, response, triage: Triage, *, user, request=None, previous: Stored | None = None) -> Stored:
        """Store the tool's records and raise the care team's alert, inside the caller's
        transaction. ``previous`` is set when ``response`` was stored before (an early stop
        now completed): only new findings may be added."""
        ...

    def stored_for(self, response, *, request=None) -> Stored | None:
        """What was stored for this response earlier, if anything (for a repeated submission)."""
        ...

    def safety_problems(self, definition: engine.Questionnaire) -> list[str]:
        """Why a version of the questionnaire is not safe to go live (empty when it is)."""
        ...


_bindings: dict[str, TriageBinding] = {}


def register(binding: TriageBinding) -> TriageBinding:
    """Bind a tool to its questionnaire's url; called once, from the tool's AppConfig.ready()."""
    existing = _bindings.get(binding.url)
    if existing is not None and type(existing) is not type(binding):
        raise ValueError(f"{binding.url} is already bound to {type(existing).__name__}")
    _bindings[binding.url] = binding
    return binding


def for_url(url: str | None) -> TriageBinding | None:
    return _bindings.get(url or "")


def for_questionnaire(questionnaire) -> TriageBinding | None:
    return for_url(getattr(questionnaire, "url", None))


def all_bindings() -> Iterable[TriageBinding]:
    return list(_bindings.values())


def is_bound(url: str | None) -> bool:
    return for_url(url) is not None


# --- the result as FHIR --------------------------------------------------------------------


@dataclass
class ResultExtension:
    triage: Triage
    stored: Stored = field(default_factory=Stored)
    base_url: str = ""

    def as_fhir(self) -> dict:
        """A complex extension: disposition (Coding), rule set (string "id|version"), one
        reason per rule that matched (string), the page with the advice (url) and whether
        the care team was alerted (boolean)."""
        parts: list[dict] = [
            {"url": "disposition", "valueCoding": {
                "system": f"{DISPOSITION_SYSTEM}/{self.triage.tool}",
                "code": self.triage.disposition,
                "display": self.triage.display,
            }},
            {"url": "ruleSet", "valueString": f"{self.triage.rule_set}|{self.triage.rule_set_version}"},
        ]
        parts += [{"url": "reason", "valueString": text} for text in self.triage.explanations if text]
        if self.stored.result_path:
            parts.append({"url": "guidance", "valueUrl": f"{self.base_url}{self.stored.result_path}"})
        parts.append({"url": "careTeamAlerted", "valueBoolean": bool(self.stored.alert_raised)})
        return {"url": RESULT_EXTENSION, "extension": parts}


def with_result(resource: dict, extension: ResultExtension) -> dict:
    """``resource`` with its triage-result extension (any earlier one replaced)."""
    kept = [e for e in resource.get("extension") or () if e.get("url") != RESULT_EXTENSION]
    return {**resource, "extension": [*kept, extension.as_fhir()]}


def result_of(resource: dict) -> dict | None:
    """The triage result a stored response carries, as {"disposition", "display", "ruleSet",
    "reason": [...], "guidance", "careTeamAlerted"}, or None."""
    for ext in resource.get("extension") or ():
        if ext.get("url") == RESULT_EXTENSION:
            found: dict = {"reason": []}
            for part in ext.get("extension") or ():
                key = part.get("url")
                value = next((v for k, v in part.items() if k.startswith("value")), None)
                if key == "disposition" and isinstance(value, dict):
                    found["disposition"] = value.get("code")
                    found["display"] = value.get("display", "")
                elif key == "reason":
                    found["reason"].append(value)
                else:
                    found[key] = value
            return found
    return None
