"""The shape of the files in content/, as pydantic models.

This module has no Django imports so that writers can check their files with
``python -m careguide.library.content.check`` before anything is loaded.
Every error names the file and the field (see ``ContentError``).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

SLUG_RE = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
Slug = Annotated[str, Field(pattern=SLUG_RE, max_length=80)]
Line = Annotated[str, Field(min_length=1, max_length=600)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


# --- StreamField blocks -------------------------------------------------------


class TextBlock(Strict):
    """Markdown prose. Headings inside it start at ``##`` (the page title is the h1)."""

    type: Literal["text"]
    text: Annotated[str, Field(min_length=1)]

    @field_validator("text")
    @classmethod
    def _no_h1(cls, value: str) -> str:
        if re.search(r"(?m)^#\s", value):
            raise ValueError("use '##' or '###' for headings; the page title is the only h1")
        return value


class KeyPointsBlock(Strict):
    type: Literal["key_points"]
    heading: Line = "Key points"
    items: Annotated[list[Line], Field(min_length=1)]


class WhenToGetHelpBlock(Strict):
    """Four levels, like NHS care cards: 911 now, care team now, care team within 24 hours,
    next visit (the side-effect rules' emergency, red, amber and green)."""

    type: Literal["when_to_get_help"]
    heading: Line = "When to get help"
    emergency: list[Line] = []
    urgent: list[Line] = []
    within_24_hours: list[Line] = []
    routine: list[Line] = []

    @model_validator(mode="after")
    def _some_level(self):
        if not (self.emergency or self.urgent or self.within_24_hours or self.routine):
            raise ValueError("give at least one of emergency, urgent, within_24_hours or routine")
        return self


class SideEffectsBlock(Strict):
    type: Literal["side_effects"]
    heading: Line = "Possible side effects"
    intro: str = ""
    items: Annotated[list[Slug], Field(min_length=1)]


class Phase(Strict):
    name: Line
    duration: Line
    description: Annotated[str, Field(min_length=1)]


class PhasesBlock(Strict):
    type: Literal["phases"]
    heading: Line
    intro: str = ""
    items: Annotated[list[Phase], Field(min_length=1)]


class TypeItem(Strict):
    name: Line
    description: str = ""


class TypesBlock(Strict):
    type: Literal["types"]
    heading: Line
    intro: str = ""
    items: Annotated[list[TypeItem], Field(min_length=1)]


class CalloutBlock(Strict):
    type: Literal["callout"]
    variant: Literal["info", "important", "warning"] = "info"
    heading: Line
    text: Annotated[str, Field(min_length=1)]


class BackPainGateBlock(Strict):
    type: Literal["back_pain_gate"]


class HealthToolsBlock(Strict):
    type: Literal["health_tools"]
    heading: Line = "Related health tools"
    tools: Annotated[list[str], Field(min_length=1)]

    @field_validator("tools")
    @classmethod
    def _known(cls, value: list[str]) -> list[str]:
        from careguide.core.tools import TOOLS

        unknown = [key for key in value if key not in TOOLS]
        if unknown:
            raise ValueError(f"unknown tool {unknown[0]!r}; known tools: {', '.join(TOOLS)}")
        return value


Block = Annotated[
    TextBlock
    | KeyPointsBlock
    | WhenToGetHelpBlock
    | SideEffectsBlock
    | PhasesBlock
    | TypesBlock
    | CalloutBlock
    | BackPainGateBlock
    | HealthToolsBlock,
    Field(discriminator="type"),
]

# --- Pages ---------------------------------------------------------------------


class Source(Strict):
    title: Line
    publisher: str = ""
    url: str = ""

    @field_validator("url")
    @classmethod
    def _http(cls, value: str) -> str:
        if value and not re.match(r"^https?://", value):
            raise ValueError("must start with http:// or https://")
        return value


class Review(Strict):
    last_reviewed: dt.date
    reviewer_role: Line
    interval_months: Annotated[int, Field(ge=1, le=36)] = 12


PageKind = Literal[
    "home", "section", "topic", "condition", "treatment", "glossary", "side_effects"
]


class PageFile(Strict):
    kind: PageKind
    slug: Slug
    parent: Slug | None = None
    order: int = 100
    title: Line
    summary: Annotated[str, Field(min_length=20, max_length=400)]
    review: Review
    sources: Annotated[list[Source], Field(min_length=1)]
    related: list[Slug] = []
    body: list[Block] = []

    @model_validator(mode="after")
    def _tree(self):
        if self.kind == "home" and self.parent is not None:
            raise ValueError("the home page has no parent")
        if self.kind != "home" and self.parent is None:
            raise ValueError("parent is required (the slug of the parent page, or 'home')")
        needs_help = self.kind in ("topic", "condition", "treatment")
        if needs_help and not any(b.type == "when_to_get_help" for b in self.body):
            raise ValueError("body needs a when_to_get_help block: every library page says when to get help")
        return self


# --- Snippets and site configuration --------------------------------------------


class GlossaryTermFile(Strict):
    term: Line
    slug: Slug
    definition: Annotated[str, Field(min_length=10, max_length=600)]
    also: list[Line] = []  # other forms of the word that link to this term


class GlossaryFile(Strict):
    terms: Annotated[list[GlossaryTermFile], Field(min_length=1)]


class SideEffectFile(Strict):
    slug: Slug
    name: Line
    summary: Annotated[str, Field(min_length=10, max_length=400)]
    self_care: Annotated[list[Line], Field(min_length=1)]
    call_care_team: Annotated[list[Line], Field(min_length=1)]
    call_within_24_hours: list[Line] = []
    emergency: list[Line] = []


class SideEffectsFile(Strict):
    side_effects: Annotated[list[SideEffectFile], Field(min_length=1)]


class Location(Strict):
    name: Line
    slug: Slug
    address: str = ""
    phone: str = ""


class SiteFile(Strict):
    """Organization details: configuration, not text hard-coded in templates."""

    site_name: Line
    organization: Line
    department: Line
    locations: Annotated[list[Location], Field(min_length=1)]
    care_team_phone: Line
    advice_line_phone: Line
    advice_line_hours: Line
    emergency_number: Line = "911"
    crisis_line_name: Line = "988 Suicide & Crisis Lifeline"
    crisis_line_number: Line = "988"
    crisis_text_number: str = "988"
    crisis_chat_url: str = "https://988lifeline.org/chat/"
    crisis_page: Slug | None = None  # the slug of our crisis page, linked from the emergency notice
    emergency_notice: Annotated[str, Field(min_length=20)]
    disclaimer: Annotated[str, Field(min_length=20)]
