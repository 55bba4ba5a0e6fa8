"""The diary -> side-effect triage crosswalk (pure, no database): every trackable symptom is
accounted for, grades map as the YAML says, and adding a symptom can only raise the triage."""

import pytest

from careguide.diary import crosswalk, proctcae, wording
from careguide.diary.crosswalk import DiaryAnswers, to_contract

NO_CONTEXT = {"on_sact": False, "immunosuppressed": False, "ici": False}


def symptoms(**kwargs):
    return to_contract(DiaryAnswers(**kwargs), NO_CONTEXT)["symptoms"]


def test_every_trackable_symptom_is_mapped_or_listed_as_outside_the_contract():
    cw = crosswalk.crosswalk()
    for term in wording.TRACKABLE:
        assert cw.covers(term), f"{term} is not in triage_crosswalk.yaml"
    for term in cw.not_in_contract:
        assert not cw.contract_fields(term)


def test_every_default_symptom_reaches_a_contract_field():
    cw = crosswalk.crosswalk()
    expected = {
        "Nausea": {"nausea"}, "Vomiting": {"vomiting_per_24h"}, "Diarrhea": {"diarrhoea_extra_stools"},
        "Constipation": {"constipation_hours"}, "Mouth or Throat Sores": {"mouth"}, "Fatigue": {"fatigue"},
        "Decreased Appetite": {"appetite"}, "Pain": {"pain"}, "Numbness/Tingling in Hands/Feet": {"nerve"},
    }
    for term, fields in expected.items():
        assert cw.contract_fields(term) == fields, term
    assert "Rash" in cw.presence


@pytest.mark.parametrize("grade", range(4))
def test_composite_grades_map_onto_contract_grades(grade):
    assert symptoms(grades={"Nausea": grade})["nausea"] == grade
    assert symptoms(grades={"Mouth or Throat Sores": grade})["mouth"] == grade
    assert symptoms(grades={"Fatigue": grade})["fatigue"] == grade
    assert symptoms(grades={"Decreased Appetite": grade})["appetite"] == grade
    assert symptoms(grades={"Pain": grade})["pain"] == grade
    assert symptoms(grades={"Numbness/Tingling in Hands/Feet": grade})["nerve"] == grade
    # The contract's eye scale stops at 2: anything beyond mild is the top (red) band.
    assert symptoms(grades={"Blurry Vision": grade})["eye"] == min(grade, 2)


def test_several_terms_feeding_one_field_keep_the_highest():
    assert symptoms(grades={"Pain": 1, "Headache": 3, "Aching Joints": 2})["pain"] == 3
    assert symptoms(grades={"Mouth or Throat Sores": 1, "Difficulty Swallowing": 2})["mouth"] == 2


def test_terms_outside_the_contract_add_nothing():
    assert symptoms(grades={"Hair Loss": 2, "Insomnia": 3, "Anxiety": 3}) == {}


def test_chills_count_as_feeling_unwell():
    assert symptoms(grades={"Chills": 0}).get("generally_unwell") is None
    assert symptoms(grades={"Chills": 1})["generally_unwell"] is True


def test_rash_follow_ups_and_an_unknown_size_counts_as_large():
    assert symptoms(present={"Rash": False}) == {}
    small = symptoms(present={"Rash": True}, asked={"rash_extent": "small"})
    assert small["skin_percent"] == 5
    assert symptoms(present={"Rash": True}, asked={"rash_extent": "large"})["skin_percent"] == 10
    assert symptoms(present={"Rash": True}, asked={"rash_extent": "not_sure"})["skin_percent"] == 10
    assert symptoms(present={"Rash": True}, asked={})["skin_percent"] == 10
    severe = symptoms(present={"Rash": True}, asked={"rash_extent": "small", "skin_severe": True})
    assert severe["skin_severe"] is True


def test_counts_and_safety_answers_pass_through():
    got = to_contract(
        DiaryAnswers(
            asked={"vomiting_per_24h": 4, "diarrhoea_extra_stools": 2, "diarrhoea_severe": True,
                   "constipation_hours": 0},
            safety={"temperature_c": 38.1, "chest_pain": True, "bleeding": 2, "saddle_numbness": False},
            antidiarrhoeal_failed=True,
        ),
        {"on_sact": True, "ici": True},
    )
    assert got["context"] == {"on_sact": True, "immunosuppressed": False, "ici": True, "antidiarrhoeal_failed": True}
    s = got["symptoms"]
    assert (s["vomiting_per_24h"], s["diarrhoea_extra_stools"], s["constipation_hours"]) == (4, 2, 0)
    assert s["diarrhoea_severe"] is True and s["chest_pain"] is True and s["bleeding"] == 2
    assert s["temperature_c"] == 38.1
    assert "saddle_numbness" not in s  # false is the contract's default: left out


def test_the_mapping_never_lowers_a_field_when_a_symptom_gets_worse():
    cw = crosswalk.crosswalk()
    for term in cw.grades:
        for grade in range(proctcae.MAX_GRADE):
            lower, higher = symptoms(grades={term: grade}), symptoms(grades={term: grade + 1})
            for name, value in lower.items():
                assert higher[name] >= value, (term, grade)


def test_the_real_rules_accept_every_mapped_grade():
    evaluate = pytest.importorskip("careguide.triage.side_effects").evaluate_side_effects
    cw = crosswalk.crosswalk()
    for term in [*cw.grades, *cw.flags]:
        for grade in range(proctcae.MAX_GRADE + 1):
            result = evaluate(to_contract(DiaryAnswers(grades={term: grade}), NO_CONTEXT))
            assert result.disposition in {"emergency", "red", "amber", "green"}
    assert evaluate(to_contract(DiaryAnswers(grades={"Nausea": 3}), NO_CONTEXT)).disposition == "red"
