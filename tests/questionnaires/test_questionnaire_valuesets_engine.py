"""Expanding answer lists in the engine (engine/valuesets.py, ADR 0033): the cases the form tests
do not reach one by one."""

import re

import pytest

from careguide.questionnaires import engine

CS = "http://careguide.invalid/cs"


def parse(*contained, item_type="choice", value_set="#vs", store=None):
    resource = {"resourceType": "Questionnaire", "status": "active", "contained": list(contained),
                "item": [{"linkId": "q", "type": item_type, "text": "Pick", "answerValueSet": value_set}]}
    return engine.parse_questionnaire(
        resource, value_sets=(lambda canonical, kind: (store or {}).get((canonical, kind))))


def codes(questionnaire):
    return [o.value["code"] for o in questionnaire.item("q").options]


def test_a_nested_expansion_is_flattened_and_abstract_entries_are_left_out():
    value_set = {"resourceType": "ValueSet", "id": "vs", "status": "active", "expansion": {
        "timestamp": "2026-12-01", "contains": [
            {"abstract": True, "display": "Fruit", "contains": [
                {"system": CS, "code": "a", "display": "Apples"}, {"system": CS, "code": "b", "display": "Bananas"}]},
            {"system": CS, "code": "c", "display": "Cherries"}]}}
    assert codes(parse(value_set)) == ["a", "b", "c"]


def test_a_system_with_a_value_set_keeps_only_what_both_have_and_a_pinned_version_is_used():
    listed = {"resourceType": "ValueSet", "url": "http://careguide.invalid/vs/ab", "version": "2",
              "status": "active", "compose": {"include": [{"system": CS, "concept": [{"code": "a"}, {"code": "b"}]}]}}
    code_system = {"resourceType": "CodeSystem", "url": CS, "status": "active", "content": "complete", "concept": [
        {"code": "a", "display": "Apples"}, {"code": "c", "display": "Cherries"}]}
    both = {"resourceType": "ValueSet", "id": "vs", "status": "active", "compose": {"include": [
        {"system": CS, "valueSet": ["http://careguide.invalid/vs/ab|2"]}]}}
    store = {("http://careguide.invalid/vs/ab|2", "ValueSet"): listed, (CS, "CodeSystem"): code_system}
    q = parse(both, store=store)
    assert codes(q) == ["a"] and q.item("q").options[0].label == "Apples"
    with pytest.raises(engine.QuestionnaireError, match=re.escape("it needs the ValueSet http://careguide.invalid/vs/ab|2")):
        parse(both, store={(CS, "CodeSystem"): code_system})


def test_value_sets_that_include_each_other_in_a_loop_are_refused():
    one = {"resourceType": "ValueSet", "id": "vs", "status": "active", "compose": {"include": [{"valueSet": ["#two"]}]}}
    two = {"resourceType": "ValueSet", "id": "two", "status": "active", "compose": {"include": [{"valueSet": ["#vs"]}]}}
    with pytest.raises(engine.QuestionnaireError, match="include each other in a loop"):
        parse(one, two)


def test_a_code_that_a_filter_names_but_the_code_system_lacks_is_refused():
    code_system = {"resourceType": "CodeSystem", "id": "cs", "url": CS, "status": "active", "content": "complete",
                   "concept": [{"code": "a"}]}
    value_set = {"resourceType": "ValueSet", "id": "vs", "status": "active", "compose": {"include": [
        {"system": CS, "filter": [{"property": "concept", "op": "is-a", "value": "zzz"}]}]}}
    with pytest.raises(engine.QuestionnaireError, match="the filter is-a zzz names a code that"):
        parse(code_system, value_set)


def test_a_choice_whose_list_has_no_options_is_refused():
    only_a = [{"system": CS, "concept": [{"code": "a"}]}]
    empty = {"resourceType": "ValueSet", "id": "vs", "status": "active",
             "compose": {"include": only_a, "exclude": only_a}}
    with pytest.raises(engine.QuestionnaireError, match="Item q: the answer list #vs has no options"):
        parse(empty)
    assert parse(empty, item_type="open-choice").item("q").options == ()
