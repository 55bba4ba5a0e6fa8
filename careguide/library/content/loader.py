"""Load content/ into Wagtail: idempotent, all-or-nothing, keeping editors' history.

- Pages are matched by slug (stable keys). A page whose file is unchanged since the last
  load is left alone, so an editor's later revisions stay live; a changed file becomes a
  new published revision, and the earlier ones remain in the page's history.
- Everything is validated before anything is written, and the writes happen in one
  transaction: a bad file leaves the database as it was.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from wagtail.models import Page, Site

from careguide.core.models import Location, OrganizationSettings

from ..models import (
    ConditionPage,
    GlossaryPage,
    GlossaryTerm,
    HomePage,
    LibraryPage,
    SectionPage,
    SideEffect,
    SideEffectsPage,
    TopicPage,
    TreatmentPage,
)
from .files import ContentError, ContentTree, read_content
from .markdown import to_html
from .schema import PageFile

MODEL_FOR_KIND = {
    "home": HomePage,
    "section": SectionPage,
    "topic": TopicPage,
    "condition": ConditionPage,
    "treatment": TreatmentPage,
    "glossary": GlossaryPage,
    "side_effects": SideEffectsPage,
}
LOADER_VERSION = "1"  # bump when the mapping from files to pages changes
_ID_NAMESPACE = uuid.UUID("6f1d3c52-2b0e-4f0e-9a57-1c3f5d1e2a90")
_HREF = re.compile(r'<a href="page:([a-z0-9-]+)">')


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    terms: int = 0
    side_effects: int = 0

    def summary(self) -> str:
        return (
            f"pages: {len(self.created)} created, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged; glossary terms: {self.terms}; "
            f"side effects: {self.side_effects}"
        )


def load_content(root: Path | str) -> LoadReport:
    tree = read_content(root)  # raises ContentError before any write
    report = LoadReport()
    with transaction.atomic():
        _load_site_settings(tree)
        report.terms = _load_glossary(tree)
        report.side_effects = _load_side_effects(tree)
        _load_pages(tree, report)
        _link_crisis_page(tree)
    return report


# --- settings and snippets ---------------------------------------------------------


def default_site() -> Site:
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is None:
        raise ContentError("site.yaml", "(site)", "no default Wagtail site: run migrate first")
    return site


def _load_site_settings(tree: ContentTree) -> None:
    data = tree.site
    org = OrganizationSettings.for_site(default_site())
    for name in ("site_name", "organization", "department", "care_team_phone",
                 "advice_line_phone", "advice_line_hours", "emergency_number",
                 "crisis_line_name", "crisis_line_number", "crisis_text_number", "crisis_chat_url"):
        setattr(org, name, getattr(data, name))
    org.emergency_notice = to_html(data.emergency_notice)
    org.disclaimer = to_html(data.disclaimer)
    org.save()
    wanted = [(loc.slug, loc.name, loc.address, loc.phone) for loc in data.locations]
    current = list(org.locations.order_by("sort_order").values_list("slug", "name", "address", "phone"))
    if current != wanted:
        org.locations.all().delete()
        for order, loc in enumerate(data.locations):
            Location.objects.create(
                settings=org, sort_order=order, slug=loc.slug, name=loc.name,
                address=loc.address, phone=loc.phone,
            )


def _link_crisis_page(tree: ContentTree) -> None:
    """The emergency notice links our crisis page (site.yaml ``crisis_page``), once it exists."""
    org = OrganizationSettings.for_site(default_site())
    page = _find_existing(tree.site.crisis_page, default_site().root_page) if tree.site.crisis_page else None
    if org.crisis_page_id != (page.pk if page else None):
        org.crisis_page = page
        org.save(update_fields=["crisis_page"])


def _load_glossary(tree: ContentTree) -> int:
    for item in tree.glossary.terms:
        term = (
            GlossaryTerm.objects.filter(slug=item.slug).first()
            or GlossaryTerm.objects.filter(term__iexact=item.term).first()
            or GlossaryTerm()
        )
        values = {"term": item.term, "slug": item.slug, "definition": item.definition,
                  "also": ", ".join(item.also)}
        if any(getattr(term, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(term, k, v)
            term.save()
    return len(tree.glossary.terms)


def _lines(items: list[str]) -> list[dict]:
    return [{"type": "item", "value": text} for text in items]


def _load_side_effects(tree: ContentTree) -> int:
    for item in tree.side_effects.side_effects:
        effect = SideEffect.objects.filter(slug=item.slug).first() or SideEffect(slug=item.slug)
        effect.name = item.name
        effect.summary = item.summary
        effect.self_care = _lines(item.self_care)
        effect.call_care_team = _lines(item.call_care_team)
        effect.call_within_24_hours = _lines(item.call_within_24_hours)
        effect.emergency = _lines(item.emergency)
        effect.save()
    return len(tree.side_effects.side_effects)


# --- pages ---------------------------------------------------------------------------


def _digest(page: PageFile) -> str:
    payload = LOADER_VERSION + page.model_dump_json()
    return hashlib.sha256(payload.encode()).hexdigest()


def _find_existing(slug: str, home: Page):
    found = LibraryPage.objects.filter(slug=slug).descendant_of(home, inclusive=True).first()
    return found.specific if found is not None else None


def _ensure_home(tree: ContentTree, home_file: PageFile, report: LoadReport) -> HomePage:
    site = default_site()
    home = HomePage.objects.first()
    if home is not None:
        if site.root_page_id != home.pk:
            site.root_page = home
            site.save()
        return home
    root = Page.get_first_root_node()
    placeholder = root.get_children().filter(slug=home_file.slug).first()
    if placeholder is not None:
        placeholder.slug = f"{placeholder.slug}-previous-{placeholder.pk}"
        placeholder.save(update_fields=["slug"])
    home = HomePage(title=home_file.title, slug=home_file.slug, summary=home_file.summary)
    root.add_child(instance=home)
    site.root_page = home
    site.save()
    # Wagtail's own "Welcome" page is replaced; any other page is kept for an editor to decide.
    if placeholder is not None and type(placeholder.specific) is Page and placeholder.is_leaf():
        placeholder.delete()
    report.created.append(home_file.slug)
    return home


def _load_pages(tree: ContentTree, report: LoadReport) -> None:
    ordered = tree.ordered()
    home_file = ordered[0]
    home = _ensure_home(tree, home_file, report)
    pages: dict[str, Page] = {home_file.slug: home}
    fresh: set[str] = {home_file.slug} if home_file.slug in report.created else set()

    # Pass 1: every page exists, under the right parent, of the right type.
    for data in ordered[1:]:
        rel = tree.page_paths[data.slug].relative_to(tree.root)
        model = MODEL_FOR_KIND[data.kind]
        parent = pages[data.parent]
        page = _find_existing(data.slug, home)
        if page is not None and type(page) is not model:
            raise ContentError(
                rel, "kind",
                f"page '{data.slug}' already exists as a {page._meta.verbose_name}; "
                "changing a page's kind is not supported",
            )
        if page is None:
            page = model(title=data.title, slug=data.slug, summary=data.summary)
            parent.add_child(instance=page)
            fresh.add(data.slug)
            report.created.append(data.slug)
        elif page.get_parent().pk != parent.pk:
            page.move(parent, pos="last-child")
            page.refresh_from_db()
        pages[data.slug] = page
    _order_children(tree, pages)

    # Pass 2: content, now that every internal link has a page to point at.
    ids = {slug: page.pk for slug, page in pages.items()}
    effect_ids = dict(SideEffect.objects.values_list("slug", "pk"))
    for data in ordered:
        page = type(pages[data.slug]).objects.get(pk=pages[data.slug].pk)
        digest = _digest(data)
        if page.source_digest == digest and page.live and data.slug not in fresh:
            report.unchanged.append(data.slug)
            continue
        _apply(page, data, home_file.slug, ids, effect_ids)
        page.source_digest = digest
        page.source_file = str(tree.page_paths[data.slug].relative_to(tree.root))
        revision = page.save_revision(log_action=True, clean=True)
        revision.publish()
        if data.slug not in fresh:
            report.updated.append(data.slug)


def _order_children(tree: ContentTree, pages: dict[str, Page]) -> None:
    for slug, parent in pages.items():
        wanted = [pages[child.slug].pk for child in tree.children(slug)]
        if not wanted:
            continue
        actual = [pk for pk in parent.get_children().values_list("pk", flat=True) if pk in wanted]
        if actual != wanted:
            for pk in wanted:
                Page.objects.get(pk=pk).move(parent, pos="last-child")


def _rich(text: str, ids: dict[str, int]) -> str:
    return _HREF.sub(lambda m: f'<a linktype="page" id="{ids[m.group(1)]}">', to_html(text))


def _block_id(slug: str, *parts) -> str:
    return str(uuid.uuid5(_ID_NAMESPACE, ":".join([slug, *map(str, parts)])))


def _apply(page, data: PageFile, home_slug: str, ids: dict, effect_ids: dict) -> None:
    page.title = data.title
    page.summary = data.summary
    page.show_in_menus = data.parent == home_slug
    page.last_reviewed = data.review.last_reviewed
    page.review_interval_months = data.review.interval_months
    page.reviewer_role = data.review.reviewer_role
    page.sources = [
        {"type": "source", "id": _block_id(data.slug, "source", i),
         "value": {"title": s.title, "publisher": s.publisher, "url": s.url}}
        for i, s in enumerate(data.sources)
    ]
    page.related = [
        {"type": "page", "id": _block_id(data.slug, "related", i), "value": ids[slug]}
        for i, slug in enumerate(data.related)
    ]
    body = []
    for i, block in enumerate(data.body):
        raw = block.model_dump()
        kind = raw.pop("type")
        if kind == "text":
            value = _rich(raw["text"], ids)
        else:
            value = raw
            for key in ("intro", "text"):
                if key in value:
                    value[key] = _rich(value[key], ids) if value[key] else ""
            for key in ("emergency", "urgent", "within_24_hours", "routine"):
                if key in value:
                    value[key] = list(value[key])
            if kind == "side_effects":
                value["items"] = [effect_ids[slug] for slug in value["items"]]
            elif kind in ("phases", "types"):
                for item in value["items"]:
                    item["description"] = _rich(item.get("description", ""), ids)
        body.append({"type": kind, "id": _block_id(data.slug, "body", i), "value": value})
    page.body = json.dumps(body)
