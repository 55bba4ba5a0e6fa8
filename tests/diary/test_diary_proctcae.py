"""PRO-CTCAE reference data and composite grading (pure: no database).

The whole published grading table is checked row by row against ``composite_grade``, for every
term whose item has that row's attribute combination."""

import csv

import pytest
from paths import REPO

from careguide.diary import proctcae, wording

SHARED = REPO / "careguide" / "diary" / "data"
TABLE_ROWS = list(csv.DictReader((SHARED / "proctcae_composite_grading_table.csv").open(encoding="utf-8")))


def _terms_with_rank(rank: int) -> list[str]:
    return [t.name for t in proctcae.terms().values() if t.rank == rank]


def _value(text: str):
    return int(text) if text.strip() else None


def test_the_library_has_every_item_and_term():
    terms = proctcae.terms()
    assert len(terms) == 80
    assert sum(len(t.items) for t in terms.values()) == 124
    assert terms["Nausea"].attributes == ("frequency", "severity")
    assert terms["Pain"].attributes == ("frequency", "severity", "interference")
    assert terms["Rash"].attributes == ("presence",)
    assert terms["Hair Loss"].attributes == ("amount",)
    assert terms["Nausea"].item("frequency").options[4] == "Almost constantly"


def test_the_table_has_179_rows_over_seven_combinations():
    assert len(TABLE_ROWS) == 179
    assert {int(r["combination_rank"]) for r in TABLE_ROWS} == set(range(1, 8))
    for rank in range(1, 8):
        assert _terms_with_rank(rank), f"no term graded with combination {rank}"


def _row_id(r):
    return f"r{r['combination_rank']}-{r['frequency']}{r['severity']}{r['interference']}"


@pytest.mark.parametrize("row", TABLE_ROWS, ids=_row_id)
def test_every_row_of_the_grading_table(row):
    rank = int(row["combination_rank"])
    expected = int(row["composite_grade"])
    for name in _terms_with_rank(rank):
        got = proctcae.composite_grade(
            name, frequency=_value(row["frequency"]), severity=_value(row["severity"]),
            interference=_value(row["interference"]),
        )
        assert got == expected, f"{name}: {row}"


def test_a_few_rows_by_hand():
    # Read straight from the published table, so a loader bug cannot agree with itself.
    assert proctcae.composite_grade("Nausea", frequency=3, severity=3) == 3
    assert proctcae.composite_grade("Nausea", frequency=4, severity=0) == 1
    assert proctcae.composite_grade("Pain", frequency=1, severity=0, interference=0) == 0
    assert proctcae.composite_grade("Pain", frequency=1, severity=2, interference=4) == 3
    assert proctcae.composite_grade("Fatigue", severity=4, interference=1) == 2
    assert proctcae.composite_grade("Diarrhea", frequency=2) == 1
    assert proctcae.composite_grade("Constipation", severity=4) == 3
    assert proctcae.composite_grade("Hair Loss", interference=4) == 2  # amount, graded as "int"


def test_follow_up_questions_may_be_skipped_after_a_zero():
    assert proctcae.composite_grade("Pain", frequency=0) == 0
    assert proctcae.composite_grade("Fatigue", severity=0) == 0
    assert proctcae.composite_grade("Nausea", frequency=0, severity=None) == 0


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: proctcae.composite_grade("Nausea", frequency=1, interference=2),
         "Nausea has no interference question (it has frequency and severity)"),
        (lambda: proctcae.composite_grade("Diarrhea", frequency=2, severity=1),
         "Diarrhea has no severity question (it has frequency)"),
        (lambda: proctcae.composite_grade("Nausea", frequency=2), "Nausea needs a severity answer"),
        (lambda: proctcae.composite_grade("Nausea", severity=2), "Nausea needs a frequency answer"),
        (lambda: proctcae.composite_grade("Nausea", frequency=5, severity=1),
         "Nausea frequency: expected a whole number from 0 to 4, got 5"),
        (lambda: proctcae.composite_grade("Nausea", frequency=True, severity=1),
         "Nausea frequency: expected a whole number from 0 to 4, got True"),
        (lambda: proctcae.composite_grade("Nausea", frequency=0, severity=2),
         "Nausea: frequency 0, severity 2 is not in the grading table"),
        (lambda: proctcae.composite_grade("Rash"), "Rash is a yes/no (presence) item"),
        (lambda: proctcae.composite_grade("Nausia", frequency=1, severity=1),
         "'Nausia' is not a PRO-CTCAE symptom term (did you mean 'Nausea'?)"),
    ],
)
def test_answers_the_table_does_not_cover_give_a_clear_error(call, message):
    with pytest.raises(proctcae.ProCtcaeError) as info:
        call()
    assert message in str(info.value)


def test_every_trackable_term_is_a_real_term_with_our_own_question_for_each_attribute():
    for name, words in wording.TRACKABLE.items():
        term = proctcae.term(name)
        assert set(words.questions) == set(term.attributes), name
        for attribute, question in words.questions.items():
            # Our wording, not NCI's: theirs names the attribute with their response words.
            assert question.endswith("?")
            assert "grade" not in question.lower()
            for option in term.item(attribute).options[1:]:
                assert option.lower() not in question.lower() or option in ("Yes",), (name, option)
    assert set(wording.DEFAULT_TERMS) <= set(wording.TRACKABLE)
    assert len(wording.DEFAULT_TERMS) == 10
