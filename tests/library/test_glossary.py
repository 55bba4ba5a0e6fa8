"""Glossary terms are linked where pages use them, with a definition reachable without JS."""

import pytest
from bs4 import BeautifulSoup

from careguide.library.glossary import build_linker, link_terms
from careguide.library.models import GlossaryTerm

pytestmark = pytest.mark.django_db

LINKER = build_linker((("biopsy", ("Biopsy", "biopsies")), ("tumor", ("Tumor", "tumors"))))


def url(slug):
    return f"/glossary/{slug}/"


def test_first_use_of_each_term_is_linked_once():
    html = "<p>A biopsy finds tumors. Another biopsy later.</p>"
    out = link_terms(html, LINKER, url)
    assert out.count('href="/glossary/biopsy/"') == 1
    assert '<a class="glossary-link" href="/glossary/tumor/">tumors</a>' in out
    assert out.endswith("Another biopsy later.</p>")


def test_terms_in_headings_links_and_words_are_left_alone():
    html = '<h2>Biopsy</h2><p><a href="/x/">biopsy info</a> and biopsyish, then Biopsy.</p>'
    out = link_terms(html, LINKER, url)
    assert "<h2>Biopsy</h2>" in out and '<a href="/x/">biopsy info</a>' in out
    assert "biopsyish" in out
    assert '<a class="glossary-link" href="/glossary/biopsy/">Biopsy</a>.' in out


def test_library_pages_link_terms_to_pages_that_define_them_without_javascript(client):
    html = client.get("/about-cancer/diagnosis/").content.decode()
    soup = BeautifulSoup(html, "html.parser")
    link = soup.select_one("main a.glossary-link[href='/glossary/biopsy/']")
    assert link is not None
    term_page = client.get(link["href"])
    assert term_page.status_code == 200
    definition = GlossaryTerm.objects.get(slug="biopsy").definition
    assert definition in term_page.content.decode()


def test_glossary_page_lists_at_least_40_terms_a_to_z(client):
    assert GlossaryTerm.objects.count() >= 40
    soup = BeautifulSoup(client.get("/glossary/").content, "html.parser")
    assert len(soup.select("dl.glossary-list dt dfn")) == GlossaryTerm.objects.count()
    assert soup.select_one("#term-biopsy") is not None


def test_unknown_term_is_a_404(client):
    assert client.get("/glossary/no-such-term/").status_code == 404
    assert client.get("/side-effects/no-such-effect/").status_code == 404
