"""Patient accounts on the public site: register, sign in and out, reset a password, the
account page; what a patient sees and where they end up."""

import re
from datetime import timedelta

import pytest
import time_machine
from accounts_support import emailed_link
from bs4 import BeautifulSoup
from django.contrib.auth import authenticate as django_authenticate
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client, RequestFactory, TestCase, override_settings
from django.urls import reverse
from django.utils import timezone
from factories import PASSWORD, PatientFactory

from careguide.accounts import forms
from careguide.accounts.models import ConsentRecord
from careguide.accounts.roles import PATIENTS, is_patient
from careguide.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def authenticate(**credentials):
    """django-axes checks every sign-in against its request (ADR 0011), so give it one."""
    return django_authenticate(RequestFactory().post(reverse("accounts:sign_in")), **credentials)


REGISTER = reverse("accounts:register")
SIGN_IN = reverse("accounts:sign_in")


@pytest.fixture
def patient(db):
    return PatientFactory(email="ann@example.org", first_name="Ann")


def page(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def field_errors(response, name: str) -> list[str]:
    error = page(response).find(id=f"id_{name}_error")
    return [p.get_text(" ", strip=True).removeprefix("Error: ") for p in error.find_all("p")] if error else []


def summary(response) -> list[tuple[str, str]]:
    box = page(response).find(class_="error-summary")
    assert box is not None and box["role"] == "alert"
    return [(a.get_text(strip=True), a["href"]) for a in box.find_all("a")]


def signed_in_user(client):
    return get_user_model().objects.filter(pk=client.session.get("_auth_user_id")).first()


# --- register (ADR 0024: the same "check your email" for every address) ---------------------------

def start(client, email="Bea@Example.org", first_name="Bea", url=REGISTER):
    with TestCase.captureOnCommitCallbacks(execute=True):  # the email goes after the commit
        return client.post(url, {"email": email, "first_name": first_name})


def finish_page(client, email="bea@example.org"):
    response = client.get(emailed_link(email))
    assert response.status_code == 302
    return response.url


def test_registering_emails_a_link_and_the_account_is_made_when_its_owner_follows_it(client):
    response = start(client)
    assert response.status_code == 302 and response.url == reverse("accounts:register_sent")
    assert "Check your email" in page(client.get(response.url)).h1.get_text()
    assert not get_user_model().objects.filter(username="bea@example.org").exists()  # nothing yet
    assert mail.outbox[0].to == ["bea@example.org"]
    assert mail.outbox[0].subject == "Finish creating your Cancer Care Guide account"
    assert "Hello Bea," in mail.outbox[0].body and "for 24 hours" in mail.outbox[0].body

    url = finish_page(client)
    form = page(client.get(url))
    assert form.h1.get_text() == "Finish creating your account" and "bea@example.org" in form.main.get_text()
    response = client.post(url, {"password1": PASSWORD, "password2": PASSWORD, "consent": "on"})
    assert response.status_code == 302 and response.url == "/account/"
    user = signed_in_user(client)
    assert user.username == user.email == "bea@example.org"
    assert is_patient(user) and list(user.groups.values_list("name", flat=True)) == [PATIENTS]
    assert not user.is_staff and not user.is_superuser and not user.has_perm("wagtailadmin.access_admin")
    consent = ConsentRecord.objects.get(user=user)
    assert consent.purpose == ConsentRecord.STORE_ANSWERS and consent.wording == forms.CONSENT_WORDING
    assert AuditEvent.objects.filter(patient=user, object_type="accounts.consentrecord").count() == 1
    assert "Hello, Bea" in client.get(reverse("accounts:home")).content.decode()
    assert authenticate(username="bea@example.org", password=PASSWORD) == user


def test_registering_goes_on_to_a_local_next_page(client):
    start(client, url=REGISTER + "?next=/back-pain-program/")
    response = client.post(finish_page(client), {"password1": PASSWORD, "password2": PASSWORD, "consent": "on"})
    assert response.url == "/back-pain-program/"


def test_an_address_with_an_account_gets_the_same_page_and_its_owner_an_email(client, patient):
    unknown = start(client, email="new@example.org")
    known = start(client, email="  ANN@example.ORG ")
    # The page says the same for both: nobody learns from it whether an address has an account.
    assert known.status_code == unknown.status_code == 302 and known.url == unknown.url
    assert client.get(known.url).content == client.get(unknown.url).content
    assert [m.to for m in mail.outbox] == [["new@example.org"], ["ann@example.org"]]
    # The owner is told, with the way in, and nothing about the account changes.
    note = mail.outbox[1]
    assert note.subject == "You already have a Cancer Care Guide account"
    assert "http://testserver/account/sign-in/" in note.body
    assert "http://testserver/account/password-reset/" in note.body
    assert "/account/register/confirm/" not in note.body
    assert get_user_model().objects.filter(email__iexact="ann@example.org").count() == 1
    assert authenticate(username="ann@example.org", password=PASSWORD) == patient
    assert "_auth_user_id" not in client.session


def test_the_link_works_once(client):
    start(client)
    link = emailed_link("bea@example.org")
    client.post(finish_page(client), {"password1": PASSWORD, "password2": PASSWORD, "consent": "on"})
    client.post(reverse("accounts:sign_out"))
    again = client.get(link)
    assert again.status_code == 404 and page(again).h1.get_text() == "This link no longer works"
    assert get_user_model().objects.filter(username="bea@example.org").count() == 1


def test_a_link_expires_after_24_hours(client):
    start(client)
    link = emailed_link("bea@example.org")
    with time_machine.travel(timezone.now() + timedelta(hours=24, minutes=1)):
        response = client.get(link)
    assert response.status_code == 404 and page(response).h1.get_text() == "This link no longer works"


def test_a_made_up_link_or_the_finish_page_without_one_says_the_link_does_not_work(client):
    for url in (reverse("accounts:register_confirm", args=["made-up"]), reverse("accounts:register_finish")):
        response = client.get(url)
        assert response.status_code == 404 and page(response).h1.get_text() == "This link no longer works"


def test_the_link_works_in_another_browser(client):
    start(client)
    other = Client()
    response = other.post(finish_page(other), {"password1": PASSWORD, "password2": PASSWORD, "consent": "on"})
    assert response.url == "/account/" and signed_in_user(other).username == "bea@example.org"


def test_of_two_links_to_one_address_the_first_used_makes_the_account(client):
    start(client)
    first = emailed_link("bea@example.org")
    start(client)
    second = emailed_link("bea@example.org")
    assert first != second
    other = Client()
    url = finish_page(other)  # the second link
    client.get(first)
    response = client.post(reverse("accounts:register_finish"),
                           {"password1": PASSWORD, "password2": PASSWORD, "consent": "on"})
    assert response.url == "/account/"
    # Every other link to the address stops working with the account made.
    late = other.post(url, {"password1": PASSWORD + "x", "password2": PASSWORD + "x", "consent": "on"})
    assert late.status_code == 404
    assert authenticate(username="bea@example.org", password=PASSWORD) is not None


def test_a_short_password_is_refused_with_the_reason(client):
    start(client)
    response = client.post(finish_page(client), {"password1": "quiet tulip", "password2": "quiet tulip",
                                                  "consent": "on"})
    assert response.status_code == 400
    assert field_errors(response, "password1") == [
        "This password is too short. It must contain at least 12 characters."]
    assert not get_user_model().objects.filter(username="bea@example.org").exists()


def test_a_password_like_the_email_address_is_refused(client):
    start(client, email="walkbytheriver@example.org")
    response = client.post(finish_page(client, "walkbytheriver@example.org"),
                           {"password1": "walkbytheriver", "password2": "walkbytheriver", "consent": "on"})
    assert field_errors(response, "password1") == ["The password is too similar to the username."]


def test_passwords_that_differ_are_refused(client):
    start(client)
    response = client.post(finish_page(client), {"password1": PASSWORD, "password2": PASSWORD + "!", "consent": "on"})
    assert field_errors(response, "password2") == ["The passwords do not match. Enter the same password twice."]


def test_registering_needs_the_consent_box_ticked(client):
    start(client)
    response = client.post(finish_page(client), {"password1": PASSWORD, "password2": PASSWORD})
    assert field_errors(response, "consent") == ["Tick the box to agree that we can store your answers"]
    assert summary(response) == [("Tick the box to agree that we can store your answers", "#id_consent")]
    assert page(response).title.get_text().startswith("Error: Finish creating your account")
    assert not get_user_model().objects.filter(username="bea@example.org").exists()
    # Passwords are never sent back in the page.
    assert PASSWORD not in response.content.decode()


def test_an_empty_form_says_what_to_enter_and_keeps_what_was_typed(client):
    response = client.post(REGISTER, {"email": "", "first_name": "Bea"})
    assert response.status_code == 400
    assert field_errors(response, "email") == ["Enter your email address"]
    assert summary(response) == [("Enter your email address", "#id_email")]
    assert page(response).find(id="id_first_name")["value"] == "Bea"
    assert mail.outbox == []


@pytest.mark.parametrize("path", [REGISTER, "finish", SIGN_IN, reverse("accounts:password_reset")])
def test_every_input_has_a_label_and_autocomplete(client, path):
    if path == "finish":
        start(client)
        path = finish_page(client)
    soup = page(client.get(path))
    inputs = soup.select("main form input:not([type=hidden]):not([type=checkbox])")
    assert inputs
    for element in inputs:
        assert soup.find("label", attrs={"for": element["id"]}), element
        assert element.get("autocomplete"), element
        assert "autofocus" not in element.attrs
    checkbox = soup.select_one("main input[type=checkbox]")
    assert checkbox is None or soup.find("label", attrs={"for": checkbox["id"]}).get_text() == forms.CONSENT_WORDING


def test_password_inputs_ask_browsers_for_the_right_password(client):
    register = page(client.get(REGISTER))
    assert register.find(id="id_email")["autocomplete"] == "email"
    assert register.find(id="id_email")["type"] == "email"
    start(client)
    finish = page(client.get(finish_page(client)))
    assert finish.find("input", attrs={"name": "username"})["autocomplete"] == "username"
    assert finish.find(id="id_password1")["autocomplete"] == "new-password"
    assert finish.find(id="id_password2")["autocomplete"] == "new-password"
    assert page(client.get(SIGN_IN)).find(id="id_password")["autocomplete"] == "current-password"


# --- sign in ---------------------------------------------------------------------------

def test_signing_in_with_the_email_in_any_case(client, patient):
    response = client.post(SIGN_IN, {"username": "Ann@Example.org", "password": PASSWORD})
    assert response.status_code == 302 and response.url == "/account/"
    assert signed_in_user(client) == patient


@pytest.mark.parametrize(("email", "password"), [("ann@example.org", "not the password at all"),
                                                  ("nobody@example.org", PASSWORD)])
def test_a_failed_sign_in_never_says_which_part_was_wrong(client, patient, email, password):
    response = client.post(SIGN_IN, {"username": email, "password": password})
    assert response.status_code == 200
    assert summary(response) == [("Enter a correct email address and password", "#id_username")]
    assert "_auth_user_id" not in client.session
    assert page(response).find(id="id_username")["value"] == email  # kept, so only the password is retyped
    assert password not in response.content.decode()


def test_an_empty_sign_in_says_what_is_missing(client):
    response = client.post(SIGN_IN, {"username": "", "password": ""})
    assert summary(response) == [("Enter your email address", "#id_username"), ("Enter your password", "#id_password")]
    assert 'aria-describedby="id_username_error"' in response.content.decode()


@pytest.mark.parametrize("next_url", [reverse("backpain:entry"), "/conditions/bone-cancer/?from=account"])
def test_signing_in_returns_to_the_page_they_came_from(client, patient, next_url):
    form = page(client.get(SIGN_IN, {"next": next_url}))
    assert form.find("input", attrs={"name": "next"})["value"] == next_url
    response = client.post(SIGN_IN, {"username": "ann@example.org", "password": PASSWORD, "next": next_url})
    assert response.url == next_url


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/account/", "javascript:alert(1)"])
def test_a_next_address_on_another_site_is_ignored(client, patient, next_url):
    response = client.post(SIGN_IN, {"username": "ann@example.org", "password": PASSWORD, "next": next_url})
    assert response.url == "/account/"
    client.logout()
    start(client, url=f"{REGISTER}?next={next_url}")
    response = client.post(finish_page(client), {"password1": PASSWORD, "password2": PASSWORD, "consent": "on"})
    assert response.url == "/account/"


# --- sign out --------------------------------------------------------------------------

def test_signing_out_needs_a_button_press(client, patient):
    client.force_login(patient)
    response = client.get(reverse("accounts:sign_out"))
    assert response.status_code == 200
    assert page(response).select_one("main form[method=post] button").get_text() == "Sign out"
    assert signed_in_user(client) == patient  # a GET (a link, a prefetch) changes nothing
    response = client.post(reverse("accounts:sign_out"), follow=True)
    assert response.redirect_chain[-1][0] == "/account/signed-out/"
    assert page(response).h1.get_text() == "You have signed out"
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("accounts:home")).status_code == 302


