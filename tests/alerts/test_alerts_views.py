"""The care team's pages: who may open them, the queue's order and filter, an alert's page with
its history and actions, a patient's page, privacy between teams, and the audit of every read."""

from datetime import date, timedelta

import pytest
from alerts_support import raise_alert, result
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone
from factories import CareTeamFactory, NurseFactory, PatientFactory

from careguide.alerts import services
from careguide.alerts.models import Alert
from careguide.audit.models import AuditEvent
from careguide.procedures import checklists
from careguide.procedures import services as procedure_services

pytestmark = pytest.mark.django_db

QUEUE = reverse("alerts:queue")
NOTE_MISSING = "Enter a note saying what was done to resolve the alert"


@pytest.fixture
def team(db):
    team = CareTeamFactory(name="Oncology team A")
    nurse = NurseFactory(username="nurse.nia", email="nia@clinic.example", first_name="", last_name="", team=team)
    return type("Team", (), {"team": team, "nurse": nurse})


@pytest.fixture
def other_team(db):
    team = CareTeamFactory(name="Oncology team B")
    nurse = NurseFactory(username="nurse.olu", first_name="", last_name="", team=team)
    patient = PatientFactory(email="oscar@example.org", first_name="Oscar", team=team)
    return type("Team", (), {"team": team, "nurse": nurse, "patient": patient})


@pytest.fixture
def patient(team):
    return PatientFactory(email="pat@example.org", first_name="Pat", last_name="Lee", team=team.team)


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def queue_rows(client, query=""):
    page = soup(client.get(QUEUE + query))
    table = page.find("table")
    if table is None:
        return []
    return [
        [cell.get_text(" ", strip=True) for cell in row.find_all(["th", "td"])]
        for row in table.find("tbody").find_all("tr")
    ]


# --- who may open the pages -------------------------------------------------------------------

def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(QUEUE)
    assert response.status_code == 302
    assert response["Location"].startswith("/account/sign-in/") or "next=/care-team/" in response["Location"]
    assert "next=/care-team/" in response["Location"]


def test_a_patient_or_editor_gets_a_403_page_not_the_queue(client, patient, editor):
    raise_alert(patient)
    for user in (patient, editor):
        client.force_login(user)
        response = client.get(QUEUE)
        assert response.status_code == 403
        assert "You cannot see this page" in response.content.decode()
        assert "Pat Lee" not in response.content.decode()


def test_pages_are_private_and_not_indexed(client, team, patient):
    alert = raise_alert(patient)
    client.force_login(team.nurse)
    for url in (QUEUE, reverse("alerts:detail", args=[alert.pk]), reverse("alerts:patient", args=[patient.pk])):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"]
        assert soup(response).find("meta", attrs={"name": "robots"})["content"] == "noindex"


# --- the queue --------------------------------------------------------------------------------

def test_queue_lists_most_urgent_then_oldest_first(client, team, patient):
    second = PatientFactory(email="sam@example.org", first_name="Sam", team=team.team)
    raise_alert(patient, "red", age=timedelta(hours=1))
    raise_alert(second, "red", age=timedelta(hours=3))
    raise_alert(second, "emergency", age=timedelta(minutes=5))
    services.record_result(patient, result("amber"), source="check", actor=patient)
    services.record_result(patient, result("amber"), source="diary", actor=patient)  # not better: oldest?
    Alert.objects.filter(kind="amber-not-better").update(created_at=timezone.now() - timedelta(days=2))

    client.force_login(team.nurse)
    rows = queue_rows(client)

    assert [(r[0], r[1]) for r in rows] == [
        ("Emergency", "Sam"),
        ("Red", "Sam"),
        ("Red", "Pat Lee"),
        ("Amber, not better", "Pat Lee"),
    ]
    assert rows[-1][3] == "Symptom diary"
    assert all(r[4] == "New" for r in rows)  # the status in words, not only a colour


def test_acknowledged_alerts_stay_open_and_resolved_ones_move_to_their_filter(client, team, patient):
    acknowledged = raise_alert(patient, "red", age=timedelta(hours=2))
    resolved = raise_alert(patient, "emergency", age=timedelta(hours=1))
    services.acknowledge(acknowledged, team.nurse)
    services.acknowledge(resolved, team.nurse)
    services.resolve(resolved, team.nurse, "Sent to the emergency department.")

    client.force_login(team.nurse)
    assert [(r[0], r[4]) for r in queue_rows(client)] == [("Red", "Acknowledged")]
    assert [(r[0], r[4]) for r in queue_rows(client, "?show=resolved")] == [("Emergency", "Resolved")]
    page = soup(client.get(QUEUE + "?show=resolved"))
    assert page.find("a", attrs={"aria-current": "page"}).get_text(strip=True) == "Resolved alerts"


