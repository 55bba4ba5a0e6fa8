"""The questionnaire engine (careguide/questionnaires/engine): pure functions, no database.

What a patient notices: which questions apply to them (enableWhen), which answers are
refused and with what words, and the score a calculated item shows."""

import copy
import json
from decimal import Decimal

import paths
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from careguide.questionnaires import engine

EVAL = paths.EVAL / "fhir-questionnaires"  # copy of shared/eval
ITEM_CONTROL = "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl"
EXCLUSIVE = "http://hl7.org/fhir/StructureDefinition/questionnaire-optionExclusive"


def load(name):
    return json.loads((EVAL / name).read_text())


def questionnaire(*items, **extra):
    return engine.parse_questionnaire({"resourceType": "Questionnaire", "status": "active", "item": list(items),
                                       **extra})


def response(*items, status="completed"):
    return {"resourceType": "QuestionnaireResponse", "status": status, "item": list(items)}


def answer(link_id, *values, children=None):
    item = {"linkId": link_id, "answer": [dict(v) for v in values]}
    if children:
        item["answer"][0]["item"] = children
    return item


def messages(issues):
    return [i.message for i in issues if i.is_error]


def coding(code, system="http://example.org/cs", display=None):
    value = {"system": system, "code": code}
    if display:
        value["display"] = display
    return {"valueCoding": value}


COLOURS = [coding("red", display="Red"), coding("blue", display="Blue"), coding("green", display="Green")]


# --- parsing --------------------------------------------------------------------------------

def test_answer_options_come_from_answer_option_or_a_contained_value_set():
    vs_expansion = {"resourceType": "ValueSet", "id": "vs1", "status": "active",
                    "expansion": {"timestamp": "2026-01-01", "contains": [
                        {"system": "s", "code": "a", "display": "Alpha"},
                        {"system": "s", "code": "b", "display": "Beta",
                         "contains": [{"system": "s", "code": "b1", "display": "Beta one"}]}]}}
    vs_compose = {"resourceType": "ValueSet", "id": "vs2", "status": "active",
                  "compose": {"include": [{"system": "s2", "concept": [{"code": "x", "display": "Ex"}]}]}}
    q = questionnaire(
        {"linkId": "listed", "type": "choice", "answerOption": COLOURS},
        {"linkId": "expanded", "type": "choice", "answerValueSet": "#vs1"},
        {"linkId": "composed", "type": "choice", "answerValueSet": "#vs2"},
        contained=[vs_expansion, vs_compose],
    )
    assert [o.label for o in q.item("listed").options] == ["Red", "Blue", "Green"]
    assert [o.token for o in q.item("listed").options] == ["red", "blue", "green"]
    assert [o.label for o in q.item("expanded").options] == ["Alpha", "Beta", "Beta one"]
    assert q.item("composed").options[0].value == {"system": "s2", "code": "x", "display": "Ex"}
    assert q.item("listed").closed


@pytest.mark.parametrize("broken, message", [
    ({"linkId": "a", "type": "bogus"}, "Item a has an unknown type 'bogus'."),
    ({"linkId": "a", "type": "choice", "answerValueSet": "#nowhere"},
     "Item a names the answer list #nowhere, which is not in the questionnaire."),
    ({"linkId": "a", "type": "string", "enableWhen": [{"question": "zz", "operator": "=", "answerString": "x"}]},
     "Item a depends on zz, which is not in the questionnaire."),
    ({"linkId": "a", "type": "string", "enableWhen": [{"question": "a", "operator": "~", "answerString": "x"}]},
     "Item a has an enableWhen without a question, a known operator and an answer."),
])
def test_unusable_questionnaires_are_refused_naming_the_item(broken, message):
    with pytest.raises(engine.QuestionnaireError) as exc:
        questionnaire(broken)
    assert [i.message for i in exc.value.issues] == [message]
    assert exc.value.issues[0].link_id == "a"


def test_duplicate_link_ids_are_refused():
    with pytest.raises(engine.QuestionnaireError, match="The linkId q is used by more than one item"):
        questionnaire({"linkId": "q", "type": "string"}, {"linkId": "g", "type": "group",
                                                          "item": [{"linkId": "q", "type": "string"}]})


def test_initial_values_and_initially_selected_options_are_read():
    q = questionnaire(
        {"linkId": "n", "type": "integer", "initial": [{"valueInteger": 3}]},
        {"linkId": "c", "type": "choice", "answerOption": [COLOURS[0], {**COLOURS[1], "initialSelected": True}]},
    )
    assert q.item("n").initial == ({"valueInteger": 3},)
    assert q.item("c").initial == (COLOURS[1],)


