"""Prepare for your procedure, as people see it: public lists, a patient's ticks saved to their
account, the procedure date and reminder choice, staff and strangers kept out of the form, the
PDF, and privacy (saved data is found by the signed-in user only; no ids in any URL)."""

import datetime as dt

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.urls import reverse
from factories import NurseFactory, PatientFactory

from careguide.audit.models import AuditEvent
from careguide.procedures import checklists, forms
from careguide.procedures.models import SavedChecklist

pytestmark = pytest.mark.django_db

INDEX = reverse("procedures:index")
BIOPSY = reverse("procedures:detail", kwargs={"slug": "biopsy"})
CARE_TEAM_PHONE = "510-555-0100"  # content/site.yaml
TOTAL = len(checklists.get("biopsy").tick_ids())
# 10:00 in California on Nov 21 2026.
NOW = dt.datetime(2026, 11, 21, 18, 0, tzinfo=dt.UTC)


def make_patient(email="pat@example.org", first_name="Pat"):
    return PatientFactory(email=email, first_name=first_name)


@pytest.fixture
def patient():
    return make_patient()


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def text(response):
    return " ".join(soup(response).get_text(" ").split())


def checked_ids(response):
    return {box["value"] for box in soup(response).select("input[name=ticked][checked]")}


def error_summary(response):
    box = soup(response).select_one(".error-summary")
    return [(a["href"], a.get_text(strip=True)) for a in box.select("a")] if box else []


def post(client, url=BIOPSY, ticked=(), date="", remind=False):
    data = {"ticked": list(ticked), "procedure_date": date}
    if remind:
        data["remind"] = "on"
    return client.post(url, data)


# --- public pages -----------------------------------------------------------------------------

def test_anyone_can_see_the_list_of_checklists(client):
    response = client.get(INDEX)
    assert response.status_code == 200
    page = soup(response)
    titles = [a.get_text(strip=True) for a in page.select(".procedures-list__title a")]
    assert "Having a biopsy" in titles and "Having a stem cell transplant" in titles and len(titles) == 8
    assert page.main.find("a", string="Sign in")["href"] == "/account/sign-in/?next=/prepare/"


def test_a_visitor_reads_a_checklist_without_checkboxes_and_is_invited_to_sign_in(client):
    response = client.get(BIOPSY)
    assert response.status_code == 200
    page = soup(response)
    assert page.h1.get_text(strip=True) == "Having a biopsy"
    headings = [h.get_text(strip=True) for h in page.select("main h2")]
    for heading in ("Before", "The day before", "On the day", "After", "What to bring", "Questions to ask",
                    "When to call"):
        assert heading in headings
    assert "Ask which kind of biopsy you will have" in page.get_text()
    assert not page.select("input[type=checkbox]") and not page.select("form.procedures-form")
    assert "to tick items off and save your progress" in page.get_text()
    assert page.find("a", string="Print this list (PDF)")["href"] == "/prepare/biopsy/pdf"


def test_when_to_call_says_911_first_then_the_care_team_with_its_number(client):
    calls = soup(client.get(reverse("procedures:detail", args=["lumbar-puncture"]))).select(".procedures-call h3")
    texts = [h.get_text(" ", strip=True) for h in calls]
    assert texts[0] == "Call 911 now if:"
    assert texts[1] == f"Call your care team at {CARE_TEAM_PHONE} if:"


def test_an_unknown_checklist_is_a_404(client):
    assert client.get(reverse("procedures:detail", kwargs={"slug": "brain-surgery"})).status_code == 404
    assert client.get(reverse("procedures:pdf", kwargs={"slug": "brain-surgery"})).status_code == 404


# --- a patient ticks items off ------------------------------------------------------------------

@time_machine.travel(NOW, tick=False)
def test_a_patient_ticks_items_saves_and_sees_them_after_reload(client, patient):
    client.force_login(patient)
    first = client.get(BIOPSY)
    assert f"You have done 0 of {TOTAL} things" in text(first)
    assert first["Cache-Control"].count("no-store") and "private" in first["Cache-Control"]

    response = post(client, ticked=["know-the-type", "bring-id", "q-why"], date="2026-12-03", remind=True)
    assert response.status_code == 302 and response["Location"] == "/prepare/biopsy/#progress"

    again = client.get(BIOPSY)
    assert checked_ids(again) == {"know-the-type", "bring-id", "q-why"}
    shown = text(again)
    assert "Your checklist is saved." in shown
    assert f"You have done 3 of {TOTAL} things" in shown
    assert "Your procedure: Thursday, December 3, 2026." in shown
    assert soup(again).select_one("#id_procedure_date")["value"] == "2026-12-03"
    assert soup(again).select_one("#id_remind").has_attr("checked")
    # The list page shows the progress too.
    assert f"You have done 3 of {TOTAL}. Your procedure: Thursday, December 3, 2026." in text(client.get(INDEX))

    # Unticking is saved as well.
    post(client, ticked=["bring-id"], date="2026-12-03")
    assert checked_ids(client.get(BIOPSY)) == {"bring-id"}
    saved = SavedChecklist.objects.get(patient=patient)
    assert (saved.ticked, saved.remind, saved.version) == (["bring-id"], False, 1)


