"""Editors' synonyms: the file, the loader, the cached map and the admin screen."""

from pathlib import Path

import pytest
from django.urls import reverse
from paths import CONTENT

from careguide.library.content.files import ContentError
from careguide.search.models import Synonym
from careguide.search.query import SynonymIndex, analyse
from careguide.search.synonyms import load_synonyms, parse_synonyms, synonym_map

SYNONYMS_FILE = CONTENT / "search" / "synonyms.yaml"

SMALL = """\
synonyms:
  - term: chemo
    equivalents: [chemotherapy]
  - term: bone mets
    equivalents: [bone metastasis, secondary bone cancer]
"""


def write(tmp_path, text: str) -> Path:
    path = tmp_path / "synonyms.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def no_synonyms(db):
    Synonym.objects.all().delete()


# --- the file ------------------------------------------------------------------------------


def test_the_synonyms_file_is_valid_and_has_the_issues_words():
    specs = parse_synonyms(SYNONYMS_FILE.read_text(encoding="utf-8"))
    terms = {s.term.lower() for s in specs}
    required = {"all", "aml", "cll", "cml", "chemo", "rads", "radiotherapy", "imrt", "tki", "gvhd", "ph+",
                "bone mets", "blood cancer", "low white count", "low platelets", "low red count", "mets",
                "tumor", "onc", "picc", "port", "bmt", "sct", "stem cell", "lp", "spinal tap", "osteosarcoma",
                "ewing", "mouth sores", "hair loss", "tired", "sick to my stomach", "throwing up",
                "pins and needles", "spread", "survival", "cancer that spread to the bone"}
    assert required <= terms
    assert all(s.equivalents for s in specs)


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        (SMALL + "  - term: Chemo\n    equivalents: [chemo]\n", "line 6, synonyms[2].term",
         "duplicate term 'Chemo' (first at line 2)"),
        (SMALL + "  - term: onc\n    equivalents: []\n", "line 7, synonyms[2].equivalents",
         "must list at least one word or phrase"),
        (SMALL + "  - term: onc\n    equivalents: ''\n", "line 7, synonyms[2].equivalents[0]", "is empty"),
        (SMALL + "  - term: onc\n    equivalents: [oncologist, '']\n", "line 7, synonyms[2].equivalents[1]",
         "is empty"),
        (SMALL + "  - term: onc\n", "line 6, synonyms[2].equivalents", "is required"),
        (SMALL + "  - equivalents: [oncologist]\n", "line 6, synonyms[2].term", "is required"),
        (SMALL + "  - term: '  '\n    equivalents: [oncologist]\n", "line 6, synonyms[2].term", "is empty"),
        (SMALL + "  - term: onc\n    equivalents: ['oncologist, doctor']\n",
         "line 7, synonyms[2].equivalents[0]", "must not contain a comma: list each word or phrase on its own"),
        (SMALL + "  - term: onc\n    equivalent: [oncologist]\n", "line 7, synonyms[2].equivalent",
         "unknown field (use term, equivalents, note)"),
        (SMALL + "  - term: [onc]\n    equivalents: [oncologist]\n", "line 6, synonyms[2].term",
         "must be a single word or phrase"),
        (SMALL + "  - term: " + "x" * 81 + "\n    equivalents: [y]\n", "line 6, synonyms[2].term",
         "too long: at most 80 characters"),
        (SMALL + "  - just a string\n", "line 6, synonyms[2]", "must be a mapping with term and equivalents"),
        ("synonyms:\n  - term: chemo\n    equivalents: [chemotherapy\n", "line 4", None),
        ("- chemo\n", "(file)", "expected a mapping with a 'synonyms' list"),
        ("synonyms: chemo\n", "line 1, synonyms", "must be a list of {term, equivalents}"),
        ("synonym:\n  - term: chemo\n", "synonym", "unknown field (only 'synonyms' is allowed)"),
    ],
)
def test_mistakes_name_the_line_and_field(text, where, message):
    with pytest.raises(ContentError) as caught:
        parse_synonyms(text, "synonyms.yaml")
    assert caught.value.path == "synonyms.yaml"
    assert caught.value.field == where
    if message is None:
        assert caught.value.message.startswith("not valid YAML")
    else:
        assert caught.value.message == message


def test_values_are_read_as_written():
    # YAML would read NO as false and 1 as a number; a term is the text the editor wrote.
    specs = parse_synonyms("synonyms:\n  - term: NO\n    equivalents: nitric oxide, 1\n")
    assert specs[0].term == "NO"
    assert specs[0].equivalents == ("nitric oxide", "1")


# --- loading -------------------------------------------------------------------------------


def test_load_is_idempotent(no_synonyms, tmp_path):
    path = write(tmp_path, SMALL)
    first = load_synonyms(path)
    assert first.counts() == {"created": 2, "updated": 0, "unchanged": 0, "removed": 0, "kept": 0}
    assert load_synonyms(path).counts() == {"created": 0, "updated": 0, "unchanged": 2, "removed": 0, "kept": 0}
    assert dict(Synonym.objects.values_list("term", "equivalents")) == {
        "chemo": "chemotherapy", "bone mets": "bone metastasis, secondary bone cancer"}


def test_the_real_file_loads_twice_without_changes(no_synonyms):
    created = load_synonyms(SYNONYMS_FILE)
    assert created.counts()["created"] == len(parse_synonyms(SYNONYMS_FILE.read_text(encoding="utf-8")))
    again = load_synonyms(SYNONYMS_FILE)
    assert again.counts()["created"] == again.counts()["updated"] == 0
    assert "synonyms: 0 created, 0 updated" in again.summary()


