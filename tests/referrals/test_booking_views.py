"""Booking a slot for a referral, the patient's appointments (calendar file, change requests),
and the care team's cancel / attended / missed and request handling."""

import datetime as dt

import pytest
import time_machine
from booking_support import book_url, local, referral, slot
from bs4 import BeautifulSoup
from django.db import IntegrityError, transaction
from django.urls import reverse
from icalendar import Calendar

from careguide.audit.models import AuditEvent
from careguide.referrals import booking
from careguide.referrals.models import Appointment, ChangeRequest, Referral, ReferralStatus

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

TAKEN = "That time was just taken. Choose another."


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def offered(page):
    """(legend, [label text]) per day group on the booking page."""
    return [(fs.legend.get_text(strip=True), [label.get_text(" ", strip=True) for label in fs.find_all("label")])
            for fs in soup(page).select("fieldset.appt-fieldset")]


# --- booking -------------------------------------------------------------------------------------

def test_urgent_referral_sees_todays_slots_first_under_today(world, client):
    slot(world.doctor, local(1, 9))
    slot(world.doctor, local(0, 15), location="san-leandro")
    slot(world.doctor, local(0, 9))
    ref = referral(world.patient, world.gp, team=world.team, urgency="urgent")
    client.force_login(world.nurse)
    page = client.get(book_url(ref))
    assert page.status_code == 200
    assert page["Cache-Control"].count("no-store") == 1
    groups = offered(page)
    assert groups[0][0] == "Today"
    assert groups[0][1] == ["9:00 AM to 9:30 AM, Fremont Medical Center, Ana Ames",
                            "3:00 PM to 3:30 PM, San Leandro Medical Center, Ana Ames"]
    assert groups[1][0].startswith("Tomorrow")


def test_routine_referral_lists_days_in_date_order_and_filters_work(world, client):
    slot(world.doctor, local(2, 9))
    slot(world.doctor, local(1, 13), location="san-leandro")
    ref = referral(world.patient, world.gp, team=world.team)
    client.force_login(world.nurse)
    groups = offered(client.get(book_url(ref)))
    assert [g[0] for g in groups] == ["Tomorrow, Tuesday November 24", "Wednesday November 25"]
    only_fremont = offered(client.get(book_url(ref) + "?location=fremont"))
    assert [g[0] for g in only_fremont] == ["Wednesday November 25"]


def test_staff_book_a_slot_the_referral_is_scheduled_and_the_patient_sees_it(world, client):
    chosen = slot(world.doctor, local(1, 9, 30))
    ref = referral(world.patient, world.gp, team=world.team)
    client.force_login(world.nurse)
    response = client.post(book_url(ref), {"slot": chosen.pk})
    assert response.status_code == 302
    appointment = Appointment.objects.get(referral=ref)
    assert appointment.slot == chosen and appointment.status == "booked" and appointment.booked_by == world.nurse
    ref.refresh_from_db()
    assert ref.status == Referral.Status.SCHEDULED
    assert ReferralStatus.objects.filter(referral=ref, status="scheduled", by=world.nurse).exists()
    assert AuditEvent.objects.filter(actor=world.nurse, action="create", patient=world.patient,
                                     detail="appointment booked").exists()
    # The booked time is no longer offered to anyone.
    other_ref = referral(world.patient, world.gp, team=world.team)
    assert offered(client.get(book_url(other_ref))) == []

    client.force_login(world.patient)
    page = soup(client.get(reverse("appointments:mine")))
    card = page.select_one("section.appt-card")
    text = card.get_text(" ", strip=True)
    assert "Tuesday, November 24, 2026" in text and "9:30 AM to 10:00 AM" in text
    assert "Fremont Medical Center" in text and "Ana Ames" in text
    links = {a.get_text(" ", strip=True).split(" (")[0]: a["href"] for a in card.select("a")}
    assert links["Add to calendar"] == f"/appointments/{appointment.pk}/calendar.ics"
    assert "Ask to cancel or change the visit on November 24" in links


