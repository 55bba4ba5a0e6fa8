"""Find every "when to call" claim in text a person reads, and check it against the rules.

Pure Python: the test suite feeds it the text of every rendered page, PDF and email
(tests/whole_site/test_clinical_truth.py). A *claim* is a threshold a sentence states with the action it
attaches to it: "call now if your temperature is 100.4°F (38°C) or higher", "call within 24
hours if you throw up 3 to 5 times in 24 hours". The vocabulary of patterns:

- quantities: temperatures (°F with °C, or °C alone, with "or higher", "over", "below", "to"),
  throwing up ("N or more times", "N to M times", "once or twice"), extra stools a day ("N or
  more stools", "any new diarrhea"), days without a bowel movement ("for N days");
- actions: "911" / "emergency" (emergency), "right away", "call now", "do not wait until
  morning" (now), "within 24 hours", "within a day" (within 24 hours), "next visit" (at home);
  a sentence without one takes its container's (a care card, a checklist's "Call your care
  team if:" list, a result page): ``Passage.action``;
- contexts: "during chemotherapy", "cancer medicine", "after a transplant" (on treatment),
  "not getting cancer medicine" (off treatment), "immunotherapy", "medicine has not helped".
  A sentence that names none must hold for someone on treatment or someone who is not.

A claim holds when the rules give exactly its action for every answer it covers and, for an
open-ended threshold ("38°C or higher"), something less urgent just past its edge (otherwise
the page tells people at 37.9°C to wait while the rules say call now). The rules are asked
through the engine (``ClinicalValues.level``), never re-stated here.

Time frames are checked too: any "within N hours", "the same day", "today"... in a sentence
about calling must be a time frame the rule files themselves use (their disposition labels and
reasons), so a page cannot invent "within 48 hours".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from bs4 import BeautifulSoup, Tag

from careguide.triage.values import ClinicalValues, celsius

URGENCY = {"emergency": 0, "red": 1, "amber": 2, "green": 3, "none": 4}
# A passage's action -> the disposition the rules must give for what it covers.
EXPECTED = {"emergency": "emergency", "now": "red", "within_24_hours": "amber", "at_home": "green"}
ACTION_WORDS = {"emergency": "call 911", "now": "call now", "within_24_hours": "call within 24 hours",
                "at_home": "look after it at home"}

NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                "nine": 9, "ten": 10}

_F = r"(\d{2,3}(?:\.\d)?)\s*°\s*F"
_C = r"(\d{2}(?:\.\d)?)\s*°?\s*C\b"
TEMPERATURE = re.compile(rf"{_F}\s*\(\s*{_C}\s*\)|{_C}\s*\(\s*{_F}\s*\)|{_C}|{_F}")
ABOVE_AFTER = re.compile(r"^\s*(?:°\w)?\s*(?:or|and)\s+(?:higher|more|above|over|up)\b")
ABOVE_BEFORE = re.compile(r"\b(?:over|above|higher than|more than)\s+$")
BELOW_BEFORE = re.compile(r"\b(?:below|under|lower than|less than)\s+$")
RANGE_BETWEEN = re.compile(r"^\s*(?:to|and|-|–)\s*$")

VOMIT = re.compile(r"\b(?:throw(?:s|ing)?\s+up|vomit\w*|being sick)\b", re.I)
STOOL = re.compile(r"\b(?:stools?|bowel movements?|poops?|diarrh(?:o)?ea)\b", re.I)
NO_BOWEL = re.compile(r"\b(?:no|not had an?|without an?|not had any)\s+(?:bowel movement|poop)", re.I)
TIMES = r"(?:times|episodes)"
STOOLS = r"(?:(?:extra|more|loose)\s+)*(?:stools|bowel movements|poops|times)"

# Action phrases, most specific first.
ACTIONS = [
    ("emergency", re.compile(r"\b(?:call\s+911|go to (?:the nearest |an )?emergency)", re.I)),
    ("now", re.compile(r"\b(?:right away|straight away|immediately|call (?:us |your care team |the (?:24-hour )?"
                       r"cancer care line )?now|get help now|do not wait until morning)\b", re.I)),
    ("within_24_hours", re.compile(r"\bwithin (?:the next )?(?:24 hours|a day|one day)\b", re.I)),
    ("at_home", re.compile(r"\b(?:next visit|look after (?:it|this|them|yourself) at home"
                           r"|can be looked after at home)\b", re.I)),
]
TIME_FRAME = re.compile(
    r"\b(?:(?:within|in|for|after)\s+(?:the\s+next\s+)?(?:\d+|an?|one|a few|a couple of)\s+(?:hours?|days?)"
    r"|within hours|(?:the\s+)?same day|today|tonight|tomorrow|next visit)\b", re.I)
CALL_VERB = re.compile(r"\b(?:call|contact|phone|tell (?:us|your)|let us know|get help|be (?:checked|seen)|"
                       r"checked|needs? care)\b", re.I)

ON_TREATMENT = re.compile(
    r"\b(?:during (?:chemo\w*|(?:your |cancer )?treatment)|(?:getting|having|on|had|start|started|in)"
    r" (?:chemo\w*|cancer medicines?|cancer treatment|treatment|targeted therapy|immunotherapy|a trial)"
    r"|cancer medicines?|after a (?:stem cell )?transplant|immune system (?:is|may be) weak|weak immune"
    r"|(?:white )?blood (?:cell )?counts? (?:is |are )?low)\b", re.I)
OFF_TREATMENT = re.compile(r"\bnot (?:getting|having|on) (?:any )?(?:cancer medicines?|chemo\w*|cancer treatment|"
                           r"treatment)\b", re.I)
IMMUNOTHERAPY = re.compile(r"\b(?:immunotherapy|checkpoint inhibitor)\b", re.I)
MEDICINE_FAILED = re.compile(r"\bmedicine (?:has not|hasn't|did not|didn't|does not) help", re.I)


@dataclass(frozen=True)
class Passage:
    """One unit of text as shown (a list item, a paragraph, a PDF line), where it is, and the
    action its container gives it (``None``: no container action)."""

    text: str
    where: str
    action: str | None = None


@dataclass(frozen=True)
class Claim:
    quantity: str  # a contract field: temperature_c, vomiting_per_24h, ...
    low: float | None  # None: no lower end
    low_inclusive: bool
    high: float | None
    high_inclusive: bool
    action: str
    contexts: tuple[tuple[tuple[str, bool], ...], ...]
    sentence: str
    shown: str  # the words that stated it


@dataclass(frozen=True)
class Problem:
    where: str
    sentence: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: “{self.sentence}”: {self.message}"


# --- reading text ---------------------------------------------------------------------------


def _words_to_digits(text: str) -> str:
    return re.sub(r"\b(" + "|".join(NUMBER_WORDS) + r")\b",
                  lambda m: str(NUMBER_WORDS[m.group(1).lower()]), text, flags=re.I)


def sentences(text: str) -> list[str]:
    text = " ".join(text.split())
    return [s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z0-9\"“])", text) if s]


def _actions(sentence: str) -> list[tuple[int, str]]:
    found = []
    for action, pattern in ACTIONS:
        for m in pattern.finditer(sentence):
            if not any(start <= m.start() < end for start, end, _ in found):
                found.append((m.start(), m.end(), action))
    return [(start, action) for start, _, action in sorted(found)]


def _contexts(sentence: str) -> tuple[tuple[tuple[str, bool], ...], ...]:
    if OFF_TREATMENT.search(sentence):
        return ((),)
    ctx = {}
    if ON_TREATMENT.search(sentence) or IMMUNOTHERAPY.search(sentence):
        ctx["on_sact"] = True
    if IMMUNOTHERAPY.search(sentence):
        ctx["ici"] = True
    if MEDICINE_FAILED.search(sentence):
        ctx["antidiarrhoeal_failed"] = True
    if ctx:
        return (tuple(sorted(ctx.items())),)
    return ((), (("on_sact", True),))


def _temperatures(sentence: str) -> list[tuple[int, int, float, str | None]]:
    """(start, end, °C, problem) for each temperature written in the sentence."""
    out = []
    for m in TEMPERATURE.finditer(sentence):
        f1, c1, c2, f2, c3, f3 = m.groups()
        problem = None
        if c1 or c2:
            c, f = float(c1 or c2), float(f1 or f2)
            if abs(round(c * 9 / 5 + 32, 1) - f) > 0.05:
                problem = f"{f}°F is not {celsius(c)}°C (that is {round(c * 9 / 5 + 32, 1)}°F)"
        elif c3:
            c = float(c3)
        else:
            f = float(f3)
            c = round((f - 32) * 5 / 9, 1)
            problem = f"{f}°F without °C: give both, as '{f}°F ({celsius(c)}°C)'"
        if 30 <= c <= 45:
            out.append((m.start(), m.end(), c, problem))
    return out


def _temperature_claims(sentence: str) -> tuple[list[tuple], list[str]]:
    """(low, low_inclusive, high, high_inclusive, start, words) per threshold; and problems."""
    temps = _temperatures(sentence)
    claims, problems = [], [p for *_, p in temps if p]
    used = set()
    for i, (start, end, c, _) in enumerate(temps):
        if i in used:
            continue
        before, after = sentence[max(0, start - 30):start], sentence[end:end + 30]
        if i + 1 < len(temps) and RANGE_BETWEEN.match(sentence[end:temps[i + 1][0]]):
            high = temps[i + 1][2]
            claims.append((c, True, high, True, start, sentence[start:temps[i + 1][1]]))
            used.add(i + 1)
        elif BELOW_BEFORE.search(before):
            claims.append((None, False, c, False, start, sentence[start:end]))
        elif ABOVE_BEFORE.search(before):
            claims.append((c, False, None, False, start, sentence[start:end]))
        else:  # "X or higher", and a bare "a fever of X" (read the same way)
            claims.append((c, True, None, False, start, sentence[start:end] + (" or higher" if ABOVE_AFTER.match(after)
                                                                              else "")))
    return claims, problems


def _count_claims(sentence: str, unit: str) -> list[tuple]:
    out = []
    for m in re.finditer(rf"\b(\d+)\s+or\s+more\s+{unit}", sentence, re.I):
        out.append((int(m.group(1)), True, None, False, m.start(), m.group(0)))
    for m in re.finditer(rf"\bmore than\s+(\d+)\s+{unit}", sentence, re.I):
        out.append((int(m.group(1)), False, None, False, m.start(), m.group(0)))
    for m in re.finditer(rf"\b(\d+)\s+(?:to|-|–)\s+(\d+)\s+{unit}", sentence, re.I):
        out.append((int(m.group(1)), True, int(m.group(2)), True, m.start(), m.group(0)))
    for m in re.finditer(rf"\b(\d+)\s+or\s+(\d+)\s+{unit}", sentence, re.I):
        out.append((int(m.group(1)), True, int(m.group(2)), True, m.start(), m.group(0)))
    if unit == TIMES:
        for m in re.finditer(r"\bonce or twice\b", sentence, re.I):
            out.append((1, True, 2, True, m.start(), m.group(0)))
    return out


def _stool_claims(sentence: str, times: bool = True) -> list[tuple]:
    out = _count_claims(sentence, STOOLS if times else STOOLS.replace("|times", ""))
    for m in re.finditer(r"\bany (?:new )?diarrh(?:o)?ea\b", sentence, re.I):
        out.append((1, True, None, False, m.start(), m.group(0)))
    return out


def _constipation_claims(sentence: str) -> list[tuple]:
    out = []
    for m in re.finditer(r"\b(?:less than|under)\s+(\d+)\s+days?", sentence, re.I):
        out.append((1, True, int(m.group(1)) * 24 - 1, True, m.start(), m.group(0)))
    for m in re.finditer(r"\b(?<!than )(?<!under )(\d+)\s+days?(\s+or\s+(?:more|longer))?", sentence, re.I):
        days = int(m.group(1))
        if m.group(2):
            out.append((days * 24, True, None, False, m.start(), m.group(0)))
        else:
            out.append((days * 24, True, days * 24 + 23, True, m.start(), m.group(0)))
    return out


def find_claims(passage: Passage, allowed_time_frames: set[str] = frozenset()) -> tuple[list[Claim], list[Problem]]:
    """Every threshold claim in one passage, and the problems seen while reading it (a °F
    without °C, a wrong conversion, a time frame the rules never use)."""
    text = _words_to_digits(passage.text)
    parts = sentences(text)
    passage_actions = {a for s in parts for _, a in _actions(s)}
    claims: list[Claim] = []
    problems: list[Problem] = []
    for sentence in parts:
        actions = _actions(sentence)
        contexts = _contexts(sentence)
        found: list[tuple[str, tuple]] = []
        temp_claims, temp_problems = _temperature_claims(sentence)
        problems += [Problem(passage.where, sentence, p) for p in temp_problems]
        found += [("temperature_c", c) for c in temp_claims]
        if VOMIT.search(sentence):
            found += [("vomiting_per_24h", c) for c in _count_claims(sentence, TIMES)]
        if STOOL.search(sentence) and not NO_BOWEL.search(sentence):
            # "times" counts stools only when the sentence is not also about throwing up
            found += [("diarrhoea_extra_stools", c) for c in _stool_claims(sentence, times=not VOMIT.search(sentence))]
        if NO_BOWEL.search(sentence):
            found += [("constipation_hours", c) for c in _constipation_claims(sentence)]
        for quantity, (low, low_inc, high, high_inc, start, words) in found:
            if actions:
                action = min(actions, key=lambda a: abs(a[0] - start))[1]
            elif len(passage_actions) == 1:
                action = next(iter(passage_actions))
            else:
                action = passage.action
            if action is None:
                continue  # a temperature in a story, not advice on when to call
            claims.append(Claim(quantity, low, low_inc, high, high_inc, action, contexts, sentence, words))
        problems += _time_frame_problems(passage.where, sentence, found, allowed_time_frames)
    return claims, problems


def time_frames_of(texts: Iterable[str]) -> set[str]:
    """The time frames written in ``texts`` (lower case, "the " dropped)."""
    return {_frame(m.group(0)) for text in texts for m in TIME_FRAME.finditer(text)}


def _frame(words: str) -> str:
    """A time frame as compared: "Within the next 24 hours" -> "within 24 hours"."""
    return re.sub(r"\bthe\s+(?:next\s+)?", "", " ".join(words.lower().split()))


def _time_frame_problems(where: str, sentence: str, found, allowed: set[str]) -> list[Problem]:
    if not CALL_VERB.search(sentence):
        return []
    problems = []
    quantity_spans = [(c[4], c[4] + len(c[5])) for _, c in found]
    for m in TIME_FRAME.finditer(sentence):
        if any(start <= m.start() < end for start, end in quantity_spans):
            continue
        if re.search(r"\b(?:for|in)\s+\d+\s+days?\b", m.group(0)) and NO_BOWEL.search(sentence):
            continue
        frame = _frame(m.group(0))
        if frame not in allowed:
            problems.append(Problem(where, sentence, f"'{m.group(0)}' is not a time frame the rules use "
                                                     f"({', '.join(sorted(allowed))})"))
    return problems


# --- checking a claim -------------------------------------------------------------------------

GRID = {"temperature_c": (34.0, 42.0, 0.1), "vomiting_per_24h": (1, 30, 1), "diarrhoea_extra_stools": (1, 30, 1),
        "constipation_hours": (1, 24 * 10, 1)}


def _grid(quantity: str) -> list[float]:
    lo, hi, step = GRID[quantity]
    if quantity == "temperature_c":
        return [round(lo + i * step, 1) for i in range(int(round((hi - lo) / step)) + 1)]
    return list(range(lo, hi + 1, step))


def _covers(claim: Claim, v: float) -> bool:
    if claim.low is not None and (v < claim.low or (v == claim.low and not claim.low_inclusive)):
        return False
    return not (claim.high is not None and (v > claim.high or (v == claim.high and not claim.high_inclusive)))


def _holds(values: ClinicalValues, claim: Claim, context) -> str | None:
    """None when the rules agree with the claim in this context, else what they say."""
    expected = EXPECTED[claim.action]
    grid = _grid(claim.quantity)
    covered = [v for v in grid if _covers(claim, v)]
    if not covered:
        return "covers no answer the rules know"
    for v in covered:
        level = values.level(claim.quantity, v, context)
        if level != expected:
            return f"at {_show(claim.quantity, v)} the rules say {level}, not {expected}"
    edges = []
    if claim.low is not None and claim.high is None:
        edges = [v for v in grid if v < claim.low or (v == claim.low and not claim.low_inclusive)][-1:]
    elif claim.high is not None and claim.low is None:
        edges = [v for v in grid if v > claim.high or (v == claim.high and not claim.high_inclusive)][:1]
    for v in edges:
        level = values.level(claim.quantity, v, context)
        if URGENCY[level] <= URGENCY[expected]:
            return (f"the rules already say {level} at {_show(claim.quantity, v)}, so this threshold is in the "
                    "wrong place")
    return None


def _show(quantity: str, v: float) -> str:
    if quantity == "temperature_c":
        return f"{celsius(v)}°C"
    if quantity == "constipation_hours":
        return f"{v} hours without a bowel movement"
    return f"{v} {'times' if quantity == 'vomiting_per_24h' else 'extra stools'}"


def _context_words(context) -> str:
    names = [k for k, v in context if v]
    return "on treatment (" + ", ".join(names) + ")" if names else "not on treatment"


def check_claim(values: ClinicalValues, claim: Claim) -> str | None:
    """None when the claim holds in at least one of its contexts, else why not."""
    reasons = []
    for context in claim.contexts:
        why = _holds(values, claim, context)
        if why is None:
            return None
        reasons.append(f"{_context_words(context)}: {why}")
    return (f"says {ACTION_WORDS[claim.action]} for “{claim.shown}”, but " + "; ".join(reasons)
            + f" (rules {values.version})")


def check(values: ClinicalValues, passages: Iterable[Passage], allowed_time_frames: set[str]) -> list[Problem]:
    """Every problem in the passages: claims the rules disagree with, and reading problems."""
    problems: list[Problem] = []
    for passage in passages:
        claims, reading = find_claims(passage, allowed_time_frames)
        problems += reading
        for claim in claims:
            message = check_claim(values, claim)
            if message:
                problems.append(Problem(passage.where, claim.sentence, message))
    return problems


# --- passages from what people see ------------------------------------------------------------

BLOCKS = ("p", "li", "h1", "h2", "h3", "h4", "dt", "dd", "td", "th", "legend", "label", "figcaption")


def passages_from_html(html: str, where: str) -> list[Passage]:
    """Each paragraph, list item or heading of a page as a passage. Its action is the nearest
    ``data-call`` around it (a care card, a result; "" means none), or for a list item, the
    action of the sentence just before its list ("Call us right away if:"). Text inside
    ``data-answer`` (what the person told us) and scripts is skipped."""
    soup = BeautifulSoup(html, "html.parser")
    for el in soup.select("script, style, template, [data-answer]"):
        el.decompose()

    def own_text(el: Tag) -> str:
        parts = []
        for child in el.children:
            if isinstance(child, Tag):
                if child.name in BLOCKS or child.name in ("ul", "ol", "dl", "div", "section", "table"):
                    continue
                parts.append(child.get_text(" "))
            else:
                parts.append(str(child))
        return " ".join(" ".join(parts).split())

    out = []
    for el in soup.find_all(BLOCKS):
        text = own_text(el)
        if not text:
            continue
        holder = el.find_parent(attrs={"data-call": True})
        action = (holder.get("data-call") or None) if holder is not None else None
        if holder is None and el.name == "li":
            lead = el.parent.find_previous_sibling() if el.parent is not None else None
            if lead is not None and lead.name in BLOCKS:
                found = {a for s in sentences(lead.get_text(" ")) for _, a in _actions(s)}
                action = next(iter(found)) if len(found) == 1 else None
        out.append(Passage(text, where, action))
    return out


CALL_HEADING = re.compile(r"^call\b.*\bif:\s*$", re.I)


def passages_from_text(text: str, where: str) -> list[Passage]:
    """A PDF's or an email's text as passages: a line ending a sentence ends a passage (PDF
    lines wrap), "- " starts one; a "Call ... if:" line sets the action of what follows until
    the next heading-like line."""
    out, current, action = [], [], None

    def flush():
        if current:
            out.append(Passage(" ".join(current), where, action))
            current.clear()

    for raw in text.splitlines():
        line = " ".join(raw.split())
        if not line:
            flush()
            continue
        if CALL_HEADING.match(line):
            flush()
            found = _actions(line)
            action = "emergency" if re.search(r"\b911\b", line) else found[0][1] if found else "now"
            out.append(Passage(line, where, None))
            continue
        if line.startswith("- "):
            flush()
            line = line[2:]
        elif not line.endswith((".", ":", "?", "!")) and not current and len(line.split()) <= 4:
            flush()
            action = None  # a heading: the "Call ... if:" list has ended
            out.append(Passage(line, where, None))
            continue
        current.append(line)
        if line.endswith((".", "?", "!", ":")):
            flush()
    flush()
    return out
