"""A Wagtail permission policy for screens only administrators (superusers) may use.

Group permissions cannot open these screens: who sees patient data and the record of who
did see it are an administrator's business alone (ADR 0011).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from wagtail.permission_policies.base import BasePermissionPolicy


class SuperuserOnlyPermissionPolicy(BasePermissionPolicy):
    """Active superusers may do `actions` (all actions when None); nobody else may do anything."""

    def __init__(self, model, actions: set[str] | None = None):
        super().__init__(model)
        self.actions = set(actions) if actions is not None else None

    def _allowed(self, action: str) -> bool:
        return self.actions is None or action in self.actions

    def user_has_permission(self, user, action):
        return bool(getattr(user, "is_active", False) and getattr(user, "is_superuser", False)
                    and self._allowed(action))

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def users_with_any_permission(self, actions):
        User = get_user_model()
        if not any(self._allowed(action) for action in actions):
            return User.objects.none()
        return User.objects.filter(is_active=True, is_superuser=True)

    def users_with_permission(self, action):
        return self.users_with_any_permission([action])