def test_a_slot_taken_meanwhile_shows_just_taken_and_the_list_again(world, client):
    contested = slot(world.doctor, local(1, 9))
    spare = slot(world.doctor, local(1, 10))
    first = referral(world.patient, world.gp, team=world.team)
    second = referral(world.patient, world.gp, team=world.team)
    booking.book(first, contested.pk, actor=world.nurse)
    client.force_login(world.nurse)
    response = client.post(book_url(second), {"slot": contested.pk})
    assert response.status_code == 200
    page = soup(response)
    assert page.select_one(".error-summary").get_text(" ", strip=True).endswith(TAKEN)
    assert page.select_one(".error-summary a")["href"] == "#slot-choices"
    assert offered(response)[0][1] == ["10:00 AM to 10:30 AM, Fremont Medical Center, Ana Ames"]
    second.refresh_from_db()
    assert second.status == "accepted"
    assert Appointment.objects.filter(slot=contested, status="booked").count() == 1
    assert spare.appointments.count() == 0


def test_no_double_booking_even_when_the_check_is_passed(world, monkeypatch):
    """The race: both bookers saw the slot free. The database constraint refuses the second,
    which becomes "just taken", and nothing of it is left behind."""
    contested = slot(world.doctor, local(1, 9))
    first = referral(world.patient, world.gp, team=world.team)
    second = referral(world.patient, world.gp, team=world.team)
    booking.book(first, contested.pk, actor=world.nurse)
    monkeypatch.setattr(booking, "booked_in", lambda *a, **k: Appointment.objects.none())
    with pytest.raises(booking.SlotTaken):
        booking.book(second, contested.pk, actor=world.nurse)
    assert Appointment.objects.filter(slot=contested).count() == 1
    second.refresh_from_db()
    assert second.status == "accepted"
    with pytest.raises(IntegrityError), transaction.atomic():
        Appointment.objects.create(slot=contested, referral=second, patient=world.patient)


def test_only_accepted_referrals_can_be_booked(world, client):
    chosen = slot(world.doctor, local(1, 9))
    ref = referral(world.patient, world.gp, team=world.team, status="sent")
    client.force_login(world.nurse)
    page = client.get(book_url(ref))
    text = soup(page).get_text(" ", strip=True)
    assert "The referral for Pat is sent. Only an accepted referral can be booked." in text
    client.post(book_url(ref), {"slot": chosen.pk})
    assert not Appointment.objects.exists()


def test_a_missing_or_past_choice_is_an_error_on_the_page(world, client):
    past = slot(world.doctor, local(0, 7))
    ref = referral(world.patient, world.gp, team=world.team)
    slot(world.doctor, local(1, 9))
    client.force_login(world.nurse)
    assert "Choose a time from the list." in client.post(book_url(ref), {}).content.decode()
    assert "That time has passed. Choose another." in client.post(book_url(ref), {"slot": past.pk}).content.decode()
    assert not Appointment.objects.exists()


def test_booking_is_private_to_the_patients_team(world, client):
    ref = referral(world.patient, world.gp, team=world.team)
    client.force_login(world.other_nurse)
    assert client.get(book_url(ref)).status_code == 404
    client.force_login(world.patient)
    assert client.get(book_url(ref)).status_code == 403
    client.force_login(world.gp)
    assert client.get(book_url(ref)).status_code == 403
    client.logout()
    assert client.get(book_url(ref)).status_code == 302


# --- the patient: calendar file and change requests ----------------------------------------------

@pytest.fixture
def booked(world):
    ref = referral(world.patient, world.gp, team=world.team)
    return booking.book(ref, slot(world.doctor, local(1, 9, 30)).pk, actor=world.nurse)


def test_the_calendar_file_says_when_and_where_and_nothing_clinical(world, booked, client):
    client.force_login(world.patient)
    response = client.get(reverse("appointments:calendar", kwargs={"pk": booked.pk}))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert 'filename="cancer-care-appointment-2026-11-24.ics"' in response["Content-Disposition"]
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert len(events) == 1
    event = events[0]
    assert str(event["UID"]) == f"{booked.fhir_id}@careguide"
    assert event.decoded("DTSTART") == dt.datetime(2026, 11, 24, 17, 30, tzinfo=dt.UTC)
    assert event.decoded("DTEND") == dt.datetime(2026, 11, 24, 18, 0, tzinfo=dt.UTC)
    assert str(event["SUMMARY"]) == "Cancer Care appointment"
    assert str(event["LOCATION"]) == "Fremont Medical Center"
    assert "Bone pain" not in response.content.decode()


