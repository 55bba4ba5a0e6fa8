"""No form loses what was typed (issue 14, item 7), in Chromium on a phone-sized screen.

For each form a patient fills in, the test fills every field, submits, reloads the page and finds
every value again (or, where the form's answers live on another page afterwards, finds them
there). axe-core runs on each form. The back-pain check-in is in test_backpain_e2e.py, with the
program it belongs to; the side-effect check's own steps are the lead's (questionnaire views).
"""

import datetime as dt
import re
import uuid

import pytest
from accounts_support import link_in_server_log
from browser_support import PASSWORD, register, sign_in
from playwright.sync_api import expect
from support import PHONE, axe_violations, run_on_server

pytestmark = pytest.mark.browser


def snapshot(page, form="main form[method=post]"):
    """Every named field of the form a person fills in, and its value: text as typed, boxes as
    the list of ticked values. Hidden inputs, buttons and the CSRF token are the page's, not the
    person's. (Read through Playwright, so it works with the page's JavaScript turned off.)"""
    out = {}
    for field in page.locator(form).first.locator("input[name], select[name], textarea[name]").all():
        name, kind = field.get_attribute("name"), (field.get_attribute("type") or "text").lower()
        if name == "csrfmiddlewaretoken" or kind in ("hidden", "submit", "button"):
            continue
        if kind in ("radio", "checkbox"):
            out.setdefault(name, [])
            if field.is_checked():
                out[name].append(field.get_attribute("value"))
        else:
            out[name] = field.input_value()
    return out


def assert_kept(before, after):
    """Every field filled before the save has the same value after the reload."""
    lost = {name: (value, after.get(name)) for name, value in before.items() if after.get(name) != value}
    assert lost == {}, f"values lost or changed (typed, shown after reload): {lost}"


def new_patient(browser, server, first_name, *, javascript=True):
    """A newly registered patient's browser (new registrations join the demo care team).
    Registration runs axe, which needs JavaScript: a browser without it gets the cookies after."""
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    name = f"{first_name}{uuid.uuid4().hex[:8]}"
    register(page, server, name)
    email = f"{name.lower()}@example.org"  # as register() makes it
    if not javascript:
        context.close()
        context = browser.new_context(viewport=PHONE, java_script_enabled=False)
        page = context.new_page()
        sign_in(page, server["base"], email, PASSWORD)
    context.email = email
    return context, page


def no_axe_violations(page, where):
    assert axe_violations(page) == [], where


def test_the_treatment_profile_keeps_every_answer(server, browser):
    context, page = new_patient(browser, server, "Tess")
    page.goto(server["base"] + "/side-effect-check/treatment/")
    page.get_by_label("Ewing sarcoma").check()
    page.locator("[name=long_term_steroids][value=yes]").check()
    rows = {
        "chemotherapy": {"start_date": "2026-01-05", "ongoing": True},
        "immunotherapy": {"start_date": "2025-01-10", "end_date": "2025-06-01"},
        "targeted": {"start_date": "2025-02-01", "ongoing": True},
        "radiation": {"body_area": "Left thigh", "start_date": "2025-10-01", "end_date": "2025-11-01"},
        "surgery": {"start_date": "2025-09-09", "detail": "Biopsy of the thigh bone"},
        "transplant": {"start_date": "2024-04-04"},
    }
    for kind, fields in rows.items():
        for name, value in fields.items():
            field = page.locator(f"[name='{kind}-0-{name}']")
            field.check() if value is True else field.fill(value)
    # The answers about the check: one each of "no", "yes" and "use what my treatments show".
    page.locator("[name=on_sact][value=no]").check()
    page.locator("[name=immunosuppressed][value=yes]").check()
    page.locator("[name=ici][value=derived]").check()
    before = snapshot(page)
    page.get_by_role("button", name="Save your treatment profile").click()
    expect(page.locator("main")).to_contain_text("Your treatment profile is saved.")
    page.reload()
    assert_kept(before, snapshot(page))
    no_axe_violations(page, "saved treatment profile")
    context.close()


