"""Read and validate every file under content/ before anything is written.

``read_content(root)`` returns a ``ContentTree`` or raises ``ContentError``
naming the file and the field at fault. No Django imports here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel

from careguide.core.contentfiles import ContentError, read_yaml, validate
from careguide.triage.values import strings, token_problems

from .markdown import page_links
from .schema import GlossaryFile, PageFile, SideEffectsFile, SiteFile


@dataclass
class ContentTree:
    root: Path
    site: SiteFile
    glossary: GlossaryFile
    side_effects: SideEffectsFile
    pages: dict[str, PageFile] = field(default_factory=dict)
    page_paths: dict[str, Path] = field(default_factory=dict)
    raw: dict[str, str] = field(default_factory=dict)  # relative path -> file text

    def children(self, slug: str) -> list[PageFile]:
        kids = [p for p in self.pages.values() if p.parent == slug]
        return sorted(kids, key=lambda p: (p.order, p.title))

    def ordered(self) -> list[PageFile]:
        """Pages parents-first, so each can be placed under one that exists."""
        out: list[PageFile] = []
        home = next(p for p in self.pages.values() if p.kind == "home")
        queue = [home]
        while queue:
            page = queue.pop(0)
            out.append(page)
            queue.extend(self.children(page.slug))
        return out


def _parse(path: Path, model: type[BaseModel], root: Path):
    rel = path.relative_to(root)
    data, text = read_yaml(path, rel)
    return validate(model, data, rel), text


def read_content(root: Path | str, errors: list[ContentError] | None = None) -> ContentTree:
    """Parse and validate content/. Cross-file reference errors are raised (the first one),
    or appended to ``errors`` when a list is given, so a checker can report them all."""
    root = Path(root)
    if not root.is_dir():
        raise ContentError(root, "(folder)", "content folder not found")
    required = {"site.yaml": SiteFile, "glossary.yaml": GlossaryFile, "side-effects.yaml": SideEffectsFile}
    parsed = {}
    raw: dict[str, str] = {}
    for name, model in required.items():
        path = root / name
        if not path.exists():
            raise ContentError(name, "(file)", "required file is missing")
        parsed[name], raw[name] = _parse(path, model, root)

    tree = ContentTree(
        root=root,
        site=parsed["site.yaml"],
        glossary=parsed["glossary.yaml"],
        side_effects=parsed["side-effects.yaml"],
        raw=raw,
    )
    for path in sorted((root / "pages").glob("**/*.yaml")):
        rel = path.relative_to(root)
        page, text = _parse(path, PageFile, root)
        if page.slug in tree.pages:
            other = tree.page_paths[page.slug].relative_to(root)
            raise ContentError(rel, "slug", f"'{page.slug}' is already used by {other}")
        tree.pages[page.slug] = page
        tree.page_paths[page.slug] = path
        raw[str(rel)] = text
    found = _check_references(tree)
    if errors is None and found:
        raise found[0]
    if errors is not None:
        errors.extend(found)
    return tree


def _check_references(tree: ContentTree) -> list[ContentError]:
    root = tree.root
    found: list[ContentError] = []
    homes = [p for p in tree.pages.values() if p.kind == "home"]
    if len(homes) != 1:
        raise ContentError("pages/", "kind", f"expected exactly one home page, found {len(homes)}")
    for kind in ("glossary", "side_effects"):
        if sum(1 for p in tree.pages.values() if p.kind == kind) > 1:
            raise ContentError("pages/", "kind", f"only one page may be of kind '{kind}'")
    home_slug = homes[0].slug

    seen: dict[str, str] = {}
    for i, term in enumerate(tree.glossary.terms):
        if term.slug in seen:
            raise ContentError("glossary.yaml", f"terms[{i}].slug", f"'{term.slug}' is used twice")
        seen[term.slug] = term.term
    effects = {}
    for i, effect in enumerate(tree.side_effects.side_effects):
        if effect.slug in effects:
            raise ContentError(
                "side-effects.yaml", f"side_effects[{i}].slug", f"'{effect.slug}' is used twice"
            )
        effects[effect.slug] = effect

    for slug, page in tree.pages.items():
        rel = tree.page_paths[slug].relative_to(root)
        if page.parent is not None and page.parent != "home" and page.parent not in tree.pages:
            raise ContentError(rel, "parent", f"no page has the slug '{page.parent}'")
        if page.parent == "home":
            object.__setattr__(page, "parent", home_slug)
        for i, rel_slug in enumerate(page.related):
            if rel_slug not in tree.pages:
                found.append(ContentError(rel, f"related[{i}]", f"no page has the slug '{rel_slug}'"))
        for b, block in enumerate(page.body):
            if block.type == "side_effects":
                for i, effect_slug in enumerate(block.items):
                    if effect_slug not in effects:
                        found.append(ContentError(
                            rel,
                            f"body[{b}].items[{i}]",
                            f"no side effect has the slug '{effect_slug}' (see side-effects.yaml)",
                        ))
            for field_name, text in _texts(block):
                for target in page_links(text):
                    if target not in tree.pages:
                        found.append(ContentError(
                            rel, f"body[{b}].{field_name}", f"links to page:{target}, which does not exist"
                        ))
    if tree.site.crisis_page and tree.site.crisis_page not in tree.pages:
        found.append(ContentError("site.yaml", "crisis_page", f"no page has the slug '{tree.site.crisis_page}'"))
    found += _token_errors(tree)
    # A page under itself, or a loop of parents, would never reach the home page.
    for slug in tree.pages:
        chain, current = [], slug
        while current is not None:
            if current in chain:
                rel = tree.page_paths[slug].relative_to(root)
                raise ContentError(rel, "parent", "parents form a loop: " + " -> ".join(chain))
            chain.append(current)
            current = tree.pages[current].parent
    return found


def _token_errors(tree: ContentTree) -> list[ContentError]:
    """Clinical tokens ({fever}, {vomits:now}) that cannot be filled in from the rules."""
    files = [(tree.page_paths[slug].relative_to(tree.root), page.model_dump()) for slug, page in tree.pages.items()]
    files += [("glossary.yaml", tree.glossary.model_dump()), ("side-effects.yaml", tree.side_effects.model_dump())]
    return [ContentError(name, where, problem)
            for name, data in files for where, text in strings(data) for problem in token_problems(text)]


def _texts(block) -> list[tuple[str, str]]:
    """The Markdown texts inside a block, with their field names."""
    out = []
    for key in ("text", "intro"):
        value = getattr(block, key, "")
        if value:
            out.append((key, value))
    for i, item in enumerate(getattr(block, "items", []) or []):
        description = getattr(item, "description", "")
        if description:
            out.append((f"items[{i}].description", description))
    return out