def test_a_changed_file_updates_and_keeps_editors_terms(no_synonyms, tmp_path):
    load_synonyms(write(tmp_path, SMALL))
    Synonym.objects.create(term="onc", equivalents="oncologist")  # added in the admin
    Synonym.objects.filter(term="chemo").update(term="Chemo")  # renamed in the admin
    report = load_synonyms(write(tmp_path, SMALL.replace("[chemotherapy]", "[chemotherapy, chemo drugs]")))
    assert report.updated == ["chemo"]
    assert report.unchanged == ["bone mets"]
    assert Synonym.objects.get(term="chemo").equivalents == "chemotherapy, chemo drugs"
    assert Synonym.objects.filter(term="onc").exists()
    assert Synonym.objects.count() == 3


def test_an_editors_change_survives_loading_the_file_again(no_synonyms, tmp_path):
    load_synonyms(write(tmp_path, SMALL))
    chemo = Synonym.objects.get(term="chemo")
    chemo.equivalents = "chemotherapy, chemo drugs"  # an editor's change in the admin
    chemo.save()
    again = load_synonyms(write(tmp_path, SMALL))
    assert (again.kept, again.updated) == (["chemo"], [])
    assert "1 kept as edited in the admin" in again.summary()
    # The file changes the same term later: the editor's words still stand; other terms update.
    changed = SMALL.replace("[chemotherapy]", "[chemotherapy, anticancer drugs]").replace(
        "secondary bone cancer", "secondary bone cancer, bone metastases")
    report = load_synonyms(write(tmp_path, changed))
    assert (report.kept, report.updated) == (["chemo"], ["bone mets"])
    assert Synonym.objects.get(term="chemo").equivalents == "chemotherapy, chemo drugs"
    assert "bone metastases" in Synonym.objects.get(term="bone mets").equivalents


def test_a_term_an_editor_added_first_keeps_the_editors_words(no_synonyms, tmp_path):
    Synonym.objects.create(term="chemo", equivalents="chemotherapy, infusion")  # before the file had it
    report = load_synonyms(write(tmp_path, SMALL))
    assert report.kept == ["chemo"] and report.created == ["bone mets"]
    assert Synonym.objects.get(term="chemo").equivalents == "chemotherapy, infusion"


def test_prune_removes_terms_not_in_the_file(no_synonyms, tmp_path):
    Synonym.objects.create(term="onc", equivalents="oncologist")
    report = load_synonyms(write(tmp_path, SMALL), prune=True)
    assert report.removed == ["onc"]
    assert set(Synonym.objects.values_list("term", flat=True)) == {"chemo", "bone mets"}


def test_a_bad_file_changes_nothing(no_synonyms, tmp_path):
    Synonym.objects.create(term="onc", equivalents="oncologist")
    with pytest.raises(ContentError, match="line 6, synonyms\\[2\\].term"):
        load_synonyms(write(tmp_path, SMALL + "  - term: chemo\n    equivalents: [x]\n"), prune=True)
    assert list(Synonym.objects.values_list("term", flat=True)) == ["onc"]


def test_a_missing_file_is_a_clear_error(db, tmp_path):
    with pytest.raises(ContentError, match="required file is missing"):
        load_synonyms(tmp_path / "nope.yaml")


# --- the cached map ------------------------------------------------------------------------


def test_synonym_map_is_cached_until_a_synonym_changes(no_synonyms, django_assert_num_queries):
    chemo = Synonym.objects.create(term="chemo", equivalents="chemotherapy")
    first = synonym_map()
    assert isinstance(first, SynonymIndex)
    assert first == {"chemo": ["chemotherapy"]}
    with django_assert_num_queries(0):
        assert synonym_map() is first

    chemo.equivalents = "chemotherapy, chemo drugs"
    chemo.save()
    assert synonym_map() == {"chemo": ["chemotherapy", "chemo drugs"]}

    Synonym.objects.create(term="rads", equivalents="radiation therapy")
    assert set(synonym_map()) == {"chemo", "rads"}

    chemo.delete()
    assert synonym_map() == {"rads": ["radiation therapy"]}
    assert synonym_map(using="default") == {"rads": ["radiation therapy"]}


def test_synonym_map_feeds_analyse(no_synonyms, tmp_path):
    load_synonyms(write(tmp_path, SMALL))
    a = analyse("chemo for bone mets", synonyms=synonym_map(), vocabulary={"chemotherapy", "bone"})
    assert a.groups == [["chemo", "chemotherapy"], ["bone mets", "bone metastasis", "secondary bone cancer"]]


# --- the admin screen ---------------------------------------------------------------------


def test_admin_lists_and_searches_synonyms(client, admin_user, no_synonyms):
    Synonym.objects.create(term="chemo", equivalents="chemotherapy")
    Synonym.objects.create(term="rads", equivalents="radiation therapy")
    client.force_login(admin_user)
    listing = client.get(reverse("wagtailsnippets_careguide_search_synonym:list"))
    assert listing.status_code == 200
    assert "chemo" in listing.content.decode() and "rads" in listing.content.decode()
    found = client.get(reverse("wagtailsnippets_careguide_search_synonym:list"), {"q": "radiation"})
    assert found.status_code == 200
    body = found.content.decode()
    assert "radiation therapy" in body and "chemotherapy" not in body


def test_admin_add_refreshes_the_map(client, admin_user, no_synonyms):
    assert synonym_map() == {}
    client.force_login(admin_user)
    response = client.post(reverse("wagtailsnippets_careguide_search_synonym:add"),
                           {"term": "onc", "equivalents": "oncologist"})
    assert response.status_code == 302
    assert synonym_map() == {"onc": ["oncologist"]}
