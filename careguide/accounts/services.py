"""Writes to patient accounts, each with its audit entry in the same transaction."""

from django.contrib.auth import get_user_model
from django.db import transaction

from careguide.audit import service as audit
from careguide.careteam import services as careteam_services

from .models import ConsentRecord
from .roles import patients_group


@transaction.atomic
def register_patient(*, email: str, password: str, first_name: str, consent_wording: str):
    """Create a patient account (email as username) with the consent they gave.

    Patients get no staff flag and no permissions; the Patients group only marks them.
    """
    User = get_user_model()
    user = User(username=email, email=email, first_name=first_name)
    user.set_password(password)
    user.save()
    user.groups.add(patients_group())
    consent = ConsentRecord.objects.create(
        user=user, purpose=ConsentRecord.STORE_ANSWERS, wording=consent_wording, given=True
    )
    audit.record(user, audit.CREATE, user, patient=user, detail="patient registered")
    audit.record(user, audit.CREATE, consent, patient=user, detail=f"consent given: {consent.purpose}")
    # No team unless the deployment names a default one (CAREGUIDE_DEFAULT_CARE_TEAM, ADR 0011).
    careteam_services.assign_default_team(user)
    return user