def test_page_groups_become_steps():
    page = {"url": ITEM_CONTROL, "valueCodeableConcept": {"coding": [{"code": "page"}]}}
    q = questionnaire(
        {"linkId": "intro", "type": "display", "text": "Hello"},
        {"linkId": "p1", "type": "group", "extension": [page], "item": [{"linkId": "a", "type": "string"}]},
        {"linkId": "p2", "type": "group", "extension": [page], "item": [{"linkId": "b", "type": "string"}]},
    )
    assert [[i.link_id for i in s.items] for s in q.steps] == [["intro"], ["p1"], ["p2"]]
    assert q.is_paged


# --- enableWhen -------------------------------------------------------------------------------

def enabled(q, resp, link_id):
    return {v.anchor: v.enabled for v in engine.walk(q, engine.read_response(resp))}[link_id]


def follow_up(question_type, operator, answer_key, answer_value, **extra):
    return questionnaire(
        {"linkId": "q", "type": question_type, **extra},
        {"linkId": "f", "type": "string",
         "enableWhen": [{"question": "q", "operator": operator, answer_key: answer_value}]},
    )


@pytest.mark.parametrize("question_type, operator, answer_key, expected, given_value, result", [
    ("integer", "=", "answerInteger", 5, {"valueInteger": 5}, True),
    ("integer", "=", "answerInteger", 5, {"valueInteger": 4}, False),
    ("integer", "!=", "answerInteger", 5, {"valueInteger": 4}, True),
    ("integer", "!=", "answerInteger", 5, {"valueInteger": 5}, False),
    ("integer", ">", "answerInteger", 5, {"valueInteger": 6}, True),
    ("integer", ">", "answerInteger", 5, {"valueInteger": 5}, False),
    ("integer", "<", "answerInteger", 5, {"valueInteger": 4}, True),
    ("integer", "<", "answerInteger", 5, {"valueInteger": 5}, False),
    ("integer", ">=", "answerInteger", 5, {"valueInteger": 5}, True),
    ("integer", ">=", "answerInteger", 5, {"valueInteger": 4}, False),
    ("integer", "<=", "answerInteger", 5, {"valueInteger": 5}, True),
    ("integer", "<=", "answerInteger", 5, {"valueInteger": 6}, False),
    ("decimal", ">", "answerDecimal", 38.0, {"valueDecimal": 38.5}, True),
    ("decimal", "<=", "answerDecimal", 38.0, {"valueDecimal": 38}, True),
    ("date", "<", "answerDate", "2026-01-01", {"valueDate": "2025-12-31"}, True),
    ("date", ">=", "answerDate", "2026-01-01", {"valueDate": "2025-12-31"}, False),
    ("dateTime", ">", "answerDateTime", "2026-01-01T10:00:00Z", {"valueDateTime": "2026-01-01T11:00:00+00:00"}, True),
    ("time", "<", "answerTime", "12:00:00", {"valueTime": "09:30:00"}, True),
    ("string", "=", "answerString", "yes", {"valueString": "yes"}, True),
    ("string", "!=", "answerString", "yes", {"valueString": "no"}, True),
    ("boolean", "=", "answerBoolean", True, {"valueBoolean": True}, True),
    ("boolean", "=", "answerBoolean", True, {"valueBoolean": False}, False),
    ("quantity", ">", "answerQuantity", {"value": 70, "unit": "kg"}, {"valueQuantity": {"value": 80, "unit": "kg"}},
     True),
    ("quantity", ">", "answerQuantity", {"value": 70, "unit": "kg"}, {"valueQuantity": {"value": 80, "unit": "lb"}},
     False),
])
def test_every_operator(question_type, operator, answer_key, expected, given_value, result):
    q = follow_up(question_type, operator, answer_key, expected)
    assert enabled(q, response(answer("q", given_value)), "f") is result


@pytest.mark.parametrize("operator, wanted, answers, result", [
    ("=", "blue", ["red", "blue"], True),  # any answer may match
    ("=", "blue", ["red"], False),
    ("!=", "blue", ["red", "green"], True),
    ("!=", "blue", ["red", "blue"], False),  # no answer may equal it
    ("!=", "blue", [], True),  # R4: no answer equals the value
    ("=", "blue", [], False),
])
def test_coded_answers_and_multiple_answers(operator, wanted, answers, result):
    q = follow_up("choice", operator, "answerCoding", {"system": "http://example.org/cs", "code": wanted},
                  answerOption=COLOURS, repeats=True)
    resp = response(answer("q", *[coding(c) for c in answers])) if answers else response()
    assert enabled(q, resp, "f") is result


