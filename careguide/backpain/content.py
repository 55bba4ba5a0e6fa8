"""The six-week program's words: content/back-pain-program.yaml, validated with pydantic.

``program()`` loads and validates the file once per process; a bad file fails loudly with a
``ContentError`` that names the file and the field. The schema has no Django imports, so a
writer can check the file with ``read_program(path)`` before anything runs.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator

from careguide.core.contentfiles import load
from careguide.library.content.markdown import to_html

FILE_NAME = "back-pain-program.yaml"
WEEKS = 6
# The topics the program promises, one a week (the list).
TOPICS = ("what-helps", "staying-active", "sleep", "pacing", "when-to-get-help", "keeping-it-going")

Line = Annotated[str, Field(min_length=1, max_length=400)]
Slug = Annotated[str, Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=60)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


class Section(Strict):
    """One part of a lesson: a heading (h2 on the page) and plain Markdown."""

    heading: Line
    body: Annotated[str, Field(min_length=1)]
    _html: str = PrivateAttr(default="")

    @field_validator("body")
    @classmethod
    def _no_headings(cls, value: str) -> str:
        if re.search(r"(?m)^\s*#", value):
            raise ValueError("no Markdown headings inside a section; give the section its own heading")
        return value

    def model_post_init(self, __context) -> None:
        self._html = to_html(self.body)

    @property
    def html(self):
        from django.utils.safestring import mark_safe

        # to_html() keeps only a small allow-list of tags and attributes (nh3).
        return mark_safe(self._html)  # noqa: S308


class Exercise(Strict):
    slug: Slug
    name: Line
    helps: Line
    steps: Annotated[list[Line], Field(min_length=2, max_length=8)]
    amount: Line
    stop_if: Line
    easier: Line

    @field_validator("stop_if")
    @classmethod
    def _says_stop(cls, value: str) -> str:
        # The safety line is an instruction to stop, never a reason to carry on.
        if not value.startswith("Stop"):
            raise ValueError("the safety line must start with 'Stop'")
        return value


class Week(Strict):
    number: Annotated[int, Field(ge=1, le=WEEKS)]
    topic: Literal[TOPICS]  # type: ignore[valid-type]
    title: Line
    summary: Line
    lesson: Annotated[list[Section], Field(min_length=1, max_length=8)]
    exercises: Annotated[list[Exercise], Field(min_length=1, max_length=4)]


class WhenToGetHelp(Strict):
    """Three levels, most urgent first; they follow the gate's rules (back-pain-gate.md)."""

    heading: Line = "When to get help"
    emergency: Annotated[list[Line], Field(min_length=1)]
    urgent: Annotated[list[Line], Field(min_length=1)]
    see_doctor: Annotated[list[Line], Field(min_length=1)]


class ProgramFile(Strict):
    title: Line
    summary: Line
    who_for: Annotated[list[Line], Field(min_length=1)]
    not_for: Annotated[list[Line], Field(min_length=1)]
    safety: Line
    when_to_get_help: WhenToGetHelp
    weeks: Annotated[list[Week], Field(min_length=WEEKS, max_length=WEEKS)]

    @model_validator(mode="after")
    def _weeks_in_order(self):
        numbers = [week.number for week in self.weeks]
        if numbers != list(range(1, WEEKS + 1)):
            raise ValueError(f"weeks must be numbered 1 to {WEEKS} in order, found {numbers}")
        topics = [week.topic for week in self.weeks]
        if sorted(topics) != sorted(TOPICS):
            raise ValueError(f"each topic must be used once: {', '.join(TOPICS)}")
        slugs = [ex.slug for week in self.weeks for ex in week.exercises]
        if len(slugs) != len(set(slugs)):
            raise ValueError("each exercise needs its own slug")
        return self

    def week(self, number: int) -> Week:
        return self.weeks[number - 1]


def read_program(path: Path | str) -> ProgramFile:
    """Parse and validate one program file; errors name the file and the field."""
    return load(path, ProgramFile)


@functools.cache
def program() -> ProgramFile:
    """The program as the site shows it, read from settings.CONTENT_DIR once per process."""
    from django.conf import settings

    return read_program(Path(settings.CONTENT_DIR) / FILE_NAME)
