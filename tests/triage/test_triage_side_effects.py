"""Side-effect triage follows clinical/side-effect-triage.md, for the examples at every boundary
and, through hypothesis, for any valid answer set: against an oracle written here straight from
the document (so a wrong edit to the YAML fails), and for the properties the document asks for
(a worse answer never lowers the result; any red or two ambers -> red). No database.
"""

import json
import math

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st
from paths import EVAL

from careguide.library.readability import MAX_GRADE, grade
from careguide.triage.contract import read_cases, split_lines
from careguide.triage.engine import RULES_DIR, InputError, RuleSetError
from careguide.triage.side_effects import (
    SIDE_EFFECTS,
    ParameterError,
    SideEffectsTool,
    evaluate_side_effects,
    side_effect_rules,
)
from careguide.triage.tools import TOOLS

CASES = EVAL / "triage" / "cases_dev.jsonl"
RULES_FILE = RULES_DIR / "side_effects.yaml"
ORDER = ("emergency", "red", "amber", "green")  # most urgent first, fixed by the contract

CONTEXT = ("on_sact", "immunosuppressed", "ici", "antidiarrhoeal_failed")
GRADES = {"breathlessness": 4, "bleeding": 2, "confusion": 4, "infection": 4, "fatigue": 4, "eye": 2,
          "mouth": 4, "appetite": 4, "nausea": 3, "urinary": 4, "pain": 4, "nerve": 4}
COUNTS = {"vomiting_per_24h": 100, "diarrhoea_extra_stools": 100, "constipation_hours": 2160}
FLAGS = ("generally_unwell", "chest_pain", "diarrhoea_night_or_cramping", "diarrhoea_severe",
         "skin_limits_activity", "skin_severe", "saddle_numbness", "bladder_bowel_loss")
# The contract's symptom groups and the fields each one reads.
GROUPS = {
    "temperature": ("temperature_c", "generally_unwell"), "breathlessness": ("breathlessness",),
    "chest_pain": ("chest_pain",), "bleeding": ("bleeding",), "confusion": ("confusion",),
    "infection": ("infection",), "fatigue": ("fatigue",), "eye": ("eye",), "mouth": ("mouth",),
    "appetite": ("appetite",), "nausea": ("nausea",), "vomiting": ("vomiting_per_24h",),
    "diarrhoea": ("diarrhoea_extra_stools", "diarrhoea_night_or_cramping", "diarrhoea_severe"),
    "constipation": ("constipation_hours",), "urinary": ("urinary",),
    "skin": ("skin_percent", "skin_limits_activity", "skin_severe"), "pain": ("pain",), "nerve": ("nerve",),
    "cord_compression": ("saddle_numbness", "bladder_bowel_loss"),
}


def rank(level: str) -> int:
    return ORDER.index(level)


def worst(*levels: str) -> str:
    return min(levels, key=rank)


# --- The document, transcribed by hand -----------------------------------------------------


