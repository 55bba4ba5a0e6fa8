"""Alerts from side-effect results: when one is raised, how it moves from new to resolved, who
may move it, two nurses at once, and how the care team is told (after commit, without health
data, and without losing the alert when email fails)."""

import logging
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from factories import CareTeamFactory, NurseFactory, OncologistFactory, PatientFactory

from careguide.alerts import rules, services
from careguide.alerts.models import Alert, AlertStatus, ImmutableError, TriageEvent
from careguide.alerts.notify import FakeNotifier, get_notifier
from careguide.audit.models import AuditEvent
from careguide.triage.engine import Finding, Result

pytestmark = pytest.mark.django_db

FAKE = "careguide.alerts.notify.FakeNotifier"
WHY_RED = "A temperature of 38 C or more during chemotherapy can be a serious infection."


def result(disposition, *, why=None, symptom="temperature"):
    sentence = why or f"Your answers about {symptom} need a {disposition} response."
    return Result(
        disposition=disposition,
        reasons=[f"{symptom}-{disposition}"],
        rule_set_version="2025.1-test",
        explanations=[sentence],
        findings=(Finding(symptom=symptom, level=disposition, rule=f"{symptom}-{disposition}", why=sentence),),
    )


@pytest.fixture
def people(db):
    team = CareTeamFactory(name="Oncology team A")
    patient = PatientFactory(email="pat@example.org", first_name="Pat", team=team)
    nurse = NurseFactory(username="nurse.nia", email="nia@clinic.example", team=team)
    oncologist = OncologistFactory(username="dr.omar", email="omar@clinic.example", first_name="", last_name="",
                                   team=team)
    outsider = NurseFactory(username="nurse.other", email="other@clinic.example", first_name="", last_name="",
                            team=CareTeamFactory(name="Oncology team B"))
    return type("People", (), {
        "patient": patient, "nurse": nurse, "oncologist": oncologist, "outsider": outsider, "team": team,
    })


@pytest.fixture
def fake_notifier():
    FakeNotifier.reset()
    with override_settings(CAREGUIDE_NOTIFIER=FAKE):
        yield FakeNotifier
    FakeNotifier.reset()


def record(patient, disposition, source="check", **kwargs):
    return services.record_result(patient, result(disposition), source=source, actor=patient, **kwargs)


def kinds(patient):
    return list(Alert.objects.filter(patient=patient).order_by("pk").values_list("kind", flat=True))


# --- when an alert is raised --------------------------------------------------------------------

@pytest.mark.parametrize("disposition", ["red", "emergency"])
def test_red_or_emergency_raises_an_alert_of_that_kind(people, disposition):
    event = record(people.patient, disposition, source_url="/side-effect-check/result/7/")

    alert = Alert.objects.get(patient=people.patient)
    assert alert.kind == disposition
    assert alert.event == event
    assert alert.status == "new"
    assert alert.urgency == rules.URGENCY[disposition]
    assert event.source_url == "/side-effect-check/result/7/"
    assert event.reasons == [f"temperature-{disposition}"]
    assert event.findings[0]["symptom"] == "temperature"
    assert [row.status for row in alert.history.all()] == ["new"]


def test_a_first_amber_or_a_green_raises_nothing(people):
    record(people.patient, "amber")
    record(people.patient, "green")
    assert TriageEvent.objects.filter(patient=people.patient).count() == 2
    assert kinds(people.patient) == []


def test_amber_then_amber_again_is_not_better_and_raises_an_alert(people):
    first = record(people.patient, "amber")
    second = record(people.patient, "amber")

    alert = Alert.objects.get(patient=people.patient)
    assert alert.kind == "amber-not-better"
    assert alert.event == second
    assert alert.previous_event == first


def test_amber_then_green_is_better_and_raises_nothing(people):
    record(people.patient, "amber")
    record(people.patient, "green")
    assert kinds(people.patient) == []


def test_green_then_amber_is_a_first_amber(people):
    record(people.patient, "green")
    record(people.patient, "amber")
    assert kinds(people.patient) == []


def test_amber_from_the_check_then_amber_from_the_diary_raises_an_alert(people):
    record(people.patient, "amber", source="check")
    record(people.patient, "amber", source="diary")
    assert kinds(people.patient) == ["amber-not-better"]


def test_amber_after_red_is_better_and_only_the_red_alerts(people):
    record(people.patient, "red")
    record(people.patient, "amber")
    assert kinds(people.patient) == ["red"]


def test_amber_three_times_keeps_every_alert(people):
    for _ in range(3):
        record(people.patient, "amber")
    assert kinds(people.patient) == ["amber-not-better", "amber-not-better"]


def test_another_patients_amber_does_not_count(people):
    record(people.outsider, "amber")
    record(people.patient, "amber")
    assert kinds(people.patient) == []


