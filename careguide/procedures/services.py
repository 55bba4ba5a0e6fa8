"""Every write to a patient's procedure checklist, each in one transaction with its audit row.

Audit details name what happened, never the procedure or the ticked items (health data).
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction

from careguide.audit import service as audit

from . import checklists
from .checklists import Checklist
from .models import SavedChecklist


def saved_for(user, checklist: Checklist) -> SavedChecklist | None:
    return SavedChecklist.objects.for_user(user).filter(slug=checklist.slug).first()


def progress_for_team(patient) -> list[dict]:
    """The patient's saved checklists, for their care team's page: the caller has already
    checked that the team looks after this patient (``scoping.patients_visible_to``) and audits
    the read. One row per checklist still in the library, the soonest procedure first:
    checklist, saved row, items done and in all, and the items not done yet."""
    rows = []
    registry = checklists.registry()
    for saved in SavedChecklist.objects.filter(patient=patient).order_by("procedure_date", "slug"):
        checklist = registry.get(saved.slug)
        if checklist is None:  # withdrawn from the library since
            continue
        ticked = set(saved.ticked)
        rows.append({
            "checklist": checklist, "saved": saved, "done": checklist.done(ticked),
            "total": len(checklist.tick_ids()),
            "not_done": [item.text for item in checklist.tick_items() if item.id not in ticked],
        })
    return rows


def _ordered(checklist: Checklist, ticked) -> list[str]:
    """Only ids on the current checklist, in the checklist's order."""
    known = set(ticked)
    return [item_id for item_id in checklist.tick_ids() if item_id in known]


def _store(patient, checklist: Checklist, change, detail: str) -> SavedChecklist:
    """Create or update the patient's row with ``change(saved_or_None) -> fields``, under a row
    lock, with its audit row, in one transaction."""
    for attempt in range(2):
        try:
            with transaction.atomic():
                saved = SavedChecklist.objects.select_for_update().filter(patient=patient, slug=checklist.slug).first()
                fields = {"version": checklist.version, **change(saved)}
                if saved is None:
                    saved = SavedChecklist.objects.create(patient=patient, slug=checklist.slug, **fields)
                    audit.record(patient, audit.CREATE, saved, patient=patient, detail=detail)
                    return saved
                for name, value in fields.items():
                    setattr(saved, name, value)
                saved.save()
                audit.record(patient, audit.UPDATE, saved, patient=patient, detail=detail)
                return saved
        except IntegrityError:
            # Two first saves at once (two tabs): the other one created the row; update it instead.
            if attempt:
                raise
    raise AssertionError("unreachable")


def save_progress(patient, checklist: Checklist, *, ticked: list[str], procedure_date: dt.date | None,
                  remind: bool) -> SavedChecklist:
    """Store the patient's ticks, date and reminder choice (the form has checked them)."""
    fields = {"ticked": _ordered(checklist, ticked), "procedure_date": procedure_date,
              "remind": bool(remind and procedure_date)}
    return _store(patient, checklist, lambda saved: fields, "checklist progress saved")


def set_tick(patient, checklist: Checklist, item_id: str, ticked: bool) -> SavedChecklist:
    """Tick or untick one item as the patient does it (the page's script), keeping the other
    ticks, the date and the reminder choice as they are."""
    if item_id not in checklist.tick_ids():
        raise ValueError(f"{item_id!r} is not on this checklist")

    def change(saved):
        current = set(saved.ticked) if saved else set()
        current = current | {item_id} if ticked else current - {item_id}
        return {"ticked": _ordered(checklist, current)}

    return _store(patient, checklist, change, "checklist tick saved")
