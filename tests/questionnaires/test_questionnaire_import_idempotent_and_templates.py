"""Importing questionnaires (issue 16, items 8 and 9; ADR 0033).

Given a questionnaire that carries SDC extraction templates (contained resources that are partial
by design), when it is imported, then it is accepted, while a template that says something
invalid is refused with the element named. Given a questionnaire with neither id nor url, when
it is imported again with the same content, then it is stored once and the import says so."""

import copy
import json
from io import StringIO

import pytest
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from factories import UserFactory

from careguide.questionnaires.models import Questionnaire

FHIR_JSON = "application/fhir+json"
SDC = "http://hl7.org/fhir/uv/sdc/StructureDefinition/"
EXTRACT_VALUE = {"url": SDC + "sdc-questionnaire-templateExtractValue", "valueString": "answer.value"}
TEMPLATE = {
    # Partial by design: status and code are filled in at extraction time, so they are missing here.
    "resourceType": "Observation", "id": "weight-template",
    "_status": {"extension": [{"url": SDC + "sdc-questionnaire-templateExtractValue", "valueString": "'final'"}]},
    "valueQuantity": {"extension": [EXTRACT_VALUE], "unit": "kg", "system": "http://unitsofmeasure.org",
                      "code": "kg"},
}
WITH_TEMPLATE = {
    "resourceType": "Questionnaire", "url": "http://careguide.invalid/fhir/Questionnaire/test-weight",
    "version": "1", "title": "Weight", "status": "active",
    "contained": [TEMPLATE],
    "item": [{"linkId": "weight", "type": "decimal", "text": "Your weight (kg)", "extension": [
        {"url": SDC + "sdc-questionnaire-templateExtract",
         "extension": [{"url": "template", "valueReference": {"reference": "#weight-template"}}]}]}],
}
NO_ID_NO_URL = {"resourceType": "Questionnaire", "title": "Quick check", "status": "active",
                "item": [{"linkId": "ok", "type": "boolean", "text": "Are you well today?"}]}


def run(*files):
    out = StringIO()
    call_command("import_questionnaire", *[str(f) for f in files], stdout=out)
    return out.getvalue().splitlines()


def write(tmp_path, name, resource):
    path = tmp_path / name
    path.write_text(json.dumps(resource))
    return path


@pytest.fixture
def staff_client(db):
    user = UserFactory(username="curator", email="curator@example.org", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(
        codename__in=["add_questionnaire", "change_questionnaire"], content_type__app_label="questionnaires"))
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def post(client, resource):
    return client.post(reverse("fhir:questionnaire_type"), json.dumps(resource), content_type=FHIR_JSON)


# --- item 8: extraction templates ----------------------------------------------------------------

def test_a_questionnaire_with_a_partial_extraction_template_is_imported(tmp_path, staff_client):
    lines = run(write(tmp_path, "weight.json", WITH_TEMPLATE))
    assert lines[0].startswith("imported ") and "(Weight, version 1)" in lines[0]
    stored = Questionnaire.objects.get(url=WITH_TEMPLATE["url"])
    assert stored.resource["contained"] == [TEMPLATE]
    again = {**copy.deepcopy(WITH_TEMPLATE), "version": "2"}
    assert post(staff_client, again).status_code == 201


@pytest.mark.parametrize("template, element", [
    ({**TEMPLATE, "valueQuantity": {"value": "heavy"}}, "Questionnaire.contained[0].valueQuantity.value"),
    ({**TEMPLATE, "colour": "blue"}, "Questionnaire.contained[0].colour"),
    ({**TEMPLATE, "subject": "Patient/1"}, "Questionnaire.contained[0].subject"),
])
def test_a_template_that_says_something_invalid_is_refused_naming_the_element(tmp_path, staff_client, template,
                                                                              element):
    resource = {**copy.deepcopy(WITH_TEMPLATE), "contained": [template]}
    with pytest.raises(CommandError, match=element.replace("[", r"\[").replace("]", r"\]")):
        run(write(tmp_path, "weight.json", resource))
    response = post(staff_client, resource)
    assert response.status_code == 400
    assert element in [e for issue in json.loads(response.content)["issue"] for e in issue.get("expression", ())]
    assert not Questionnaire.objects.filter(url=WITH_TEMPLATE["url"]).exists()


def test_a_contained_answer_list_is_still_checked_in_full(tmp_path, db):
    value_set = {"resourceType": "ValueSet", "id": "vs", "compose": {"include": [
        {"system": "http://careguide.invalid/cs", "concept": [{"code": "a", "display": "A"}]}]}}
    resource = {**copy.deepcopy(WITH_TEMPLATE), "contained": [TEMPLATE, value_set]}
    with pytest.raises(CommandError, match=r"Questionnaire.contained\[1\].status"):
        run(write(tmp_path, "weight.json", resource))


# --- item 9: no id, no url -----------------------------------------------------------------------

def test_a_questionnaire_with_neither_id_nor_url_imported_twice_is_stored_once(tmp_path, db):
    source = write(tmp_path, "quick.json", NO_ID_NO_URL)
    first = run(source)
    assert first[0].startswith("imported ")
    second = run(source)
    assert second[0].startswith("unchanged ") and second[0].split()[1] == first[0].split()[1]
    assert Questionnaire.objects.filter(title="Quick check").count() == 1
    changed = write(tmp_path, "quick2.json", {**NO_ID_NO_URL, "title": "Quick check, again"})
    assert run(changed)[0].startswith("imported ")


def test_the_same_questionnaire_without_url_posted_twice_over_fhir_is_stored_once(staff_client):
    first = post(staff_client, NO_ID_NO_URL)
    assert first.status_code == 201
    second = post(staff_client, NO_ID_NO_URL)
    assert second.status_code == 200
    assert json.loads(second.content)["id"] == json.loads(first.content)["id"]
    assert Questionnaire.objects.filter(title="Quick check").count() == 1
