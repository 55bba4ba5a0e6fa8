"""Clinical values: what the side-effect rules say, in words a page can show. Pure Python.

Content never types a threshold the rules already hold. It names it with a token in braces,
and every place that shows content (templates, the search index, PDFs, emails) fills the
token in from the rules *in force* (this deployment's parameters included), so a page cannot
disagree with the triage it sits beside:

    "Your temperature is {fever} or higher"            -> "... 99.5°F (37.5°C) or higher"
    "You throw up {vomits:now} times in 24 hours"      -> "... 6 or more times ..."
    "{extra_stools:now:immunotherapy} extra stools"    -> "4 or more extra stools"

The vocabulary (``TEMPERATURES``, ``COUNTS``, ``ACTIONS``, ``CONTEXTS``) is small on purpose:

- ``{fever}``, ``{low_temperature}``, ``{raised_temperature}``, ``{high_temperature}``: the
  rule parameters ``fever_c``, ``low_c``, ``off_treatment_amber_from_c`` and
  ``off_treatment_red_above_c``, shown as °F with °C ("100.4°F (38°C)").
- ``{QUANTITY:ACTION}`` or ``{QUANTITY:ACTION:CONTEXT}`` for counts: the answers at which the
  rules give exactly that action, asked of the engine itself (so two rules at one level read
  as one band): ``vomits`` (times in 24 hours), ``extra_stools`` (stools a day above usual),
  ``constipation`` (days past usual without a bowel movement). ACTION is ``now`` (red),
  ``within_24_hours`` (amber) or ``at_home`` (green); CONTEXT is ``on_treatment``,
  ``immunotherapy`` or ``medicine_failed``.

An unknown token is left as it is (never a crash on a page) and ``unknown_tokens`` lists it,
so the content check and the admin refuse it before it is published.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache

from careguide.triage.side_effects import SIDE_EFFECTS

TEMPERATURES = {
    "fever": "fever_c",
    "low_temperature": "low_c",
    "raised_temperature": "off_treatment_amber_from_c",
    "high_temperature": "off_treatment_red_above_c",
}
# quantity token -> (contract field, unit step: answers per shown unit, the largest answer looked at)
COUNTS = {
    "vomits": ("vomiting_per_24h", 1, 100),
    "extra_stools": ("diarrhoea_extra_stools", 1, 100),
    "constipation": ("constipation_hours", 24, 24 * 30),
}
ACTIONS = {"now": "red", "within_24_hours": "amber", "at_home": "green"}
CONTEXTS = {
    "on_treatment": {"on_sact": True},
    "immunotherapy": {"on_sact": True, "ici": True},
    "medicine_failed": {"antidiarrhoeal_failed": True},
}
TOKEN = re.compile(r"\{([a-z_]+(?::[a-z_0-9]+){0,2})\}")
LEVELS = ("emergency", "red", "amber", "green", "none")


def celsius(value: float) -> str:
    """37.5 -> "37.5", 38.0 -> "38"."""
    return f"{value:.1f}".removesuffix(".0")


def fahrenheit(value_c: float) -> str:
    """°F to one decimal, as thermometers show it: 37.5 -> "99.5", 36 -> "96.8"."""
    return celsius(round(value_c * 9 / 5 + 32, 1))


def temperature(value_c: float) -> str:
    """How pages show a temperature: "99.5°F (37.5°C)"."""
    return f"{fahrenheit(value_c)}°F ({celsius(value_c)}°C)"


@dataclass(frozen=True)
class Band:
    """Answers ``low``..``high`` (``high`` None: no upper end) at one level."""

    low: int
    high: int | None
    level: str


class UnknownToken(KeyError):
    pass


class ClinicalValues:
    """The vocabulary above, filled in from one side-effects tool (rules + parameters)."""

    def __init__(self, tool):
        self.tool = tool

    @property
    def version(self) -> str:
        return self.tool.version

    @cached_property
    def parameters(self) -> dict[str, float]:
        return self.tool.parameters

    def level(self, field: str, value, context: tuple[tuple[str, bool], ...] = ()) -> str:
        """The disposition the rules give for this one answer in this context ("none" for a 0
        count: nothing reported)."""
        return _level(self.tool, field, value, context)

    def bands(self, quantity: str, context: dict | None = None) -> list[Band]:
        """The counts of a quantity grouped into runs at one level, from 1 up (in shown units:
        days for constipation)."""
        field, step, top = COUNTS[quantity]
        ctx = tuple(sorted((context or {}).items()))
        out: list[Band] = []
        for shown in range(1, top // step + 1):
            level = self.level(field, shown * step, ctx)
            if out and out[-1].level == level:
                out[-1] = Band(out[-1].low, shown, level)
            else:
                out.append(Band(shown, shown, level))
        if out:
            last = out[-1]
            out[-1] = Band(last.low, None, last.level)
        return out

    def text(self, token: str) -> str:
        """The words for one token (without braces); ``UnknownToken`` names what is wrong."""
        if token in TEMPERATURES:
            return temperature(self.parameters[TEMPERATURES[token]])
        parts = token.split(":")
        if parts[0] not in COUNTS:
            raise UnknownToken(f"{{{token}}}: unknown name '{parts[0]}'; known: "
                               + ", ".join([*TEMPERATURES, *COUNTS]))
        if len(parts) < 2 or parts[1] not in ACTIONS:
            raise UnknownToken(f"{{{token}}}: give an action after '{parts[0]}:' ({', '.join(ACTIONS)})")
        context = {}
        if len(parts) == 3:
            if parts[2] not in CONTEXTS:
                raise UnknownToken(f"{{{token}}}: unknown context '{parts[2]}' ({', '.join(CONTEXTS)})")
            context = CONTEXTS[parts[2]]
        wanted = ACTIONS[parts[1]]
        runs = [b for b in self.bands(parts[0], context) if b.level == wanted]
        if len(runs) != 1:
            raise UnknownToken(f"{{{token}}}: the rules give '{parts[1]}' for {len(runs)} separate ranges, "
                               "so no one range can be named")
        return _range_words(runs[0], "days" if parts[0] == "constipation" else "")

    def fill(self, text: str) -> str:
        """``text`` with every known token replaced; unknown tokens stay as written."""
        if "{" not in text:
            return text

        def replace(match: re.Match) -> str:
            try:
                return self.text(match.group(1))
            except UnknownToken:
                return match.group(0)

        return TOKEN.sub(replace, text)

    def unknown_tokens(self, text: str) -> list[str]:
        """Why each token of ``text`` that cannot be filled in is wrong (empty when all are fine)."""
        problems = []
        for match in TOKEN.finditer(text or ""):
            try:
                self.text(match.group(1))
            except UnknownToken as exc:
                problems.append(exc.args[0])
        return problems


def _range_words(band: Band, unit: str) -> str:
    suffix = f" {unit}" if unit else ""
    if unit and band.high == band.low == 1:
        suffix = f" {unit.removesuffix('s')}"
    if band.high is None:
        return f"{band.low}{suffix} or more"
    if band.high == band.low:
        return f"{band.low}{suffix}"
    if band.high == band.low + 1:
        return f"{band.low} or {band.high}{suffix}"
    return f"{band.low} to {band.high}{suffix}"


@lru_cache(maxsize=65536)
def _level(tool, field: str, value, context: tuple[tuple[str, bool], ...]) -> str:
    if value == 0 and field != "temperature_c":
        return "none"
    result = tool.evaluate(tool.parse_input({"context": dict(context), "symptoms": {field: value}}))
    return result.disposition


def token_problems(text: str) -> list[str]:
    """What is wrong with the tokens of a content text, read against the rule file's own
    thresholds (content checks run before Django; a deployment's overrides never make a token
    unknown)."""
    if not text or "{" not in text:
        return []
    return ClinicalValues(SIDE_EFFECTS).unknown_tokens(text)


def strings(value, path: str = ""):
    """Every string inside nested dicts and lists, with its path ("body[3].urgent[0]")."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from strings(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            yield from strings(item, f"{path}[{i}]")
