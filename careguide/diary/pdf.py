"""The one-page summary a patient prints or shows at their next visit (fpdf2, ADR 0013).

One page, always: automatic page breaks are off and every part has a height budget (the
symptom rows shrink, long lists are cut with "and N more"). Text is drawn with DejaVu Sans
when the system has it, so any name prints; without it, the PDF core font with characters it
cannot show replaced, never a crash.
"""

from __future__ import annotations

from datetime import date

from careguide.core.pdf import MARGIN, WIDTH, Document
from careguide.core.pdf import dejavu as _dejavu  # looked up here, so a check can go without the font

from .trends import Series, sparkline

# Fits both A4 (297 mm) and US Letter (279 mm) with the margin.
USABLE_HEIGHT = 279 - 2 * MARGIN
CALL_WORDS = {"emergency": "you were told to call 911", "red": "you were told to call the cancer care line now"}
MAX_CALL_DAYS = 12


class _Summary(Document):
    def __init__(self):
        super().__init__(_dejavu())
        self.set_auto_page_break(False)

    def text_line(self, text: str, size: float = 10, bold: bool = False, height: float = 6):
        self.font(size, bold)
        self.cell(WIDTH, height, self.safe(text), new_x="LMARGIN", new_y="NEXT")


def _day(day: date) -> str:
    return f"{day:%b} {day.day}, {day.year}"


def _spark(pdf: _Summary, series: Series, x: float, y: float, w: float, h: float):
    top = len(series.levels) - 1
    points = sparkline([p.value for p in series.points], top)
    pdf.set_draw_color(180, 180, 180)
    pdf.line(x, y + h, x + w, y + h)
    pdf.set_draw_color(0, 0, 0)
    coords = [(x + px * w, y + h - py * h) for px, py in points]
    for (x1, y1), (x2, y2) in zip(coords, coords[1:], strict=False):
        pdf.line(x1, y1, x2, y2)
    for cx, cy in coords:
        pdf.ellipse(cx - 0.7, cy - 0.7, 1.4, 1.4, style="F")


def build(*, name: str, start: date, end: date, series: list[Series], call_days: list[tuple[date, str]],
          entry_days: int) -> bytes:
    """The summary as PDF bytes. ``call_days``: (date, disposition) of red/emergency entries."""
    pdf = _Summary()
    pdf.add_page()
    pdf.text_line("Symptom diary: summary for my next visit", size=16, bold=True, height=9)
    pdf.text_line(f"Name: {name}", size=11)
    pdf.text_line(f"Dates: {_day(start)} to {_day(end)}. Days with a diary entry: {entry_days}.", size=11)
    pdf.text_line("Levels: none, mild, moderate, severe (from my answers about how often, how bad and how much "
                  "each symptom got in the way).", size=8, height=5)
    pdf.ln(2)

    # Symptom table: budget about half the page; rows shrink to fit every tracked symptom.
    shown = [s for s in series if s.points] or series
    budget = 125
    row_h = max(4.5, min(7.0, budget / (len(shown) + 1)))
    rows = shown[: int(budget // row_h) - 1]
    cols = (70, 38, 38, WIDTH - 146)
    size = 9 if row_h >= 6 else 7.5
    pdf.font(size, bold=True)
    for width, head in zip(cols, ("Symptom", "Latest", "Worst", "Trend"), strict=True):
        pdf.cell(width, row_h, head, border="B")
    pdf.ln(row_h)
    for s in rows:
        pdf.font(size)
        latest, worst = s.latest, s.worst
        cells = (
            s.label,
            f"{s.word(latest.value)} ({latest.date:%b} {latest.date.day})" if latest else "No entries",
            f"{s.word(worst.value)} ({worst.date:%b} {worst.date.day})" if worst else "",
        )
        y = pdf.get_y()
        for width, text in zip(cols, cells, strict=False):
            pdf.cell(width, row_h, pdf.safe(_fit(pdf, text, width - 1)), border="B")
        pdf.cell(cols[3], row_h, "", border="B")
        if s.points:
            _spark(pdf, s, MARGIN + sum(cols[:3]) + 2, y + 1, cols[3] - 4, row_h - 2)
        pdf.ln(row_h)
    if len(rows) < len(shown):
        pdf.text_line(f"And {len(shown) - len(rows)} more symptoms: see the diary.", size=8, height=5)
    pdf.ln(3)

    pdf.text_line("Days when the diary said to get help quickly", size=12, bold=True, height=7)
    if call_days:
        listed = "; ".join(f"{_day(d)}: {CALL_WORDS.get(disp, disp)}" for d, disp in call_days[:MAX_CALL_DAYS])
        if len(call_days) > MAX_CALL_DAYS:
            listed += f"; and {len(call_days) - MAX_CALL_DAYS} more days"
        pdf.font(9)
        pdf.multi_cell(WIDTH, 4.5, pdf.safe(listed), new_x="LMARGIN", new_y="NEXT", max_line_height=4.5)
    else:
        pdf.text_line("None in these dates.", size=9, height=5)
    pdf.ln(3)

    # The questions box takes the rest of the page (at least 40 mm; the parts above leave it).
    top = pdf.get_y()
    bottom = MARGIN + USABLE_HEIGHT
    height = max(40.0, bottom - top)
    pdf.set_draw_color(0, 0, 0)
    pdf.rect(MARGIN, top, WIDTH, height)
    pdf.set_xy(MARGIN + 3, top + 2)
    pdf.font(12, bold=True)
    pdf.cell(WIDTH - 6, 7, "Questions for my visit", new_x="LMARGIN", new_y="NEXT")
    pdf.set_draw_color(190, 190, 190)
    line_y = top + 17
    while line_y < top + height - 4:
        pdf.line(MARGIN + 4, line_y, MARGIN + WIDTH - 4, line_y)
        line_y += 9
    return bytes(pdf.output())


def _fit(pdf: _Summary, text: str, width: float) -> str:
    """Shorten ``text`` with an ellipsis to fit ``width`` mm in the current font."""
    text = pdf.safe(text)
    if pdf.get_string_width(text) <= width:
        return text
    ellipsis = "..." if not pdf.unicode else "…"
    while text and pdf.get_string_width(text + ellipsis) > width:
        text = text[:-1]
    return text + ellipsis
