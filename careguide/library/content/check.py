"""Pre-flight check of content/: schema, reading grade of every page, seed-fact coverage, and
the treatment plan templates (content/plans/) and procedure checklists (content/procedures/).

    python -m careguide.library.content.check [content/] [--facts tests/data/seed_facts.yaml]

The authoritative tests run against the rendered site; this gives writers the
same verdicts in a second, without a database.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

import yaml

from careguide.journey.catalog import read_templates
from careguide.procedures.checklists import FOLDER as CHECKLISTS
from careguide.procedures.checklists import read_all
from careguide.search.crisis import FILE as CRISIS
from careguide.search.crisis import read_file as read_crisis

from ..readability import MAX_GRADE, grade, html_segments, stream_segments
from .files import ContentError, ContentTree, read_content
from .markdown import to_html
from .schema import PageFile


def _md_segments(text: str) -> list[str]:
    return html_segments(to_html(text)) if text.strip() else []


def raw_body(page: PageFile) -> list[dict]:
    """A page's body in StreamField raw form, Markdown turned into HTML."""
    out = []
    for block in page.body:
        data = block.model_dump()
        kind = data.pop("type")
        if kind == "text":
            out.append({"type": kind, "value": to_html(data["text"])})
            continue
        for key in ("intro", "text"):
            if key in data:
                data[key] = to_html(data[key])
        for item in data.get("items", []):
            if isinstance(item, dict) and "description" in item:
                item["description"] = to_html(item["description"])
        out.append({"type": kind, "value": data})
    return out


def page_segments(page: PageFile, tree: ContentTree) -> list[str]:
    """What a patient reads in the page's own content (not header or footer)."""
    effects = {e.slug: e for e in tree.side_effects.side_effects}
    segs = [page.title, page.summary]
    segs += stream_segments(raw_body(page), lambda slug: getattr(effects.get(slug), 'name', ''))
    if page.kind == "glossary":
        for term in tree.glossary.terms:
            segs += [term.term, term.definition]
    if page.kind == "side_effects":
        for effect in tree.side_effects.side_effects:
            segs += [effect.name, effect.summary, *effect.self_care, *effect.call_care_team,
                     *effect.call_within_24_hours]
            segs += effect.emergency
    return [s for s in segs if s]


def chrome_segments(tree: ContentTree) -> list[str]:
    return _md_segments(tree.site.emergency_notice) + _md_segments(tree.site.disclaimer)


def fact_gaps(texts: dict[str, str], facts: list[dict]) -> list[str]:
    """Facts whose terms do not all appear together on any one page."""
    lowered = {slug: " ".join(text.split()).lower() for slug, text in texts.items()}
    missing = []
    def on(fact: dict, page_text: str) -> bool:
        return all(
            any(alt.strip().lower() in page_text for alt in str(term).split("|")) for term in fact["terms"]
        )

    for fact in facts:
        if not any(on(fact, t) for t in lowered.values()):
            missing.append(fact["id"])
    return missing


def _check_tools_data(root: str) -> int:
    """The data files of the patient tools: each read as the site reads it (errors name file
    and field). Their reading grade is tested with the tools themselves."""
    problems = 0
    for label, read in (("plan templates", lambda: read_templates(root)),
                        ("procedure checklists", lambda: read_all(Path(root) / CHECKLISTS)),
                        ("crisis search patterns", lambda: read_crisis(Path(root) / CRISIS).patterns)):
        try:
            print(f"{label}: {len(read())}")
        except ContentError as exc:
            print(f"ERROR {exc}")
            problems += 1
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", nargs="?", default="content")
    parser.add_argument("--facts", default="tests/data/seed_facts.yaml")
    args = parser.parse_args(argv)
    ref_errors: list[ContentError] = []
    try:
        tree = read_content(args.root, errors=ref_errors)
    except ContentError as exc:
        print(f"ERROR {exc}")
        return 1
    for err in ref_errors:
        print(f"ERROR {err}")
    problems = len(ref_errors)
    problems += _check_tools_data(args.root)
    grades = {}
    for slug, page in tree.pages.items():
        grades[slug] = grade(page_segments(page, tree))
    for slug, g in sorted(grades.items(), key=lambda kv: -kv[1]):
        flag = "  TOO HARD" if g > MAX_GRADE else ""
        problems += bool(flag)
        print(f"{g:5.1f}  {slug}{flag}")
    values = list(grades.values())
    print(f"pages: {len(values)}; highest grade {max(values):.1f}; median {statistics.median(values):.1f}")
    print(f"glossary terms: {len(tree.glossary.terms)}; side effects: {len(tree.side_effects.side_effects)}")
    chrome = " ".join(chrome_segments(tree))
    texts = {s: " ".join(page_segments(p, tree)) + " " + chrome for s, p in tree.pages.items()}
    facts = yaml.safe_load(Path(args.facts).read_text())
    gaps = fact_gaps(texts, facts)
    print(f"seed facts covered: {len(facts) - len(gaps)}/{len(facts)}")
    for gap in gaps:
        print(f"  missing fact: {gap}")
    problems += len(gaps)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
