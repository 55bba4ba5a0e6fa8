"""What search reads and what it records.

- ``SearchEntry``: one searchable unit: a section of a library page (page title + section
  heading + anchor), a glossary term, a side effect. Rebuilt from the content by
  ``careguide.search.indexer``; the full-text index (SQLite FTS5 or PostgreSQL tsvector) is kept
  beside it by ``careguide.search.backends``.
- ``Synonym``: editor-managed words patients use ("chemo" -> "chemotherapy"), loaded from
  ``content/search/synonyms.yaml`` and editable in the admin.
- ``ZeroResultQuery``: queries that found nothing, for editors. Only the text and a count:
  never an account, an IP address or a session.
"""

from django.db import models


class SearchEntry(models.Model):
    class Kind(models.TextChoices):
        CONDITION = "condition", "Conditions"
        TREATMENT = "treatment", "Treatments"
        SIDE_EFFECT = "side_effect", "Side effects"
        GLOSSARY = "glossary", "Glossary"
        TOOL = "tool", "Tools"
        PAGE = "page", "Other pages"

    kind = models.CharField(max_length=20, choices=Kind.choices, db_index=True)
    # The page (or snippet) this entry came from, e.g. "page:42#treatment", "glossary:biopsy".
    source_key = models.CharField(max_length=120, unique=True)
    title = models.CharField(max_length=255)
    heading = models.CharField(max_length=255, blank=True)
    url = models.CharField(max_length=500)  # with the #anchor of the section
    body = models.TextField()
    # For glossary entries: the definition, shown as the answer box.
    definition = models.TextField(blank=True)
    # Position of the section in its page (0 = the page's introduction).
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["title", "position"]

    def __str__(self):
        return f"{self.title} / {self.heading}" if self.heading else self.title


class Synonym(models.Model):
    """A word or phrase patients type, and the words our pages use for it."""

    term = models.CharField(
        max_length=80, unique=True, help_text="What people type, e.g. chemo, bone mets, low white count."
    )
    equivalents = models.CharField(
        max_length=400, help_text="What our pages say, comma-separated, e.g. chemotherapy."
    )
    # What content/search/synonyms.yaml said for this term when it was last loaded ("" for a
    # term an editor added): a row that differs from it was edited in the admin, and loading the
    # file again keeps the editor's words (careguide.search.synonyms.load_synonyms).
    file_equivalents = models.CharField(max_length=400, blank=True, default="", editable=False)

    class Meta:
        ordering = ["term"]

    def __str__(self):
        return f"{self.term} → {self.equivalents}"

    def equivalent_list(self) -> list[str]:
        return [e.strip() for e in self.equivalents.split(",") if e.strip()]


class ZeroResultQuery(models.Model):
    query = models.CharField(max_length=200, unique=True)
    count = models.PositiveIntegerField(default=1)
    first_seen = models.DateTimeField(auto_now_add=True)
    last_seen = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-count", "-last_seen"]

    def __str__(self):
        return f"{self.query} ({self.count})"


class IndexProblem(models.Model):
    """Re-indexing something after a publish failed: search still shows it as it was before.

    Editors see each row in the "Clinical review and reading grade" report and on the admin
    dashboard until a later index of the same thing succeeds, which deletes it. Only the name
    of the error is kept, never the page's words.
    """

    source_key = models.CharField(max_length=120, unique=True)  # "page:42", "snippets"
    title = models.CharField(max_length=255)  # what editors call it: the page title
    error = models.CharField(max_length=120)  # the exception's class name
    failed_at = models.DateTimeField()
    attempts = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-failed_at"]

    def __str__(self):
        return f"{self.title}: indexing failed at {self.failed_at:%Y-%m-%d %H:%M}"

    @property
    def page_id(self) -> int | None:
        kind, _, pk = self.source_key.partition(":")
        return int(pk) if kind == "page" and pk.isdecimal() else None
