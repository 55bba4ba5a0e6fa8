"""What django-axes calls when sign-in is locked after repeated failures (ADR 0011).

The page says what happened, when to try again and how to reset the password. It names
no account and shows nothing from the account, so it tells a guesser nothing new.
"""

from __future__ import annotations

from axes.helpers import get_cool_off
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_cache_control

LOCKOUT_STATUS = 429  # Too Many Requests: the attempts, not the person, are refused


def username_for_lockout(request, credentials=None) -> str:
    """The username failures are counted under: trimmed and without case, as the sign-in
    form compares email addresses, so "Ann@X.org" and "ann@x.org" share one count."""
    value = (credentials or {}).get("username")
    if value is None:
        value = getattr(request, "POST", {}).get("username", "")
    return str(value or "").strip().lower()


def lockout_response(request, original_response=None, credentials=None):
    cool_off = get_cool_off(request)
    minutes = max(1, round(cool_off.total_seconds() / 60)) if cool_off else None
    try_after = timezone.localtime(timezone.now() + cool_off) if cool_off else None
    response = render(request, "accounts/locked_out.html",
                      {"minutes": minutes, "try_after": try_after}, status=LOCKOUT_STATUS)
    patch_cache_control(response, private=True, no_store=True, max_age=0)
    return response
