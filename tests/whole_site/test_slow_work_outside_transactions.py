"""Slow work never runs inside a write transaction (issue 14, item 9).

On SQLite a write transaction holds the one write lock: every other writer waits for it. So a
password is hashed (a third of a second on purpose), and an email sent (a mail server may take
seconds), before the transaction begins or after it ends. These tests commit for real
(transaction=True), so "inside a transaction" means what it means in production.
"""

import datetime as dt

import pytest
import time_machine
from accounts_support import PASSWORD
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core import mail
from django.db import connection
from django.test import Client
from django.urls import reverse

from careguide.accounts import forms, services
from careguide.procedures import checklists, reminders
from careguide.procedures import services as procedures

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def in_transaction_when_hashing(monkeypatch):
    """For each password hashed: was a transaction open?"""
    seen = []
    encode = MD5PasswordHasher.encode

    def watched(self, password, salt):
        seen.append(connection.in_atomic_block)
        return encode(self, password, salt)

    monkeypatch.setattr(MD5PasswordHasher, "encode", watched)
    return seen


@pytest.fixture
def in_transaction_when_mailing(monkeypatch):
    """For each email sent: was a transaction open?"""
    from django.core.mail.backends.locmem import EmailBackend

    seen = []
    send = EmailBackend.send_messages

    def watched(self, messages):
        seen.append(connection.in_atomic_block)
        return send(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", watched)
    return seen


def test_registering_hashes_the_password_and_emails_outside_the_transaction(
        in_transaction_when_hashing, in_transaction_when_mailing):
    client = Client()
    client.post(reverse("accounts:register"), {"email": "bea@example.org"})
    assert in_transaction_when_mailing == [False]
    link = mail.outbox[0].body.split("http://testserver", 1)[1].split()[0]
    client.get(link)
    response = client.post(reverse("accounts:register_finish"),
                           {"password1": PASSWORD, "password2": PASSWORD, "consent": "on"})
    assert response.status_code == 302
    assert in_transaction_when_hashing and not any(in_transaction_when_hashing)


def test_the_account_service_hashes_before_its_transaction(in_transaction_when_hashing):
    services.register_patient(email="ann@example.org", password=PASSWORD, first_name="Ann",
                              consent_wording=forms.CONSENT_WORDING)
    assert in_transaction_when_hashing == [False]


@time_machine.travel(dt.datetime(2026, 11, 21, 15, 0, tzinfo=dt.UTC), tick=False)
def test_a_procedure_reminder_is_emailed_outside_the_transaction(in_transaction_when_mailing):
    patient = services.register_patient(email="pat@example.org", password=PASSWORD, first_name="Pat",
                                        consent_wording=forms.CONSENT_WORDING)
    procedures.save_progress(patient, checklists.get("lumbar-puncture"), ticked=[],
                             procedure_date=dt.date(2026, 11, 22), remind=True)
    assert reminders.send_due().sent == 1
    assert in_transaction_when_mailing == [False]
