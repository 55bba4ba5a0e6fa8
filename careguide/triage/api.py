"""JSON API: POST /api/triage/side-effects and POST /api/triage/back-pain.

The body is the contract's ``input`` object (clinical/triage-contract.md); the answer is
{"disposition", "reasons", "explanations", "rule_set_version"} (plus "findings" for side
effects, and for an emergency "call": {"emergency": "911", "crisis_line": {"name", "call":
"988", "text": "988", "chat_url", "page_url"}}: who to call, the crisis line beside 911; ADR
0022). Stateless: nothing is stored or logged (the access log has the path only), no sign-in.
CSRF-exempt because only an application/json body is accepted, which a cross-site form cannot
send. Every refusal is JSON: {"errors": [{"field", "message"}]}.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from careguide.core import crisis
from careguide.core.jsonapi import error_response, json_response, read_json_body
from careguide.triage.back_pain import BACK_PAIN
from careguide.triage.contract import no_duplicate_keys, reject_constant
from careguide.triage.deployment import side_effects_tool
from careguide.triage.engine import InputError, Result, Tool

MAX_BODY_BYTES = 64 * 1024  # a full answer set is under 1 KB


def _read_input(request: HttpRequest) -> object | HttpResponse:
    """The decoded JSON body, or the error response that refuses it."""
    return read_json_body(request, MAX_BODY_BYTES, parse_constant=reject_constant,
                          object_pairs_hook=no_duplicate_keys)


def _answer(result: Result) -> dict:
    data = {
        "disposition": result.disposition,
        "reasons": result.reasons,
        "explanations": result.explanations,
        "rule_set_version": result.rule_set_version,
    }
    if result.findings:
        data["findings"] = [{"symptom": f.symptom, "level": f.level, "rule": f.rule, "why": f.why}
                            for f in result.findings]
    if result.disposition == "emergency":
        # Who to call, as data: 911 and, beside it, the crisis line (careguide.core.crisis).
        data["call"] = crisis.current().as_data()
    return data


def triage_endpoint(get_tool: Callable[[], Tool]):
    """A POST-only view that evaluates the body with the tool ``get_tool()`` returns."""

    @csrf_exempt
    def view(request: HttpRequest) -> HttpResponse:
        if request.method != "POST":
            response = error_response(405, [("(request)", f"use POST, not {request.method}")])
            response["Allow"] = "POST"
            return response
        raw = _read_input(request)
        if isinstance(raw, HttpResponse):
            return raw
        tool = get_tool()
        try:
            answers = tool.parse_input(raw)
        except InputError as exc:
            return error_response(400, [("(body)" if f == "(input)" else f, m) for f, m in exc.problems])
        return json_response(_answer(tool.evaluate(answers)))

    return view


# The side-effect rules with this deployment's thresholds (settings.TRIAGE_SIDE_EFFECT_PARAMETERS).
side_effects = triage_endpoint(side_effects_tool)
back_pain = triage_endpoint(lambda: BACK_PAIN)
