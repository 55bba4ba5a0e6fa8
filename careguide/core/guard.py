"""RequestGuardMiddleware: form posts and query strings that Django or a database cannot read
are answered with a 400 page naming the problem, before any view sees them (ADR 0023).

- A form post (urlencoded or multipart) that declares a charset other than UTF-8: browsers send
  our forms as UTF-8, so this is a hand-made request; Django would refuse an urlencoded one with
  a bare "Bad Request" and fail with a 500 on a multipart one ("rot13 is not a text encoding").
- A NUL character (code 0) in a query parameter or a form field: PostgreSQL refuses it in text
  and SQLite keeps it, so it is refused here on every database, naming the field.

/fhir/ and /api/ read JSON bodies themselves and answer in their own formats; /api/ gets the
NUL check of its query string here, as a JSON error, and /fhir/ checks its own (fhir/http.py).
"""

from __future__ import annotations

from django.http import HttpResponseBadRequest
from django.template import loader

from . import untrusted
from .crisis import CrisisLine
from .http import private
from .jsonapi import error_response

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
FHIR = "/fhir/"  # checks its own requests (fhir/http.py) and answers OperationOutcomes
JSON_API = "/api/"  # reads its own JSON bodies; its errors are {"errors": [{"field", "message"}]}


def refused(problem: str):
    # The same page as Django's own 400s (templates/400.html): it needs no database.
    page = loader.get_template("400.html").render({"problem": problem, "crisis": CrisisLine()})
    return private(HttpResponseBadRequest(page))


def nul_in_params(params) -> str | None:
    """The name of the first parameter whose name or value holds a NUL character, or None."""
    for name, values in params.lists():
        if any("\x00" in value for value in [name, *values]):
            return untrusted.printable(name)[:60]
    return None


class RequestGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(FHIR):
            return self.get_response(request)
        if request.path.startswith(JSON_API):
            if (name := nul_in_params(request.GET)) is not None:
                return error_response(400, [(name, untrusted.NUL_MESSAGE)])
            return self.get_response(request)
        problem = self.problem(request)
        if problem is not None:
            return refused(problem)
        return self.get_response(request)

    @staticmethod
    def problem(request) -> str | None:
        form_post = request.method in ("POST", "PUT", "PATCH") and request.content_type in FORM_TYPES
        if form_post and (charset := untrusted.charset_problem(request.content_params)) is not None:
            return f"The form was sent in a way we cannot read: {charset}."
        for where, params in [("the address", request.GET), *([("the form", request.POST)] if form_post else [])]:
            if (name := nul_in_params(params)) is not None:
                return f"The field “{name}” in {where} contains a null character (code 0), which is not allowed."
        return None
