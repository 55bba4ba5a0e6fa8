"""What django-axes calls when sign-in is locked after repeated failures (ADR 0011).

The page says what happened, when to try again and how to reset the password. It names
no account and shows nothing from the account, so it tells a guesser nothing new.
"""

from __future__ import annotations

import ipaddress

from axes.helpers import get_cool_off
from django.conf import settings
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


def client_address(request) -> str:
    """The address failures are counted under (AXES_CLIENT_IP_CALLABLE).

    A request from one of CAREGUIDE_TRUSTED_PROXIES came through our proxies: each of them
    appended to X-Forwarded-For the address it was reached from (nginx's
    $proxy_add_x_forwarded_for), so with CAREGUIDE_PROXY_COUNT proxies the client's address is
    that many entries from the right. Anything further left is what the client wrote itself
    and is never trusted, nor is the header of a request that did not come from our proxy.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    if not _is_trusted_proxy(remote):
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    count = settings.CAREGUIDE_PROXY_COUNT
    if count < 1 or len(hops) < count:
        return remote
    try:
        return str(ipaddress.ip_address(hops[-count]))
    except ValueError:
        return remote


def _is_trusted_proxy(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    # A bare address is a network of one; the settings checked each value at start-up (env_networks).
    return any(ip in ipaddress.ip_network(value, strict=False) for value in settings.CAREGUIDE_TRUSTED_PROXIES)


def lockout_response(request, original_response=None, credentials=None):
    cool_off = get_cool_off(request)
    minutes = max(1, round(cool_off.total_seconds() / 60)) if cool_off else None
    try_after = timezone.localtime(timezone.now() + cool_off) if cool_off else None
    response = render(request, "accounts/locked_out.html",
                      {"minutes": minutes, "try_after": try_after}, status=LOCKOUT_STATUS)
    patch_cache_control(response, private=True, no_store=True, max_age=0)
    return response
