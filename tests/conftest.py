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


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test's database changes roll back; the cache must not remember them."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def editor(db):
    return get_user_model().objects.get(username="editor")


@pytest.fixture
def reviewer(db):
    return get_user_model().objects.get(username="reviewer")


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


@pytest.fixture
def team_patient(db):
    """A patient of a care team with one nurse (``patient.nurse``)."""
    from django.contrib.auth import get_user_model

    from careguide.careteam.models import CareTeam, Membership, TeamPatient

    User = get_user_model()
    person = User.objects.create_user("pat@example.org", "pat@example.org", "a long password 123")
    nurse = User.objects.create_user("nurse.n", "n@clinic.example", "a long password 123")
    team = CareTeam.objects.create(name="Team P")
    Membership.objects.create(team=team, user=nurse, role="nurse")
    TeamPatient.objects.create(team=team, patient=person)
    person.nurse = nurse
    return person
