"""Writes to patient accounts, each with its audit entry in the same transaction.

Slow work stays out of transactions: the password is hashed (on purpose, about a third of a
second) before the transaction begins, so that on SQLite other writers never wait for it.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.db.models import Q

from careguide.audit import service as audit
from careguide.careteam import services as careteam_services

from .models import ConsentRecord
from .roles import patients_group


class EmailTaken(Exception):
    """An account with this email address exists already (perhaps made a moment ago)."""


def register_patient(*, email: str, first_name: str, consent_wording: str, password: str | None = None,
                     password_hash: str | None = None):
    """Create a patient account (email as username) with the consent they gave.

    Give ``password``, or ``password_hash`` when it was hashed already. Patients get no staff
    flag and no permissions; the Patients group only marks them. Raises ``EmailTaken`` when the
    address has an account, even one created by a request running at the same moment.
    """
    if password_hash is None:
        if password is None:
            raise ValueError("register_patient needs a password or a password hash")
        password_hash = make_password(password)
    return _create_patient(email, first_name, consent_wording, password_hash)


def account_exists(email: str) -> bool:
    """True when an account signs in with this address or has it as its email."""
    return get_user_model().objects.filter(Q(username__iexact=email) | Q(email__iexact=email)).exists()


@transaction.atomic
def _create_patient(email: str, first_name: str, consent_wording: str, password_hash: str):
    User = get_user_model()
    if account_exists(email):
        raise EmailTaken(email)
    user = User(username=email, email=email, first_name=first_name, password=password_hash)
    try:
        with transaction.atomic():  # a savepoint: a twin request's row must not poison the transaction
            user.save()
    except IntegrityError:
        raise EmailTaken(email) from None
    user.groups.add(patients_group())
    consent = ConsentRecord.objects.create(
        user=user, purpose=ConsentRecord.STORE_ANSWERS, wording=consent_wording, given=True
    )
    audit.record(user, audit.CREATE, user, patient=user, detail="patient registered")
    audit.record(user, audit.CREATE, consent, patient=user, detail=f"consent given: {consent.purpose}")
    # No team unless the deployment names a default one (CAREGUIDE_DEFAULT_CARE_TEAM, ADR 0011).
    careteam_services.assign_default_team(user)
    return user
