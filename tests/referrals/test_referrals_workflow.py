"""The referral state machine: every allowed move works and writes one status row with who and
when; every other move is refused and changes nothing; a reason is required where it must be;
accepting gives the team the patient; the services refuse the wrong people."""

import itertools
from datetime import UTC, datetime

import pytest
import time_machine
from referrals_support import PATH_TO, S, make_people, make_referral

from careguide.audit.models import AuditEvent
from careguide.careteam import scoping
from careguide.referrals import services, workflow
from careguide.referrals.models import ImmutableError, Referral, ReferralStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(db):
    return make_people()

ALLOWED = {(source, target) for source, targets in workflow.TRANSITIONS.items() for target in targets}
REFUSED = [(s, t) for s, t in itertools.product(S.values, S.values) if (s, t) not in ALLOWED]


def test_the_table_is_the_one_the_issue_describes():
    assert {
        (S.DRAFT, S.SENT), (S.DRAFT, S.CANCELLED),
        (S.SENT, S.ACCEPTED), (S.SENT, S.REJECTED), (S.SENT, S.CANCELLED),
        (S.ACCEPTED, S.SCHEDULED), (S.ACCEPTED, S.CANCELLED),
        (S.SCHEDULED, S.COMPLETED), (S.SCHEDULED, S.ACCEPTED), (S.SCHEDULED, S.CANCELLED),
    } == ALLOWED


def test_a_new_referral_starts_as_a_draft_with_its_first_row(people):
    with time_machine.travel("2026-03-02 09:00:00Z", tick=False):
        referral = services.create(people.gp, patient=people.patient, reason="Bone pain", urgency="urgent")
    rows = list(referral.history.all())
    assert referral.status == S.DRAFT
    assert [(r.status, r.by, r.by_label, r.at.isoformat()) for r in rows] == [
        (S.DRAFT, people.gp, "Sam Rivera", "2026-03-02T09:00:00+00:00")]


def test_send_now_writes_draft_then_sent(people):
    referral = services.create(people.gp, patient=people.patient, reason="Bone pain", urgency="routine", send=True)
    assert referral.status == S.SENT
    assert list(referral.history.values_list("status", flat=True)) == [S.DRAFT, S.SENT]


@pytest.mark.parametrize(("source", "target"), sorted(ALLOWED))
def test_every_allowed_move_writes_one_row_with_who_when_and_why(people, source, target):
    referral = make_referral(people.gp, people.patient, source, team=people.team)
    before = referral.history.count()
    reason = "The patient chose another hospital" if target in workflow.NEEDS_REASON else ""
    with time_machine.travel("2026-04-01 15:30:00Z", tick=False):
        workflow.move(referral, target, actor=people.nurse, reason=reason)
    referral.refresh_from_db()
    assert referral.status == target
    rows = list(referral.history.order_by("pk"))
    assert len(rows) == before + 1
    last = rows[-1]
    assert (last.status, last.by, last.by_label, last.reason) == (target, people.nurse, "Nia Nurse", reason)
    assert last.at == datetime(2026, 4, 1, 15, 30, tzinfo=UTC)
    assert AuditEvent.objects.filter(actor=people.nurse, action="update", object_id=str(referral.pk),
                                     patient=people.patient, detail=f"referral {target}").exists()


@pytest.mark.parametrize(("source", "target"), REFUSED)
def test_every_other_move_is_refused_and_changes_nothing(people, source, target):
    referral = make_referral(people.gp, people.patient, source, team=people.team)
    before = referral.history.count()
    with pytest.raises(workflow.TransitionError) as refused:
        workflow.move(referral, target, actor=people.nurse, reason="A reason")
    assert refused.value.field == "status"
    assert f"This referral is {S(source).label.lower()}" in str(refused.value)
    referral.refresh_from_db()
    assert referral.status == source
    assert referral.history.count() == before


@pytest.mark.parametrize(("source", "target"), [(S.DRAFT, S.CANCELLED), (S.SENT, S.REJECTED),
                                                (S.SENT, S.CANCELLED), (S.SCHEDULED, S.CANCELLED)])
