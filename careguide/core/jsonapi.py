"""The JSON answers of our small APIs (/api/triage/..., /api/search): one shape for success and
for errors, and never cached, because questions and answers can be health data."""

import json

from django.http import HttpResponse
from django.utils.cache import patch_cache_control


def json_response(data: dict, status: int = 200) -> HttpResponse:
    response = HttpResponse(json.dumps(data, ensure_ascii=False), status=status,
                            content_type="application/json; charset=utf-8")
    patch_cache_control(response, private=True, no_store=True, max_age=0)
    return response


def error_response(status: int, problems: list[tuple[str, str]]) -> HttpResponse:
    """``{"errors": [{"field", "message"}, ...]}``: every problem, each naming its field."""
    return json_response({"errors": [{"field": field, "message": message} for field, message in problems]}, status)
