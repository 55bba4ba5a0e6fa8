"""`careguide import-questionnaire FILE.json ...`: loading FHIR questionnaires from files.

One line per file; importing again changes nothing; a bad file is named with the element at
fault and nothing at all is written."""

import json
import shutil
from io import StringIO

import paths
import pytest
from django.core.management import CommandError, call_command

from careguide.questionnaires.models import Questionnaire

EVAL = paths.EVAL / "fhir-questionnaires"  # copy of shared/eval
EVAL_FILES = sorted(EVAL.glob("*.json"))


def run(*files) -> list[str]:
    out = StringIO()
    call_command("import_questionnaire", *[str(f) for f in files], stdout=out)
    return out.getvalue().splitlines()


@pytest.fixture
def added(db):
    """The questionnaires a test adds (load-content has already stored the site's own)."""
    before = list(Questionnaire.objects.values_list("pk", flat=True))
    return lambda: Questionnaire.objects.exclude(pk__in=before)


def summary(lines):
    return [line for line in lines if not line.startswith("  ")]


def test_the_evaluation_questionnaires_import_with_one_line_each(added, eval_answer_lists):
    lines = run(*EVAL_FILES)
    assert summary(lines) == [
        f"imported 44249-1-x (PHQ-9 quick depression assessment panel) from {EVAL}/lforms_R4_phq9.json",
        f"imported 54127-6-x (US Surgeon General family health portrait) from {EVAL}/lforms_R4_ussg-fhp.json",
        "imported questionnaire-sdc-profile-example-PHQ9 (Patient Health Questionnaire - 9 Item, version 0.0.1) "
        f"from {EVAL}/sdc_questionnaire-sdc-profile-example-PHQ9.json",
        "imported questionnaire-sdc-profile-example-hunger-vital-signs (Hunger Vital Sign [HVS]) "
        f"from {EVAL}/sdc_questionnaire-sdc-profile-example-hunger-vital-signs.json",
        "imported questionnaire-sdc-test-nested-groups (Repeatable group test) "
        f"from {EVAL}/sdc_questionnaire-sdc-test-repeatable-nested-groups.json",
    ]
    assert added().count() == 5
    # LForms' PHQ-9 is let through with warnings for the extensions that break the rules.
    warnings = [line for line in lines if line.startswith("  warning: ")]
    assert "  warning: Questionnaire.item[2].answerOption[1].extension[0].valueString: Input should be a valid string" \
        in warnings
    assert any("Questionnaire.item[9].extension[3].valueExpression.name" in w for w in warnings)
    phq9 = Questionnaire.objects.get(fhir_id="44249-1-x")
    original = json.loads((EVAL / "lforms_R4_phq9.json").read_text())
    assert {k: v for k, v in phq9.resource.items() if k not in ("id", "meta")} == {
        k: v for k, v in original.items() if k not in ("id", "meta")}


def test_importing_again_changes_nothing_and_a_changed_file_needs_a_new_version(tmp_path, added):
    source = tmp_path / "hunger.json"
    shutil.copy(EVAL / "sdc_questionnaire-sdc-profile-example-hunger-vital-signs.json", source)
    run(source)
    first = added().get()
    assert summary(run(source)) == [
        f"unchanged questionnaire-sdc-profile-example-hunger-vital-signs (Hunger Vital Sign [HVS]) from {source}"]
    resource = json.loads(source.read_text())
    resource["title"] = "Hunger Vital Sign"
    source.write_text(json.dumps(resource))
    with pytest.raises(CommandError) as exc:
        run(source)
    assert str(source) in str(exc.value) and "must have a new version" in str(exc.value)
    assert added().get().resource == first.resource  # nothing changed in place
    source.write_text(json.dumps({**resource, "id": "hunger-2", "version": "2"}))
    assert summary(run(source)) == [f"imported hunger-2 (Hunger Vital Sign, version 2) from {source}"]
    assert added().count() == 2 and added().get(pk=first.pk).resource == first.resource


def test_the_same_url_and_version_under_another_id_is_the_same_version(tmp_path, added):
    resource = json.loads((EVAL / "sdc_questionnaire-sdc-profile-example-PHQ9.json").read_text())
    run(EVAL / "sdc_questionnaire-sdc-profile-example-PHQ9.json")
    resource["id"] = "phq-9"
    (tmp_path / "renamed.json").write_text(json.dumps(resource))
    assert summary(run(tmp_path / "renamed.json")) == [
        f"unchanged questionnaire-sdc-profile-example-PHQ9 (Patient Health Questionnaire - 9 Item, version 0.0.1) "
        f"from {tmp_path}/renamed.json"]
    (tmp_path / "renamed.json").write_text(json.dumps({**resource, "title": "PHQ-9"}))
    with pytest.raises(CommandError, match="already exists with other content"):
        run(tmp_path / "renamed.json")
    assert added().count() == 1


@pytest.mark.parametrize("content, message", [
    ("{oops", "not valid JSON"),
    (json.dumps({"resourceType": "Questionnaire", "item": []}),
     "not a valid questionnaire. Nothing was imported.\n"
     "  Questionnaire.status: Value for the field 'status' is required."),
    (json.dumps({"resourceType": "Questionnaire", "status": "active", "item": [{"linkId": "a"}]}),
     "Questionnaire.item[0].type: Value for the field 'type' is required."),
    (json.dumps({"resourceType": "Patient"}), "Expected a Questionnaire resource, not Patient."),
    (json.dumps({"resourceType": "Questionnaire", "status": "active", "item": [
        {"linkId": "a", "type": "choice", "answerValueSet": "#missing"}]}),
     "Item a names the answer list #missing, which is not in the questionnaire."),
])
def test_a_bad_file_is_named_with_the_element_and_nothing_is_written(tmp_path, added, content, message):
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    good = EVAL / "sdc_questionnaire-sdc-profile-example-PHQ9.json"
    with pytest.raises(CommandError) as exc:
        run(good, bad)
    assert str(exc.value).startswith(f"{bad}: ")
    assert message in str(exc.value)
    assert not added().exists()  # not even the good file before it


@pytest.mark.django_db
def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(CommandError, match=r"nowhere\.json: cannot read the file"):
        run(tmp_path / "nowhere.json")
