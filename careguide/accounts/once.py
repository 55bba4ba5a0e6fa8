"""One-time form keys: a form sent twice makes one thing (ADR 0024).

Each time a form is shown it carries a new random key (``OneTimeKeyField``). The service that
makes something from the form looks the key up first, inside its transaction and after the lock
that serialises that person's writes: when the key was used already, it returns what the first
sending made, and the second sending lands on the same page with nothing written twice. The key
is remembered (``SentForm``) in the same transaction as the thing it made; a database
constraint refuses a key used twice, whatever happens.
"""

from __future__ import annotations

import re
import secrets

from django import forms

from .models import SentForm

_KEY = re.compile(r"[A-Za-z0-9_-]{16,64}")


class OneTimeKeyField(forms.CharField):
    """A hidden field holding a new key each time its form is shown; anything but a key this
    field could have made comes back as "" (the form then makes something new)."""

    def __init__(self, **kwargs):
        super().__init__(required=False, widget=forms.HiddenInput, **kwargs)

    def get_bound_field(self, form, field_name):
        if not form.is_bound:
            self.initial = new_key()
        return super().get_bound_field(form, field_name)

    def clean(self, value):
        value = super().clean(value) or ""
        return value if _KEY.fullmatch(value) else ""


def new_key() -> str:
    return secrets.token_urlsafe(16)


def made_with(user, key: str, model):
    """What ``user`` made with the form of ``key`` (an instance of ``model``), or None."""
    if not key:
        return None
    label = model._meta.label_lower
    sent = SentForm.objects.filter(user=user, key=key, object_type=label).first()
    return model.objects.filter(pk=sent.object_id).first() if sent else None


def remember(user, key: str, obj) -> None:
    """Record that the form of ``key`` made ``obj``; call it in the transaction that made it."""
    if key:
        SentForm.objects.create(user=user, key=key, object_type=obj._meta.label_lower, object_id=str(obj.pk))
