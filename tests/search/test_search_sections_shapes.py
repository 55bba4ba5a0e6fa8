"""Search reads a page's blocks the same in every shape they are stored in (issue 14, item 8).

The content loader stores a list as ["a", "b"]; Wagtail's editor stores each item as
{"type": "item", "value": "a", "id": ...}; code may hold bound values (StructValue, ListValue,
RichText). Whatever the shape, the page's sections, their anchors and their words are the same,
and a value of a shape search does not know adds no words instead of failing the publish.
"""

from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from careguide.core.tools import TOOLS
from careguide.library.models import LibraryPage
from careguide.search.sections import extract_sections

BODY = LibraryPage._meta.get_field("body").stream_block

word = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=10)
sentence = st.lists(word, min_size=1, max_size=6).map(lambda ws: " ".join(ws).capitalize() + ".")
sentences = st.lists(sentence, min_size=1, max_size=4)
tools = st.lists(st.sampled_from(sorted(TOOLS)), min_size=1, max_size=3, unique=True)


@st.composite
def bodies(draw):
    """A page body as the content loader stores it: every block that holds a list, in any order."""
    def html(text):
        return f"<p>{text}</p>"

    blocks = [
        ("key_points", {"heading": draw(sentence), "items": draw(sentences)}),
        ("when_to_get_help", {"heading": draw(sentence), "emergency": draw(sentences),
                              "urgent": draw(st.lists(sentence, max_size=3)),
                              "routine": draw(st.lists(sentence, max_size=3))}),
        ("types", {"heading": draw(sentence), "intro": html(draw(sentence)),
                   "items": [{"name": draw(sentence), "description": html(s)} for s in draw(sentences)]}),
        ("phases", {"heading": draw(sentence), "intro": "",
                    "items": [{"name": draw(sentence), "duration": draw(sentence), "description": html(s)}
                              for s in draw(sentences)]}),
        ("health_tools", {"heading": draw(sentence), "tools": draw(tools)}),
        ("callout", {"variant": "info", "heading": draw(sentence), "text": html(draw(sentence))}),
        ("text", f"<h2>{draw(sentence)}</h2>{html(draw(sentence))}"),
    ]
    order = draw(st.permutations(range(len(blocks))))
    return [{"type": blocks[i][0], "id": f"block-{i}", "value": blocks[i][1]} for i in order]


def sections(raw):
    page = SimpleNamespace(body=SimpleNamespace(raw_data=raw), summary="About this page.")
    return extract_sections(page, side_effect_names={}, tools=TOOLS)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bodies())
def test_the_loader_the_editor_and_bound_values_give_the_same_sections(raw):
    bound = BODY.to_python(raw)
    as_bound_values = [{"type": child.block_type, "id": child.id, "value": child.value} for child in bound]
    as_the_editor_saves = BODY.get_prep_value(bound)  # what Wagtail's editor stores
    assert as_the_editor_saves != raw  # list items became {"type": "item", "value", "id"}

    expected = sections(raw)
    assert sections(as_the_editor_saves) == expected
    assert sections(as_bound_values) == expected
    # Every list item is in the index.
    text = " ".join(s.text for s in expected)
    for block in raw:
        if block["type"] == "key_points":
            assert all(item in text for item in block["value"]["items"])


def test_side_effect_items_in_either_shape_are_named():
    raw = [{"type": "side_effects", "id": "x", "value": {"heading": "Possible side effects", "intro": "",
                                                         "items": [7, {"type": "item", "value": 8, "id": "y"}]}}]
    text = sections_text(raw, side_effect_names={7: "Fatigue", 8: "Nausea"})
    assert "Fatigue." in text and "Nausea." in text


@pytest.mark.parametrize("odd", [None, 42, {"unexpected": "shape"}, ["nested", ["list"]], object()])
def test_a_value_of_an_unknown_shape_adds_no_words_and_raises_nothing(odd):
    raw = [{"type": "key_points", "id": "k", "value": {"heading": "Key points", "items": ["Kept.", odd]}},
           {"type": "when_to_get_help", "id": "w", "value": {"heading": "Help", "emergency": odd}},
           {"type": "types", "id": "t", "value": {"heading": "Types", "items": [odd, {"name": "Named."}]}},
           {"type": "callout", "id": "c", "value": {"heading": "Note", "text": odd}}]
    text = sections_text(raw)
    assert "Kept." in text and "Named." in text


def sections_text(raw, side_effect_names=None):
    page = SimpleNamespace(body=SimpleNamespace(raw_data=raw), summary="")
    return " ".join(s.text for s in extract_sections(page, side_effect_names=side_effect_names or {}, tools=TOOLS))
