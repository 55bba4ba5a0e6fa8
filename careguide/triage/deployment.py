"""The side-effect rules as this deployment runs them: the Django side of the configurable
thresholds. The pure engine (the ``side_effects`` package) never reads settings; this module reads
``TRIAGE_SIDE_EFFECT_PARAMETERS`` (e.g. ``{"fever_c": 38.0}``, signed off by the clinical team)
and hands the engine its overrides. Web pages, the diary and the API evaluate through here.
"""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from careguide.triage.engine import Result
from careguide.triage.side_effects import SIDE_EFFECTS, ParameterError, SideEffectsTool
from careguide.triage.values import ClinicalValues

SETTING = "TRIAGE_SIDE_EFFECT_PARAMETERS"


def _configured() -> dict:
    value = getattr(settings, SETTING, None) or {}
    if not isinstance(value, dict):
        raise ImproperlyConfigured(f"{SETTING} must be a dict such as {{'fever_c': 38.0}}, got {value!r}")
    return value


@lru_cache(maxsize=8)
def _tool(items: tuple[tuple[str, float], ...]) -> SideEffectsTool:
    if not items:
        return SIDE_EFFECTS
    try:
        return SIDE_EFFECTS.with_parameters(**dict(items))
    except ParameterError as exc:
        raise ImproperlyConfigured(f"{SETTING}: {exc}") from exc


def side_effects_tool() -> SideEffectsTool:
    """The side-effects tool with this deployment's thresholds (cached per setting value, so a
    test that changes the setting gets a tool to match)."""
    return _tool(tuple(sorted(_configured().items())))


def evaluate_side_effects(raw: object) -> Result:
    """Like ``careguide.triage.side_effects.evaluate_side_effects``, under this deployment's
    thresholds; ``result.rule_set_version`` shows any override ("2026.11.2+fever_c=38.0")."""
    tool = side_effects_tool()
    return tool.evaluate(tool.parse_input(raw))


@lru_cache(maxsize=8)
def _values(tool: SideEffectsTool):
    return ClinicalValues(tool)


def clinical_values():
    """The content tokens ({fever}, {vomits:now}...) filled in from the thresholds in force
    (``careguide.triage.values``): every page, PDF and email shows these, never its own copy."""
    return _values(side_effects_tool())


def fill(text: str) -> str:
    """``text`` with its clinical tokens filled in from this deployment's rules."""
    return clinical_values().fill(text) if text and "{" in text else text
