"""Answer values: which value[x] each item type takes, whether a value is well formed,
how two values compare (for enableWhen) and how a value reads to a person."""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

# Item types of FHIR R4 Questionnaire.item.type that can hold answers, and their value[x].
VALUE_KEY_BY_TYPE = {
    "boolean": "valueBoolean",
    "decimal": "valueDecimal",
    "integer": "valueInteger",
    "date": "valueDate",
    "dateTime": "valueDateTime",
    "time": "valueTime",
    "string": "valueString",
    "text": "valueString",
    "url": "valueUri",
    "attachment": "valueAttachment",
    "reference": "valueReference",
    "quantity": "valueQuantity",
}
CHOICE_TYPES = ("choice", "open-choice")
ITEM_TYPES = frozenset({"group", "display", *VALUE_KEY_BY_TYPE, *CHOICE_TYPES})
# answerOption.value[x] (R4): what a listed option can be.
OPTION_KEYS = ("valueCoding", "valueString", "valueInteger", "valueDate", "valueTime", "valueReference")
ANSWER_KEYS = (
    "valueBoolean", "valueDecimal", "valueInteger", "valueDate", "valueDateTime", "valueTime",
    "valueString", "valueUri", "valueAttachment", "valueCoding", "valueQuantity", "valueReference",
)
TYPE_NAMES = {
    "valueBoolean": "yes or no", "valueDecimal": "number", "valueInteger": "whole number",
    "valueDate": "date", "valueDateTime": "date and time", "valueTime": "time", "valueString": "text",
    "valueUri": "web address", "valueAttachment": "attachment", "valueCoding": "coded answer",
    "valueQuantity": "quantity", "valueReference": "reference",
}

DATE_RE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")
DATETIME_RE = re.compile(
    r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01])"
    r"(T([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?(Z|[+-]((0\d|1[0-3]):[0-5]\d|14:00)))?)?)?$"
)
TIME_RE = re.compile(r"^([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?$")
INT32 = (-(2**31), 2**31 - 1)


def value_of(element: dict, prefix: str = "value") -> tuple[str, Any] | None:
    """The (key, value) of the one `value[x]` (or `answer[x]`, `initial[x]`) in an element."""
    for key, value in element.items():
        if key.startswith(prefix) and len(key) > len(prefix) and key[len(prefix)].isupper():
            return "value" + key[len(prefix):], value
    return None


def is_number(value: Any) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def format_problem(key: str, value: Any) -> str | None:
    """Why `value` is not a well-formed FHIR `key` (e.g. valueInteger), or None if it is."""
    if key == "valueBoolean":
        return None if isinstance(value, bool) else "must be true or false"
    if key == "valueInteger":
        if not isinstance(value, int) or isinstance(value, bool):
            return "must be a whole number"
        return None if INT32[0] <= value <= INT32[1] else "is too large"
    if key == "valueDecimal":
        if not is_number(value) or (isinstance(value, float) and not math.isfinite(value)):
            return "must be a number"
        return None
    if key in ("valueString", "valueUri"):
        if not isinstance(value, str) or not value.strip():
            return "must be some text"
        return None
    if key == "valueDate":
        return None if isinstance(value, str) and _real_date(value, DATE_RE) else "must be a real date"
    if key == "valueDateTime":
        return None if isinstance(value, str) and _real_date(value, DATETIME_RE) else "must be a real date and time"
    if key == "valueTime":
        return None if isinstance(value, str) and TIME_RE.match(value) else "must be a real time"
    if key == "valueCoding":
        if not isinstance(value, dict) or not (value.get("code") or value.get("display")):
            return "must be a coded answer with a code or display"
        return None
    if key == "valueQuantity":
        if not isinstance(value, dict) or not is_number(value.get("value")):
            return "must be a quantity with a number"
        return None
    if key in ("valueAttachment", "valueReference"):
        return None if isinstance(value, dict) and value else f"must be an {TYPE_NAMES[key]}"
    return "is not a kind of answer a questionnaire response can hold"


def _real_date(text: str, pattern: re.Pattern) -> bool:
    if not pattern.match(text):
        return False
    if len(text) >= 10:
        try:
            date.fromisoformat(text[:10])
        except ValueError:
            return False
    return True


def coding_matches(a: dict, b: dict) -> bool:
    """Two Codings are the same answer: same code (and system, where both say), or, for
    code-less codings, the same display."""
    if a.get("code") is not None and b.get("code") is not None:
        if a["code"] != b["code"]:
            return False
        sa, sb = a.get("system"), b.get("system")
        return sa is None or sb is None or sa == sb
    if a.get("code") is None and b.get("code") is None:
        return a.get("display") is not None and a.get("display") == b.get("display")
    return False


def values_equal(key_a: str, a: Any, key_b: str, b: Any) -> bool:
    """Whether two typed values are the same answer (integers and decimals compare as numbers)."""
    if key_a in ("valueInteger", "valueDecimal") and key_b in ("valueInteger", "valueDecimal"):
        return is_number(a) and is_number(b) and _decimal(a) == _decimal(b)
    if key_a != key_b:
        return False
    if key_a == "valueCoding":
        return isinstance(a, dict) and isinstance(b, dict) and coding_matches(a, b)
    if key_a == "valueQuantity":
        if not (isinstance(a, dict) and isinstance(b, dict)):
            return False
        if not (is_number(a.get("value")) and is_number(b.get("value"))):
            return False
        return _decimal(a["value"]) == _decimal(b["value"]) and _same_unit(a, b)
    if key_a == "valueReference":
        return isinstance(a, dict) and isinstance(b, dict) and a.get("reference") == b.get("reference")
    if key_a == "valueDateTime":
        ordered = _order_key(key_a, a), _order_key(key_b, b)
        return ordered[0] is not None and ordered[0] == ordered[1]
    return a == b


