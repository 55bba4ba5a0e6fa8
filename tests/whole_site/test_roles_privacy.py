"""Roles and privacy: whose health data each role can see (careguide.careteam.scoping), how
care teams are changed (always audited), where staff land after sign-in, and the demo accounts.

The "change an id in the URL" test over every patient-data view is tests/whole_site/test_privacy_ids.py.
"""

from io import StringIO

import pytest
from accounts_support import register
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import override_settings
from django.urls import include, path, reverse
from factories import PASSWORD, CareTeamFactory, PatientFactory, UserFactory

from careguide.accounts.roles import NURSES, ONCOLOGISTS, PATIENTS
from careguide.audit.models import AuditEvent
from careguide.careteam import services as careteam
from careguide.careteam.models import CareTeam, Membership, TeamPatient
from careguide.careteam.scoping import (
    can_see_patient,
    is_care_team,
    patients_visible_to,
    scope,
    team_members_for_patient,
    teams_for_patient,
)
from careguide.config.urls import urlpatterns as site_urlpatterns
from careguide.questionnaires.models import QuestionnaireResponse

pytestmark = pytest.mark.django_db

SIGN_IN = reverse("accounts:sign_in")


def queue_page(request):
    from django.http import HttpResponse

    return HttpResponse("queue")


# The site's URLs with a stand-in care-team queue, so the landing page after sign-in can be
# tested before (and independently of) the alerts app's own queue view.
urlpatterns = [
    path("care-team/", include(([path("", queue_page, name="queue")], "alerts"))),
    *site_urlpatterns,
]


# --- people ------------------------------------------------------------------------------------

def make_patient(email, first_name="Pat"):
    return PatientFactory(email=email, first_name=first_name)


def make_staff(username, **extra):
    return UserFactory(username=username, email=f"{username}@example.org", **extra)


@pytest.fixture
def world(db):
    """Two teams with a patient and a nurse each, an oncologist in both teams, and a patient
    in no team."""
    team_a = CareTeamFactory(name="Team A")
    team_b = CareTeamFactory(name="Team B")
    people = {
        "ann": make_patient("ann@example.org", "Ann"),
        "bea": make_patient("bea@example.org", "Bea"),
        "cy": make_patient("cy@example.org", "Cy"),
        "nurse_a": make_staff("nurse-a"),
        "nurse_b": make_staff("nurse-b"),
        "onc": make_staff("onc-both"),
    }
    careteam.assign_patient(None, team_a, people["ann"])
    careteam.assign_patient(None, team_b, people["bea"])
    careteam.add_member(None, team_a, people["nurse_a"], "nurse")
    careteam.add_member(None, team_b, people["nurse_b"], "nurse")
    careteam.add_member(None, team_a, people["onc"], "oncologist")
    careteam.add_member(None, team_b, people["onc"], "oncologist")
    return {"team_a": team_a, "team_b": team_b, **people}


def visible(user):
    return set(patients_visible_to(user).values_list("username", flat=True))


# --- scoping -----------------------------------------------------------------------------------

def test_a_patient_sees_only_themself(world):
    assert visible(world["ann"]) == {"ann@example.org"}
    assert can_see_patient(world["ann"], world["ann"])
    assert not can_see_patient(world["ann"], world["bea"])
    assert not is_care_team(world["ann"])


def test_a_nurse_sees_the_patients_of_her_team_only(world):
    nurse = world["nurse_a"]
    assert is_care_team(nurse)
    assert can_see_patient(nurse, world["ann"])
    assert not can_see_patient(nurse, world["bea"])
    assert not can_see_patient(nurse, world["cy"])  # in no team: nobody on staff sees them
    assert visible(nurse) - {"nurse-a"} == {"ann@example.org"}


def test_a_member_of_two_teams_sees_the_patients_of_both(world):
    assert visible(world["onc"]) - {"onc-both"} == {"ann@example.org", "bea@example.org"}
    assert patients_visible_to(world["onc"]).filter(username="ann@example.org").count() == 1  # no duplicates


def test_leaving_a_team_ends_access_at_once(world):
    careteam.remove_member(None, Membership.objects.get(user=world["onc"], team=world["team_b"]))
    assert not can_see_patient(world["onc"], world["bea"])
    assert can_see_patient(world["onc"], world["ann"])


