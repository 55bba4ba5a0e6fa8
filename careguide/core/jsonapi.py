"""The JSON answers of our small APIs (/api/triage/..., /api/search, a questionnaire form's live
state): one shape for success and for errors, and never cached, because questions and answers
can be health data; and the one way they read a JSON body."""

import json

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

from . import untrusted


def json_response(data: dict, status: int = 200) -> HttpResponse:
    response = HttpResponse(json.dumps(data, ensure_ascii=False), status=status,
                            content_type="application/json; charset=utf-8")
    patch_cache_control(response, private=True, no_store=True, max_age=0)
    return response


def error_response(status: int, problems: list[tuple[str, str]]) -> HttpResponse:
    """``{"errors": [{"field", "message"}, ...]}``: every problem, each naming its field."""
    return json_response({"errors": [{"field": field, "message": message} for field, message in problems]}, status)


def read_json_body(request: HttpRequest, max_bytes: int, what: str = "the answers", **loads_options):
    """The decoded JSON body, or the error response that refuses it (wrong type, too large,
    not UTF-8, not JSON, too deep, text no database can store). `loads_options` go to
    ``untrusted.loads`` (its hooks may raise ValueError to refuse a body)."""
    if request.content_type != "application/json":
        sent = request.content_type or "nothing"
        return error_response(415, [("(body)", f"send {what} as application/json, not {sent}")])
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return error_response(400, [("(body)", "the Content-Length header is not a number")])
    if declared > max_bytes:
        return error_response(413, [("(body)", f"the body is larger than {max_bytes} bytes")])
    if (problem := untrusted.charset_problem(request.content_params)) is not None:
        return error_response(415, [("(body)", problem)])
    body = request.read(max_bytes + 1)
    if len(body) > max_bytes:
        return error_response(413, [("(body)", f"the body is larger than {max_bytes} bytes")])
    try:
        return untrusted.loads(body, **loads_options)
    except untrusted.JsonRefused as exc:
        # Where, not what: a field name may be a symptom, so nothing of the body is logged.
        return error_response(400, [(exc.path, exc.message)])
    except ValueError as exc:
        return error_response(400, [("(body)", f"not valid JSON: {untrusted.printable(str(exc))}")])
