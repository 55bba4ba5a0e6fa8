"""Answer lists from the local terminology store (issue 16, items 4, 6 and 10; ADR 0033).

Given a questionnaire whose questions name answer lists (answerValueSet) it does not contain,
when a site loads those lists with `careguide import-valueset` (or ships them in
content/terminology/, which `careguide load-content` loads), then the form offers their options,
a choice whose list is not loaded is refused at import, and a score that reads the chosen code
is computed from what the person chose."""

import json
from io import StringIO

import paths
import pytest
from bs4 import BeautifulSoup
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from factories import PatientFactory

from careguide.questionnaires.models import Questionnaire, QuestionnaireResponse, TerminologyResource

FHIR_JSON = "application/fhir+json"
GENDER = "http://hl7.org/fhir/ValueSet/administrative-gender"
CALCULATED = "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-calculatedExpression"
STAGE_CS = "http://careguide.invalid/fhir/CodeSystem/test-stage"


def write(tmp_path, name, resource):
    path = tmp_path / name
    path.write_text(json.dumps(resource))
    return path


def run(command, *files):
    out = StringIO()
    call_command(command, *[str(f) for f in files], stdout=out)
    return out.getvalue().splitlines()


def page(response):
    assert response.status_code == 200, response
    return BeautifulSoup(response.content.decode(), "html.parser")


def fill_url(questionnaire):
    return reverse("questionnaires:fill", kwargs={"fhir_id": questionnaire.fhir_id})


def option_labels(soup, link_id):
    return [soup.select_one(f'label[for="{i["id"]}"]').get_text(strip=True)
            for i in soup.select(f'input[name="{link_id}"]') if i.get("type") in ("radio", "checkbox")]


def stored(response):
    assert response.status_code == 303, response
    return QuestionnaireResponse.objects.get(fhir_id=response["Location"].rstrip("/").rsplit("/", 1)[1])


def answers(resource, link_id):
    for item in resource.get("item", ()):
        if item["linkId"] == link_id:
            return item.get("answer", [])
        found = answers(item, link_id)
        if found:
            return found
    return []


STAGES = {
    "resourceType": "Bundle", "type": "collection", "entry": [
        {"resource": {
            "resourceType": "CodeSystem", "url": STAGE_CS, "version": "1", "status": "active", "content": "complete",
            "concept": [
                {"code": "early", "display": "Early", "concept": [
                    {"code": "1", "display": "Stage 1"}, {"code": "2", "display": "Stage 2"}]},
                {"code": "late", "display": "Late", "concept": [
                    {"code": "3", "display": "Stage 3"}, {"code": "4", "display": "Stage 4"}]},
            ]}},
        {"resource": {
            "resourceType": "ValueSet", "url": "http://careguide.invalid/fhir/ValueSet/test-stages", "version": "1",
            "status": "active",
            "compose": {"include": [{"system": STAGE_CS}], "exclude": [{"system": STAGE_CS, "concept": [
                {"code": "early"}, {"code": "late"}]}]}}},
    ]}


def stage_questionnaire(item_type="choice", **item):
    return {"resourceType": "Questionnaire", "url": "http://careguide.invalid/fhir/Questionnaire/test-stage",
            "version": "1", "title": "Stage", "status": "active", "item": [
                {"linkId": "stage", "type": item_type, "text": "Which stage?", "required": True,
                 "answerValueSet": "http://careguide.invalid/fhir/ValueSet/test-stages", **item}]}


# --- careguide import-valueset --------------------------------------------------------------------

def test_import_valueset_loads_a_bundle_and_again_changes_nothing(tmp_path, db):
    source = write(tmp_path, "stages.json", STAGES)
    assert run("import_valueset", source) == [
        f"imported CodeSystem {STAGE_CS}, version 1 from {source}",
        f"imported ValueSet http://careguide.invalid/fhir/ValueSet/test-stages, version 1 from {source}",
    ]
    assert run("import_valueset", source) == [
        f"unchanged CodeSystem {STAGE_CS}, version 1 from {source}",
        f"unchanged ValueSet http://careguide.invalid/fhir/ValueSet/test-stages, version 1 from {source}",
    ]
    assert TerminologyResource.objects.filter(url__contains="test-stage").count() == 2


