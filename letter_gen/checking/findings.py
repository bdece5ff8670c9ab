"""What the checks report, and the docx helpers both the docx checks (:mod:`.rules`) and the
laid-out checks (:mod:`.laid_out`) use: a module both import, so neither imports the other."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from letter_gen.checking.letter_parts import Letter
from letter_gen.checking.word_format import TWIPS_PER_MM, wattr

__all__ = ["Finding", "is_underscores", "length_mm", "sections"]


@dataclass(frozen=True)
class Finding:
    """One broken rule (lỗi thể thức): ``rule`` id (see ``RULES``), where, and what is wanted."""

    rule: str
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


def is_underscores(text: str) -> bool:
    """A rule typed as a line of underscores (``_____``)."""
    return len(text) >= 3 and set(text) <= {"_"}


def sections(letter: Letter) -> list[Any]:
    """The section properties (``w:sectPr``) of a letter, in order."""
    body = letter.document.element.body
    return [s for s in body.xpath("./w:p/w:pPr/w:sectPr | ./w:sectPr")]


def length_mm(element: Any, attr: str) -> float:
    """A length attribute in twips (page size, margins) in millimetres; 0 when absent."""
    value = wattr(element, attr)
    try:
        return abs(float(value)) / TWIPS_PER_MM if value is not None else 0.0
    except ValueError:
        return 0.0
