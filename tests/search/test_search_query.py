"""Reading a patient's question (careguide.search.query): pure, no database.

The vocabulary is every word of our own content/ files and the synonyms are the editors' file,
so these cases are the ones a patient meets on this site (issue 5).

Decision recorded here: "how long is treatment for ALL" has the intent "duration" (the
question is how long), and its heading words are duration's *and* treatment's, because the
answer sits in a treatment section ("The 3 phases of treatment": "treatment usually takes 2
to 3 years").
"""


import paths
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from careguide.search.language import INTENT_NAMES, INTENTS, STOP_WORDS
from careguide.search.query import (
    Analysis,
    SynonymIndex,
    Vocabulary,
    analyse,
    heading_matches,
    normalize,
)
from careguide.search.synonyms import parse_synonyms

CONTENT = paths.CONTENT
SYNONYMS_FILE = CONTENT / "search" / "synonyms.yaml"


def _content_words() -> Vocabulary:
    words: set[str] = set()
    for path in CONTENT.rglob("*.yaml"):
        if path != SYNONYMS_FILE:
            words.update(normalize(path.read_text(encoding="utf-8")).split())
    return Vocabulary(words)


VOCABULARY = _content_words()
SYNONYMS = SynonymIndex(
    {spec.term: list(spec.equivalents) for spec in parse_synonyms(SYNONYMS_FILE.read_text(encoding="utf-8"))}
)


def ask(text: str) -> Analysis:
    return analyse(text, synonyms=SYNONYMS, vocabulary=VOCABULARY)


def group_of(analysis: Analysis, term: str) -> list[str]:
    return analysis.groups[analysis.terms.index(term)]


# --- the questions of issue 5 ----------------------------------------------------------------


def test_how_long_is_treatment_for_all_asks_duration_of_treatment():
    a = ask("how long is treatment for ALL")
    assert a.intent == "duration"
    assert a.terms == ["treatment", "all"]  # "how long" carried the intent; "is", "for" are stop words
    assert "acute lymphoblastic leukemia" in group_of(a, "all")
    assert heading_matches("The 3 phases of treatment", a.intent_headings)
    assert heading_matches("Planning your treatment", a.intent_headings)
    assert not heading_matches("Possible side effects of radiation", a.intent_headings)
    assert a.corrected is None


@pytest.mark.parametrize("text", [
    "how long is treatment for ALL", "ALL relapse", "treatment for all", "I have all", "side effects of all",
    "what is ALL?", "HOW LONG IS TREATMENT FOR ALL", "is all curable", "all survival rate", "all",
    "What are ALL the side effects",  # typed in capitals: the person means the leukemia
])
def test_all_is_the_leukemia_unless_the_words_around_it_say_otherwise(text):
    a = ask(text)
    assert "acute lymphoblastic leukemia" in group_of(a, next(t for t in a.terms if t == "all"))


@pytest.mark.parametrize("text, terms", [
    ("what are all the side effects of chemo", ["side", "effects", "chemo"]),
    ("All about bone cancer", ["bone cancer"]),
    ("can I eat at all during chemo", ["eat", "during", "chemo"]),
    ("not all lumps are cancer", ["not", "lumps", "cancer"]),
    ("all of my options", ["options"]),
])
def test_all_in_small_letters_inside_a_question_is_the_everyday_word(text, terms):
    a = ask(text)
    assert a.terms == terms
    assert not any("acute lymphoblastic leukemia" in group for group in a.groups)


def test_a_capitalised_synonym_that_is_no_everyday_word_matches_in_any_case():
    assert "acute myeloid leukemia" in group_of(ask("what is aml"), "aml")


def test_chemo_mouth_sores_what_to_do_asks_treatment_of_a_side_effect():
    a = ask("chemo mouth sores what to do")
    assert a.intent == "treatment"
    assert a.terms == ["chemo", "mouth sores"]
    assert a.phrases == ["mouth sores"]
    assert "chemotherapy" in group_of(a, "chemo")
    assert "mucositis" in group_of(a, "mouth sores")
    # The side effect's "What can help" section answers it.
    assert heading_matches("What can help", a.intent_headings)


