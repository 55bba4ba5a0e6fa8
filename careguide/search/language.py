"""The language rules that query understanding (query.py) reads: stop words, the everyday
uses of an abbreviation, the kinds of question (intents) with their cue words and the headings
that answer them, and British -> US spellings.

They are data, kept as plain Python so that query.py stays free of Django and of file reading:
editors' synonyms live in the database (content/search/synonyms.yaml, admin); these lists are
the language rules and change with code review.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

# Words dropped from the search terms: question words and little words that every page has.
# "all" is deliberately absent (it can be the ALL of acute lymphoblastic leukemia: see
# EVERYDAY_WORDS), and a word that editors made a synonym term is always kept, whatever this
# list says.
_STOP_WORDS_TEXT = """
    a about after again am an and any are as at be been before being but by can cant could
    did didnt do does doesnt doing dont for from get gets getting got had has have having he
    her hers him his how i id if im in into is isnt it its ive just kind know let like lot me
    mine more most much my need of on once or other our ours out please really she should so
    some such tell than that the their them then there these they thing things this those to
    too under until up us very want was we were what whats when where which while who whom
    will with would you your yours
"""
STOP_WORDS: frozenset[str] = frozenset(_STOP_WORDS_TEXT.split())

# A synonym term that editors wrote in capitals and that is also an everyday word ("ALL", the
# leukemia, and "all") is the abbreviation, except when typed in small letters where the words
# around it show the everyday word: "all the side effects", "all about", "at all", "not all".
# Then it is dropped like a stop word, so "what are all the side effects of chemo" is not about
# leukemia, while "is all curable" and "treatment for all" still are.
EVERYDAY_WORDS: frozenset[str] = STOP_WORDS | {"all"}
EVERYDAY_AFTER = frozenset({
    "the", "of", "my", "your", "our", "his", "her", "their", "these", "those", "this", "that", "about",
    "day", "night", "kinds", "types", "sorts", "over", "right", "along", "together", "i", "you", "we",
    "they", "it",
})
EVERYDAY_BEFORE = frozenset({"at", "not"})


@dataclass(frozen=True)
class Intent:
    """One kind of question: the cue words that show it and the headings that answer it.

    ``cues`` are words or phrases matched on word stems (snowball English), so "treatments"
    and "treated" match the cue "treatment"/"treat"; a cue word ending in "*" matches any word
    that starts with it ("diagnos*": diagnosis, diagnosed). ``headings`` are lowercase word
    starts (or phrases of them) that a section heading answering it contains, or, starting
    with "-", that it must not contain; see ``heading_matches``.
    """

    name: str
    cues: tuple[str, ...]
    headings: tuple[str, ...]


# In priority order: when a question has cues of several intents, the first listed wins
# ("side effects of radiation treatment" is about side effects, "what is the treatment for
# ALL" about treatment). "duration" is a modifier (see analyse): "how long is treatment" asks
# how long *treatment* takes, so its headings are duration's plus those of the next intent.
INTENTS: tuple[Intent, ...] = (
    Intent(
        "duration",
        ("how long", "how much time", "how many week", "how many month", "how many year", "duration"),
        ("how long", "long", "phase", "time", "duration", "schedule", "plan", "expect", "cycle",
         "week", "month", "year", "wait"),
    ),
    Intent(
        "side_effects",
        ("side effect", "sideeffect", "adverse effect", "late effect", "after effect"),
        ("side effect", "effect", "what can help", "when to get help", "call"),
    ),
    Intent(
        "symptoms",
        ("symptom", "sign", "warning sign", "look out for", "notice"),
        ("symptom", "sign", "clue", "look out", "change", "notice", "worry", "when to get help"),
    ),
    Intent(
        "outlook",
        ("outlook", "prognosis", "prognos*", "survival", "survive", "survivor", "chance of recovery",
         "chances of recovery", "life expectancy", "curable", "terminal", "fatal", "deadly"),
        ("outlook", "prognos", "survival", "surviv", "outcome", "average", "recover", "remission",
         "number"),
    ),
    Intent(
        "stages",
        ("stage", "staging", "grade", "grading", "how advanced"),
        ("stage", "staging", "grade", "spread", "advanced"),
    ),
    Intent(
        "tests",
        ("test", "diagnos*", "biopsy", "scan", "screening", "blood work", "find out if", "detect"),
        ("test", "diagnos", "biops", "scan", "screen", "result", "exam", "look at", "check"),
    ),
    Intent(
        "causes",
        ("cause", "why", "reason", "how do you get", "how did i get", "what make"),
        ("cause", "why", "start", "happen", "how cancer", "risk factor"),
    ),
    Intent(
        "prevention",
        ("prevent", "prevention", "avoid", "reduce my risk", "lower my risk", "protect", "stop getting"),
        ("prevent", "avoid", "protect", "lower", "reduce", "safe", "screen"),
    ),
    Intent(
        "inheritance",
        ("inherit*", "hereditary", "genetic", "run in the family", "runs in the family", "passed down",
         "pass it on", "pass on"),
        ("inherit", "hereditar", "genetic", "gene", "family", "passed down"),
    ),
    Intent(
        "risk",
        ("risk", "chance of getting", "likely to get", "who get", "who is at risk", "susceptib*"),
        ("risk", "chance", "likely", "factor", "susceptib", "who get", "who is at", "family"),
    ),
    Intent(
        "research",
        ("research", "clinical trial", "trial", "study", "studies", "new treatment", "experimental"),
        ("research", "trial", "stud", "new treatment", "experimental"),
    ),
    Intent(
        "treatment",
        ("treat", "treatment", "cure", "what to do", "what can i do", "what should i do",
         "how to stop", "get rid of", "help with", "manage", "relief", "relieve", "remedy",
         "medicine", "medication", "cope", "coping"),
        ("treat", "therap", "chemo", "radiation", "surgery", "transplant", "what can help",
         "help", "self care", "manag", "cope", "coping", "tip", "what to do", "plan", "phase",
         "-side effect"),
    ),
    Intent(
        "definition",
        ("what is", "what are", "whats", "mean", "define", "definition", "explain", "same as",
         "difference between", "different from"),
        ("what is", "what are", "mean", "definition", "about", "what a", "information", "overview",
         "introduction", "key point", "basics"),
    ),
)
INTENT_NAMES: tuple[str, ...] = tuple(i.name for i in INTENTS)
MODIFIER_INTENTS: frozenset[str] = frozenset({"duration"})
# Cue words are real words even when no page uses them ("outlook"): never "fixed" as typos.
CUE_WORDS: frozenset[str] = frozenset(
    w.rstrip("*") for i in INTENTS for cue in i.cues for w in cue.split()
)

# Words that only say what kind of answer is wanted: dropped from the terms when they are
# part of a matched cue ("how long", "what does it mean"), kept otherwise ("long term").
CUE_ONLY_WORDS: frozenset[str] = frozenset(
    {"long", "mean", "means", "meaning", "define", "definition", "explain", "why", "same",
     "difference", "different", "between", "reason", "chance", "chances", "likely", "much",
     "many", "time"}
)

# British -> US spelling, because our pages are written in US English. Whole words first,
# then word starts and word parts that are safe to rewrite (no English word is harmed).
BRITISH_WORDS: Mapping[str, str] = {
    "tumour": "tumor", "tumours": "tumors", "tumourous": "tumorous",
    "colour": "color", "behaviour": "behavior", "favour": "favor", "labour": "labor",
    "centre": "center", "centres": "centers", "litre": "liter", "litres": "liters",
    "fibre": "fiber", "fibres": "fibers", "programme": "program", "programmes": "programs",
    "localised": "localized", "localise": "localize", "metastasise": "metastasize",
    "metastasised": "metastasized", "metastasises": "metastasizes", "specialised": "specialized",
    "immunised": "immunized", "hospitalised": "hospitalized", "catheterised": "catheterized",
    "organised": "organized", "recognised": "recognized",
    "haemorrhage": "hemorrhage", "oedema": "edema", "foetal": "fetal", "foetus": "fetus",
    "grey": "gray", "paralysed": "paralyzed", "anaesthetic": "anesthetic",
    "anaesthesia": "anesthesia", "anaesthetist": "anesthesiologist",
}
BRITISH_PREFIXES: tuple[tuple[str, str], ...] = (
    ("leukaem", "leukem"), ("anaem", "anem"), ("haem", "hem"), ("oesophag", "esophag"),
    ("oestr", "estr"), ("oedem", "edem"), ("diarrhoe", "diarrhe"), ("paediatr", "pediatr"),
    ("gynaecolog", "gynecolog"), ("orthopaed", "orthoped"), ("anaesth", "anesth"),
    ("septicaem", "septicem"), ("ischaem", "ischem"), ("dyspnoe", "dyspne"), ("apnoe", "apne"),
)
# Inside a word: hypercalcaemia, thrombocythaemia, leukaemic...
BRITISH_INFIXES: tuple[tuple[str, str], ...] = (("aemia", "emia"), ("aemic", "emic"), ("haemat", "hemat"))