def test_inactive_accounts_see_nothing(world):
    for key in ("nurse_a", "ann"):
        user = world[key]
        user.is_active = False
        user.save()
        assert not patients_visible_to(user).exists()
        assert not is_care_team(user)
        assert not scope(QuestionnaireResponse.objects.all(), user, "subject").exists()
    assert world["nurse_a"] not in team_members_for_patient(world["ann"])


@pytest.mark.parametrize("username", ["editor", "reviewer", "admin"])
def test_editors_reviewers_and_admins_see_no_patient(world, username, person):
    user = person(username)
    assert not patients_visible_to(user).filter(groups__name=PATIENTS).exists()
    assert not can_see_patient(user, world["ann"])


def test_anonymous_visitors_see_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    assert not patients_visible_to(AnonymousUser()).exists()
    assert not scope(QuestionnaireResponse.objects.all(), AnonymousUser(), "subject").exists()


def test_scope_narrows_any_queryset_by_its_patient_field(world):
    from careguide.questionnaires.models import Questionnaire

    questionnaire = Questionnaire.objects.first()
    for who in ("ann", "bea", "cy"):
        QuestionnaireResponse.objects.create(questionnaire=questionnaire, subject=world[who],
                                             authored="2026-01-01T00:00Z",
                                             resource={"resourceType": "QuestionnaireResponse"})
    subjects = {
        key: set(scope(QuestionnaireResponse.objects.all(), world[key], "subject").values_list("subject__username",
                                                                                           flat=True))
        for key in ("ann", "nurse_a", "nurse_b", "onc")
    }
    assert subjects == {"ann": {"ann@example.org"}, "nurse_a": {"ann@example.org"},
                        "nurse_b": {"bea@example.org"}, "onc": {"ann@example.org", "bea@example.org"}}


def test_teams_and_members_of_a_patient(world):
    assert list(teams_for_patient(world["ann"])) == [world["team_a"]]
    assert set(team_members_for_patient(world["ann"])) == {world["nurse_a"], world["onc"]}
    assert not teams_for_patient(world["cy"]).exists()


# --- changing teams ----------------------------------------------------------------------------

def test_membership_changes_are_audited_and_mirrored_in_the_role_groups(world):
    nurse = world["nurse_a"]
    assert set(nurse.groups.values_list("name", flat=True)) == {NURSES}
    created = AuditEvent.objects.filter(object_type="careteam.membership", action="create")
    assert created.filter(object_id=str(Membership.objects.get(user=nurse).pk)).exists()
    admin = get_user_model().objects.get(username="admin")
    membership_id = Membership.objects.get(user=nurse).pk
    careteam.remove_member(admin, Membership.objects.get(pk=membership_id))
    assert not nurse.groups.exists()
    removed = AuditEvent.objects.get(object_type="careteam.membership", action="delete", object_id=str(membership_id))
    assert removed.actor == admin and "nurse" in removed.detail
    assert set(world["onc"].groups.values_list("name", flat=True)) == {ONCOLOGISTS}


def test_a_patient_can_never_be_a_team_member(world):
    with pytest.raises(careteam.CareTeamError):
        careteam.add_member(None, world["team_b"], world["ann"], "nurse")
    with pytest.raises(careteam.CareTeamError):
        careteam.assign_patient(None, world["team_b"], world["nurse_a"])
    assert not Membership.objects.filter(user=world["ann"]).exists()


def test_assigning_a_patient_is_audited_with_the_patient(world):
    admin = get_user_model().objects.get(username="admin")
    careteam.assign_patient(admin, world["team_a"], world["cy"])
    event = AuditEvent.objects.get(object_type="careteam.teampatient", action="create", patient=world["cy"])
    assert event.actor == admin
    assert can_see_patient(world["nurse_a"], world["cy"])