def levels_as_written(context: dict, s: dict, fever_c: float = 37.5) -> dict[str, str]:
    """side-effect-triage.md, "Per symptom", one level per reported symptom. Grade 0, a count of
    0, false and missing are "none". The not-on-treatment temperature bands apply to everyone:
    with the default threshold they never change an on-treatment result, and with a raised
    threshold they keep an on-treatment result from ever being lower than an off-treatment one."""
    c = {k: context.get(k, False) for k in CONTEXT}
    on = c["on_sact"] or c["immunosuppressed"]
    out = {}

    def grade_map(field, mapping):
        value = s.get(field, 0)
        if value:
            out[field] = mapping[value]

    t, unwell = s.get("temperature_c"), s.get("generally_unwell", False)
    if t is not None or unwell:
        level = "green"
        if t is not None:
            if t > 38.0:
                level = "red"
            elif t >= 37.5 or t < 36.0:
                level = "amber"
        if on and (unwell or (t is not None and (t >= fever_c or t < 36.0))):
            level = "red"
        out["temperature"] = level
    grade_map("breathlessness", {1: "amber", 2: "red", 3: "red", 4: "emergency"})
    if s.get("chest_pain"):
        out["chest_pain"] = "emergency"
    grade_map("bleeding", {1: "amber", 2: "emergency"})
    grade_map("confusion", {1: "amber", 2: "red", 3: "emergency", 4: "emergency"})
    grade_map("infection", {1: "amber", 2: "red", 3: "red", 4: "emergency"})
    grade_map("fatigue", {1: "green", 2: "red" if c["ici"] else "amber", 3: "red", 4: "red"})
    grade_map("eye", {1: "amber", 2: "red"})
    grade_map("mouth", {1: "green", 2: "amber", 3: "red", 4: "red"})
    grade_map("appetite", {1: "green", 2: "amber", 3: "red", 4: "emergency"})
    grade_map("nausea", {1: "green", 2: "amber", 3: "red"})
    v = s.get("vomiting_per_24h", 0)
    if v:
        out["vomiting"] = "green" if v <= 2 else "amber" if v <= 5 else "red"
    d = s.get("diarrhoea_extra_stools", 0)
    night, severe = s.get("diarrhoea_night_or_cramping"), s.get("diarrhoea_severe")
    if d or night or severe:
        if d >= 7 or severe:
            out["diarrhoea"] = "red"
        elif 4 <= d <= 6 or night:
            out["diarrhoea"] = "red" if c["ici"] or c["antidiarrhoeal_failed"] else "amber"
        else:
            out["diarrhoea"] = "amber"  # 1-3: not green (the md's explicit warning)
    h = s.get("constipation_hours", 0)
    if h:
        out["constipation"] = "green" if h < 48 else "amber" if h < 72 else "red"
    grade_map("urinary", {1: "amber", 2: "amber", 3: "red", 4: "red"})
    pct, limits, skin_bad = s.get("skin_percent", 0), s.get("skin_limits_activity"), s.get("skin_severe")
    if pct or limits or skin_bad:
        out["skin"] = "red" if pct >= 10 or limits or skin_bad else "amber"
    grade_map("pain", {1: "green", 2: "amber", 3: "red", 4: "red"})
    grade_map("nerve", {1: "amber", 2: "red", 3: "red", 4: "red"})
    if s.get("saddle_numbness") or s.get("bladder_bowel_loss"):
        out["cord_compression"] = "emergency"
    return out


def combined_as_written(levels) -> str:
    levels = list(levels)
    if "emergency" in levels:
        return "emergency"
    if "red" in levels or levels.count("amber") >= 2:
        return "red"
    return "amber" if "amber" in levels else "green"


def evaluate(context=None, **symptoms):
    return evaluate_side_effects({"context": {k: True for k in (context or ())}, "symptoms": symptoms})


# --- Generated answers -----------------------------------------------------------------------

temperatures = st.one_of(
    st.sampled_from([30.0, 35.9, 35.99, 36.0, 36.01, 37.4, 37.49, 37.5, 37.51, 37.9, 38.0, 38.01, 38.1, 38.5, 45.0]),
    st.floats(30.0, 45.0, allow_nan=False).map(lambda x: round(x, 2)),
)
percents = st.one_of(st.sampled_from([0, 0.1, 5, 9.9, 9.99, 10, 10.0, 50, 100]), st.floats(0, 100, allow_nan=False))


def counts(field):
    edges = {"vomiting_per_24h": [0, 1, 2, 3, 5, 6], "diarrhoea_extra_stools": [0, 1, 3, 4, 6, 7],
             "constipation_hours": [0, 1, 47, 48, 71, 72]}[field]
    return st.one_of(st.sampled_from(edges), st.integers(0, COUNTS[field]))


SYMPTOM_STRATEGIES = {
    "temperature_c": temperatures,
    "skin_percent": percents,
    **{f: st.integers(0, m) for f, m in GRADES.items()},
    **{f: counts(f) for f in COUNTS},
    **{f: st.booleans() for f in FLAGS},
}
inputs = st.fixed_dictionaries({
    "context": st.fixed_dictionaries({}, optional={c: st.booleans() for c in CONTEXT}),
    "symptoms": st.fixed_dictionaries({}, optional=SYMPTOM_STRATEGIES),
})
# Every allowed corner and a few between; each tool is compiled once.
TOOLS_BY_FEVER = {f: SIDE_EFFECTS.with_parameters(fever_c=f) for f in (37.0, 37.5, 37.8, 38.0, 38.5)}
fever_thresholds = st.sampled_from(sorted(TOOLS_BY_FEVER))


