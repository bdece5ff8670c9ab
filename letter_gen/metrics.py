"""How wide a text is on the page, from Times New Roman's metrics (Liberation Serif's).

Used to size the rule under the agency name and to check that lines which must not wrap
(Quốc hiệu, Tiêu ngữ, the date line) fit their column. Widths come from
``font_metrics.json`` (``scripts/font_metrics.py`` regenerates it).
"""

from __future__ import annotations

import json
import unicodedata
from functools import lru_cache
from importlib import resources
from typing import Literal

Face = Literal["regular", "bold", "italic", "bold-italic"]
MM_PER_PT = 25.4 / 72
_FALLBACK_EM = 0.5  # an unknown character counts as half an em


@lru_cache(maxsize=1)
def _widths() -> dict[str, dict[str, int]]:
    data = resources.files("letter_gen").joinpath("font_metrics.json").read_text(encoding="utf-8")
    widths: dict[str, dict[str, int]] = json.loads(data)
    return widths


@lru_cache(maxsize=4096)  # the same header lines are measured in every letter of a batch
def text_width_mm(text: str, size_pt: float, face: Face = "regular") -> float:
    """Width of ``text`` on one line, in millimetres."""
    table = _widths()[face]
    em = sum(table.get(c, _FALLBACK_EM * 1000) for c in unicodedata.normalize("NFC", text)) / 1000
    return em * size_pt * MM_PER_PT


def wrapped_line_widths(text: str, column_mm: float, size_pt: float, face: Face = "regular") -> list[float]:
    """Widths of the lines ``text`` wraps into in a column (greedy, at spaces, as Word does)."""
    lines: list[float] = []
    for hard_line in text.split("\n"):
        current = ""
        for word in hard_line.split(" "):
            candidate = f"{current} {word}" if current else word
            if current and text_width_mm(candidate, size_pt, face) > column_mm:
                lines.append(text_width_mm(current, size_pt, face))
                current = word
            else:
                current = candidate
        lines.append(text_width_mm(current, size_pt, face))
    return lines