def test_the_previous_result_is_the_latest_by_time_not_by_insertion(people):
    # A diary entry stored late but dated earlier than the amber does not hide it.
    TriageEvent.objects.create(
        patient=people.patient, source="check", disposition="amber", reasons=[], rule_set_version="t",
        at=timezone.now() - timedelta(hours=1),
    )
    record(people.patient, "amber", source="diary")
    assert kinds(people.patient) == ["amber-not-better"]


def test_bad_source_or_disposition_is_refused_and_stores_nothing(people):
    with pytest.raises(ValueError, match="source"):
        services.record_result(people.patient, result("red"), source="phone")
    with pytest.raises(ValueError, match="disposition"):
        services.record_result(people.patient, result("purple"), source="check")
    assert not TriageEvent.objects.exists()
    assert not Alert.objects.exists()


def test_a_source_link_must_be_one_of_our_pages(people):
    with pytest.raises(ValueError, match="source_url"):
        record(people.patient, "red", source_url="javascript:alert(1)")
    assert not TriageEvent.objects.exists()


def test_recording_is_audited_without_health_data(people):
    set_up = set(AuditEvent.objects.values_list("pk", flat=True))  # registration's and the team's rows
    event = record(people.patient, "red")
    alert = Alert.objects.get()

    rows = AuditEvent.objects.filter(patient=people.patient, action="create").exclude(pk__in=set_up)
    assert {(r.object_type, r.object_id) for r in rows} == {
        ("alerts.triageevent", str(event.pk)), ("alerts.alert", str(alert.pk)),
    }
    assert all(r.actor == people.patient for r in rows)
    for row in rows:
        assert "red" not in row.detail and "temperature" not in row.detail


# --- immutable rows ---------------------------------------------------------------------------

def test_events_alerts_and_status_rows_are_never_changed_or_deleted(people):
    event = record(people.patient, "red")
    alert = Alert.objects.get()
    row = alert.history.get()

    event.disposition = "green"
    alert.status = "resolved"
    row.note = "edited"
    for obj in (event, alert, row):
        with pytest.raises(ImmutableError):
            obj.save()
        with pytest.raises(ImmutableError):
            obj.delete()
    assert TriageEvent.objects.get().disposition == "red"
    assert Alert.objects.get().status == "new"
    assert AlertStatus.objects.get().note == ""


# --- the state machine ------------------------------------------------------------------------

@pytest.fixture
def alert(people):
    record(people.patient, "red")
    return Alert.objects.get()


def test_acknowledge_then_resolve_writes_a_status_row_each_and_audits(people, alert):
    services.acknowledge(alert, people.nurse)
    resolved = services.resolve(alert, people.oncologist, "  Called Pat; coming in to the day unit.  ")

    assert resolved.status == "resolved"
    history = list(alert.history.order_by("at", "pk"))
    assert [(h.status, h.by, h.by_label) for h in history] == [
        ("new", None, ""),
        ("acknowledged", people.nurse, "nurse.nia"),
        ("resolved", people.oncologist, "dr.omar"),
    ]
    assert history[-1].note == "Called Pat; coming in to the day unit."
    updates = AuditEvent.objects.filter(action="update", object_type="alerts.alert", object_id=str(alert.pk))
    assert sorted((u.actor_label, u.detail) for u in updates) == [
        ("dr.omar", "alert resolved"), ("nurse.nia", "alert acknowledged"),
    ]
    assert all(u.patient == people.patient for u in updates)


def test_resolving_a_new_alert_is_refused(people, alert):
    with pytest.raises(services.AlertStateError, match="Acknowledge this alert before you resolve it"):
        services.resolve(alert, people.nurse, "Called")
    assert Alert.objects.get().status == "new"
    assert alert.history.count() == 1


@pytest.mark.parametrize("note", ["", "   ", None])
def test_resolving_needs_a_note(people, alert, note):
    services.acknowledge(alert, people.nurse)
    with pytest.raises(services.AlertStateError, match="Enter a note"):
        services.resolve(alert, people.nurse, note)
    assert Alert.objects.get().status == "acknowledged"


def test_a_resolved_alert_cannot_move_again(people, alert):
    services.acknowledge(alert, people.nurse)
    services.resolve(alert, people.nurse, "Called")
    with pytest.raises(services.AlertStateError, match="already resolved by nurse.nia"):
        services.acknowledge(alert, people.oncologist)
    with pytest.raises(services.AlertStateError, match="already resolved by nurse.nia"):
        services.resolve(alert, people.oncologist, "Again")
    assert alert.history.count() == 3


def test_the_transition_table_allows_only_the_two_forward_steps():
    allowed = {
        (current, target)
        for current in rules.STATUSES for target in rules.STATUSES
        if _allowed(current, target)
    }
    assert allowed == {("new", "acknowledged"), ("acknowledged", "resolved")}


def _allowed(current, target):
    try:
        rules.check_transition(current, target, "a note")
    except rules.TransitionError:
        return False
    return True