@pytest.mark.parametrize("reason", ["", "   "])
def test_rejecting_or_cancelling_needs_a_reason(people, source, target, reason):
    referral = make_referral(people.gp, people.patient, source, team=people.team)
    with pytest.raises(workflow.TransitionError) as refused:
        workflow.move(referral, target, actor=people.nurse, reason=reason)
    assert refused.value.field == "reason"
    assert str(refused.value) == f"Give a reason: the referral is {S(target).label.lower()}."
    referral.refresh_from_db()
    assert referral.status == source


def test_status_rows_are_written_once(people):
    row = make_referral(people.gp, people.patient, S.SENT).history.last()
    row.reason = "changed"
    with pytest.raises(ImmutableError):
        row.save()
    with pytest.raises(ImmutableError):
        row.delete()
    assert ReferralStatus.objects.get(pk=row.pk).reason == ""


def test_accepting_names_the_team_and_the_patient_agreeing_gives_it_the_patient(people):
    referral = make_referral(people.gp, people.patient, S.SENT)
    assert not scoping.can_see_patient(people.nurse, people.patient)
    services.accept(referral, people.nurse, people.team)
    referral.refresh_from_db()
    assert (referral.status, referral.team) == (S.ACCEPTED, people.team)
    assert not scoping.can_see_patient(people.nurse, people.patient)  # not before the patient agrees
    services.share_records(referral, people.patient)
    assert scoping.can_see_patient(people.nurse, people.patient)
    assert scoping.can_see_patient(people.oncologist, people.patient)
    assert not scoping.can_see_patient(people.other_nurse, people.patient)


def test_accepting_for_a_team_one_is_not_in_is_refused_and_nothing_is_written(people):
    referral = make_referral(people.gp, people.patient, S.SENT)
    with pytest.raises(services.ReferralError) as refused:
        services.accept(referral, people.nurse, people.other_team)
    assert refused.value.field == "team"
    referral.refresh_from_db()
    assert (referral.status, referral.team) == (S.SENT, None)
    assert not scoping.can_see_patient(people.other_nurse, people.patient)


def test_a_second_accept_says_who_accepted_first_and_writes_nothing(people):
    referral = make_referral(people.gp, people.patient, S.SENT)
    # Both loaded the referral while it was sent; the first accepts.
    stale = Referral.objects.get(pk=referral.pk)
    services.accept(referral, people.nurse, people.team)
    with pytest.raises(services.ReferralError) as refused:
        services.accept(stale, people.other_nurse, people.other_team)
    assert str(refused.value) == "This referral was already accepted by Nia Nurse. Nothing was changed."
    referral.refresh_from_db()
    assert referral.team == people.team
    assert referral.history.filter(status=S.ACCEPTED).count() == 1
    assert not scoping.can_see_patient(people.other_nurse, people.patient)


def test_only_a_primary_care_clinician_can_refer(people):
    with pytest.raises(services.ReferralError):
        services.create(people.nurse, patient=people.patient, reason="x", urgency="routine")
    assert not Referral.objects.exists()


def test_find_patient_matches_registered_patients_only(people):
    assert services.find_patient("PAT@example.org") == people.patient
    assert services.find_patient("nurse.nia@clinic.example") is None  # staff, not a patient
    assert services.find_patient("nobody@example.org") is None
    assert services.find_patient("") is None


def test_who_sees_which_referral(people):
    draft = make_referral(people.gp, people.patient, S.DRAFT)
    sent = make_referral(people.gp, people.other_patient, S.SENT)
    accepted = make_referral(people.gp, people.patient, S.ACCEPTED, team=people.team)
    other = make_referral(people.other_gp, people.other_patient, S.ACCEPTED, team=people.other_team)
    assert set(services.for_referrer(people.gp)) == {draft, sent, accepted}
    assert set(services.for_patient(people.patient)) == {accepted}  # not the draft
    assert set(services.for_care_team(people.nurse)) == {sent, accepted}
    assert set(services.for_care_team(people.other_nurse)) == {sent, other}
    assert set(services.visible_to(people.patient)) == {accepted}
    assert not services.for_care_team(people.gp).exists()
    assert not services.for_referrer(people.nurse).exists()


def test_every_path_in_the_support_table_is_a_legal_path():
    for target, steps in PATH_TO.items():
        current = S.DRAFT
        for step in steps:
            assert workflow.allowed(current, step), (target, current, step)
            current = step
        assert current == target
