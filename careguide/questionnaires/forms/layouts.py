"""Layouts a questionnaire asks for with SDC itemControl codes (ADR 0036), as what the
template needs on top of the plain control every browser gets without JavaScript.

- `slider`: an integer or decimal question with minValue and maxValue keeps its number box
  (what is posted); the bounds and questionnaire-sliderStepValue are given to layouts.js,
  which adds a range input beside the box that moves with it.
- `autocomplete`: a single-answer list is drawn as a select (posting the option's token);
  layouts.js turns it into an ARIA 1.2 combobox that filters as you type and still sets
  the select, so only a listed answer can ever be posted.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..engine.definition import CORE, extension_value

EXT_SLIDER_STEP = CORE + "questionnaire-sliderStepValue"
LIST_CONTROLS = ("drop-down", "autocomplete")


@dataclass(frozen=True)
class Slider:
    minimum: str
    maximum: str
    step: str


def _number_text(value) -> str | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return f"{value:g}" if isinstance(value, float) else str(value)


def slider_of(item) -> Slider | None:
    """The range a `slider` question moves over, or None when it has none to draw."""
    if item.item_control != "slider" or item.type not in ("integer", "decimal") or item.repeats:
        return None
    minimum, maximum = _number_text(item.min_value), _number_text(item.max_value)
    if minimum is None or maximum is None or float(minimum) >= float(maximum):
        return None
    step = _number_text(extension_value(item.raw, EXT_SLIDER_STEP))
    if step is None or float(step) <= 0:
        step = "1" if item.type == "integer" else "any"
    return Slider(minimum, maximum, step)


def is_list_control(item) -> bool:
    """A single-answer list drawn as a select (drop-down, or autocomplete before the script)."""
    return item.item_control in LIST_CONTROLS and not item.repeats


def is_autocomplete(item, kind: str) -> bool:
    return item.item_control == "autocomplete" and kind in ("select", "open-select")
