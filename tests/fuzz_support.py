"""Helpers for tests/whole_site/test_fuzz_no_5xx.py: nasty values, a form filler that reads the real page,
and a log collector that sees every logger (ours do not propagate to the root).

Every free-text value the fuzz sends carries SENTINEL, so a log line that repeats what a person
typed (a symptom, an answer) is found by looking for it.
"""

from __future__ import annotations

import json
import logging
from contextlib import contextmanager
from urllib.parse import urlencode

from bs4 import BeautifulSoup
from hypothesis import strategies as st

SENTINEL = "qqfuzzqq"

# Values that broke something here once, or break Django, Python or a database in general.
NASTY = [
    "", " ", "²", "١٢", "𝟘", "9" * 30, "18446744073709551616", "-1", "0", "1e309", "NaN", "Infinity",
    "9999-12-31", "0001-01-01", "10000-01-01", "2026-02-30", "31/12/9999", "12/31/9999", "99:99",
    "=HYPERLINK(\"http://x\")", "+1", "-2+3", "@SUM(A1)", "\x00", "a\x00b", "%00", "\u202e", "\ufeff",
    "<script>alert(1)</script>", "' OR 1=1 --", "../../etc/passwd", "true", "null", "[]", "{}",
    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[" * 20,
    "x" * 5000,
]
NUMBERS = ["²", "9" * 30, "-1", "١٢", "1e309", "9223372036854775808"]
DATES = ["9999-12-31", "0001-01-01", "10000-01-01", "2026-02-30", "9999-12-31T23:59:59-12:00", "12/31/9999",
         "31/12/9999", "", "today", "²"]
# Charsets a hand-made form post may declare (a browser always sends UTF-8 here).
CHARSETS = ["rot13", "hex", "base64", "utf-16", "utf-32", "latin-1", "cp500", "UTF-8", "no-such-charset"]

# Text a browser can send (no lone surrogates: they cannot be written as UTF-8 bytes).
form_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=30)


def marked(text: str) -> str:
    return f"{SENTINEL}{text}"


nasty_text = st.one_of(st.sampled_from(NASTY), form_text.map(marked))


def json_values(strings=None):
    """Any JSON value, small and nested, with nasty strings (lone surrogates included)."""
    strings = strings or st.one_of(st.sampled_from(NASTY), st.text(max_size=20).map(marked))
    leaves = st.one_of(st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
                       st.floats(allow_nan=False, allow_infinity=False), strings)
    return st.recursive(leaves, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                        st.dictionaries(strings, inner, max_size=4)),
                        max_leaves=12)


def dump(value) -> bytes:
    """JSON bytes; lone surrogates are written as \\ud800 escapes, as a client could send them."""
    return json.dumps(value, ensure_ascii=True).encode("ascii")


# --- forms ----------------------------------------------------------------------------------------

def forms_on(response) -> list[dict]:
    """The POST forms of a page: action and fields (name -> kind and the values offered)."""
    page = BeautifulSoup(response.content, "html.parser")
    found = []
    for form in page.find_all("form"):
        if (form.get("method") or "get").lower() != "post":
            continue
        fields: dict[str, dict] = {}
        for element in form.find_all(["input", "select", "textarea", "button"]):
            name = element.get("name")
            if not name:
                continue
            field = fields.setdefault(name, {"kind": element.name, "options": [], "multiple": False})
            kind = (element.get("type") or "").lower()
            if element.name == "select":
                field["options"] += [o.get("value", o.get_text()) for o in element.find_all("option")]
                field["multiple"] = element.has_attr("multiple")
            elif kind in ("radio", "checkbox", "submit", "hidden") or element.name == "button":
                field["options"].append(element.get("value", "on"))
                field["kind"] = kind or "button"
                field["multiple"] = field["multiple"] or kind == "checkbox"
            else:
                field["kind"] = kind or element.name
                if element.get("value"):
                    field["options"].append(element["value"])
        found.append({"action": form.get("action") or response.request["PATH_INFO"], "fields": fields})
    return found


# What to put in each field, drawn before the page is read: the same number of draws whatever the
# page shows, so Hypothesis can replay an example after the database has changed.
FIELD_PICKS = 40
picks = st.lists(st.tuples(st.integers(0, 9), st.lists(st.integers(0, 999), min_size=1, max_size=3), nasty_text),
                 min_size=FIELD_PICKS, max_size=FIELD_PICKS)
EXTRA_FIELDS = ["_hidden", "_step", "_action", "next", "slot", "extra"]


def fill(form: dict, drawn: list) -> dict:
    """Values for a form: mostly what the page offers, often nasty, sometimes left out, and now
    and then a field the form does not have."""
    data: dict[str, object] = {}
    for index, (name, field) in enumerate(form["fields"].items()):
        how, choices, text = drawn[index % FIELD_PICKS]
        options = field["options"]
        if name == "csrfmiddlewaretoken":
            data[name] = options[0] if options else ""
        elif how == 0:
            continue  # left out
        elif options and how <= 4:
            picked = [options[c % len(options)] for c in choices]
            data[name] = sorted(set(picked)) if field["multiple"] else picked[0]
        elif options and all(o.isascii() and o.isdigit() for o in options) or field["kind"] == "number":
            data[name] = NUMBERS[choices[0] % len(NUMBERS)]
        elif field["kind"] == "date" or "date" in name:
            data[name] = DATES[choices[0] % len(DATES)]
        else:
            data[name] = text
    how, choices, text = drawn[-1]
    if how == 9:
        data[EXTRA_FIELDS[choices[0] % len(EXTRA_FIELDS)]] = text
    return data


def post_form(client, action: str, data: dict, charset: str | None = None):
    """POST as a browser would (UTF-8), or as a hand-made request declaring another charset."""
    if charset is None:
        return client.post(action, data)
    body = urlencode(data, doseq=True).encode("utf-8")
    return client.generic("POST", action, body,
                          content_type=f"application/x-www-form-urlencoded; charset={charset}")


# --- logs -----------------------------------------------------------------------------------------

class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records: dict[int, logging.LogRecord] = {}

    def emit(self, record):
        self.records[id(record)] = record

    def problems(self) -> list[str]:
        """Records at ERROR or above, and any record that repeats text the fuzz sent."""
        formatter = logging.Formatter()
        found = []
        for record in self.records.values():
            text = record.getMessage() + "\n" + (record.exc_text or "")
            if record.exc_info:
                text += "\n" + formatter.formatException(record.exc_info)
            if record.levelno >= logging.ERROR or SENTINEL in text:
                found.append(f"{record.levelname} {record.name}: {text[-1500:]}")
        return found


@contextmanager
def every_log():
    """Collect what every logger emits at its configured level (as in production)."""
    handler = _Collect()
    loggers = [logging.getLogger()] + [logging.getLogger(name) for name in list(logging.root.manager.loggerDict)]
    for logger in loggers:
        logger.addHandler(handler)
    try:
        yield handler
    finally:
        for logger in loggers:
            logger.removeHandler(handler)
