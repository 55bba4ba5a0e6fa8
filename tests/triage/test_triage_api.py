"""POST /api/triage/side-effects and /api/triage/back-pain: the contract's input in, the
disposition and reasons out; every refusal is JSON naming the field. No test here asks for the
database: pytest-django refuses any query, so the API is proven to store nothing."""

import json
import logging

import pytest
from django.core.checks import run_checks
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.urls import reverse
from paths import EVAL

from careguide.triage import deployment
from careguide.triage.api import MAX_BODY_BYTES

CASES = EVAL / "triage" / "cases_dev.jsonl"
SIDE_EFFECTS_URL = reverse("triage_api:side_effects")
BACK_PAIN_URL = reverse("triage_api:back_pain")


@pytest.fixture
def client():
    # As a real API caller: no CSRF token, no session.
    return Client(enforce_csrf_checks=True)


def post(client, url, body, content_type="application/json"):
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(url, data, content_type=content_type)


def test_the_urls_are_named_in_the_triage_api_namespace():
    assert reverse("triage_api:side_effects") == SIDE_EFFECTS_URL
    assert reverse("triage_api:back_pain") == BACK_PAIN_URL


def test_side_effects_answers_the_disposition_and_reasons(client):
    response = post(client, SIDE_EFFECTS_URL, {"context": {"on_sact": True}, "symptoms": {"temperature_c": 37.6}})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["disposition"] == "red"
    assert body["reasons"] == ["temperature-high-on-treatment"]
    assert body["rule_set_version"] == "2026.11.2"
    assert "37.5 C or higher" in body["explanations"][0]
    assert body["findings"] == [{"symptom": "temperature", "level": "red", "rule": "temperature-high-on-treatment",
                                 "why": body["explanations"][0]}]
    # health data: never cached by a browser or a proxy
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


@pytest.mark.django_db  # an emergency answer names the crisis line from the organization's settings
def test_back_pain_answers_the_disposition_and_reasons(client):
    response = post(client, BACK_PAIN_URL, {"cancer_history": True, "leg_tingling": True})
    assert response.status_code == 200
    body = response.json()
    assert body["disposition"] == "emergency"
    assert body["reasons"][0] == "bp-cancer-leg-symptoms"
    assert "findings" not in body


@pytest.mark.django_db  # emergencies name the crisis line from the organization's settings
@pytest.mark.parametrize("case", [json.loads(line) for line in CASES.read_text().splitlines() if line.strip()],
                         ids=lambda c: c["id"])
def test_every_dev_case_through_the_api(client, case):
    url = SIDE_EFFECTS_URL if case["tool"] == "side-effects" else BACK_PAIN_URL
    response = post(client, url, case["input"])
    assert response.status_code == 200
    assert response.json()["disposition"] == case["expected"], case["note"]


def test_an_empty_object_is_no_answers(client):
    assert post(client, SIDE_EFFECTS_URL, {}).json()["disposition"] == "green"
    assert post(client, BACK_PAIN_URL, {}).json()["disposition"] == "proceed"


@pytest.mark.parametrize("url, body, field, message", [
    (SIDE_EFFECTS_URL, {"symptoms": {"mouth": 7}}, "symptoms.mouth", "from 0 to 4, got 7"),
    (SIDE_EFFECTS_URL, {"symptoms": {"temperature_c": 60}}, "symptoms.temperature_c", "from 30 to 45"),
    (SIDE_EFFECTS_URL, {"symptoms": {"vomiting_per_24h": -1}}, "symptoms.vomiting_per_24h", "0 or more"),
    (SIDE_EFFECTS_URL, {"context": {"ici": 1}}, "context.ici", "true or false"),
    (SIDE_EFFECTS_URL, {"symptoms": {"moth": 2}}, "symptoms.moth", "did you mean 'mouth'"),
    (SIDE_EFFECTS_URL, [1, 2], "(body)", "must be an object"),
    (BACK_PAIN_URL, {"leg_weakness": "yes"}, "leg_weakness", "true or false"),
    (BACK_PAIN_URL, {"leg_wobble": True}, "leg_wobble", "unknown field"),
    (BACK_PAIN_URL, "null", "(body)", "must be an object"),
])
def test_a_bad_field_is_a_400_naming_it(client, url, body, field, message):
    response = post(client, url, body)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors[0]["field"] == field and message in errors[0]["message"]


def test_every_bad_field_is_named_at_once(client):
    response = post(client, SIDE_EFFECTS_URL, {"context": {"ici": "y"}, "symptoms": {"mouth": 9, "eye": 1.5}})
    assert [e["field"] for e in response.json()["errors"]] == ["context.ici", "symptoms.mouth", "symptoms.eye"]


