"""Clinical questionnaires cannot be changed in place (issue 14, item 2).

A changed questionnaire is a new version; a new version of a triage-bound questionnaire goes live
only after a clinical reviewer approves it in the admin, and only if its tool's safety checks pass
against it. The shipped files go live only with their sign-off (content/questionnaires/signed-off.yaml).
"""

import copy
import json
import shutil

import paths
import pytest
from django.test import Client
from django.urls import reverse
from factories import PatientFactory
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sideeffects_support import answers, text

from careguide.audit.models import AuditEvent
from careguide.questionnaires import engine
from careguide.questionnaires.content import ContentRefused, load_folder
from careguide.questionnaires.models import Questionnaire, QuestionnaireResponse
from careguide.sideeffects import safety

pytestmark = pytest.mark.django_db

CONTENT = paths.CONTENT / "questionnaires"
CHECK_URL = "http://careguide.invalid/fhir/Questionnaire/side-effect-check"
SHIPPED = json.loads((CONTENT / "side-effect-check.json").read_text())
ON_TREATMENT = {"context.on_sact": "yes", "context.immunosuppressed": "no", "context.ici": "no"}


def find(resource, link_id):
    def walk(items):
        for item in items:
            if item["linkId"] == link_id:
                return item
            found = walk(item.get("item", []))
            if found is not None:
                return found
        return None
    return walk(resource["item"])


def without_chest_pain_question(resource):
    """The attack of the issue: a version whose chest-pain question the rules no longer read."""
    changed = copy.deepcopy(resource)
    find(changed, "chest_pain")["linkId"] = "chest"
    return changed


def post_questionnaire(client, resource):
    return client.post(reverse("fhir:questionnaire_type"), json.dumps(resource), content_type="application/fhir+json")


@pytest.fixture
def admin_client(admin_user):
    client = Client()
    client.force_login(admin_user)
    return client


@pytest.fixture
def reviewer_client(reviewer):
    client = Client()
    client.force_login(reviewer)
    return client


def fever_check(client):
    """A check at 39.5 C on treatment, as a person fills it in; returns the result page text."""
    steps = answers(**ON_TREATMENT, **{"temperature.value": "39.5", "temperature.value__unit": "Cel"})
    path = reverse("sideeffects:check")
    client.get(path + "?restart=1")
    for index, data in enumerate(steps):
        response = client.post(path, {**data, "_step": str(index), "_action": "continue"})
        if response["Location"] != path:
            return text(client.get(response["Location"]))
    raise AssertionError("no result")


# --- no change in place ----------------------------------------------------------------------


def test_a_changed_questionnaire_under_the_same_version_is_refused_with_409(admin_client, client):
    live = Questionnaire.objects.current(CHECK_URL)
    response = post_questionnaire(admin_client, {**without_chest_pain_question(SHIPPED), "id": "x"})
    assert response.status_code == 409
    issue = response.json()["issue"][0]
    assert (issue["code"], issue["expression"]) == ("conflict", ["Questionnaire.version"])
    assert Questionnaire.objects.get(pk=live.pk).resource == live.resource
    assert "Call the 24-hour cancer care line now" in fever_check(client)


def test_the_same_content_again_changes_nothing(admin_client):
    response = post_questionnaire(admin_client, SHIPPED)
    assert response.status_code == 200
    assert Questionnaire.objects.filter(url=CHECK_URL).count() == 1


# --- a new version waits for a clinical reviewer ----------------------------------------------


def new_version(resource, version="2026.12.9", title=None):
    changed = copy.deepcopy(resource)
    changed.update(id=f"side-effect-check-{version}", version=version)
    if title:
        changed["title"] = title
    return changed


def test_a_new_version_waits_for_review_and_nobody_can_answer_it(admin_client, client, patient_client_factory):
    response = post_questionnaire(admin_client, new_version(without_chest_pain_question(SHIPPED)))
    assert response.status_code == 201
    tags = response.json()["meta"]["tag"]
    assert {"system": "http://careguide.invalid/fhir/CodeSystem/clinical-review", "code": "pending-clinical-review",
            "display": "Waiting for clinical review"} in tags
    waiting = Questionnaire.objects.get(version="2026.12.9")
    assert waiting.review_status == "pending" and waiting.safety_problems
    assert Questionnaire.objects.current(CHECK_URL).version == SHIPPED["version"]
    # Not reachable by the generic form, nor answerable through FHIR.
    assert client.get(reverse("questionnaires:fill", args=[waiting.fhir_id])).status_code == 404
    patient = patient_client_factory()
    answer = patient.post(reverse("fhir:questionnaire_response_type"), json.dumps({
        "resourceType": "QuestionnaireResponse", "status": "completed",
        "questionnaire": f"{CHECK_URL}|2026.12.9", "item": []}), content_type="application/fhir+json")
    assert answer.status_code == 400 and "waiting for clinical review" in answer.json()["issue"][0]["diagnostics"]
    assert not QuestionnaireResponse.objects.exists()
    # The check people use still triages a fever on treatment as red.
    assert "Call the 24-hour cancer care line now" in fever_check(client)