def test_bone_cancer_versus_cancer_that_spread_to_the_bone():
    a = ask("is bone cancer the same as cancer that spread to the bone?")
    assert a.intent == "definition"
    # The longest phrase is matched first, then the shorter one in what is left.
    assert a.phrases == ["bone cancer", "cancer that spread to the bone"]
    assert a.terms == ["bone cancer", "cancer that spread to the bone"]
    spread = group_of(a, "cancer that spread to the bone")
    assert "secondary bone cancer" in spread and "bone metastasis" in spread
    assert "primary bone cancer" in group_of(a, "bone cancer")


def test_british_spelling_is_normalised_silently():
    a = ask("leukaemia")
    assert a.normalized == "leukemia"
    assert a.terms == ["leukemia"]
    assert a.corrected is None  # a spelling variant is not a mistake: no "did you mean"


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("leukimia", "leukemia"), ("osteosarcomma", "osteosarcoma"), ("lukemia", "leukemia"),
     ("chemoterapy", "chemotherapy"), ("nausia", "nausea"), ("diarhea", "diarrhea"),
     ("luekemia", "leukemia"), ("fatige", "fatigue")],
)
def test_typos_are_fixed_against_our_words(typed, meant):
    assert typed not in VOCABULARY and meant in VOCABULARY
    a = ask(f"{typed} treatment")
    assert a.corrected == f"{meant} treatment"
    assert group_of(a, typed)[:2] == [typed, meant]


def test_a_fixed_word_brings_its_synonyms():
    a = ask("osteosarcomma")
    assert a.corrected == "osteosarcoma"
    assert group_of(a, "osteosarcomma") == ["osteosarcomma", "osteosarcoma", "bone cancer", "sarcoma"]


def test_a_typo_inside_a_question_keeps_the_rest_of_the_question():
    a = ask("What is the outlook for osteosarcomma?")
    assert a.corrected == "what is the outlook for osteosarcoma"
    assert a.intent == "outlook"
    assert a.terms == ["outlook", "osteosarcomma"]


def test_a_typo_of_a_cue_word_still_finds_the_intent():
    a = ask("leukemia treatmnet")
    assert a.corrected == "leukemia treatment"
    assert a.intent == "treatment"


def test_plurals_are_not_typos():
    a = ask("treatments")
    assert a.corrected is None
    assert a.terms == ["treatments"]
    assert a.intent == "treatment"  # stems: "treatments" ~ "treatment"


@pytest.mark.parametrize(
    "word",
    [
        "all", "lp", "tki", "mets", "chemo", "rads", "onc",  # short, or editors' synonyms
        "outlook",  # a cue word, though no page of ours uses it
        "cancers", "biopsies", "anemic", "sarcomas",  # inflections of our words
        "pizza", "melanoma", "myeloma",  # real words with no close word of ours: left alone
        "5fu", "ph+",  # not plain words
    ],
)
def test_words_not_to_correct(word):
    a = ask(word)
    assert a.corrected is None
    assert a.groups[0][0] == normalize(word)


def test_short_words_are_not_corrected_even_when_close():
    # "bon" and "bome" are one letter from "bone", but short words are too often other words.
    assert ask("bon").corrected is None
    assert ask("bome").corrected is None


def test_a_typo_that_stems_like_our_word_is_left_to_the_stemmer():
    # "vomitting" stems to "vomit" like "vomiting": the search finds it without a "did you mean".
    assert ask("vomitting").corrected is None


def test_a_typo_can_be_fixed_to_an_editors_synonym_term():
    a = ask("exausted")
    assert a.corrected == "exhausted"
    assert "fatigue" in group_of(a, "exausted")


