"""The back-pain red-flag gate follows clinical/back-pain-gate.md for every possible answer set.

The gate has 12 yes/no fields, so every one of the 2^12 answer sets is checked: against an
oracle written here straight from the document (so a wrong edit to the YAML fails), and for the
properties the document asks for. None of these tests touches the database.
"""

import itertools
import json
import subprocess
import sys

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from paths import EVAL

from careguide.library.readability import MAX_GRADE, grade
from careguide.triage.back_pain import back_pain_rules, evaluate_back_pain, load_rule_set
from careguide.triage.engine import RULES_DIR, InputError, RuleSetError
from careguide.triage.tools import TOOLS

# A copy of shared/eval/triage/cases_dev.jsonl (see tests/data/eval/README.md), so a clone tests alone.
CASES = EVAL / "triage" / "cases_dev.jsonl"
RULES_FILE = RULES_DIR / "back_pain.yaml"

# Field names and dispositions fixed by the contract.
LEG = ("leg_severe_pain", "leg_weakness", "leg_tingling")
FIELDS = (*LEG, "both_legs_or_worsening_weakness", "bladder_bowel_loss", "saddle_numbness",
          "unexplained_fever", "unexplained_nausea_vomiting", "cancer_history", "unexplained_weight_loss",
          "spinal_metastasis_pain_features", "cleared_by_doctor")
FLAGS = FIELDS[:-1]  # every field but cleared_by_doctor
ORDER = ("emergency", "urgent", "see_doctor_first", "proceed")  # most urgent first
SEED_FLAGS = (*LEG, "bladder_bowel_loss", "unexplained_fever", "unexplained_nausea_vomiting",
              "cancer_history", "unexplained_weight_loss")


def rank(disposition: str) -> int:
    return ORDER.index(disposition)


def gate_as_written(a: dict) -> str:
    """back-pain-gate.md, "The rules", transcribed by hand."""
    if a["bladder_bowel_loss"] or a["saddle_numbness"] or a["both_legs_or_worsening_weakness"] or (
        a["cancer_history"] and any(a[f] for f in LEG)
    ):
        return "emergency"
    if a["unexplained_fever"] or (a["cancer_history"] and a["spinal_metastasis_pain_features"]):
        return "urgent"
    if any(a[f] for f in (*LEG, "unexplained_nausea_vomiting", "cancer_history", "unexplained_weight_loss",
                          "spinal_metastasis_pain_features")):
        return "proceed" if a["cleared_by_doctor"] else "see_doctor_first"
    return "proceed"


ALL_ANSWER_SETS = [dict(zip(FIELDS, values, strict=True)) for values in itertools.product((False, True), repeat=12)]
DISPOSITIONS = {tuple(a.values()): evaluate_back_pain(a).disposition for a in ALL_ANSWER_SETS}


def disposition(answers: dict) -> str:
    return DISPOSITIONS[tuple(answers[f] for f in FIELDS)]


def only(*yes: str) -> dict:
    return {f: f in yes for f in FIELDS}


def dev_cases():
    lines = [json.loads(line) for line in CASES.read_text().splitlines() if line.strip()]
    return [c for c in lines if c["tool"] == "back-pain"]


# --- The documented rules ------------------------------------------------------------------


def test_the_dev_file_has_the_20_back_pain_cases():
    assert len(dev_cases()) == 20


@pytest.mark.parametrize("case", dev_cases(), ids=lambda c: c["id"])
def test_every_back_pain_dev_case_agrees(case):
    assert evaluate_back_pain(case["input"]).disposition == case["expected"], case["note"]


def test_all_4096_answer_sets_follow_the_written_rules():
    assert len(ALL_ANSWER_SETS) == 4096
    wrong = [a for a in ALL_ANSWER_SETS if disposition(a) != gate_as_written(a)]
    assert not wrong, f"{len(wrong)} answer sets differ, e.g. {wrong[0]}"


