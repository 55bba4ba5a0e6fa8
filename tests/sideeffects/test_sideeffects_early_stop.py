"""Stop at the first emergency or red answer (issue 14, item 5).

The side-effect rules only rise with more answers, so as soon as the answers so far reach red or
emergency the person sees what to do (911 first) and the care team is alerted; the rest of the
questions are offered after, and may only add findings to the same check.
"""

import pytest
from django.urls import reverse
from sideeffects_support import CALM, answers, main_text, post_step, text

from careguide.alerts.models import Alert, TriageEvent
from careguide.questionnaires.models import QuestionnaireResponse
from careguide.sideeffects.models import SideEffectCheck

pytestmark = pytest.mark.django_db


@pytest.fixture
def patient(team_patient):
    return team_patient

ON_TREATMENT = {"context.on_sact": "yes", "context.immunosuppressed": "no", "context.ici": "no"}
FEVER = {"temperature.value": "38.2", "temperature.value__unit": "Cel"}
TEMPERATURE_STEP = 2



def answer_until_result(client, steps):
    """Post steps until the form sends the person to a result; return (step index, location)."""
    check = reverse("sideeffects:check")
    assert client.get(check + "?restart=1").status_code == 200
    for index, data in enumerate(steps):
        response = post_step(client, index, data)
        assert response.status_code == 303, text(response)[:2000]
        if response["Location"] != check:
            return index, response["Location"]
    raise AssertionError("the form never showed a result")


def test_a_fever_on_step_3_shows_call_us_now_and_alerts_the_team_at_once(patient_client, patient, notifier,
                                                                          django_capture_on_commit_callbacks):
    steps = answers(**ON_TREATMENT, **FEVER)
    with django_capture_on_commit_callbacks(execute=True):
        index, location = answer_until_result(patient_client, steps)
    assert index == TEMPERATURE_STEP
    page = patient_client.get(location)
    assert main_text(page).startswith("Call the 24-hour cancer care line now")
    assert "Answer the rest of the questions" in text(page)
    check = SideEffectCheck.objects.get(patient=patient)
    assert (check.disposition, check.complete) == ("red", False)
    assert check.response.status == "in-progress"
    assert Alert.objects.filter(patient=patient, kind="red").count() == 1
    assert len(notifier.calls) == 1


def test_an_emergency_on_the_first_step_puts_911_first_before_any_other_question(client):
    index, location = answer_until_result(client, answers(chest_pain="true"))
    assert index == 0
    page = client.get(location)
    assert main_text(page).startswith("Call 911 now")
    assert "Your care team has not been told" in text(page)


def test_the_rest_adds_findings_without_a_second_alert(patient_client, patient, notifier,
                                                      django_capture_on_commit_callbacks):
    steps = answers(**ON_TREATMENT, **FEVER, nausea="less", mouth="painful")
    with django_capture_on_commit_callbacks(execute=True):
        index, location = answer_until_result(patient_client, steps)
        page = patient_client.get(reverse("sideeffects:check"))
        assert "Your earlier answers have been sent" in text(page)
        for later in range(index + 1, len(steps)):
            response = post_step(patient_client, later, steps[later])
            assert response.status_code == 303
    assert response["Location"] == location  # the same check, now complete
    check = SideEffectCheck.objects.get(patient=patient)
    assert (check.disposition, check.complete) == ("red", True)
    assert {f["symptom"] for f in check.findings} >= {"temperature", "nausea", "mouth"}
    assert check.response.status == "completed" and check.response.resource["meta"]["versionId"] == "2"
    assert QuestionnaireResponse.objects.count() == 1
    # The team sees the new findings, but is not alerted twice for the same red.
    assert TriageEvent.objects.filter(patient=patient).count() == 2
    assert Alert.objects.filter(patient=patient).count() == 1 and len(notifier.calls) == 1
    assert "Answer the rest of the questions" not in text(patient_client.get(location))


def test_a_more_urgent_answer_later_raises_a_new_alert(patient_client, patient, notifier,
                                                      django_capture_on_commit_callbacks):
    """Red at the temperature; later the person says they cannot eat or drink and have lost
    weight with a life-threatening appetite loss (grade 4: emergency)."""
    steps = answers(**ON_TREATMENT, **FEVER, appetite="not_eating")
    with django_capture_on_commit_callbacks(execute=True):
        index, first = answer_until_result(patient_client, steps)
        second = None
        for later in range(index + 1, len(steps)):
            response = post_step(patient_client, later, steps[later])
            if response["Location"] != reverse("sideeffects:check"):
                second = response["Location"]
                break
    assert second == first
    assert main_text(patient_client.get(second)).startswith("Call 911 now")
    assert sorted(Alert.objects.filter(patient=patient).values_list("kind", flat=True)) == ["emergency", "red"]
    assert SideEffectCheck.objects.get(patient=patient).disposition == "emergency"


def test_answers_already_acted_on_cannot_be_changed_afterwards(patient_client, patient):
    steps = answers(**ON_TREATMENT, **FEVER)
    index, location = answer_until_result(patient_client, steps)
    # Going back to the temperature step is not offered, and a crafted post of it is not taken.
    page = patient_client.get(reverse("sideeffects:check"))
    assert f'name="_step" value="{index + 1}"' in page.content.decode()
    assert 'value="back"' not in page.content.decode()
    calm_temperature = {**CALM[TEMPERATURE_STEP]}
    post_step(patient_client, TEMPERATURE_STEP, calm_temperature)
    for later in range(index + 1, len(steps)):
        post_step(patient_client, later, steps[later])
    check = SideEffectCheck.objects.get(patient=patient)
    assert check.disposition == "red" and check.complete
    assert check.contract_input["symptoms"]["temperature_c"] == 38.2


def test_a_calm_check_goes_to_the_end_and_stores_one_complete_check(patient_client, patient):
    index, _ = answer_until_result(patient_client, answers(nausea="less"))
    assert index == len(CALM) - 1
    check = SideEffectCheck.objects.get(patient=patient)
    assert (check.disposition, check.complete) == ("amber", True)
