"""Every page type can be created where it belongs and renders; every published page
answers 200 within a bounded number of queries; the site chrome is there."""

import re

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from wagtail.models import Page

from careguide.library.models import (
    ConditionPage,
    GlossaryPage,
    GlossaryTerm,
    HomePage,
    SectionPage,
    SideEffect,
    SideEffectsPage,
    TopicPage,
    TreatmentPage,
)

pytestmark = pytest.mark.django_db

MAX_QUERIES = 10
BODY = [
    {"type": "key_points", "value": {"heading": "Key points", "items": ["One thing to know."]}},
    {"type": "when_to_get_help", "value": {"heading": "When to get help",
                                           "emergency": ["You cannot breathe."],
                                           "urgent": ["You have a fever."], "routine": []}},
]


@pytest.fixture
def home(db):
    return HomePage.objects.get()


@pytest.fixture
def section(home):
    return SectionPage.objects.get(slug="treatments")


@pytest.mark.parametrize(
    ("model", "parent_model", "allowed"),
    [
        (SectionPage, HomePage, True),
        (TopicPage, HomePage, True),
        (TopicPage, SectionPage, True),
        (ConditionPage, SectionPage, True),
        (TreatmentPage, SectionPage, True),
        (ConditionPage, HomePage, False),
        (TreatmentPage, TopicPage, False),
        (HomePage, HomePage, False),
    ],
)
def test_page_types_can_be_created_only_where_they_belong(model, parent_model, allowed):
    assert model.can_exist_under(parent_model()) is allowed


@pytest.mark.parametrize("model", [TopicPage, ConditionPage, TreatmentPage, SectionPage])
def test_each_page_type_can_be_created_and_renders(client, section, model):
    page = model(title=f"A new {model.__name__}", slug=f"new-{model.__name__.lower()}",
                 summary="A short summary for a new page in the test.", body=BODY)
    section.add_child(instance=page)
    page.save_revision().publish()
    response = client.get(page.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert f"<h1 id=\"page-title\">A new {model.__name__}</h1>" in html
    assert "One thing to know." in html
    assert "Emergency advice: </span>Call 911 now if:" in html


def test_single_instance_pages_exist_once(home):
    assert HomePage.objects.count() == 1
    assert GlossaryPage.objects.count() == 1
    assert SideEffectsPage.objects.count() == 1
    assert not GlossaryPage.can_create_at(home)
    assert not HomePage.can_create_at(Page.get_first_root_node())


def test_every_published_page_answers_within_query_budget(client, live_pages, django_assert_max_num_queries):
    assert len(live_pages) >= 28
    for page in live_pages:
        client.get(page.url)  # warm per-process caches (Site lookup), as on a running server
        with django_assert_max_num_queries(MAX_QUERIES):
            response = client.get(page.url)
        assert response.status_code == 200, page.url


def test_glossary_and_side_effect_pages_answer_within_query_budget(client, django_assert_max_num_queries):
    glossary = GlossaryPage.objects.get()
    effects = SideEffectsPage.objects.get()
    urls = [glossary.url + t.slug + "/" for t in GlossaryTerm.objects.all()[:10]]
    urls += [effects.url + e.slug + "/" for e in SideEffect.objects.all()[:10]]
    for url in urls:
        client.get(url)
        with django_assert_max_num_queries(MAX_QUERIES):
            response = client.get(url)
        assert response.status_code == 200, url


def test_library_page_shows_summary_review_dates_reviewer_and_sources(client):
    page = ConditionPage.objects.get(slug="bone-cancer")
    html = client.get(page.url).content.decode()
    assert page.summary in html
    assert "Last reviewed" in html and page.last_reviewed.strftime("%B") in html
    assert "Next review due" in html and str(page.next_review_due.year) in html
    assert f"<dt>Reviewed by</dt><dd>{page.reviewer_role}</dd>" in html
    assert 'id="sources-title">Sources</h2>' in html


def test_chrome_has_skip_link_landmarks_search_and_emergency_notice(client):
    html = client.get("/").content.decode()
    assert '<a class="skip-link" href="#main-content">Skip to main content</a>' in html
    assert '<main id="main-content"' in html
    assert '<header class="site-header">' in html and '<footer class="site-footer">' in html
    assert 'role="search"' in html and 'name="q"' in html
    assert "If you have an emergency" in html
    assert "severe pain" in html and "labor" in html and "danger to yourself or others" in html
    assert "does not replace advice from your doctor" in html
    assert "<script" not in html.replace('<script src="/static/', "")  # no inline script


def test_organization_comes_from_configuration(client):
    from wagtail.models import Site

    from careguide.core.models import OrganizationSettings

    org = OrganizationSettings.for_site(Site.objects.get(is_default_site=True))
    assert "Fremont Medical Center" in client.get("/").content.decode()
    org.locations.update(name="Harbor Clinic")
    org.organization = "Harbor View Medical Group"
    org.save()  # as the settings form in the admin does
    soup = BeautifulSoup(client.get("/").content, "html.parser")
    header, footer = soup.select_one("header.site-header").get_text(), soup.select_one("footer").get_text()
    assert "Harbor View Medical Group" in header and "Harbor Clinic" in footer
    assert "Fremont" not in header + footer


def test_public_pages_send_a_strict_content_security_policy(client):
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_404_page_is_in_site_style(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "We cannot find that page" in html and "site-header" in html and "call 911" in html.lower()


def test_500_page_is_in_site_style_and_needs_no_database(rf):
    from careguide.core.views import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "Sorry, something went wrong" in html and "call 911" in html.lower()


def test_sitemap_lists_library_pages_and_robots_points_to_it(client):
    sitemap = client.get("/sitemap.xml").content.decode()
    assert "/conditions/bone-cancer/" in sitemap and "/glossary/" in sitemap
    robots = client.get("/robots.txt").content.decode()
    assert re.search(r"^Sitemap: http://testserver/sitemap.xml$", robots, re.M)
    assert "Disallow: /admin/" in robots


def test_search_finds_pages_and_glossary_terms(client):
    html = client.get(reverse("search:search"), {"q": "biopsy"}).content.decode()
    assert "How we diagnose cancer" in html
    assert 'href="/glossary/biopsy/"' in html
    empty = client.get(reverse("search:search"), {"q": "zzqxv"}).content.decode()
    assert "No results for “zzqxv”" in empty and "glossary" in empty


def test_search_page_without_query_and_bad_page_number(client):
    assert client.get(reverse("search:search")).status_code == 200
    assert client.get(reverse("search:search"), {"q": "cancer", "page": "99"}).status_code == 200
    assert client.get(reverse("search:search"), {"q": "cancer", "page": "x"}).status_code == 200
