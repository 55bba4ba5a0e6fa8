"""PRO-CTCAE reference data and composite grading. Pure Python, no Django.

The NCI PRO-CTCAE item library asks about each symptom term with one to three attributes
(frequency, severity, interference; a few terms only "presence" yes/no, and hair loss an
"amount"), each answered on a 0-4 scale. The composite grading table (Basch et al., Clinical
Trials 2020, as published in the ProAE R package) turns one term's answers into a single grade
0-3. Which rows of the table apply to a term follows from the attribute combination of its item
number (``proctcae_item_attribute_combinations.csv``). The three CSV files in ``data/`` are the
only source; this module loads them once and checks they agree with each other.
"""

from __future__ import annotations

import csv
import difflib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).parent / "data"
CROSSWALK_CSV = DATA_DIR / "proctcae_item_crosswalk.csv"
COMBINATIONS_CSV = DATA_DIR / "proctcae_item_attribute_combinations.csv"
GRADING_CSV = DATA_DIR / "proctcae_composite_grading_table.csv"

FREQUENCY, SEVERITY, INTERFERENCE, AMOUNT, PRESENCE = "frequency", "severity", "interference", "amount", "presence"
# The grading table's three columns, in the order PRO-CTCAE asks them: the first one asked is the
# gate; when it is answered 0 the follow-up questions are skipped.
GRADED = (FREQUENCY, SEVERITY, INTERFERENCE)
_ABBREVIATION = {"frq": FREQUENCY, "sev": SEVERITY, "int": INTERFERENCE}
SCORED = range(0, 5)
MAX_GRADE = 3


class ProCtcaeError(ValueError):
    """Answers that cannot be graded; the message names the term and the attribute."""


class UnknownTerm(ProCtcaeError, KeyError):
    def __str__(self):  # KeyError would print the message with quotes around it
        return self.args[0]


class NotGradable(ProCtcaeError):
    """A presence (yes/no) term: PRO-CTCAE defines no composite grade for it."""


@dataclass(frozen=True)
class Item:
    """One PRO-CTCAE item: one attribute of one term, with its scored response options."""

    variable: str
    number: int
    component: str
    term: str
    attribute: str  # frequency | severity | interference | amount | presence
    response_format: str
    options: tuple[str, ...]  # index = score; options past 4 (e.g. "Not applicable") are not scored


@dataclass(frozen=True)
class Term:
    name: str
    number: int
    items: tuple[Item, ...]
    # The grading table's attributes for this term, e.g. ("frequency", "severity"); empty for
    # presence terms. Hair loss's "amount" is graded in the interference column, as the
    # combinations file lists item 27 under "int".
    graded: tuple[str, ...]
    rank: int | None  # the table's combination_rank

    @property
    def attributes(self) -> tuple[str, ...]:
        """The attributes asked for this term, in PRO-CTCAE order."""
        return tuple(item.attribute for item in self.items)

    @property
    def gradable(self) -> bool:
        return bool(self.graded)

    def item(self, attribute: str) -> Item:
        for item in self.items:
            if item.attribute == attribute:
                return item
        raise ProCtcaeError(f"{self.name} has no {attribute} question")


@dataclass(frozen=True)
class Library:
    terms: dict[str, Term]
    # (rank, frequency, severity, interference) -> grade; a column the combination lacks is None.
    table: dict[tuple[int, int | None, int | None, int | None], int]


def _int_or_none(text: str) -> int | None:
    text = text.strip()
    return int(text) if text else None


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@cache
def library() -> Library:
    """The three files, loaded and cross-checked once per process."""
    combos: dict[int, tuple[int, tuple[str, ...]]] = {}
    for row in _read(COMBINATIONS_CSV):
        attrs = tuple(_ABBREVIATION[a] for a in row["fmt"].split())
        for number in row["qset"].split():
            combos[int(number)] = (int(row["rank"]), attrs)

    items_by_term: dict[str, list[Item]] = {}
    for row in _read(CROSSWALK_CSV):
        items_by_term.setdefault(row["symptom_term"], []).append(
            Item(
                variable=row["variable"],
                number=int(row["item_number"]),
                component=row["component"],
                term=row["symptom_term"],
                attribute=row["attribute"].strip().lower(),
                response_format=row["response_format"],
                options=tuple(row["response_options_scored_0_up"].split("|")),
            )
        )

    terms = {}
    for name, items in items_by_term.items():
        number = items[0].number
        rank, graded = combos.get(number, (None, ()))
        asked = {(INTERFERENCE if i.attribute == AMOUNT else i.attribute) for i in items} - {PRESENCE}
        if set(graded) != asked:
            raise ProCtcaeError(
                f"{name} (item {number}): the crosswalk asks {sorted(asked)} "
                f"but the combinations file says {list(graded)}"
            )
        terms[name] = Term(name=name, number=number, items=tuple(items), graded=graded, rank=rank)

    table = {}
    for row in _read(GRADING_CSV):
        key = (int(row["combination_rank"]), *(_int_or_none(row[a]) for a in GRADED))
        table[key] = int(row["composite_grade"])
    return Library(terms=terms, table=table)


def terms() -> dict[str, Term]:
    return library().terms


def term(name: str) -> Term:
    try:
        return library().terms[name]
    except KeyError:
        close = difflib.get_close_matches(name, list(library().terms), n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        raise UnknownTerm(f"'{name}' is not a PRO-CTCAE symptom term{hint}") from None


def composite_grade(name: str, frequency: int | None = None, severity: int | None = None,
                    interference: int | None = None) -> int:
    """The composite grade 0-3 of one term's answers (0-4 each), exactly per the grading table.

    Pass only the attributes the term has (hair loss: its amount as ``interference``). When the
    first attribute asked is 0, PRO-CTCAE skips the others; they may then be left out (None).
    Raises ``ProCtcaeError`` naming the term and attribute for anything the table does not cover.
    """
    t = term(name)
    if not t.gradable:
        raise NotGradable(f"{name} is a yes/no (presence) item: PRO-CTCAE gives it no composite grade")
    given = {FREQUENCY: frequency, SEVERITY: severity, INTERFERENCE: interference}
    for attribute, value in given.items():
        if value is None:
            continue
        if attribute not in t.graded:
            has = " and ".join(t.graded)
            raise ProCtcaeError(f"{name} has no {attribute} question (it has {has})")
        if isinstance(value, bool) or not isinstance(value, int) or value not in SCORED:
            raise ProCtcaeError(f"{name} {attribute}: expected a whole number from 0 to 4, got {value!r}")
    gate = t.graded[0]
    if given[gate] is None:
        raise ProCtcaeError(f"{name} needs a {gate} answer")
    values = {}
    for attribute in GRADED:
        if attribute not in t.graded:
            values[attribute] = None
        elif given[attribute] is None:
            if given[gate] != 0:
                raise ProCtcaeError(f"{name} needs a {attribute} answer")
            values[attribute] = 0  # skipped because the gate question was answered 0
        else:
            values[attribute] = given[attribute]
    key = (t.rank, values[FREQUENCY], values[SEVERITY], values[INTERFERENCE])
    try:
        return library().table[key]
    except KeyError:
        shown = ", ".join(f"{a} {values[a]}" for a in t.graded)
        raise ProCtcaeError(
            f"{name}: {shown} is not in the grading table ({gate} 0 means the other answers must be 0 or left out)"
        ) from None
