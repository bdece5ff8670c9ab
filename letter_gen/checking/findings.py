"""What the checks report, and the docx helpers both the docx checks (:mod:`.rules`) and the
laid-out checks (:mod:`.laid_out`) use: a module both import, so neither imports the other."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from letter_gen import decree30 as D
from letter_gen import vn
from letter_gen.checking.letter_parts import Letter, Line, pts
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


# --- formatting checks shared by every rule ------------------------------------------------------

ALIGN_NAMES = {"left": "left-aligned", "both": "justified", "center": "centred", "right": "right-aligned"}


def format_problems(
    line: Line,
    *,
    size: D.Range | None = None,
    bold: bool | None = None,
    italic: bool | None = None,
    upper: bool = False,
    align: str | None = None,
) -> list[str]:
    """What is wrong with a line's resolved formatting, as messages."""
    problems: list[str] = []
    formats = line.formats()
    if size is not None:
        sizes = {f.size_pt for f in formats}
        if any(not size.holds(s) for s in sizes):
            problems.append(f"size {pts(sizes)}; the decree wants {size}")
    for wanted, name in ((bold, "bold"), (italic, "italic")):
        if wanted is None or not formats:
            continue
        values = [bool(getattr(f, name)) for f in formats]
        if wanted and not all(values):
            problems.append(f"{'only partly' if any(values) else 'not'} {name}; it must be {name}")
        elif not wanted and any(values):
            problems.append(f"{name}; it must {'not be bold' if name == 'bold' else 'be upright'}")
    if upper and not all(f.caps or t == vn.upper(t) for t, f in line.pieces if t.strip()):
        problems.append("not in capitals; it must be UPPERCASE")
    if align is not None and line.para.fmt.alignment != align:
        shown = ALIGN_NAMES.get(line.para.fmt.alignment, line.para.fmt.alignment)
        problems.append(f"{shown}; it must be {ALIGN_NAMES[align]}")
    return problems


def format_as(line: Line, component: D.Component) -> list[str]:
    """What is wrong with a line's formatting for ``component``, as the decree's table sets it."""
    return format_problems(
        line, size=component.size, bold=component.bold, italic=component.italic, upper=component.upper,
        align=component.align,
    )  # fmt: skip


def findings_of(rule: str, where: str, messages: list[str]) -> Iterator[Finding]:
    for message in dict.fromkeys(messages):  # once each, in order
        yield Finding(rule, where, message)
