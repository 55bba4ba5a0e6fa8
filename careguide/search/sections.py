"""A library page as sections: what search indexes and where a result's link lands.

One function decides every section anchor of a page (``anchor_map``); the block templates
(through ``library_tags``) and the indexer both call it, so ``/conditions/bone-cancer/#treatment``
always lands on the heading it names. Anchors come from the stored StreamField data (not the
rendered HTML), so rendering and indexing cannot disagree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

from django.utils.text import slugify

from careguide.core.tools import TOOLS
from careguide.library.models import SideEffect

# Blocks whose ``heading`` starts a section. Callouts sit inside the section around them.
SECTION_BLOCKS = {"key_points", "when_to_get_help", "side_effects", "phases", "types", "health_tools"}
RICH_HEADINGS = {"h2", "h3"}
_BLOCK_TAGS = {"p", "li", "h2", "h3", "h4", "ul", "ol", "br", "div"}


@dataclass(frozen=True)
class Section:
    heading: str
    anchor: str
    text: str
    position: int


class _Splitter(HTMLParser):
    """Rich-text HTML -> [(heading or None, text)], split at each h2/h3."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[list] = [[None, []]]
        self._in_heading: str | None = None
        self._heading_text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in RICH_HEADINGS:
            self._in_heading = tag
            self._heading_text = []
        elif tag in _BLOCK_TAGS:
            self.parts[-1][1].append(" ")

    def handle_endtag(self, tag):
        if tag == self._in_heading:
            self.parts.append([" ".join("".join(self._heading_text).split()), []])
            self._in_heading = None
        elif tag in _BLOCK_TAGS:
            self.parts[-1][1].append(" ")

    def handle_data(self, data):
        if self._in_heading:
            self._heading_text.append(data)
        else:
            self.parts[-1][1].append(data)


def split_rich_text(html: str) -> list[tuple[str | None, str]]:
    """The text before the first h2/h3 (heading None), then (heading, text) per h2/h3."""
    parser = _Splitter()
    parser.feed(html or "")
    parser.close()
    return [(heading, _clean("".join(chunks))) for heading, chunks in parser.parts]


def html_to_text(html: str) -> str:
    return " ".join(text for _, text in split_rich_text(html) if text)


def _clean(text: str) -> str:
    text = " ".join(text.split())
    return re.sub(r"\s+([.,;:!?])", r"\1", text)


def _rich(value) -> str:
    """Rich-text HTML from raw StreamField data (a string) or a bound RichText; "" for anything else."""
    value = getattr(value, "source", value)
    return value if isinstance(value, str) else ""


# --- every shape a block value is stored in ---------------------------------------------------
# The content loader writes a ListBlock as a plain list (["a", "b"]); the admin (Wagtail's
# get_prep_value) writes each item as {"type": "item", "value": ..., "id": ...}. Bound values
# (ListValue, StructValue, RichText) may be passed too. Indexing reads all of them alike, and an
# item of a shape it does not know adds no text rather than failing the publish.

def _unwrap(item):
    """A list item's value, whether stored plainly or as the admin's {"type": "item", "value"}."""
    if isinstance(item, dict) and "value" in item and set(item) <= {"type", "value", "id"}:
        return item["value"]
    return item


def _items(value) -> list:
    """The items of a ListBlock value (plain list, admin list or ListValue); [] for None."""
    if value is None or isinstance(value, (str, bytes, dict)):
        return []
    try:
        return [_unwrap(item) for item in value]
    except TypeError:
        return []


def _field(value, name):
    """A child of a StructBlock value (dict or StructValue), None when absent."""
    try:
        return value.get(name)
    except AttributeError:
        return None


def _pk(value) -> int | None:
    """A chooser's value as a primary key: a number, its digits, or a chosen instance."""
    value = getattr(value, "pk", value)
    if isinstance(value, int) or (isinstance(value, str) and value.isdecimal() and value.isascii()):
        return int(value)
    return None


def _plain(value) -> str:
    """Text of a CharBlock or ChoiceBlock value; "" for anything that is not text."""
    return value.strip() if isinstance(value, str) else ""


class Anchors:
    """Slugs unique within one page: "treatment", "treatment-2"."""

    def __init__(self):
        self.used: set[str] = set()

    def take(self, heading: str) -> str:
        base = slugify(heading)[:60].strip("-") or "section"
        anchor, n = base, 2
        while anchor in self.used:
            anchor, n = f"{base}-{n}", n + 1
        self.used.add(anchor)
        return anchor


