"""The symptom diary as a patient uses it: choose symptoms, fill in the day, see what to do.
Every entry runs the side-effect rules, shows the same guidance as the check and hands the
result to the care team's alerts."""

import pytest
from bs4 import BeautifulSoup
from diary_support import quiet_day
from django.urls import reverse
from factories import PatientFactory

from careguide.alerts.models import Alert, TriageEvent
from careguide.audit.models import AuditEvent
from careguide.diary import services, wording
from careguide.diary.forms import field_name
from careguide.diary.models import DiaryEntry, SymptomAnswer, TrackedSymptom

pytestmark = pytest.mark.django_db

TODAY = reverse("diary:today")
SYMPTOMS = reverse("diary:symptoms")


@pytest.fixture
def patient(db):
    return PatientFactory(email="pat@example.org", first_name="")


@pytest.fixture
def signed_in(client, patient):
    client.force_login(patient)
    return client


@pytest.fixture
def tracking(patient):
    services.set_tracked(patient, list(wording.DEFAULT_TERMS))
    return patient


def errors(response):
    soup = BeautifulSoup(response.content, "html.parser")
    return [a.get_text(strip=True) for a in soup.select(".error-summary__list a")]


# --- choosing symptoms -----------------------------------------------------------------------

def test_first_visit_asks_for_symptoms_with_the_defaults_ticked(signed_in):
    response = signed_in.get(TODAY)
    assert response.status_code == 302 and response["Location"] == SYMPTOMS
    page = BeautifulSoup(signed_in.get(SYMPTOMS).content, "html.parser")
    ticked = {box["value"] for box in page.select("input[name=terms][checked]")}
    assert ticked == set(wording.DEFAULT_TERMS)
    assert page.select_one("fieldset legend").get_text(strip=True) == "Which symptoms do you want to track?"


def test_choosing_symptoms_saves_them_with_an_audit_entry(signed_in, patient):
    response = signed_in.post(SYMPTOMS, {"terms": ["Fatigue", "Hair Loss"]})
    assert response.status_code == 302 and response["Location"] == TODAY
    assert list(TrackedSymptom.objects.for_user(patient).values_list("term", flat=True)) == ["Fatigue", "Hair Loss"]
    assert AuditEvent.objects.filter(actor=patient, action="update", object_type="diary.trackedsymptom").exists()


def test_choosing_nothing_or_an_unknown_symptom_is_refused(signed_in):
    response = signed_in.post(SYMPTOMS, {})
    assert response.status_code == 400
    assert errors(response) == ["Choose at least one symptom to track"]
    response = signed_in.post(SYMPTOMS, {"terms": ["Hiccups"]})
    assert response.status_code == 400
    assert "Hiccups" in errors(response)[0]


# --- the form --------------------------------------------------------------------------------

def test_the_form_asks_each_attribute_in_our_words_with_legends(signed_in, tracking):
    response = signed_in.get(TODAY)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    page = BeautifulSoup(response.content, "html.parser")
    legends = [legend.get_text(strip=True) for legend in page.select("fieldset legend")]
    assert "How often did you feel sick to your stomach?" in legends
    assert "When it was at its worst, how bad was the sick feeling?" in legends
    nausea_how_often = field_name("Nausea", "frequency")
    labels = [label.get_text(strip=True) for label in page.select(f"label[for^=id_{nausea_how_often}_]")]
    assert labels == ["Never", "Now and then", "Sometimes", "Often", "Almost all the time"]
    # NCI's response words are not ours to use.
    assert "Almost constantly" not in response.content.decode()
    headings = [h.get_text(strip=True) for h in page.select("section.diary-group h2")]
    assert "Feeling sick to your stomach (nausea)" in headings
    assert headings[-1] == "Safety questions we ask every day"


@pytest.mark.parametrize("terms", [["Hair Loss"], list(wording.DEFAULT_TERMS), list(wording.TRACKABLE)])
def test_the_safety_questions_are_always_asked(signed_in, patient, terms):
    services.set_tracked(patient, terms)
    page = BeautifulSoup(signed_in.get(TODAY).content, "html.parser")
    safety = page.select_one("section#safety")
    names = {i["name"] for i in safety.select("input")}
    assert names == {"temperature", "temperature_unit", "generally_unwell", "chest_pain", "bleeding",
                     "saddle_numbness", "bladder_bowel_loss"}
    text = safety.get_text(" ", strip=True)
    assert "Do you have any pain or tightness in your chest?" in text
    assert "I have not checked my temperature" in text
    assert "Bleeding that will not stop" in text