def worse(raw: dict, field: str, data) -> dict | None:
    """The same answers with ``field`` made worse, or None if it cannot get worse."""
    context, symptoms = dict(raw["context"]), dict(raw["symptoms"])
    if field in CONTEXT:
        if context.get(field):
            return None
        context[field] = True
    elif field in FLAGS:
        if symptoms.get(field):
            return None
        symptoms[field] = True
    elif field in GRADES or field in COUNTS:
        top = GRADES.get(field) or COUNTS[field]
        now = symptoms.get(field, 0)
        if now >= top:
            return None
        symptoms[field] = data.draw(st.integers(now + 1, top), label=f"worse {field}")
    elif field == "skin_percent":
        now = symptoms.get(field, 0)
        if now >= 100:
            return None
        symptoms[field] = data.draw(st.floats(now, 100, exclude_min=True), label="worse skin")
    else:  # temperature: further from normal, up from the upper half or down from the lower half
        now = symptoms.get(field)
        if now is None:
            return None
        if now >= 36.75:
            if now >= 45:
                return None
            symptoms[field] = data.draw(st.floats(now, 45, exclude_min=True), label="hotter")
        else:
            if now <= 30:
                return None
            symptoms[field] = data.draw(st.floats(30, now, exclude_max=True), label="colder")
    return {"context": context, "symptoms": symptoms}


# --- The dev cases -------------------------------------------------------------------------


def dev_cases():
    return [c for c in map(json.loads, CASES.read_text().splitlines()) if c["tool"] == "side-effects"]


def test_the_dev_file_has_the_30_side_effect_cases():
    assert len(dev_cases()) == 30


@pytest.mark.parametrize("case", dev_cases(), ids=lambda c: c["id"])
def test_every_side_effect_dev_case_agrees(case):
    assert evaluate_side_effects(case["input"]).disposition == case["expected"], case["note"]


def test_every_dev_case_of_both_tools_agrees_through_the_contract_reader():
    cases, errors = read_cases(split_lines(CASES.read_text()))
    assert not errors and len(cases) == 50
    expected = {json.loads(line)["id"]: json.loads(line)["expected"] for line in CASES.read_text().splitlines()}
    differ = [(c.id, c.evaluate().disposition) for c in cases if c.evaluate().disposition != expected[c.id]]
    assert not differ


# --- Every line of the document at its boundaries ----------------------------------------------

