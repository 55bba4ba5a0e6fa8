"""Markdown in content files becomes the small HTML subset Wagtail rich text keeps."""

from __future__ import annotations

import re

import markdown as md
import nh3

ALLOWED_TAGS = {"p", "h2", "h3", "h4", "ul", "ol", "li", "strong", "em", "a", "br"}
PAGE_LINK = re.compile(r"^page:([a-z0-9-]+)$")


def to_html(text: str) -> str:
    html = md.markdown(text, output_format="html")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href"}},
        url_schemes={"http", "https", "mailto", "tel", "page"},
        link_rel=None,
    )


def page_links(text: str) -> list[str]:
    """Slugs named by ``[words](page:slug)`` links in a Markdown text."""
    return re.findall(r"\]\(page:([a-z0-9-]+)\)", text)