def test_unanswered_questions_are_named_in_the_error_summary(signed_in, tracking):
    data = quiet_day()
    for name in ("chest_pain", "temperature_unit", field_name("Nausea", "frequency")):
        del data[name]
    data[field_name("Pain", "frequency")] = "2"  # pain sometimes: how bad and how much become needed
    response = signed_in.post(TODAY, data)
    assert response.status_code == 400
    assert errors(response) == [
        "Choose an answer to: How often did you feel sick to your stomach?",
        "Choose an answer to: When it was at its worst, how bad was the pain?",
        "Choose an answer to: How much did pain get in the way of your usual activities?",
        "Choose Celsius or Fahrenheit for your temperature, or choose that you have not checked it",
        "Choose an answer to: Do you have any pain or tightness in your chest?",
    ]
    page = BeautifulSoup(response.content, "html.parser")
    first = page.select_one(".error-summary__list a")["href"]
    assert page.select_one(first) is not None  # the link lands on the question's first option
    assert not DiaryEntry.objects.exists()


def test_counts_are_asked_when_the_symptom_is_there(signed_in, tracking):
    response = signed_in.post(TODAY, quiet_day(**{
        field_name("Vomiting", "frequency"): "2", field_name("Vomiting", "severity"): "1",
    }))
    assert "Choose an answer to: How many times did you throw up in the last 24 hours?" not in errors(response)
    assert "Write a number for: How many times did you throw up in the last 24 hours?" in errors(response)


@pytest.mark.parametrize(
    "temperature, unit, message",
    [
        ("", "C", "Write your temperature, or choose that you have not checked it"),
        ("hot", "C", "Write your temperature as a number, for example 37.2"),
        ("60", "C", "Check your temperature: it should be between 30 and 45 °C"),
        ("37", "F", "Check your temperature: it should be between 86 and 113 °F"),
        ("37.0", "not_checked",
         "You wrote a temperature but chose that you have not checked it: clear the number or choose Celsius or "
         "Fahrenheit"),
    ],
)
def test_temperature_errors(signed_in, tracking, temperature, unit, message):
    response = signed_in.post(TODAY, quiet_day(temperature=temperature, temperature_unit=unit))
    assert response.status_code == 400
    assert errors(response) == [message]


# --- saving and the result ---------------------------------------------------------------------

def test_a_quiet_day_is_green_stored_and_audited(signed_in, tracking, patient):
    response = signed_in.post(TODAY, quiet_day())
    entry = DiaryEntry.objects.get(patient=patient)
    assert response.status_code == 302 and response["Location"] == f"/diary/entries/{entry.pk}/"
    assert entry.disposition == "green"
    assert entry.rule_set_version and entry.crosswalk_version == "diary-crosswalk-1"
    assert SymptomAnswer.objects.filter(entry=entry).count() == 10
    assert AuditEvent.objects.filter(actor=patient, action="create", object_type="diary.diaryentry",
                                     object_id=str(entry.pk), patient=patient).exists()
    event = TriageEvent.objects.get(patient=patient)
    assert (event.source, event.disposition) == ("diary", "green")
    page = signed_in.get(response["Location"])
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    assert "You can look after yourself at home" in page.content.decode()


def test_a_red_entry_shows_the_red_guidance_and_raises_an_alert(signed_in, tracking, patient):
    response = signed_in.post(TODAY, quiet_day(**{
        field_name("Nausea", "frequency"): "4", field_name("Nausea", "severity"): "3",
    }))
    entry = DiaryEntry.objects.get(patient=patient)
    assert entry.disposition == "red"
    assert entry.answers.get(term="Nausea").composite_grade == 3
    assert entry.contract_input["symptoms"]["nausea"] == 3
    event = TriageEvent.objects.get(patient=patient)
    assert (event.source, event.disposition, event.source_url) == ("diary", "red", f"/diary/entries/{entry.pk}/")
    assert Alert.objects.filter(patient=patient, event=event).exists()
    page = BeautifulSoup(signed_in.get(response["Location"]).content, "html.parser")
    guidance = page.select_one(".guidance--red")
    assert guidance is not None
    assert guidance.select_one("h2").get_text(strip=True) == "Call the 24-hour cancer care line now"
    assert "Nausea" in guidance.get_text()


def test_an_emergency_safety_answer_says_call_911_whatever_the_symptoms(signed_in, patient):
    services.set_tracked(patient, ["Hair Loss"])
    response = signed_in.post(TODAY, quiet_day(**{field_name("Hair Loss", "amount"): "1", "bladder_bowel_loss": "yes"}))
    entry = DiaryEntry.objects.get(patient=patient)
    assert entry.disposition == "emergency"
    page = BeautifulSoup(signed_in.get(response["Location"]).content, "html.parser")
    assert "Call 911 now" in page.select_one(".emergency-banner").get_text(" ", strip=True).replace("  ", " ")
    assert TriageEvent.objects.get(patient=patient).disposition == "emergency"