@pytest.mark.parametrize("body, message", [
    ('{"symptoms": {"mouth": 2}', "not valid JSON"),
    ('{"symptoms": {"temperature_c": NaN}}', "NaN is not a JSON number"),
    ('{"symptoms": {"mouth": 1, "mouth": 3}}', "key 'mouth' appears twice"),
    (" ", "not valid JSON"),
    ("[" * 20000, "not valid JSON"),
    (b"\xff\xfe{}", "not UTF-8"),
])
def test_a_body_that_is_not_json_is_a_400(client, body, message):
    response = post(client, SIDE_EFFECTS_URL, body)
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "(body)"
    assert message in response.json()["errors"][0]["message"]


def test_a_form_post_is_refused_as_the_wrong_content_type(client):
    response = client.post(SIDE_EFFECTS_URL, {"symptoms": "x"})
    assert response.status_code == 415
    assert "application/json" in response.json()["errors"][0]["message"]
    response = post(client, SIDE_EFFECTS_URL, "{}", content_type="text/plain")
    assert response.status_code == 415


@pytest.mark.parametrize("method", ["get", "put", "delete", "head", "options"])
def test_only_post_is_allowed(client, method):
    response = getattr(client, method)(SIDE_EFFECTS_URL)
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    if method != "head":
        assert response.json()["errors"][0]["message"] == f"use POST, not {method.upper()}"


def test_a_body_over_the_limit_is_refused(client):
    padding = " " * MAX_BODY_BYTES
    response = post(client, SIDE_EFFECTS_URL, "{}" + padding)
    assert response.status_code == 413
    assert "larger than 65536 bytes" in response.json()["errors"][0]["message"]
    assert post(client, SIDE_EFFECTS_URL, "{}" + padding[:-10]).status_code == 200


def test_nothing_of_the_answers_reaches_the_logs(client, caplog):
    caplog.set_level(logging.DEBUG)
    post(client, SIDE_EFFECTS_URL, {"symptoms": {"temperature_c": 39.4, "mouth": 9}})
    post(client, SIDE_EFFECTS_URL, {"symptoms": {"temperature_c": 39.4}})
    assert "39.4" not in caplog.text and "mouth" not in caplog.text


# --- The deployment's fever threshold ------------------------------------------------------------


def test_the_deployment_fever_threshold_applies_and_shows_in_the_version(client, settings):
    settings.TRIAGE_SIDE_EFFECT_PARAMETERS = {"fever_c": 38.0}
    body = post(client, SIDE_EFFECTS_URL, {"context": {"on_sact": True}, "symptoms": {"temperature_c": 37.8}}).json()
    assert body["disposition"] == "amber"
    assert body["rule_set_version"] == "2026.11.2+fever_c=38.0"
    body = post(client, SIDE_EFFECTS_URL, {"context": {"on_sact": True}, "symptoms": {"temperature_c": 38.0}}).json()
    assert body["disposition"] == "red" and "38.0 C or higher" in body["explanations"][0]
    assert deployment.evaluate_side_effects({"symptoms": {}}).rule_set_version == "2026.11.2+fever_c=38.0"


def test_without_the_setting_the_rule_file_threshold_applies(client, settings):
    settings.TRIAGE_SIDE_EFFECT_PARAMETERS = {}
    body = post(client, SIDE_EFFECTS_URL, {"context": {"on_sact": True}, "symptoms": {"temperature_c": 37.8}}).json()
    assert (body["disposition"], body["rule_set_version"]) == ("red", "2026.11.2")


@pytest.mark.parametrize("value, message", [
    ({"fever_c": 39.5}, "fever_c: 39.5 is outside the allowed 37.0..38.5 C"),
    ({"fever": 38.0}, "did you mean 'fever_c'"),
    ("38.0", "must be a dict"),
])
def test_a_bad_deployment_setting_fails_loudly_at_start_up(settings, value, message):
    settings.TRIAGE_SIDE_EFFECT_PARAMETERS = value
    with pytest.raises(ImproperlyConfigured, match="TRIAGE_SIDE_EFFECT_PARAMETERS"):
        deployment.side_effects_tool()
    errors = [e for e in run_checks() if e.id == "triage.E002"]
    assert len(errors) == 1 and message in errors[0].msg


def test_the_shipped_rules_pass_the_start_up_checks(settings):
    settings.TRIAGE_SIDE_EFFECT_PARAMETERS = {"fever_c": 38.0}
    assert not [e for e in run_checks() if e.id.startswith("triage.")]