def test_admin_screens_add_a_member_through_the_audited_service(client, world):
    admin = get_user_model().objects.get(username="admin")
    client.force_login(admin)
    newcomer = make_staff("nurse-new")
    response = client.post(reverse("care_team_members:add"),
                           {"team": world["team_b"].pk, "user": newcomer.pk, "role": "nurse"})
    assert response.status_code == 302
    membership = Membership.objects.get(user=newcomer)
    assert AuditEvent.objects.get(object_type="careteam.membership", object_id=str(membership.pk)).actor == admin
    assert newcomer.groups.filter(name=NURSES).exists()
    assert can_see_patient(newcomer, world["bea"])
    # A patient is not offered as a member, and posting one is refused by the form.
    form = client.get(reverse("care_team_members:add")).content.decode()
    assert "ann@example.org" not in form
    refused = client.post(reverse("care_team_members:add"), {"team": world["team_b"].pk, "user": world["ann"].pk,
                                                             "role": "nurse"})
    assert refused.status_code == 200 and not Membership.objects.filter(user=world["ann"]).exists()


def test_admin_screens_remove_a_patient_from_a_team_with_an_audit_entry(client, world):
    client.force_login(get_user_model().objects.get(username="admin"))
    link = TeamPatient.objects.get(patient=world["bea"])
    response = client.post(reverse("care_team_patients:delete", kwargs={"pk": link.pk}))
    assert response.status_code == 302
    assert not can_see_patient(world["nurse_b"], world["bea"])
    assert AuditEvent.objects.filter(object_type="careteam.teampatient", action="delete", patient=world["bea"]).exists()


def test_deleting_a_team_ends_its_access_and_audits_each_removal(client, world):
    client.force_login(get_user_model().objects.get(username="admin"))
    team = world["team_b"]
    assert client.post(reverse("care_teams:delete", kwargs={"pk": team.pk})).status_code == 302
    assert not CareTeam.objects.filter(name="Team B").exists()
    assert not can_see_patient(world["nurse_b"], world["bea"]) and not is_care_team(world["nurse_b"])
    assert not world["nurse_b"].groups.exists()
    deleted = AuditEvent.objects.filter(action="delete", actor__username="admin")
    assert sorted(deleted.values_list("object_type", flat=True)) == [
        "careteam.careteam", "careteam.membership", "careteam.membership", "careteam.teampatient"]


@pytest.mark.parametrize("username", ["editor", "reviewer", "nurse"])
def test_only_admins_reach_the_care_team_screens(client, world, username, person):
    client.force_login(person(username))
    for url in (reverse("care_teams:index"), reverse("care_team_members:index"), reverse("care_team_patients:add")):
        response = client.get(url)
        assert response.status_code in (302, 403), url
        assert not response.get("Location", "").startswith("/admin/care_team")
    # and the menu does not offer them
    assert "/admin/care_teams/" not in client.get(reverse("wagtailadmin_home"), follow=True).content.decode()


# --- registration and the default team ---------------------------------------------------------

def test_new_patients_join_no_team_unless_a_default_is_configured(client, db):
    register(client, "new@example.org")
    assert not teams_for_patient(get_user_model().objects.get(username="new@example.org")).exists()


@override_settings(CAREGUIDE_DEFAULT_CARE_TEAM="Cancer care team")
def test_the_default_care_team_takes_new_registrations(client, db):
    register(client, "new@example.org")
    patient = get_user_model().objects.get(username="new@example.org")
    assert [t.name for t in teams_for_patient(patient)] == ["Cancer care team"]
    event = AuditEvent.objects.get(object_type="careteam.teampatient", patient=patient)
    assert event.actor_label == "system: CAREGUIDE_DEFAULT_CARE_TEAM"
    assert can_see_patient(get_user_model().objects.get(username="nurse"), patient)


@override_settings(CAREGUIDE_DEFAULT_CARE_TEAM="No such team")
def test_a_default_team_that_does_not_exist_never_stops_a_registration(client, db, caplog):
    response = register(client, "new@example.org")
    assert response.status_code == 302
    assert not teams_for_patient(get_user_model().objects.get(username="new@example.org")).exists()
    assert "CAREGUIDE_DEFAULT_CARE_TEAM names no care team" in caplog.text


# --- sign-in: where each role lands ------------------------------------------------------------

@override_settings(ROOT_URLCONF=__name__)
def test_care_team_staff_sign_in_with_their_username_and_land_on_the_queue(client, world):
    response = client.post(SIGN_IN, {"username": "nurse-a", "password": PASSWORD})
    assert response.status_code == 302 and response.url == "/care-team/"
    assert client.get(response.url).content == b"queue"