def test_a_bad_file_is_named_with_the_element_and_nothing_is_loaded(tmp_path, db):
    good = write(tmp_path, "stages.json", STAGES)
    bad_value_set = {"resourceType": "ValueSet", "url": "http://careguide.invalid/fhir/ValueSet/bad",
                     "status": "active", "compose": {"include": "everything"}}
    bad = write(tmp_path, "bad.json", {"resourceType": "Bundle", "type": "collection",
                                       "entry": [{"resource": bad_value_set}]})
    before = TerminologyResource.objects.count()
    with pytest.raises(CommandError) as refused:
        run("import_valueset", good, bad)
    message = str(refused.value)
    assert f"{bad}: Bundle.entry[0].resource.compose.include" in message and "Nothing was imported." in message
    assert TerminologyResource.objects.count() == before

    no_url = write(tmp_path, "no-url.json", {"resourceType": "ValueSet", "status": "active"})
    with pytest.raises(CommandError, match=r"no-url.json: ValueSet.url: a ValueSet needs a url"):
        run("import_valueset", no_url)
    patient = write(tmp_path, "patient.json", {"resourceType": "Patient"})
    with pytest.raises(CommandError, match=r"patient.json: Expected a ValueSet, a CodeSystem or a Bundle"):
        run("import_valueset", patient)


def test_a_changed_list_under_a_version_already_loaded_is_refused(tmp_path, db):
    run("import_valueset", write(tmp_path, "stages.json", STAGES))
    changed = json.loads(json.dumps(STAGES))
    changed["entry"][1]["resource"]["compose"]["exclude"] = []
    with pytest.raises(CommandError, match=r"Bundle.entry\[1\].resource.version: version 1 of the ValueSet "
                                           r"http://careguide.invalid/fhir/ValueSet/test-stages is already loaded"):
        run("import_valueset", write(tmp_path, "changed.json", changed))


def test_a_filter_we_cannot_apply_is_refused_naming_it(tmp_path, db):
    regex = {"resourceType": "ValueSet", "url": "http://careguide.invalid/fhir/ValueSet/regex", "status": "active",
             "compose": {"include": [{"system": STAGE_CS, "filter": [
                 {"property": "code", "op": "regex", "value": "[0-9]"}]}]}}
    with pytest.raises(CommandError, match=r"ValueSet.compose: the filter code regex \[0-9\] on "
                                           r"http://careguide.invalid/fhir/CodeSystem/test-stage is not supported"):
        run("import_valueset", write(tmp_path, "stages.json", STAGES), write(tmp_path, "regex.json", regex))
    questionnaire = {**stage_questionnaire(), "contained": [{**regex, "id": "regex"}]}
    questionnaire["item"][0]["answerValueSet"] = "#regex"
    with pytest.raises(CommandError, match=r"Item stage: the answer list #regex cannot be used: the filter code "
                                           r"regex \[0-9\]"):
        run("import_questionnaire", write(tmp_path, "q.json", questionnaire))


# --- the form offers a loaded list ---------------------------------------------------------------

def test_a_list_loaded_with_import_valueset_is_offered_and_the_chosen_code_stored(tmp_path, client, db):
    with pytest.raises(CommandError, match="Item stage: the answer list http://careguide.invalid/fhir/ValueSet/"
                                           "test-stages is not loaded, so the item cannot be answered. Load it "
                                           "with careguide import-valueset."):
        run("import_questionnaire", write(tmp_path, "q.json", stage_questionnaire()))
    run("import_valueset", write(tmp_path, "stages.json", STAGES))
    run("import_questionnaire", write(tmp_path, "q.json", stage_questionnaire()))
    questionnaire = Questionnaire.objects.get(url__endswith="test-stage")
    soup = page(client.get(fill_url(questionnaire)))
    # The whole CodeSystem, less the two grouping codes the ValueSet excludes.
    assert option_labels(soup, "stage") == ["Stage 1", "Stage 2", "Stage 3", "Stage 4"]
    record = stored(client.post(fill_url(questionnaire), {"stage": "3"}))
    assert answers(record.resource, "stage") == [
        {"valueCoding": {"system": STAGE_CS, "code": "3", "display": "Stage 3"}}]


def test_a_list_loaded_after_the_questionnaire_takes_effect_at_once(tmp_path, client, db):
    run("import_questionnaire", write(tmp_path, "q.json", stage_questionnaire("open-choice")))
    questionnaire = Questionnaire.objects.get(url__endswith="test-stage")
    soup = page(client.get(fill_url(questionnaire)))
    assert option_labels(soup, "stage") == []
    run("import_valueset", write(tmp_path, "stages.json", STAGES))
    soup = page(client.get(fill_url(questionnaire)))
    assert option_labels(soup, "stage") == ["Stage 1", "Stage 2", "Stage 3", "Stage 4", "Other"]


