"""The triage engines' shared core: answers in, a disposition with its reasons out. Pure Python, no Django.

Each tool (``careguide.triage.back_pain``, ``careguide.triage.side_effects``) offers the same small
interface, ``Tool``: parse a raw input (from JSON or a form) into checked answers, then evaluate
them into a ``Result``. This module holds what they share: ``Result`` and ``Finding``, the errors
(``InputError``, ``RuleSetError``), the words for problems (``show``, ``unknown_field``,
``duplicate_ids``), the rule files' common schema parts (``Id``, ``Text``, ``Source``,
``Labelled``) and ``read_rule_file``. The registry of tools is ``careguide.triage.tools.TOOLS``.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Protocol, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from careguide.core.contentfiles import ContentError, field_path, read_yaml

RULES_DIR = Path(__file__).parent / "rules"


@dataclass(frozen=True)
class Finding:
    """One symptom's own level before combining (side-effects tool): e.g. ``mouth`` at ``amber``
    by rule ``mouth-painful-eating``. The result page gives advice per finding."""

    symptom: str
    level: str
    rule: str
    why: str


@dataclass(frozen=True)
class Result:
    """What a tool decided: the disposition, the ids of the rules behind it (most urgent first,
    then any clearance that lowered it) and one plain-language sentence per reason.
    ``findings`` (side-effects tool only) lists every symptom that was reported, with its level."""

    disposition: str
    reasons: list[str]
    rule_set_version: str
    explanations: list[str]
    findings: tuple[Finding, ...] = ()


class InputError(ValueError):
    """Answers a tool cannot evaluate. Each problem names its field, e.g. ``leg_weakness``."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__("; ".join(f"{field}: {message}" for field, message in problems))


class RuleSetError(ValueError):
    """A rule file that must not be used. Each problem names the file and the field."""

    def __init__(self, path: Path | str, problems: list[tuple[str, str]]):
        self.path = Path(path)
        self.problems = problems
        super().__init__("\n".join(f"{self.path.name}: {where}: {message}" for where, message in problems))


class Tool(Protocol):
    """A triage tool as the evaluation command and the web views use it."""

    name: str

    @property
    def version(self) -> str: ...

    @property
    def dispositions(self) -> tuple[str, ...]:
        """Most urgent first."""
        ...

    def parse_input(self, raw: object) -> Any:
        """Check raw answers (e.g. the decoded JSON ``input``); raise ``InputError`` naming each bad field."""
        ...

    def evaluate(self, answers: Any) -> Result:
        """Evaluate answers that ``parse_input`` accepted."""
        ...


def show(value: object, limit: int = 40) -> str:
    """A bad value as the person who wrote it would recognise it (JSON spelling)."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def unknown_field(name: object, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(str(name), list(known), n=1)
    return "unknown field" + (f" (did you mean '{close[0]}'?)" if close else "")


def duplicate_ids(items, where: str, seen: set[str] | None = None) -> list[tuple[str, str]]:
    """A problem for each item whose ``id`` came before, in ``items`` or in ``seen`` (which this
    extends, so ids can be kept unique across several lists)."""
    seen = set() if seen is None else seen
    problems = []
    for i, item in enumerate(items):
        if item.id in seen:
            problems.append((f"{where}[{i}].id", f"'{item.id}' is used twice"))
        seen.add(item.id)
    return problems


# --- The rule-file schema ---------------------------------------------------------------------

Id = Annotated[str, Field(pattern=r"^[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*$", max_length=80)]
Text = Annotated[str, Field(min_length=1, max_length=600)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Source(Strict):
    id: Id
    title: Text
    publisher: Text
    url: str = ""

    @field_validator("url")
    @classmethod
    def _http(cls, value: str) -> str:
        if value and not value.startswith("https://"):
            raise ValueError("must start with https://")
        return value


class Labelled(Strict):
    """An input field or a disposition, with the words a person reads for it."""

    id: Id
    label: Text


M = TypeVar("M", bound=BaseModel)


def read_rule_file(path: Path, model: type[M]) -> M:
    """A rule file's YAML validated by ``model``; ``RuleSetError`` names the file and every bad
    field. Shared by every tool's loader, so all rule files fail the same, readable way."""
    try:
        data, _text = read_yaml(path, path)
    except ContentError as exc:
        raise RuleSetError(path, [(exc.field, exc.message)]) from exc
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise RuleSetError(path, [(field_path(e["loc"]), e["msg"]) for e in exc.errors()]) from exc