ON = ("on_sact",)
BOUNDARIES = [
    # temperature, on treatment or immunosuppressed
    (ON, {"temperature_c": 37.4}, "green"), (ON, {"temperature_c": 37.5}, "red"),
    (ON, {"temperature_c": 36.0}, "green"), (ON, {"temperature_c": 35.9}, "red"),
    (("immunosuppressed",), {"temperature_c": 37.5}, "red"), (("immunosuppressed",), {"temperature_c": 35.9}, "red"),
    (("immunosuppressed",), {"temperature_c": 37.4}, "green"),
    (ON, {"generally_unwell": True}, "red"), (("immunosuppressed",), {"generally_unwell": True}, "red"),
    (ON, {"temperature_c": 36.8, "generally_unwell": True}, "red"),
    # temperature, not on treatment: exactly 37.5 included (safety first)
    ((), {"temperature_c": 35.9}, "amber"), ((), {"temperature_c": 36.0}, "green"),
    ((), {"temperature_c": 37.4}, "green"), ((), {"temperature_c": 37.5}, "amber"),
    ((), {"temperature_c": 38.0}, "amber"), ((), {"temperature_c": 38.1}, "red"),
    ((), {"generally_unwell": True}, "green"),
    # breathlessness
    (ON, {"breathlessness": 1}, "amber"), (ON, {"breathlessness": 2}, "red"),
    (ON, {"breathlessness": 3}, "red"), (ON, {"breathlessness": 4}, "emergency"),
    # chest pain
    ((), {"chest_pain": True}, "emergency"), ((), {"chest_pain": False}, "green"),
    # bleeding
    (ON, {"bleeding": 1}, "amber"), (ON, {"bleeding": 2}, "emergency"),
    # confusion
    (ON, {"confusion": 1}, "amber"), (ON, {"confusion": 2}, "red"),
    (ON, {"confusion": 3}, "emergency"), (ON, {"confusion": 4}, "emergency"),
    # infection
    (ON, {"infection": 1}, "amber"), (ON, {"infection": 2}, "red"), (ON, {"infection": 3}, "red"),
    (ON, {"infection": 4}, "emergency"),
    # fatigue: ici raises 2 to red
    (ON, {"fatigue": 1}, "green"), (ON, {"fatigue": 2}, "amber"), (("ici",), {"fatigue": 2}, "red"),
    (("ici",), {"fatigue": 1}, "green"), (ON, {"fatigue": 3}, "red"), (ON, {"fatigue": 4}, "red"),
    # eyes
    (ON, {"eye": 1}, "amber"), (ON, {"eye": 2}, "red"),
    # mouth
    (ON, {"mouth": 1}, "green"), (ON, {"mouth": 2}, "amber"), (ON, {"mouth": 3}, "red"), (ON, {"mouth": 4}, "red"),
    # appetite
    (ON, {"appetite": 1}, "green"), (ON, {"appetite": 2}, "amber"), (ON, {"appetite": 3}, "red"),
    (ON, {"appetite": 4}, "emergency"),
    # nausea
    (ON, {"nausea": 1}, "green"), (ON, {"nausea": 2}, "amber"), (ON, {"nausea": 3}, "red"),
    # vomiting
    (ON, {"vomiting_per_24h": 1}, "green"), (ON, {"vomiting_per_24h": 2}, "green"),
    (ON, {"vomiting_per_24h": 3}, "amber"), (ON, {"vomiting_per_24h": 5}, "amber"),
    (ON, {"vomiting_per_24h": 6}, "red"),
    # diarrhoea: 1-3 is amber, never green
    (ON, {"diarrhoea_extra_stools": 1}, "amber"), (ON, {"diarrhoea_extra_stools": 3}, "amber"),
    (ON, {"diarrhoea_extra_stools": 4}, "amber"), (ON, {"diarrhoea_extra_stools": 6}, "amber"),
    (ON, {"diarrhoea_extra_stools": 7}, "red"), (("ici",), {"diarrhoea_extra_stools": 3}, "amber"),
    (("ici",), {"diarrhoea_extra_stools": 4}, "red"),
    (("antidiarrhoeal_failed",), {"diarrhoea_extra_stools": 6}, "red"),
    (ON, {"diarrhoea_night_or_cramping": True}, "amber"), (("ici",), {"diarrhoea_night_or_cramping": True}, "red"),
    (("antidiarrhoeal_failed",), {"diarrhoea_night_or_cramping": True}, "red"),
    (ON, {"diarrhoea_severe": True}, "red"),
    # constipation
    (ON, {"constipation_hours": 47}, "green"), (ON, {"constipation_hours": 48}, "amber"),
    (ON, {"constipation_hours": 71}, "amber"), (ON, {"constipation_hours": 72}, "red"),
    # urinary
    (ON, {"urinary": 1}, "amber"), (ON, {"urinary": 2}, "amber"), (ON, {"urinary": 3}, "red"),
    (ON, {"urinary": 4}, "red"),
    # skin
    (ON, {"skin_percent": 0.5}, "amber"), (ON, {"skin_percent": 9.9}, "amber"), (ON, {"skin_percent": 10}, "red"),
    (ON, {"skin_percent": 2, "skin_limits_activity": True}, "red"), (ON, {"skin_severe": True}, "red"),
    (ON, {"skin_limits_activity": True}, "red"),
    # pain
    (ON, {"pain": 1}, "green"), (ON, {"pain": 2}, "amber"), (ON, {"pain": 3}, "red"), (ON, {"pain": 4}, "red"),
    # nerves
    (ON, {"nerve": 1}, "amber"), (ON, {"nerve": 2}, "red"), (ON, {"nerve": 4}, "red"),
    # spinal cord compression
    ((), {"saddle_numbness": True}, "emergency"), ((), {"bladder_bowel_loss": True}, "emergency"),
]


@pytest.mark.parametrize("context, symptoms, expected", BOUNDARIES,
                         ids=[f"{'+'.join(c) or 'off'}-{json.dumps(s)}" for c, s, _ in BOUNDARIES])
def test_each_symptom_line_at_its_boundaries(context, symptoms, expected):
    result = evaluate(context, **symptoms)
    assert result.disposition == expected
    assert levels_as_written(dict.fromkeys(context, True), symptoms) == {f.symptom: f.level for f in result.findings}


def test_the_bands_hold_between_the_boundaries_too():
    # every tenth of a degree, every count and every percent step, checked against the document
    for context in ((), ON):
        for tenth in range(300, 451):
            t = tenth / 10
            found = evaluate(context, temperature_c=t).findings[0].level
            assert found == levels_as_written(dict.fromkeys(context, True), {"temperature_c": t})["temperature"], t
    for field in COUNTS:
        for n in range(1, 80):
            assert evaluate(ON, **{field: n}).findings[0].level == next(
                iter(levels_as_written({}, {field: n}).values())), (field, n)


