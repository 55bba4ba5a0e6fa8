"""Eight people writing at the same moment get no errors, and every write lands (issue 14, item 9).

Before: with `make run` (SQLite, two gunicorn workers) four writers got one diary save in six
back as a 500 "database is locked". Here eight threads, each with its own database connection
as gunicorn's workers have, are released together; each one saves a diary entry, takes the
side-effect check, registers a new account (both steps) and books a visit, where two nurses at a
time want the same slot. The test database is a file with the settings `make run` uses
(careguide/config/env.py), and the whole suite runs again on PostgreSQL. `make bench-writes`
measures the same paths against the production server.

Commits for real (transaction=True), so it makes what it needs itself: the content (for the
side-effect check), the people, the referrals and the slots.
"""

from datetime import timedelta

import pytest
from accounts_support import LINK, PASSWORD
from concurrency_support import run_together
from diary_support import quiet_day
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from factories import CareTeamFactory, NurseFactory, OncologistFactory, PatientFactory, UserFactory
from sideeffects_support import take_check

from careguide.alerts.models import Alert
from careguide.diary import services as diary
from careguide.diary import wording
from careguide.diary.models import DiaryEntry
from careguide.referrals import workflow
from careguide.referrals.models import Appointment, Referral, Slot
from careguide.sideeffects.models.check import SideEffectCheck

N = 8
TAKEN = "That time was just taken. Choose another."


def make_world():
    restore_site()
    call_command("load_content", verbosity=0)
    team = CareTeamFactory(name="Writers' team")
    nurse = NurseFactory(username="nurse.writers", email="", first_name="", last_name="", team=team)
    doctor = OncologistFactory(username="dr.writers", email="", first_name="", last_name="", team=team)
    referrer = UserFactory(username="gp.writers", email="")
    patients, referrals = [], []
    for i in range(N):
        person = PatientFactory(email=f"writer{i}@example.org", first_name=f"Writer{i}", team=team)
        diary.set_tracked(person, list(wording.DEFAULT_TERMS))
        referral = workflow.start(Referral(patient=person, referrer=referrer, reason="Bone pain", team=team),
                                  actor=referrer)
        workflow.move(referral, "sent", actor=referrer)
        workflow.move(referral, "accepted", actor=nurse)
        patients.append(person)
        referrals.append(referral)
    start = timezone.now().replace(microsecond=0) + timedelta(days=1)
    slots = [Slot.objects.create(clinician=doctor, location="fremont", start=start + timedelta(hours=i),
                                 end=start + timedelta(hours=i, minutes=30)) for i in range(N // 2)]
    return patients, nurse, referrals, slots


def restore_site():
    """The locale, root page and default site that migrations make, which an earlier
    transactional test's flush may have taken; load_content builds the library on them."""
    from wagtail.models import Locale, Page, Site

    Locale.objects.get_or_create(language_code="en")
    if not Site.objects.filter(is_default_site=True).exists():
        root = Page.get_first_root_node() or Page.add_root(title="Root", slug="root")
        Site.objects.create(hostname="localhost", root_page=root, is_default_site=True)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db(transaction=True)
def test_eight_people_writing_at_once_get_no_errors_and_every_write_lands():
    patients, nurse, referrals, slots = make_world()
    as_patient = [signed_in(p) for p in patients]
    as_nurse = [signed_in(nurse) for _ in range(N)]
    strangers = [Client() for _ in range(N)]
    for client in as_patient:
        client.get(reverse("diary:today"))  # each starts from a page, as people do

    def writes(i) -> list[tuple[str, int, str]]:
        seen = []

        def note(what, response):
            seen.append((what, response.status_code, response.get("Location", "")))
            return response

        # A diary entry with chest pain: an emergency, which raises an alert.
        note("diary", as_patient[i].post(reverse("diary:today"), quiet_day(chest_pain="yes")))
        # The side-effect check, nine steps; the last one stores it.
        note("check", take_check(as_patient[i]))
        # A new person registers: the form, the emailed link, the password.
        email = f"new{i}@example.org"
        note("register", strangers[i].post(reverse("accounts:register"), {"email": email}))
        link = next(LINK.search(m.body).group(1) for m in reversed(mail.outbox) if m.to == [email])
        note("confirm", strangers[i].get(link))
        note("finish", strangers[i].post(reverse("accounts:register_finish"),
                                         {"password1": PASSWORD, "password2": PASSWORD, "consent": "on"}))
        # Two nurses at a time book the same slot for two patients.
        response = note("book", as_nurse[i].post(reverse("appointments:book", args=[referrals[i].pk]),
                                                 {"slot": slots[i // 2].pk}))
        if response.status_code == 200:
            assert TAKEN in response.content.decode()
        return seen

    results = run_together(N, writes)
    failures = [r for r in results if not isinstance(r, list)]
    assert failures == [], failures  # no thread ended in an exception (a 500 in the test client)
    answers = [answer for result in results for answer in result]
    assert [a for a in answers if a[1] >= 500] == []
    unexpected = [a for a in answers
                  if (a[0] == "book" and a[1] not in (200, 302)) or (a[0] != "book" and a[1] not in (302, 303))]
    assert unexpected == [], unexpected

    # Every write landed, once.
    assert DiaryEntry.objects.filter(patient__in=patients).count() == N
    assert Alert.objects.filter(patient__in=patients).count() >= N
    assert SideEffectCheck.objects.count() == N
    assert get_user_model().objects.filter(username__startswith="new", username__endswith="@example.org").count() == N
    assert Appointment.objects.filter(status="booked").count() == N // 2
    assert sorted(Referral.objects.filter(pk__in=[r.pk for r in referrals]).values_list("status", flat=True)) == \
        ["accepted"] * (N // 2) + ["scheduled"] * (N // 2)
    assert [a[2] for a in answers if a[0] == "book" and a[1] == 302] == [reverse("appointments:mine")] * (N // 2)


@pytest.mark.django_db(transaction=True)
def test_reading_pages_never_waits_for_a_writer():
    """A write transaction holds SQLite's one write lock; pages that only read must not take it
    (no ATOMIC_REQUESTS, no write on a read), so they are answered while a write is under way."""
    import threading

    from django.db import connections, transaction

    person = PatientFactory(email="reader@example.org", first_name="Rea")
    reader = signed_in(person)
    holding, read_done = threading.Event(), threading.Event()
    answered_while_held = []

    def writer():
        try:
            with transaction.atomic():
                diary.set_tracked(person, ["Fatigue"])  # holds the write lock until the block ends
                holding.set()
                answered_while_held.append(read_done.wait(timeout=10))
        finally:
            connections.close_all()

    thread = threading.Thread(target=writer)
    thread.start()
    assert holding.wait(timeout=10)
    statuses = [reader.get(url).status_code for url in (reverse("diary:home"), reverse("accounts:home"))]
    read_done.set()
    thread.join(timeout=30)
    assert statuses == [200, 200]
    assert answered_while_held == [True]