@override_settings(ROOT_URLCONF=__name__)
def test_a_next_page_wins_over_the_queue(client, world):
    response = client.post(SIGN_IN, {"username": "nurse-a", "password": PASSWORD, "next": "/side-effects/"})
    assert response.url == "/side-effects/"


@override_settings(ROOT_URLCONF=__name__)
@pytest.mark.parametrize("next_url", ["", reverse("wagtailadmin_home"), reverse("wagtailadmin_explore_root")])
def test_a_patient_never_lands_in_the_admin(client, world, next_url):
    response = client.post(SIGN_IN, {"username": "ann@example.org", "password": PASSWORD, "next": next_url})
    assert response.status_code == 302 and response.url == "/account/"


def test_an_editor_may_be_sent_on_to_the_admin(client, world):
    editor = get_user_model().objects.get(username="editor")
    editor.set_password(PASSWORD)
    editor.save()
    response = client.post(SIGN_IN, {"username": "editor", "password": PASSWORD, "next": "/admin/pages/"})
    assert response.url == "/admin/pages/"


def test_staff_usernames_keep_their_case_and_emails_do_not(client, world):
    make_staff("NurseKim")
    assert client.post(SIGN_IN, {"username": "NurseKim", "password": PASSWORD}).status_code == 302
    client.logout()
    assert client.post(SIGN_IN, {"username": " ANN@example.org ", "password": PASSWORD}).status_code == 302


def test_the_sign_in_page_tells_staff_they_can_sign_in_here(client, db):
    html = client.get(SIGN_IN).content.decode()
    assert 'autocomplete="username"' in html and 'type="email"' not in html
    assert "care team" in html.lower()


# --- demo accounts -----------------------------------------------------------------------------

def test_demo_accounts_include_a_care_team_with_a_nurse_an_oncologist_and_a_patient(db):
    team = CareTeam.objects.get(name="Cancer care team")
    assert dict(team.memberships.values_list("user__username", "role")) == {"nurse": "nurse",
                                                                            "oncologist": "oncologist"}
    patient = get_user_model().objects.get(username="patient@example.org")
    assert list(team.patients.all()) == [patient]
    assert patient.groups.filter(name=PATIENTS).exists() and not patient.is_staff
    assert patient.consents.get().purpose == "store-answers"
    nurse = get_user_model().objects.get(username="nurse")
    assert not nurse.is_staff and not nurse.has_perm("wagtailadmin.access_admin")
    assert nurse.groups.filter(name=NURSES).exists()
    assert can_see_patient(nurse, patient)


def test_demo_accounts_take_passwords_from_the_environment(db, monkeypatch):
    get_user_model().objects.filter(username__in=["nurse", "patient@example.org"]).delete()
    monkeypatch.setenv("CAREGUIDE_NURSE_PASSWORD", "nurse-pass-from-env-123")
    monkeypatch.delenv("CAREGUIDE_PATIENT_PASSWORD", raising=False)
    out = StringIO()
    call_command("setup_demo_accounts", stdout=out)
    text = out.getvalue()
    assert "nurse: created with the password from CAREGUIDE_NURSE_PASSWORD" in text
    assert "nurse-pass-from-env-123" not in text
    assert get_user_model().objects.get(username="nurse").check_password("nurse-pass-from-env-123")
    shown = "patient@example.org: created. Password (shown once, not stored anywhere else): "
    generated = text.split(shown)[1].split()[0]
    assert get_user_model().objects.get(username="patient@example.org").check_password(generated)
    assert can_see_patient(get_user_model().objects.get(username="nurse"),
                           get_user_model().objects.get(username="patient@example.org"))


def test_demo_accounts_are_idempotent(db):
    before = (CareTeam.objects.count(), Membership.objects.count(), TeamPatient.objects.count(),
              AuditEvent.objects.count(), Group.objects.count())
    hashes = dict(get_user_model().objects.values_list("username", "password"))
    out = StringIO()
    call_command("setup_demo_accounts", stdout=out)
    assert "Password" not in out.getvalue()
    assert (CareTeam.objects.count(), Membership.objects.count(), TeamPatient.objects.count(),
            AuditEvent.objects.count(), Group.objects.count()) == before
    assert dict(get_user_model().objects.values_list("username", "password")) == hashes
