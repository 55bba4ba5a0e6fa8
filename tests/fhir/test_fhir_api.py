"""The FHIR R4 API under /fhir/: what a client integrating with us sees.

JSON as application/fhir+json, every resource valid R4, every error an OperationOutcome
that names the element (or the questionnaire item's linkId) at fault."""

import copy
import json
import uuid

import paths
import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from factories import PatientFactory, UserFactory
from fhir_support import phq9_response

from careguide.fhir.validation import validate
from careguide.questionnaires import services, versions
from careguide.questionnaires.models import Questionnaire, QuestionnaireResponse

EVAL = paths.EVAL / "fhir-questionnaires"  # copy of shared/eval
EVAL_FILES = sorted(p.name for p in EVAL.glob("*.json"))
FHIR_JSON = "application/fhir+json"


def eval_resource(name):
    return json.loads((EVAL / name).read_text())


def body(response):
    assert response["Content-Type"].startswith(FHIR_JSON)
    return json.loads(response.content)


def post(client, path, resource, content_type=FHIR_JSON):
    data = resource if isinstance(resource, str | bytes) else json.dumps(resource)
    return client.post(path, data=data, content_type=content_type)


def issues(response):
    outcome = body(response)
    assert outcome["resourceType"] == "OperationOutcome"
    validate(outcome)
    return outcome["issue"]


@pytest.fixture
def added(db):
    """The questionnaires a test adds (load-content has already stored the site's own)."""
    before = list(Questionnaire.objects.values_list("pk", flat=True))
    return lambda: Questionnaire.objects.exclude(pk__in=before)


def without_server_fields(resource):
    return {k: v for k, v in resource.items() if k not in ("id", "meta")}


@pytest.fixture
def staff(db):
    user = UserFactory(username="curator", email="curator@example.org", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(
        codename__in=["add_questionnaire", "change_questionnaire"], content_type__app_label="questionnaires"))
    return user


@pytest.fixture
def staff_client(staff):
    client = Client(enforce_csrf_checks=True)  # JSON posts need no CSRF token
    client.force_login(staff)
    return client


@pytest.fixture
def patient(db):
    return PatientFactory(email="pat@example.org", first_name="")


@pytest.fixture
def patient_client(patient):
    client = Client(enforce_csrf_checks=True)
    client.force_login(patient)
    return client


@pytest.fixture
def phq9(db):
    return versions.import_questionnaire(eval_resource("lforms_R4_phq9.json")).questionnaire


# --- metadata and the edges ---------------------------------------------------------------------

def test_capability_statement_describes_what_we_support(client, db):
    response = client.get("/fhir/metadata")
    assert response.status_code == 200
    statement = body(response)
    validate(statement)
    assert statement["resourceType"] == "CapabilityStatement" and statement["fhirVersion"] == "4.0.1"
    resources = {r["type"]: r for r in statement["rest"][0]["resource"]}
    assert {i["code"] for i in resources["Questionnaire"]["interaction"]} == {"read", "search-type", "create"}
    assert {p["name"] for p in resources["Questionnaire"]["searchParam"]} == {"url", "version", "_id"}
    assert {i["code"] for i in resources["QuestionnaireResponse"]["interaction"]} == {"read", "search-type", "create"}
    assert {p["name"] for p in resources["QuestionnaireResponse"]["searchParam"]} == {"_id", "questionnaire", "subject"}


@pytest.mark.parametrize("path", ["/fhir/Patient", "/fhir/Patient/123", "/fhir/Observation"])
def test_unknown_resource_types_are_404_outcomes(client, db, path):
    response = client.get(path)
    assert response.status_code == 404
    assert issues(response)[0]["code"] == "not-supported"


def test_unsupported_methods_are_405_outcomes(client, db):
    response = client.delete("/fhir/metadata")
    assert response.status_code == 405 and response["Allow"] == "GET, HEAD"
    assert issues(response)[0]["severity"] == "error"


# --- Questionnaire ------------------------------------------------------------------------------

def test_creating_a_questionnaire_needs_a_staff_user_with_permission(client, added, patient, editor):
    resource = eval_resource("sdc_questionnaire-sdc-profile-example-PHQ9.json")
    anonymous = post(client, "/fhir/Questionnaire", resource)
    assert anonymous.status_code == 401 and issues(anonymous)[0]["code"] == "login"
    for user in (patient, editor):  # a patient; staff without the permission
        other = Client()
        other.force_login(user)
        refused = post(other, "/fhir/Questionnaire", resource)
        assert refused.status_code == 403 and issues(refused)[0]["code"] == "forbidden"
    assert not added().exists()


