"""Syndicated content: other organisations' health information, imported as read-only pages.

A corpus file is JSON Lines in the MedQuAD format, one row per question and answer:
``{doc_id, url, focus, qtype, question, answer}``. A *document* is the rows that share a
``doc_id`` (each has one source URL and one focus); it becomes one ``SyndicatedPage`` with one
section per row, headed from the row's ``qtype`` (ADR 0017).

This module reads and validates a file (no Django needed: ``read_corpus``, ``heading_for``,
``answer_html``) and writes the pages (``import_corpus``), everything checked before anything
is written, and written in one transaction.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from .content.loader import default_site
from .models import LibraryPage, SyndicatedIndexPage, SyndicatedPage

DEFAULT_SOURCE_NAME = "National Cancer Institute (cancer.gov)"
INDEX_SLUG = "more-cancer-information"
INDEX_TITLE = "More cancer information"
IMPORTER_VERSION = "1"  # bump when the mapping from rows to pages changes: every page updates

# The section heading for each MedQuAD question type. Shared with the search benchmark, which
# titles its passages the same way, so keep it data in this one place.
QTYPE_HEADINGS: dict[str, str] = {
    "information": "What is {focus}?",
    "susceptibility": "Who is at risk",
    "symptoms": "Symptoms",
    "exams and tests": "Exams and tests",
    "outlook": "Outlook",
    "stages": "Stages",
    "treatment": "Treatment",
    "research": "Research and clinical trials",
    "prevention": "Prevention",
    "causes": "Causes",
    "inheritance": "Is it inherited?",
}
FIELDS = ("doc_id", "url", "focus", "qtype", "question", "answer")
# The question is kept for the record but not shown: MedQuAD's are generated ("What is (are)
# X ?") and the heading says the same thing better. So it may be empty; nothing else may.
MAY_BE_EMPTY = {"question"}
_ID_NAMESPACE = uuid.UUID("0b7c41a6-7d55-4c55-8f0a-5d0f2b8c9e17")
# A bullet starts a line ("- item") or follows a run of spaces inside one ("text.    - item"):
# MedQuAD flattened NCI's lists that way. A single spaced hyphen is prose, not a bullet.
_BULLET = re.compile(r"(?:^|\s{2,})-\s+")


def heading_for(qtype: str, focus: str) -> str:
    """The section heading for a row; an unknown qtype is shown as its own words."""
    key = " ".join(qtype.lower().split())
    template = QTYPE_HEADINGS.get(key)
    if template is None:
        return key[:1].upper() + key[1:]
    return template.format(focus=focus)


def answer_html(text: str) -> str:
    """Plain answer text as paragraphs and bullet lists, every piece of source text escaped."""
    parts: list[str] = []
    items: list[str] = []

    def close_list():
        if items:
            parts.append("<ul>" + "".join(f"<li>{escape(i)}</li>" for i in items) + "</ul>")
            items.clear()

    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        pieces = _BULLET.split(line)
        lead, bullets = pieces[0], pieces[1:]
        lead = " ".join(lead.split())
        if lead:
            close_list()
            parts.append(f"<p>{escape(lead)}</p>")
        for bullet in bullets:
            bullet = " ".join(bullet.split())
            if bullet:
                items.append(bullet)
    close_list()
    return "".join(parts)


# --- reading a file -------------------------------------------------------------------------
class CorpusError(ValueError):
    """A problem with the file, naming the line and field so it can be fixed."""

    def __init__(self, path, line: int | None, field_name: str | None, message: str):
        self.path, self.line, self.field, self.message = str(path), line, field_name, message
        where = self.path + (f", line {line}" if line else "") + (f", field '{field_name}'" if field_name else "")
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class Row:
    line: int
    doc_id: str
    url: str
    focus: str
    qtype: str
    question: str
    answer: str

    @property
    def heading(self) -> str:
        return heading_for(self.qtype, self.focus)


@dataclass
class Document:
    doc_id: str
    url: str
    focus: str
    rows: list[Row] = field(default_factory=list)

    def digest(self, source_name: str) -> str:
        payload = [IMPORTER_VERSION, source_name, self.doc_id, self.url, self.focus]
        payload += [[r.qtype, r.question, r.answer] for r in self.rows]
        return hashlib.sha256(json.dumps(payload).encode()).hexdigest()


@dataclass
class Corpus:
    path: str
    digest: str
    documents: list[Document]

    @property
    def rows(self) -> int:
        return sum(len(d.rows) for d in self.documents)


def _row(path, number: int, text: str) -> Row:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CorpusError(path, number, None, f"not valid JSON ({exc.msg}, column {exc.colno})") from exc
    if not isinstance(data, dict):
        raise CorpusError(path, number, None, "each line must be a JSON object")
    values = {}
    for name in FIELDS:
        if name not in data:
            raise CorpusError(path, number, name, "missing")
        value = data[name]
        if not isinstance(value, str):
            raise CorpusError(path, number, name, f"must be text, not {type(value).__name__}")
        if not value.strip() and name not in MAY_BE_EMPTY:
            raise CorpusError(path, number, name, "empty")
        values[name] = value.strip() if name != "answer" else value
    if not re.match(r"https?://[^\s/]+", values["url"]):
        raise CorpusError(path, number, "url", "must be an http(s) address")
    if len(values["doc_id"]) > 64:
        raise CorpusError(path, number, "doc_id", "longer than 64 characters")
    if len(values["focus"]) > 200:
        raise CorpusError(path, number, "focus", "longer than 200 characters")
    return Row(line=number, **values)


def read_corpus(path: Path | str) -> Corpus:
    """Every row checked and grouped into documents, in file order; raises CorpusError."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CorpusError(path, None, None, f"cannot read the file ({exc.strerror})") from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CorpusError(path, None, None, "not UTF-8 text") from exc
    documents: dict[str, Document] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        row = _row(path, number, line)
        doc = documents.setdefault(row.doc_id, Document(row.doc_id, row.url, row.focus))
        # One document is one source page about one subject: rows that disagree are a mistake
        # in the file, not two documents.
        for name in ("url", "focus"):
            if getattr(row, name) != getattr(doc, name):
                first = doc.rows[0].line
                raise CorpusError(
                    path, number, name,
                    f"'{getattr(row, name)}' differs from line {first} of the same doc_id "
                    f"'{row.doc_id}' ('{getattr(doc, name)}')",
                )
        doc.rows.append(row)
    if not documents:
        raise CorpusError(path, None, None, "no rows")
    return Corpus(str(path), hashlib.sha256(raw).hexdigest(), list(documents.values()))


