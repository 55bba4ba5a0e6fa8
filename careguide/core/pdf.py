"""The set-up every printout shares (fpdf2, ADR 0013): an A4 page in millimetres with a 15 mm
margin, text in DejaVu Sans when the system has it so any name prints, and otherwise the PDF core
font with ``safe()`` replacing the characters it cannot show, never a crash.

Used by the diary summary (careguide/diary/pdf.py) and the procedure checklist
(careguide/procedures/pdf.py).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from fpdf import FPDF

FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"), Path("/usr/share/fonts"))
MARGIN = 15
# The width between the margins of an A4 page.
WIDTH = 210 - 2 * MARGIN


@cache
def dejavu() -> tuple[Path, Path] | None:
    """(regular, bold) DejaVu Sans font files, or None when the system has none."""
    for folder in FONT_DIRS:
        regular = next(iter(sorted(folder.glob("**/DejaVuSans.ttf"))), None) if folder.exists() else None
        if regular is not None:
            bold = regular.with_name("DejaVuSans-Bold.ttf")
            return regular, bold if bold.exists() else regular
    return None


class Document(FPDF):
    """An A4 document with the margins set and the body font chosen from ``fonts`` (as
    ``dejavu()`` returns them; None: the core font). Page breaks are the caller's choice."""

    def __init__(self, fonts: tuple[Path, Path] | None):
        super().__init__(format="A4", unit="mm")
        self.set_margins(MARGIN, MARGIN, MARGIN)
        if fonts:
            self.add_font("body", "", str(fonts[0]))
            self.add_font("body", "B", str(fonts[1]))
            self.family, self.unicode = "body", True
        else:
            self.family, self.unicode = "helvetica", False

    def safe(self, text: str) -> str:
        """``text`` as the chosen font can draw it."""
        return text if self.unicode else text.encode("latin-1", "replace").decode("latin-1")

    def font(self, size: float, bold: bool = False):
        self.set_font(self.family, "B" if bold else "", size)
