"""Editors can publish, in Chromium against the production server (issue 14, item 8).

Given an editor and a clinical reviewer, who reach the admin through the footer's "Staff
sign in", when the editor adds a key point to a page's list in Wagtail's editor and submits it
to the "Clinical review" workflow, and the reviewer chooses "Approve and Publish", then the
page is live with the new words and the site's search finds them.
"""

import re
import uuid

import pytest
from browser_support import PASSWORD
from playwright.sync_api import expect
from support import axe_violations, run_on_server

pytestmark = pytest.mark.browser

MAKE_STAFF = """
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from careguide.accounts.models import ClinicalProfile
from careguide.accounts.roles import EDITORS, REVIEWERS
from careguide.library.models import LibraryPage
User = get_user_model()
for name, group in (("{editor}", EDITORS), ("{reviewer}", REVIEWERS)):
    user = User.objects.create_user(name, password="{password}", first_name=name.split(".")[0].title())
    user.groups.add(Group.objects.get(name=group))
ClinicalProfile.objects.create(user=User.objects.get(username="{reviewer}"), role_title="Oncology nurse")
print(LibraryPage.objects.get(slug="clinical-trials").pk)
"""


def staff_sign_in(page, base, username):
    page.goto(base + "/")
    page.get_by_role("link", name="Staff sign in").click()
    page.get_by_label("Email address").fill(username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))  # their place: the admin


def test_an_editor_adds_a_key_point_a_reviewer_approves_and_search_finds_it(server, browser):
    base, tag = server["base"], uuid.uuid4().hex[:6]
    editor, reviewer = f"editor.{tag}", f"reviewer.{tag}"
    page_id = run_on_server(server, "shell", "-c", MAKE_STAFF.format(
        editor=editor, reviewer=reviewer, password=PASSWORD)).stdout.split()[-1]
    word = f"zq{tag}"  # a word no page has
    new_point = f"Ask your care team about the {word} study near you."

    context = browser.new_context()
    page = context.new_page()
    staff_sign_in(page, base, editor)
    page.goto(f"{base}/admin/pages/{page_id}/edit/")
    key_points = page.locator('[data-contentpath="items"]').first
    key_points.locator("button[data-streamfield-list-add]").last.click()
    count = int(page.locator('input[name="body-0-value-items-count"]').input_value())
    page.locator(f'input[name="body-0-value-items-{count - 1}-value"]').fill(new_point)
    page.get_by_role("button", name="More actions").click()
    page.get_by_role("button", name="Submit to Clinical review").click()
    expect(page.locator(".messages")).to_contain_text("has been submitted for moderation")
    context.close()

    context = browser.new_context()
    page = context.new_page()
    staff_sign_in(page, base, reviewer)
    expect(page.locator("main")).to_contain_text("Awaiting your review")
    page.goto(f"{base}/admin/pages/{page_id}/edit/")
    page.get_by_role("button", name="More actions").click()
    page.get_by_role("button", name="Approve and Publish", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("Clinical trials")  # no error page
    context.close()

    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{base}/search/?q={word}")
    result = page.locator("main")
    expect(result).to_contain_text("Clinical trials")
    expect(result).to_contain_text(new_point)
    assert axe_violations(page) == []
    page.get_by_role("link", name=re.compile("Clinical trials")).first.click()
    expect(page.locator("main")).to_contain_text(new_point)
    context.close()