def test_the_reviewer_sees_the_problem_and_cannot_approve_an_unsafe_version(admin_client, reviewer_client):
    post_questionnaire(admin_client, new_version(without_chest_pain_question(SHIPPED)))
    waiting = Questionnaire.objects.get(version="2026.12.9")
    listing = reviewer_client.get(reverse("questionnaire_review_list"))
    assert listing.status_code == 200 and "Waiting for clinical review" in text(listing)
    page = reviewer_client.get(reverse("questionnaire_review", args=[waiting.pk]))
    body = text(page)
    assert "chest_pain: the side-effect rules read this question, and this version does not ask it." in body
    assert "Removed: chest_pain" in body and "Added: chest" in body
    refused = reviewer_client.post(reverse("questionnaire_review", args=[waiting.pk]), {"decision": "approve"})
    assert refused.status_code == 400 and "cannot be approved" in text(refused)
    assert Questionnaire.objects.get(pk=waiting.pk).review_status == "pending"
    assert Questionnaire.objects.current(CHECK_URL).version == SHIPPED["version"]


def test_a_safe_version_goes_live_when_a_clinical_reviewer_approves_it(admin_client, reviewer_client, reviewer,
                                                                        client):
    post_questionnaire(admin_client, new_version(SHIPPED, title="Check your side effects today"))
    waiting = Questionnaire.objects.get(version="2026.12.9")
    page = reviewer_client.get(reverse("questionnaire_review", args=[waiting.pk]))
    assert "Every safety check of the triage tool passes against this version." in text(page)
    done = reviewer_client.post(reverse("questionnaire_review", args=[waiting.pk]), {"decision": "approve",
                                                                                       "note": "Title only."})
    assert done.status_code == 302
    live = Questionnaire.objects.current(CHECK_URL)
    assert (live.pk, live.reviewed_by, live.review_note) == (waiting.pk, reviewer, "Title only.")
    assert AuditEvent.objects.filter(object_type="questionnaires.questionnaire", object_id=str(live.pk),
                                     actor=reviewer, detail="approved by clinical review").exists()
    result = fever_check(client)
    assert "Call the 24-hour cancer care line now" in result
    assert QuestionnaireResponse.objects.get().questionnaire_version == "2026.12.9"


def test_only_clinical_reviewers_decide(admin_client, editor, admin_user):
    post_questionnaire(admin_client, new_version(SHIPPED, title="Another title"))
    waiting = Questionnaire.objects.get(version="2026.12.9")
    url = reverse("questionnaire_review", args=[waiting.pk])
    editor_client = Client()
    editor_client.force_login(editor)
    # Wagtail sends people without permission back to the admin's home page.
    assert editor_client.get(url).status_code in (302, 403)
    assert editor_client.post(url, {"decision": "approve"}).status_code in (302, 403)
    # An administrator sees it but is not a clinical reviewer.
    assert "Approve and make it live" not in text(admin_client.get(url))
    assert admin_client.post(url, {"decision": "approve"}).status_code in (302, 403)
    assert Questionnaire.objects.get(pk=waiting.pk).review_status == "pending"


def test_turning_a_version_down_needs_a_reason(admin_client, reviewer_client):
    post_questionnaire(admin_client, new_version(SHIPPED, title="Another title"))
    waiting = Questionnaire.objects.get(version="2026.12.9")
    url = reverse("questionnaire_review", args=[waiting.pk])
    refused = reviewer_client.post(url, {"decision": "reject", "note": " "})
    assert refused.status_code == 400 and "Say why this version is not approved." in text(refused)
    assert reviewer_client.post(url, {"decision": "reject", "note": "Wording not agreed."}).status_code == 302
    assert Questionnaire.objects.get(pk=waiting.pk).review_status == "rejected"
    assert Questionnaire.objects.current(CHECK_URL).version == SHIPPED["version"]