def test_codings_match_by_code_and_by_system_where_both_give_one():
    q = follow_up("open-choice", "=", "answerCoding", {"system": "http://example.org/cs", "code": "blue"},
                  answerOption=COLOURS)
    assert enabled(q, response(answer("q", {"valueCoding": {"code": "blue"}})), "f") is True
    assert enabled(q, response(answer("q", coding("blue", system="http://other"))), "f") is False


@pytest.mark.parametrize("wanted, answered, result", [(True, True, True), (True, False, False),
                                                      (False, False, True), (False, True, False)])
def test_exists(wanted, answered, result):
    q = follow_up("string", "exists", "answerBoolean", wanted)
    resp = response(answer("q", {"valueString": "x"})) if answered else response()
    assert enabled(q, resp, "f") is result


@pytest.mark.parametrize("behavior, a, b, result", [
    ("all", True, True, True), ("all", True, False, False),
    ("any", True, False, True), ("any", False, False, False),
])
def test_enable_behavior_all_and_any(behavior, a, b, result):
    q = questionnaire(
        {"linkId": "a", "type": "boolean"}, {"linkId": "b", "type": "boolean"},
        {"linkId": "f", "type": "string", "enableBehavior": behavior, "enableWhen": [
            {"question": "a", "operator": "=", "answerBoolean": True},
            {"question": "b", "operator": "=", "answerBoolean": True}]},
    )
    resp = response(answer("a", {"valueBoolean": a}), answer("b", {"valueBoolean": b}))
    assert enabled(q, resp, "f") is result


def test_descendants_of_a_disabled_group_are_disabled():
    q = questionnaire(
        {"linkId": "smoker", "type": "boolean"},
        {"linkId": "smoking", "type": "group", "enableWhen": [
            {"question": "smoker", "operator": "=", "answerBoolean": True}],
         "item": [{"linkId": "per-day", "type": "integer"},
                  {"linkId": "inner", "type": "group", "item": [{"linkId": "years", "type": "integer"}]}]},
    )
    resp = response(answer("smoker", {"valueBoolean": False}))
    assert not enabled(q, resp, "per-day") and not enabled(q, resp, "years")
    assert enabled(q, response(answer("smoker", {"valueBoolean": True})), "years")


NESTED = {
    "linkId": "member", "type": "group", "repeats": True, "item": [
        {"linkId": "living", "type": "boolean"},
        {"linkId": "age-at-death", "type": "integer",
         "enableWhen": [{"question": "living", "operator": "=", "answerBoolean": False}]},
        {"linkId": "conditions", "type": "group", "repeats": True, "item": [
            {"linkId": "condition", "type": "string"},
            {"linkId": "onset", "type": "integer",
             "enableWhen": [{"question": "condition", "operator": "exists", "answerBoolean": True}]}]},
    ],
}


def test_enable_when_inside_repeating_groups_reads_the_same_instance():
    q = questionnaire(NESTED)
    resp = response(
        {"linkId": "member", "item": [answer("living", {"valueBoolean": True})]},
        {"linkId": "member", "item": [
            answer("living", {"valueBoolean": False}),
            {"linkId": "conditions", "item": [answer("condition", {"valueString": "Cancer"})]},
            {"linkId": "conditions", "item": [answer("onset", {"valueInteger": 50})]},
        ]},
    )
    states = {v.anchor: v.enabled for v in engine.walk(q, engine.read_response(resp))}
    assert states["age-at-death@0"] is False
    assert states["age-at-death@1"] is True
    assert states["onset@1.0"] is True
    assert states["onset@1.1"] is False  # its own instance has no condition
    issues = engine.validate_response(q, resp)
    assert [(i.anchor, i.message) for i in issues] == [
        ("onset@1.1", "“onset” does not apply given the other answers, so it must not be answered")]
    assert issues[0].expression == (
        "QuestionnaireResponse.item.where(linkId='member')[1].item.where(linkId='conditions')[1]"
        ".item.where(linkId='onset')")


