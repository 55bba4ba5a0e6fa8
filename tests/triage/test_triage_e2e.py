"""Side-effect triage in Chromium, as a patient and a nurse see it.

Given a patient who registered (new registrations join the demo care team, see scripts/local-env),
when they check a green, an amber and a red set of symptoms, each result page says what to do,
and the red one reaches the care team's queue; when the nurse acknowledges and then resolves that
alert (a note is required), the queue empties. axe-core runs on every page on the way.
"""

import re
import uuid

import pytest
from browser_support import register, sign_in
from playwright.sync_api import expect
from sideeffects_support import CALM  # the check's nine steps for someone with nothing to report
from support import E2E_NURSE_PASSWORD, axe_violations

pytestmark = pytest.mark.browser


HEADINGS = {
    "green": "You can look after yourself at home",
    "amber": "Contact your care team within 24 hours",
    "red": "Call the 24-hour cancer care line now",
    "emergency": "Call 911 now",
}


def fill_step(page, data):
    for name, value in data.items():
        field = page.locator(f'[name="{name}"]').first
        kind = field.evaluate("el => el.tagName === 'SELECT' ? 'select' : (el.type || 'text')")
        if kind == "select":
            field.select_option(value)
        elif kind in ("radio", "checkbox"):
            for one in value if isinstance(value, list) else [value]:
                page.locator(f'[name="{name}"][value="{one}"]').check()
        else:
            field.fill(value)


RESULT_URL = re.compile(r"/side-effect-check/results?/(\d+/)?$")


def take_check(page, base, changes_by_step, *, axe=False, finish=True):
    """Answer the check step by step. An emergency or red answer shows the result at once; with
    ``finish`` the person then answers the rest of the questions from the result page."""
    page.goto(base + "/side-effect-check/?restart=1")
    for index, calm in enumerate(CALM):
        if RESULT_URL.search(page.url):
            if not finish:
                return
            page.get_by_role("link", name="Answer the rest of the questions").click()
        expect(page.locator(".q-progress")).to_have_text(f"Step {index + 1} of {len(CALM)}")
        if axe:
            assert axe_violations(page) == [], f"step {index + 1}"
        data = {**calm, **changes_by_step.get(index, {})}
        if data.get("temperature.checked") == "no":
            data = {k: v for k, v in data.items() if not k.startswith("temperature.value")}
        fill_step(page, data)
        if index == 0:
            # One answer as a person gives it: by the words on the screen.
            label = changes_by_step.get("label")
            if label:
                page.get_by_label(label, exact=True).check()
        page.get_by_role("button", name=re.compile("^(Continue|Submit)$")).click()
        page.wait_for_load_state()
    page.wait_for_url(RESULT_URL)


def test_a_patient_checks_green_amber_and_red_and_a_nurse_acknowledges_and_resolves(server, browser):
    base = server["base"]
    patient_name = f"Rosa{uuid.uuid4().hex[:8]}"
    patient = browser.new_context(viewport={"width": 390, "height": 844})
    page = patient.new_page()
    register(page, server, patient_name)

    # Green: nothing to report. The answers pages are checked with axe once, here.
    take_check(page, base, {}, axe=True)
    expect(page.locator("h1")).to_have_text(HEADINGS["green"])
    assert axe_violations(page) == []

    # Amber: painful mouth sores, still eating and drinking.
    take_check(page, base, {4: {"mouth": "painful"}})
    expect(page.locator("h1")).to_have_text(HEADINGS["amber"])
    main = page.locator("main")
    expect(main).to_contain_text("Mouth")
    # Self-care advice links to the library page about that side effect.
    expect(main.locator('a[href*="/side-effects/mouth-sores/"]').first).to_be_visible()
    assert axe_violations(page) == []

    # Red: on chemotherapy with a temperature of 38.1 °C, and out of breath at rest.
    take_check(page, base, {
        2: {"temperature.value": "38.1", "temperature.value__unit": "Cel"},
        "label": "I am out of breath even when I rest",
    })
    expect(page.locator("h1")).to_have_text(HEADINGS["red"])
    expect(page.locator("main")).to_contain_text("38.1")
    assert axe_violations(page) == []
    red_result = page.url

    page.goto(base + "/side-effect-check/results/")
    expect(page.locator("main table tbody tr")).to_have_count(3)
    assert axe_violations(page) == []
    patient.close()

    # The nurse of the demo care team signs in and lands on the queue.
    nurse = browser.new_context()
    page = nurse.new_page()
    sign_in(page, base, "nurse", E2E_NURSE_PASSWORD)
    expect(page).to_have_url(re.compile(r"/care-team/$"))
    expect(page.locator("h1")).to_have_text("Care team queue")
    assert axe_violations(page) == []
    row = page.locator("tbody tr", has_text=patient_name)
    expect(row).to_have_count(1)  # the red result; green and amber-after-green raise nothing
    expect(row).to_contain_text("Red")
    expect(row).to_contain_text("New")
    row.get_by_role("link", name=re.compile("Open alert")).click()
    expect(page.locator("h1")).to_contain_text(patient_name)
    assert axe_violations(page) == []

    page.get_by_role("button", name="Acknowledge").click()
    expect(page.locator("main")).to_contain_text("Acknowledged")
    assert axe_violations(page) == []

    # Resolving without a note is refused, with the error linked to the note field.
    page.get_by_role("button", name="Resolve").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    assert axe_violations(page) == []
    summary.get_by_role("link").first.click()
    note = page.locator("#id_note")
    expect(note).to_be_focused()
    note.fill("Called her back: came in for bloods, neutrophils normal, antibiotics started.")
    page.get_by_role("button", name="Resolve").click()
    expect(page.locator("main")).to_contain_text("Resolved")
    expect(page.locator("main")).to_contain_text("nurse")
    assert axe_violations(page) == []

    # The record of the result is one click away for the nurse, and readable.
    page.goto(red_result)
    expect(page.locator("h1")).to_have_text(HEADINGS["red"])
    assert axe_violations(page) == []

    # The patient's page in the care team's view: results and alerts together.
    page.goto(base + "/care-team/?show=resolved")
    page.locator("tbody tr", has_text=patient_name).get_by_role("link", name=patient_name, exact=True).click()
    expect(page.locator("h1")).to_contain_text(patient_name)
    expect(page.locator("main")).to_contain_text("Recent results")
    assert axe_violations(page) == []

    page.goto(base + "/care-team/")
    expect(page.locator("tbody tr", has_text=patient_name)).to_have_count(0)
    page.goto(base + "/care-team/?show=resolved")
    expect(page.locator("tbody tr", has_text=patient_name)).to_have_count(1)
    assert axe_violations(page) == []
    nurse.close()


