"""The site as a person meets it: the real server started the way `make run` starts it,
on a fresh database, fetched over HTTP; and pages checked in Chromium with axe-core."""

import json
import shutil
import urllib.request

import pytest
from support import ROOT, fetch


@pytest.mark.e2e
def test_fresh_server_serves_the_library_over_http(server):
    base = server["base"]
    for path, expect in [
        ("/", "Browse the guide"),
        ("/conditions/bone-cancer/", "Osteosarcoma"),
        ("/conditions/acute-lymphoblastic-leukemia/", "Induction"),
        ("/treatments/chemotherapy/", "Call 911 now if:"),
        ("/glossary/", "Biopsy"),
        ("/glossary/biopsy/", "Glossary"),
        ("/side-effects/fatigue/", "What can help"),
        ("/search/?q=leukemia", "acute lymphoblastic leukemia"),
        ("/sitemap.xml", "/conditions/bone-cancer/"),
        ("/robots.txt", "Sitemap:"),
    ]:
        status, body, headers = fetch(base + path)
        assert status == 200, path
        assert expect.lower() in body.lower(), path
    status, body, _ = fetch(base + "/no-such-page/")
    assert status == 404 and "We cannot find that page" in body
    # Static files come from whitenoise, with far-future caching for hashed names.
    css = next(line for line in fetch(base + "/")[1].splitlines() if "site" in line and ".css" in line)
    css_url = css.split('href="')[1].split('"')[0]
    status, _, headers = fetch(base + css_url)
    assert status == 200 and "max-age=315360000" in headers.get("Cache-Control", "")
    # The access log holds paths, never query strings (searches can be health data).
    assert fetch(base + "/search/?q=my+lump+hurts")[0] == 200
    log = server["log"].read_text()
    assert '"GET /search/"' in log and "lump" not in log


@pytest.mark.e2e
def test_staff_sign_in_works_on_the_fresh_server(server):
    import http.cookiejar

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(server["base"] + "/admin/login/").read().decode()
    token = page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": "admin",
                                   "password": "e2e-admin-password-123", "next": "/admin/"}).encode()
    request = urllib.request.Request(server["base"] + "/admin/login/", data=data,
                                     headers={"Referer": server["base"] + "/admin/login/"})
    body = opener.open(request).read().decode()
    assert "Dashboard" in body or "Welcome to the" in body


# --- accessibility in a real browser -----------------------------------------------------

A11Y_PAGES = [
    "/",
    "/conditions/bone-cancer/",
    "/treatments/chemotherapy/",
    "/glossary/",
    "/search/?q=biopsy",
    "/conditions/acute-lymphoblastic-leukemia/",
    "/side-effects/fever-and-infection/",
]


@pytest.mark.browser
@pytest.mark.parametrize("path", A11Y_PAGES)
def test_pages_have_no_wcag_a_or_aa_violations(server, browser, path):
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context(viewport={"width": 390, "height": 844})  # a phone
    page = context.new_page()
    page.goto(server["base"] + path)
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": [
        "wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})
    violations = results.response["violations"]
    summary = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in violations]
    context.close()
    assert violations == [], json.dumps(summary, indent=1)


@pytest.mark.browser
def test_pages_read_and_work_without_javascript_and_at_200_percent_zoom(server, browser):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 640, "height": 900},
                                  device_scale_factor=2)
    page = context.new_page()
    page.goto(server["base"] + "/conditions/acute-lymphoblastic-leukemia/")
    assert page.locator("h1").inner_text() == "Acute lymphoblastic leukemia (ALL)"
    # Nothing is cut off sideways at 200% zoom (a 1280px window at 200% is 640 CSS px).
    assert page.evaluate("document.documentElement.scrollWidth") <= 640
    # The skip link is the first thing a keyboard reaches, and it moves focus to the content.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main-content"
    # A glossary term leads to its definition with scripts off.
    page.locator("main a.glossary-link").first.click()
    assert "/glossary/" in page.url and page.locator(".definition").is_visible()
    # Search works without scripts.
    page.fill("#site-search-q", "bone marrow")
    page.press("#site-search-q", "Enter")
    assert "Search results for" in page.locator("h1").inner_text()
    context.close()


@pytest.mark.browser
def test_emergency_care_card_is_announced_with_its_level(server, browser):
    context = browser.new_context()
    page = context.new_page()
    page.goto(server["base"] + "/treatments/chemotherapy/")
    heading = page.locator(".care-card--emergency h3").first
    # The accessible name carries the level, not only the colour.
    assert heading.inner_text().startswith("Emergency advice:") or "Emergency advice" in heading.text_content()
    assert page.get_by_role("heading", name="Emergency advice: Call 911 now if:").count() >= 1
    page.screenshot(path=str(server["data_dir"] / "chemotherapy.png"), full_page=True)
    context.close()


def test_make_run_never_uses_runserver():
    makefile = (ROOT / "Makefile").read_text() + (ROOT / "scripts" / "serve").read_text()
    assert "runserver" not in makefile and "exec gunicorn" in makefile
    assert shutil.which("gunicorn", path=str(ROOT / ".venv" / "bin"))
