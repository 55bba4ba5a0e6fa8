"""The signed-in person's launch context, and a questionnaire worked out for them (ADR 0032).

SDC questionnaires read ``%patient`` and ``%user`` in their initialExpression (a starting
value: a name, an email) and answerExpression (the options offered, possibly from an
``application/x-fhir-query`` answered in-process by our own FHIR searches as that person).
``definition_for(questionnaire, request)`` is what the fill view shows and what a response is
checked against: the shared parse when the questionnaire has no such expressions, else a
private copy with the person's starting values and options. A visitor who is not signed in
gets empty contexts: nothing is prefilled, and nothing fails.
"""

from __future__ import annotations

import copy

from careguide.accounts.roles import is_patient

from . import engine, services
from .engine.launch import SUPPLIED_CONTEXTS
from .engine.populate import personalise
from .models import Questionnaire

SUPPLIED = SUPPLIED_CONTEXTS  # %patient and %user: filled in here, never taken from a client


def launch_context(patient, user) -> dict:
    """``{"patient": Patient, "user": Patient or Practitioner}`` for what is known (None: not known)."""
    from careguide.fhir.people import patient_resource, user_resource

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
    """A copy of ``definition`` with the person's starting values and options, and any warnings."""
    from careguide.fhir import query

    mine = copy.deepcopy(definition)
    issues = personalise(mine, context, (lambda q: query.search(request, q)) if request is not None else None)
    return mine, issues


def definition_for(questionnaire: Questionnaire, request=None, user=None) -> engine.Questionnaire:
    """The questionnaire as ``request``'s person fills it in (or ``user``'s, without a request)."""
    definition = services.parsed(questionnaire)
    if not needs_person(definition):
        return definition
    person = user if user is not None else getattr(request, "user", None)
    return personalised(definition, own_context(person), request)[0]
