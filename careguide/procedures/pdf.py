"""A procedure checklist to print (fpdf2, set up by careguide/core/pdf.py).

``lines()`` decides what the PDF says, as plain (kind, text) rows, so tests can read it without a
PDF parser; ``build()`` lays those rows out. The pages break on their own: a checklist may run
onto a second page. Text is drawn with DejaVu Sans when the system has it; otherwise with the
PDF core font, characters it cannot show replaced, never a crash.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from careguide.core.pdf import MARGIN, WIDTH, Document, dejavu
from careguide.triage.deployment import fill

from .checklists import Checklist

BOX = 4.0  # tick box side, mm


@dataclass(frozen=True)
class Phones:
    emergency: str = "911"
    care_team: str = ""

    @classmethod
    def from_org(cls, org) -> Phones:
        if org is None:
            return cls()
        return cls(emergency=getattr(org, "emergency_number", "") or "911",
                   care_team=getattr(org, "care_team_phone", "") or "")


def _day(day: dt.date) -> str:
    return f"{day:%A}, {day:%B} {day.day}, {day.year}"


def lines(checklist: Checklist, *, ticked: Iterable[str], procedure_date: dt.date | None,
          printed_on: dt.date, phones: Phones) -> list[tuple[str, str]]:
    """What the printed list says, in order. Kinds: title, meta, heading, hint, item, done, call."""
    ticked = set(ticked)
    out = [("title", checklist.title), ("meta", checklist.summary)]
    if procedure_date:
        out.append(("meta", f"Date of my procedure: {_day(procedure_date)}"))
    if ticked:
        out.append(("meta", f"Done so far: {checklist.done(ticked)} of {len(checklist.tick_ids())}"))
    out.append(("meta", f"Printed on {_day(printed_on)}"))
    for _key, heading, hint, items in checklist.sections_list():
        out.append(("heading", heading))
        if hint:
            out.append(("hint", hint))
        out += [("done" if item.id in ticked else "item", fill(item.text)) for item in items]
    out.append(("heading", "When to call"))
    out.append(("call", f"Call {phones.emergency} now if:"))
    out += [("item-plain", fill(item.text)) for item in checklist.when_to_call.emergency]
    team = f"Call your care team at {phones.care_team} if:" if phones.care_team else "Call your care team if:"
    out.append(("call", team))
    out += [("item-plain", fill(item.text)) for item in checklist.when_to_call.care_team]
    out.append(("hint", "If you are not sure, call your care team. They are there day and night."))
    return out


class _Checklist(Document):
    def __init__(self):
        super().__init__(dejavu())
        self.set_auto_page_break(True, margin=MARGIN)

    def para(self, text: str, size: float, bold: bool = False, height: float = 5.5, indent: float = 0):
        self.font(size, bold)
        self.set_x(MARGIN + indent)
        self.multi_cell(WIDTH - indent, height, self.safe(text), new_x="LMARGIN", new_y="NEXT")

    def tick_item(self, text: str, done: bool):
        self.font(11)
        height = 5.5
        # Keep the box with its text: start a new page when the item would be split.
        lines_needed = len(self.multi_cell(WIDTH - 9, height, self.safe(text), dry_run=True, output="LINES"))
        if self.get_y() + lines_needed * height > self.h - MARGIN:
            self.add_page()
        y = self.get_y()
        self.rect(MARGIN, y + 0.8, BOX, BOX)
        if done:
            self.line(MARGIN + 0.8, y + 1.6, MARGIN + BOX - 0.8, y + BOX)
            self.line(MARGIN + BOX - 0.8, y + 1.6, MARGIN + 0.8, y + BOX)
        self.set_x(MARGIN + 7)
        self.multi_cell(WIDTH - 7, height, self.safe(text), new_x="LMARGIN", new_y="NEXT")
        self.ln(1)


def build(checklist: Checklist, *, ticked: Iterable[str], procedure_date: dt.date | None,
          printed_on: dt.date, phones: Phones) -> bytes:
    """The checklist as PDF bytes: drawn tick boxes, crossed where the patient ticked."""
    doc = _Checklist()
    doc.set_title(checklist.title)
    doc.add_page()
    for kind, text in lines(checklist, ticked=ticked, procedure_date=procedure_date,
                            printed_on=printed_on, phones=phones):
        if kind == "title":
            doc.para(text, 18, bold=True, height=9)
        elif kind == "meta":
            doc.para(text, 10)
        elif kind == "heading":
            doc.ln(3)
            doc.para(text, 14, bold=True, height=8)
        elif kind == "hint":
            doc.para(text, 10)
        elif kind in ("item", "done"):
            doc.tick_item(text, done=kind == "done")
        elif kind == "call":
            doc.para(text, 11, bold=True, height=6)
        else:
            doc.para(f"- {text}", 11, indent=4)
    return bytes(doc.output())