def test_checklist_ticks_save_as_they_are_made_with_javascript(server, browser):
    context, page = new_patient(browser, server, "Jo")
    page.goto(server["base"] + "/prepare/biopsy/")
    total = page.locator("input[name=ticked]").count()
    expect(page.locator("#tick-hint")).to_contain_text("saved as soon as you tick")
    page.locator("#item-know-the-type").check()
    expect(page.locator("#progress-count")).to_have_text(f"1 of {total}")
    page.locator("#item-bring-id").check()
    expect(page.locator("#progress-count")).to_have_text(f"2 of {total}")
    page.locator("#item-know-the-type").uncheck()
    expect(page.locator("#tick-status")).to_have_text(f"Saved. You have done 1 of {total} things on this list.")
    no_axe_violations(page, "checklist after ticking")
    # No button pressed: the ticks are there after a reload all the same.
    page.reload()
    expect(page.locator("#item-bring-id")).to_be_checked()
    expect(page.locator("#item-know-the-type")).not_to_be_checked()
    expect(page.locator("#progress-count")).to_have_text(f"1 of {total}")
    # The date and the reminder are saved by the button, with the ticks.
    page.locator("#id_procedure_date").fill((dt.date.today() + dt.timedelta(days=10)).isoformat())
    page.locator("#id_remind").check()
    page.locator("#item-allergies").check()
    before = snapshot(page)
    page.get_by_role("button", name="Save my checklist").click()
    expect(page.locator(".procedures-messages")).to_contain_text("Your checklist is saved.")
    page.reload()
    assert_kept(before, snapshot(page))
    context.close()


def test_a_checklist_without_javascript_says_to_press_save_and_keeps_everything(server, browser):
    context, page = new_patient(browser, server, "Noor", javascript=False)
    page.goto(server["base"] + "/prepare/chemotherapy-infusion/")
    expect(page.locator("#tick-hint")).to_contain_text("Your ticks are saved only when you press it")
    boxes = page.locator("input[name=ticked]")
    for index in range(0, boxes.count(), 2):
        boxes.nth(index).check()
    page.locator("#id_procedure_date").fill((dt.date.today() + dt.timedelta(days=3)).isoformat())
    page.locator("#id_remind").check()
    before = snapshot(page)
    page.get_by_role("button", name="Save my checklist").click()
    expect(page.locator(".procedures-messages")).to_contain_text("Your checklist is saved.")  # saved, then reload
    page.reload()
    assert_kept(before, snapshot(page))
    context.close()


def test_the_symptom_diary_keeps_the_symptoms_chosen_and_every_answer_of_the_day(server, browser):
    context, page = new_patient(browser, server, "Dee")
    page.goto(server["base"] + "/diary/symptoms/")
    boxes = page.locator("main form input[type=checkbox]")
    for index in range(boxes.count()):
        # A different choice from the suggested one for every other symptom.
        if index % 2:
            boxes.nth(index).set_checked(not boxes.nth(index).is_checked())
    before = snapshot(page)
    with page.expect_navigation():  # saved before the next page is asked for
        page.get_by_role("button", name="Save my symptoms").click()
    page.goto(server["base"] + "/diary/symptoms/")
    assert_kept(before, snapshot(page))

    page.goto(server["base"] + "/diary/today/")
    names = page.eval_on_selector_all("main form input[type=radio]", "els => [...new Set(els.map(e => e.name))]")
    for name in names:
        # The second answer of each question: not the first, so nothing is left at a default.
        page.locator(f'main form input[type=radio][name="{name}"]').nth(1).check()
    for number in page.locator("main form input[type=number]").all():
        number.fill("2")  # how many more times than usual, and the like
    page.locator('input[name="temperature_unit"][value="C"]').check()
    page.get_by_label("What is your temperature now?").fill("37.1")
    before = snapshot(page)
    page.get_by_role("button", name="Save today's diary").click()
    expect(page).to_have_url(re.compile(r"/diary/entries/\d+/"))
    page.goto(server["base"] + "/diary/today/")
    assert_kept(before, snapshot(page))
    no_axe_violations(page, "diary of today, filled in")
    context.close()