@pytest.mark.parametrize("name", EVAL_FILES)
def test_questionnaires_round_trip_unchanged(staff_client, client, name, eval_answer_lists):
    resource = eval_resource(name)
    created = post(staff_client, "/fhir/Questionnaire", resource)
    assert created.status_code == 201
    location = created["Location"]
    stored = body(created)
    assert location == f"http://testserver/fhir/Questionnaire/{stored['id']}"
    assert stored["meta"]["versionId"] == "1" and stored["meta"]["lastUpdated"]
    fetched = client.get(location)  # anyone may read a questionnaire
    assert fetched.status_code == 200 and fetched["ETag"] == 'W/"1"'
    assert without_server_fields(body(fetched)) == without_server_fields(resource)
    # The rest of meta (profiles, tags) survives too.
    extra_meta = {k: v for k, v in (resource.get("meta") or {}).items()}
    assert {k: v for k, v in body(fetched)["meta"].items() if k in extra_meta} == extra_meta


def test_posting_the_same_questionnaire_again_changes_nothing_and_a_change_needs_a_new_version(staff_client, added):
    resource = eval_resource("sdc_questionnaire-sdc-profile-example-hunger-vital-signs.json")
    first = body(post(staff_client, "/fhir/Questionnaire", resource))
    again = post(staff_client, "/fhir/Questionnaire", resource)
    assert again.status_code == 200 and body(again)["id"] == first["id"]
    changed = {**resource, "title": "Hunger Vital Sign (revised)"}
    refused = post(staff_client, "/fhir/Questionnaire", changed)
    assert refused.status_code == 409
    issue = body(refused)["issue"][0]
    assert issue["code"] == "conflict" and issue["expression"] == ["Questionnaire.version"]
    assert "must have a new version" in issue["diagnostics"]
    assert added().get().resource["title"] == resource["title"]
    newer = post(staff_client, "/fhir/Questionnaire", {**changed, "version": "2"})
    assert newer.status_code == 201 and body(newer)["id"] != first["id"]
    assert added().count() == 2


def test_search_by_url_and_version_returns_a_searchset_bundle(staff_client, client, added, eval_answer_lists):
    for name in EVAL_FILES:
        post(staff_client, "/fhir/Questionnaire", eval_resource(name))
    url = "http://hl7.org/fhir/uv/sdc/Questionnaire/questionnaire-sdc-profile-example-PHQ9"
    bundle = body(client.get("/fhir/Questionnaire", {"url": url}))
    validate(bundle)
    assert bundle["type"] == "searchset" and bundle["total"] == 1
    entry = bundle["entry"][0]
    assert entry["resource"]["url"] == url and entry["search"] == {"mode": "match"}
    assert entry["fullUrl"] == f"http://testserver/fhir/Questionnaire/{entry['resource']['id']}"
    assert body(client.get("/fhir/Questionnaire", {"url": url, "version": "0.0.1"}))["total"] == 1
    assert body(client.get("/fhir/Questionnaire", {"url": url, "version": "9"}))["total"] == 0
    assert body(client.get("/fhir/Questionnaire", {"url": "http://nowhere"}))["total"] == 0
    everything = body(client.get("/fhir/Questionnaire"))
    assert added().count() == 5
    assert everything["total"] == Questionnaire.objects.count()  # includes the leniently valid LForms PHQ-9
    assert {e["resource"]["id"] for e in everything["entry"]} >= set(added().values_list("fhir_id", flat=True))


def test_reading_an_unknown_questionnaire_is_a_404_outcome(client, db):
    response = client.get("/fhir/Questionnaire/nope")
    assert response.status_code == 404
    assert issues(response)[0]["diagnostics"] == "Questionnaire/nope is not known."


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"])
def test_posts_must_be_json(staff_client, content_type):
    response = staff_client.post("/fhir/Questionnaire", data="{}", content_type=content_type)
    assert response.status_code == 415 and issues(response)[0]["code"] == "not-supported"


def test_malformed_json_is_a_400_outcome(staff_client):
    response = post(staff_client, "/fhir/Questionnaire", "{not json")
    assert response.status_code == 400
    assert issues(response)[0]["diagnostics"].startswith("The body is not valid JSON")


