"""Start-up checks: a broken rule file, a bad threshold override, or a rule file changed without
a new signed-off version (signoff.py) stops `migrate` (and so `scripts/serve`) with a message
naming the file and field, instead of failing a patient later."""

from __future__ import annotations

from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from careguide.triage import signoff
from careguide.triage.deployment import side_effects_tool
from careguide.triage.engine import RuleSetError
from careguide.triage.tools import TOOLS


@checks.register()
def rule_files(app_configs=None, **kwargs):
    errors = []
    for name, tool in TOOLS.items():
        try:
            tool.version  # noqa: B018 - loads and validates the rule file
        except RuleSetError as exc:
            errors.append(checks.Error(f"triage tool '{name}': {exc}", id="triage.E001"))
    try:
        side_effects_tool().version  # noqa: B018 - applies the deployment's overrides
    except (ImproperlyConfigured, RuleSetError) as exc:
        errors.append(checks.Error(str(exc), id="triage.E002"))
    unsigned = signoff.problems(tool.path for tool in TOOLS.values())
    errors += [checks.Error(problem, id="triage.E003") for problem in unsigned]
    return errors
