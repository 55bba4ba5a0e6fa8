"""The side-effect check's questions map onto every field of the triage contract, each answer
to the value the rules expect, and no answer ever hides an emergency question."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sideeffects_support import DEFINITION

from careguide.questionnaires import engine
from careguide.sideeffects import mapping
from careguide.triage.side_effects import evaluate_side_effects

# clinical/triage-contract.md, tool "side-effects"
CONTRACT_CONTEXT = {"on_sact", "immunosuppressed", "ici", "antidiarrhoeal_failed"}
CONTRACT_SYMPTOMS = {
    "temperature_c", "generally_unwell", "breathlessness", "chest_pain", "bleeding", "confusion", "infection",
    "fatigue", "eye", "mouth", "appetite", "nausea", "vomiting_per_24h", "diarrhoea_extra_stools",
    "diarrhoea_night_or_cramping", "diarrhoea_severe", "constipation_hours", "urinary", "skin_percent",
    "skin_limits_activity", "skin_severe", "pain", "nerve", "saddle_numbness", "bladder_bowel_loss",
}
EMERGENCY_QUESTIONS = ("chest_pain", "breathlessness", "bleeding", "confusion", "saddle_numbness",
                       "bladder_bowel_loss")


def codes(link_id):
    return [o.value["code"] for o in DEFINITION.by_link_id[link_id].options]


def test_every_contract_field_is_filled_by_some_question():
    assert set(mapping.field_items()) == CONTRACT_CONTEXT | CONTRACT_SYMPTOMS
    for link_id in mapping.field_items().values():
        assert link_id in DEFINITION.by_link_id, link_id


def test_every_listed_answer_has_a_meaning_and_every_meaning_is_a_listed_answer():
    for link_id, (_, meanings) in mapping.CHOICES.items():
        assert set(codes(link_id)) == set(meanings), link_id
    for link_id, meanings in mapping.TICKS.items():
        assert set(codes(link_id)) == set(meanings) | {"none"}, link_id
    for link_id in mapping.CONTEXT:
        assert set(codes(link_id)) == {"yes", "no", "unsure"}
    assert set(codes(mapping.ANTIDIARRHOEAL[0])) == set(mapping.ANTIDIARRHOEAL[1])
    for link_id in (*mapping.BOOLEANS, *mapping.COUNTS):
        assert DEFINITION.by_link_id[link_id].type in ("boolean", "integer"), link_id


def test_every_question_is_mapped_or_known():
    mapped = {*mapping.CHOICES, *mapping.BOOLEANS, *mapping.TICKS, *mapping.COUNTS, *mapping.CONTEXT,
              mapping.ANTIDIARRHOEAL[0], mapping.TEMPERATURE, mapping.TEMPERATURE_CHECKED, mapping.OTHER}
    questions = {i.link_id for i in DEFINITION.all_items() if i.is_question}
    assert questions == mapped


def evaluate_one(link_id, value, context=None):
    contract = mapping.to_contract_input({link_id: [value]})
    contract["context"] = {**contract["context"], **(context or {})}
    return evaluate_side_effects(contract).disposition


# What each answer on its own must lead to (clinical/side-effect-triage.md), with no context.
SINGLE_ANSWERS = {
    "breathlessness": {"normal": "green", "exertion": "amber", "minimal": "red", "rest": "red",
                       "struggling": "emergency"},
    "bleeding": {"none": "green", "mild": "amber", "severe": "emergency"},
    "confusion": {"none": "green", "mild": "amber", "moderate": "red", "severe": "emergency",
                  "unrousable": "emergency"},
    "infection": {"none": "green", "local": "amber", "unwell": "red", "severe": "red", "sepsis": "emergency"},
    "fatigue": {"none": "green", "rest_helps": "green", "rest_no_help": "amber", "needs_help": "red",
                "bedbound": "red"},
    "eye": {"none": "green", "mild": "amber", "vision": "red"},
    "mouth": {"none": "green", "painless": "green", "painful": "amber", "hard_to_eat": "red", "cannot_eat": "red"},
    "appetite": {"usual": "green", "bit_less": "green", "eating_less": "amber", "weight_loss": "red",
                 "not_eating": "emergency"},
    "nausea": {"none": "green", "mild": "green", "less": "amber", "none_in": "red"},
    "urinary": {"none": "green", "mild": "amber", "moderate": "amber", "severe": "red", "little": "red"},
    "skin.rash": {"none": "green", "palm": "amber", "patches": "amber", "large": "red"},
    "pain": {"none": "green", "mild": "green", "moderate": "amber", "severe": "red", "disabling": "red"},
    "nerve": {"none": "green", "mild": "amber", "moderate": "red", "severe": "red", "disabling": "red"},
}


@pytest.mark.parametrize("link_id", sorted(SINGLE_ANSWERS))
def test_each_listed_answer_gives_the_level_the_rules_expect(link_id):
    assert set(SINGLE_ANSWERS[link_id]) == set(codes(link_id))
    got = {code: evaluate_one(link_id, code) for code in codes(link_id)}
    assert got == SINGLE_ANSWERS[link_id]


def test_grades_follow_the_order_of_the_answers():
    for link_id, (_, meanings) in mapping.CHOICES.items():
        assert [meanings[c] for c in codes(link_id)] == sorted(meanings.values()), link_id


def test_yes_no_and_tick_answers():
    assert evaluate_one("chest_pain", True) == "emergency"
    assert evaluate_one("saddle_numbness", True) == "emergency"
    assert evaluate_one("bladder_bowel_loss", True) == "emergency"
    assert mapping.to_contract_input({"chest_pain": [False]})["symptoms"] == {"chest_pain": False}
    assert evaluate_one("generally_unwell", True, {"on_sact": True}) == "red"
    for code in mapping.TICKS["skin.problems"]:
        assert evaluate_one("skin.problems", code) == "red", code
    contract = mapping.to_contract_input({"diarrhoea.extra": [2], "diarrhoea.signs": ["night", "mucus_blood"]})
    assert contract["symptoms"] == {"diarrhoea_extra_stools": 2, "diarrhoea_night_or_cramping": True,
                                    "diarrhoea_severe": True}
    none = mapping.to_contract_input({"diarrhoea.signs": ["none"]})["symptoms"]
    assert none == {"diarrhoea_night_or_cramping": False, "diarrhoea_severe": False}


def test_diarrhoea_follow_ups_and_the_medicine():
    base = {"diarrhoea.extra": [5]}
    assert evaluate_side_effects(mapping.to_contract_input(base)).disposition == "amber"
    failed = mapping.to_contract_input({**base, "diarrhoea.medicine": ["still"]})
    assert failed["context"]["antidiarrhoeal_failed"] is True
    assert evaluate_side_effects(failed).disposition == "red"
    helping = mapping.to_contract_input({**base, "diarrhoea.medicine": ["helping"]})
    assert helping["context"]["antidiarrhoeal_failed"] is False
    assert evaluate_side_effects(mapping.to_contract_input({"diarrhoea.extra": [1]})).disposition == "amber"
    assert evaluate_side_effects(mapping.to_contract_input({"diarrhoea.extra": [7]})).disposition == "red"


def test_context_not_sure_counts_as_yes():
    contract = mapping.to_contract_input({"context.on_sact": ["unsure"], "context.immunosuppressed": ["no"],
                                          "context.ici": ["yes"]})
    assert contract["context"] == {"on_sact": True, "immunosuppressed": False, "ici": True}
    assert mapping.notes_of({"context.on_sact": ["unsure"]})["context_unsure"] == ["on_sact"]


@pytest.mark.parametrize(("days", "hours", "disposition"), [(0, 0, "green"), (1, 24, "green"),
                                                            (2, 48, "amber"), (3, 72, "red")])
def test_constipation_days_become_hours_beyond_usual(days, hours, disposition):
    contract = mapping.to_contract_input({"constipation.days": [days]})
    assert contract["symptoms"]["constipation_hours"] == hours
    assert evaluate_side_effects(contract).disposition == disposition


# --- Temperature ---------------------------------------------------------------------------


def fahrenheit(value):
    return {"value": value, "unit": "°F", "system": "http://unitsofmeasure.org", "code": "[degF]"}


def celsius(value):
    return {"value": value, "unit": "°C", "system": "http://unitsofmeasure.org", "code": "Cel"}


@pytest.mark.parametrize(("quantity", "expected"), [
    (fahrenheit(100.4), "38.0"), (fahrenheit(98.6), "37.0"), (fahrenheit(99.5), "37.5"),
    (fahrenheit(96.8), "36.0"), (celsius(38.2), "38.2"), (celsius(37.45), "37.5"),
])
def test_fahrenheit_is_converted_to_celsius(quantity, expected):
    assert mapping.temperature_celsius(quantity) == Decimal(expected)


def test_the_fever_rule_sees_the_converted_temperature():
    def disposition(quantity, **context):
        contract = mapping.to_contract_input({"temperature.checked": ["yes"], "temperature.value": [quantity]})
        contract["context"] = context
        return evaluate_side_effects(contract).disposition

    assert disposition(fahrenheit(99.5), on_sact=True) == "red"
    assert disposition(fahrenheit(99.3), on_sact=True) == "green"
    assert disposition(fahrenheit(100.6)) == "red"  # 38.1 C off treatment
    assert disposition(fahrenheit(99.5)) == "amber"


@pytest.mark.parametrize(("quantity", "message"), [
    (fahrenheit(150), "must be between 86 and 113 °F (30 and 45 °C)"),
    (celsius(20), "must be between 86 and 113 °F (30 and 45 °C)"),
    (celsius(-3), "must be between 86 and 113 °F (30 and 45 °C)"),
    (celsius(98.6), "looks like °F"),
    ({"value": 38}, "Choose °F or °C"),
])
def test_impossible_temperatures_are_refused_naming_the_question(quantity, message):
    with pytest.raises(mapping.MappingError) as caught:
        mapping.to_contract_input({"temperature.checked": ["yes"], "temperature.value": [quantity]})
    [(link_id, text)] = caught.value.problems
    assert link_id == "temperature.value"
    assert "What is your temperature?" in text and message in text


def test_temperature_not_checked_leaves_it_out_and_says_so():
    answers = {"temperature.checked": ["no"]}
    assert "temperature_c" not in mapping.to_contract_input(answers)["symptoms"]
    assert mapping.notes_of(answers) == {"temperature_not_checked": True}


@pytest.mark.parametrize(("link_id", "value", "message"), [
    ("vomiting", -1, "must be 0 or more"), ("diarrhoea.extra", 51, "must be 50 or less"),
    ("constipation.days", 2.5, "must be a whole number"), ("breathlessness", "grade-7", "Choose one of the listed"),
])
def test_bad_values_are_refused_naming_the_question(link_id, value, message):
    with pytest.raises(mapping.MappingError) as caught:
        mapping.to_contract_input({link_id: [value]})
    assert caught.value.problems[0][0] == link_id
    assert message in caught.value.problems[0][1]


def test_limits_in_the_questionnaire_match_the_mapping():
    for link_id, (_, _, largest) in mapping.COUNTS.items():
        item = DEFINITION.by_link_id[link_id]
        assert (item.min_value, item.max_value) == (0, largest)


# --- No answer hides an emergency question ---------------------------------------------------


def test_no_emergency_question_has_a_condition():
    for link_id in EMERGENCY_QUESTIONS:
        item = DEFINITION.by_link_id[link_id]
        assert item.required
        assert not item.enable_when and not any(a.enable_when for a in item.ancestors()), link_id
    assert DEFINITION.steps[0].items[0].link_id == "emergency"


def _any_answer(item):
    if item.type == "boolean":
        return st.booleans().map(lambda v: [{"valueBoolean": v}])
    if item.options:
        options = st.sampled_from(item.options).map(lambda o: {"valueCoding": o.value})
        return st.lists(options, min_size=1, max_size=3, unique_by=lambda a: a["valueCoding"]["code"]) \
            if item.repeats else options.map(lambda a: [a])
    if item.type == "integer":
        return st.integers(min_value=-5, max_value=200).map(lambda v: [{"valueInteger": v}])
    if item.type == "quantity":
        return st.floats(min_value=0, max_value=200).map(lambda v: [{"valueQuantity": {"value": v}}])
    return st.text(min_size=1, max_size=5).map(lambda v: [{"valueString": v}])


QUESTIONS = [i for i in DEFINITION.all_items() if i.is_question]


@st.composite
def responses(draw):
    answered = draw(st.lists(st.sampled_from(QUESTIONS), unique_by=lambda i: i.link_id))
    by_page: dict[str, list] = {}
    for item in answered:
        by_page.setdefault(item.parent.link_id, []).append({"linkId": item.link_id, "answer": draw(_any_answer(item))})
    items = [{"linkId": page, "item": children} for page, children in by_page.items()]
    return {"resourceType": "QuestionnaireResponse", "status": "completed", "item": items}


@settings(max_examples=300, deadline=None)
@given(responses())
def test_no_answer_ever_hides_an_emergency_question(response):
    enabled = {v.item.link_id for v in engine.walk(DEFINITION, engine.read_response(response)) if v.enabled}
    assert set(EMERGENCY_QUESTIONS) <= enabled
    # Every screen is asked, whatever the answers: follow-ups live inside their screen.
    assert len(engine.enabled_steps(DEFINITION, response)) == len(DEFINITION.steps)
