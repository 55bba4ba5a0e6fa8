"""Layouts a questionnaire asks for with SDC itemControl codes (ADR 0036), as what the
template needs on top of the plain control every browser gets without JavaScript.

- `slider`: an integer or decimal question with minValue and maxValue keeps its number box
  (what is posted); the bounds and questionnaire-sliderStepValue are given to layouts.js,
  which adds a range input beside the box that moves with it.
- `gtable`, `table`, `grid`: a group drawn as a table (`table_of`; the CSS stacks it on a phone).
- `tab-container`: a group of groups drawn stacked after a list of links to them; layouts.js
  makes them ARIA tabs (every tab's fields stay in the form and are posted).
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


# ----- gtable / table / grid -----
TABLE_CONTROLS = ("gtable", "table", "grid")
CELL_KINDS = ("input", "textarea", "select", "radios", "checkboxes", "calculated", "readonly")


@dataclass
class Column:
    label_html: str
    html_id: str


@dataclass
class Cell:
    field: object  # the forms.Field of the question
    labelledby: str  # its row header's id and its column header's id


@dataclass
class Row:
    header: str
    header_id: str
    cells: list[Cell]  # one per column
    source: object = None  # the Field the row draws: a gtable's repeat instance, or a grid's child group

    @property
    def can_remove(self) -> bool:
        return self.source is not None and self.source.kind == "repeat-instance" and self.source.can_remove

    @property
    def group(self):
        """A grid's child group (its row carries the group's enableWhen), else None."""
        return self.source if self.source is not None and self.source.kind == "group" else None


@dataclass
class Table:
    columns: list[Column]
    rows: list[Row]
    removable: bool = False


def _cell_ok(field) -> bool:
    return field.kind in CELL_KINDS and not field.children and not field.is_repeating_input


def _table(field, rows: list[tuple[str, list, object]]) -> Table | None:
    """Rows of question fields asking the same questions (same text, same order), or None (stacked instead)."""
    if not rows or not rows[0][1]:
        return None
    questions = [f.item.label for f in rows[0][1]]
    for _header, cells, _source in rows:
        if [f.item.label for f in cells] != questions or not all(_cell_ok(f) for f in cells):
            return None
    columns = [Column(f.label_html, f"{field.html_id}-col-{n}") for n, f in enumerate(rows[0][1], start=1)]
    built = []
    for n, (header, cells, source) in enumerate(rows, start=1):
        header_id = f"{field.html_id}-row-{n}"
        labelled = [Cell(f, f"{header_id} {c.html_id}") for f, c in zip(cells, columns, strict=True)]
        built.append(Row(header, header_id, labelled, source))
    return Table(columns, built, removable=any(r.can_remove for r in built))


def table_of(field) -> Table | None:
    """The table a gtable, table or grid group is drawn as, or None when it is drawn stacked.

    gtable and table: a row per instance of the group (one row when it does not repeat), a
    column per question in it. grid: a row per child group, a column per question in them."""
    if field.item.item_control not in TABLE_CONTROLS:
        return None
    if field.kind == "repeat":
        return _table(field, [(i.instance_label, i.children, i) for i in field.instances])
    if field.kind != "group":
        return None
    if field.item.item_control == "grid":
        if not field.children or not all(c.kind == "group" for c in field.children):
            return None
        return _table(field, [(c.label, c.children, c) for c in field.children])
    return _table(field, [(field.label, field.children, None)])


def is_tabs(field) -> bool:
    """A tab-container group whose children are all groups (each a tab)."""
    return (field.kind == "group" and field.item.item_control == "tab-container" and bool(field.children)
            and all(c.kind in ("group", "repeat") for c in field.children))