def eval_answer_lists(canonical, resource_type):
    """The test answer lists (tests/data/terminology) the evaluation questionnaires name."""
    bundle = json.loads((paths.TEST_DATA / "terminology" / "eval-answer-lists.json").read_text())
    return next((e["resource"] for e in bundle["entry"] if e["resource"]["url"] == canonical.split("|")[0]
                 and e["resource"]["resourceType"] == resource_type), None)


def test_child_questions_of_a_question_depend_on_its_answer():
    q = engine.parse_questionnaire(load("lforms_R4_ussg-fhp.json"), value_sets=eval_answer_lists)
    living = q.item("/54114-4/54139-1")
    yes, no = living.option_by_token("LA33-6"), living.option_by_token("LA32-8")
    cause = "/54114-4/54139-1/54112-8"
    resp = response({"linkId": "/54114-4", "item": [
        answer(living.link_id, yes.answer, children=[answer(cause, {"valueCoding": {"code": "LA10533-0"}})])]})
    assert messages(engine.validate_response(q, resp)) == [
        "“Cause of Death” does not apply given the other answers, so it must not be answered"]
    resp["item"][0]["item"][0]["answer"][0] = {**no.answer, "item": [answer(cause, {"valueCoding": {
        "system": "http://loinc.org", "code": "LA10533-0", "display": "Blood Clots"}})]}
    assert messages(engine.validate_response(q, resp)) == []


# --- validation ---------------------------------------------------------------------------------

TYPES = questionnaire(
    {"linkId": "flag", "type": "boolean", "text": "Flag?"},
    {"linkId": "count", "type": "integer", "text": "How many?"},
    {"linkId": "temp", "type": "decimal", "text": "Temperature"},
    {"linkId": "born", "type": "date", "text": "Date of birth"},
    {"linkId": "when", "type": "dateTime", "text": "When"},
    {"linkId": "at", "type": "time", "text": "At"},
    {"linkId": "name", "type": "string", "text": "Name", "maxLength": 5},
    {"linkId": "notes", "type": "text", "text": "Notes"},
    {"linkId": "weight", "type": "quantity", "text": "Weight"},
    {"linkId": "colour", "type": "choice", "text": "Colour", "answerOption": COLOURS},
    {"linkId": "pet", "type": "open-choice", "text": "Pet", "answerOption": [{"valueString": "Cat"}]},
)


@pytest.mark.parametrize("item, value, message", [
    ("flag", {"valueString": "yes"}, "“Flag?” needs a yes or no as its answer, not a text"),
    ("count", {"valueInteger": "3"}, "“How many?” must be a whole number"),
    ("count", {"valueInteger": True}, "“How many?” must be a whole number"),
    ("count", {"valueDecimal": 2.5}, "“How many?” needs a whole number as its answer, not a number"),
    ("temp", {"valueDecimal": "hot"}, "“Temperature” must be a number"),
    ("born", {"valueDate": "2026-02-30"}, "“Date of birth” must be a real date"),
    ("when", {"valueDateTime": "2026-02-01T10:00"}, "“When” must be a real date and time"),
    ("at", {"valueTime": "25:00:00"}, "“At” must be a real time"),
    ("name", {"valueString": "Alexandra"}, "“Name” must be 5 characters or fewer"),
    ("weight", {"valueQuantity": {"unit": "kg"}}, "“Weight” must be a quantity with a number"),
    ("colour", coding("purple"), "Choose one of the listed answers for “Colour”"),
    ("colour", {"valueString": "Red"}, "“Colour” needs a coded answer as its answer, not a text"),
])
def test_wrong_answers_are_refused_with_a_message_naming_the_question(item, value, message):
    issues = engine.validate_response(TYPES, response(answer(item, value), status="in-progress"))
    assert messages(issues) == [message]
    assert issues[0].link_id == item


def test_well_formed_answers_of_every_type_are_accepted():
    resp = response(
        answer("flag", {"valueBoolean": False}), answer("count", {"valueInteger": 3}),
        answer("temp", {"valueDecimal": 37.5}), answer("born", {"valueDate": "1970-05-01"}),
        answer("when", {"valueDateTime": "2026-02-01T10:00:00-08:00"}), answer("at", {"valueTime": "10:30:00"}),
        answer("name", {"valueString": "Ann"}), answer("notes", {"valueString": "Line\nline"}),
        answer("weight", {"valueQuantity": {"value": 70, "unit": "kg"}}), answer("colour", coding("red")),
        answer("pet", {"valueString": "A parrot"}),  # open-choice: free text is fine
    )
    assert engine.validate_response(TYPES, resp) == []