def test_grade_0_false_and_missing_are_none():
    nothing = {**dict.fromkeys(GRADES, 0), **dict.fromkeys(COUNTS, 0), **dict.fromkeys(FLAGS, False),
               "skin_percent": 0}
    empty = (evaluate(ON, **nothing), evaluate(ON), evaluate_side_effects({}), evaluate_side_effects({"context": {}}))
    for result in empty:
        assert (result.disposition, result.reasons, result.findings) == ("green", [], ())


def test_a_fahrenheit_reading_converted_to_37_5_counts_as_37_5():
    assert evaluate(ON, temperature_c=(99.5 - 32) * 5 / 9).disposition == "red"
    assert evaluate(ON, temperature_c=37.499999999).disposition == "red"  # float noise, not a real 37.49
    assert evaluate(ON, temperature_c=37.49).disposition == "green"


# --- Properties for any valid input ------------------------------------------------------------


@settings(max_examples=400, deadline=None)
@given(raw=inputs)
@example(raw={"context": {"on_sact": True}, "symptoms": {"vomiting_per_24h": 4, "nausea": 2}})
def test_any_input_follows_the_document_and_the_combining_rule(raw):
    result = evaluate_side_effects(raw)
    written = levels_as_written(raw["context"], raw["symptoms"])
    levels = [f.level for f in result.findings]
    # one finding per reported symptom, with the document's level
    assert {f.symptom: f.level for f in result.findings} == written
    assert len(levels) == len(written)
    # the combining rule, against the findings
    assert result.disposition == combined_as_written(levels)
    if "emergency" in levels:
        assert result.disposition == "emergency"
    if "red" in levels or levels.count("amber") >= 2:
        assert rank(result.disposition) <= rank("red")
    # findings most urgent first; reasons are the rules of the findings that led there
    assert [rank(lv) for lv in levels] == sorted(rank(lv) for lv in levels)
    raised = "red" not in levels and "emergency" not in levels and levels.count("amber") >= 2
    expected = [f.rule for f in result.findings if f.level != "green" or result.disposition == "green"]
    assert result.reasons == (["combined-two-ambers"] if raised else []) + expected
    assert result.explanations == [SIDE_EFFECTS.why(r) for r in result.reasons]
    assert result.rule_set_version == side_effect_rules().version


@settings(max_examples=600, deadline=None)
@given(raw=inputs, field=st.sampled_from([*CONTEXT, *GRADES, *COUNTS, *FLAGS, "skin_percent", "temperature_c"]),
       fever_c=fever_thresholds, data=st.data())
def test_a_worse_answer_never_lowers_the_disposition(raw, field, fever_c, data):
    tool = TOOLS_BY_FEVER[fever_c]
    changed = worse(raw, field, data)
    if changed is None:
        return
    before = tool.evaluate(tool.parse_input(raw))
    after = tool.evaluate(tool.parse_input(changed))
    assert rank(after.disposition) <= rank(before.disposition), (field, raw, changed)
    # and no symptom's own level goes down
    levels_after = {f.symptom: f.level for f in after.findings}
    for f in before.findings:
        assert rank(levels_after[f.symptom]) <= rank(f.level), (field, f)


@settings(max_examples=200, deadline=None)
@given(raw=inputs, fever_c=fever_thresholds)
def test_with_any_allowed_fever_threshold_the_document_holds_for_that_threshold(raw, fever_c):
    tool = TOOLS_BY_FEVER[fever_c]
    result = tool.evaluate(tool.parse_input(raw))
    written = levels_as_written(raw["context"], raw["symptoms"], fever_c=fever_c)
    assert {f.symptom: f.level for f in result.findings} == written
    assert result.disposition == combined_as_written(written.values())


@pytest.mark.parametrize("first, second", [
    ({"mouth": 2}, {"pain": 2}), ({"nerve": 1}, {"vomiting_per_24h": 3}), ({"bleeding": 1}, {"skin_percent": 3}),
])
def test_two_ambers_make_red_and_say_why(first, second):
    result = evaluate(ON, **first, **second)
    assert result.disposition == "red"
    assert result.reasons[0] == "combined-two-ambers" and len(result.reasons) == 3
    assert "Two or more" in result.explanations[0]
    assert {f.level for f in result.findings} == {"amber"}