def test_only_the_patients_care_team_may_act(people, alert):
    for user in (people.outsider, people.patient):
        with pytest.raises(PermissionDenied):
            services.acknowledge(alert, user)
    assert Alert.objects.get().status == "new"


# --- two nurses at once -----------------------------------------------------------------------

def test_the_second_of_two_nurses_is_told_who_acknowledged_first(people, alert):
    seen_by_nia = Alert.objects.get(pk=alert.pk)
    seen_by_omar = Alert.objects.get(pk=alert.pk)  # both pages showed "new"

    services.acknowledge(seen_by_nia, people.nurse)
    with pytest.raises(services.AlertStateError, match=r"already acknowledged by nurse\.nia at \d\d:\d\d"):
        services.acknowledge(seen_by_omar, people.oncologist)

    assert list(alert.history.values_list("status", flat=True)) == ["new", "acknowledged"]


def test_a_write_landing_between_read_and_update_loses_nothing(people, alert, monkeypatch):
    """Where the row lock is a no-op (SQLite), the other nurse's write can land after our read;
    the conditional update still refuses it, and names who won."""
    read_before_the_other_write = Alert.objects.get(pk=alert.pk)
    services.acknowledge(alert, people.nurse)

    class StaleRead:
        def get(self, **kwargs):
            return read_before_the_other_write

    monkeypatch.setattr(Alert.objects, "select_for_update", StaleRead)
    with pytest.raises(services.AlertStateError, match=r"already acknowledged by nurse\.nia"):
        services.acknowledge(alert, people.oncologist)

    rows = list(alert.history.values_list("status", "by_label"))
    assert rows == [("new", ""), ("acknowledged", "nurse.nia")]


# --- notifications ----------------------------------------------------------------------------

def test_the_team_is_notified_after_commit(people, fake_notifier, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        record(people.patient, "red")
        assert fake_notifier.calls == []  # nothing before the commit
    for callback in callbacks:
        callback()

    alert = Alert.objects.get()
    assert fake_notifier.calls == [(alert.pk, sorted([people.nurse.pk, people.oncologist.pk]))]


def test_nothing_is_sent_when_the_write_rolls_back(people, fake_notifier, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        record(people.patient, "emergency")
        raise RuntimeError("the diary entry failed to save")

    assert fake_notifier.calls == []
    assert not Alert.objects.exists()


def test_no_notification_for_results_without_an_alert(people, fake_notifier, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        record(people.patient, "amber")
        record(people.patient, "green")
    assert fake_notifier.calls == []


def test_a_patient_outside_every_team_is_logged_not_lost(people, fake_notifier, django_capture_on_commit_callbacks,
                                                          caplog):
    with caplog.at_level(logging.WARNING, logger="careguide.alerts"), django_capture_on_commit_callbacks(execute=True):
        record(people.outsider, "red")
    assert Alert.objects.filter(patient=people.outsider).count() == 1
    assert fake_notifier.calls == []
    assert "in no care team" in caplog.text


def test_the_email_says_only_that_there_is_an_alert(people, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    email = override_settings(CAREGUIDE_NOTIFIER="careguide.alerts.notify.EmailNotifier")
    with email, django_capture_on_commit_callbacks(execute=True):
        services.record_result(people.patient, result("red", why=WHY_RED), source="check", actor=people.patient)

    assert sorted(m.to[0] for m in mail.outbox) == ["nia@clinic.example", "omar@clinic.example"]
    assert all(len(m.to) == 1 for m in mail.outbox)  # nobody sees the other addresses
    message = mail.outbox[0]
    text = f"{message.subject}\n{message.body}"
    assert "new urgent alert for a patient of your care team" in text
    assert "http://testserver/care-team/" in text
    for health_data in ("Pat", "pat@example.org", "red", "Red", "temperature", "38", "chemotherapy", "check"):
        assert health_data not in text, health_data


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server for pat@example.org is down")


def test_a_failing_mail_server_keeps_the_alert_and_logs_no_health_data(
    people, django_capture_on_commit_callbacks, caplog
):
    broken_mail = override_settings(
        CAREGUIDE_NOTIFIER="careguide.alerts.notify.EmailNotifier", EMAIL_BACKEND="test_alerts_services.BrokenBackend",
    )
    with broken_mail, caplog.at_level(logging.INFO), django_capture_on_commit_callbacks(execute=True):
        record(people.patient, "emergency")

    alert = Alert.objects.get()
    assert alert.status == "new"
    assert f"Alert {alert.pk}: notifying the care team failed (ConnectionRefusedError)" in caplog.text
    assert "pat@example.org" not in caplog.text and "emergency" not in caplog.text


def test_the_notifier_comes_from_the_setting():
    assert type(get_notifier()).__name__ == "EmailNotifier"
    with override_settings(CAREGUIDE_NOTIFIER=FAKE):
        assert isinstance(get_notifier(), FakeNotifier)