def test_required_questions_and_groups():
    q = questionnaire(
        {"linkId": "q1", "type": "choice", "text": "Pick one", "required": True, "answerOption": COLOURS},
        {"linkId": "q2", "type": "string", "text": "Your name", "required": True},
        {"linkId": "g", "type": "group", "text": "About you", "required": True,
         "item": [{"linkId": "g1", "type": "string"}]},
        {"linkId": "family", "type": "group", "text": "Family member", "repeats": True, "item": [
            {"linkId": "relation", "type": "string", "text": "Relation", "required": True},
            {"linkId": "other", "type": "string"}]},
    )
    assert messages(engine.validate_response(q, response())) == [
        "Select an answer for “Pick one”", "Enter an answer for “Your name”",
        "Answer at least one question in “About you”"]
    # A required question inside an optional repeating group is needed in each instance
    # that has any answer; an empty instance is as good as none.
    resp = response(answer("q1", coding("red")), answer("q2", {"valueString": "A"}),
                    {"linkId": "g", "item": [answer("g1", {"valueString": "x"})]},
                    {"linkId": "family", "item": []},
                    {"linkId": "family", "item": [answer("other", {"valueString": "y"})]})
    issues = engine.validate_response(q, resp)
    assert [(i.anchor, i.message) for i in issues] == [("relation@1", "Enter an answer for “Relation”")]
    # In-progress responses may leave required items out.
    assert engine.validate_response(q, response(status="in-progress")) == []


def test_repeats_and_closed_lists():
    q = questionnaire(
        {"linkId": "one", "type": "choice", "text": "One colour", "answerOption": COLOURS},
        {"linkId": "many", "type": "choice", "text": "Colours", "repeats": True, "answerOption": COLOURS},
    )
    assert messages(engine.validate_response(q, response(answer("one", coding("red"), coding("blue"))))) == [
        "“One colour” takes one answer only"]
    assert engine.validate_response(q, response(answer("many", coding("red"), coding("blue")))) == []


def test_an_exclusive_option_cannot_be_chosen_with_others():
    none = {"valueCoding": {"code": "none", "display": "None of these"}, "extension": [
        {"url": EXCLUSIVE, "valueBoolean": True}]}
    q = questionnaire({"linkId": "symptoms", "type": "choice", "repeats": True, "answerOption": [*COLOURS, none]})
    issues = engine.validate_response(q, response(answer("symptoms", coding("red"), {"valueCoding": {"code": "none"}})))
    assert [(i.link_id, i.message) for i in issues] == [
        ("symptoms", "Select “None of these” on its own, or select other answers without it")]
    assert engine.validate_response(q, response(answer("symptoms", {"valueCoding": {"code": "none"}}))) == []


def test_structural_mistakes_are_reported():
    q = questionnaire({"linkId": "g", "type": "group", "item": [{"linkId": "a", "type": "string"}]},
                      {"linkId": "info", "type": "display", "text": "Read this"})
    resp = response({"linkId": "nope", "answer": [{"valueString": "x"}]},
                    {"linkId": "info", "answer": [{"valueString": "x"}]},
                    {"linkId": "g", "answer": [{"valueString": "x"}], "item": [answer("a", {"valueString": "y"})]})
    assert messages(engine.validate_response(q, resp)) == [
        "nope is not a question in this questionnaire here",
        "“g” is a group and cannot have answers",
        "“Read this” is text to read and cannot be answered",
    ]


def test_prune_disabled_removes_answers_along_a_chain_of_conditions():
    q = questionnaire(
        {"linkId": "a", "type": "boolean"},
        {"linkId": "b", "type": "boolean", "enableWhen": [{"question": "a", "operator": "=", "answerBoolean": True}]},
        {"linkId": "c", "type": "string", "enableWhen": [{"question": "b", "operator": "=", "answerBoolean": True}]},
    )
    stale = response(answer("a", {"valueBoolean": False}), answer("b", {"valueBoolean": True}),
                     answer("c", {"valueString": "x"}))
    assert len(messages(engine.validate_response(q, stale))) == 2
    pruned = engine.prune_disabled(q, stale)
    assert [i["linkId"] for i in pruned["item"]] == ["a"]
    assert engine.validate_response(q, pruned) == []


# --- calculations -----------------------------------------------------------------------------

def phq9_response(q, link_ids, choice_indexes, group=None):
    items = [answer(link_id, q.item(link_id).options[index].answer) for link_id, index in zip(link_ids, choice_indexes,
                                                                                               strict=True)]
    return response({"linkId": group, "item": items}) if group else response(*items)