def test_reasons_are_most_urgent_first_and_green_findings_are_kept_but_not_reasons():
    result = evaluate(("ici",), chest_pain=True, fatigue=2, mouth=2, pain=1)
    assert result.disposition == "emergency"
    assert result.reasons == ["chest-pain", "fatigue-not-relieved-ici", "mouth-painful-eating"]
    assert [(f.symptom, f.level) for f in result.findings] == [
        ("chest_pain", "emergency"), ("fatigue", "red"), ("mouth", "amber"), ("pain", "green")]
    assert result.findings[-1].rule == "pain-mild"
    green = evaluate(ON, pain=1, mouth=1)
    assert green.disposition == "green" and green.reasons == ["mouth-painless", "pain-mild"]


# --- Bad input names the field -----------------------------------------------------------------


@pytest.mark.parametrize("raw, field, message", [
    ({"context": {"ici": 1}}, "context.ici", "must be true or false (a JSON boolean), got 1"),
    ({"context": {"ici": "yes"}}, "context.ici", 'got "yes"'),
    ({"context": {"ici": None}}, "context.ici", "got null"),
    ({"context": {"icii": True}}, "context.icii", "unknown field (did you mean 'ici'?)"),
    ({"context": [True]}, "context", "must be an object"),
    ({"symptoms": {"mouth": 7}}, "symptoms.mouth", "must be a whole number from 0 to 4, got 7"),
    ({"symptoms": {"nausea": 4}}, "symptoms.nausea", "from 0 to 3"),
    ({"symptoms": {"bleeding": 3}}, "symptoms.bleeding", "from 0 to 2"),
    ({"symptoms": {"mouth": True}}, "symptoms.mouth", "got true"),
    ({"symptoms": {"mouth": 2.0}}, "symptoms.mouth", "got 2.0"),
    ({"symptoms": {"mouth": -1}}, "symptoms.mouth", "got -1"),
    ({"symptoms": {"mouth": "2"}}, "symptoms.mouth", 'got "2"'),
    ({"symptoms": {"vomiting_per_24h": -1}}, "symptoms.vomiting_per_24h", "must be 0 or more, got -1"),
    ({"symptoms": {"vomiting_per_24h": 1.5}}, "symptoms.vomiting_per_24h", "must be a whole number"),
    ({"symptoms": {"vomiting_per_24h": 5000}}, "symptoms.vomiting_per_24h", "must be at most 100"),
    ({"symptoms": {"constipation_hours": False}}, "symptoms.constipation_hours", "got false"),
    ({"symptoms": {"temperature_c": 60}}, "symptoms.temperature_c", "must be from 30 to 45, got 60"),
    ({"symptoms": {"temperature_c": 29.9}}, "symptoms.temperature_c", "from 30 to 45"),
    ({"symptoms": {"temperature_c": "38.2"}}, "symptoms.temperature_c", 'must be a number, got "38.2"'),
    ({"symptoms": {"temperature_c": True}}, "symptoms.temperature_c", "must be a number, got true"),
    ({"symptoms": {"temperature_c": None}}, "symptoms.temperature_c", "must be a number, got null"),
    ({"symptoms": {"temperature_c": math.nan}}, "symptoms.temperature_c", "must be a number"),
    ({"symptoms": {"temperature_c": math.inf}}, "symptoms.temperature_c", "must be a number"),
    ({"symptoms": {"skin_percent": 100.5}}, "symptoms.skin_percent", "from 0 to 100"),
    ({"symptoms": {"skin_percent": -1}}, "symptoms.skin_percent", "from 0 to 100"),
    ({"symptoms": {"chest_pain": 1}}, "symptoms.chest_pain", "must be true or false"),
    ({"symptoms": {"temprature_c": 38}}, "symptoms.temprature_c", "did you mean 'temperature_c'"),
    ({"symptoms": []}, "symptoms", "must be an object"),
    ({"symptom": {}}, "symptom", "did you mean 'symptoms'"),
    ([], "(input)", "must be an object"),
])
def test_bad_input_is_refused_naming_the_field(raw, field, message):
    with pytest.raises(InputError) as exc:
        evaluate_side_effects(raw)
    assert exc.value.problems == [(field, exc.value.problems[0][1])]
    assert message in exc.value.problems[0][1]


def test_every_problem_is_named_at_once():
    with pytest.raises(InputError) as exc:
        evaluate_side_effects({"context": {"ici": "y"}, "symptoms": {"mouth": 9, "pain": 2, "eye": -1}, "x": 1})
    assert [f for f, _ in exc.value.problems] == ["x", "context.ici", "symptoms.mouth", "symptoms.eye"]


def test_answers_in_any_mapping_are_accepted():
    from types import MappingProxyType

    raw = MappingProxyType({"context": MappingProxyType({"ici": True}), "symptoms": MappingProxyType({"fatigue": 2})})
    assert evaluate_side_effects(raw).disposition == "red"