# --- the account page ------------------------------------------------------------------

def test_the_account_page_needs_sign_in(client):
    response = client.get(reverse("accounts:home"))
    assert response.status_code == 302 and response.url == "/account/sign-in/?next=/account/"


def test_the_account_page_lists_the_tools_and_a_sign_out_button(client, patient):
    client.force_login(patient)
    response = client.get(reverse("accounts:home"))
    soup = page(response)
    assert soup.h1.get_text() == "Hello, Ann"
    tools = soup.find(id="your-tools-title").find_parent("section")
    assert tools.find("a", href="/back-pain-program/")
    assert soup.select_one("main form[action='/account/sign-out/'][method=post] button").get_text() == "Sign out"
    assert "no-store" in response["Cache-Control"]


def test_the_session_ends_when_the_browser_closes_or_after_eight_hours(client, patient):
    client.post(SIGN_IN, {"username": "ann@example.org", "password": PASSWORD})
    cookie = client.cookies["sessionid"]
    assert cookie["expires"] == "" and cookie["max-age"] == ""  # a browser-session cookie
    assert client.session.get_expiry_age() == 8 * 60 * 60


def test_a_patient_cannot_reach_the_admin(client, patient):
    client.force_login(patient)
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 302 and response.url.startswith("/admin/login/")
    # ... and is taken to their own account page, not left on the admin's sign-in page.
    response = client.get(reverse("wagtailadmin_explore_root"), follow=True)
    assert response.redirect_chain[-1][0] == "/account/" and response.status_code == 200


