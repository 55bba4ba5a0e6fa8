"""The triage tools by contract name (clinical/triage-contract.md)."""

from __future__ import annotations

from careguide.triage.engine import BACK_PAIN, Tool

TOOLS: dict[str, Tool] = {"back-pain": BACK_PAIN}

# Named by the contract but not built yet: cases for them are refused with a clear message
# rather than reported as an unknown tool. Remove a name here when it joins TOOLS.
PLANNED_TOOLS: frozenset[str] = frozenset({"side-effects"})
