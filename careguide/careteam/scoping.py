"""The one place that decides whose patient data a user may see.

- A patient sees only their own data.
- A care-team member (nurse, oncologist) sees the data of the patients of their teams.
- A team that accepted a referral sees that referral (its visits, change requests and the
  answers sent for the first visit: ``scope_referral``), but not the rest of the patient's
  data until the patient is a patient of the team: placed there by an administrator, or
  because the patient agreed on their referral page (referrals.services.share_records).
- Nobody else (editors, reviewers, anonymous visitors) sees any patient's data through these
  helpers. Superusers administer accounts; they are not a care team and get no clinical view.

Views use ``scope(queryset, user)`` on any model with a ``patient`` (or other named) user
field, so a changed id in a URL finds nothing rather than someone else's record.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from .models import CareTeam


def is_care_team(user) -> bool:
    """True for a signed-in, active member of at least one care team."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.care_team_memberships.exists()


def patients_visible_to(user) -> QuerySet:
    """The patients (users) whose health data ``user`` may see: themselves if a patient, the
    patients of their teams if care-team staff, nobody otherwise."""
    User = get_user_model()
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return User.objects.none()
    team_patients = User.objects.filter(care_team_links__team__memberships__user=user)
    return (User.objects.filter(pk=user.pk) | team_patients).distinct()


def can_see_patient(user, patient) -> bool:
    patient_id = getattr(patient, "pk", patient)
    return patients_visible_to(user).filter(pk=patient_id).exists()


def scope(queryset: QuerySet, user, patient_field: str = "patient") -> QuerySet:
    """``queryset`` narrowed to the rows whose ``patient_field`` is a patient ``user`` may see."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return queryset.none()
    return queryset.filter(**{f"{patient_field}__in": patients_visible_to(user).values("pk")})


def scope_referral(queryset: QuerySet, user, referral_field: str = "referral") -> QuerySet:
    """``queryset`` narrowed to the rows of referrals one of ``user``'s teams accepted: the
    referral itself (``referral_field=""`` on Referral) or what hangs from it (its appointments,
    their change requests). This is all a team sees of a referred patient until that patient
    agrees to share the rest; use it beside ``scope()``, never instead of it for other data."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return queryset.none()
    prefix = f"{referral_field}__" if referral_field else ""
    return queryset.filter(**{f"{prefix}team__in": CareTeam.objects.filter(memberships__user=user)}) \
        .exclude(**{f"{prefix}status": "draft"})


def teams_for_patient(patient) -> QuerySet:
    return CareTeam.objects.filter(patient_links__patient=patient)


def team_members_for_patient(patient) -> QuerySet:
    """The staff who should hear about this patient's alerts."""
    User = get_user_model()
    return User.objects.filter(
        care_team_memberships__team__patient_links__patient=patient, is_active=True
    ).distinct()