def test_the_header_links_to_sign_in_or_to_the_account_even_with_the_page_cache(client, patient):
    with override_settings(CAREGUIDE_PAGE_CACHE_SECONDS=60):
        anonymous = page(client.get("/")).select_one(".site-header .site-account")
        assert (anonymous.get_text(), anonymous["href"]) == ("Sign in", SIGN_IN)
        client.post(SIGN_IN, {"username": "ann@example.org", "password": PASSWORD})
        signed_in = page(client.get("/")).select_one(".site-header .site-account")
        assert (signed_in.get_text(), signed_in["href"]) == ("Your account", "/account/")


# --- password reset --------------------------------------------------------------------

def reset_link() -> str:
    assert len(mail.outbox) == 1
    return re.search(r"http://testserver(/account/password-reset/confirm/\S+/)", mail.outbox[0].body).group(1)


def test_a_password_reset_email_lets_the_patient_choose_a_new_password(client, patient):
    response = client.post(reverse("accounts:password_reset"), {"email": "ANN@example.org"}, follow=True)
    assert "If an account exists for that email address, we have sent an email" in response.content.decode()
    assert mail.outbox[0].to == ["ann@example.org"]
    assert mail.outbox[0].subject == "Reset your Cancer Care Guide password"
    assert "Hello Ann," in mail.outbox[0].body and "for 1 hour" in mail.outbox[0].body
    link = reset_link()
    form = client.get(link, follow=True)
    assert page(form).h1.get_text() == "Choose a new password"
    new_password = "a different walk by the sea 9"
    response = client.post(form.redirect_chain[-1][0], {"new_password1": new_password, "new_password2": new_password},
                           follow=True)
    assert page(response).h1.get_text() == "Your password has been changed"
    assert authenticate(username="ann@example.org", password=new_password) == patient
    assert authenticate(username="ann@example.org", password=PASSWORD) is None
    # The link works once.
    assert page(client.get(link, follow=True)).h1.get_text() == "This link no longer works"