def test_is_a_and_descendent_of_filters_pick_part_of_a_hierarchy(tmp_path, client, db):
    run("import_valueset", write(tmp_path, "stages.json", STAGES))
    late = {"resourceType": "ValueSet", "url": "http://careguide.invalid/fhir/ValueSet/late", "status": "active",
            "compose": {"include": [{"system": STAGE_CS, "filter": [
                {"property": "concept", "op": "descendent-of", "value": "late"}]}]}}
    early = {"resourceType": "ValueSet", "id": "early", "status": "active", "compose": {"include": [
        {"system": STAGE_CS, "filter": [{"property": "concept", "op": "is-a", "value": "early"}]}]}}
    run("import_valueset", write(tmp_path, "late.json", late))
    resource = stage_questionnaire(answerValueSet="http://careguide.invalid/fhir/ValueSet/late")
    resource["contained"] = [early]
    resource["item"].append({"linkId": "early", "type": "choice", "text": "Early?", "answerValueSet": "#early"})
    run("import_questionnaire", write(tmp_path, "q.json", resource))
    soup = page(client.get(fill_url(Questionnaire.objects.get(url__endswith="test-stage"))))
    assert option_labels(soup, "stage") == ["Stage 3", "Stage 4"]
    assert option_labels(soup, "early") == ["Early", "Stage 1", "Stage 2"]


def test_a_contained_list_that_includes_another_offers_its_options_and_can_be_answered(tmp_path, client, db):
    """Item 6: a contained ValueSet that includes another gave an empty list, so a required
    question could never be answered."""
    resource = {
        "resourceType": "Questionnaire", "title": "Includes", "status": "active",
        "url": "http://careguide.invalid/fhir/Questionnaire/test-includes",
        "contained": [
            {"resourceType": "ValueSet", "id": "base", "status": "active", "compose": {"include": [
                {"system": "http://careguide.invalid/cs", "concept": [{"code": "a", "display": "Apples"},
                                                                      {"code": "b", "display": "Bananas"}]}]}},
            {"resourceType": "ValueSet", "id": "more", "status": "active", "compose": {"include": [
                {"valueSet": ["#base"]},
                {"system": "http://careguide.invalid/cs", "concept": [{"code": "c", "display": "Cherries"}]}],
                "exclude": [{"system": "http://careguide.invalid/cs", "concept": [{"code": "b"}]}]}},
        ],
        "item": [{"linkId": "fruit", "type": "choice", "text": "Which fruit?", "required": True,
                  "answerValueSet": "#more"}],
    }
    run("import_questionnaire", write(tmp_path, "q.json", resource))
    questionnaire = Questionnaire.objects.get(url__endswith="test-includes")
    soup = page(client.get(fill_url(questionnaire)))
    assert option_labels(soup, "fruit") == ["Apples", "Cherries"]
    record = stored(client.post(fill_url(questionnaire), {"fruit": "c"}))
    assert answers(record.resource, "fruit") == [
        {"valueCoding": {"system": "http://careguide.invalid/cs", "code": "c", "display": "Cherries"}}]


def test_the_shipped_lists_are_loaded_by_load_content_and_offered(tmp_path, client, db):
    """content/terminology/ is loaded by `careguide load-content` (the test database is set up by it)."""
    resource = {"resourceType": "Questionnaire", "title": "Smoking", "status": "active",
                "url": "http://careguide.invalid/fhir/Questionnaire/test-yesno",
                "item": [{"linkId": "smoke", "type": "choice", "text": "Do you smoke?",
                          "answerValueSet": "http://hl7.org/fhir/ValueSet/yesnodontknow"},
                         {"linkId": "status", "type": "choice", "text": "Where is the illness now?",
                          "answerValueSet": "http://hl7.org/fhir/ValueSet/condition-clinical|4.0.1"}]}
    run("import_questionnaire", write(tmp_path, "q.json", resource))
    soup = page(client.get(fill_url(Questionnaire.objects.get(url__endswith="test-yesno"))))
    assert option_labels(soup, "smoke") == ["Yes", "No", "Don't know"]
    assert option_labels(soup, "status") == ["Active", "Recurrence", "Relapse", "Inactive", "Remission", "Resolved"]
    out = StringIO()
    call_command("load_content", stdout=out)
    assert "Answer lists: 0 imported, 7 unchanged" in out.getvalue()


# --- item 4: a list that cannot be loaded ------------------------------------------------------

def gender_questionnaire(item_type="choice"):
    """A score that reads the chosen code: 0 points for a woman, 3 for anyone else."""
    score = ("iif(%resource.item.where(linkId='gender').answer.value.code = 'female', 0, 3)")
    return {
        "resourceType": "Questionnaire", "url": "http://careguide.invalid/fhir/Questionnaire/test-gender",
        "version": "1", "title": "Risk", "status": "active",
        "item": [
            {"linkId": "gender", "type": item_type, "text": "Sex", "required": True, "answerValueSet": GENDER},
            {"linkId": "points", "type": "integer", "text": "Points", "readOnly": True, "extension": [
                {"url": CALCULATED, "valueExpression": {"language": "text/fhirpath", "expression": score}}]},
        ],
    }


