"""Editors' synonyms: loaded from content/search/synonyms.yaml, edited in the admin, read by search.

- ``parse_synonyms`` validates the file before anything is written; a mistake raises the
  content loader's ``ContentError`` naming the file, the line and the field.
- ``load_synonyms`` makes the database match the file, idempotently: a term in the file is
  created or updated; a term added in the admin is kept unless ``prune=True``.
- ``synonym_map`` is what the search service passes to ``query.analyse``. It is read once per
  process and kept until a synonym is saved or deleted (a generation number in the shared
  cache, bumped by the signals below) or ``TIMEOUT`` passes (which bounds staleness when the
  cache is per process). Everything takes ``using`` so the benchmark can work in its own
  database.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from careguide.library.content.files import ContentError

from .models import Synonym
from .query import SynonymIndex, normalize

TERM_MAX = Synonym._meta.get_field("term").max_length
EQUIVALENTS_MAX = Synonym._meta.get_field("equivalents").max_length
ITEM_KEYS = ("term", "equivalents", "note")
TIMEOUT = 300  # seconds a process trusts its copy without seeing a generation bump
_PREFIX = "careguide:search:synonyms"


@dataclass(frozen=True)
class SynonymSpec:
    term: str
    equivalents: tuple[str, ...]
    line: int

    @property
    def stored_equivalents(self) -> str:
        return ", ".join(self.equivalents)


@dataclass
class SynonymLoadReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # edited in the admin: the editor's words stay

    def counts(self) -> dict[str, int]:
        return {name: len(getattr(self, name)) for name in ("created", "updated", "unchanged", "removed", "kept")}

    def summary(self) -> str:
        c = self.counts()
        return (f"synonyms: {c['created']} created, {c['updated']} updated, "
                f"{c['unchanged']} unchanged, {c['removed']} removed, {c['kept']} kept as edited in the admin")


# --- reading the file ---------------------------------------------------------------------


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _scalar(node: yaml.Node, path: str, where: str) -> str:
    # The node's text as written: "NO" stays "NO" and "5" stays "5" (no YAML typing surprises).
    if not isinstance(node, yaml.ScalarNode):
        raise ContentError(path, f"line {_line(node)}, {where}", "must be a single word or phrase")
    return node.value.strip()


def _equivalents(node: yaml.Node, path: str, where: str) -> tuple[str, ...]:
    if isinstance(node, yaml.ScalarNode):  # "chemotherapy, chemo" is accepted too
        items = [(node, part.strip()) for part in node.value.split(",")]
    elif isinstance(node, yaml.SequenceNode):
        items = [(item, _scalar(item, path, f"{where}[{i}]")) for i, item in enumerate(node.value)]
        for i, (item, text) in enumerate(items):
            if "," in text:  # stored comma-separated (Synonym.equivalents)
                raise ContentError(path, f"line {_line(item)}, {where}[{i}]",
                                   "must not contain a comma: list each word or phrase on its own")
    else:
        raise ContentError(path, f"line {_line(node)}, {where}", "must be a list of words or phrases")
    out: list[str] = []
    for i, (item, text) in enumerate(items):
        if not text or not normalize(text):
            raise ContentError(path, f"line {_line(item)}, {where}[{i}]", "is empty")
        if text not in out:
            out.append(text)
    if not out:
        raise ContentError(path, f"line {_line(node)}, {where}", "must list at least one word or phrase")
    if len(", ".join(out)) > EQUIVALENTS_MAX:
        raise ContentError(path, f"line {_line(node)}, {where}",
                           f"too long: at most {EQUIVALENTS_MAX} characters in all")
    return tuple(out)


def parse_synonyms(text: str, path: str = "content/search/synonyms.yaml") -> list[SynonymSpec]:
    """The synonyms in a file's text, or ContentError naming the line and field at fault."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "(file)"
        raise ContentError(path, where, f"not valid YAML: {getattr(exc, 'problem', exc)}") from exc
    if not isinstance(root, yaml.MappingNode):
        raise ContentError(path, "(file)", "expected a mapping with a 'synonyms' list")
    top = {_scalar(k, path, "(top level)"): v for k, v in root.value}
    unknown = sorted(set(top) - {"synonyms"})
    if unknown:
        raise ContentError(path, unknown[0], "unknown field (only 'synonyms' is allowed)")
    listing = top.get("synonyms")
    if not isinstance(listing, yaml.SequenceNode):
        where = f"line {_line(listing)}, synonyms" if listing is not None else "synonyms"
        raise ContentError(path, where, "must be a list of {term, equivalents}")

    specs: list[SynonymSpec] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(listing.value):
        where = f"synonyms[{i}]"
        if not isinstance(item, yaml.MappingNode):
            raise ContentError(path, f"line {_line(item)}, {where}", "must be a mapping with term and equivalents")
        fields = {}
        for key_node, value_node in item.value:
            key = _scalar(key_node, path, where)
            if key not in ITEM_KEYS:
                raise ContentError(path, f"line {_line(key_node)}, {where}.{key}",
                                   f"unknown field (use {', '.join(ITEM_KEYS)})")
            fields[key] = value_node
        for required in ("term", "equivalents"):
            if required not in fields:
                raise ContentError(path, f"line {_line(item)}, {where}.{required}", "is required")
        term_node = fields["term"]
        term = _scalar(term_node, path, f"{where}.term")
        term_where = f"line {_line(term_node)}, {where}.term"
        if not term or not normalize(term):
            raise ContentError(path, term_where, "is empty")
        if len(term) > TERM_MAX:
            raise ContentError(path, term_where, f"too long: at most {TERM_MAX} characters")
        key = normalize(term)
        if key in seen:
            raise ContentError(path, term_where, f"duplicate term {term!r} (first at line {seen[key]})")
        seen[key] = _line(term_node)
        if "note" in fields:
            _scalar(fields["note"], path, f"{where}.note")
        equivalents = _equivalents(fields["equivalents"], path, f"{where}.equivalents")
        specs.append(SynonymSpec(term=term, equivalents=equivalents, line=_line(item)))
    return specs


