"""A questionnaire's rich text (rendering-xhtml, rendering-markdown) as safe HTML (ADR 0031).

The questionnaire comes from outside, so its HTML is cleaned with nh3 against a short list of
tags and attributes: no script, no event handler, no style or class (a style could hide words
or whole questions), no `hidden`, and links only to http, https and mailto. Labels, legends and
answer labels take inline tags only (a label may not hold a paragraph); a display item also
takes paragraphs and lists. When nothing readable is left, the plain text is shown instead, so
every question keeps a label a screen reader can read.
"""

from __future__ import annotations

import re

import markdown as md
import nh3
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

INLINE_TAGS = {"b", "strong", "i", "em", "u", "s", "sub", "sup", "small", "mark", "code", "q", "cite", "abbr",
               "span", "br", "a"}
BLOCK_TAGS = INLINE_TAGS | {"p", "ul", "ol", "li", "blockquote"}
ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "*": {"lang"}}
SCHEMES = {"http", "https", "mailto"}
# Dropped with everything inside them, not just unwrapped.
DROPPED_WITH_CONTENT = {"script", "style", "template", "noscript", "iframe", "object", "title", "head"}
BLOCKS = r"(?:p|li|ul|ol|div|blockquote|h[1-6])"
BREAKS = re.compile(rf"</{BLOCKS}>\s*<{BLOCKS}[^>]*>", re.IGNORECASE)


def rich_html(rendering, plain: str, *, block: bool = False) -> SafeString:
    """`rendering` (an engine Rendering, or None) as clean HTML, else `plain` escaped."""
    if rendering is None:
        return escape(plain)
    source = rendering.source
    if rendering.kind == "markdown":
        source = md.markdown(source, output_format="html")
    if not block:
        # Paragraphs run together in a label: keep them apart with a line break.
        source = BREAKS.sub("<br>", source)
    cleaned = nh3.clean(
        source,
        tags=BLOCK_TAGS if block else INLINE_TAGS,
        clean_content_tags=DROPPED_WITH_CONTENT,
        attributes=ATTRIBUTES,
        url_schemes=SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    ).strip()
    if not nh3.clean(cleaned, tags=set()).strip():
        return escape(plain)
    return mark_safe(cleaned)  # noqa: S308 - cleaned by nh3 against the lists above
