"""The procedure checklists: content/procedures/<slug>.yaml, validated with pydantic.

No Django imports except in ``registry()``, so a writer can check the files with
``read_all(folder)`` before anything runs. A bad file fails loudly with a ``ContentError`` that
names the file and the field.

Every item has an ``id`` that stays the same when its wording is edited: a patient's saved
ticks are item ids, so they survive a new version of the file. An id that disappears from the
file simply stops counting.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from careguide.core.contentfiles import ContentError, read_yaml, validate
from careguide.library.content.schema import Review
from careguide.triage.values import strings, token_problems

FOLDER = "procedures"
SLUG_RE = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"

Line = Annotated[str, Field(min_length=1, max_length=240)]
Slug = Annotated[str, Field(pattern=SLUG_RE, max_length=60)]

# The parts of every checklist, in page order: (key, heading, hint under the heading).
SECTIONS = (
    ("before", "Before", "In the days before your procedure."),
    ("day_before", "The day before", ""),
    ("on_the_day", "On the day", ""),
    ("after", "After", "When you go home, and in the days after."),
    ("bring", "What to bring", ""),
    ("questions", "Questions to ask", "Tick a question when you have asked it."),
)
SECTION_KEYS = tuple(key for key, _, _ in SECTIONS)
# The parts the reminder email carries.
REMINDER_SECTIONS = ("day_before", "on_the_day")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


class Item(Strict):
    id: Slug
    text: Line


Items = Annotated[list[Item], Field(min_length=1, max_length=20)]


class Sections(Strict):
    before: Items
    day_before: Items
    on_the_day: Items
    after: Items
    bring: Items
    questions: Items


class WhenToCall(Strict):
    """911 first, then the care team. The numbers come from OrganizationSettings, never the file."""

    emergency: Items
    care_team: Items


class Checklist(Strict):
    slug: Slug
    title: Line
    summary: Annotated[str, Field(min_length=20, max_length=400)]
    order: int = 100
    version: Annotated[int, Field(ge=1)]
    review: Review
    sections: Sections
    when_to_call: WhenToCall

    @model_validator(mode="after")
    def _unique_ids(self):
        seen: set[str] = set()
        for item in self.all_items():
            if item.id in seen:
                raise ValueError(f"item id {item.id!r} is used twice; each item needs its own id")
            seen.add(item.id)
        return self

    def section_items(self, key: str) -> list[Item]:
        return list(getattr(self.sections, key))

    def sections_list(self) -> list[tuple[str, str, str, list[Item]]]:
        """(key, heading, hint, items) in page order."""
        return [(key, heading, hint, self.section_items(key)) for key, heading, hint in SECTIONS]

    def tick_items(self) -> list[Item]:
        """The items a patient can tick (not the 'when to call' advice)."""
        return [item for key in SECTION_KEYS for item in self.section_items(key)]

    def tick_ids(self) -> list[str]:
        return [item.id for item in self.tick_items()]

    def all_items(self) -> list[Item]:
        return self.tick_items() + list(self.when_to_call.emergency) + list(self.when_to_call.care_team)

    def done(self, ticked) -> int:
        """How many of the tickable items are ticked (ids no longer in the file do not count)."""
        ticked = set(ticked)
        return sum(1 for item_id in self.tick_ids() if item_id in ticked)


def read_checklist(path: Path | str) -> Checklist:
    """Parse and validate one checklist file; errors name the file and the field."""
    path = Path(path)
    name = f"{FOLDER}/{path.name}"
    data, _text = read_yaml(path, name, missing="file is missing")
    checklist = validate(Checklist, data, name)
    for where, text in strings(data):
        for problem in token_problems(text):
            raise ContentError(name, where, problem)
    if checklist.slug != path.stem:
        raise ContentError(name, "slug", f"must match the file name ({path.stem!r}), found {checklist.slug!r}")
    return checklist


def read_all(folder: Path | str) -> dict[str, Checklist]:
    """Every checklist in ``folder``, by slug, in page order (``order``, then title)."""
    folder = Path(folder)
    files = sorted(folder.glob("*.yaml"))
    if not files:
        raise ContentError(FOLDER, "(folder)", "no checklist files found")
    checklists = [read_checklist(path) for path in files]
    checklists.sort(key=lambda c: (c.order, c.title))
    return {c.slug: c for c in checklists}


@functools.cache
def registry() -> dict[str, Checklist]:
    """The checklists as the site shows them, read from settings.CONTENT_DIR once per process."""
    from django.conf import settings

    return read_all(Path(settings.CONTENT_DIR) / FOLDER)


def get(slug: str) -> Checklist | None:
    return registry().get(slug)
