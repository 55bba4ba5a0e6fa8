"""RequestGuardMiddleware: form posts and query strings that Django or a database cannot read
are answered with a 400 page naming the problem, before any view sees them (ADR 0023).

- A form post (urlencoded or multipart) that declares a charset other than UTF-8: browsers send
  our forms as UTF-8, so this is a hand-made request; Django would refuse an urlencoded one with
  a bare "Bad Request" and fail with a 500 on a multipart one ("rot13 is not a text encoding").
- A NUL character (code 0) in a query parameter or a form field: PostgreSQL refuses it in text
  and SQLite keeps it, so it is refused here on every database, naming the field.

/fhir/ and /api/ read JSON themselves and answer in their own formats (OperationOutcome,
{"errors": [...]}); they are left to do so.
"""

from __future__ import annotations

from django.http import HttpResponseBadRequest
from django.template import loader

from . import untrusted
from .http import private

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
OWN_FORMATS = ("/fhir/", "/api/")


def refused(problem: str):
    # The same page as Django's own 400s (templates/400.html): it needs no database.
    return private(HttpResponseBadRequest(loader.get_template("400.html").render({"problem": problem})))


class RequestGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(OWN_FORMATS):
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
        params = [("the address", request.GET)]
        if form_post:
            params.append(("the form", request.POST))
        for where, values in params:
            for name, value in values.lists():
                if any("\x00" in v for v in [name, *value]):
                    shown = untrusted.printable(name)[:60]
                    return f"The field “{shown}” in {where} contains a null character (code 0), which is not allowed."
        return None
