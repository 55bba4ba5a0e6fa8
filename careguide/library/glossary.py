"""Link glossary terms where a page uses them: the first use of each term on a page.

Each link goes to the term's own page, so the definition is one tap away without
JavaScript. Terms inside links, headings, buttons and form labels are left alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from bs4 import BeautifulSoup, NavigableString

SKIP_TAGS = {"a", "h1", "h2", "h3", "h4", "h5", "h6", "button", "label", "summary", "script",
             "style", "dfn", "title", "textarea", "option"}


@dataclass(frozen=True)
class Linker:
    pattern: re.Pattern | None
    slug_by_form: dict[str, str]


@lru_cache(maxsize=8)
def build_linker(entries: tuple[tuple[str, tuple[str, ...]], ...]) -> Linker:
    """``entries``: (slug, forms) pairs. Longer forms win over shorter ones they contain."""
    slug_by_form: dict[str, str] = {}
    for slug, forms in entries:
        for form in forms:
            form = form.strip()
            if len(form) >= 3:
                slug_by_form.setdefault(form.lower(), slug)
    if not slug_by_form:
        return Linker(None, {})
    alternatives = sorted(slug_by_form, key=len, reverse=True)
    pattern = re.compile(
        r"(?<![\w-])(" + "|".join(re.escape(form) for form in alternatives) + r")(?![\w-])",
        re.IGNORECASE,
    )
    return Linker(pattern, slug_by_form)


def link_terms(html: str, linker: Linker, url_for, exclude_slug: str | None = None) -> str:
    if linker.pattern is None or not html.strip():
        return html
    soup = BeautifulSoup(html, "html.parser")
    seen: set[str] = {exclude_slug} if exclude_slug else set()
    for node in list(soup.find_all(string=True)):
        if not isinstance(node, NavigableString) or type(node) is not NavigableString:
            continue  # comments, doctype and the like
        if any(parent.name in SKIP_TAGS for parent in node.parents):
            continue
        if node.find_parent(attrs={"data-no-glossary": True}):
            continue
        text = str(node)
        pieces: list = []
        last = 0
        for match in linker.pattern.finditer(text):
            slug = linker.slug_by_form.get(match.group(0).lower())
            if slug is None or slug in seen:
                continue
            seen.add(slug)
            pieces.append(text[last : match.start()])
            link = soup.new_tag("a", href=url_for(slug), attrs={"class": "glossary-link"})
            link.string = match.group(0)
            pieces.append(link)
            last = match.end()
        if not pieces:
            continue
        pieces.append(text[last:])
        for piece in pieces:
            node.insert_before(piece if not isinstance(piece, str) else NavigableString(piece))
        node.extract()
    return str(soup)
