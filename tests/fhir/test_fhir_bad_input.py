"""What an outside FHIR client sees when it sends something wrong: a 4xx OperationOutcome naming
the element or parameter, never a 500 or the site's HTML page (ADR 0023)."""

# ruff: noqa: F811 - the fixtures imported from test_fhir_api are taken as test arguments

import json

import pytest
from django.urls import reverse
from fhir_support import phq9_response
from test_fhir_api import patient, patient_client, phq9, staff, staff_client  # noqa: F401 (fixtures)

from careguide.fhir.validation import validate
from careguide.questionnaires.models import QuestionnaireResponse

FHIR_JSON = "application/fhir+json"


def outcome(response, status):
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith(FHIR_JSON)
    body = json.loads(response.content)
    assert body["resourceType"] == "OperationOutcome"
    validate(body)
    return body["issue"]


def post_raw(client, url, data: bytes, content_type=FHIR_JSON):
    """Bytes exactly as sent (the test client would re-encode text in the declared charset)."""
    return client.generic("POST", url, data=data, content_type=content_type)


QR = "fhir:questionnaire_response_type"


# --- search parameters --------------------------------------------------------------------------

SEARCHES = [
    ("fhir:questionnaire_response_type", "subject:identifier"),
    ("fhir:care_plan_type", "subject:identifier"),
    ("fhir:service_request_type", "subject:identifier"),
    ("fhir:service_request_type", "patient:identifier"),
    ("fhir:appointment_type", "patient:identifier"),
]


@pytest.mark.parametrize("url_name, param", SEARCHES)
@pytest.mark.parametrize("value", ["²", "urn:careguide:user|²", "١٢", "pat"])
def test_an_identifier_that_is_not_digits_is_a_400_naming_the_parameter(patient_client, url_name, param, value):
    issue = outcome(patient_client.get(reverse(url_name), {param: value}), 400)[0]
    assert issue["code"] == "value" and issue["expression"] == [param]
    assert issue["diagnostics"].startswith(f"{param}: give a person's id as digits")


@pytest.mark.parametrize("url_name, param", SEARCHES)
@pytest.mark.parametrize("value", ["9" * 30, "urn:careguide:user|18446744073709551616", "9223372036854775808"])
def test_an_id_too_large_to_exist_finds_nothing(patient_client, url_name, param, value):
    response = patient_client.get(reverse(url_name), {param: value})
    assert response.status_code == 200
    bundle = json.loads(response.content)
    assert (bundle["resourceType"], bundle["total"]) == ("Bundle", 0)


@pytest.mark.parametrize("value", ["ge9999-12-31T23:00:00-12:00", "lt0001-01-01T00:00:00+14:00"])
def test_a_date_beyond_what_can_be_stored_is_a_400_naming_the_parameter(patient_client, value):
    issue = outcome(patient_client.get(reverse("fhir:slot_type"), {"start": value}), 400)[0]
    assert issue["expression"] == ["start"]


# --- request bodies -----------------------------------------------------------------------------

@pytest.mark.parametrize("charset", ["rot13", "hex", "base64", "utf-16", "latin-1"])
def test_a_body_in_a_charset_other_than_utf8_is_a_415(patient_client, charset):
    body = json.dumps({"resourceType": "QuestionnaireResponse", "status": "completed"}).encode()
    issue = outcome(post_raw(patient_client, reverse(QR), body, f"{FHIR_JSON}; charset={charset}"), 415)[0]
    assert issue["code"] == "not-supported"
    assert f"charset={charset}" in issue["diagnostics"]


def test_utf8_declared_in_any_spelling_is_read(patient_client, phq9):
    body = json.dumps(phq9_response()).encode()
    assert post_raw(patient_client, reverse(QR), body, f"{FHIR_JSON}; charset=UTF-8").status_code == 201
    assert post_raw(patient_client, reverse(QR), body, f"{FHIR_JSON}; charset=utf8").status_code == 201


@pytest.mark.parametrize("depth", [150, 100_000])
def test_deeply_nested_json_is_a_400(patient_client, depth):
    body = ('{"resourceType": "QuestionnaireResponse", "item": ' + "[" * depth + "]" * depth + "}").encode()
    issue = outcome(post_raw(patient_client, reverse(QR), body), 400)[0]
    assert issue["code"] == "structure"
    assert "nested more than 100 levels deep" in issue["diagnostics"]


def test_a_body_over_the_upload_limit_is_a_413_outcome(patient_client, settings):
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    body = json.dumps({"resourceType": "QuestionnaireResponse", "text": {"div": "x" * (limit + 10)}}).encode()
    issue = outcome(post_raw(patient_client, reverse(QR), body), 413)[0]
    assert issue["code"] == "too-costly" and f"{limit:,} bytes" in issue["diagnostics"]