@pytest.mark.parametrize("change, expression, code", [
    (lambda r: r["item"][0].pop("linkId"), "Questionnaire.item[0].linkId", "required"),
    (lambda r: r.update(status=None) or r.pop("status"), "Questionnaire.status", "required"),
    (lambda r: r.update(colour="blue"), "Questionnaire.colour", "structure"),
    (lambda r: r["item"][0].update(linkId=7), "Questionnaire.item[0].linkId", "value"),
    (lambda r: r["item"][0].update(modifierExtension=[{"url": "http://x", "valueString": 1}]),
     "Questionnaire.item[0].modifierExtension[0].valueString", "value"),
])
def test_invalid_questionnaires_are_refused_naming_the_element(staff_client, added, change, expression, code):
    resource = eval_resource("sdc_questionnaire-sdc-profile-example-hunger-vital-signs.json")
    change(resource)
    response = post(staff_client, "/fhir/Questionnaire", resource)
    assert response.status_code == 400
    issue = issues(response)[0]
    assert issue["expression"] == [expression] and issue["code"] == code
    assert issue["diagnostics"].startswith(expression + ": ")
    assert not added().exists()


@pytest.mark.parametrize("item, message", [
    ({"linkId": "a", "type": "string", "enableWhen": [{"question": "b", "operator": "=", "answerString": "x"}]},
     "Item a depends on b, which is not in the questionnaire."),
    ({"linkId": "a", "type": "string", "required": "yes"}, "Item a: required must be true or false."),
    ({"linkId": "a", "type": "question"}, "Item a has an unknown type 'question'."),
])
def test_a_questionnaire_the_engine_cannot_use_is_refused(staff_client, item, message):
    resource = {"resourceType": "Questionnaire", "status": "active", "item": [item]}
    response = post(staff_client, "/fhir/Questionnaire", resource)
    assert response.status_code == 400
    issue = issues(response)[0]
    assert issue["diagnostics"] == message
    assert issue["expression"] == ["Questionnaire.repeat(item).where(linkId='a')"]


def test_errors_only_inside_extensions_are_accepted(staff_client):
    """LForms' PHQ-9 breaks the letter of R4 inside two kinds of extension only."""
    response = post(staff_client, "/fhir/Questionnaire", eval_resource("lforms_R4_phq9.json"))
    assert response.status_code == 201
    stored = body(response)
    assert stored["item"][2]["answerOption"][1]["extension"][0]["valueString"] == 1  # kept verbatim


# --- QuestionnaireResponse --------------------------------------------------------------------------

def test_a_signed_in_person_can_create_a_response_and_read_it_back(patient_client, patient, phq9):
    created = post(patient_client, "/fhir/QuestionnaireResponse", phq9_response(choice=2))
    assert created.status_code == 201
    resource = body(created)
    validate(resource)
    assert resource["subject"] == {"identifier": {"system": "urn:careguide:user", "value": str(patient.pk)}}
    score = next(i for i in resource["item"] if i["linkId"] == "/44261-6")
    assert score["answer"] == [{"valueDecimal": 18}]  # the server works out the total
    record = QuestionnaireResponse.objects.get(fhir_id=resource["id"])
    assert record.subject == patient and record.questionnaire == phq9
    fetched = patient_client.get(created["Location"])
    assert fetched.status_code == 200 and body(fetched) == resource


def test_a_response_that_names_its_questionnaire_by_canonical_url(patient_client, db):
    versions.import_questionnaire(eval_resource("sdc_questionnaire-sdc-profile-example-hunger-vital-signs.json"))
    response = {
        "resourceType": "QuestionnaireResponse", "status": "completed",
        "questionnaire": "http://hl7.org/fhir/uv/sdc/Questionnaire/questionnaire-sdc-profile-example-hunger-vital-signs",
        "item": [{"linkId": "/88122-7", "answer": [{"valueCoding": {
            "system": "http://loinc.org", "code": "LA28397-0", "display": "Often true"}}]}],
    }
    created = post(patient_client, "/fhir/QuestionnaireResponse", response)
    assert created.status_code == 201
    assert body(created)["item"][-1]["answer"][0]["valueCoding"]["code"] == "LA19952-3"  # at risk


def test_responses_are_private_to_their_subject(patient_client, phq9, editor):
    location = post(patient_client, "/fhir/QuestionnaireResponse", phq9_response())["Location"]
    anonymous = Client().get(location)
    assert anonymous.status_code == 404
    other = Client()
    other.force_login(editor)
    refused = other.get(location)
    assert refused.status_code == 404
    # Same answer as for an id that does not exist: existence is not leaked.
    missing = other.get(f"/fhir/QuestionnaireResponse/{uuid.uuid4()}")
    assert issues(refused)[0]["code"] == issues(missing)[0]["code"] == "not-found"
    assert other.get("/fhir/QuestionnaireResponse/not-a-uuid").status_code == 404


