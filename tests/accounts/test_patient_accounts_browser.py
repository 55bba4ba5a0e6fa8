"""The account forms in Chromium with axe-core (no database marker: Playwright's event loop
and Django's database checks do not mix in one thread)."""

import pytest
from playwright.sync_api import expect
from support import axe_violations

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("path", ["/account/register/", "/account/sign-in/"])
def test_account_forms_pass_axe_before_and_after_an_error(server, browser, path):
    context = browser.new_context(viewport={"width": 390, "height": 844})  # a phone
    tab = context.new_page()
    tab.goto(server["base"] + path)
    violations = axe_violations(tab)
    tab.click("main button[type=submit]")  # nothing filled in
    # The error summary takes focus (autofocus: no script of ours), and its links lead to the fields.
    expect(tab.locator(".error-summary")).to_be_focused()
    tab.locator(".error-summary a").first.click()
    expect(tab.locator("#id_email, #id_username")).to_be_focused()
    violations += axe_violations(tab)
    context.close()
    assert violations == []
