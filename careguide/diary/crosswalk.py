"""A diary entry's answers -> the side-effect triage contract input. Pure Python, no Django.

The mapping itself is data (``data/triage_crosswalk.yaml``, one reason per line); this module
only applies it. Several diary terms may feed one contract field: numbers take the highest,
yes/no fields are true if any source says so, so adding a term can only raise the triage.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from . import proctcae

CROSSWALK_YAML = Path(__file__).parent / "data" / "triage_crosswalk.yaml"
SAFETY_FIELDS = ("temperature_c", "generally_unwell", "chest_pain", "bleeding", "saddle_numbness", "bladder_bowel_loss")
RASH_EXTENTS = ("small", "large", "not_sure")


class CrosswalkError(ValueError):
    pass


@dataclass(frozen=True)
class Crosswalk:
    version: str
    grades: dict[str, dict[str, Any]]
    flags: dict[str, list[dict[str, Any]]]
    presence: dict[str, dict[str, Any]]
    counts: dict[str, str]
    not_in_contract: dict[str, str]

    def covers(self, term: str) -> bool:
        return any(term in part for part in (self.grades, self.flags, self.presence, self.counts, self.not_in_contract))

    def contract_fields(self, term: str) -> set[str]:
        fields = set()
        if term in self.grades:
            fields.add(self.grades[term]["field"])
        fields.update(f["field"] for f in self.flags.get(term, ()))
        if term in self.counts:
            fields.add(self.counts[term])
        return fields


@cache
def crosswalk() -> Crosswalk:
    data = yaml.safe_load(CROSSWALK_YAML.read_text(encoding="utf-8"))
    cw = Crosswalk(
        version=str(data["version"]),
        grades=data.get("grades") or {},
        flags=data.get("flags") or {},
        presence=data.get("presence") or {},
        counts=data.get("counts") or {},
        not_in_contract=data.get("not_in_contract") or {},
    )
    for term_name, rule in cw.grades.items():
        if not proctcae.term(term_name).gradable:
            raise CrosswalkError(f"grades: {term_name} has no composite grade")
        if len(rule["map"]) != proctcae.MAX_GRADE + 1 or list(rule["map"]) != sorted(rule["map"]):
            raise CrosswalkError(f"grades: {term_name}: map needs 4 rising values, one per composite grade 0-3")
    for term_name in [*cw.flags, *cw.counts, *cw.not_in_contract]:
        proctcae.term(term_name)  # raises for a misspelt term
    for term_name in cw.presence:
        if proctcae.term(term_name).gradable:
            raise CrosswalkError(f"presence: {term_name} is not a yes/no term")
    return cw


@dataclass(frozen=True)
class DiaryAnswers:
    """What one diary entry knows, already checked by the form.

    ``grades``: term -> composite grade for the tracked graded terms; ``present``: term -> yes/no
    for presence terms; ``asked``: contract fields asked directly (counts, the diarrhoea and rash
    follow-ups, ``rash_extent``); ``safety``: the questions every entry asks.
    """

    grades: Mapping[str, int] = field(default_factory=dict)
    present: Mapping[str, bool] = field(default_factory=dict)
    asked: Mapping[str, Any] = field(default_factory=dict)
    safety: Mapping[str, Any] = field(default_factory=dict)
    antidiarrhoeal_failed: bool = False


def _raise(symptoms: dict, name: str, value) -> None:
    """Keep the more urgent value: numbers take the highest, booleans any true."""
    if value is None or value is False:
        return
    current = symptoms.get(name)
    if current is None or (not isinstance(value, bool) and value > current):
        symptoms[name] = value
    elif isinstance(value, bool):
        symptoms[name] = True


def to_contract(answers: DiaryAnswers, context: Mapping[str, bool]) -> dict:
    """The contract input ``{"context": ..., "symptoms": ...}`` for ``evaluate_side_effects``."""
    cw = crosswalk()
    symptoms: dict[str, Any] = {}
    for name in SAFETY_FIELDS:
        _raise(symptoms, name, answers.safety.get(name))
    for term_name, grade in answers.grades.items():
        if grade is None:
            continue
        rule = cw.grades.get(term_name)
        if rule is not None:
            _raise(symptoms, rule["field"], rule["map"][grade])
        for flag in cw.flags.get(term_name, ()):
            if grade >= flag["at_least"]:
                _raise(symptoms, flag["field"], flag["value"])
    for term_name, is_present in answers.present.items():
        rule = cw.presence.get(term_name)
        if rule is None or not is_present:
            continue
        extent = answers.asked.get("rash_extent") or "not_sure"  # unknown size -> the larger band
        _raise(symptoms, "skin_percent", rule["skin_percent"][extent])
        _raise(symptoms, "skin_limits_activity", bool(answers.asked.get("skin_limits_activity")))
        _raise(symptoms, "skin_severe", bool(answers.asked.get("skin_severe")))
    for contract_field in (*cw.counts.values(), "diarrhoea_night_or_cramping", "diarrhoea_severe"):
        _raise(symptoms, contract_field, answers.asked.get(contract_field))
    ctx = {name: bool(context.get(name)) for name in ("on_sact", "immunosuppressed", "ici")}
    ctx["antidiarrhoeal_failed"] = bool(answers.antidiarrhoeal_failed)
    return {"context": ctx, "symptoms": symptoms}
