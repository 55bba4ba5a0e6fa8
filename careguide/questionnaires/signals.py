"""Answers given before signing in become the person's own when they sign in or register."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .services import claim_session_responses


@receiver(user_logged_in, dispatch_uid="careguide.questionnaires.claim_session_responses")
def claim_on_sign_in(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    claim_session_responses(request, user)
