"""Registering as a person does: the form, the emailed link, the password page (ADR 0024)."""

import re

from django.core import mail
from django.test import TestCase
from django.urls import reverse
from factories import PASSWORD

__all__ = ["PASSWORD", "LINK", "emailed_link", "register", "link_in_server_log"]
LINK = re.compile(r"https?://[^/\s]+(/account/register/confirm/[^/\s]+/)")


def emailed_link(email: str) -> str:
    """The path of the newest finish-registering link emailed to ``email`` (Django's test outbox)."""
    for message in reversed(mail.outbox):
        if email in message.to and (found := LINK.search(message.body)):
            return found.group(1)
    raise AssertionError(f"no registration link was emailed to {email}")


def register(client, email: str, *, first_name: str = "", password: str = PASSWORD, next_url: str = ""):
    """Ask for an account, follow the emailed link, choose ``password`` and agree; returns the
    last response (a redirect to where the new account goes)."""
    url = reverse("accounts:register") + (f"?next={next_url}" if next_url else "")
    with TestCase.captureOnCommitCallbacks(execute=True):  # the email goes after the commit
        sent = client.post(url, {"email": email, "first_name": first_name})
    assert sent.status_code == 302 and sent.url == reverse("accounts:register_sent"), sent
    finish = client.get(emailed_link(email.strip().lower()))
    assert finish.status_code == 302 and finish.url == reverse("accounts:register_finish"), finish
    return client.post(finish.url, {"password1": password, "password2": password, "consent": "on"})


def link_in_server_log(server, email: str) -> str:
    """The newest finish-registering link the production server of a browser test emailed to
    ``email``: `make run` writes each email as a file in its data folder (`emails/`, the file
    email backend), never to its log."""
    folder = server["data_dir"] / "emails"
    for path in sorted(folder.glob("*"), key=lambda p: p.stat().st_mtime, reverse=True):
        for message in reversed(path.read_text(errors="replace").split("-" * 79)):
            if f"To: {email}" in message and (found := LINK.search(message)):
                return found.group(1)
    raise AssertionError(f"no registration link for {email} in {folder}")