def test_the_patient_asks_to_change_and_cannot_ask_twice(world, booked, client):
    client.force_login(world.patient)
    url = reverse("appointments:change", kwargs={"pk": booked.pk})
    error = client.post(url, {"message": "Mornings are hard"})
    assert "Choose whether to cancel or change the time" in soup(error).select_one(".error-summary").get_text()
    assert soup(error).select_one(".error-summary a")["href"] == "#id_kind_0"
    response = client.post(url, {"kind": "change", "message": "Afternoons suit me"}, follow=True)
    assert "We have your request. The team will contact you." in response.content.decode()
    request = ChangeRequest.objects.get(appointment=booked)
    assert (request.kind, request.message, request.outcome) == ("change", "Afternoons suit me", "open")
    assert AuditEvent.objects.filter(actor=world.patient, action="create", detail="change request change").exists()
    assert "Afternoons" not in "".join(AuditEvent.objects.values_list("detail", flat=True))
    # Only "cancel" is left to ask for; a second "change" is refused.
    kinds = [i["value"] for i in soup(client.get(url)).select("input[name=kind]")]
    assert kinds == ["cancel"]
    client.post(url, {"kind": "change"})
    assert ChangeRequest.objects.filter(appointment=booked, kind="change").count() == 1


def test_change_requests_are_the_patients_own(world, booked, client):
    client.force_login(world.other)
    assert client.post(reverse("appointments:change", kwargs={"pk": booked.pk}), {"kind": "cancel"}).status_code == 404
    client.force_login(world.nurse)
    assert client.post(reverse("appointments:change", kwargs={"pk": booked.pk}), {"kind": "cancel"}).status_code == 404
    assert not ChangeRequest.objects.exists()


def test_another_patient_or_team_cannot_fetch_the_calendar_file(world, booked, client):
    for outsider in (world.other, world.other_nurse, world.gp):
        client.force_login(outsider)
        assert client.get(reverse("appointments:calendar", kwargs={"pk": booked.pk})).status_code == 404


# --- the care team -------------------------------------------------------------------------------

def test_staff_cancel_frees_the_slot_and_moves_the_referral_back(world, booked, client):
    client.force_login(world.nurse)
    url = reverse("appointments:cancel", kwargs={"pk": booked.pk})
    error = client.post(url, {"reason": "  "})
    assert "Give a reason for cancelling the appointment" in soup(error).select_one(".error-summary").get_text()
    assert client.post(url, {"reason": "Dr Ames is away"}).status_code == 302
    booked.refresh_from_db()
    assert booked.status == "cancelled" and booked.cancelled_reason == "Dr Ames is away"
    booked.referral.refresh_from_db()
    assert booked.referral.status == "accepted"
    assert booking.free_slots().filter(pk=booked.slot_id).exists()
    # The same slot can be booked again, for the same referral.
    again = booking.book(booked.referral, booked.slot_id, actor=world.nurse)
    assert again.status == "booked"
    client.force_login(world.patient)
    past = soup(client.get(reverse("appointments:mine"))).select_one("table").get_text(" ", strip=True)
    assert "Cancelled: Dr Ames is away" in past


def test_the_team_answers_a_request_and_the_patient_reads_the_reply(world, booked, client):
    request = booking.ask_for_change(booked, "cancel", "I feel better", actor=world.patient)
    client.force_login(world.nurse)
    queue = soup(client.get(reverse("appointments:requests")))
    assert queue.select_one("table tbody tr").get_text(" ", strip=True).startswith("Nov 23")
    assert AuditEvent.objects.filter(actor=world.nurse, action="read", patient=world.patient,
                                     detail="change requests").exists()
    url = reverse("appointments:handle", kwargs={"pk": request.pk})
    missing = client.post(url, {"action": "declined"})
    assert "Write a reply that tells the patient why." in missing.content.decode()
    assert client.post(url, {"action": "cancel", "reply": "Cancelled. Call us to book again."}).status_code == 302
    request.refresh_from_db()
    booked.refresh_from_db()
    assert (request.outcome, request.handled_by, booked.status) == ("done", world.nurse, "cancelled")
    assert not soup(client.get(reverse("appointments:requests"))).select("table")
    client.force_login(world.patient)
    page = soup(client.get(reverse("appointments:mine")))
    assert "You have no visits booked" in page.get_text(" ", strip=True)
    past = page.select_one("table").get_text(" ", strip=True)
    assert "Your request to cancel: done. The team says: Cancelled. Call us to book again." in past