# --- synonyms ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "term", "expected"),
    [
        ("ALL", "all", "acute lymphoblastic leukemia"),
        ("AML", "aml", "acute myeloid leukemia"),
        ("rads", "rads", "radiation therapy"),
        ("radiotherapy", "radiotherapy", "radiation therapy"),
        ("IMRT", "imrt", "intensity modulated radiation therapy"),
        ("TKI", "tki", "targeted therapy"),
        ("GVHD", "gvhd", "graft versus host disease"),
        ("Ph+", "ph+", "philadelphia chromosome"),
        ("bone mets", "bone mets", "secondary bone cancer"),
        ("blood cancer", "blood cancer", "hematologic cancer"),
        ("low white count", "low white count", "neutropenia"),
        ("low platelets", "low platelets", "platelets"),
        ("spinal tap", "spinal tap", "intrathecal"),
        ("hair loss", "hair loss", "alopecia"),
        ("so tired", "tired", "fatigue"),
        ("sick to my stomach", "sick to my stomach", "nausea"),
        ("throwing up", "throwing up", "vomiting"),
        ("the runs", "the runs", "diarrhea"),
        ("pins and needles", "pins and needles", "numbness"),
        ("survival", "survival", "prognosis"),
        ("PICCs", "piccs", "iv line"),  # a plural of a synonym term
    ],
)
def test_synonyms_join_the_terms_group(text, term, expected):
    a = ask(text)
    assert expected in group_of(a, term)


def test_every_synonym_leads_to_words_on_our_pages():
    """An equivalent no page uses finds nothing: each term needs at least one that is ours."""
    for term, equivalents in SYNONYMS.items():
        ours = [e for e in equivalents if all(w in VOCABULARY for w in normalize(e).split())]
        assert ours, f"synonym {term!r}: no equivalent uses words from our pages"


def test_longest_phrase_wins():
    syn = {"bone": ["skeleton"], "mets": ["metastasis"], "bone mets": ["bone metastasis"]}
    a = analyse("bone mets pain", synonyms=syn, vocabulary=set())
    assert a.phrases == ["bone mets"]
    assert a.terms == ["bone mets", "pain"]
    assert a.groups[0] == ["bone mets", "bone metastasis"]


def test_a_synonym_term_is_kept_even_if_it_is_a_stop_word():
    a = analyse("what can i do", synonyms={"can": ["cannabis"]}, vocabulary=set())
    assert a.terms == ["can"]
    assert a.groups == [["can", "cannabis"]]


def test_spread_alone_and_in_a_phrase():
    assert "metastasis" in group_of(ask("has it spread"), "spread")
    assert ask("cancer that spread to the bone").phrases == ["cancer that spread to the bone"]


# --- normalising --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("british", "us"),
    [("leukaemia", "leukemia"), ("anaemia", "anemia"), ("haemoglobin", "hemoglobin"),
     ("oesophagus", "esophagus"), ("tumour", "tumor"), ("tumours", "tumors"), ("oedema", "edema"),
     ("diarrhoea", "diarrhea"), ("paediatric", "pediatric"), ("haematology", "hematology"),
     ("foetal", "fetal"), ("oestrogen", "estrogen"), ("hypercalcaemia", "hypercalcemia"),
     ("localised", "localized")],
)
def test_british_to_us(british, us):
    assert normalize(british) == us
    assert normalize(british.upper()) == us


def test_normalize_strips_punctuation_but_keeps_plus():
    assert normalize("Ph+ ALL?!") == "ph+ all"
    assert normalize("Ewing’s sarcoma, don't worry") == "ewing sarcoma dont worry"
    assert normalize("graft-versus-host") == "graft versus host"
    assert normalize("ＣＨＥＭＯ café") == "chemo cafe"  # NFKC full-width letters, accents
    assert normalize("a+b") == "a b"


def test_stop_words_are_dropped_and_listed():
    a = ask("what should I do about my nausea")
    assert a.terms == ["nausea"]
    assert {"what", "should", "i", "do", "my", "is", "the", "for", "can", "does", "to", "how"} <= STOP_WORDS
    assert "all" not in STOP_WORDS