# --- The rule file -----------------------------------------------------------------------------


def test_the_tool_is_registered_under_its_contract_name():
    assert TOOLS["side-effects"] is SIDE_EFFECTS and SIDE_EFFECTS.name == "side-effects"
    assert SIDE_EFFECTS.dispositions == ORDER
    assert SIDE_EFFECTS.version == side_effect_rules().version


def test_the_rule_file_is_versioned_owned_and_sourced():
    rules = side_effect_rules()
    assert rules.tool == "side-effects" and rules.owner and rules.effective.year >= 2026
    assert rules.version == yaml.safe_load(RULES_FILE.read_text())["version"]
    titles = " ".join(f"{s.title} {s.publisher}" for s in rules.sources)
    assert "UKONS" in titles and "version 3" in titles and "CTCAE" in titles
    assert all(s.url.startswith("https://") for s in rules.sources if s.id != "clinical-side-effects")
    sources = {s.id for s in rules.sources}
    assert all(r.source in sources for r in rules.all_rules())
    assert rules.parameters["fever_c"].value == 37.5 and rules.parameters["low_c"].value == 36.0
    assert (rules.parameters["fever_c"].min, rules.parameters["fever_c"].max) == (37.0, 38.5)
    assert rules.input("temperature_c").min == 30 and rules.input("temperature_c").max == 45


def test_there_is_a_symptom_group_for_every_line_of_the_document_with_the_contract_fields():
    rules = side_effect_rules()
    assert {s.id: tuple(s.fields) for s in rules.symptoms} == GROUPS
    assert rules.context_ids == CONTEXT
    assert {f.id for f in rules.inputs} == {f for fields in GROUPS.values() for f in fields}
    for field, top in GRADES.items():
        assert (rules.input(field).kind, rules.input(field).max) == ("grade", top)
    ids = [r.id for r in rules.all_rules()]
    assert len(ids) == len(set(ids))


def test_every_why_is_plain_language_at_grade_8_or_below_and_never_says_grade():
    rules = side_effect_rules()
    texts = {r.id: SIDE_EFFECTS.why(r.id) for r in rules.all_rules()}
    too_hard = {i: round(grade([t]), 1) for i, t in texts.items() if grade([t]) > MAX_GRADE}
    assert not too_hard
    assert not [i for i, t in texts.items() if "grade" in t.lower() or "{" in t]
    assert "37.5 C" in texts["temperature-high-on-treatment"]


def _broken(tmp_path, change) -> str:
    data = yaml.safe_load(RULES_FILE.read_text())
    change(data)
    path = tmp_path / "side_effects.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    with pytest.raises(RuleSetError) as exc:
        SideEffectsTool(path).rules  # noqa: B018
    return str(exc.value)


def _symptom(data, symptom_id):
    return next(s for s in data["symptoms"] if s["id"] == symptom_id)


