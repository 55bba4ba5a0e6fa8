"""Case lines of the triage evaluation contract (clinical/triage-contract.md), checked strictly.

A case line is one JSON object: ``{"id", "tool", "input"}`` plus optional ``expected`` and
``note``, which are never used to decide anything. Every problem is reported with its line
number and the field it concerns, so a case writer can fix a file in one pass.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from careguide.triage.engine import InputError, Result, show, unknown_field
from careguide.triage.tools import TOOLS

CASE_FIELDS = ("id", "tool", "input", "expected", "note")


@dataclass(frozen=True)
class Case:
    line: int
    id: str
    tool: str
    answers: Any  # as the tool's parse_input returned them
    expected: object = None  # informational only

    def evaluate(self) -> Result:
        return TOOLS[self.tool].evaluate(self.answers)


class CaseError(ValueError):
    """One line that cannot be evaluated; ``messages`` are "line N: field: problem" strings."""

    def __init__(self, line: int, problems: list[str]):
        self.line = line
        self.messages = [f"line {line}: {p}" for p in problems]
        super().__init__("\n".join(self.messages))


def reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not a JSON number")


def no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"key '{key}' appears twice")
        out[key] = value
    return out


def decode_json(text: str) -> object:
    # Python's json accepts NaN/Infinity and keeps the last of two equal keys; both would let a
    # malformed case through, so they are refused here.
    return json.loads(text, parse_constant=reject_constant, object_pairs_hook=no_duplicate_keys)


def parse_case(line: int, text: str) -> Case:
    """One case line as a ``Case`` ready to evaluate, or ``CaseError`` listing every problem."""
    try:
        data = decode_json(text)
    except json.JSONDecodeError as exc:
        raise CaseError(line, [f"not valid JSON: {exc.msg} (column {exc.colno})"]) from exc
    except ValueError as exc:
        raise CaseError(line, [f"not valid JSON: {exc}"]) from exc
    if not isinstance(data, dict):
        raise CaseError(line, [f"a case must be a JSON object, got {show(data)}"])

    problems = [f"{key}: {unknown_field(key, CASE_FIELDS)}" for key in data if key not in CASE_FIELDS]

    case_id = data.get("id")
    if "id" not in data:
        problems.append("id: missing")
    elif not isinstance(case_id, str) or not case_id.strip():
        problems.append(f"id: must be a non-empty string, got {show(case_id)}")

    tool_name = data.get("tool")
    tool = None
    if "tool" not in data:
        problems.append("tool: missing")
    elif not isinstance(tool_name, str):
        problems.append(f"tool: must be a string, got {show(tool_name)}")
    elif tool_name in TOOLS:
        tool = TOOLS[tool_name]
    else:
        problems.append(f"tool: unknown tool {show(tool_name)} (known: {', '.join(sorted(TOOLS))})")

    answers = None
    if "input" not in data:
        # Not defaulted to {}: a misspelt "input" key would otherwise evaluate as "no to everything".
        problems.append("input: missing (use {} for no answers)")
    elif tool is not None:
        try:
            answers = tool.parse_input(data["input"])
        except InputError as exc:
            for field, message in exc.problems:
                where = "input" if field == "(input)" else f"input.{field}"
                problems.append(f"{where}: {message}")

    if problems:
        raise CaseError(line, problems)
    return Case(line=line, id=case_id, tool=tool_name, answers=answers, expected=data.get("expected"))


def read_cases(lines: Iterable[str]) -> tuple[list[Case], list[CaseError]]:
    """All cases and all bad lines of a file. Blank lines are skipped but still counted, so line
    numbers match an editor's."""
    cases, errors = [], []
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        try:
            cases.append(parse_case(number, text))
        except CaseError as exc:
            errors.append(exc)
    return cases, errors


def split_lines(text: str) -> list[str]:
    """A JSON-lines file's lines. Only "\\n" ends a line: str.splitlines would also split on
    characters such as U+2028, which JSON allows inside strings."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line.removesuffix("\r") for line in lines]