# --- writing pages --------------------------------------------------------------------------
@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    left_alone: list[str] = field(default_factory=list)  # on the site, not in this file
    withdrawn: list[str] = field(default_factory=list)  # unpublished: not in this file (--withdraw-missing)

    def summary(self) -> str:
        text = (f"{len(self.created)} created, {len(self.updated)} updated, "
                f"{len(self.unchanged)} unchanged")
        if self.withdrawn:
            text += f"; {len(self.withdrawn)} withdrawn (not in this file: unpublished)"
        if self.left_alone:
            text += (f"; {len(self.left_alone)} imported earlier and not in this file, "
                     "left as they are")
        return text


def body_for(doc: Document) -> list[dict]:
    """One rich-text block per row, its h2 the section heading: the search index splits the
    page at h2 (search/sections.py), so each row is one search result with its own anchor."""
    return [
        {
            "type": "text",
            "id": str(uuid.uuid5(_ID_NAMESPACE, f"{doc.doc_id}:{i}")),
            "value": f"<h2>{escape(row.heading)}</h2>{answer_html(row.answer)}",
        }
        for i, row in enumerate(doc.rows)
    ]


def summary_for(doc: Document, source_name: str) -> str:
    return f"Information about {doc.focus} from {source_name}."[:400]


def _index_page():
    index = SyndicatedIndexPage.objects.first()
    if index is not None:
        return index, False
    home = default_site().root_page
    index = SyndicatedIndexPage(
        title=INDEX_TITLE,
        slug=INDEX_SLUG,
        summary="Summaries about more types of cancer from other trusted organizations. "
        "Our care team did not write or review them.",
        show_in_menus=True,
    )
    home.add_child(instance=index)
    index.save_revision(log_action=True).publish()
    return index, True


def _free_slug(base: str, taken: set[str]) -> str:
    """A slug no other library page uses: content/ pages are matched by slug site-wide."""
    base = slugify(base)[:200].strip("-") or "document"
    slug, n = base, 2
    while slug in taken or LibraryPage.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug


def plan(corpus: Corpus, source_name: str, *, withdraw: bool = False) -> ImportReport:
    """What an import would do, without writing (for --dry-run and the report). With
    ``withdraw``, the live pages of the same source that the file no longer has are withdrawn;
    other sources' pages are always left alone (each source comes in its own file)."""
    existing = dict(SyndicatedPage.objects.values_list("doc_id", "source_digest"))
    live = set(SyndicatedPage.objects.live().values_list("doc_id", flat=True))
    same_source = set(SyndicatedPage.objects.filter(source_name=source_name).values_list("doc_id", flat=True))
    report = ImportReport()
    wanted = set()
    for doc in corpus.documents:
        wanted.add(doc.doc_id)
        if doc.doc_id not in existing:
            report.created.append(doc.doc_id)
        elif existing[doc.doc_id] == doc.digest(source_name) and doc.doc_id in live:
            report.unchanged.append(doc.doc_id)
        else:
            report.updated.append(doc.doc_id)
    missing = set(existing) - wanted
    if withdraw:
        report.withdrawn = sorted(missing & same_source & live)
    report.left_alone = sorted(missing - set(report.withdrawn))
    return report


def import_corpus(corpus: Corpus, source_name: str = DEFAULT_SOURCE_NAME, *, withdraw: bool = False) -> ImportReport:
    """Create or update one page per document, and with ``withdraw`` unpublish the source's
    pages the file no longer has (a later import that has them again publishes them again), in
    one transaction; the publish and unpublish signals then reindex each changed page for
    search after the commit."""
    report = plan(corpus, source_name, withdraw=withdraw)
    now = timezone.now()
    file_name = Path(corpus.path).name
    todo = set(report.created) | set(report.updated)
    with transaction.atomic():
        index, _ = _index_page()
        taken: set[str] = set()
        for doc in corpus.documents:
            if doc.doc_id not in todo:
                continue
            page = SyndicatedPage.objects.filter(doc_id=doc.doc_id).first()
            is_new = page is None
            if is_new:
                page = SyndicatedPage(doc_id=doc.doc_id, slug=_free_slug(doc.focus, taken))
            # The slug (and so the URL) stays as first imported: links and bookmarks keep working.
            page.title = doc.focus
            page.summary = summary_for(doc, source_name)
            page.body = json.dumps(body_for(doc))
            page.source_name = source_name
            page.source_url = doc.url
            page.imported_at = now
            page.source_file = file_name
            page.file_digest = corpus.digest
            page.source_digest = doc.digest(source_name)
            if is_new:
                index.add_child(instance=page)
            page.save_revision(log_action=True, clean=True).publish()
        for page in SyndicatedPage.objects.filter(doc_id__in=report.withdrawn):
            page.unpublish(log_action=True)
    return report
