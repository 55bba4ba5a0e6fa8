"""Sign-in is protected against password guessing (django-axes) and sign-ins end: what a
patient, a nurse and an editor notice."""

import re
from datetime import timedelta

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone
from factories import PASSWORD, CareTeamFactory, NurseFactory, PatientFactory

pytestmark = pytest.mark.django_db

WRONG = "not the password at all"
SIGN_IN = reverse("accounts:sign_in")
ADMIN_SIGN_IN = reverse("wagtailadmin_login")
LIMIT = 5


@pytest.fixture
def patient(db):
    return PatientFactory(email="ann@example.org", first_name="Ann")


@pytest.fixture
def editor_with_password(editor):
    return editor  # factories give every account PASSWORD


@pytest.fixture
def nurse(db):
    return NurseFactory(username="nurse.lock", team=CareTeamFactory())


def text(response) -> str:
    return re.sub(r"\s+", " ", BeautifulSoup(response.content, "html.parser").get_text(" "))


def fail(client, url, username, times=LIMIT, **extra):
    for _ in range(times):
        response = client.post(url, {"username": username, "password": WRONG}, **extra)
    return response


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


# --- lockout on the public sign-in page ----------------------------------------------------------

def test_four_failures_still_allow_the_right_password(client, patient):
    assert fail(client, SIGN_IN, "ann@example.org", times=LIMIT - 1).status_code == 200
    assert client.post(SIGN_IN, {"username": "ann@example.org", "password": PASSWORD}).status_code == 302
    assert signed_in(client)


def test_five_failures_pause_sign_in_even_with_the_right_password(client, patient):
    fifth = fail(client, SIGN_IN, "ann@example.org")
    assert fifth.status_code == 429
    response = client.post(SIGN_IN, {"username": "ann@example.org", "password": PASSWORD})
    assert response.status_code == 429
    assert not signed_in(client)
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.h1.get_text() == "Sign-in is paused"
    assert soup.title.get_text().startswith("Sign-in is paused")
    assert "You can try again in 15 minutes" in text(response)
    assert soup.find("a", href="/account/password-reset/").get_text() == "Reset your password"
    # Nothing about the account: not even the address that was typed.
    assert "ann@example.org" not in response.content.decode()
    assert "no-store" in response["Cache-Control"]


def test_the_count_ignores_the_case_of_an_email_address(client, patient):
    for variant in ("ann@example.org", "Ann@Example.org", "ANN@EXAMPLE.ORG", " ann@example.org", "ann@EXAMPLE.org"):
        client.post(SIGN_IN, {"username": variant, "password": WRONG})
    assert client.post(SIGN_IN, {"username": "ann@example.org", "password": PASSWORD}).status_code == 429


def test_a_lockout_ends_after_fifteen_minutes(client, patient):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        fail(client, SIGN_IN, "ann@example.org")
    with time_machine.travel(start + timedelta(minutes=14), tick=False):
        assert client.post(SIGN_IN, {"username": "ann@example.org", "password": PASSWORD}).status_code == 429
    # The guess at minute 14 started the wait again.
    with time_machine.travel(start + timedelta(minutes=14 + 16), tick=False):
        response = client.post(SIGN_IN, {"username": "ann@example.org", "password": PASSWORD})
        assert response.status_code == 302 and signed_in(client)


def test_a_lockout_is_for_one_account_from_one_address(client, patient, nurse):
    fail(client, SIGN_IN, "ann@example.org")
    # Someone guessing Ann's password from elsewhere cannot lock her out where she is ...
    elsewhere = client.post(SIGN_IN, {"username": "ann@example.org", "password": PASSWORD},
                            REMOTE_ADDR="10.1.2.3")
    assert elsewhere.status_code == 302
    client.logout()
    # ... and a colleague on the same connection can still sign in.
    assert client.post(SIGN_IN, {"username": nurse.username, "password": PASSWORD}).status_code == 302