# --- intent ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("how long does chemo take", "duration"),
        ("how much time is radiation", "duration"),
        ("how is ALL treated", "treatment"),
        ("treatments for bone cancer", "treatment"),
        ("can osteosarcoma be cured", "treatment"),
        ("nausea what to do", "treatment"),
        ("side effects of radiation", "side_effects"),
        ("radiation side effect treatment", "side_effects"),  # more specific beats treatment
        ("symptoms of leukemia", "symptoms"),
        ("signs of bone cancer", "symptoms"),
        ("outlook for ALL", "outlook"),
        ("prognosis bone cancer", "outlook"),
        ("survival rate osteosarcoma", "outlook"),
        ("chance of recovery from leukemia", "outlook"),
        ("what stage is my cancer", "stages"),
        ("staging", "stages"),
        ("test for leukemia", "tests"),
        ("how is bone cancer diagnosed", "tests"),
        ("diagnosis of ALL", "tests"),
        ("what causes leukemia", "causes"),
        ("why did I get cancer", "causes"),
        ("risk of bone cancer", "risk"),
        ("who is at risk for leukemia", "risk"),
        ("is bone cancer inherited", "inheritance"),
        ("does leukemia run in the family", "inheritance"),
        ("clinical trials for bone cancer treatment", "research"),  # research, not treatment
        ("new research on ALL", "research"),
        ("how to prevent infection", "prevention"),
        ("prevention of cancer", "prevention"),
        ("what is a biopsy", "tests"),  # a named test beats the generic "what is"
        ("what is metastasis", "definition"),
        ("what does remission mean", "definition"),
        ("define remission", "definition"),
        ("what is the treatment for ALL", "treatment"),  # "what is" only decides when alone
        ("leukemia", None),
    ],
)
def test_intent(question, intent):
    assert ask(question).intent == intent


def test_every_intent_has_cues_and_headings():
    assert set(INTENT_NAMES) == {"treatment", "side_effects", "symptoms", "outlook", "stages", "tests",
                                 "causes", "risk", "inheritance", "research", "prevention", "definition",
                                 "duration"}
    for intent in INTENTS:
        assert intent.cues and intent.headings


def test_cue_only_words_leave_the_terms_but_content_words_stay():
    assert ask("what does metastasis mean").terms == ["metastasis"]
    assert ask("chance of recovery from leukemia").terms == ["recovery", "leukemia"]
    # "long" is dropped in "how long", kept in "long term".
    assert "long" in ask("long term side effects").terms


def test_duration_alone_uses_its_own_headings():
    a = ask("how long does it take")
    assert a.intent == "duration"
    assert heading_matches("The 3 phases of treatment", a.intent_headings)
    assert not heading_matches("How we treat bone cancer", a.intent_headings)


@pytest.mark.parametrize(
    ("question", "heading"),
    [
        ("symptoms of ALL", "Symptoms and when to worry"),
        ("side effects of chemo", "Possible side effects of chemotherapy"),
        ("prognosis for bone cancer", "Survival numbers"),
        ("stages of bone cancer", "The stages, in simple terms"),
        ("how is cancer diagnosed", "Why a biopsy is the best test"),
        ("what is ALL", "What is ALL?"),
        ("what does prognosis mean", "What prognosis means"),
        ("how do you treat bone cancer", "How we treat bone cancer"),
    ],
)
def test_intent_headings_match_our_section_headings(question, heading):
    assert heading_matches(heading, ask(question).intent_headings)


# --- any text ------------------------------------------------------------------------------


def test_empty_and_punctuation_only():
    for text in ("", "   ", "?!", "+", "’"):
        a = ask(text)
        assert (a.terms, a.groups, a.intent, a.corrected) == ([], [], None, None)


def test_a_plain_collection_gives_the_same_answer_as_a_vocabulary():
    plain = set(VOCABULARY)
    for text in ("leukimia", "osteosarcomma pain", "how long is treatment for ALL"):
        assert analyse(text, synonyms=dict(SYNONYMS), vocabulary=plain) == ask(text)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_analyse_never_raises_and_is_deterministic(text):
    first = ask(text)
    assert ask(text) == first
    assert first.original == text
    assert len(first.terms) == len(first.groups)
    assert all(group and group[0] == term for term, group in zip(first.terms, first.groups, strict=True))
    assert first.intent is None or first.intent in INTENT_NAMES
    assert bool(first.intent_headings) == (first.intent is not None)
    assert first.corrected is None or isinstance(first.corrected, str)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(sorted(VOCABULARY | STOP_WORDS | {"ALL", "Ph+", "?", "leukimia"})), max_size=30))
def test_analyse_on_word_salad(words):
    a = ask(" ".join(words))
    assert len(a.terms) == len(set(a.terms))
    assert not set(a.terms) & (STOP_WORDS - set(SYNONYMS.words))
