"""What a person does in Chromium again and again: create an account the way a patient does and
sign in (the browser and end-to-end tests; the server fixture is in conftest.py)."""

import re

from accounts_support import link_in_server_log
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