def test_fahrenheit_is_converted_and_fever_on_treatment_is_red(signed_in, tracking, patient, monkeypatch):
    from careguide.sideeffects import profile

    on_chemo = {"on_sact": True, "immunosuppressed": False, "ici": False}
    monkeypatch.setattr(profile, "triage_context", lambda user: on_chemo)
    signed_in.post(TODAY, quiet_day(temperature="100.4", temperature_unit="F"))
    entry = DiaryEntry.objects.get(patient=patient)
    assert str(entry.temperature_c) == "38.0" and entry.temperature_unit == "F"
    assert entry.disposition == "red"


def test_not_checking_the_temperature_is_allowed_and_reminded(signed_in, tracking, patient):
    response = signed_in.post(TODAY, quiet_day(temperature="", temperature_unit="not_checked"))
    entry = DiaryEntry.objects.get(patient=patient)
    assert entry.temperature_c is None and "temperature_c" not in entry.contract_input["symptoms"]
    assert "Check your temperature now if you can" in signed_in.get(response["Location"]).content.decode()


def test_a_rash_asks_its_follow_ups_and_an_unsure_size_is_taken_as_large(signed_in, tracking, patient):
    response = signed_in.post(TODAY, quiet_day(**{field_name("Rash", "presence"): "yes"}))
    assert response.status_code == 400
    assert "Choose an answer to: How much of your body does the rash cover?" in errors(response)
    signed_in.post(TODAY, quiet_day(**{field_name("Rash", "presence"): "yes", "rash_extent": "not_sure",
                                       "skin_limits_activity": "no", "skin_severe": "no"}))
    entry = DiaryEntry.objects.get(patient=patient)
    assert entry.contract_input["symptoms"]["skin_percent"] == 10
    assert entry.disposition == "red"


def test_skipped_follow_ups_are_dropped_after_never(signed_in, tracking, patient):
    # "Never" felt sick, but a severity was clicked too: PRO-CTCAE skips it, so do we.
    signed_in.post(TODAY, quiet_day(**{field_name("Nausea", "severity"): "3"}))
    answer = DiaryEntry.objects.get(patient=patient).answers.get(term="Nausea")
    assert (answer.frequency, answer.severity, answer.composite_grade) == (0, None, 0)


def test_a_correction_the_same_day_is_a_new_version(signed_in, tracking, patient):
    signed_in.post(TODAY, quiet_day())
    first = DiaryEntry.objects.get(patient=patient)
    page = BeautifulSoup(signed_in.get(TODAY).content, "html.parser")
    assert "You have already filled in today's diary" in page.get_text()
    assert page.select_one("input[name=temperature]")["value"] == "36.8"
    signed_in.post(TODAY, quiet_day(**{field_name("Pain", "frequency"): "3", field_name("Pain", "severity"): "3",
                                       field_name("Pain", "interference"): "3"}))
    first.refresh_from_db()
    current = DiaryEntry.objects.get(patient=patient, superseded=False)
    assert first.superseded and current.version == 2 and current.date == first.date
    assert current.disposition == "red"
    assert AuditEvent.objects.filter(action="update", object_type="diary.diaryentry", object_id=str(first.pk)).exists()
    assert TriageEvent.objects.filter(patient=patient).count() == 2


def test_a_symptom_outside_the_rules_is_mentioned_not_ignored(signed_in, patient):
    services.set_tracked(patient, ["Dizziness"])
    response = signed_in.post(TODAY, quiet_day(**{field_name("Dizziness", "severity"): "3",
                                                  field_name("Dizziness", "interference"): "3"}))
    text = BeautifulSoup(signed_in.get(response["Location"]).content, "html.parser").get_text(" ", strip=True)
    assert "dizziness (severe)" in text
    assert "If you are worried about it, call your care team" in text


def test_the_account_page_links_to_the_diary(signed_in):
    page = BeautifulSoup(signed_in.get(reverse("accounts:home")).content, "html.parser")
    assert page.select_one("#diary-section-title") is not None
    assert page.select_one("a[href='/diary/']") is not None


def test_signed_out_visitors_are_sent_to_sign_in(client):
    for url in ("/diary/", TODAY, SYMPTOMS, "/diary/trends/", "/diary/export.csv", "/diary/summary.pdf"):
        response = client.get(url)
        assert response.status_code == 302 and "next=" in response["Location"], url
