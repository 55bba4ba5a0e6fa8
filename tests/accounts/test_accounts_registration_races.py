"""Registering one address many times at once: no 500, one account (issue 14, item 10).

Six browsers ask for an account for one address at the same moment, then each follows its own
emailed link and chooses a password at the same moment. Every one of them gets a page meant
for people (never a 500 "duplicate key"), and the address ends with exactly one account.

These tests commit for real (transaction=True): the threads use their own connections, as
gunicorn's workers do, on the test database file with the settings `make run` uses.
"""

import pytest
from accounts_support import LINK, PASSWORD
from concurrency_support import run_together
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse

from careguide.accounts.models import ConsentRecord

N = 6
EMAIL = "same@example.org"


@pytest.mark.django_db(transaction=True)
def test_six_registrations_of_one_address_at_once_make_one_account_and_no_error():
    clients = [Client() for _ in range(N)]
    for client in clients:
        client.get(reverse("accounts:register"))

    started = run_together(N, lambda i: clients[i].post(reverse("accounts:register"),
                                                        {"email": EMAIL, "first_name": "Sam"}))
    assert [(r.status_code, r.url) for r in started] == [(302, reverse("accounts:register_sent"))] * N, started
    links = [LINK.search(m.body).group(1) for m in mail.outbox if m.to == [EMAIL]]
    assert len(set(links)) == N
    assert not get_user_model().objects.filter(username=EMAIL).exists()

    for client, link in zip(clients, links, strict=True):
        assert client.get(link).url == reverse("accounts:register_finish")
    finished = run_together(N, lambda i: clients[i].post(
        reverse("accounts:register_finish"), {"password1": PASSWORD, "password2": PASSWORD, "consent": "on"}))
    outcomes = sorted(
        "made" if r.status_code == 302 and r.url == reverse("accounts:home")
        else "link used" if r.status_code == 404 and "This link no longer works" in r.content.decode()
        else repr(r)
        for r in finished)
    assert outcomes.count("made") == 1 and set(outcomes) <= {"made", "link used"}, outcomes
    user = get_user_model().objects.get(username=EMAIL)
    assert ConsentRecord.objects.filter(user=user).count() == 1
