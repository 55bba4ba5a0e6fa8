"""Reading grade of the words a patient reads, independent of Django.

We use textstat 0.7.4 (Flesch-Kincaid grade, syllables from pyphen); later
releases download NLTK data at run time, which fails offline (ADR 0005).
A list item or heading without closing punctuation counts as its own sentence,
as a reader takes it, rather than running on into the next one.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable

from bs4 import BeautifulSoup

with warnings.catch_warnings():  # textstat 0.7.4 imports the deprecated pkg_resources
    warnings.simplefilter("ignore")
    import textstat

MAX_GRADE = 8.0
_BLOCK_TAGS = ("p", "li", "h2", "h3", "h4", "dt", "dd", "td", "th", "summary", "figcaption")
_END = re.compile(r"[.!?:;]\s*$")


def as_sentence(text: str) -> str:
    text = " ".join(text.split())
    if not text:
        return ""
    return text if _END.search(text) else text + "."


def html_segments(html: str) -> list[str]:
    """The readable pieces of an HTML fragment: each paragraph, item and heading."""
    soup = BeautifulSoup(html, "html.parser")
    segments = []
    for node in soup.find_all(_BLOCK_TAGS):
        if node.find(_BLOCK_TAGS):  # a list item holding a nested list: read the leaves
            continue
        segments.append(node.get_text(" ", strip=True))
    if not segments:
        segments.append(soup.get_text(" ", strip=True))
    return segments


def grade(segments: Iterable[str]) -> float:
    text = " ".join(s for s in (as_sentence(seg) for seg in segments) if s)
    if not text:
        return 0.0
    return float(textstat.flesch_kincaid_grade(text))


def _items(value) -> list:
    """A ListBlock's raw items, in either of Wagtail's storage forms."""
    out = []
    for item in value or []:
        if isinstance(item, dict) and item.get("type") == "item" and "value" in item:
            out.append(item["value"])
        else:
            out.append(item)
    return out


def _html(value) -> list[str]:
    return html_segments(value) if value and str(value).strip() else []


def stream_segments(raw_blocks, side_effect_name=lambda key: None) -> list[str]:
    """Readable text of a library body in StreamField raw form.

    Rich-text values are HTML. Side-effect lists hold keys that ``side_effect_name``
    turns into the names a reader sees. The loader's checker feeds content files
    through the same function, so both agree on a page's grade.
    """
    segments: list[str] = []
    for block in raw_blocks:
        kind, value = block["type"], block["value"]
        if kind == "text":
            segments += _html(value)
            continue
        segments.append(value.get("heading", ""))
        if kind == "key_points":
            segments += _items(value.get("items"))
        elif kind == "when_to_get_help":
            for level in ("emergency", "urgent", "routine"):
                segments += _items(value.get(level))
        elif kind == "side_effects":
            segments += _html(value.get("intro"))
            segments += [side_effect_name(key) or "" for key in _items(value.get("items"))]
        elif kind in ("phases", "types"):
            segments += _html(value.get("intro"))
            for item in _items(value.get("items")):
                segments.append(item.get("name", ""))
                if kind == "phases":
                    segments.append(item.get("duration", ""))
                segments += _html(item.get("description"))
        elif kind == "callout":
            segments += _html(value.get("text"))
    return [s for s in segments if s]
