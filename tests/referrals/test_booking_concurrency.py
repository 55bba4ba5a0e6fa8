"""No slot is ever booked twice, even when many people book it at the same moment.

Parallel: N threads (each with its own database connection) book one slot for N different
referrals at once; exactly one wins and the others are told it was just taken. On PostgreSQL the
slot's row lock orders them; on SQLite the immediate write transactions of the settings do
(careguide/config/env.py: without them the losers got "database is locked", a 500).
Sequential: the same outcome one after the other, on every database.

These tests commit for real (transaction=True), so they make everything they need themselves:
a flush by an earlier transactional test leaves no demo accounts or groups behind.
"""

from datetime import timedelta

import pytest
from concurrency_support import run_together
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from factories import CareTeamFactory, NurseFactory, PatientFactory, UserFactory

from careguide.referrals import booking, workflow
from careguide.referrals.models import Appointment, Referral, Slot

N = 8
TAKEN = "That time was just taken. Choose another."


def make_world(n):
    doctor = UserFactory(username="dr.race", email="")
    team = CareTeamFactory(name="Race team")
    nurse = NurseFactory(username="nurse.race", email="", first_name="", last_name="", team=team)
    referrer = UserFactory(username="gp.race", email="")
    start = timezone.now().replace(microsecond=0) + timedelta(days=1)
    slot = Slot.objects.create(clinician=doctor, location="fremont", start=start, end=start + timedelta(minutes=30))
    referrals = []
    for i in range(n):
        patient = PatientFactory(email=f"racer{i}@example.org", first_name="", team=team)
        referral = workflow.start(Referral(patient=patient, referrer=referrer, reason="Race", team=team),
                                  actor=referrer)
        workflow.move(referral, "sent", actor=referrer)
        workflow.move(referral, "accepted", actor=referrer)
        referrals.append(referral)
    return slot, nurse, referrals


def assert_one_booking(slot, referrals):
    assert Appointment.objects.filter(slot=slot, status="booked").count() == 1
    assert Appointment.objects.filter(slot=slot).count() == 1
    statuses = sorted(Referral.objects.filter(pk__in=[r.pk for r in referrals]).values_list("status", flat=True))
    assert statuses == ["accepted"] * (len(referrals) - 1) + ["scheduled"]


@pytest.mark.django_db(transaction=True)
def test_parallel_service_calls_book_one_slot_exactly_once():
    slot, nurse, referrals = make_world(N)

    def work(i):
        try:
            booking.book(referrals[i], slot.pk, actor=nurse)
            return "booked"
        except booking.SlotTaken as exc:
            return str(exc)

    results = run_together(N, work)
    assert sorted(results, key=str) == sorted(["booked"] + [TAKEN] * (N - 1), key=str), results
    assert_one_booking(slot, referrals)


@pytest.mark.django_db(transaction=True)
def test_parallel_posts_book_one_slot_exactly_once():
    slot, nurse, referrals = make_world(N)
    clients = []
    for _ in range(N):
        client = Client()
        client.force_login(nurse)
        clients.append(client)

    def work(i):
        response = clients[i].post(reverse("appointments:book", args=[referrals[i].pk]), {"slot": slot.pk})
        if response.status_code == 302:
            return "booked"
        return TAKEN if TAKEN in response.content.decode() else f"unexpected {response.status_code}"

    results = run_together(N, work)
    assert results.count("booked") == 1 and results.count(TAKEN) == N - 1, results
    assert_one_booking(slot, referrals)


@pytest.mark.django_db
def test_sequential_bookings_of_one_slot_leave_one_appointment():
    slot, nurse, referrals = make_world(3)
    outcomes = []
    for referral in referrals:
        try:
            booking.book(referral, slot.pk, actor=nurse)
            outcomes.append("booked")
        except booking.SlotTaken as exc:
            outcomes.append(str(exc))
    assert outcomes == ["booked", TAKEN, TAKEN]
    assert_one_booking(slot, referrals)
