"""The printed checklist: what it says (ticks, date, numbers) and that it is a PDF."""

import datetime as dt

import pytest
from paths import CONTENT

from careguide.procedures import checklists, pdf

ALL = checklists.read_all(CONTENT / "procedures")
CHECKLIST = ALL["biopsy"]
PHONES = pdf.Phones(emergency="911", care_team="510-555-0100")


def rows(**kwargs):
    args = {"ticked": (), "procedure_date": None, "printed_on": dt.date(2026, 11, 21), "phones": PHONES} | kwargs
    return pdf.lines(CHECKLIST, **args)


def test_every_item_is_printed_once_with_a_box():
    printed = [text for kind, text in rows() if kind in ("item", "done")]
    assert printed == [item.text for item in CHECKLIST.tick_items()]


def test_ticked_items_are_printed_ticked_and_the_rest_empty():
    out = rows(ticked=["bring-id", "q-why", "no-longer-on-the-list"])
    done = [text for kind, text in out if kind == "done"]
    assert done == ["Your photo ID and insurance card.", "Why do I need this biopsy?"]
    assert ("meta", f"Done so far: 2 of {len(CHECKLIST.tick_ids())}") in out


def test_the_date_printed_the_procedure_date_and_the_headings():
    out = rows(procedure_date=dt.date(2026, 12, 3))
    assert ("meta", "Date of my procedure: Thursday, December 3, 2026") in out
    assert ("meta", "Printed on Saturday, November 21, 2026") in out
    headings = [text for kind, text in out if kind == "heading"]
    assert headings == ["Before", "The day before", "On the day", "After", "What to bring", "Questions to ask",
                        "When to call"]


def test_when_to_call_prints_911_first_and_the_care_team_number():
    calls = [text for kind, text in rows() if kind == "call"]
    assert calls == ["Call 911 now if:", "Call your care team at 510-555-0100 if:"]
    # Without a configured number the line still tells the reader to call.
    calls = [text for kind, text in rows(phones=pdf.Phones()) if kind == "call"]
    assert calls == ["Call 911 now if:", "Call your care team if:"]


@pytest.mark.parametrize("slug", sorted(ALL))
def test_every_checklist_builds_a_pdf(slug):
    checklist = ALL[slug]
    content = pdf.build(checklist, ticked=checklist.tick_ids()[:3], procedure_date=dt.date(2027, 1, 5),
                        printed_on=dt.date(2026, 11, 21), phones=PHONES)
    assert content.startswith(b"%PDF") and content.rstrip().endswith(b"%%EOF")
    assert len(content) > 2000