@pytest.mark.parametrize("text, message", [
    ("before\x00after", "contains a null character (code 0), which is not allowed in text"),
    ("\ud800", "contains a character that is not valid Unicode text (a lone surrogate)"),
])
def test_text_no_database_can_store_is_a_400_naming_the_element(patient_client, phq9, text, message):
    resource = phq9_response()
    resource["item"][1]["answer"] = [{"valueString": text}]
    issue = outcome(post_raw(patient_client, reverse(QR), json.dumps(resource).encode()), 400)[0]
    assert issue["diagnostics"] == f"The body was refused: item[1].answer[0].valueString: {message}."
    assert not QuestionnaireResponse.objects.exists()


def test_a_lone_surrogate_in_a_name_is_a_400(patient_client):
    body = b'{"resourceType": "QuestionnaireResponse", "\\udc00fever": 1}'
    issue = outcome(post_raw(patient_client, reverse(QR), body), 400)[0]
    assert "\\udc00fever: the name contains a character that is not valid Unicode" in issue["diagnostics"]


# --- resources ----------------------------------------------------------------------------------

def test_a_status_outside_its_required_codes_is_refused(patient_client, phq9):
    response = post_raw(patient_client, reverse(QR), json.dumps(phq9_response(status="bogus")).encode())
    issue = outcome(response, 400)[0]
    assert issue["code"] == "code-invalid"
    assert issue["expression"] == ["QuestionnaireResponse.status"]
    assert issue["diagnostics"] == ("QuestionnaireResponse.status: 'bogus' is not one of in-progress, completed, "
                                    "amended, entered-in-error, stopped.")
    assert not QuestionnaireResponse.objects.exists()


def test_a_questionnaire_with_a_bogus_status_is_refused(staff_client, db):
    resource = {"resourceType": "Questionnaire", "status": "bogus", "item": [{"linkId": "a", "type": "string"}]}
    response = post_raw(staff_client, reverse("fhir:questionnaire_type"), json.dumps(resource).encode())
    assert outcome(response, 400)[0]["expression"] == ["Questionnaire.status"]


@pytest.mark.parametrize("where", ["resource", "item"])
def test_a_modifier_extension_is_refused_because_we_understand_none(patient_client, phq9, where):
    modifier = [{"url": "http://example.org/fhir/StructureDefinition/answers-are-hypothetical", "valueBoolean": True}]
    resource = phq9_response()
    (resource if where == "resource" else resource["item"][0])["modifierExtension"] = modifier
    issue = outcome(post_raw(patient_client, reverse(QR), json.dumps(resource).encode()), 400)[0]
    expected = "QuestionnaireResponse.modifierExtension" if where == "resource" else \
        "QuestionnaireResponse.item[0].modifierExtension"
    assert issue["code"] == "extension" and issue["expression"] == [expected]
    assert "answers-are-hypothetical" in issue["diagnostics"]
    assert not QuestionnaireResponse.objects.exists()


def test_a_contained_resource_of_an_unknown_type_is_refused_by_name(patient_client, phq9):
    resource = phq9_response(contained=[{"resourceType": "Bogus", "id": "x"}])
    issue = outcome(post_raw(patient_client, reverse(QR), json.dumps(resource).encode()), 400)[0]
    assert issue["expression"] == ["QuestionnaireResponse.contained[0].resourceType"]
    assert issue["diagnostics"].endswith("Bogus is not a FHIR R4 resource type.")


@pytest.mark.parametrize("authored", ["9999-12-31T23:59:59-12:00", "9999-12-31", "2999-01-01T00:00:00Z"])
def test_a_far_future_authored_is_refused(patient_client, phq9, authored):
    resource = phq9_response(authored=authored)
    issue = outcome(post_raw(patient_client, reverse(QR), json.dumps(resource).encode()), 400)[0]
    assert issue["expression"] == ["QuestionnaireResponse.authored"]
    assert issue["diagnostics"].startswith(f"authored: {authored} has not happened yet.")
    assert not QuestionnaireResponse.objects.exists()


def test_a_past_authored_is_kept(patient_client, phq9):
    resource = phq9_response(authored="2026-01-05T10:00:00Z")
    response = post_raw(patient_client, reverse(QR), json.dumps(resource).encode())
    assert response.status_code == 201
    assert QuestionnaireResponse.objects.get().authored.year == 2026


# --- addresses ----------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["", "a/b/c", "Questionnaire/x/_history/1", "QuestionnaireResponse/x/y/",
                                  "metadata/", "$everything"])
@pytest.mark.parametrize("method", ["get", "post", "delete"])
def test_unknown_fhir_addresses_are_404_outcomes(client, db, path, method):
    response = getattr(client, method)("/fhir/" + path)
    issue = outcome(response, 404)[0]
    assert issue["code"] in ("not-found", "not-supported")


@pytest.mark.parametrize("url_name, param", [(name, p) for name, p in SEARCHES] + [("fhir:questionnaire_type", "url")])
def test_a_null_character_in_a_search_parameter_is_a_400_naming_it(patient_client, url_name, param):
    """PostgreSQL refuses NUL in text; every database answers the same."""
    issue = outcome(patient_client.get(reverse(url_name), {param: "a\x00b"}), 400)[0]
    assert issue["expression"] == [param]
    assert issue["diagnostics"] == f"{param}: contains a null character (code 0), which is not allowed in text."
