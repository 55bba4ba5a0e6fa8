"""Bad input to the JSON API and the forms gets a clear 4xx naming the field, never a 500, and
nothing of it in the logs (ADR 0023): lone surrogates and NUL in /api/triage/* bodies, charsets
other than UTF-8, a deeply nested hidden field, NUL in a form field, and "²" as a slot id."""

# ruff: noqa: F811 - the fixtures imported from test_booking_views are taken as test arguments

import logging

import pytest
from booking_support import book_url, local, referral, slot
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse

from careguide.questionnaires.models import Questionnaire, QuestionnaireResponse
from careguide.referrals.models import Appointment

TRIAGE = ["triage_api:side_effects", "triage_api:back_pain"]


def errors(response):
    return response.json()["errors"]


# --- /api/triage/* ---------------------------------------------------------------------------------

@pytest.mark.parametrize("url_name", TRIAGE)
def test_a_lone_surrogate_in_a_name_is_a_400_and_no_symptom_is_logged(url_name, caplog):
    caplog.set_level(logging.DEBUG)
    body = b'{"symptoms": {"temperature_c": 39.4, "\\ud800fever_chills": true}}'
    response = Client().generic("POST", reverse(url_name), body, content_type="application/json")
    assert response.status_code == 400
    assert errors(response) == [{"field": "symptoms.\\ud800fever_chills",
                                 "message": "the name contains a character that is not valid Unicode text "
                                            "(a lone surrogate)"}]
    assert "fever" not in caplog.text and "39.4" not in caplog.text and "Traceback" not in caplog.text


@pytest.mark.parametrize("body, field", [
    (b'{"symptoms": {"\\udcffmouth": 2}, "symptoms": {}}', "(body)"),  # the duplicate-key message names it
    (b'{"symptoms": {"other": "a\\u0000b"}}', "symptoms.other"),
])
def test_text_no_database_can_store_is_named(body, field):
    response = Client().generic("POST", reverse("triage_api:side_effects"), body, content_type="application/json")
    assert response.status_code == 400
    assert errors(response)[0]["field"] == field
    response.content.decode("utf-8")  # the answer itself is valid UTF-8


@pytest.mark.parametrize("charset", ["rot13", "hex", "base64", "utf-16"])
def test_a_body_in_another_charset_is_a_415_naming_it(charset):
    response = Client().generic("POST", reverse("triage_api:back_pain"), b"{}",
                                content_type=f"application/json; charset={charset}")
    assert response.status_code == 415
    assert errors(response) == [{"field": "(body)",
                                 "message": f"send the body as UTF-8; charset={charset} is not accepted"}]


def test_deeply_nested_json_is_a_400():
    body = b'{"symptoms": ' + b"[" * 200 + b"]" * 200 + b"}"
    response = Client().generic("POST", reverse("triage_api:side_effects"), body, content_type="application/json")
    assert response.status_code == 400
    assert errors(response)[0]["message"] == "nested more than 100 levels deep"


# --- forms -----------------------------------------------------------------------------------------

def page_text(response):
    return " ".join(BeautifulSoup(response.content, "html.parser").get_text(" ").split())


@pytest.mark.django_db
@pytest.mark.parametrize("content_type", ["application/x-www-form-urlencoded", "multipart/form-data; boundary=b"])
@pytest.mark.parametrize("charset", ["rot13", "hex", "base64", "utf-16", "latin-1"])
def test_a_form_post_in_another_charset_is_a_400_that_says_so(content_type, charset):
    body = b"email=pat%40example.org" if content_type.startswith("application") else (
        b'--b\r\nContent-Disposition: form-data; name="email"\r\n\r\npat@example.org\r\n--b--\r\n')
    response = Client().generic("POST", reverse("accounts:register"), body,
                                content_type=f"{content_type}; charset={charset}")
    assert response.status_code == 400
    assert (f"The form was sent in a way we cannot read: send the body as UTF-8; charset={charset} is not "
            "accepted.") in page_text(response)
    assert "Nothing was saved." in page_text(response)


@pytest.mark.django_db
def test_a_null_character_in_a_form_field_is_a_400_naming_the_field():
    check = Questionnaire.objects.get(url__endswith="pre-visit")
    response = Client().post(reverse("questionnaires:fill", args=[check.fhir_id]),
                             {"concern": "my \x00 worries", "_step": "0"})
    assert response.status_code == 400
    assert "The field “concern” in the form contains a null character (code 0), which is not allowed." \
        in page_text(response)
    assert not QuestionnaireResponse.objects.exists()


@pytest.mark.django_db
def test_a_null_character_in_the_address_is_a_400_naming_the_parameter():
    response = Client().get(reverse("search:search"), {"q": "fever\x00"})
    assert response.status_code == 400
    assert "The field “q” in the address contains a null character" in page_text(response)


@pytest.mark.django_db
@pytest.mark.parametrize("hidden", ["[" * 100_000 + "]" * 100_000, "[[[]]]", "{", "null"])
def test_a_deeply_nested_hidden_field_is_ignored(hidden):
    phq = Questionnaire.objects.exclude(url__endswith="pre-visit").first()
    response = Client().post(reverse("questionnaires:fill", args=[phq.fhir_id]), {"_hidden": hidden})
    assert response.status_code in (200, 302, 400)


# --- booking ---------------------------------------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.usefixtures("frozen")
@pytest.mark.parametrize("value", ["²", "١٢", "99999999999999999999999", "-1", ""])
def test_a_slot_that_is_not_an_id_asks_to_choose_from_the_list(world, client, value):
    slot(world.doctor, local(1, 9))
    ref = referral(world.patient, world.gp, team=world.team)
    client.force_login(world.nurse)
    response = client.post(book_url(ref), {"slot": value})
    assert response.status_code == 200
    assert "Choose a time from the list." in page_text(response)
    assert not Appointment.objects.exists()


@pytest.mark.django_db
def test_a_null_character_in_the_search_api_is_a_json_400_naming_q():
    response = Client().get(reverse("search:api"), {"q": "fever\x00"})
    assert response.status_code == 400
    assert errors(response) == [{"field": "q", "message": "contains a null character (code 0), which is not "
                                                          "allowed in text"}]