def calculated_answer(resp, link_id):
    for visit in engine.walk(SDC_PHQ9 if link_id == "H1/TS" else LFORMS_PHQ9, engine.read_response(resp)):
        if visit.item.link_id == link_id and visit.node is not None:
            return visit.node.answers
    return None


SDC_PHQ9 = engine.parse_questionnaire(load("sdc_questionnaire-sdc-profile-example-PHQ9.json"))
LFORMS_PHQ9 = engine.parse_questionnaire(load("lforms_R4_phq9.json"))


def test_sdc_phq9_total_uses_answers_ordinal_and_sum():
    link_ids = [f"H1/T1/Q{i}" for i in range(1, 10)]
    resp = phq9_response(SDC_PHQ9, link_ids, [1, 2, 3, 0, 1, 2, 3, 0, 1], group="H1/T1")
    before = copy.deepcopy(resp)
    completed, issues = engine.complete_response(SDC_PHQ9, resp)
    assert resp == before  # the input is not changed
    assert issues == []
    assert calculated_answer(completed, "H1/TS") == [{"valueQuantity": {"value": 13}}]


def test_lforms_phq9_total_uses_variables_and_its_own_item_weights():
    link_ids = [i.link_id for i in LFORMS_PHQ9.items[:9]]
    resp = phq9_response(LFORMS_PHQ9, link_ids, [3] * 9)
    completed, issues = engine.complete_response(LFORMS_PHQ9, resp)
    assert issues == []
    assert calculated_answer(completed, "/44261-6") == [{"valueDecimal": 27}]
    # Answering only some questions counts the rest as 0; answering none gives no score.
    partial, _ = engine.calculate(LFORMS_PHQ9, phq9_response(LFORMS_PHQ9, link_ids[:2], [1, 2]))
    assert calculated_answer(partial, "/44261-6") == [{"valueDecimal": 3}]
    empty, _ = engine.calculate(LFORMS_PHQ9, response())
    assert calculated_answer(empty, "/44261-6") is None


def test_a_wrong_calculated_value_from_a_sender_is_refused():
    link_ids = [i.link_id for i in LFORMS_PHQ9.items[:9]]
    resp = phq9_response(LFORMS_PHQ9, link_ids, [1] * 9)
    resp["item"].append(answer("/44261-6", {"valueDecimal": 2}))
    _, issues = engine.complete_response(LFORMS_PHQ9, resp)
    assert [(i.link_id, i.message) for i in issues] == [
        ("/44261-6", "“Patient health questionnaire 9 item total score” is calculated from the other answers: "
                     "expected 9")]
    resp["item"][-1] = answer("/44261-6", {"valueDecimal": 9})
    assert engine.complete_response(LFORMS_PHQ9, resp)[1] == []


def test_hunger_vital_sign_risk_is_selected_from_its_list():
    q = engine.parse_questionnaire(load("sdc_questionnaire-sdc-profile-example-hunger-vital-signs.json"))
    worried = q.item("/88122-7")
    at_risk, _ = engine.calculate(q, response(answer("/88122-7", worried.option_by_token("LA6729-3").answer)))
    assert at_risk["item"][-1]["answer"][0]["valueCoding"]["display"] == "At risk"
    no_risk, _ = engine.calculate(q, response(answer("/88122-7", worried.option_by_token("LA28398-8").answer)))
    assert no_risk["item"][-1]["answer"][0]["valueCoding"]["display"] == "No risk"


def test_fhirpath_functions_beyond_the_standard():
    q = questionnaire({"linkId": "a", "type": "decimal"}, {"linkId": "b", "type": "decimal"})
    resp = response(answer("a", {"valueDecimal": 1.5}), answer("b", {"valueDecimal": 2.25}))
    functions = engine.expressions.sdc_functions(q)
    assert engine.evaluate("answers().value.sum()", resp, functions=functions) == [pytest.approx(3.75)]
    assert engine.evaluate("answers().value.max()", resp, functions=functions) == [pytest.approx(2.25)]


def test_a_broken_expression_is_a_warning_not_a_crash():
    q = questionnaire({"linkId": "score", "type": "integer", "extension": [{
        "url": engine.EXT_CALCULATED, "valueExpression": {"language": "text/fhirpath", "expression": "nope(("}}]})
    completed, issues = engine.calculate(q, response())
    assert completed.get("item", []) == []
    assert [i.severity for i in issues] == ["warning"] and issues[0].link_id == "score"