# --- shipped files need their sign-off ----------------------------------------------------------


def test_a_shipped_file_changed_without_a_new_version_is_refused(tmp_path):
    folder = tmp_path / "questionnaires"
    shutil.copytree(CONTENT, folder)
    changed = json.loads((folder / "side-effect-check.json").read_text())
    find(changed, "chest_pain")["text"] = "Any chest pain?"
    (folder / "side-effect-check.json").write_text(json.dumps(changed))
    with pytest.raises(ContentRefused, match="must have a new version"):
        load_folder(folder)
    # On a fresh database the sign-off's digest refuses it just the same.
    Questionnaire.objects.filter(url=CHECK_URL).delete()
    with pytest.raises(ContentRefused, match="differs from the version signed off"):
        load_folder(folder)


def test_a_shipped_version_without_a_sign_off_is_refused(tmp_path):
    folder = tmp_path / "questionnaires"
    shutil.copytree(CONTENT, folder)
    (folder / "side-effect-check.json").write_text(json.dumps(new_version(SHIPPED)))
    with pytest.raises(ContentRefused, match="is not signed off"):
        load_folder(folder)


def test_loading_the_shipped_files_again_changes_nothing():
    assert {action for _, action in load_folder(CONTENT)} == {"unchanged"}


# --- the safety checks catch every kind of unsafe change (property test) ------------------------


def _choice_items(resource):
    out = []

    def walk(items):
        for item in items:
            if item.get("answerOption") and item["linkId"] in safety.mapping.CHOICES:
                out.append(item["linkId"])
            walk(item.get("item", []))
    walk(resource["item"])
    return out


MAPPED = sorted({*safety.mapping.CHOICES, *safety.mapping.BOOLEANS, *safety.mapping.COUNTS})
EMERGENCY_CAPABLE = ["chest_pain", "breathlessness", "bleeding", "confusion", "saddle_numbness",
                     "bladder_bowel_loss", "infection", "appetite"]


@st.composite
def unsafe_changes(draw):
    """One change that must never go live: a question the rules read renamed, an answer dropped,
    an emergency question made optional or hidden behind another answer, a worse answer moved to
    a less urgent meaning."""
    changed = copy.deepcopy(SHIPPED)
    kind = draw(st.sampled_from(["rename", "drop_option", "optional", "hide", "swap_meaning"]))
    if kind == "rename":
        find(changed, draw(st.sampled_from(MAPPED)))["linkId"] += "_v2"
    elif kind == "drop_option":
        item = find(changed, draw(st.sampled_from(_choice_items(changed))))
        item["answerOption"].pop(draw(st.integers(0, len(item["answerOption"]) - 1)))
    elif kind == "optional":
        find(changed, draw(st.sampled_from(EMERGENCY_CAPABLE)))["required"] = False
    elif kind == "hide":
        find(changed, draw(st.sampled_from(EMERGENCY_CAPABLE)))["enableWhen"] = [
            {"question": "context.on_sact", "operator": "exists", "answerBoolean": True}]
    else:
        item = find(changed, draw(st.sampled_from([i for i in _choice_items(changed)
                                                   if len(set(safety.mapping.CHOICES[i][1].values())) > 2])))
        first, last = item["answerOption"][0]["valueCoding"], item["answerOption"][-1]["valueCoding"]
        first["code"], last["code"] = last["code"], first["code"]
    return kind, changed


def test_the_shipped_versions_pass_their_safety_checks():
    from careguide.backpain.safety import problems as gate_problems

    assert safety.problems(engine.parse_questionnaire(SHIPPED)) == []
    assert gate_problems(engine.parse_questionnaire(json.loads((CONTENT / "back-pain-gate.json").read_text()))) == []


@settings(max_examples=120, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(unsafe_changes())
def test_every_unsafe_change_is_caught(change):
    kind, changed = change
    try:
        definition = engine.parse_questionnaire(changed)
    except engine.QuestionnaireError:
        return  # refused at import already: e.g. a follow-up now points at a question that is gone
    assert safety.problems(definition), kind


@pytest.fixture
def patient_client_factory(db):
    def make():
        user = PatientFactory(email="p@example.org")
        client = Client()
        client.force_login(user)
        return client
    return make
