"""Whether a version of the back-pain gate's questionnaire is safe to go live (issue 14, item 2).

The gate's rules (back-pain-gate.md) say every question is always shown and no follow-up may
hide an emergency question. ``gate.fields_from_response`` reads answer codes as contract fields,
so a version must ask about every field, with answers the gate can read. Pure: no Django.
"""

from __future__ import annotations

from . import gate

ENABLE_WHEN_EXPRESSION = "enableWhenExpression"


def _conditional(item) -> bool:
    raw_extensions = item.raw.get("extension") or () if isinstance(item.raw, dict) else ()
    return bool(item.enable_when) or item.hidden or any(
        str(e.get("url", "")).endswith(ENABLE_WHEN_EXPRESSION) for e in raw_extensions)


def problems(definition) -> list[str]:
    found: list[str] = []
    asked: set[str] = set()
    for item in definition.all_items():
        if _conditional(item):
            found.append(f"{item.link_id}: every gate question must always be shown; no answer may hide it.")
        if item.is_question and item.link_id in gate.BOOLEAN_FIELDS:
            if item.type != "boolean":
                found.append(f"{item.link_id}: must be a yes/no question for the gate to read it.")
            asked.add(gate.BOOLEAN_FIELDS[item.link_id])
            continue
        for option in item.options or ():
            code = option.value.get("code") if isinstance(option.value, dict) else None
            if code == gate.NONE_CODE:
                continue
            targets = gate.CODE_FIELDS.get(code, code)
            targets = (targets,) if isinstance(targets, str) else targets
            unknown = [t for t in targets if t not in gate.FIELDS]
            if unknown:
                found.append(f"{item.link_id}: the answer {code!r} means nothing to the gate's rules.")
            asked.update(t for t in targets if t in gate.FIELDS)
    for name in gate.FIELDS:
        if name not in asked:
            found.append(f"{name}: the gate's rules need this answer, and no question of this version asks it.")
    return found