def test_a_reset_for_an_unknown_address_looks_the_same_and_sends_nothing(client, patient):
    known = client.post(reverse("accounts:password_reset"), {"email": "ann@example.org"}, follow=True)
    mail.outbox.clear()
    unknown = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.org"}, follow=True)
    assert unknown.redirect_chain == known.redirect_chain == [("/account/password-reset/done/", 302)]
    assert page(unknown).main.get_text() == page(known).main.get_text()
    assert mail.outbox == []


def test_a_new_password_must_still_pass_the_rules(client, patient):
    client.post(reverse("accounts:password_reset"), {"email": "ann@example.org"})
    form = client.get(reset_link(), follow=True)
    response = client.post(form.redirect_chain[-1][0], {"new_password1": "short", "new_password2": "short"})
    assert field_errors(response, "new_password1") == [
        "This password is too short. It must contain at least 12 characters."]
    assert authenticate(username="ann@example.org", password=PASSWORD) == patient


def test_a_signed_in_patient_can_change_their_password(client, patient):
    client.force_login(patient)
    new_password = "a different walk by the sea 9"
    wrong = client.post(reverse("accounts:password_change"), {"old_password": "wrong", "new_password1": new_password,
                                                "new_password2": new_password})
    assert field_errors(wrong, "old_password") == ["Your current password is not correct. Enter it again."]
    response = client.post("/account/password/", {"old_password": PASSWORD, "new_password1": new_password,
                                                   "new_password2": new_password}, follow=True)
    assert page(response).h1.get_text() == "Your password has been changed"
    assert signed_in_user(client) == patient  # still signed in on this device
    assert authenticate(username="ann@example.org", password=new_password) == patient
