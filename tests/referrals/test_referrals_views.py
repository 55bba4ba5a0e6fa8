"""The referral pages as each person uses them: the referring doctor (refer, my referrals, one
referral), Cancer Care intake (queue, accept, reject, complete, cancel), the patient (their
referrals, getting ready, the pre-visit questions), and who gets a 403 or 404."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from referrals_support import S, make_people, make_referral, soup, text

from careguide.audit.models import AuditEvent
from careguide.careteam import scoping
from careguide.questionnaires.models import QuestionnaireResponse
from careguide.referrals import services
from careguide.referrals.models import Appointment, Referral, Slot

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(db):
    return make_people()

NEW = reverse("referrals:new")
INTAKE = reverse("referrals:intake")
MINE = reverse("referrals:mine")


def refer(client, **fields):
    data = {"email": "pat@example.org", "reason": "Pain and swelling above the knee for 6 weeks",
            "urgency": "urgent", "notes": "X-ray: lesion in the distal femur", "action": "send"}
    data.update(fields)
    return client.post(NEW, data)


def error_summary(response) -> list[str]:
    summary = soup(response).find(class_="error-summary")
    return [li.get_text(" ", strip=True) for li in summary.find_all("li")] if summary else []


def book(referral, clinician, start=datetime(2026, 3, 3, 17, 30, tzinfo=UTC), location="fremont"):
    slot = Slot.objects.create(clinician=clinician, location=location, start=start, end=start + timedelta(minutes=30))
    return Appointment.objects.create(slot=slot, referral=referral, patient=referral.patient, booked_by=clinician)


# --- who may open which page ------------------------------------------------------------------

def test_anonymous_visitors_are_sent_to_sign_in(client, people):
    referral = make_referral(people.gp, people.patient, S.ACCEPTED, team=people.team)
    for url in ("/referrals/", NEW, f"/referrals/{referral.pk}/", INTAKE, f"/referrals/intake/{referral.pk}/",
                MINE, f"/referrals/{referral.pk}/prepare/", f"/referrals/{referral.pk}/prepare/questions/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/account/sign-in/"), url


@pytest.mark.parametrize(("url", "who", "says"), [
    (NEW, "patient", "Your account is not a primary-care account"),
    (reverse("referrals:list"), "nurse", "Your account is not a primary-care account"),
    (INTAKE, "gp", "Your account is not part of a care team"),
    (INTAKE, "patient", "Your account is not part of a care team"),
    (MINE, "gp", "Your account is not a patient account"),
    (MINE, "nurse", "Your account is not a patient account"),
])
def test_the_wrong_role_gets_a_clear_403_page(client, people, url, who, says):
    client.force_login(getattr(people, who))
    response = client.get(url)
    assert response.status_code == 403
    assert "You cannot see this page" in text(response)
    assert says in text(response)


def test_pages_are_private_and_not_indexed(client, people):
    referral = make_referral(people.gp, people.patient, S.ACCEPTED, team=people.team)
    for who, url in [("gp", "/referrals/"), ("gp", NEW), ("gp", f"/referrals/{referral.pk}/"), ("nurse", INTAKE),
                     ("nurse", reverse("referrals:intake_detail", kwargs={"pk": referral.pk})), ("patient", MINE),
                     ("patient", reverse("referrals:prepare", kwargs={"pk": referral.pk})),
                     ("patient", reverse("referrals:questions", kwargs={"pk": referral.pk}))]:
        client.force_login(getattr(people, who))
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url
        assert soup(response).find("meta", attrs={"name": "robots"})["content"] == "noindex"


# --- the referring doctor ------------------------------------------------------------------------

def test_an_unregistered_email_is_an_error_on_the_email_field_and_nothing_is_saved(client, people):
    client.force_login(people.gp)
    response = refer(client, email="new.person@example.org")
    assert response.status_code == 400
    message = ("No patient account uses this email address. The patient must register first: "
               "we do not create accounts for people.")
    assert error_summary(response) == [message]
    assert soup(response).find(class_="error-summary").find("a")["href"] == "#id_email"
    assert message in soup(response).find(id="id_email_error").get_text(" ", strip=True)
    assert soup(response).title.get_text().startswith("Error: ")
    assert not Referral.objects.exists()


def test_a_staff_email_is_not_a_patient(client, people):
    client.force_login(people.gp)
    response = refer(client, email="nurse.nia@clinic.example")
    assert response.status_code == 400
    assert error_summary(response)[0].startswith("No patient account uses this email address.")


def test_missing_and_too_long_fields_are_named(client, people):
    client.force_login(people.gp)
    response = client.post(NEW, {"action": "send"})
    assert error_summary(response) == ["Enter the patient's email address", "Enter the reason for the referral",
                                       "Choose how urgent the referral is"]
    assert soup(response).find(class_="error-summary").find_all("a")[2]["href"] == "#id_urgency_0"
    response = refer(client, reason="x" * 301)
    assert error_summary(response) == ["The reason must be 300 characters or fewer"]
    assert not Referral.objects.exists()


def test_the_form_explains_urgency_in_plain_words(client, people):
    client.force_login(people.gp)
    page = soup(client.get(NEW))
    fieldset = page.find("fieldset")
    assert fieldset.find("legend").get_text(strip=True) == "How urgent is it?"
    labels = [label.get_text(" ", strip=True) for label in fieldset.find_all("label")]
    assert labels[1] == "Urgent: seen within a day or two, the same day when possible"


def test_send_a_referral_then_see_it_with_its_history(client, people):
    client.force_login(people.gp)
    with time_machine.travel("2026-03-02 17:00:00Z", tick=False):
        response = refer(client)
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/referrals/{referral.pk}/"
    assert (referral.patient, referral.referrer, referral.urgency, referral.status) == (
        people.patient, people.gp, "urgent", S.SENT)
    page = client.get(response["Location"])
    assert "Your referral was sent to Cancer Care." in text(page)
    rows = [[c.get_text(" ", strip=True) for c in tr.find_all(["th", "td"])]
            for tr in soup(page).find("caption", string="Every step of this referral, oldest first")
            .find_parent("table").tbody.find_all("tr")]
    assert rows == [["Draft", "Sam Rivera", "Mar 2, 2026, 9:00 a.m.", "—"],
                    ["Sent", "Sam Rivera", "Mar 2, 2026, 9:00 a.m.", "—"]]


def test_save_a_draft_then_send_it(client, people):
    client.force_login(people.gp)
    response = refer(client, action="draft")
    referral = Referral.objects.get()
    assert referral.status == S.DRAFT
    assert "saved as a draft" in text(client.get(response["Location"]))
    response = client.post(reverse("referrals:send", kwargs={"pk": referral.pk}))
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == S.SENT
    # Sending again (a double click, back and resend) lands on the same page; nothing is sent twice.
    again = client.post(reverse("referrals:send", kwargs={"pk": referral.pk}))
    assert again.status_code == 302 and again["Location"] == response["Location"]
    assert list(referral.history.values_list("status", flat=True)) == [S.DRAFT, S.SENT]


def test_cancelling_needs_a_reason_which_the_history_then_shows(client, people):
    referral = make_referral(people.gp, people.patient, S.SENT)
    client.force_login(people.gp)
    response = client.post(reverse("referrals:cancel", kwargs={"pk": referral.pk}), {"cancel-reason": "  "})
    assert response.status_code == 400
    assert error_summary(response) == ["Enter the reason for cancelling the referral"]
    assert soup(response).find(class_="error-summary").find("a")["href"] == "#id_cancel-reason"
    referral.refresh_from_db()
    assert referral.status == S.SENT
    response = client.post(f"/referrals/{referral.pk}/cancel/", {"cancel-reason": "Seen at another hospital"})
    assert response.status_code == 302
    page = text(client.get(response["Location"]))
    assert "Seen at another hospital" in page
    assert "Nothing more can be done with it" in page


def test_my_referrals_lists_only_mine_and_another_doctors_referral_is_404(client, people):
    mine = make_referral(people.gp, people.patient, S.SENT)
    theirs = make_referral(people.other_gp, people.other_patient, S.SENT)
    client.force_login(people.gp)
    listing = text(client.get(reverse("referrals:list")))
    assert "Pat" in listing and "Oscar" not in listing
    assert client.get(reverse("referrals:detail", kwargs={"pk": mine.pk})).status_code == 200
    for url in (f"/referrals/{theirs.pk}/", f"/referrals/{theirs.pk}/send/", f"/referrals/{theirs.pk}/cancel/"):
        response = client.get(url) if url.endswith(f"{theirs.pk}/") else client.post(url, {"cancel-reason": "x"})
        assert response.status_code == 404, url
    theirs.refresh_from_db()
    assert theirs.status == S.SENT


def test_the_doctor_sees_the_booked_appointment(client, people):
    referral = make_referral(people.gp, people.patient, S.SCHEDULED, team=people.team)
    book(referral, people.oncologist)
    client.force_login(people.gp)
    table = soup(client.get(f"/referrals/{referral.pk}/")).find("caption", string="Appointments for this referral")
    cells = [c.get_text(" ", strip=True) for c in table.find_parent("table").tbody.tr.find_all(["th", "td"])]
    assert cells == ["Tuesday, March 3, 2026", "9:30 a.m. to 10:00 a.m.", "Fremont Medical Center", "Priya Shah",
                     "Booked"]


# --- Cancer Care intake ---------------------------------------------------------------------------

def test_the_queue_shows_urgent_first_then_oldest_and_the_teams_accepted_ones(client, people):
    with time_machine.travel("2026-03-01 16:00:00Z", tick=False):
        old_routine = make_referral(people.gp, people.patient, S.SENT, reason="Old routine")
    with time_machine.travel("2026-03-02 16:00:00Z", tick=False):
        new_urgent = make_referral(people.gp, people.other_patient, S.SENT, urgency="urgent", reason="New urgent")
    with time_machine.travel("2026-03-03 16:00:00Z", tick=False):
        newer_routine = make_referral(people.other_gp, people.other_patient, S.SENT, reason="Newer routine")
    ours = make_referral(people.gp, people.patient, S.ACCEPTED, team=people.team, reason="Ours")
    theirs = make_referral(people.gp, people.other_patient, S.ACCEPTED, team=people.other_team, reason="Theirs")
    draft = make_referral(people.gp, people.patient, S.DRAFT, reason="A draft")
    client.force_login(people.nurse)
    page = soup(client.get(INTAKE))
    waiting, accepted = page.find_all("table")
    links = [a["href"] for a in waiting.tbody.find_all("a")]
    assert links == [f"/referrals/intake/{r.pk}/" for r in (new_urgent, old_routine, newer_routine)]
    assert [a["href"] for a in accepted.tbody.find_all("a")] == [f"/referrals/intake/{ours.pk}/"]
    assert "Theirs" not in page.get_text() and "A draft" not in page.get_text()
    assert client.get(reverse("referrals:intake_detail", kwargs={"pk": theirs.pk})).status_code == 404
    assert client.get(reverse("referrals:intake_detail", kwargs={"pk": draft.pk})).status_code == 404
    read_patients = set(AuditEvent.objects.filter(actor=people.nurse, action="read", detail="referral intake")
                        .values_list("patient", flat=True))
    assert read_patients == {people.patient.pk, people.other_patient.pk}


def test_reading_a_referral_is_audited_with_the_patient(client, people):
    referral = make_referral(people.gp, people.patient, S.SENT)
    client.force_login(people.nurse)
    response = client.get(reverse("referrals:intake_detail", kwargs={"pk": referral.pk}))
    assert response.status_code == 200
    assert "Lump in the thigh" in text(response)
    assert AuditEvent.objects.filter(actor=people.nurse, action="read", patient=people.patient,
                                     object_type="referrals.referral", object_id=str(referral.pk)).exists()


def test_accept_for_my_team_gives_the_team_the_referral(client, people):
    referral = make_referral(people.gp, people.patient, S.SENT)
    client.force_login(people.nurse)
    response = client.post(reverse("referrals:intake_accept", args=[referral.pk]), {"accept-team": people.team.pk})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert (referral.status, referral.team) == (S.ACCEPTED, people.team)
    # The patient's other records wait for the patient to agree (test_referrals_sharing.py).
    assert not scoping.can_see_patient(people.oncologist, people.patient)
    page = text(client.get(response["Location"]))
    assert "You accepted this referral for Oncology team A" in page
    assert "The patient is asked whether your team may see their records." in page


def test_accepting_for_another_team_is_an_error_on_the_team_field(client, people):
    referral = make_referral(people.gp, people.patient, S.SENT)
    client.force_login(people.nurse)
    response = client.post(f"/referrals/intake/{referral.pk}/accept/", {"accept-team": people.other_team.pk})
    assert response.status_code == 400
    assert error_summary(response) == ["Choose one of your own care teams"]
    referral.refresh_from_db()
    assert referral.status == S.SENT


def test_two_staff_accept_at_once_and_the_second_is_told_clearly(client, people):
    referral = make_referral(people.gp, people.patient, S.SENT)
    first, second = client, type(client)()
    first.force_login(people.nurse)
    second.force_login(people.other_nurse)
    # Both have the referral open while it is waiting.
    assert first.get(reverse("referrals:intake_detail", kwargs={"pk": referral.pk})).status_code == 200
    assert second.get(reverse("referrals:intake_detail", kwargs={"pk": referral.pk})).status_code == 200
    assert first.post(f"/referrals/intake/{referral.pk}/accept/", {"accept-team": people.team.pk}).status_code == 302
    response = second.post(reverse("referrals:intake_accept", kwargs={"pk": referral.pk}),
                           {"accept-team": people.other_team.pk, "seen": "sent"})
    assert response.status_code == 409
    assert "This referral was already accepted by Nia Nurse. Nothing was changed." in text(response)
    # The other team does not now see the patient or the referral's details.
    assert "Lump in the thigh" not in text(response)
    referral.refresh_from_db()
    assert referral.team == people.team
    assert not scoping.can_see_patient(people.other_nurse, people.patient)
    # Without having seen it waiting, the id is simply not found.
    assert second.post(reverse("referrals:intake_accept", kwargs={"pk": referral.pk}),
                       {"accept-team": people.other_team.pk}).status_code == 404


def test_the_accept_form_says_what_the_user_saw(client, people):
    referral = make_referral(people.gp, people.patient, S.SENT)
    client.force_login(people.nurse)
    page = soup(client.get(reverse("referrals:intake_detail", kwargs={"pk": referral.pk})))
    form = page.find("form", action=reverse("referrals:intake_accept", kwargs={"pk": referral.pk}))
    assert form.find("input", attrs={"name": "seen"})["value"] == "sent"
    assert [o.get_text() for o in form.find("select").find_all("option")] == ["Oncology team A"]


def test_reject_needs_a_reason_and_the_doctor_sees_it(client, people):
    referral = make_referral(people.gp, people.patient, S.SENT)
    client.force_login(people.nurse)
    response = client.post(reverse("referrals:intake_reject", kwargs={"pk": referral.pk}), {"reject-reason": ""})
    assert response.status_code == 400
    assert error_summary(response) == ["Enter the reason for turning down the referral"]
    response = client.post(reverse("referrals:intake_reject", kwargs={"pk": referral.pk}),
                           {"reject-reason": "Needs an orthopedic clinic first"})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == S.REJECTED
    client.force_login(people.gp)
    page = text(client.get(reverse("referrals:detail", kwargs={"pk": referral.pk})))
    assert "Rejected Nia Nurse" in page and "Needs an orthopedic clinic first" in page


def test_complete_after_the_visit_and_cancel_with_a_reason(client, people):
    scheduled = make_referral(people.gp, people.patient, S.SCHEDULED, team=people.team)
    accepted = make_referral(people.gp, people.patient, S.ACCEPTED, team=people.team)
    client.force_login(people.nurse)
    # Not yet scheduled: completing is refused with a message.
    refused = client.post(reverse("referrals:intake_complete", kwargs={"pk": accepted.pk}))
    assert refused.status_code == 409
    assert "it cannot be moved to completed" in text(refused)
    assert client.post(reverse("referrals:intake_complete", kwargs={"pk": scheduled.pk})).status_code == 302
    scheduled.refresh_from_db()
    assert scheduled.status == S.COMPLETED
    assert client.post(reverse("referrals:intake_cancel", args=[accepted.pk]), {"cancel-reason": ""}).status_code == 400
    assert client.post(reverse("referrals:intake_cancel", kwargs={"pk": accepted.pk}),
                       {"cancel-reason": "Patient moved away"}).status_code == 302
    accepted.refresh_from_db()
    assert accepted.status == S.CANCELLED


def test_another_teams_nurse_cannot_act_on_our_referral(client, people):
    referral = make_referral(people.gp, people.patient, S.ACCEPTED, team=people.team)
    client.force_login(people.other_nurse)
    for action, data in (("", None), ("complete/", {}), ("cancel/", {"cancel-reason": "x"})):
        url = f"/referrals/intake/{referral.pk}/{action}"
        response = client.get(url) if data is None else client.post(url, data)
        assert response.status_code == 404, url
    referral.refresh_from_db()
    assert referral.status == S.ACCEPTED


# --- the patient -----------------------------------------------------------------------------------

def test_the_patient_sees_their_referrals_in_plain_words(client, people):
    make_referral(people.gp, people.patient, S.SENT)
    make_referral(people.gp, people.patient, S.DRAFT, reason="Not yet sent")
    make_referral(people.gp, people.other_patient, S.SENT)
    client.force_login(people.patient)
    page = text(client.get(MINE))
    assert "Your doctor has sent a referral. The Cancer Care team will contact you." in page
    assert page.count("Referral to Cancer Care from Sam Rivera") == 1  # not the draft, not Oscar's
    assert "Get ready for your first visit" not in page


def test_an_accepted_referral_links_to_getting_ready_and_shows_the_visit(client, people):
    referral = make_referral(people.gp, people.patient, S.SCHEDULED, team=people.team)
    book(referral, people.oncologist)
    client.force_login(people.patient)
    page = soup(client.get(MINE))
    assert page.find("a", href=f"/referrals/{referral.pk}/prepare/")
    assert "Your visit: Tuesday, March 3, 2026 at 9:30 a.m., Fremont Medical Center, with Priya Shah." in \
        " ".join(page.get_text().split())


def test_the_preparation_page_says_what_happens_what_to_bring_and_when_to_call(client, people):
    referral = make_referral(people.gp, people.patient, S.ACCEPTED, team=people.team, urgency="urgent")
    client.force_login(people.patient)
    page = soup(client.get(reverse("referrals:prepare", kwargs={"pk": referral.pk})))
    headings = [h.get_text(strip=True) for h in page.find_all("h2")]
    for heading in ("What happens at your first visit", "What to bring", "Questions you may want to ask",
                    "Questions before your visit", "When to call"):
        assert heading in headings
    body = " ".join(page.get_text(" ").split())
    for words in ("health history", "family history", "physical exam", "treatment plan", "medicines",
                  "Someone to come with you", "within a day or two, and often the same day"):
        assert words in body, words
    assert page.find("a", href="tel:911")
    assert page.find("a", href="tel:5105550100").get_text() == "510-555-0100"  # the care team's line


@pytest.mark.parametrize("status", [S.SENT, S.COMPLETED, S.CANCELLED, S.REJECTED])
def test_there_is_nothing_to_prepare_for_before_acceptance_or_after_the_end(client, people, status):
    referral = make_referral(people.gp, people.patient, status, team=people.team)
    client.force_login(people.patient)
    assert client.get(reverse("referrals:prepare", kwargs={"pk": referral.pk})).status_code == 404
    assert client.get(reverse("referrals:questions", kwargs={"pk": referral.pk})).status_code == 404


def test_another_patient_gets_404(client, people):
    referral = make_referral(people.gp, people.patient, S.ACCEPTED, team=people.team)
    client.force_login(people.other_patient)
    assert client.get(reverse("referrals:prepare", kwargs={"pk": referral.pk})).status_code == 404
    assert client.get(reverse("referrals:questions", kwargs={"pk": referral.pk})).status_code == 404
    assert client.post(reverse("referrals:questions", kwargs={"pk": referral.pk}), ANSWERS).status_code == 404


ANSWERS = {"concern": "Pain in my left leg", "medicines": "Ibuprofen 400 mg", "allergies": "Penicillin",
           "family": "yes", "family.who": "My mother, breast cancer", "matters": "Keep working",
           "interpreter": "yes", "interpreter.language": "Spanish", "barriers": ""}


def test_the_patient_sends_answers_and_the_clinician_sees_them(client, people):
    referral = make_referral(people.gp, people.patient, S.ACCEPTED, team=people.team)
    client.force_login(people.patient)
    response = client.post(reverse("referrals:questions", kwargs={"pk": referral.pk}), ANSWERS)
    assert response.status_code == 303
    assert response["Location"] == f"/referrals/{referral.pk}/prepare/#your-answers"
    referral.refresh_from_db()
    record = referral.previsit_response
    assert record.subject == people.patient
    assert AuditEvent.objects.filter(actor=people.patient, action="update", object_id=str(referral.pk),
                                     detail="pre-visit answers").exists()
    page = text(client.get(reverse("referrals:prepare", kwargs={"pk": referral.pk})))
    assert "Thank you. We sent your answers to the Cancer Care team." in page
    assert "Pain in my left leg" in page and "Spanish" in page

    client.force_login(people.oncologist)
    staff_page = text(client.get(reverse("referrals:intake_detail", kwargs={"pk": referral.pk})))
    for answer in ("Pain in my left leg", "Ibuprofen 400 mg", "Penicillin", "My mother, breast cancer", "Spanish"):
        assert answer in staff_page
    assert AuditEvent.objects.filter(actor=people.oncologist, action="read", patient=people.patient,
                                     object_type="questionnaires.questionnaireresponse",
                                     object_id=str(record.pk)).exists()


def test_a_missing_answer_is_named_and_nothing_is_stored(client, people):
    referral = make_referral(people.gp, people.patient, S.ACCEPTED, team=people.team)
    client.force_login(people.patient)
    response = client.post(reverse("referrals:questions", kwargs={"pk": referral.pk}), {**ANSWERS, "concern": ""})
    assert response.status_code == 200
    assert soup(response).find(class_="error-summary")
    assert "What is your main health concern right now?" in soup(response).find(class_="error-summary").get_text()
    referral.refresh_from_db()
    assert referral.previsit_response is None
    assert not QuestionnaireResponse.objects.filter(subject=people.patient).exists()


def test_answers_can_be_changed_and_sent_again_before_the_visit(client, people):
    referral = make_referral(people.gp, people.patient, S.ACCEPTED, team=people.team)
    client.force_login(people.patient)
    client.post(reverse("referrals:questions", kwargs={"pk": referral.pk}), ANSWERS)
    form = soup(client.get(reverse("referrals:questions", kwargs={"pk": referral.pk})))
    assert form.find("textarea", attrs={"name": "concern"}).get_text() .strip() == "Pain in my left leg"
    client.post(reverse("referrals:questions", kwargs={"pk": referral.pk}),
                {**ANSWERS, "interpreter": "no", "interpreter.language": "", "family": "no", "family.who": ""})
    referral.refresh_from_db()
    page = text(client.get(reverse("referrals:prepare", kwargs={"pk": referral.pk})))
    assert "Spanish" not in page and "My mother" not in page
    assert QuestionnaireResponse.objects.filter(subject=people.patient).count() == 2


def test_answers_are_not_stored_once_the_referral_was_cancelled_meanwhile(client, people):
    referral = make_referral(people.gp, people.patient, S.ACCEPTED, team=people.team)
    client.force_login(people.patient)
    client.get(reverse("referrals:questions", kwargs={"pk": referral.pk}))
    services.cancel(referral, people.nurse, "Patient moved away")
    assert client.post(reverse("referrals:questions", kwargs={"pk": referral.pk}), ANSWERS).status_code == 404
    assert not QuestionnaireResponse.objects.filter(subject=people.patient).exists()
