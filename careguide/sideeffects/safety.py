"""Whether a version of the side-effect questionnaire is safe to go live (issue 14, item 2).

The rules (careguide/triage) read the answers through ``mapping``; a questionnaire that renames a
question, drops an answer or hides a question behind a condition would quietly send every check
to "look after yourself at home". Before any version goes live (``careguide load-content`` for
the shipped file, a clinical reviewer's approval for any other), these properties must hold:

- every question the mapping reads is asked, with the type and the exact answer list it reads;
- every question whose answer alone can mean an emergency (worked out from the rules themselves,
  not from a list) is required and never hidden by another answer;
- no screen is ever skipped, whatever the answers;
- each listed answer means the same level as the rules give it, and the levels never fall as the
  answers get worse (monotone).
Pure: no Django. Each problem is a sentence a reviewer can act on.
"""

from __future__ import annotations

from careguide.triage.side_effects import evaluate_side_effects

from . import mapping

ENABLE_WHEN_EXPRESSION = "enableWhenExpression"
TEMPERATURE_UNITS = {"Cel", "[degF]"}


def _evaluate(contract: dict) -> str:
    return evaluate_side_effects(contract).disposition


def _disposition_of(link_id: str, value) -> str:
    return _evaluate(mapping.to_contract_input({link_id: [value]}))


def _conditional(item) -> bool:
    """Whether some answer (or expression) can hide this item."""
    def own(node):
        raw_extensions = node.raw.get("extension") or () if isinstance(node.raw, dict) else ()
        by_expression = any(str(e.get("url", "")).endswith(ENABLE_WHEN_EXPRESSION) for e in raw_extensions)
        return bool(node.enable_when) or by_expression or node.hidden
    return own(item) or any(own(a) for a in item.ancestors())


def _codes(item) -> list[str]:
    return [o.value.get("code") for o in item.options or () if isinstance(o.value, dict)]


def _expected_types() -> dict[str, tuple[str, ...]]:
    kinds: dict[str, tuple[str, ...]] = {}
    for link in (*mapping.CHOICES, *mapping.TICKS, *mapping.CONTEXT, mapping.ANTIDIARRHOEAL[0],
                 mapping.TEMPERATURE_CHECKED):
        kinds[link] = ("choice", "coding")
    for link in mapping.BOOLEANS:
        kinds[link] = ("boolean",)
    for link in mapping.COUNTS:
        kinds[link] = ("integer",)
    kinds[mapping.TEMPERATURE] = ("quantity",)
    return kinds


def _listed_answers(link: str) -> set[str] | None:
    if link in mapping.CHOICES:
        return set(mapping.CHOICES[link][1])
    if link in mapping.TICKS:
        return set(mapping.TICKS[link]) | {"none"}
    if link in mapping.CONTEXT:
        return set(mapping.CONTEXT_YES) | {"no"}
    if link == mapping.ANTIDIARRHOEAL[0]:
        return set(mapping.ANTIDIARRHOEAL[1])
    return None


def _answers_alone(item) -> list[tuple[str, object]]:
    """(what the person chose, the answer value) for every answer of an item, on its own."""
    link = item.link_id
    if link in mapping.CHOICES:
        return [(code, code) for code in _codes(item) if code in mapping.CHOICES[link][1]]
    if link in mapping.BOOLEANS:
        return [("yes", True), ("no", False)]
    if link in mapping.COUNTS:
        largest = mapping.COUNTS[link][2]
        return [(str(n), n) for n in range(0, largest + 1)]
    return []


def problems(definition) -> list[str]:
    found: list[str] = []
    by_link = definition.by_link_id

    for link, kinds in _expected_types().items():
        item = by_link.get(link)
        if item is None:
            found.append(f"{link}: the side-effect rules read this question, and this version does not ask it.")
            continue
        if item.type not in kinds:
            found.append(f"{link}: must be a {' or '.join(kinds)} question for the rules to read it, not {item.type}.")
            continue
        listed = _listed_answers(link)
        if listed is not None:
            offered = set(_codes(item))
            if offered != listed:
                missing, unknown = sorted(listed - offered), sorted(offered - listed)
                parts = ([f"missing {', '.join(missing)}"] if missing else []) + (
                    [f"answers the rules cannot read: {', '.join(unknown)}"] if unknown else [])
                found.append(f"{link}: the answer list is not the one the rules read ({'; '.join(parts)}).")
        if link in mapping.COUNTS:
            largest = mapping.COUNTS[link][2]
            if (item.min_value, item.max_value) != (0, largest):
                found.append(f"{link}: must accept whole numbers from 0 to {largest}.")
    temperature = by_link.get(mapping.TEMPERATURE)
    if temperature is not None and temperature.type == "quantity":
        units = {u.get("code") for u in temperature.units}
        if not units >= TEMPERATURE_UNITS:
            found.append(f"{mapping.TEMPERATURE}: must offer both °C (Cel) and °F ([degF]).")

    for step in definition.steps:
        if _conditional(step.items[0]) if step.items else False:
            found.append(f"{step.items[0].link_id}: a screen of questions may be skipped by an answer; "
                         "every screen must always be asked.")

    for item in definition.all_items():
        if item.link_id not in mapping.CHOICES and item.link_id not in mapping.BOOLEANS \
                and item.link_id not in mapping.COUNTS:
            continue
        if _expected_problem(found, item.link_id):
            continue
        levels = [(label, _disposition_of(item.link_id, value)) for label, value in _answers_alone(item)]
        if any(level == "emergency" for _, level in levels):
            if not item.required:
                found.append(f"{item.link_id}: an answer here can mean an emergency, so the question must be required.")
            if _conditional(item):
                found.append(f"{item.link_id}: an answer here can mean an emergency, so no other answer may hide it.")
        if item.link_id in mapping.CHOICES:
            # In the order the person sees them, each answer must mean at least as much as the one
            # before, and never lead to less urgent advice.
            grades = mapping.CHOICES[item.link_id][1]
            ranks = [("green", "amber", "red", "emergency").index(level) for _, level in levels]
            shown = [grades[code] for code, _ in levels]
            if shown != sorted(shown) or ranks != sorted(ranks):
                found.append(f"{item.link_id}: a worse answer must never give less urgent advice.")
    return found


def _expected_problem(found: list[str], link: str) -> bool:
    return any(problem.startswith(f"{link}:") for problem in found)

