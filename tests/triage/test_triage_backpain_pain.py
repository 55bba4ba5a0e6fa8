"""The back-pain program's check-in pain score, read by the rules (rules/back_pain.yaml,
check_in_pain) and never by a view: severe pain is "high" (the care team is told), a big rise is
"worse". Every pair of scores is checked against a reading written here by hand, and the
properties hold for any scores. No database."""

import re

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from careguide.library.readability import MAX_GRADE, grade
from careguide.triage.back_pain import PAIN_LEVELS, assess_back_pain_check_in, back_pain_rules, load_rule_set
from careguide.triage.engine import RULES_DIR, InputError, RuleSetError

SCORES = range(0, 11)
PREVIOUS = [None, *SCORES]
# Severe pain on a 0-10 scale is 7 to 10 (Serlin 1995); a change of 2 points matters (Farrar 2001).
SEVERE_FROM, RISE_THAT_MATTERS = 7, 2


def level_as_written(pain, previous):
    if pain >= SEVERE_FROM:
        return "high"
    if previous is not None and pain - previous >= RISE_THAT_MATTERS:
        return "worse"
    return "steady"


def rank(level):
    return PAIN_LEVELS.index(level)  # 0 is the most urgent


@pytest.mark.parametrize("previous", PREVIOUS)
def test_every_score_gets_the_level_the_rules_say(previous):
    for pain in SCORES:
        result = assess_back_pain_check_in(pain, previous)
        assert result.disposition == level_as_written(pain, previous), (pain, previous)
        assert result.rule_set_version == back_pain_rules().version
        assert bool(result.reasons) == (result.disposition != "steady")


@given(st.sampled_from(PREVIOUS), st.integers(0, 10), st.integers(0, 10))
def test_more_pain_is_never_less_urgent(previous, a, b):
    low, high = sorted((a, b))
    assert rank(assess_back_pain_check_in(high, previous).disposition) <= \
        rank(assess_back_pain_check_in(low, previous).disposition)


@given(st.integers(0, 10), st.integers(0, 10), st.integers(0, 10))
def test_a_lower_score_last_week_is_never_less_urgent(pain, a, b):
    lower, higher = sorted((a, b))
    assert rank(assess_back_pain_check_in(pain, lower).disposition) <= \
        rank(assess_back_pain_check_in(pain, higher).disposition)
    # With no earlier check-in nothing can be "worse", and high does not depend on the past.
    assert assess_back_pain_check_in(pain, None).disposition in ("high", "steady")


def test_the_threshold_is_written_once_with_its_source_and_the_words_match_it():
    rules = back_pain_rules()
    pain = rules.check_in_pain
    assert (pain.high.at_least, pain.worse.rise_of) == (SEVERE_FROM, RISE_THAT_MATTERS)
    sources = {s.id: s for s in rules.sources}
    assert "Serlin" in sources[pain.high.source].title and "Farrar" in sources[pain.worse.source].title
    # The sentences people read say the same numbers as the data.
    assert re.search(rf"\b{pain.high.at_least} or more out of 10\b", pain.high.why)
    assert re.search(rf"\b{pain.worse.rise_of} or more points\b", pain.worse.why)
    assert all(grade([p.why]) <= MAX_GRADE for p in (pain.high, pain.worse))
    assert rules.why("bp-pain-high") == pain.high.why


@pytest.mark.parametrize(("pain", "previous", "field"), [
    (11, None, "pain"), (-1, None, "pain"), ("7", None, "pain"), (True, None, "pain"), (7.5, None, "pain"),
    (3, 12, "previous"),
])
def test_a_score_outside_0_to_10_is_refused_naming_it(pain, previous, field):
    with pytest.raises(InputError) as exc:
        assess_back_pain_check_in(pain, previous)
    assert exc.value.problems[0][0] == field


@pytest.mark.parametrize(("change", "expected"), [
    (lambda d: d["check_in_pain"]["high"].update(at_least=11), "check_in_pain.high.at_least"),
    (lambda d: d["check_in_pain"]["worse"].update(source="nobody"), "check_in_pain.worse.source: unknown source"),
    (lambda d: d["check_in_pain"]["high"].pop("why"), "check_in_pain.high.why: Field required"),
])
def test_a_broken_pain_rule_is_refused_naming_the_field(tmp_path, change, expected):
    data = yaml.safe_load((RULES_DIR / "back_pain.yaml").read_text())
    change(data)
    path = tmp_path / "back_pain.yaml"
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(RuleSetError) as exc:
        load_rule_set(path)
    assert expected in str(exc.value)