def test_a_gender_score_is_refused_until_its_list_is_loaded_then_scores_women_as_women(tmp_path, client, db):
    TerminologyResource.objects.filter(url__in=[GENDER, "http://hl7.org/fhir/administrative-gender"]).delete()
    source = write(tmp_path, "risk.json", gender_questionnaire())
    with pytest.raises(CommandError, match=f"Item gender: the answer list {GENDER} is not loaded, so the item cannot "
                                           "be answered. Load it with careguide import-valueset."):
        run("import_questionnaire", source)
    # The list alone, without its CodeSystem, is still not enough.
    shipped = paths.CONTENT / "terminology"
    run("import_valueset", shipped / "valueset-administrative-gender.json")
    with pytest.raises(CommandError, match="it needs the CodeSystem http://hl7.org/fhir/administrative-gender"):
        run("import_questionnaire", source)
    run("import_valueset", shipped / "codesystem-administrative-gender.json")
    run("import_questionnaire", source)
    questionnaire = Questionnaire.objects.get(url__endswith="test-gender")

    soup = page(client.get(fill_url(questionnaire)))
    assert option_labels(soup, "gender") == ["Male", "Female", "Other", "Unknown"]
    record = stored(client.post(fill_url(questionnaire), {"gender": "female"}))
    assert answers(record.resource, "gender")[0]["valueCoding"]["code"] == "female"
    assert answers(record.resource, "points") == [{"valueInteger": 0}]

    patient = Client(enforce_csrf_checks=True)
    patient.force_login(PatientFactory(email="pat@example.org"))
    response = {"resourceType": "QuestionnaireResponse", "status": "completed",
                "questionnaire": "http://careguide.invalid/fhir/Questionnaire/test-gender|1",
                "item": [{"linkId": "gender", "answer": [{"valueCoding": {
                    "system": "http://hl7.org/fhir/administrative-gender", "code": "female", "display": "Female"}}]}]}
    created = patient.post(reverse("fhir:questionnaire_response_type"), json.dumps(response), content_type=FHIR_JSON)
    assert created.status_code == 201, created.content
    assert answers(json.loads(created.content), "points") == [{"valueInteger": 0}]
    # A code outside the list is refused, not stored as something else.
    response["item"][0]["answer"][0]["valueCoding"]["code"] = "woman"
    refused = patient.post(reverse("fhir:questionnaire_response_type"), json.dumps(response), content_type=FHIR_JSON)
    assert refused.status_code == 400


def test_an_open_choice_whose_list_is_not_loaded_is_free_text_but_comparing_its_code_is_refused(tmp_path, db):
    TerminologyResource.objects.filter(url=GENDER).delete()
    resource = gender_questionnaire("open-choice")
    with pytest.raises(CommandError) as refused:
        run("import_questionnaire", write(tmp_path, "risk.json", resource))
    assert ("Item points has an expression that reads the code of gender, whose answer list is not loaded"
            in str(refused.value))
    resource["item"][1] = {"linkId": "pregnant", "type": "boolean", "text": "Pregnant?", "enableWhen": [
        {"question": "gender", "operator": "=", "answerCoding": {"code": "female"}}]}
    with pytest.raises(CommandError, match="Item pregnant compares the code of gender, whose answer list is not "
                                           "loaded, so the condition could never be met"):
        run("import_questionnaire", write(tmp_path, "risk.json", resource))
    del resource["item"][1]
    lines = run("import_questionnaire", write(tmp_path, "risk.json", resource))
    assert (f"  warning: Item gender: the answer list {GENDER} is not loaded, so answers are taken as free text. "
            "Load it with careguide import-valueset to offer its options.") in lines


def test_a_stored_questionnaire_whose_list_went_missing_still_shows_its_answers(tmp_path, client, db):
    """A questionnaire stored before its list had to be loaded (or whose list is gone) must not
    break the pages that show what people answered."""
    run("import_questionnaire", write(tmp_path, "risk.json", gender_questionnaire()))
    questionnaire = Questionnaire.objects.get(url__endswith="test-gender")
    record = stored(client.post(fill_url(questionnaire), {"gender": "female"}))
    TerminologyResource.objects.filter(url=GENDER).delete()
    shown = page(client.get(reverse("questionnaires:response", kwargs={"response_id": record.fhir_id})))
    assert "Female" in shown.select_one("main").get_text(" ", strip=True)
    form = page(client.get(fill_url(questionnaire)))
    assert option_labels(form, "gender") == []
    refused = client.post(fill_url(questionnaire), {"gender": "female"})
    assert refused.status_code == 200 and not QuestionnaireResponse.objects.exclude(pk=record.pk).filter(
        questionnaire=questionnaire).exists()