def test_a_successful_sign_in_clears_the_count(client, patient):
    fail(client, SIGN_IN, "ann@example.org", times=LIMIT - 1)
    client.post(SIGN_IN, {"username": "ann@example.org", "password": PASSWORD})
    client.logout()
    fail(client, SIGN_IN, "ann@example.org", times=LIMIT - 1)
    assert client.post(SIGN_IN, {"username": "ann@example.org", "password": PASSWORD}).status_code == 302


def test_the_lockout_page_tells_when_and_names_the_time(client, patient):
    with time_machine.travel(timezone.make_aware(timezone.datetime(2026, 3, 2, 15, 30)), tick=False):
        response = fail(client, SIGN_IN, "ann@example.org")
    assert "You can try again in 15 minutes, after 3:45 p.m." in text(response)
    assert BeautifulSoup(response.content, "html.parser").find("time")["datetime"].startswith("2026-03-02T15:45")


# --- lockout on the admin sign-in ---------------------------------------------------------------

def test_the_admin_sign_in_locks_too(client, editor_with_password):
    fail(client, ADMIN_SIGN_IN, editor_with_password.username)
    response = client.post(ADMIN_SIGN_IN, {"username": editor_with_password.username, "password": PASSWORD})
    assert response.status_code == 429
    assert BeautifulSoup(response.content, "html.parser").h1.get_text() == "Sign-in is paused"
    assert not signed_in(client)


def test_failures_on_either_page_count_together(client, editor_with_password):
    username = editor_with_password.username
    fail(client, ADMIN_SIGN_IN, username, times=3)
    fail(client, SIGN_IN, username, times=2)
    assert client.post(ADMIN_SIGN_IN, {"username": username, "password": PASSWORD}).status_code == 429


# --- sessions end --------------------------------------------------------------------------------

def test_staff_are_signed_out_after_thirty_idle_minutes(client, nurse):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.post(SIGN_IN, {"username": nurse.username, "password": PASSWORD})
    with time_machine.travel(start + timedelta(minutes=29), tick=False):
        assert client.get(reverse("accounts:home")).status_code == 200  # still there, and the clock restarts
    with time_machine.travel(start + timedelta(minutes=29 + 29), tick=False):
        assert client.get(reverse("accounts:home")).status_code == 200
    with time_machine.travel(start + timedelta(minutes=29 + 29 + 31), tick=False):
        response = client.get(reverse("accounts:home"))
        assert response.status_code == 302 and response.url.startswith(SIGN_IN)
        assert not signed_in(client)


def test_patients_have_no_idle_limit_but_eight_hours_at_most(client, patient):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.post(SIGN_IN, {"username": "ann@example.org", "password": PASSWORD})
    with time_machine.travel(start + timedelta(hours=2), tick=False):
        assert client.get(reverse("accounts:home")).status_code == 200
    with time_machine.travel(start + timedelta(hours=8, minutes=1), tick=False):
        assert client.get(reverse("accounts:home")).status_code == 302


def test_nobody_stays_signed_in_longer_than_eight_hours_however_busy(client, nurse):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.post(SIGN_IN, {"username": nurse.username, "password": PASSWORD})
    for minutes in range(20, 8 * 60, 20):  # busy all day: a request every 20 minutes
        with time_machine.travel(start + timedelta(minutes=minutes), tick=False):
            assert client.get(reverse("accounts:home")).status_code == 200, minutes
    with time_machine.travel(start + timedelta(hours=8, minutes=1), tick=False):
        assert client.get(reverse("accounts:home")).status_code == 302
        assert not signed_in(client)


def test_an_editor_in_the_admin_is_signed_out_when_idle(client, editor):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.force_login(editor)
        assert client.get(reverse("wagtailadmin_home")).status_code == 200
    with time_machine.travel(start + timedelta(minutes=31), tick=False):
        response = client.get(reverse("wagtailadmin_home"))
        assert response.status_code == 302 and response.url.startswith(ADMIN_SIGN_IN)
