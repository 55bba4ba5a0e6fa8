"""What a person does in Chromium again and again: create an account the way a patient does and
sign in (the browser and end-to-end tests; the server fixture is in conftest.py)."""

import re
from contextlib import contextmanager

from accounts_support import link_in_server_log
from django.urls import reverse
from factories import PASSWORD
from playwright.sync_api import expect
from support import axe_violations

__all__ = ["PASSWORD", "register", "sign_in"]


def register(page, server, first_name):
    """Ask for an account, open the link the server emailed, choose a password and agree."""
    base, email = server["base"], f"{first_name.lower()}@example.org"
    page.goto(base + "/account/register/")
    assert axe_violations(page) == []
    page.get_by_label("First name").fill(first_name)
    page.get_by_label("Email address").fill(email)
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("h1")).to_have_text("Check your email")
    page.goto(base + link_in_server_log(server, email))
    expect(page.locator("h1")).to_have_text("Finish creating your account")
    assert axe_violations(page) == []
    page.get_by_label("Create a password").fill(PASSWORD)
    page.get_by_label("Enter the password again").fill(PASSWORD)
    page.locator("input[name=consent]").check()
    page.get_by_role("button", name="Create account").click()
    expect(page).to_have_url(re.compile(r"/account/$"))


def sign_in(page, base, username, password):
    page.goto(base + "/account/sign-in/")
    page.get_by_label("Email address").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()


@contextmanager
def watched_page(browser, width, height):
    """A page of `width` x `height` in a context of its own, whose `errors` list collects the
    browser console's errors (a script that breaks shows there)."""
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.errors = []
    page.on("console", lambda message: page.errors.append(message.text) if message.type == "error" else None)
    try:
        yield page
    finally:
        context.close()


def stored_response(page, base) -> dict:
    """The QuestionnaireResponse the page's form stored (the page is on its response page), read
    back through /fhir/ in the same browser session."""
    match = re.search(r"/questionnaires/responses/([0-9a-f-]{36})/$", page.url)
    assert match, page.url
    fetched = page.request.get(base + reverse("fhir:questionnaire_response", args=[match.group(1)]))
    assert fetched.status == 200
    return fetched.json()
