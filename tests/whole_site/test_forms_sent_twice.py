"""A form sent twice (a double click, back and resend) does its work once, and the second
sending lands on the same page as the first, not on an error (issue 14, item 9).

Booking a time, asking to change an appointment, referring a patient, sending and accepting a
referral, acknowledging an alert. The diary is in test_diary_double_submit.py, the back-pain
check-in in test_backpain_program.py. Sent at the same moment, the two sendings are serialised by
the row locks (PostgreSQL) or the immediate write transactions (SQLite) and the second finds the
first's work: see the transactional tests at the end.
"""

from datetime import timedelta

import pytest
from alerts_support import raise_alert
from booking_support import gp, patient, referral, slot, staff, team_with
from bs4 import BeautifulSoup
from concurrency_support import run_together
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from referrals_support import make_people, make_referral

from careguide.alerts import services as alerts
from careguide.alerts.models import AlertStatus
from careguide.audit.models import AuditEvent
from careguide.referrals.models import Appointment, ChangeRequest, Referral, ReferralStatus

S = Referral.Status


def world():
    pat = patient("pat@example.org", "Pat")
    nurse = staff("nurse.nia")
    doctor = staff("dr.ames", first_name="Ana", last_name="Ames")
    team = team_with("Team A", nurse=nurse, patients=[pat], clinician=doctor)
    ref = referral(pat, gp(), team=team)
    tomorrow = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0) + timedelta(days=1)
    return type("World", (), dict(patient=pat, nurse=nurse, doctor=doctor, referral=ref,
                                  slot=slot(doctor, tomorrow)))


def new_referral_form(client) -> dict:
    """The "Refer a patient" form as the browser got it, filled in."""
    page = BeautifulSoup(client.get(reverse("referrals:new")).content, "html.parser")
    key = page.select_one("main form input[type=hidden][name=submission]")["value"]
    return {"email": "pat@example.org", "reason": "Pain and swelling above the knee for 6 weeks",
            "urgency": "urgent", "notes": "X-ray: lesion in the distal femur", "action": "send", "submission": key}


# --- one after the other ---------------------------------------------------------------------------

@pytest.mark.django_db
def test_a_booking_sent_twice_books_once_and_lands_on_the_appointments(client):
    w = world()
    client.force_login(w.nurse)
    url = reverse("appointments:book", args=[w.referral.pk])
    first = client.post(url, {"slot": w.slot.pk})
    again = client.post(url, {"slot": w.slot.pk})
    assert first.status_code == again.status_code == 302
    assert first.url == again.url == reverse("appointments:mine")
    assert Appointment.objects.filter(referral=w.referral).count() == 1
    assert list(w.referral.history.values_list("status", flat=True)) == [S.DRAFT, S.SENT, S.ACCEPTED, S.SCHEDULED]


@pytest.mark.django_db
def test_a_change_request_sent_twice_is_asked_once(client):
    from careguide.referrals import booking

    w = world()
    appointment = booking.book(w.referral, w.slot.pk, actor=w.nurse)
    client.force_login(w.patient)
    url = reverse("appointments:change", args=[appointment.pk])
    answers = {"kind": "change", "message": "Afternoons suit me"}
    first, again = client.post(url, answers), client.post(url, answers)
    assert first.status_code == again.status_code == 302 and first.url == again.url == reverse("appointments:mine")
    assert ChangeRequest.objects.filter(appointment=appointment).count() == 1
    assert "We have your request" in client.get(again.url).content.decode()


@pytest.mark.django_db
def test_a_referral_form_sent_twice_makes_one_referral(client):
    people = make_people()
    client.force_login(people.gp)
    answers = new_referral_form(client)
    first = client.post(reverse("referrals:new"), answers)
    again = client.post(reverse("referrals:new"), answers)
    assert first.status_code == again.status_code == 302 and first.url == again.url
    referral = Referral.objects.get()
    assert referral.status == S.SENT
    assert list(referral.history.values_list("status", flat=True)) == [S.DRAFT, S.SENT]
    # A form shown afresh is a new referral, as a second referral should be.
    client.post(reverse("referrals:new"), new_referral_form(client))
    assert Referral.objects.count() == 2


@pytest.mark.django_db
def test_accepting_a_referral_twice_accepts_it_once(client):
    people = make_people()
    sent = make_referral(people.gp, people.patient, S.SENT)
    client.force_login(people.nurse)
    url = reverse("referrals:intake_accept", args=[sent.pk])
    first = client.post(url, {"accept-team": people.team.pk})
    again = client.post(url, {"accept-team": people.team.pk})
    assert first.status_code == again.status_code == 302 and first.url == again.url
    assert ReferralStatus.objects.filter(referral=sent, status=S.ACCEPTED).count() == 1
    assert AuditEvent.objects.filter(object_type="referrals.referral", object_id=str(sent.pk),
                                     detail__startswith="referral team").count() == 1
    # Someone else accepting now is still told who got there first.
    client.force_login(people.oncologist)
    late = client.post(url, {"accept-team": people.team.pk})
    assert late.status_code == 409 and "already accepted by Nia Nurse" in late.content.decode()


@pytest.mark.django_db
def test_acknowledging_an_alert_twice_lands_on_the_alert(client):
    nurse = staff("nurse.nia")
    person = patient("pat@example.org", "Pat")
    team_with("Team A", nurse=nurse, patients=[person])
    alert = raise_alert(person)
    client.force_login(nurse)
    url = reverse("alerts:acknowledge", args=[alert.pk])
    first, again = client.post(url), client.post(url)
    assert first.status_code == again.status_code == 302 and first.url == again.url
    assert AlertStatus.objects.filter(alert=alert, status="acknowledged").count() == 1
    alerts.resolve(alert, nurse, "Called Pat.")
    assert alerts.resolve(alert, nurse, "Called Pat.").status == "resolved"  # the same note again
    assert AlertStatus.objects.filter(alert=alert, status="resolved").count() == 1


# --- at the same moment (threads with their own connections: these commit for real) ---------------

@pytest.mark.django_db(transaction=True)
def test_a_booking_double_click_books_once():
    w = world()
    clients = [Client(), Client()]
    for client in clients:
        client.force_login(w.nurse)
    url = reverse("appointments:book", args=[w.referral.pk])
    results = run_together(2, lambda i: clients[i].post(url, {"slot": w.slot.pk}))
    assert [(getattr(r, "status_code", r), getattr(r, "url", "")) for r in results] == \
        [(302, reverse("appointments:mine"))] * 2, results
    assert Appointment.objects.filter(referral=w.referral).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_referral_double_click_makes_one_referral():
    people = make_people()
    clients = [Client(), Client()]
    for client in clients:
        client.force_login(people.gp)
    answers = new_referral_form(clients[0])
    results = run_together(2, lambda i: clients[i].post(reverse("referrals:new"), answers))
    assert [getattr(r, "status_code", r) for r in results] == [302, 302], results
    assert results[0].url == results[1].url
    assert Referral.objects.count() == 1