# --- writing the database -----------------------------------------------------------------


def load_synonyms(path: Path | str, using: str = "default", *, prune: bool = False) -> SynonymLoadReport:
    """Make the Synonym rows match the file; all or nothing. Returns what changed.

    Rows are matched on the normalised term, so "Chemo" added in the admin is the file's
    "chemo". Terms that are only in the database were added by editors and are kept unless
    ``prune`` (then they are removed and counted). A row whose equivalents differ from what the
    file said when it was last loaded (``file_equivalents``) was edited in the admin: it keeps the
    editor's words, even when the file has changed since, and is counted as kept. Without this,
    every ``make run`` or deployment (which load the content) undid the editors' changes.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ContentError(path, "(file)", "required file is missing") from exc
    except UnicodeDecodeError as exc:
        raise ContentError(path, "(file)", f"not UTF-8 text ({exc.reason})") from exc
    specs = parse_synonyms(text, str(path))

    report = SynonymLoadReport()
    with transaction.atomic(using=using):
        rows: dict[str, Synonym] = {}
        for row in Synonym.objects.using(using).select_for_update().order_by("pk"):
            rows.setdefault(normalize(row.term), row)
        wanted = set()
        for spec in specs:
            key = normalize(spec.term)
            wanted.add(key)
            row = rows.get(key)
            stored = spec.stored_equivalents
            if row is None:
                Synonym(term=spec.term, equivalents=stored, file_equivalents=stored).save(using=using)
                report.created.append(spec.term)
                continue
            edited = row.equivalents != row.file_equivalents
            if row.equivalents == stored or edited:
                (report.unchanged if row.equivalents == stored else report.kept).append(spec.term)
                if row.file_equivalents != stored:
                    row.file_equivalents = stored
                    row.save(using=using, update_fields=["file_equivalents"])
                continue
            row.term, row.equivalents, row.file_equivalents = spec.term, stored, stored
            row.save(using=using, update_fields=["term", "equivalents", "file_equivalents"])
            report.updated.append(spec.term)
        if prune:
            for key, row in rows.items():
                if key not in wanted:
                    report.removed.append(row.term)
                    row.delete(using=using)
        transaction.on_commit(lambda: invalidate(using=using), using=using)
    return report


# --- reading, cached ------------------------------------------------------------------------

# alias -> (generation, when read, the map). Per process; never trusted past TIMEOUT.
_memo: dict[str, tuple[int, float, SynonymIndex]] = {}


def _generation_key(using: str) -> str:
    return f"{_PREFIX}:{using}:generation"


def _generation(using: str) -> int:
    key = _generation_key(using)
    gen = cache.get(key)
    if gen is None:
        cache.add(key, time.time_ns(), None)
        gen = cache.get(key)
    return gen


def invalidate(sender=None, using: str = "default", **_kwargs) -> None:
    """Signal receiver and helper: every process reads the synonyms again on next use."""
    cache.set(_generation_key(using), time.time_ns(), None)
    _memo.pop(using, None)


def synonym_map(using: str = "default") -> SynonymIndex:
    """Every synonym as {term: [equivalent, ...]}, prepared for ``query.analyse``. Read-only."""
    gen = _generation(using)
    now = time.monotonic()
    memo = _memo.get(using)
    if memo is not None and memo[0] == gen and now - memo[1] < TIMEOUT:
        return memo[2]
    data: dict[str, list[str]] = {}
    for row in Synonym.objects.using(using).order_by("term"):
        merged = data.setdefault(row.term, [])
        merged.extend(e for e in row.equivalent_list() if e not in merged)
    index = SynonymIndex(data)
    _memo[using] = (gen, now, index)
    return index


def _changed(sender, using: str = "default", **_kwargs) -> None:
    # Now, for this process, and again after commit, so that no other process caches the
    # old rows under the new generation while the transaction is still open.
    invalidate(using=using)
    transaction.on_commit(lambda: invalidate(using=using), using=using)


post_save.connect(_changed, sender=Synonym, dispatch_uid="careguide.search.synonyms.saved")
post_delete.connect(_changed, sender=Synonym, dispatch_uid="careguide.search.synonyms.deleted")
