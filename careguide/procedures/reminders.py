"""The day-before reminder email for a procedure checklist.

``send_due()`` is run once a day by ``careguide send-procedure-reminders`` (cron). For every
saved checklist with the reminder on and the procedure tomorrow (in settings.TIME_ZONE), it
emails the patient once: a ``ReminderSent`` row, written before the send (and taken back if the
mail server refuses), makes a second run the same day (or a run that overlaps) send nothing more. The email goes only
to the patient's own address, which they chose when they opted in. Logs carry counts only.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from careguide.audit import service as audit
from careguide.core import sitecache
from careguide.triage.deployment import fill

from . import checklists
from .models import ReminderSent, SavedChecklist
from .pdf import Phones

log = logging.getLogger(__name__)
COMMAND = "send-procedure-reminders"


@dataclass
class Counts:
    sent: int = 0
    skipped: int = 0  # no email address, or a checklist no longer on the site
    failed: int = 0  # the mail server refused: nothing recorded, so the next run tries again


def _phones() -> Phones:
    return Phones.from_org(sitecache.default_organization())


def _page_url(slug: str) -> str:
    base = getattr(settings, "WAGTAILADMIN_BASE_URL", "").rstrip("/")
    return f"{base}{reverse('procedures:detail', args=[slug])}"


def message(checklist: checklists.Checklist, *, procedure_date: dt.date, first_name: str, phones: Phones,
            url: str) -> tuple[str, str]:
    """(subject, body) of the reminder: plain text, in our own plain words."""
    lines = [f"Hello {first_name}," if first_name else "Hello,", "",
             f"This is your reminder that your procedure is tomorrow, "
             f"{procedure_date:%A}, {procedure_date:%B} {procedure_date.day}.",
             f"Your checklist: {checklist.title}.", ""]
    for key, heading, _hint, items in checklist.sections_list():
        if key in checklists.REMINDER_SECTIONS:
            lines.append(f"{heading}:")
            lines += [f"- {fill(item.text)}" for item in items]
            lines.append("")
    lines += [f"See your whole list, and tick things off: {url}", "",
              f"Call {phones.emergency} if you have an emergency.",
              (f"Call your care team at {phones.care_team} if you are worried, day or night."
               if phones.care_team else "Call your care team if you are worried, day or night."), "",
              "You get this email because you asked for a reminder. "
              "To stop them, untick the reminder on the page above."]
    # The subject, seen on a lock screen, does not name the procedure.
    return "Reminder: your procedure is tomorrow", "\n".join(lines)


def due(today: dt.date):
    """Opted-in checklists whose procedure is the day after ``today`` and not yet reminded."""
    tomorrow = today + dt.timedelta(days=1)
    return (SavedChecklist.objects.filter(remind=True, procedure_date=tomorrow, patient__is_active=True)
            .exclude(reminders__procedure_date=tomorrow).order_by("pk"))


def send_due(today: dt.date | None = None) -> Counts:
    today = today or timezone.localdate()
    counts = Counts()
    phones = _phones()
    sender = getattr(settings, "DEFAULT_FROM_EMAIL", None)
    for pk in list(due(today).values_list("pk", flat=True)):
        try:
            outcome = _send_one(pk, today, phones, sender)
        except Exception as exc:  # one refused email must not stop the others
            log.warning("a procedure reminder could not be sent (%s)", type(exc).__name__)
            counts.failed += 1
            continue
        if outcome == "sent":
            counts.sent += 1
        elif outcome == "skipped":
            counts.skipped += 1
    log.info("procedure reminders: %d sent, %d skipped, %d failed", counts.sent, counts.skipped, counts.failed)
    return counts


def _send_one(pk: int, today: dt.date, phones: Phones, sender) -> str:
    """Send one reminder if still due; returns "sent", "skipped" or "" (no longer due).

    The reminder is claimed (its ``ReminderSent`` row) in a short transaction, and the email goes
    after the commit: a slow mail server never holds the database's write lock, which on SQLite
    would make every other writer wait (ADR 0024). A refused email gives the claim back, so the
    next run tries again."""
    claimed = _claim(pk, today, phones)
    if isinstance(claimed, str):
        return claimed
    sent, to, subject, body = claimed
    try:
        send_mail(subject, body, sender, [to], fail_silently=False)
    except Exception:
        with transaction.atomic():
            patient = sent.checklist.patient
            ReminderSent.objects.filter(pk=sent.pk).delete()
            audit.record(None, audit.DELETE, object_type="procedures.remindersent", object_id=sent.pk,
                         patient=patient, detail="procedure reminder not sent", system=COMMAND)
        raise
    return "sent"


def _claim(pk: int, today: dt.date, phones: Phones):
    """(the ReminderSent row, address, subject, body) for a reminder still due, or the outcome."""
    tomorrow = today + dt.timedelta(days=1)
    with transaction.atomic():
        saved = SavedChecklist.objects.select_for_update().select_related("patient").get(pk=pk)
        # Checked again under the lock: another run may have sent it, or the patient changed it.
        if (not saved.remind or saved.procedure_date != tomorrow
                or saved.reminders.filter(procedure_date=tomorrow).exists()):
            return ""
        patient = saved.patient
        checklist = checklists.get(saved.slug)
        if checklist is None or not patient.email:
            return "skipped"
        subject, body = message(checklist, procedure_date=tomorrow, first_name=patient.first_name,
                                phones=phones, url=_page_url(saved.slug))
        sent = ReminderSent.objects.create(checklist=saved, procedure_date=tomorrow)
        audit.record(None, audit.CREATE, sent, patient=patient, detail="procedure reminder emailed", system=COMMAND)
        return sent, patient.email, subject, body
