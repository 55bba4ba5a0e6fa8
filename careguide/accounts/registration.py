"""Registering without telling anyone whether an email address has an account (ADR 0024).

1. ``start``: a person gives an email address and a first name. Whatever the address, the
   page then says "check your email". After the commit we email that address: a link to
   finish creating the account, or, when the address has an account already, a note saying so
   with links to sign in and to reset the password. Nothing on the page says which.
2. ``finish``: whoever opens the link chooses a password and gives their consent; only then is
   the account made (``services.register_patient``). So an account always belongs to the
   owner of its address: nobody can take an address they cannot read, and the consent is
   given by the person whose account it is.

Emails go after the commit; a failure to send is logged (without the address) and never
undoes the request.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from careguide.audit import service as audit

from . import services
from .models import PendingRegistration

logger = logging.getLogger(__name__)

LINK_HOURS = 24


class LinkInvalid(Exception):
    """The link is unknown, expired, or was used already."""


@dataclass(frozen=True)
class Site:
    """What an email needs to know about the site: its address and its name."""

    base_url: str  # e.g. https://guide.example.org, no trailing slash
    name: str


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _cutoff():
    return timezone.now() - timedelta(hours=LINK_HOURS)


def start(*, email: str, first_name: str, next_url: str, site: Site) -> None:
    """Step 1: email ``email`` either a link to finish registering or a note that it has an
    account already. Returns nothing the caller could show differently."""
    with transaction.atomic():
        PendingRegistration.objects.filter(created_at__lt=_cutoff()).delete()
        if services.account_exists(email):
            transaction.on_commit(lambda: _send(email, "exists", site, {}))
            return
        token = secrets.token_urlsafe(32)
        pending = PendingRegistration.objects.create(
            email=email, first_name=first_name, next_url=next_url, token_digest=_digest(token),
            created_at=timezone.now())
        audit.record(None, audit.CREATE, pending, system="registration", detail="registration started")
        link = site.base_url + reverse("accounts:register_confirm", args=[token])
        transaction.on_commit(lambda: _send(email, "link", site, {"link": link, "first_name": first_name}))


def pending_for(token: str) -> PendingRegistration | None:
    """The registration a link's token stands for, while the link still works."""
    if not token:
        return None
    return PendingRegistration.objects.filter(token_digest=_digest(token), created_at__gte=_cutoff()).first()


def finish(token: str, *, password: str, consent_wording: str):
    """Step 2: make the account of the registration ``token`` stands for; returns the user and
    the page to go on to. Raises ``LinkInvalid``, or ``services.EmailTaken`` when the address
    got its account meanwhile (another of its links was used first)."""
    password_hash = make_password(password)  # slow on purpose: before the transaction
    with transaction.atomic():
        pending = pending_for(token)
        if pending is None:
            raise LinkInvalid()
        # Every link for this address stops working with the account made.
        PendingRegistration.objects.filter(email=pending.email).delete()
        user = services.register_patient(email=pending.email, first_name=pending.first_name,
                                         consent_wording=consent_wording, password_hash=password_hash)
    return user, pending.next_url


def _send(email: str, kind: str, site: Site, context: dict) -> None:
    context = {**context, "service_name": site.name, "link_hours": LINK_HOURS,
               "sign_in": site.base_url + reverse("accounts:sign_in"),
               "reset": site.base_url + reverse("accounts:password_reset")}
    subject = render_to_string(f"registration/patient_register_{kind}_subject.txt", context).strip()
    body = render_to_string(f"registration/patient_register_{kind}_email.txt", context)
    try:
        send_mail(subject, body, None, [email], fail_silently=False)
    except Exception as exc:  # noqa: BLE001 - the person can ask again; the page must not fail
        logger.error("A registration email could not be sent (%s).", type(exc).__name__)