def test_a_reply_on_a_kept_appointment_is_shown_with_it(world, booked, client):
    request = booking.ask_for_change(booked, "change", "", actor=world.patient)
    booking.handle_request(request, "declined", actor=world.nurse, reply="No other times this week.")
    client.force_login(world.patient)
    card = soup(client.get(reverse("appointments:mine"))).select_one("section.appt-card").get_text(" ", strip=True)
    assert "Your request to change the time: declined. The team says: No other times this week." in card
    assert "We have your request" not in card


def test_attended_completes_the_referral_missed_reopens_it(world, client):
    ref = referral(world.patient, world.gp, team=world.team)
    visit = booking.book(ref, slot(world.doctor, local(0, 9)).pk, actor=world.nurse)
    client.force_login(world.nurse)
    client.post(reverse("appointments:outcome", kwargs={"pk": visit.pk}), {"outcome": "fulfilled"})
    visit.refresh_from_db()
    assert visit.status == "booked", "not before its time"
    with time_machine.travel(local(0, 9, 40), tick=False):
        client.force_login(world.nurse)  # staff sessions end after 30 idle minutes
        client.post(reverse("appointments:outcome", kwargs={"pk": visit.pk}), {"outcome": "fulfilled"})
    visit.refresh_from_db()
    ref.refresh_from_db()
    assert (visit.status, ref.status) == ("fulfilled", "completed")

    other_ref = referral(world.patient, world.gp, team=world.team)
    missed = booking.book(other_ref, slot(world.doctor, local(0, 10)).pk, actor=world.nurse)
    with time_machine.travel(local(0, 11), tick=False):
        client.force_login(world.nurse)
        client.post(reverse("appointments:outcome", kwargs={"pk": missed.pk}), {"outcome": "noshow"})
    missed.refresh_from_db()
    other_ref.refresh_from_db()
    assert (missed.status, other_ref.status) == ("noshow", "accepted")


def test_staff_actions_are_for_the_patients_team_only(world, booked, client):
    client.force_login(world.other_nurse)
    assert client.post(reverse("appointments:cancel", kwargs={"pk": booked.pk}), {"reason": "x"}).status_code == 404
    assert client.post(reverse("appointments:outcome", args=[booked.pk]), {"outcome": "noshow"}).status_code == 404
    client.force_login(world.patient)
    assert client.post(reverse("appointments:cancel", kwargs={"pk": booked.pk}), {"reason": "x"}).status_code == 403
    booked.refresh_from_db()
    assert booked.status == "booked"


def test_the_team_list_shows_their_patients_bookings_audited(world, booked, client):
    client.force_login(world.nurse)
    rows = soup(client.get(reverse("appointments:mine"))).select("table tbody tr")
    assert len(rows) == 1 and "Pat" in rows[0].get_text()
    assert AuditEvent.objects.filter(actor=world.nurse, action="read", patient=world.patient,
                                     detail="appointment list").exists()
    client.force_login(world.other_nurse)
    assert not soup(client.get(reverse("appointments:mine"))).select("table")


def test_the_patients_pages_read_at_grade_8_or_below(world, booked, client):
    from careguide.library.readability import MAX_GRADE, grade, html_segments

    client.force_login(world.patient)
    for url in (reverse("appointments:mine"), reverse("appointments:change", kwargs={"pk": booked.pk})):
        main = soup(client.get(url)).select_one(".appt-page")
        assert grade(html_segments(str(main))) <= MAX_GRADE, url