def test_the_queue_shows_only_the_patients_of_the_users_teams(client, team, patient, other_team):
    raise_alert(patient)
    raise_alert(other_team.patient, "emergency")

    client.force_login(team.nurse)
    text = client.get(QUEUE).content.decode()
    assert "Pat Lee" in text and "Oscar" not in text


def test_an_empty_queue_says_so(client, team):
    client.force_login(team.nurse)
    page = soup(client.get(QUEUE))
    assert page.find("table") is None
    assert "There are no open alerts for the patients of your care teams." in page.get_text()


def test_the_queue_table_is_accessible(client, team, patient):
    raise_alert(patient)
    client.force_login(team.nurse)
    table = soup(client.get(QUEUE)).find("table")
    assert table.caption.get_text(strip=True) == "Open alerts: 1"
    assert [th["scope"] for th in table.thead.find_all("th")] == ["col"] * 7
    assert table.tbody.find("th")["scope"] == "row"


def test_the_queue_costs_a_fixed_number_of_queries(client, team, django_assert_max_num_queries):
    for n in range(30):
        person = PatientFactory(email=f"p{n}@example.org", first_name="", team=team.team)
        raise_alert(person, "red" if n % 2 else "emergency")
    client.force_login(team.nurse)

    # Session, user, team check, alerts with patients and events, one audit insert; the rest is
    # the site chrome on a cold cache (site, settings, locations, menu).
    with django_assert_max_num_queries(12):
        response = client.get(QUEUE)
    assert len(soup(response).find("tbody").find_all("tr")) == 30


def test_reading_the_queue_is_audited_once_per_patient_shown(client, team, patient, other_team):
    raise_alert(patient)
    raise_alert(patient, "emergency")
    raise_alert(other_team.patient)
    client.force_login(team.nurse)
    client.get(QUEUE)

    reads = AuditEvent.objects.filter(action="read", actor=team.nurse)
    assert [(r.patient, r.detail) for r in reads] == [(patient, "alert queue (open)")]


# --- an alert's page --------------------------------------------------------------------------

def test_alert_page_shows_what_happened_and_is_audited(client, team, patient):
    alert = raise_alert(patient, "emergency")
    client.force_login(team.nurse)
    response = client.get(reverse("alerts:detail", kwargs={"pk": alert.pk}))
    page = soup(response)
    text = page.get_text(" ", strip=True)

    assert page.h1.get_text(strip=True) == "Emergency alert for Pat Lee"
    assert "Your temperature is high while on chemotherapy." in text
    assert "Chest pain" in text  # the finding, in words
    assert page.find("a", href="/side-effect-check/result/emergency/") is not None
    history = page.find("caption", string="Every change to this alert, oldest first").parent
    assert [c.get_text(strip=True) for c in history.tbody.tr.find_all(["th", "td"])][:2] == [
        "New", "Raised automatically",
    ]
    assert page.find("button", string="Acknowledge") is not None
    read = AuditEvent.objects.get(action="read", object_type="alerts.alert", object_id=str(alert.pk))
    assert (read.actor, read.patient) == (team.nurse, patient)


def test_a_nurse_acknowledges_then_resolves_with_a_note(client, team, patient):
    alert = raise_alert(patient)
    client.force_login(team.nurse)

    response = client.post(reverse("alerts:acknowledge", kwargs={"pk": alert.pk}), follow=True)
    page = soup(response)
    assert "You acknowledged this alert." in page.get_text()
    assert page.find("textarea", attrs={"name": "note"}) is not None

    response = client.post(reverse("alerts:resolve", kwargs={"pk": alert.pk}), {"note": "Called Pat, fever settled."},
                           follow=True)
    text = soup(response).get_text(" ", strip=True)
    assert "You resolved this alert." in text
    assert "Called Pat, fever settled." in text
    assert "This alert is resolved." in text
    assert Alert.objects.get(pk=alert.pk).status == "resolved"


def test_resolving_without_a_note_names_the_note_field(client, team, patient):
    alert = raise_alert(patient)
    services.acknowledge(alert, team.nurse)
    client.force_login(team.nurse)

    response = client.post(reverse("alerts:resolve", kwargs={"pk": alert.pk}), {"note": "   "})

    assert response.status_code == 400
    page = soup(response)
    summary = page.find(class_="error-summary")
    link = summary.find("a")
    assert link.get_text(strip=True) == NOTE_MISSING
    assert link["href"] == "#id_note"
    assert page.find(id="id_note") is not None
    assert page.title.get_text().startswith("Error:")
    assert Alert.objects.get(pk=alert.pk).status == "acknowledged"


