from django import template
from django.utils.safestring import mark_safe
from wagtail.templatetags.wagtailcore_tags import richtext

from careguide.core import sitecache
from careguide.core.tools import TOOLS
from careguide.search.sections import add_heading_ids, anchor_map, rich_text_ids

from ..glossary import build_linker, link_terms
from ..models import GlossaryPage, SideEffectsPage
from ..sitecache import glossary_entries

register = template.Library()


def _index_url(model):
    return sitecache.first_url_of_type(model)


class GlossaryLinkedNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist

    def render(self, context):
        html = self.nodelist.render(context)
        base = _index_url(GlossaryPage)
        if not base:
            return html
        linker = build_linker(glossary_entries())
        exclude = context.get("glossary_exclude")
        # Our own rendered template output, re-serialized by BeautifulSoup.
        return mark_safe(link_terms(html, linker, lambda slug: f"{base}{slug}/", exclude))  # noqa: S308


@register.tag
def glossary_linked(parser, token):
    """Wrap page content: the first use of each glossary term becomes a link to it."""
    nodelist = parser.parse(("endglossary_linked",))
    parser.delete_first_token()
    return GlossaryLinkedNode(nodelist)


@register.simple_tag
def side_effect_url(effect):
    base = _index_url(SideEffectsPage)
    return f"{base}{effect.slug}/" if base else ""


@register.simple_tag
def glossary_url(term=None):
    base = _index_url(GlossaryPage)
    if not base:
        return ""
    return f"{base}{term.slug}/" if term is not None else base


@register.inclusion_tag("includes/main_nav.html", takes_context=True)
def main_nav(context):
    current = context.get("page")
    current_path = getattr(current, "url_path", "") or ""
    items = [
        {"title": info.title, "url": info.url,
         "current": current_path == info.url_path,
         "ancestor": current_path.startswith(info.url_path) and current_path != info.url_path}
        for info in sitecache.menu()
    ]
    return {"items": items, "home_current": getattr(current, "depth", None) == 2}


@register.simple_tag(takes_context=True)
def breadcrumbs(context):
    """Ancestors of the current page (below the site root) from the cached page map."""
    page = context.get("page")
    if page is None or page.depth <= 2:
        return []
    by_path = {info.url_path: info for info in sitecache.live_pages().values()}
    crumbs = []
    parts = page.url_path.strip("/").split("/")
    for end in range(1, len(parts)):
        info = by_path.get("/" + "/".join(parts[:end]) + "/")
        if info is not None:
            crumbs.append(info)
    return crumbs


@register.simple_tag
def related_pages(page):
    """Live pages chosen as related, as (title, url), without a query."""
    pages = sitecache.live_pages()
    out = []
    for block in page.related.raw_data:
        info = pages.get(block.get("value"))
        if info is not None:
            out.append(info)
    return out


@register.filter
def phone_href(number: str) -> str:
    digits = "".join(ch for ch in str(number) if ch.isdigit() or ch == "+")
    return f"tel:{digits}"


@register.simple_tag
def health_tool(key):
    """The patient tool with this key (core/tools.py), or None if it no longer exists."""
    return TOOLS.get(key)


# --- section anchors (careguide/search/sections.py decides them; search links to them) ---
@register.simple_tag(takes_context=True)
def section_anchor(context, block_id):
    """The stable id of a section block's heading, e.g. "treatment" (falls back to b-<id>)."""
    page = context.get("page")
    if page is not None and hasattr(page, "body"):
        anchor = anchor_map(page).get((block_id, 0))
        if anchor:
            return anchor
    return f"b-{block_id}"


@register.simple_tag(takes_context=True)
def richtext_sections(context, value, block_id):
    """Rich text rendered as ``|richtext`` does, with stable ids on its h2/h3 headings."""
    html = richtext(value)
    page = context.get("page")
    if page is None or not hasattr(page, "body"):
        return html
    # Our own rich-text output with id attributes added to its headings.
    return mark_safe(add_heading_ids(str(html), rich_text_ids(page, block_id)))  # noqa: S308