# --- properties ---------------------------------------------------------------------------------

CONDITIONAL = questionnaire(
    {"linkId": "n", "type": "integer"},
    {"linkId": "flag", "type": "boolean"},
    {"linkId": "gt", "type": "string", "enableWhen": [{"question": "n", "operator": ">", "answerInteger": 5}]},
    {"linkId": "either", "type": "string", "enableBehavior": "any", "enableWhen": [
        {"question": "n", "operator": "<=", "answerInteger": 0},
        {"question": "flag", "operator": "=", "answerBoolean": True}]},
    {"linkId": "chained", "type": "string", "enableWhen": [{"question": "gt", "operator": "exists",
                                                            "answerBoolean": True}]},
)


@settings(max_examples=150, deadline=None)
@given(n=st.one_of(st.none(), st.integers(-10, 10)), flag=st.one_of(st.none(), st.booleans()),
       answered=st.sets(st.sampled_from(["gt", "either", "chained"])))
def test_validation_never_accepts_an_answer_to_a_disabled_item(n, flag, answered):
    items = []
    if n is not None:
        items.append(answer("n", {"valueInteger": n}))
    if flag is not None:
        items.append(answer("flag", {"valueBoolean": flag}))
    items += [answer(link_id, {"valueString": "text"}) for link_id in sorted(answered)]
    resp = response(*items)
    issues = engine.validate_response(CONDITIONAL, resp)
    if not issues:
        states = {v.anchor: v.enabled for v in engine.walk(CONDITIONAL, engine.read_response(resp))}
        assert all(states[link_id] for link_id in answered)
    else:
        assert {i.code for i in issues} == {"business-rule"}
    # Pruning leaves a response the validator accepts, keeping every answer that applies.
    pruned = engine.prune_disabled(CONDITIONAL, resp)
    assert engine.validate_response(CONDITIONAL, pruned) == []
    assert {i["linkId"] for i in pruned.get("item", [])} >= {"n", "flag"} & {i["linkId"] for i in items}


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(0, 3), min_size=9, max_size=9))
def test_phq9_total_is_the_sum_of_the_item_scores(choices):
    link_ids = [f"H1/T1/Q{i}" for i in range(1, 10)]
    completed, _ = engine.calculate(SDC_PHQ9, phq9_response(SDC_PHQ9, link_ids, choices, group="H1/T1"))
    assert calculated_answer(completed, "H1/TS") == [{"valueQuantity": {"value": sum(choices)}}]


def test_a_contained_value_set_can_be_named_by_its_url():
    value_set = {"resourceType": "ValueSet", "id": "yn", "url": "http://example.org/ValueSet/yn", "status": "active",
                 "compose": {"include": [{"system": "http://example.org/yn", "concept": [
                     {"code": "y", "display": "Yes"}, {"code": "n", "display": "No"}]}]}}
    q = questionnaire({"linkId": "q", "type": "choice", "answerValueSet": "http://example.org/ValueSet/yn"},
                      contained=[value_set])
    assert [o.label for o in q.item("q").options] == ["Yes", "No"] and q.item("q").closed


def test_an_external_value_set_that_is_not_loaded_refuses_a_choice_and_leaves_an_open_choice_free_text():
    with pytest.raises(engine.QuestionnaireError) as refused:
        questionnaire({"linkId": "q", "type": "choice", "text": "Condition",
                       "answerValueSet": "http://example.org/ValueSet/conditions"})
    assert [i.message for i in refused.value.issues] == [
        "Item q: the answer list http://example.org/ValueSet/conditions is not loaded, so the item cannot be "
        "answered. Load it with careguide import-valueset."]
    q = questionnaire({"linkId": "q", "type": "open-choice", "text": "Condition",
                       "answerValueSet": "http://example.org/ValueSet/conditions"})
    assert q.item("q").options is None and not q.item("q").closed
    assert [w.severity for w in q.warnings] == ["warning"]
    assert engine.validate_response(q, response(answer("q", {"valueString": "Asthma"}))) == []


CALCULATED = "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-calculatedExpression"