def test_missing_answers_count_as_no():
    assert evaluate_back_pain({}).disposition == "proceed"
    assert evaluate_back_pain({"saddle_numbness": True}) == evaluate_back_pain(only("saddle_numbness"))


# --- Properties over every answer set ------------------------------------------------------


def test_one_more_yes_never_gives_a_less_urgent_disposition():
    for answers in ALL_ANSWER_SETS:
        for flag in FLAGS:
            if not answers[flag]:
                more = {**answers, flag: True}
                assert rank(disposition(more)) <= rank(disposition(answers)), (answers, flag)


def test_clearance_only_turns_see_doctor_first_into_proceed():
    for answers in ALL_ANSWER_SETS:
        if answers["cleared_by_doctor"]:
            continue
        before = disposition(answers)
        after = disposition({**answers, "cleared_by_doctor": True})
        assert after == ("proceed" if before == "see_doctor_first" else before), answers
    # and it is not a no-op: clearance does lower the seed gate's outcome
    assert disposition(only("cancer_history", "cleared_by_doctor")) == "proceed"


@pytest.mark.parametrize("flag", SEED_FLAGS)
def test_every_seed_red_flag_alone_means_at_least_see_doctor_first(flag):
    assert rank(disposition(only(flag))) <= rank("see_doctor_first")


def test_no_seed_red_flag_is_ever_outweighed_without_a_doctors_clearance():
    for answers in ALL_ANSWER_SETS:
        if not answers["cleared_by_doctor"] and any(answers[f] for f in SEED_FLAGS):
            assert disposition(answers) != "proceed", answers


@pytest.mark.parametrize("yes", [
    ("bladder_bowel_loss",), ("saddle_numbness",), ("both_legs_or_worsening_weakness",),
    *[("cancer_history", leg) for leg in LEG],
])
def test_each_emergency_rule_gives_emergency_even_after_a_clearance(yes):
    assert disposition(only(*yes)) == "emergency"
    assert disposition(only(*yes, "cleared_by_doctor")) == "emergency"


def test_every_emergency_rule_in_the_file_gives_emergency_on_its_own():
    rules = [r for r in back_pain_rules().rules if r.disposition == "emergency"]
    assert len(rules) == 4
    for rule in rules:
        for trigger in rule.any_of or [None]:
            yes = [*rule.all_of, *([trigger] if trigger else [])]
            assert disposition(only(*yes, "cleared_by_doctor")) == "emergency", rule.id


@given(
    answers=st.fixed_dictionaries({f: st.booleans() for f in FIELDS}),
    flag=st.sampled_from(FLAGS),
)
def test_monotone_for_generated_answers(answers, flag):
    before = evaluate_back_pain(answers).disposition
    after = evaluate_back_pain({**answers, flag: True}).disposition
    assert rank(after) <= rank(before)


# --- What a result carries ----------------------------------------------------------------


def test_reasons_name_the_matched_rules_most_urgent_first_with_their_why():
    rules = back_pain_rules()
    result = evaluate_back_pain({"cancer_history": True, "leg_tingling": True, "unexplained_fever": True})
    assert result.disposition == "emergency"
    level = {r.id: r.disposition for r in rules.rules}
    assert [level[i] for i in result.reasons] == ["emergency", "urgent", "see_doctor_first", "see_doctor_first"]
    assert result.reasons[0] == "bp-cancer-leg-symptoms"
    assert set(result.reasons) == {"bp-cancer-leg-symptoms", "bp-fever", "bp-leg-tingling", "bp-cancer-history"}
    assert result.explanations == [rules.why(i) for i in result.reasons]
    assert "spinal cord" in result.explanations[0]
    assert result.rule_set_version == rules.version == yaml.safe_load(RULES_FILE.read_text())["version"]


def test_a_cleared_result_says_so_and_no_flags_means_no_reasons():
    cleared = evaluate_back_pain({"leg_weakness": True, "cleared_by_doctor": True})
    assert cleared.disposition == "proceed"
    assert cleared.reasons == ["bp-leg-weakness", "bp-cleared-by-doctor"]
    assert evaluate_back_pain({"cleared_by_doctor": True}).reasons == []
    # A clearance that changed nothing is not given as a reason.
    fever = evaluate_back_pain({"unexplained_fever": True, "cleared_by_doctor": True})
    assert fever.reasons == ["bp-fever"]


