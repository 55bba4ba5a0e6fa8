"""Glossary terms and side effects: snippets that many pages point to."""

from django.db import models
from wagtail import blocks
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.search import index


def _lines(label):
    return StreamField([("item", blocks.CharBlock(max_length=600, label=label))], blank=True)


class GlossaryTerm(index.Indexed, models.Model):
    term = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    definition = models.TextField(help_text="One to three short sentences in plain words.")
    also = models.CharField(
        max_length=400,
        blank=True,
        help_text="Other forms of the word, comma-separated (plurals, spellings). "
        "Pages link the term wherever any form is used.",
    )

    panels = [FieldPanel("term"), FieldPanel("slug"), FieldPanel("definition"), FieldPanel("also")]
    search_fields = [
        index.SearchField("term", boost=3),
        index.SearchField("definition"),
        index.AutocompleteField("term"),
    ]

    class Meta:
        ordering = ["term"]

    def __str__(self):
        return self.term

    @property
    def forms(self) -> list[str]:
        return [self.term] + [f.strip() for f in self.also.split(",") if f.strip()]

    @property
    def anchor(self) -> str:
        return f"term-{self.slug}"


class SideEffect(index.Indexed, models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=120)
    summary = models.TextField()
    self_care = _lines("Tip")
    call_care_team = _lines("Call your care team now if")
    call_within_24_hours = _lines("Call your care team within 24 hours if")
    emergency = _lines("Call 911 now if")

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("summary"),
        FieldPanel("self_care", heading="What can help"),
        FieldPanel("call_care_team", heading="Call your care team now if"),
        FieldPanel("call_within_24_hours", heading="Call your care team within 24 hours if"),
        FieldPanel("emergency", heading="Call 911 now if"),
    ]
    search_fields = [index.SearchField("name", boost=3), index.SearchField("summary")]

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    @staticmethod
    def lines(field) -> list[str]:
        return [child.value for child in field]