def test_an_emergency_says_call_911_before_anything_else_without_javascript(server, browser):
    context = browser.new_context()
    context.route("**/*.js", lambda route: route.abort())
    page = context.new_page()
    take_check(page, server["base"], {0: {"chest_pain": "true"}}, axe=False, finish=False)
    # The first screen's answer is enough: 911 comes before any other question.
    expect(page).to_have_url(RESULT_URL)
    # Anonymous: the result page lives in the session.
    expect(page.locator("h1")).to_have_text(HEADINGS["emergency"])
    first = page.locator("main h1 ~ *").first
    expect(first).to_contain_text("Call 911 now")
    expect(page.locator("main")).to_contain_text("has not been told")
    assert axe_violations(page) == []
    context.close()


def test_a_patient_with_leukemia_sets_their_profile_and_a_diary_entry_with_a_fever_is_red(server, browser):
    """The treatment profile makes a 38 °C diary entry red (a weak immune system), and the diary
    shows the same guidance as the check; trends show the entry."""
    base = server["base"]
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    register(page, server, f"Sam{uuid.uuid4().hex[:8]}")

    page.goto(base + "/side-effect-check/treatment/")
    assert axe_violations(page) == []
    page.get_by_label("Acute lymphoblastic leukemia (ALL)").check()
    page.locator('[name="long_term_steroids"]').first.check()
    page.get_by_role("button", name="Save your treatment profile").click()
    context_section = page.locator("#context")
    expect(context_section).to_contain_text("leukemia")
    assert axe_violations(page) == []

    page.goto(base + "/diary/")
    assert axe_violations(page) == []
    page.goto(base + "/diary/symptoms/")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Save my symptoms").click()

    page.goto(base + "/diary/today/")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Save today's diary").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert axe_violations(page) == []
    # The lowest answer to every question ("Never", "No", ...), then a temperature of 38 °C.
    names = page.eval_on_selector_all("form input[type=radio]", "els => [...new Set(els.map(e => e.name))]")
    for name in names:
        page.locator(f'form input[type=radio][name="{name}"]').first.check()
    page.locator('input[name="temperature_unit"][value="C"]').check()
    page.get_by_label("What is your temperature now?").fill("38.0")
    page.get_by_role("button", name="Save today's diary").click()
    expect(page).to_have_url(re.compile(r"/diary/entries/\d+/"))
    expect(page.locator("main")).to_contain_text(HEADINGS["red"])
    assert axe_violations(page) == []

    page.goto(base + "/diary/trends/")
    expect(page.locator("main svg[role=img]").first).to_be_visible()
    assert axe_violations(page) == []
    response = page.request.get(base + "/diary/summary.pdf")
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    context.close()


def test_repeated_wrong_passwords_lock_the_sign_in_with_a_clear_page(server, browser):
    context = browser.new_context()
    page = context.new_page()
    username = f"nobody-{uuid.uuid4().hex[:8]}@example.org"
    for _ in range(5):
        sign_in(page, server["base"], username, "not the password")
    expect(page.locator("h1")).to_have_text("Sign-in is paused")
    expect(page.get_by_role("link", name=re.compile("reset", re.IGNORECASE)).first).to_be_visible()
    assert axe_violations(page) == []
    context.close()
