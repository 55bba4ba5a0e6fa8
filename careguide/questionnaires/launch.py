"""The signed-in person's launch context, and a questionnaire worked out for them (ADR 0032).

SDC questionnaires read ``%patient`` and ``%user`` in their initialExpression (a starting
value: a name, an email) and answerExpression (the options offered, possibly from an
``application/x-fhir-query`` answered in-process by our own FHIR searches as that person).
``services.definition_for(questionnaire, request)`` uses these for what the fill view shows and
what a response is checked against. A visitor who is not signed in gets empty contexts:
nothing is prefilled, and nothing fails.
"""

from __future__ import annotations

import copy

from careguide.accounts.roles import is_patient
from careguide.fhir import query
from careguide.fhir.people import patient_resource, user_resource

from . import engine
from .engine.launch import SUPPLIED_CONTEXTS
from .engine.populate import personalise

SUPPLIED = SUPPLIED_CONTEXTS  # %patient and %user: filled in here, never taken from a client


def launch_context(patient, user) -> dict:
    """``{"patient": Patient, "user": Patient or Practitioner}`` for what is known (None: not known)."""
    return {
        "patient": patient_resource(patient) if patient is not None else None,
        "user": user_resource(user),
    }


def own_context(user) -> dict:
    """The context of someone filling in a form for themselves: they are %user, and %patient
    when they are a patient (a response they store has them as its subject)."""
    signed_in = getattr(user, "is_authenticated", False)
    return launch_context(user if signed_in and is_patient(user) else None, user if signed_in else None)


def needs_person(definition: engine.Questionnaire) -> bool:
    return any(i.initial_expression is not None or i.answer_expression is not None
               for i in definition.all_items())


def personalised(definition: engine.Questionnaire, context: dict, request) -> tuple[engine.Questionnaire, list]:
    """A copy of ``definition`` with the person's starting values and options, and any warnings.
    An x-fhir-query runs as ``request``'s person; without a request it finds nothing."""
    mine = copy.deepcopy(definition)
    issues = personalise(mine, context, (lambda q: query.search(request, q)) if request is not None else None)
    return mine, issues
