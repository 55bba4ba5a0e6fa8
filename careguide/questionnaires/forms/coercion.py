"""What a person typed, as FHIR answer values, and answer values back as input text.

`coerce` turns the posted text of one question into answers and says, in words naming
the question, what could not be read. `input_text` and `input_type` go the other way,
for showing a stored answer in an input again.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.utils import timezone

from ..engine.values import display_value, plain_number

OTHER_TOKEN = "__other"  # noqa: S105 - the value of the "Other" radio, not a secret

INTEGER_RE = re.compile(r"^[+-]?\d+$")
TIME_RE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)(:([0-5]\d))?$")
DATETIME_RE = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ]([01]\d|2[0-3]):([0-5]\d)(:([0-5]\d))?$")
URL_RE = re.compile(r"^https?://\S+$")


class ValueProblem(ValueError):
    """Typed text that cannot be an answer; the message names the question."""


def coerce(item, values: list[str], *, other: str, unit: str, label: str) -> tuple[list[dict], list[str]]:
    """The answers in the non-empty `values` typed for `item`, and the problems found.

    `other` is the text of an open choice's "Other" box, `unit` the chosen unit token of a
    quantity, `label` the question's short label for the messages."""
    answers: list[dict] = []
    problems: list[str] = []
    if item.type == "boolean":
        for value in values[:1]:
            if value in ("true", "false"):
                answers.append({"valueBoolean": value == "true"})
            else:
                problems.append(f"Select yes or no for “{label}”")
        return answers, problems
    if item.offers_options:
        for value in values:
            if value == OTHER_TOKEN:
                continue
            option = item.option_by_token(value)
            if option is None:
                problems.append(f"Choose one of the listed answers for “{label}”")
            else:
                answers.append(dict(option.answer))
        if item.other_key is not None and other:
            if answers and not item.repeats:
                problems.append(f"Choose an answer from the list or enter your own for “{label}”, not both")
            elif item.other_key == "valueString":
                answers.append({"valueString": other})
            else:
                try:
                    answers.append(convert(item.type, other, label))
                except ValueProblem as exc:
                    problems.append(str(exc))
        return answers, problems
    if item.is_choice:  # a list we cannot see: free text
        return [{"valueString": v} for v in values], problems
    if item.type == "quantity":
        try:
            return quantity_answers(item, values, unit, label), problems
        except ValueProblem as exc:
            return [], [str(exc)]
    for value in values:
        try:
            answers.append(convert(item.type, value, label))
        except ValueProblem as exc:
            problems.append(str(exc))
    return answers, problems


def quantity_answers(item, values: list[str], unit_choice: str, label: str) -> list[dict]:
    if not values:
        return []
    value = number(values[0])
    if value is None:
        raise ValueProblem(f"“{label}” must be a number")
    quantity: dict = {"value": plain_number(value)}
    if len(item.units) > 1:
        unit = next((u for i, u in enumerate(item.units) if unit_token(u, i) == unit_choice), None)
        if unit is None:
            raise ValueProblem(f"Choose a unit for “{label}”")
    else:
        unit = item.units[0] if item.units else None
    if unit is not None:
        quantity["unit"] = unit.get("display") or unit.get("code")
        if unit.get("system") and unit.get("code"):
            quantity.update(system=unit["system"], code=unit["code"])
    return [{"valueQuantity": quantity}]


def convert(kind: str, value: str, label: str) -> dict:
    """One typed value of a question of type `kind` as an answer."""
    if kind == "integer":
        cleaned = value.replace(",", "").replace(" ", "")
        if not INTEGER_RE.match(cleaned) or abs(int(cleaned)) > 2**31 - 1:
            raise ValueProblem(f"“{label}” must be a whole number")
        return {"valueInteger": int(cleaned)}
    if kind == "decimal":
        decimal = number(value)
        if decimal is None:
            raise ValueProblem(f"“{label}” must be a number")
        return {"valueDecimal": plain_number(decimal)}
    if kind == "date":
        try:
            day = date.fromisoformat(value) if len(value) == 10 else None
        except ValueError:
            day = None
        if day is None:
            raise ValueProblem(f"“{label}” must be a real date")
        return {"valueDate": day.isoformat()}
    if kind == "dateTime":
        match = DATETIME_RE.match(value)
        try:
            if not match:
                raise ValueError(value)
            moment = datetime.fromisoformat(f"{match.group(1)}T{match.group(2)}:{match.group(3)}:"
                                            f"{match.group(5) or '00'}")
        except ValueError:
            raise ValueProblem(f"“{label}” must be a real date and time") from None
        aware = timezone.make_aware(moment, timezone.get_current_timezone())
        return {"valueDateTime": aware.isoformat(timespec="seconds")}
    if kind == "time":
        match = TIME_RE.match(value)
        if not match:
            raise ValueProblem(f"“{label}” must be a real time")
        return {"valueTime": f"{match.group(1)}:{match.group(2)}:{match.group(4) or '00'}"}
    if kind == "url":
        if not URL_RE.match(value):
            raise ValueProblem(f"“{label}” must be a web address starting with http:// or https://")
        return {"valueUri": value}
    return {"valueString": value}


def number(text: str) -> Decimal | None:
    cleaned = text.replace(",", "").replace(" ", "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    return value if value.is_finite() and abs(value) < Decimal("1e15") else None


def unit_token(unit: dict, index: int) -> str:
    return str(unit.get("code") or unit.get("display") or index)


def input_type(item) -> tuple[str, str]:
    """The (type, inputmode) of the HTML input for a free-text question."""
    return {
        "integer": ("text", "numeric"),
        "decimal": ("text", "decimal"),
        "date": ("date", ""),
        "dateTime": ("datetime-local", ""),
        "time": ("time", ""),
        "url": ("url", "url"),
    }.get(item.type, ("text", ""))


def input_text(item, key, value) -> str:
    """A stored answer value as the text its input shows."""
    if key == "valueDateTime" and isinstance(value, str) and "T" in value:
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return moment.strftime("%Y-%m-%dT%H:%M")
    if key == "valueTime" and isinstance(value, str):
        return value[:5] if value.endswith(":00") else value
    if key in ("valueDecimal", "valueInteger"):
        return display_value(key, value)
    return str(value)
