"""The search page, the JSON API and the zero-result report, as a reader, a client and an editor
meet them.

Most tests replace the search service with a fake (``careguide.search.views._service``) so
that they check what the page and the API do with an answer; the tests at the end named
``test_real_service_...`` run the real service on our own content.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from types import SimpleNamespace

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.db import OperationalError
from django.urls import include, path, reverse
from factories import NurseFactory, UserFactory

# Importing the report's hooks registers its admin URL and menu item before the URLconf is
# first loaded, even before careguide/search/wagtail_hooks.py imports it (imports run once).
import careguide.search.wagtail_hooks_report  # noqa: F401
from careguide.config import urls as site_urls  # noqa: E402
from careguide.search import views, zero
from careguide.search.models import ZeroResultQuery

# The site's URLs with careguide/search/urls.py included as config/urls.py will include it
# (/search/ and /api/search), so these tests run before and after that line lands.
urlpatterns = [path("", include("careguide.search.urls")), *site_urls.urlpatterns]

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

PAGE, API = reverse("search:search"), reverse("search:api")


# --- a fake service with the interface of careguide.search.service ----------------------

class QueryError(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass
class Hit:
    title: str
    heading: str
    url: str
    snippet_html: str
    score: float = 1.0
    kind: str = "condition"


@dataclass
class Answer:
    title: str
    heading: str
    url: str
    text: str
    kind: str = "section"


@dataclass
class Response:
    query: str
    corrected_query: str | None = None
    answer: Answer | None = None
    results: list = field(default_factory=list)
    total: int = 0
    page: int = 1
    pages: int = 0
    facets: dict = field(default_factory=dict)


MOUTH = Hit("Mouth sores", "What can help", "/side-effects/mouth-sores/#what-can-help",
            "Rinse your <mark>mouth</mark> with salt water &lt;not mouthwash&gt;.", 7.5, "side_effect")
CHEMO = Hit("Chemotherapy", "Side effects", "/treatments/chemotherapy/#side-effects",
            "Chemo can cause <mark>mouth</mark> <mark>sores</mark>.", 3.25, "treatment")


class FakeService:
    QueryError = QueryError

    def __init__(self, response=None, error=None):
        self.response, self.error, self.calls = response, error, []

    def search(self, query, *, page=1, per_page=10, kind=None, using="default"):
        self.calls.append({"query": query, "page": page, "kind": kind})
        if self.error:
            raise self.error
        return self.response


@pytest.fixture
def fake(monkeypatch):
    service = FakeService(Response(
        query="chemo mouth sores what to do",
        answer=Answer("Mouth sores", "What can help", "/side-effects/mouth-sores/#what-can-help",
                      "Rinse your mouth with salt water four times a day."),
        results=[MOUTH, CHEMO], total=42, pages=5,
        facets={"side_effect": 30, "treatment": 12},
    ))
    monkeypatch.setattr(views, "_service", lambda: service)
    return service


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def main(response):
    return soup(response).select_one("main")


# --- the page ---------------------------------------------------------------------------

def test_an_empty_search_shows_the_search_box_only(client, fake):
    response = client.get(PAGE)
    assert response.status_code == 200
    page = main(response)
    form = page.select_one("form[role=search]")
    assert form.select_one("label[for=search-page-q]").get_text(strip=True) == "What would you like to know?"
    assert page.select("ol.search-results") == [] and page.select(".error-summary") == []
    assert fake.calls == []
    assert client.get(PAGE, {"q": "   "}).status_code == 200 and fake.calls == []


def test_the_answer_comes_first_then_results_with_section_and_highlighted_snippet(client, fake):
    response = client.get(PAGE, {"q": "chemo mouth sores what to do"})
    assert response.status_code == 200
    page = main(response)
    assert page.select_one("h1").get_text() == "Search results for “chemo mouth sores what to do”"
    answer = page.select_one(".search-answer")
    assert answer.select_one("h2").get_text() == "Answer"
    assert "Rinse your mouth with salt water four times a day." in answer.get_text()
    link = answer.select_one("a")
    assert link.get_text() == "Read more: Mouth sores – What can help"
    assert link["href"] == "/side-effects/mouth-sores/#what-can-help"
    # The answer box is before the results in reading order.
    html = str(page)
    assert html.index("search-answer") < html.index("search-results")
    items = page.select("ol.search-results > li")
    assert [li.select_one("h3 a").get_text() for li in items] == [
        "Mouth sores – What can help", "Chemotherapy – Side effects"]
    assert items[0].select_one("h3 a")["href"] == "/side-effects/mouth-sores/#what-can-help"
    snippet = items[0].select_one(".search-result__snippet")
    assert [m.get_text() for m in snippet.select("mark")] == ["mouth"]
    # Escaped text stays text: no element is made from it.
    assert snippet.get_text() == "Rinse your mouth with salt water <not mouthwash>."
    assert snippet.select("not") == []
    assert page.select_one("#results-title").get_text() == "42 results"
    assert fake.calls == [{"query": "chemo mouth sores what to do", "page": 1, "kind": None}]


def test_a_glossary_answer_shows_the_definition(client, fake):
    fake.response.answer = Answer("Biopsy", "", "/glossary/biopsy/",
                                  "Taking a small piece of tissue to look at it under a microscope.", "glossary")
    answer = main(client.get(PAGE, {"q": "what is a biopsy"})).select_one(".search-answer")
    assert answer.select_one("dfn").get_text() == "Biopsy"
    assert "small piece of tissue" in answer.get_text()
    assert answer.select_one("a").get_text() == "Read more: Biopsy"


def test_did_you_mean_links_to_the_corrected_search(client, fake):
    fake.response.corrected_query = "leukemia"
    page = main(client.get(PAGE, {"q": "leukimia"}))
    correction = page.select_one(".search-correction")
    assert correction.get_text(" ", strip=True) == "Did you mean leukemia ?"
    assert correction.select_one("a")["href"] == "?q=leukemia"


def test_facets_link_to_each_kind_with_counts_and_mark_the_current_one(client, fake):
    page = main(client.get(PAGE, {"q": "mouth sores"}))
    links = page.select(".search-facets a")
    assert [a.get_text() for a in links] == ["All results (42)", "Treatments (12)", "Side effects (30)"]
    assert links[0]["aria-current"] == "page" and not links[1].has_attr("aria-current")
    assert links[2]["href"] == "?q=mouth+sores&kind=side_effect"

    page = main(client.get(PAGE, {"q": "mouth sores", "kind": "side_effect"}))
    current = page.select_one(".search-facets a[aria-current]")
    assert current.get_text() == "Side effects (30)"
    assert fake.calls[-1]["kind"] == "side_effect"
    assert "in Side effects" in page.select_one("#results-title").get_text()
    # The search box keeps the chosen kind when the words change.
    assert page.select_one("form[role=search] input[name=kind]")["value"] == "side_effect"


def test_an_unknown_kind_shows_every_kind(client, fake):
    assert client.get(PAGE, {"q": "mouth", "kind": "nonsense"}).status_code == 200
    assert fake.calls[-1]["kind"] is None


def test_pagination_has_prev_and_next_links_and_says_where_you_are(client, fake):
    page = main(client.get(PAGE, {"q": "mouth sores", "kind": "side_effect", "page": "2"}))
    nav = page.select_one("nav.pagination")
    assert "Page 2 of 5" in nav.get_text()
    assert nav.select_one("a[rel=prev]")["href"] == "?q=mouth+sores&kind=side_effect"
    assert nav.select_one("a[rel=next]")["href"] == "?q=mouth+sores&kind=side_effect&page=3"
    assert page.select_one("ol.search-results")["start"] == "11"
    assert fake.calls[-1]["page"] == 2

    last = main(client.get(PAGE, {"q": "mouth sores", "page": "5"})).select_one("nav.pagination")
    assert last.select("a[rel=next]") == [] and "Page 5 of 5" in last.get_text()


@pytest.mark.parametrize("raw", ["0", "-1", "abc", "1.5", "99999999999999999999", "²"])
def test_a_broken_page_number_shows_the_first_page(client, fake, raw):
    assert client.get(PAGE, {"q": "mouth", "page": raw}).status_code == 200
    assert fake.calls[-1]["page"] == 1


def test_a_page_past_the_last_says_so_and_links_to_the_first(client, fake):
    fake.response.results = []
    page = main(client.get(PAGE, {"q": "mouth sores", "page": "9"}))
    assert "There are no results on page 9." in page.get_text()
    assert page.find("a", string="Go to the first page of results")["href"] == "?q=mouth+sores"
    assert ZeroResultQuery.objects.count() == 0


def test_no_results_suggests_what_to_do_and_is_counted_for_editors(client, fake):
    from careguide.core.models import OrganizationSettings

    fake.response = Response(query="zzkq blorp")
    response = client.get(PAGE, {"q": "  ZZKQ   Blorp "})
    assert response.status_code == 200
    page = main(response)
    none = page.select_one(".search-none")
    assert none.select_one("h2").get_text() == "No results for “ZZKQ   Blorp”"
    assert none.find("a", string="glossary")["href"] == "/glossary/"
    browse = [a.get_text() for a in none.select("h3 + ul a")]
    assert "Cancer types we treat" in browse and "Treatments" in browse
    org = OrganizationSettings.objects.first()
    assert org.care_team_phone in none.get_text()
    assert none.select_one('a[href^="tel:"]').get_text() == org.care_team_phone
    assert page.select(".search-facets") == []

    client.get(PAGE, {"q": "zzkq blorp"})
    row = ZeroResultQuery.objects.get()
    assert (row.query, row.count) == ("zzkq blorp", 2)


def test_nothing_in_one_kind_is_not_a_zero_result_search(client, fake):
    fake.response = Response(query="biopsy", total=0, pages=0, facets={"glossary": 3})
    page = main(client.get(PAGE, {"q": "biopsy", "kind": "tool"}))
    assert "Nothing in Tools matches." in page.get_text()
    assert page.find("a", string="Show all results")["href"] == "?q=biopsy"
    assert ZeroResultQuery.objects.count() == 0


def test_an_oversized_query_is_a_clear_error_not_a_search(client, fake):
    response = client.get(PAGE, {"q": "a" * 201})
    assert response.status_code == 400
    page = main(response)
    summary = page.select_one(".error-summary")
    assert summary["role"] == "alert"
    assert summary.select_one("a").get_text() == "Your search is too long. Use 200 characters or fewer."
    assert summary.select_one("a")["href"] == "#search-page-q"
    box = page.select_one("#search-page-q")
    assert box["aria-invalid"] == "true" and "search-page-q-error" in box["aria-describedby"]
    assert fake.calls == [] and ZeroResultQuery.objects.count() == 0
    assert client.get(PAGE, {"q": "a" * 200}).status_code == 200


def test_a_query_the_service_refuses_is_shown_as_an_error(client, fake):
    fake.error = QueryError("Enter some words to search for.")
    response = client.get(PAGE, {"q": "?!"})
    assert response.status_code == 400
    assert "Enter some words to search for." in main(response).select_one(".error-summary").get_text()


def test_a_broken_index_is_a_503_page_that_never_logs_the_query(client, fake, caplog):
    fake.error = OperationalError("no such table: search_fts")
    response = client.get(PAGE, {"q": "my lump hurts"})
    assert response.status_code == 503
    assert "Search is not working right now" in main(response).get_text()
    assert "lump" not in caplog.text


@pytest.mark.parametrize("params", [{}, {"q": "mouth"}, {"q": "x" * 300}])
def test_the_page_is_never_cached(client, fake, params):
    control = client.get(PAGE, params)["Cache-Control"]
    assert "private" in control and "no-store" in control


# --- the JSON API -----------------------------------------------------------------------

def test_api_returns_answer_results_and_paging(client, fake):
    response = client.get(API, {"q": "chemo mouth sores what to do", "page": "2"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    data = response.json()
    assert data["answer"] == {"title": "Mouth sores", "heading": "What can help",
                              "url": "/side-effects/mouth-sores/#what-can-help",
                              "text": "Rinse your mouth with salt water four times a day.", "kind": "section"}
    assert data["results"][0] == {
        "title": "Mouth sores", "heading": "What can help", "url": "/side-effects/mouth-sores/#what-can-help",
        "snippet": "Rinse your mouth with salt water <not mouthwash>.",
        "snippet_html": "Rinse your <mark>mouth</mark> with salt water &lt;not mouthwash&gt;.",
        "score": 7.5, "kind": "side_effect",
    }
    assert (data["total"], data["page"], data["pages"]) == (42, 2, 5)
    assert data["corrected_query"] is None
    assert data["facets"] == {"side_effect": 30, "treatment": 12}
    assert fake.calls == [{"query": "chemo mouth sores what to do", "page": 2, "kind": None}]


def test_api_passes_kind_and_the_correction(client, fake):
    fake.response.corrected_query = "leukemia"
    data = client.get(API, {"q": "leukimia", "kind": "condition"}).json()
    assert data["corrected_query"] == "leukemia" and fake.calls[-1]["kind"] == "condition"


@pytest.mark.parametrize("params, field_name, message", [
    ({}, "q", "Enter a word or a question to search for."),
    ({"q": "   "}, "q", "Enter a word or a question to search for."),
    ({"q": "a" * 201}, "q", "Your search is too long. Use 200 characters or fewer."),
    ({"q": "mouth", "page": "0"}, "page", "page must be a whole number from 1 to 1000"),
    ({"q": "mouth", "page": "two"}, "page", "page must be a whole number from 1 to 1000"),
    ({"q": "mouth", "page": "1001"}, "page", "page must be a whole number from 1 to 1000"),
    ({"q": "mouth", "kind": "videos"}, "kind",
     "kind must be one of: condition, treatment, side_effect, glossary, tool, page"),
])
def test_api_refuses_bad_input_with_a_400_naming_the_field(client, fake, params, field_name, message):
    response = client.get(API, params)
    assert response.status_code == 400
    assert response.json() == {"errors": [{"field": field_name, "message": message}]}
    assert fake.calls == []


def test_api_reports_every_problem_at_once(client, fake):
    errors = client.get(API, {"page": "-3"}).json()["errors"]
    assert [e["field"] for e in errors] == ["q", "page"]


def test_api_page_past_the_last_is_200_with_no_results(client, fake):
    fake.response.results = []
    response = client.get(API, {"q": "mouth sores", "page": "9"})
    assert response.status_code == 200
    data = response.json()
    assert (data["results"], data["page"], data["pages"], data["total"]) == ([], 9, 5, 42)


def test_api_service_errors_are_json(client, fake):
    fake.error = QueryError("Enter some words to search for.")
    response = client.get(API, {"q": "?!"})
    assert response.status_code == 400
    assert response.json() == {"errors": [{"field": "q", "message": "Enter some words to search for."}]}
    fake.error = OperationalError("fts5: syntax error")
    response = client.get(API, {"q": "mouth"})
    assert response.status_code == 503 and response.json()["errors"][0]["field"] == "(search)"


def test_api_is_get_only(client, fake):
    response = client.post(API, {"q": "mouth"})
    assert response.status_code == 405 and response["Allow"] == "GET, HEAD"
    assert response.json()["errors"][0]["field"] == "(method)"


def test_api_counts_zero_result_queries(client, fake):
    fake.response = Response(query="qqq")
    data = client.get(API, {"q": "QQQ  zzz"}).json()
    assert data == {"query": "QQQ  zzz", "answer": None, "results": [], "total": 0, "page": 1, "pages": 0,
                    "per_page": 10, "corrected_query": None, "facets": {}, "crisis": None}
    assert ZeroResultQuery.objects.get().query == "qqq zzz"


# --- recording zero-result queries ------------------------------------------------------

def test_normalise_lowercases_collapses_spaces_and_caps_length():
    assert zero.normalise("  Bone\tMETS \n now ") == "bone mets now"
    assert zero.normalise("x" * 500) == "x" * 200
    assert zero.normalise(" \n ") == ""


def test_record_counts_and_keeps_first_and_last_seen():
    with time_machine.travel(dt.datetime(2025, 3, 1, 9, 0, tzinfo=dt.UTC), tick=False):
        zero.record("Bone mets")
    with time_machine.travel(dt.datetime(2025, 3, 4, 9, 0, tzinfo=dt.UTC), tick=False):
        zero.record("bone   METS")
        zero.record("   ")
    row = ZeroResultQuery.objects.get()
    assert (row.query, row.count) == ("bone mets", 2)
    assert row.first_seen.date() == dt.date(2025, 3, 1) and row.last_seen.date() == dt.date(2025, 3, 4)


def test_only_the_words_are_kept_never_who_searched(client, fake, editor):
    # The model has no place for a person: adding one must be a deliberate change here.
    assert {f.name for f in ZeroResultQuery._meta.get_fields()} == {"id", "query", "count", "first_seen",
                                                                     "last_seen"}
    fake.response = Response(query="x")
    client.force_login(editor)
    client.get(PAGE, {"q": "nothing here at all"}, REMOTE_ADDR="203.0.113.9")
    row = ZeroResultQuery.objects.values().get()
    assert "203.0.113.9" not in json.dumps(row, default=str) and editor.username not in json.dumps(row, default=str)


def test_a_failed_write_never_breaks_the_search(client, fake, monkeypatch, caplog):
    def broken(**kwargs):
        raise OperationalError("database is locked")

    manager = SimpleNamespace(using=lambda alias: SimpleNamespace(update_or_create=broken))
    monkeypatch.setattr(zero, "ZeroResultQuery", SimpleNamespace(objects=manager))
    fake.response = Response(query="x")
    assert client.get(PAGE, {"q": "secret words"}).status_code == 200
    assert "could not record a zero-result search (OperationalError)" in caplog.text
    assert "secret" not in caplog.text


# --- the editors' report ----------------------------------------------------------------

REPORT = reverse("search_zero_results_report")


@pytest.fixture
def zero_rows():
    with time_machine.travel(dt.datetime(2025, 1, 2, 9, 0, tzinfo=dt.UTC), tick=False):
        for _ in range(3):
            zero.record("bone mets diet")
    with time_machine.travel(dt.datetime(2025, 2, 2, 9, 0, tzinfo=dt.UTC), tick=False):
        zero.record("acupuncture")


def report_rows(response):
    return [[td.get_text(" ", strip=True) for td in tr.select("td")]
            for tr in soup(response).select("main table tbody tr")]


@pytest.mark.parametrize("username", ["editor", "reviewer", "admin"])
def test_content_staff_see_the_report_sorted_by_count(client, zero_rows, username, person):
    client.force_login(person(username))
    response = client.get(REPORT)
    assert response.status_code == 200
    rows = report_rows(response)
    assert [row[:2] for row in rows] == [["bone mets diet", "3"], ["acupuncture", "1"]]
    headers = [th.get_text(" ", strip=True) for th in soup(response).select("main table thead th")]
    assert headers[:4] == ["Query", "Searches", "First seen", "Last seen"]
    # Sortable: by query, A to Z.
    rows = report_rows(client.get(REPORT, {"ordering": "query"}))
    assert [row[0] for row in rows] == ["acupuncture", "bone mets diet"]
    rows = report_rows(client.get(REPORT, {"ordering": "-last_seen"}))
    assert [row[0] for row in rows] == ["acupuncture", "bone mets diet"]
    # In the Reports menu.
    assert "Searches with no results" in client.get(reverse("wagtailadmin_home")).content.decode()


def test_the_report_exports_csv_for_editors(client, zero_rows, editor):
    client.force_login(editor)
    response = client.get(REPORT, {"export": "csv"})
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode() if response.streaming else response.content.decode()
    assert body.splitlines()[0].startswith("Query,Searches,First seen,Last seen")
    assert "bone mets diet,3" in body


def test_care_team_staff_and_patients_cannot_see_the_report(client, zero_rows):
    assert client.get(REPORT).status_code == 302  # to the admin sign-in
    nurse = NurseFactory()
    client.force_login(nurse)
    response = client.get(REPORT)
    assert response.status_code == 302 and b"bone mets diet" not in response.content


def test_an_admin_user_outside_the_content_roles_is_refused(client, zero_rows):
    from django.contrib.auth.models import Permission

    user = UserFactory(username="helper")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    response = client.get(REPORT)
    # Wagtail turns the refusal into a redirect to the dashboard with a message.
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert "Searches with no results" not in client.get(reverse("wagtailadmin_home")).content.decode()


# --- with the real service ----------------------------------------------------------------

def _real_service_or_skip():
    pytest.importorskip("careguide.search.service")
    from careguide.search import indexer

    indexer.rebuild()


def test_real_service_bone_cancer_page_first(client):
    _real_service_or_skip()
    data = client.get(API, {"q": "bone cancer"}).json()
    assert data["results"][0]["url"].startswith("/conditions/bone-cancer/")
    page = main(client.get(PAGE, {"q": "bone cancer"}))
    assert page.select_one("ol.search-results h3 a")["href"].startswith("/conditions/bone-cancer/")


def test_real_service_corrects_a_typo_and_finds_leukemia(client):
    _real_service_or_skip()
    data = client.get(API, {"q": "leukimia"}).json()
    assert data["corrected_query"] == "leukemia"
    assert any("leukemia" in hit["url"] for hit in data["results"][:3])


def test_real_service_answers_a_glossary_question(client):
    _real_service_or_skip()
    data = client.get(API, {"q": "what is a biopsy"}).json()
    assert data["answer"] is not None and data["answer"]["kind"] == "glossary"
    assert "biopsy" in data["answer"]["url"]


def test_real_service_nonsense_is_a_zero_result_and_never_a_500(client):
    _real_service_or_skip()
    for query in ["qwxzvb plorkt", '"unbalanced', "NEAR(a b)", "a OR AND", "*", "-", "ñandú ☃", "%_'"]:
        assert client.get(API, {"q": query}).status_code in (200, 400), query
        assert client.get(PAGE, {"q": query}).status_code in (200, 400), query
    assert ZeroResultQuery.objects.filter(query="qwxzvb plorkt").exists()