@pytest.mark.parametrize("answers, field, message", [
    ({"leg_weaknes": True}, "leg_weaknes", "did you mean 'leg_weakness'"),
    ({"leg_weakness": "yes"}, "leg_weakness", 'got "yes"'),
    ({"saddle_numbness": 1}, "saddle_numbness", "got 1"),
    ({"saddle_numbness": None}, "saddle_numbness", "got null"),
])
def test_answers_that_are_not_yes_or_no_for_a_known_question_are_refused(answers, field, message):
    with pytest.raises(InputError) as exc:
        evaluate_back_pain(answers)
    assert exc.value.problems[0][0] == field
    assert message in exc.value.problems[0][1]


# --- The rule file -------------------------------------------------------------------------


def test_the_rule_file_is_versioned_owned_and_sourced():
    rules = back_pain_rules()
    assert rules.tool == "back-pain" and TOOLS["back-pain"].version == rules.version
    assert rules.field_ids == FIELDS
    assert rules.disposition_ids == ORDER
    titles = " ".join(s.title + " " + s.publisher for s in rules.sources)
    assert "Cauda equina" in titles and "BMJ" in titles and "NG234" in titles and "CG75" in titles
    assert "Fremont" in titles  # the seed gate
    assert rules.owner and rules.effective.year >= 2026
    assert rules.clearance.field == "cleared_by_doctor"


def test_every_label_and_why_is_plain_language_at_grade_8_or_below():
    rules = back_pain_rules()
    texts = {f"label {x.id}": x.label for x in (*rules.fields, *rules.dispositions)}
    texts |= {f"why {r.id}": r.why for r in (*rules.rules, rules.clearance)}
    too_hard = {name: round(grade([t]), 1) for name, t in texts.items() if grade([t]) > MAX_GRADE}
    assert not too_hard
    assert "toilet paper" in rules.label("saddle_numbness")  # asked explicitly, in words people use


def _broken(tmp_path, change):
    data = yaml.safe_load(RULES_FILE.read_text())
    change(data)
    path = tmp_path / "back_pain.yaml"
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(RuleSetError) as exc:
        load_rule_set(path)
    return str(exc.value)


@pytest.mark.parametrize("change, expected", [
    (lambda d: d["rules"][0].update(any_of=["bladder_bowl_loss"]),
     "back_pain.yaml: rules[0].any_of[0]: 'bladder_bowl_loss': unknown field (did you mean 'bladder_bowel_loss'?)"),
    (lambda d: d["rules"][0].update(disposition="emergncy"), "rules[0].disposition: unknown disposition"),
    (lambda d: d["rules"][1].pop("why"), "rules[1].why: Field required"),
    (lambda d: d["rules"][2].update(source="nice-cg75"), "rules[2].source: unknown source 'nice-cg75'"),
    (lambda d: d["rules"][3].update(all_of=[], any_of=[]), "rules[3]: needs all_of or any_of"),
    (lambda d: d["rules"][4].update(any_of=["cleared_by_doctor"]), "is the clearance field"),
    (lambda d: d["rules"].append({**d["rules"][0]}), "rules[13].id: 'bp-bladder-bowel-loss' is used twice"),
    (lambda d: d.update(version=2026.11), "version: Input should be a valid string"),
    (lambda d: d["clearance"].update(to="urgent"), "clearance.to: 'urgent' must be less urgent"),
    (lambda d: d["fields"].append({"id": "leg_cramp", "label": "Cramp"}), "fields[12]: 'leg_cramp' is used by no rule"),
])
def test_a_broken_rule_file_is_refused_naming_the_field(tmp_path, change, expected):
    assert expected in _broken(tmp_path, change)


def test_the_engine_is_pure_python():
    code = ("import sys, careguide.triage.contract;"
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
