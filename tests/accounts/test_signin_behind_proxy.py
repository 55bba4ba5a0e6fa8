"""Behind the documented nginx, sign-in failures are counted per client, not per proxy: a
guesser cannot lock the nurse (or a patient) out, a header a client wrote is never believed,
and primary-care doctors are signed out when idle like other staff (ADR 0023)."""

# ruff: noqa: F811 - the fixtures imported from test_signin_lockout are taken as test arguments

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from factories import GPFactory
from test_signin_lockout import LIMIT, PASSWORD, WRONG, nurse, patient, signed_in  # noqa: F401

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.10"  # nginx, as in docs/deploy.md
ATTACKER, NURSE_PC = "198.51.100.7", "203.0.113.5"


@pytest.fixture(autouse=True)
def behind_nginx(settings):
    settings.CAREGUIDE_TRUSTED_PROXIES = [PROXY]
    settings.CAREGUIDE_PROXY_COUNT = 1


def through_proxy(client, username, password, forwarded, remote=PROXY):
    """A sign-in as nginx passes it on: from the proxy's address, X-Forwarded-For ending with the client's."""
    return client.post(reverse("accounts:sign_in"), {"username": username, "password": password},
                       REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)


def test_a_guesser_behind_the_proxy_cannot_lock_the_nurse_out(nurse):
    attacker, colleague = Client(), Client()
    for _ in range(LIMIT):
        response = through_proxy(attacker, nurse.username, WRONG, ATTACKER)
    assert response.status_code == 429  # the guesser is paused ...
    assert through_proxy(colleague, nurse.username, PASSWORD, NURSE_PC).status_code == 302  # ... the nurse is not
    assert signed_in(colleague)


def test_a_patient_is_not_locked_out_by_someone_else_behind_the_proxy(patient):
    for _ in range(LIMIT):
        through_proxy(Client(), "ann@example.org", WRONG, ATTACKER)
    assert through_proxy(Client(), "ann@example.org", PASSWORD, "192.0.2.44").status_code == 302


def test_what_a_client_writes_in_x_forwarded_for_is_not_believed(nurse):
    # Through the proxy: the guesser claims to be the nurse's computer; nginx appends the real address.
    for _ in range(LIMIT):
        response = through_proxy(Client(), nurse.username, WRONG, f"{NURSE_PC}, {ATTACKER}")
    assert response.status_code == 429
    assert through_proxy(Client(), nurse.username, PASSWORD, NURSE_PC).status_code == 302


def test_a_direct_client_is_counted_by_its_own_address_whatever_header_it_sends(nurse):
    # Not from the proxy: the header is ignored, so changing it on every guess does not help.
    for attempt in range(LIMIT):
        response = through_proxy(Client(), nurse.username, WRONG, f"192.0.2.{attempt}", remote="192.0.2.200")
    assert response.status_code == 429
    # ... nor does claiming the nurse's address lock her out.
    assert through_proxy(Client(), nurse.username, PASSWORD, NURSE_PC).status_code == 302


def test_a_malformed_header_from_the_proxy_counts_under_the_proxy(nurse):
    for _ in range(LIMIT):
        response = through_proxy(Client(), nurse.username, WRONG, "not-an-address")
    assert response.status_code == 429
    assert through_proxy(Client(), nurse.username, PASSWORD, NURSE_PC).status_code == 302


def test_primary_care_doctors_are_signed_out_after_thirty_idle_minutes(client):
    GPFactory(username="dr.rivera", email="dr.rivera@clinic.example", first_name="", last_name="")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert client.post(reverse("accounts:sign_in"), {"username": "dr.rivera", "password": PASSWORD}) \
            .status_code == 302
    with time_machine.travel(start + timedelta(minutes=29), tick=False):
        assert client.get(reverse("referrals:list")).status_code == 200
    with time_machine.travel(start + timedelta(minutes=29 + 31), tick=False):
        response = client.get(reverse("referrals:list"))
        assert response.status_code == 302 and response.url.startswith(reverse("accounts:sign_in"))
        assert not signed_in(client)
