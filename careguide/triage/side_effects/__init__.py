"""Side-effect triage (clinical/side-effect-triage.md): symptoms in, red/amber/green out. Pure Python.

The rules are data (``rules/side_effects.yaml``): each symptom group maps its answers (grades,
counts, a temperature, yes/no) to one level through grade maps, numeric bands, yes/no triggers
and context rules; the levels then combine into one disposition (any emergency -> emergency;
any red or two ambers -> red; one amber -> amber; else green). The file is validated once and
compiled into plain Python closures, so one evaluation costs a few microseconds.

- ``schema``: the rule file's pydantic models; ``checks``: references across the file;
  ``compiler``: rules to closures and tables, and the coverage check; ``tool``: the ``Tool``.

Entry points: ``SIDE_EFFECTS`` (the ``Tool``), ``evaluate_side_effects(raw)``,
``side_effect_rules()``; a deployment's thresholds: ``SIDE_EFFECTS.with_parameters(fever_c=38.0)``
(the Django side reads them from settings in ``careguide.triage.deployment``; this package never
reads settings). It imports only ``careguide.triage.engine`` (the shared rule-file core).
"""

from .schema import DISPOSITIONS, SideEffectRuleSet
from .tool import (
    SIDE_EFFECTS,
    Answers,
    ParameterError,
    SideEffectsTool,
    evaluate_side_effects,
    side_effect_rules,
)

__all__ = [
    "DISPOSITIONS",
    "SIDE_EFFECTS",
    "Answers",
    "ParameterError",
    "SideEffectRuleSet",
    "SideEffectsTool",
    "evaluate_side_effects",
    "side_effect_rules",
]
