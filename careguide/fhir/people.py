"""The signed-in person as a FHIR resource: a Patient for a patient, a Practitioner for staff.

Built from the account only (name, email, active); the account holds no birth date or
gender, so neither appears (ADR 0032). Used as SDC launch contexts (%patient, %user) when a
questionnaire is filled in or populated; not served at an address of its own.
"""

from __future__ import annotations

from careguide.accounts.roles import is_patient
from careguide.questionnaires.models import USER_IDENTIFIER_SYSTEM


def person_resource(user, resource_type: str) -> dict:
    """``user`` as a Patient or Practitioner (id: the account's id, as subject:identifier uses)."""
    resource: dict = {
        "resourceType": resource_type,
        "id": str(user.pk),
        "identifier": [{"system": USER_IDENTIFIER_SYSTEM, "value": str(user.pk)}],
        "active": bool(user.is_active),
    }
    given, family = (user.first_name or "").strip(), (user.last_name or "").strip()
    if given or family:
        name: dict = {"use": "usual", "text": " ".join(p for p in (given, family) if p)}
        if family:
            name["family"] = family
        if given:
            name["given"] = given.split()
        resource["name"] = [name]
    if (user.email or "").strip():
        resource["telecom"] = [{"system": "email", "value": user.email.strip()}]
    return resource


def patient_resource(user) -> dict:
    return person_resource(user, "Patient")


def user_resource(user) -> dict | None:
    """%user: a patient as a Patient, anyone else signed in as a Practitioner, nobody: None."""
    if not getattr(user, "is_authenticated", False):
        return None
    return person_resource(user, "Patient" if is_patient(user) else "Practitioner")