def body_surface_area():
    """Mosteller's body surface area, the square root that chemotherapy doses are worked from."""
    answer_of = "%resource.item.where(linkId='{}').answer.value"
    expression = f"(({answer_of.format('height')} * {answer_of.format('weight')}) / 3600).power(0.5)"
    return questionnaire(
        {"linkId": "height", "text": "Height (cm)", "type": "decimal"},
        {"linkId": "weight", "text": "Weight (kg)", "type": "decimal"},
        {"linkId": "bsa", "text": "Body surface area (m2)", "type": "decimal", "readOnly": True,
         "extension": [{"url": CALCULATED, "valueExpression": {"language": "text/fhirpath",
                                                                 "expression": expression}}]},
    )


def test_a_square_root_in_a_calculation_is_computed():
    q = body_surface_area()
    completed, issues = engine.complete_response(
        q, response(answer("height", {"valueDecimal": 170}), answer("weight", {"valueDecimal": 60})))
    assert issues == []
    (bsa,) = [v.node.answers for v in engine.walk(q, engine.read_response(completed)) if v.item.link_id == "bsa"]
    assert len(bsa) == 1 and round(float(bsa[0]["valueDecimal"]), 4) == 1.6833  # sqrt(170 * 60 / 3600)


@pytest.mark.parametrize("expression, expected", [
    ("2.power(0.5)", [1.4142]),
    ("4.power(2)", [16]),
    ("(-2).power(3)", [-8]),
    ("(-8).power(0.5)", []),  # not a real number: empty, as FHIRPath says
    ("0.power(-1)", []),
    ("{}.power(2)", []),
])
def test_power_follows_the_fhirpath_specification(expression, expected):
    from careguide.questionnaires.engine.expressions import evaluate, sdc_functions

    found = evaluate(expression, {}, functions=sdc_functions(questionnaire()))
    assert [round(float(v), 4) for v in found] == expected


# Below 15 significant digits: a sender at binary floating point's full precision is read as such.
@given(st.decimals(min_value=-(10**5) + 1, max_value=10**5 - 1, allow_nan=False, places=10), st.integers(0, 8))
def test_a_calculated_number_agrees_with_itself_rounded_and_not_with_a_different_number(value, places):
    from careguide.questionnaires.engine.values import agrees_with_calculation

    rounded = round(value, places)  # as the sender writes it: `places` digits after the point
    assert agrees_with_calculation("valueDecimal", rounded, "valueDecimal", value)
    step = Decimal(1).scaleb(-places)
    assert not agrees_with_calculation("valueDecimal", rounded + 2 * step, "valueDecimal", value)


@pytest.mark.parametrize("expression, expected", [
    ("2.5.round()", "3"),  # a half rounds up, as FHIRPath says ("0.5 or higher will round to 1")
    ("24.45.round(1)", "24.5"),
    ("0.125.round(2)", "0.13"),
    ("3.14159.round(3)", "3.142"),
    ("(-2.5).round()", "-2"),  # as fhirpath.js (LHC-Forms, Smart Forms) does
])
def test_round_rounds_a_half_up_as_fhirpath_says(expression, expected):
    from careguide.questionnaires.engine.expressions import evaluate, sdc_functions

    assert [str(v) for v in evaluate(expression, {}, functions=sdc_functions(questionnaire()))] == [expected]


def test_a_browser_that_rounds_a_half_down_in_binary_still_agrees_with_the_score():
    from careguide.questionnaires.engine.values import agrees_with_calculation

    # fhirpath.js: Math.round(24.45 * 10) / 10 is 24.4 (24.45 is 24.4499999... in binary).
    assert agrees_with_calculation("valueDecimal", 24.4, "valueDecimal", 24.5)
    assert not agrees_with_calculation("valueDecimal", 24.3, "valueDecimal", 24.5)
    assert not agrees_with_calculation("valueDecimal", 1.6, "valueDecimal", 1.683250823060346)


@pytest.mark.parametrize("repeats, starts_with", [
    (True, [{"valueCoding": {"code": "c2", "display": "Two"}}, {"valueString": "typed"}]),
    (False, [{"valueString": "typed"}]),
])
def test_initial_and_initial_selected_together_are_named_at_import_and_none_is_dropped_silently(repeats, starts_with):
    q = questionnaire({
        "linkId": "q", "text": "Pick", "type": "open-choice", "repeats": repeats,
        "answerOption": [{"valueCoding": {"code": "c1", "display": "One"}},
                         {"valueCoding": {"code": "c2", "display": "Two"}, "initialSelected": True}],
        "initial": [{"valueString": "typed"}],
    })
    assert list(q.item("q").initial) == starts_with
    assert [w.link_id for w in q.warnings if "initialSelected" in w.message] == ["q"]