def _headings(raw_body) -> list[tuple[tuple, str]]:
    """Every section heading of a body in page order, keyed (block id, n-th heading of it)."""
    out = []
    for block in raw_body:
        kind, value, block_id = block.get("type"), block.get("value"), block.get("id")
        if kind == "text":
            for n, (heading, _) in enumerate(split_rich_text(_rich(value))[1:]):
                out.append(((block_id, n), heading))
        elif kind in SECTION_BLOCKS and _field(value, "heading") is not None:
            out.append(((block_id, 0), _plain(_field(value, "heading"))))
    return out


def anchor_map(page) -> dict[tuple, str]:
    """(block id, n) -> anchor for every section heading of the page, memoized on the page."""
    cached = getattr(page, "_section_anchors", None)
    if cached is not None:
        return cached
    anchors = Anchors()
    result = {key: anchors.take(heading) for key, heading in _headings(page.body.raw_data)}
    page._section_anchors = result
    return result


def add_heading_ids(html: str, ids: list[str]) -> str:
    """Give the n-th h2/h3 start tag of ``html`` the n-th id (replacing any id it had)."""
    if not ids:
        return html
    found = iter(ids)

    def replace(match: re.Match) -> str:
        anchor = next(found, None)
        if anchor is None:
            return match.group(0)
        attrs = re.sub(r'\s+id\s*=\s*("[^"]*"|\'[^\']*\'|[^\s>]+)', "", match.group(2) or "")
        return f'<{match.group(1)} id="{anchor}"{attrs}>'

    # Wagtail's rich-text output is well-formed HTML we produced ourselves; a tag-level
    # rewrite keeps it byte-for-byte apart from the ids.
    return re.sub(r"<(h2|h3)(\s[^>]*)?>", replace, html, flags=re.IGNORECASE)


def rich_text_ids(page, block_id) -> list[str]:
    mapping = anchor_map(page)
    ids, n = [], 0
    while (block_id, n) in mapping:
        ids.append(mapping[(block_id, n)])
        n += 1
    return ids


def extract_sections(page, *, side_effect_names=None, tools=None) -> list[Section]:
    """The page's introduction (summary + text before the first heading; heading and anchor
    "") and then one section per heading, as plain text.

    ``side_effect_names`` (pk -> name) and ``tools`` (key -> Tool) may be passed to avoid
    queries; by default they are looked up.
    """
    raw = page.body.raw_data
    anchors = anchor_map(page)
    if side_effect_names is None:
        side_effect_names = _side_effect_names(raw)
    if tools is None:
        tools = TOOLS

    sections: list[list] = [["", "", [page.summary or ""]]]

    def start(key, heading):
        sections.append([heading, anchors.get(key, ""), []])

    def add(*texts):
        # List items and names become sentences, so snippets and answers read as sentences.
        for text in texts:
            text = (text or "").strip()
            if text:
                sections[-1][2].append(text if text[-1] in ".!?:;" else text + ".")

    for block in raw:
        kind, value, block_id = block.get("type"), block.get("value"), block.get("id")
        if kind == "text":
            for n, (heading, text) in enumerate(split_rich_text(_rich(value))):
                if heading is not None:
                    start((block_id, n - 1), heading)
                add(text)
        elif kind in SECTION_BLOCKS and _field(value, "heading") is not None:
            start((block_id, 0), _plain(_field(value, "heading")))
            add(html_to_text(_rich(_field(value, "intro"))))
            if kind == "key_points":
                add(*map(_plain, _items(_field(value, "items"))))
            elif kind == "when_to_get_help":
                for level in ("emergency", "urgent", "within_24_hours", "routine"):
                    add(*map(_plain, _items(_field(value, level))))
            elif kind == "side_effects":
                for item in _items(_field(value, "items")):
                    add(side_effect_names.get(_pk(item), ""))
            elif kind in ("phases", "types"):
                for item in _items(_field(value, "items")):
                    add(_plain(_field(item, "name")), _plain(_field(item, "duration")),
                        html_to_text(_rich(_field(item, "description"))))
            elif kind == "health_tools":
                for key in _items(_field(value, "tools")):
                    tool = tools.get(key) if isinstance(key, str) else None
                    if tool is not None:
                        add(tool.title, tool.description)
        elif kind == "callout" and _field(value, "heading") is not None:
            add(_plain(_field(value, "heading")), html_to_text(_rich(_field(value, "text"))))
    return [
        Section(heading, anchor, _clean(" ".join(texts)), position)
        for position, (heading, anchor, texts) in enumerate(sections)
    ]


def _side_effect_names(raw) -> dict:
    ids = set()
    for block in raw:
        if block.get("type") == "side_effects":
            for item in _items(_field(block.get("value"), "items")):
                if (pk := _pk(item)) is not None:
                    ids.add(pk)
    if not ids:
        return {}
    return dict(SideEffect.objects.filter(pk__in=ids).values_list("pk", "name"))