def agrees_with_calculation(key: str, sent: Any, calc_key: str, calculated: Any) -> bool:
    """Whether a sender's answer to a calculated item is the value we calculated, as FHIRPath's
    equivalence (``~``) reads decimals: at the precision the sender wrote. A client that rounds a
    body surface area to 1.68, or works in binary floating point (1.6832508230603465), agrees with
    our 1.683250823060346...; one that sent 1.75 does not. Other kinds of answer must be equal.
    What is stored is always our own calculation."""
    if key == "valueQuantity" and calc_key == "valueQuantity":
        if not (isinstance(sent, dict) and isinstance(calculated, dict) and _same_unit(sent, calculated)):
            return False
        return agrees_with_calculation("valueDecimal", sent.get("value"), "valueDecimal", calculated.get("value"))
    numeric = ("valueInteger", "valueDecimal")
    if key not in numeric or calc_key not in numeric or not (is_number(sent) and is_number(calculated)):
        return values_equal(key, sent, calc_key, calculated)
    if isinstance(sent, float) and not math.isfinite(sent):
        return False
    ours, theirs = _decimal(calculated), _decimal(sent)
    places = max(-theirs.as_tuple().exponent, 0) if isinstance(theirs.as_tuple().exponent, int) else 0
    unit = Decimal(1).scaleb(-places)
    if abs(ours - theirs) <= unit / 2:
        return True  # the same number, rounded to the places the sender gave
    if ours == ours.quantize(unit) and abs(ours - theirs) == unit:
        # Both rounded to these places, a half the other way: 24.45 is 24.449999... in binary,
        # which a browser's round(1) makes 24.4 where exact decimals give 24.5.
        return True
    # A sender at binary floating point's full precision (15 to 17 significant digits) differs
    # from exact decimal arithmetic in its last digits: noise, not another answer.
    at_float_precision = len(theirs.as_tuple().digits) >= 15
    return at_float_precision and abs(ours - theirs) <= abs(ours) * Decimal("1e-12")


def compare(key_a: str, a: Any, key_b: str, b: Any) -> int | None:
    """-1, 0 or 1 for ordered values of compatible types; None when they cannot be ordered."""
    ka, kb = _order_key(key_a, a), _order_key(key_b, b)
    if ka is None or kb is None or type(ka) is not type(kb):
        return None
    if key_a == "valueQuantity" and not _same_unit(a, b):
        return None
    if key_a != key_b and not {key_a, key_b} <= {"valueInteger", "valueDecimal"}:
        return None
    if isinstance(ka, str) and len(ka) != len(kb):
        return None  # partial dates of different precision are not ordered
    return (ka > kb) - (ka < kb)


def _order_key(key: str, value: Any):
    if key in ("valueInteger", "valueDecimal"):
        return _decimal(value) if is_number(value) else None
    if key == "valueQuantity":
        return _decimal(value["value"]) if isinstance(value, dict) and is_number(value.get("value")) else None
    if key == "valueDateTime" and isinstance(value, str):
        if "T" in value:
            try:
                return datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError:
                return None
        return value
    if key in ("valueDate", "valueTime", "valueString", "valueUri") and isinstance(value, str):
        return value
    return None


def _decimal(value) -> Decimal:
    try:
        return Decimal(str(value))
    except InvalidOperation:  # pragma: no cover - guarded by is_number
        return Decimal("NaN")


def _same_unit(a: dict, b: dict) -> bool:
    for field in ("code", "unit"):
        if a.get(field) is not None and b.get(field) is not None:
            return a[field] == b[field] and (
                field == "unit" or a.get("system") is None or b.get("system") is None or a["system"] == b["system"]
            )
    return True


def plain_number(value) -> int | float:
    """A number as JSON wants it: whole numbers as int, others as float."""
    number = _decimal(value)
    if number == number.to_integral_value():
        return int(number)
    return float(number)


def display_value(key: str, value: Any) -> str:
    """How an answer reads to a person."""
    if key == "valueBoolean":
        return "Yes" if value else "No"
    if key == "valueCoding" and isinstance(value, dict):
        return str(value.get("display") or value.get("code") or "")
    if key == "valueQuantity" and isinstance(value, dict):
        unit = value.get("unit") or value.get("code") or ""
        return f"{_number_text(value.get('value'))} {unit}".strip()
    if key in ("valueDecimal", "valueInteger"):
        return _number_text(value)
    if key == "valueAttachment" and isinstance(value, dict):
        return str(value.get("title") or value.get("url") or "Attachment")
    if key == "valueReference" and isinstance(value, dict):
        return str(value.get("display") or value.get("reference") or "")
    return str(value)


def _number_text(value) -> str:
    if not is_number(value):
        return str(value)
    number = _decimal(value)
    text = format(number.normalize(), "f") if number != number.to_integral_value() else str(int(number))
    return text
