"""How long a sign-in lasts (ADR 0011): SessionLimitsMiddleware.

- Everyone: at most SESSION_COOKIE_AGE (8 hours) after signing in. Django alone would move
  a session's expiry forward each time the session is saved, so the start is kept here.
- Staff (superusers, admin users, care-team members, primary-care doctors): signed out after
  CAREGUIDE_STAFF_IDLE_MINUTES without a request, because they see other people's data,
  often on shared computers. Patients have no idle limit (a long diary entry is not lost).

Both are decided from timestamps in the session, set once at sign-in, so a request costs no
extra query. An expired sign-in is ended and the request goes on as an anonymous one: each
view then asks for sign-in in its usual way (the sign-in page, or a 401 from the API).
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import SESSION_KEY, logout

from careguide.accounts.roles import is_primary_care
from careguide.careteam.scoping import is_care_team

SIGNED_IN_AT = "careguide_signed_in_at"
LAST_SEEN = "careguide_last_seen"
IDLE_LIMIT = "careguide_idle_limit"
# Writing the session on every request would cost a write each time; a minute is precise enough.
TOUCH_EVERY_SECONDS = 60


def is_staff_like(user) -> bool:
    """Anyone who may see more than their own data: admin users, care-team members and
    primary-care doctors (they see the referrals they made, with their patients' details)."""
    return bool(user.is_staff or user.is_superuser or user.has_perm("wagtailadmin.access_admin")
                or is_care_team(user) or is_primary_care(user))


def start(sender, request, user, **kwargs):
    """user_logged_in receiver: note when this sign-in began and whether it may go idle."""
    if request is None or not hasattr(request, "session"):
        return
    now = int(time.time())
    request.session[SIGNED_IN_AT] = now
    request.session[LAST_SEEN] = now
    idle_minutes = getattr(settings, "CAREGUIDE_STAFF_IDLE_MINUTES", 0)
    if idle_minutes and is_staff_like(user):
        request.session[IDLE_LIMIT] = idle_minutes * 60
    else:
        request.session.pop(IDLE_LIMIT, None)


def expired(session, now: int) -> bool:
    signed_in_at = session.get(SIGNED_IN_AT)
    if signed_in_at is None:
        return False
    if now - signed_in_at > settings.SESSION_COOKIE_AGE:
        return True
    idle_limit = session.get(IDLE_LIMIT)
    return bool(idle_limit) and now - session.get(LAST_SEEN, signed_in_at) > idle_limit


class SessionLimitsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and SESSION_KEY in session:
            now = int(time.time())
            if SIGNED_IN_AT not in session:
                session[SIGNED_IN_AT] = now  # a sign-in from before this check existed
            if expired(session, now):
                logout(request)
            elif session.get(IDLE_LIMIT) and now - session.get(LAST_SEEN, 0) >= TOUCH_EVERY_SECONDS:
                session[LAST_SEEN] = now
        return self.get_response(request)