def test_the_account_forms_keep_what_was_typed(server, browser):
    base = server["base"]
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    name = f"Ari{uuid.uuid4().hex[:8]}"
    email = f"{name.lower()}@example.org"
    # The first step keeps what was typed when something is missing.
    page.goto(base + "/account/register/")
    page.get_by_label("First name").fill(name)
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.get_by_label("First name")).to_have_value(name)
    page.get_by_label("Email address").fill(email)
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("h1")).to_have_text("Check your email")
    # At the emailed link, a mistake (passwords that differ) keeps the consent tick.
    page.goto(base + link_in_server_log(server, email))
    page.get_by_label("Create a password").fill(PASSWORD)
    page.get_by_label("Enter the password again").fill(PASSWORD + "x")
    page.locator("input[name=consent]").check()
    page.get_by_role("button", name="Create account").click()
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator("input[name=consent]")).to_be_checked()
    page.get_by_label("Create a password").fill(PASSWORD)
    page.get_by_label("Enter the password again").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page).to_have_url(re.compile(r"/account/$"))
    page.reload()
    expect(page.locator("main")).to_contain_text(name)
    expect(page.locator("main")).to_contain_text(email)

    # A new password works at the next sign-in.
    page.goto(base + "/account/password/")
    new_password = PASSWORD + " and more"
    for label, value in (("Current password", PASSWORD), ("New password", new_password),
                         ("Enter the new password again", new_password)):
        page.get_by_label(label, exact=True).fill(value)
    page.locator("main form button[type=submit]").click()
    context.close()
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    sign_in(page, base, email, new_password)
    expect(page).to_have_url(re.compile(r"/account/$"))
    context.close()


SET_UP_A_VISIT = """
from django.contrib.auth import get_user_model
from careguide.careteam.models import CareTeam
from careguide.referrals import booking, services
User = get_user_model()
patient = User.objects.get(email="{email}")
referral = services.create(User.objects.get(username="gp"), patient=patient, reason="Thigh pain", urgency="routine",
                           send=True)
nurse = User.objects.get(username="nurse")
services.accept(referral, nurse, CareTeam.objects.get(name="Cancer care team"))
slot = booking.free_slots().order_by("start").last()
booking.book(referral, slot.pk, actor=nurse)
print(referral.pk)
"""


def test_the_visit_questions_and_a_change_request_keep_every_answer(server, browser):
    context, page = new_patient(browser, server, "Vic")
    base = server["base"]
    referral = run_on_server(server, "shell", "-c", SET_UP_A_VISIT.format(email=context.email)).stdout.split()[-1]

    # The pre-visit questions: every field, sent, then opened again with the answers sent.
    page.goto(f"{base}/referrals/{referral}/prepare/questions/")
    form = page.locator("main form[method=post]").first
    for name in page.eval_on_selector_all(
            "main form input[type=radio]", "els => [...new Set(els.map(e => e.name))]"):
        page.locator(f'main form input[type=radio][name="{name}"]').first.check()
    for box in form.locator("input[type=checkbox]").all():
        if box.is_visible():
            box.check()
    for field in form.locator("textarea, input[type=text], input:not([type])").all():
        if field.is_visible():
            field.fill("I get tired by the afternoon")
    before = snapshot(page)
    page.locator("main form button[type=submit]").last.click()
    expect(page.locator("main")).to_contain_text("We sent your answers")
    page.goto(f"{base}/referrals/{referral}/prepare/questions/")
    assert_kept(before, snapshot(page))

    # A change request: the kind and the message are on the appointments page afterwards.
    page.goto(base + "/appointments/")
    page.get_by_role("link", name=re.compile("Ask to cancel or change")).first.click()
    page.locator("input[name=kind][value=change]").check()
    page.get_by_label("Anything the team should know").fill("Mornings are hard for me: an afternoon, please.")
    with page.expect_navigation():  # saved before the next page is asked for
        page.get_by_role("button", name="Send my request").click()
    page.goto(base + "/appointments/")
    main = page.locator("main")
    expect(main).to_contain_text("Mornings are hard for me: an afternoon, please.")
    expect(main).to_contain_text("change the time")
    no_axe_violations(page, "appointments with a request")
    context.close()