def test_a_second_nurse_sees_who_acknowledged_first_not_an_error_page(client, team, patient):
    colleague = NurseFactory(username="nurse.kim", first_name="", last_name="", team=team.team)
    alert = raise_alert(patient)
    services.acknowledge(alert, colleague)
    client.force_login(team.nurse)

    response = client.post(reverse("alerts:acknowledge", kwargs={"pk": alert.pk}))

    assert response.status_code == 409
    text = soup(response).find(class_="error-summary").get_text(" ", strip=True)
    assert "This alert was already acknowledged by nurse.kim" in text


def test_resolving_a_new_alert_from_a_stale_page_explains_why(client, team, patient):
    alert = raise_alert(patient)
    client.force_login(team.nurse)
    response = client.post(reverse("alerts:resolve", kwargs={"pk": alert.pk}), {"note": "Done"})
    assert response.status_code == 409
    assert "Acknowledge this alert before you resolve it." in response.content.decode()


def test_get_on_an_action_is_refused(client, team, patient):
    alert = raise_alert(patient)
    client.force_login(team.nurse)
    assert client.get(reverse("alerts:acknowledge", kwargs={"pk": alert.pk})).status_code == 405
    assert Alert.objects.get(pk=alert.pk).status == "new"


# --- privacy between teams --------------------------------------------------------------------

def test_another_teams_alert_and_patient_are_not_found(client, team, other_team):
    alert = raise_alert(other_team.patient, "emergency")
    client.force_login(team.nurse)

    assert client.get(reverse("alerts:detail", kwargs={"pk": alert.pk})).status_code == 404
    assert client.post(reverse("alerts:acknowledge", kwargs={"pk": alert.pk})).status_code == 404
    assert client.post(reverse("alerts:resolve", kwargs={"pk": alert.pk}), {"note": "x"}).status_code == 404
    assert client.get(reverse("alerts:patient", kwargs={"patient_id": other_team.patient.pk})).status_code == 404
    assert Alert.objects.get(pk=alert.pk).status == "new"
    assert not AuditEvent.objects.filter(action="read", patient=other_team.patient).exists()


# --- a patient's page -------------------------------------------------------------------------

def test_patient_page_lists_results_and_alerts_and_is_audited(client, team, patient):
    services.record_result(patient, result("green", "All fine."), source="diary", actor=patient)
    alert = raise_alert(patient, "red")
    client.force_login(team.nurse)

    page = soup(client.get(reverse("alerts:patient", kwargs={"patient_id": patient.pk})))

    assert page.h1.get_text(strip=True) == "Pat Lee"
    tables = {t.caption.get_text(" ", strip=True): t for t in page.find_all("table")}
    results = tables["Results from the side-effect check, the symptom diary and the back pain program, latest first"]
    assert [r.find_all("td")[1].get_text(strip=True) for r in results.tbody.find_all("tr")] == ["Red", "Green"]
    alerts_table = next(t for caption, t in tables.items() if caption.startswith("This patient's alerts"))
    assert alerts_table.find("a", href=f"/care-team/alerts/{alert.pk}/") is not None
    read = AuditEvent.objects.get(action="read", detail="care team patient page")
    assert (read.actor, read.patient) == (team.nurse, patient)


def test_patient_page_shows_the_procedure_checklists_the_patient_saved(client, team, patient):
    biopsy = checklists.get("biopsy")
    procedure_services.save_progress(patient, biopsy, ticked=["know-the-type", "medicine-list"],
                                     procedure_date=date(2026, 12, 3), remind=True)
    client.force_login(team.nurse)

    page = soup(client.get(reverse("alerts:patient", kwargs={"patient_id": patient.pk})))

    table = next(t for t in page.find_all("table") if t.caption.get_text(strip=True).startswith("Checklists"))
    row = table.tbody.find("tr")
    cells = [cell.get_text(" ", strip=True) for cell in row.find_all(["th", "td"])]
    assert cells[:4] == ["Having a biopsy", "Dec 3, 2026", f"2 of {len(biopsy.tick_ids())}", "Yes"]
    not_done = [li.get_text(strip=True) for li in row.select("details li")]
    assert len(not_done) == len(biopsy.tick_ids()) - 2
    assert "Tell your care team if you take blood thinners or aspirin. " \
           "You may need to stop them for a few days." in not_done
    assert "Make a list of all your medicines, vitamins and herbs." not in not_done
    assert row.find("a")["href"] == "/prepare/biopsy/"


def test_patient_page_says_when_no_checklist_is_saved(client, team, patient):
    client.force_login(team.nurse)
    page = soup(client.get(reverse("alerts:patient", kwargs={"patient_id": patient.pk})))
    assert "This patient has not saved a procedure checklist." in page.get_text(" ", strip=True)
