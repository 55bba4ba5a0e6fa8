"""Shared fixtures: the content is loaded once per test session, as `make run` loads it;
each test runs in a transaction that is rolled back, so tests may change anything."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import override_settings


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_content", verbosity=0)
        call_command("setup_demo_accounts", verbosity=0)
        # Tests count audit rows from zero; the demo set-up's own rows would be in the way.
        # (A queryset delete skips the per-row immutability guard, on purpose and only here.)
        from careguide.audit.models import AuditEvent

        AuditEvent.objects.all().delete()


@pytest.fixture
def eval_answer_lists(db):
    """The answer lists the evaluation questionnaires name but do not contain (test subsets in
    tests/data/terminology/), loaded as `careguide import-valueset` loads them."""
    from paths import TEST_DATA

    from careguide.questionnaires import terminology

    return terminology.import_resources(terminology.read_file(TEST_DATA / "terminology" / "eval-answer-lists.json"))


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """scripts/serve (what `make run` runs) on a fresh data folder, shared by every browser test."""
    from support import start_server

    yield from start_server(tmp_path_factory)


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium driven by Playwright. Per module: Playwright's sync API keeps an event
    loop running while it is open, and Django refuses database calls from such a thread, so the
    browser must close before the next module's database tests."""
    from support import start_browser

    yield from start_browser()


@pytest.fixture
def page(browser):
    """A phone-sized page (support.PHONE) in a browser context of its own."""
    from support import PHONE

    context = browser.new_context(viewport=PHONE)
    yield context.new_page()
    context.close()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test's database changes roll back; the cache must not remember them."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def editor(db):
    """A library editor (the Editors group), built for the test."""
    from factories import EditorFactory

    return EditorFactory(username="editor.test", first_name="Eda", last_name="Editor")


@pytest.fixture
def reviewer(db):
    """A clinical reviewer (the Clinical reviewers group), built for the test."""
    from factories import ReviewerFactory

    return ReviewerFactory(username="reviewer.test", first_name="Rey", last_name="Reviewer")


@pytest.fixture
def admin_user(db):
    return get_user_model().objects.get(username="admin")


@pytest.fixture
def live_pages(db):
    from careguide.library.models import LibraryPage

    return list(LibraryPage.objects.live().specific().order_by("path"))


@pytest.fixture
def notifier():
    """The care team is told through a fake that records each call (alert id, recipient ids)."""
    from careguide.alerts.notify import FakeNotifier

    FakeNotifier.reset()
    with override_settings(CAREGUIDE_NOTIFIER="careguide.alerts.notify.FakeNotifier"):
        yield FakeNotifier
    FakeNotifier.reset()


# --- the usual people (tests/factories.py) -------------------------------------------------------

@pytest.fixture
def care_team(db):
    """A care team with a nurse and an oncologist (``care_team.nurse``, ``care_team.oncologist``)."""
    from factories import CareTeamFactory, NurseFactory, OncologistFactory

    team = CareTeamFactory(name="Oncology team A")
    team.nurse = NurseFactory(username="nurse.nia", team=team)
    team.oncologist = OncologistFactory(username="dr.shah", team=team)
    return team


@pytest.fixture
def nurse(care_team):
    return care_team.nurse


@pytest.fixture
def oncologist(care_team):
    return care_team.oncologist


@pytest.fixture
def patient(care_team):
    """A registered patient (with the recorded consent) whom ``care_team`` looks after."""
    from factories import PatientFactory

    return PatientFactory(email="pat@example.org", first_name="Pat", team=care_team)


@pytest.fixture
def gp(db):
    """A primary-care clinician, who refers patients."""
    from factories import GPFactory

    return GPFactory(username="dr.rivera")


@pytest.fixture
def person(request):
    """The account of a role, for tests parametrized by role name: ``person("editor")`` is the
    ``editor`` fixture (``"admin"``: ``admin_user``)."""
    return lambda role: request.getfixturevalue({"admin": "admin_user"}.get(role, role))


def _signed_in(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def patient_client(client, patient):
    return _signed_in(client, patient)


@pytest.fixture
def nurse_client(client, nurse):
    return _signed_in(client, nurse)


@pytest.fixture
def oncologist_client(client, oncologist):
    return _signed_in(client, oncologist)


@pytest.fixture
def gp_client(client, gp):
    return _signed_in(client, gp)


@pytest.fixture
def editor_client(client, editor):
    return _signed_in(client, editor)


@pytest.fixture
def reviewer_client(client, reviewer):
    return _signed_in(client, reviewer)


@pytest.fixture
def team_patient(db):
    """A patient of a care team with one nurse (``patient.nurse``)."""
    from factories import CareTeamFactory, NurseFactory, PatientFactory

    team = CareTeamFactory(name="Team P")
    nurse = NurseFactory(username="nurse.n", email="n@clinic.example", team=team)
    person = PatientFactory(email="pat@example.org", team=team)
    person.nurse = nurse
    return person


# The booking world (tests/referrals and the bad-input tests): Monday 8 AM, two teams, a doctor, a GP.
@pytest.fixture
def frozen():
    """The clock stopped at Monday 8 AM (booking_support.MONDAY_8AM)."""
    import time_machine
    from booking_support import MONDAY_8AM

    with time_machine.travel(MONDAY_8AM, tick=False):
        yield


@pytest.fixture
def world(db):
    """Pat (Team A: nurse Nia, Dr Ana Ames) and Oscar (Team B: nurse Olu), and a GP."""
    from booking_support import gp, patient, staff, team_with

    pat, other = patient("pat@example.org", "Pat"), patient("oscar@example.org", "Oscar")
    nurse, other_nurse = staff("nurse.nia"), staff("nurse.olu")
    doctor = staff("dr.ames", first_name="Ana", last_name="Ames")
    team = team_with("Team A", nurse=nurse, patients=[pat], clinician=doctor)
    team_with("Team B", nurse=other_nurse, patients=[other])
    referrer = gp()
    return type("World", (), dict(patient=pat, other=other, nurse=nurse, other_nurse=other_nurse, doctor=doctor,
                                  team=team, gp=referrer))
