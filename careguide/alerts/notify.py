"""Telling a patient's care team that a new alert is waiting.

Services depend on the ``Notifier`` protocol only; the setting ``CAREGUIDE_NOTIFIER`` (a dotted
path to a class or an instance) picks the implementation, by default ``EmailNotifier``.
Messages carry no health data: not the patient's name, not the symptoms, not even the kind of
alert. Email is not a safe place for them; the link leads to the queue, behind sign-in.
"""

from __future__ import annotations

from typing import Protocol

from django.conf import settings
from django.core.mail import send_mass_mail
from django.urls import reverse
from django.utils.module_loading import import_string

DEFAULT_NOTIFIER = "careguide.alerts.notify.EmailNotifier"

SUBJECT = "New urgent alert for a patient of your care team"
BODY = (
    "There is a new urgent alert for a patient of your care team.\n\n"
    "Sign in and open the care team queue to see it:\n{queue_url}\n\n"
    "For privacy, this email does not include any patient details.\n"
)


class Notifier(Protocol):
    def alert_raised(self, alert, recipients) -> None:
        """Tell ``recipients`` (users) that ``alert`` is waiting. May raise; the caller logs it."""
        ...


def queue_url() -> str:
    base = getattr(settings, "WAGTAILADMIN_BASE_URL", "").rstrip("/")
    return f"{base}{reverse('alerts:queue')}"


class EmailNotifier:
    """One plain email to each team member with an address (separate messages, so nobody
    sees the others' addresses)."""

    def alert_raised(self, alert, recipients) -> None:
        body = BODY.format(queue_url=queue_url())
        sender = getattr(settings, "DEFAULT_FROM_EMAIL", None)
        messages = [(SUBJECT, body, sender, [user.email]) for user in recipients if user.email]
        if messages:
            send_mass_mail(messages, fail_silently=False)


class FakeNotifier:
    """Records calls instead of sending, for tests: ``FakeNotifier.calls`` is a list of
    (alert id, [recipient ids]); ``FakeNotifier.reset()`` empties it. Class-level, because
    ``get_notifier`` makes a new instance each time."""

    calls: list[tuple[int, list[int]]] = []

    def alert_raised(self, alert, recipients) -> None:
        FakeNotifier.calls.append((alert.pk, sorted(user.pk for user in recipients)))

    @classmethod
    def reset(cls) -> None:
        cls.calls.clear()


def get_notifier() -> Notifier:
    target = import_string(getattr(settings, "CAREGUIDE_NOTIFIER", DEFAULT_NOTIFIER))
    return target() if isinstance(target, type) else target
