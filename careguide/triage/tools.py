"""The triage tools by contract name (clinical/triage-contract.md)."""

from __future__ import annotations

from careguide.triage.back_pain import BACK_PAIN
from careguide.triage.engine import Tool
from careguide.triage.side_effects import SIDE_EFFECTS

# Every tool the contract names. The evaluation command uses the rule files' own thresholds;
# a deployment's overrides (careguide.triage.deployment) apply to the web pages and the API only.
TOOLS: dict[str, Tool] = {"back-pain": BACK_PAIN, "side-effects": SIDE_EFFECTS}
