"""The day-before reminder email (careguide send-procedure-reminders, run daily by cron): sent
once, only for tomorrow's procedures, only to patients who opted in, only to their own address."""

import datetime as dt
import logging

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from factories import PatientFactory

from careguide.audit.models import AuditEvent
from careguide.procedures import checklists, reminders, services
from careguide.procedures.models import ReminderSent

pytestmark = pytest.mark.django_db

# 7:00 in California on Saturday Nov 21 2026 (15:00 UTC); tomorrow is Sunday Nov 22.
MORNING = dt.datetime(2026, 11, 21, 15, 0, tzinfo=dt.UTC)
TOMORROW = dt.date(2026, 11, 22)


def patient(email, first_name="Pat"):
    return PatientFactory(email=email, first_name=first_name)


def plan(user, slug="lumbar-puncture", day=TOMORROW, remind=True):
    return services.save_progress(user, checklists.get(slug), ticked=[], procedure_date=day, remind=remind)


def run():
    call_command("send_procedure_reminders", verbosity=0)


@time_machine.travel(MORNING, tick=False)
def test_an_opted_in_patient_gets_one_email_with_the_day_before_and_on_the_day_items():
    pat = patient("pat@example.org")
    plan(pat)
    run()
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["pat@example.org"]
    assert email.subject == "Reminder: your procedure is tomorrow"
    checklist = checklists.get("lumbar-puncture")
    for item in checklist.section_items("day_before") + checklist.section_items("on_the_day"):
        assert item.text in email.body
    assert checklist.section_items("after")[0].text not in email.body
    assert "Sunday, November 22" in email.body
    assert "/prepare/lumbar-puncture/" in email.body
    assert "Call 911" in email.body and "510-555-0100" in email.body
    assert ReminderSent.objects.get().procedure_date == TOMORROW


@time_machine.travel(MORNING, tick=False)
def test_a_second_run_the_same_day_sends_nothing():
    plan(patient("pat@example.org"))
    run()
    run()
    assert len(mail.outbox) == 1
    assert reminders.send_due().sent == 0


@time_machine.travel(MORNING, tick=False)
def test_only_tomorrows_procedures_and_only_opted_in_patients():
    plan(patient("today@example.org"), day=dt.date(2026, 11, 21))
    plan(patient("later@example.org"), day=dt.date(2026, 11, 23))
    plan(patient("no@example.org"), remind=False)
    plan(patient("yes@example.org"))
    run()
    assert [m.to for m in mail.outbox] == [["yes@example.org"]]


def test_tomorrow_is_counted_in_the_local_time_zone():
    plan(patient("pat@example.org"))
    # 23:30 on Nov 20 in California is already Nov 21 in UTC: tomorrow is still Nov 21 here.
    with time_machine.travel(dt.datetime(2026, 11, 21, 7, 30, tzinfo=dt.UTC), tick=False):
        run()
    assert mail.outbox == []
    # 16:30 on Nov 21 in California is Nov 22 in UTC: tomorrow (Nov 22) is the procedure.
    with time_machine.travel(dt.datetime(2026, 11, 22, 0, 30, tzinfo=dt.UTC), tick=False):
        run()
    assert len(mail.outbox) == 1


@time_machine.travel(MORNING, tick=False)
def test_a_moved_date_gets_its_own_reminder():
    pat = patient("pat@example.org")
    plan(pat)
    run()
    plan(pat, day=dt.date(2026, 11, 29))
    with time_machine.travel(dt.datetime(2026, 11, 28, 15, 0, tzinfo=dt.UTC), tick=False):
        run()
    assert len(mail.outbox) == 2


@time_machine.travel(MORNING, tick=False)
def test_a_refused_email_is_tried_again_next_run(monkeypatch):
    plan(patient("pat@example.org"))

    def refuse(*args, **kwargs):
        raise ConnectionRefusedError

    monkeypatch.setattr(reminders, "send_mail", refuse)
    counts = reminders.send_due()
    assert (counts.sent, counts.failed) == (0, 1)
    assert not ReminderSent.objects.exists()
    monkeypatch.undo()
    assert reminders.send_due().sent == 1


@time_machine.travel(MORNING, tick=False)
def test_logs_and_audit_carry_counts_not_names_or_procedures(caplog):
    plan(patient("pat@example.org", first_name="Pat"))
    with caplog.at_level(logging.INFO, logger="careguide.procedures.reminders"):
        run()
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert "1 sent" in logged
    for secret in ("Pat", "pat@example.org", "lumbar", "puncture"):
        assert secret not in logged
    event = AuditEvent.objects.get(object_type="procedures.remindersent")
    assert event.actor_label == "system: send-procedure-reminders"
    assert "lumbar" not in event.detail