def test_saving_is_audited_without_health_details(client, patient):
    client.force_login(patient)
    post(client, ticked=["know-the-type"])
    post(client, ticked=[])
    events = list(AuditEvent.objects.filter(object_type="procedures.savedchecklist").order_by("pk"))
    assert [e.action for e in events] == ["create", "update"]
    assert all(e.patient_id == patient.pk and e.actor_id == patient.pk for e in events)
    assert all("biopsy" not in e.detail and "know" not in e.detail for e in events)


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("date, message", [
    ("2026-11-20", forms.PAST_DATE),
    ("2030-01-01", forms.FAR_DATE),
    ("2026-02-30", forms.BAD_DATE),
    ("next week", forms.BAD_DATE),
])
def test_a_wrong_procedure_date_is_refused_with_a_clear_error(client, patient, date, message):
    client.force_login(patient)
    response = post(client, ticked=["bring-id"], date=date)
    assert response.status_code == 400
    assert error_summary(response) == [("#id_procedure_date", message)]
    assert soup(response).title.get_text().startswith("Error:")
    # What the patient ticked is still ticked on the page, and nothing was saved.
    assert checked_ids(response) == {"bring-id"}
    assert not SavedChecklist.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_today_and_us_style_dates_are_accepted(client, patient):
    client.force_login(patient)
    assert post(client, date="2026-11-21").status_code == 302
    assert post(client, date="1/7/2027").status_code == 302
    assert SavedChecklist.objects.get(patient=patient).procedure_date == dt.date(2027, 1, 7)


def test_a_saved_date_that_has_passed_does_not_block_saving_ticks(client, patient):
    client.force_login(patient)
    with time_machine.travel(NOW, tick=False):
        post(client, date="2026-11-25")
    with time_machine.travel(NOW + dt.timedelta(days=10), tick=False):
        client.force_login(patient)  # the earlier session has ended
        assert post(client, ticked=["rest"], date="2026-11-25").status_code == 302
        assert post(client, ticked=["rest"], date="2026-11-26").status_code == 400


def test_a_reminder_needs_a_date(client, patient):
    client.force_login(patient)
    response = post(client, remind=True)
    assert response.status_code == 400
    assert error_summary(response) == [("#id_procedure_date", forms.REMIND_NEEDS_DATE)]


def test_an_item_that_is_not_on_the_list_is_refused(client, patient):
    client.force_login(patient)
    response = post(client, ticked=["know-the-type", "made-up"])
    assert response.status_code == 400
    assert error_summary(response) == [("#item-know-the-type", forms.UNKNOWN_ITEM)]


# --- who may save ----------------------------------------------------------------------------

def test_a_visitor_who_posts_is_sent_to_sign_in(client):
    response = post(client, ticked=["bring-id"])
    assert response.status_code == 302 and response["Location"].startswith("/account/sign-in/")
    assert not SavedChecklist.objects.exists()


def test_staff_read_the_list_but_cannot_save_one(client):
    nurse = NurseFactory()
    client.force_login(nurse)
    page = client.get(BIOPSY)
    assert page.status_code == 200 and not soup(page).select("input[type=checkbox]")
    response = post(client, ticked=["bring-id"])
    assert response.status_code == 403
    assert "Only patients can save a checklist" in response.content.decode()
    assert not SavedChecklist.objects.exists()


def test_one_patient_never_sees_or_changes_another_patients_checklist(client, patient):
    other = make_patient("sam@example.org", "Sam")
    client.force_login(patient)
    post(client, ticked=["know-the-type", "bring-id"], date="2027-01-07")
    client.force_login(other)
    page = client.get(BIOPSY)
    assert checked_ids(page) == set()
    assert "January 7, 2027" not in page.content.decode()
    assert "You have done" not in text(client.get(INDEX))
    post(client, ticked=["rest"])
    # Sam's save made Sam's own row; Pat's is untouched.
    assert SavedChecklist.objects.get(patient=patient).ticked == ["know-the-type", "bring-id"]
    assert SavedChecklist.objects.get(patient=other).ticked == ["rest"]


def test_the_urls_carry_no_ids():
    # Saved data is looked up by request.user alone, so there is no id to change in a URL.
    from careguide.procedures import urls

    assert [str(p.pattern) for p in urls.urlpatterns] == ["", "<slug:slug>/", "<slug:slug>/pdf", "<slug:slug>/tick"]


# --- print -----------------------------------------------------------------------------------

def test_the_pdf_is_a_pdf_for_anyone(client):
    response = client.get(reverse("procedures:pdf", kwargs={"slug": "radiation-treatment"}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert 'filename="prepare-radiation-treatment.pdf"' in response["Content-Disposition"]


def test_a_patients_pdf_is_private(client, patient):
    client.force_login(patient)
    post(client, ticked=["bring-id"])
    response = client.get(reverse("procedures:pdf", kwargs={"slug": "biopsy"}))
    assert response.content.startswith(b"%PDF") and "no-store" in response["Cache-Control"]


def test_the_page_has_a_print_stylesheet(client):
    page = soup(client.get(BIOPSY))
    sheets = [link["href"] for link in page.select("link[rel=stylesheet]")]
    assert any(href.endswith("procedures/procedures.css") for href in sheets)


def test_the_page_a_patient_sees_reads_at_grade_8_or_below(client, patient):
    from careguide.library.readability import MAX_GRADE, grade, html_segments

    client.force_login(patient)
    for url in (INDEX, BIOPSY, reverse("procedures:detail", kwargs={"slug": "stem-cell-transplant"})):
        main = str(soup(client.get(url)).main)
        assert grade(html_segments(main)) <= MAX_GRADE, url
