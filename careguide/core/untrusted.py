"""Checks for text and JSON that come from outside, shared by the JSON APIs, /fhir/ and forms.

Python and the databases disagree about what text is: Python's json accepts a lone surrogate
("\\ud800") that cannot be written as UTF-8, and PostgreSQL refuses the NUL character in text
and in jsonb while SQLite stores it. So text is checked once, where it enters, and refused with
a message naming the field, on every database alike (ADR 0023).
"""

from __future__ import annotations

import json
from collections.abc import Callable

# Deep enough for any questionnaire we exchange (an item in an item 30 times over is 60 levels),
# shallow enough that nothing after this check recurses out of stack.
MAX_JSON_DEPTH = 100
# Charsets a body may declare: UTF-8 (and ASCII, a part of it). Anything else is refused, since
# Python would happily "decode" with rot13, hex or base64 codecs and fail later.
UTF8_NAMES = frozenset({"utf-8", "utf8", "us-ascii", "ascii"})

# The largest id any of our tables can hold (a signed 64-bit integer); SQLite refuses larger
# numbers outright ("Python int too large to convert to SQLite INTEGER").
MAX_ID = 2**63 - 1

NUL_MESSAGE = "contains a null character (code 0), which is not allowed in text"
SURROGATE_MESSAGE = "contains a character that is not valid Unicode text (a lone surrogate)"


class JsonRefused(ValueError):
    """The body cannot be taken as JSON: ``path`` is where (a JSON path such as
    ``item[0].answer[1].valueString``, or "(body)"), ``message`` why, for the person who sent it."""

    def __init__(self, path: str, message: str):
        self.path = path
        self.message = message
        super().__init__(f"{path}: {message}")


def text_problem(value: str) -> str | None:
    """Why ``value`` cannot be stored as text, or None when it can."""
    if "\x00" in value:
        return NUL_MESSAGE
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return SURROGATE_MESSAGE
    return None


def record_id(text: str) -> int | None:
    """A row id typed or posted as text: ASCII digits only (str.isdigit also takes "²", which
    int() refuses) and no larger than any table holds; None otherwise."""
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(MAX_ID)):
        return None
    number = int(text)
    return number if number <= MAX_ID else None


def charset_problem(content_params: dict) -> str | None:
    """Why the charset a request declares is refused (only UTF-8 is read), or None."""
    charset = (content_params or {}).get("charset")
    if charset is None or charset.strip().lower() in UTF8_NAMES:
        return None
    return f"send the body as UTF-8; charset={charset[:40]} is not accepted"


def loads(body: bytes, *, object_pairs_hook: Callable | None = None, parse_constant: Callable | None = None):
    """Decode a UTF-8 JSON body, refusing deep nesting and text no database can store.

    Raises JsonRefused; other ValueErrors raised by the hooks pass through.
    """
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise JsonRefused("(body)", f"not UTF-8 text (byte {exc.start})") from None
    try:
        data = json.loads(text, object_pairs_hook=object_pairs_hook, parse_constant=parse_constant)
    except RecursionError:
        raise JsonRefused("(body)", f"not valid JSON: nested more than {MAX_JSON_DEPTH} levels deep") from None
    except json.JSONDecodeError as exc:
        raise JsonRefused("(body)", f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})") from None
    problem = json_problem(data)
    if problem is not None:
        raise JsonRefused(*problem)
    return data


def json_problem(data, max_depth: int = MAX_JSON_DEPTH) -> tuple[str, str] | None:
    """The first problem in decoded JSON (too deep, or a key or string that is not storable
    text) as (path, why), or None. Walks without recursion, so depth cannot hurt it."""
    stack = [(data, "", 1)]
    while stack:
        node, path, depth = stack.pop()
        if isinstance(node, dict | list) and depth > max_depth:
            return path or "(body)", f"nested more than {max_depth} levels deep"
        if isinstance(node, dict):
            for key, value in node.items():
                where = f"{path}.{key}" if path else str(key)
                if (problem := text_problem(key)) is not None:
                    return printable(where), f"the name {problem}"
                stack.append((value, where, depth + 1))
        elif isinstance(node, list):
            stack.extend((value, f"{path}[{index}]", depth + 1) for index, value in enumerate(node))
        elif isinstance(node, str) and (problem := text_problem(node)) is not None:
            return printable(path) or "(body)", problem
    return None


def printable(path: str) -> str:
    """A path safe to put in a message and a UTF-8 response: bad characters as \\uXXXX escapes."""
    return path.encode("utf-8", "backslashreplace").decode("utf-8").replace("\x00", "\\u0000")