@pytest.mark.parametrize("change, expected", [
    (lambda d: _symptom(d, "mouth")["rules"][0].update(level="rd"),
     "side_effects.yaml: symptoms[8].rules[0].level: unknown level 'rd'"),
    (lambda d: _symptom(d, "mouth")["rules"][0]["when"][0].update(grade="moth"),
     "symptoms[8].rules[0].when[0].grade: 'moth': unknown field (did you mean 'mouth'?)"),
    (lambda d: _symptom(d, "mouth")["rules"][0]["when"][0].update({"in": [3, 5]}),
     "symptoms[8].rules[0].when[0].in[1]: grade 5 is outside 1..4"),
    (lambda d: _symptom(d, "mouth")["rules"][0]["when"][0].update({"in": ["3"]}),
     "symptoms[8].rules[0].when[0].grade.in[0]: Input should be a valid integer"),
    (lambda d: _symptom(d, "mouth")["rules"][0]["when"][0].update(grade="pain"),
     "'pain' is not one of this symptom's fields"),
    (lambda d: _symptom(d, "mouth")["rules"][0].update(when=[{"level": 3}]),
     "symptoms[8].rules[0].when[0]: a condition needs one of the keys grade, band or flag"),
    (lambda d: _symptom(d, "mouth")["rules"][0].update(sevrity=3), "symptoms[8].rules[0].sevrity: Extra inputs"),
    (lambda d: _symptom(d, "mouth")["rules"].pop(0), "symptoms[8]: no rule matches mouth=3 and there is no otherwise"),
    (lambda d: _symptom(d, "vomiting")["rules"][1]["when"][0].update(at_most=4),
     "symptoms[11]: no rule matches vomiting_per_24h=5"),
    (lambda d: d["symptoms"][0]["rules"][0]["when"][0].update(at_least="$fevr_c"),
     "symptoms[0].rules[0].when[0].at_least: '$fevr_c': unknown parameter"),
    (lambda d: d["symptoms"][0]["rules"][0].update(why="Over {fevr_c} C."), "{fevr_c}: unknown parameter"),
    (lambda d: d["symptoms"][0]["rules"][0].update(context_any=["on_chemo"]),
     "symptoms[0].rules[0].context_any[0]: 'on_chemo': unknown field"),
    (lambda d: d["parameters"]["fever_c"].update(value=39.0), "parameters.fever_c: Value error, value 39.0 is outside"),
    (lambda d: d["parameters"]["fever_c"].update(value="37.5"),
     "parameters.fever_c.value: Input should be a valid number"),
    (lambda d: d.update(version="2026-11"), "version: String should match pattern"),
    (lambda d: d.update(tool="side-effect"), "tool: is 'side-effect', expected 'side-effects'"),
    (lambda d: d["dispositions"].reverse(), "dispositions: must be emergency, red, amber, green in this order"),
    (lambda d: _symptom(d, "pain")["fields"].append("nerve"),
     "symptoms[17].fields[0]: 'nerve' already belongs to 'pain'"),
    (lambda d: d["combining"]["escalations"][0].update(to="amber"),
     "combining.escalations[0].to: 'amber' must be more urgent"),
    (lambda d: d["inputs"][2].update(max="4"), "inputs[2].max"),
])
def test_a_broken_rule_file_is_refused_naming_the_file_and_field(tmp_path, change, expected):
    assert expected in _broken(tmp_path, change)


def test_the_shipped_file_loads_as_written(tmp_path):
    path = tmp_path / "side_effects.yaml"
    path.write_text(RULES_FILE.read_text())
    assert SideEffectsTool(path).version == SIDE_EFFECTS.version


# --- The configurable fever threshold -----------------------------------------------------------


def test_a_deployment_can_raise_the_fever_threshold_and_the_result_says_so():
    tool = SIDE_EFFECTS.with_parameters(fever_c=38.0)
    assert tool.version == "2026.11.2+fever_c=38.0" == f"{SIDE_EFFECTS.version}+fever_c=38.0"
    on = {"context": {"on_sact": True}}
    at = {t: tool.evaluate(tool.parse_input({**on, "symptoms": {"temperature_c": t}})) for t in (37.4, 37.8, 38.0)}
    assert at[37.4].disposition == "green"
    # between 37.5 and the new threshold, an on-treatment reading is still never lower than anyone else's
    assert at[37.8].disposition == "amber"
    assert at[38.0].disposition == "red" and at[38.0].rule_set_version == "2026.11.2+fever_c=38.0"
    assert "38.0 C" in at[38.0].explanations[0]
    # the shipped tool is untouched
    assert evaluate_side_effects({**on, "symptoms": {"temperature_c": 37.8}}).disposition == "red"
    assert SIDE_EFFECTS.version == "2026.11.2"


def test_an_override_equal_to_the_file_changes_nothing_and_lower_thresholds_work():
    assert SIDE_EFFECTS.with_parameters(fever_c=37.5).version == SIDE_EFFECTS.version
    tool = SIDE_EFFECTS.with_parameters(fever_c=37)
    assert tool.version == "2026.11.2+fever_c=37.0"
    assert tool.evaluate(tool.parse_input({"context": {"immunosuppressed": True},
                                           "symptoms": {"temperature_c": 37.0}})).disposition == "red"


@pytest.mark.parametrize("overrides, message", [
    ({"fever_c": 36.9}, "fever_c: 36.9 is outside the allowed 37.0..38.5 C"),
    ({"fever_c": 38.6}, "outside the allowed 37.0..38.5"),
    ({"fever_c": True}, "fever_c: must be a number, got true"),
    ({"fever_c": "38"}, 'must be a number, got "38"'),
    ({"fever_c": math.nan}, "must be a number"),
    ({"fever": 38.0}, "fever: unknown field (did you mean 'fever_c'?)"),
])
def test_an_override_out_of_bounds_is_refused(overrides, message):
    with pytest.raises(ParameterError) as exc:
        SIDE_EFFECTS.with_parameters(**overrides)
    assert message in str(exc.value)