def test_creating_a_response_needs_sign_in(client, phq9):
    response = post(client, "/fhir/QuestionnaireResponse", phq9_response())
    assert response.status_code == 401
    assert not QuestionnaireResponse.objects.exists()


@pytest.mark.parametrize("change, link_id, message", [
    (lambda r: r["item"].pop(0), "/44250-9", "Select an answer for “Little interest or pleasure in doing things?”"),
    (lambda r: r["item"][1]["answer"].__setitem__(0, {"valueCoding": {"code": "LA0000-0"}}), "/44255-8",
     "Choose one of the listed answers for “Feeling down, depressed, or hopeless?”"),
    (lambda r: r["item"][1]["answer"].append(r["item"][0]["answer"][0]), "/44255-8",
     "“Feeling down, depressed, or hopeless?” takes one answer only"),
    (lambda r: r["item"][2].__setitem__("answer", [{"valueString": "often"}]), "/44259-0",
     "“Trouble falling or staying asleep, or sleeping too much” needs a coded answer as its answer, not a text"),
    (lambda r: r["item"].append({"linkId": "/44261-6", "answer": [{"valueDecimal": 3}]}), "/44261-6",
     "“Patient health questionnaire 9 item total score” is calculated from the other answers: expected 9"),
    (lambda r: r["item"].append({"linkId": "made-up", "answer": [{"valueString": "x"}]}), "made-up",
     "made-up is not a question in this questionnaire here"),
])
def test_an_invalid_response_is_refused_naming_the_link_id(patient_client, phq9, change, link_id, message):
    resource = phq9_response()
    change(resource)
    response = post(patient_client, "/fhir/QuestionnaireResponse", resource)
    assert response.status_code == 400
    found = issues(response)
    assert found[0]["diagnostics"] == f"{message} (linkId {link_id})"
    assert f"linkId='{link_id}'" in found[0]["expression"][0]
    assert not QuestionnaireResponse.objects.exists()


def test_a_response_that_is_not_valid_fhir_names_the_element_and_link_id(patient_client, phq9):
    resource = phq9_response()
    resource["item"][3]["answer"] = [{"valueDate": "2026-13-40"}]
    response = post(patient_client, "/fhir/QuestionnaireResponse", resource)
    assert response.status_code == 400
    issue = issues(response)[0]
    assert issue["expression"] == ["QuestionnaireResponse.item[3].answer[0].valueDate"]
    assert issue["diagnostics"].endswith("(linkId /44254-1)")


def test_a_response_to_an_unknown_questionnaire_is_refused(patient_client, db):
    resource = {"resourceType": "QuestionnaireResponse", "status": "completed",
                "questionnaire": "http://example.org/Questionnaire/none"}
    response = post(patient_client, "/fhir/QuestionnaireResponse", resource)
    assert response.status_code == 400
    assert issues(response)[0]["expression"] == ["QuestionnaireResponse.questionnaire"]


def test_the_subject_is_always_the_signed_in_person(patient_client, patient, phq9):
    resource = phq9_response(subject={"reference": "Patient/someone-else"})
    created = body(post(patient_client, "/fhir/QuestionnaireResponse", resource))
    assert created["subject"]["identifier"]["value"] == str(patient.pk)


@pytest.mark.parametrize("name", EVAL_FILES)
def test_every_evaluation_questionnaire_accepts_a_valid_response_over_the_api(patient_client, name, eval_answer_lists):
    questionnaire = versions.import_questionnaire(eval_resource(name)).questionnaire
    definition = services.parsed(questionnaire)
    items = []
    for item in definition.items:
        if item.is_question and not item.is_calculated and item.options:
            items.append({"linkId": item.link_id, "answer": [item.options[0].answer]})
        elif item.is_group and not item.repeats:
            inner = [{"linkId": c.link_id, "answer": [c.options[0].answer if c.options else {"valueString": "x"}]}
                     for c in item.children if c.type in ("choice", "string") and not c.repeats
                     and not c.enable_when and (c.options or c.type == "string")]
            if inner:
                items.append({"linkId": item.link_id, "item": inner})
    resource = {"resourceType": "QuestionnaireResponse", "status": "completed",
                "questionnaire": f"Questionnaire/{questionnaire.fhir_id}", "item": items}
    created = post(patient_client, "/fhir/QuestionnaireResponse", copy.deepcopy(resource))
    assert created.status_code == 201, body(created)
