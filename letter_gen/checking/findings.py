"""What the checks report, and the docx helpers both the docx checks (:mod:`.rules`) and the
laid-out checks (:mod:`.laid_out`) use: a module both import, so neither imports the other."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from letter_gen import decree30 as D
from letter_gen import vn
from letter_gen.checking.letter_parts import Letter, Line, at, pts
from letter_gen.checking.word_format import TWIPS_PER_MM, wattr
from letter_gen.i18n import N_, _, local_number

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

ALIGN_NAMES = {"left": N_("left-aligned"), "both": N_("justified"), "center": N_("centred"), "right": N_("right-aligned")}


def align_name(alignment: str | None) -> str:
    """A paragraph's alignment (căn lề) as the clerk's Word names it."""
    return _(ALIGN_NAMES[alignment]) if alignment in ALIGN_NAMES else str(alignment)


def share_words(share: D.Range) -> str:
    """A share of a length as a sentence says it: "1/3 to 1/2"."""
    low, high = str(share).partition("–")[::2]
    return low if not high else _("{low} to {high}").format(low=low, high=high)


def indents_text() -> str:
    """The body's first-line indents (lùi đầu dòng): "1 cm or 1.27 cm"."""
    shown = [_("{value} cm").format(value=local_number(mm / 10)) for mm in D.BODY_FIRST_LINE_INDENTS_MM]
    return shown[0] if len(shown) == 1 else _("{some} or {last}").format(some=", ".join(shown[:-1]), last=shown[-1])


def line_spacing_text() -> str:
    """The body's line spacing (giãn dòng) as the decree allows it: "single to 1.5 lines"."""
    spacing = D.BODY_LINE_SPACING
    if spacing.low == 1:
        return _("single to {high} lines").format(high=local_number(spacing.high))
    return _("{low} to {high} lines").format(low=local_number(spacing.low), high=local_number(spacing.high))

#: Bold and italic: the run format's attribute, and what is said when some, none, or any of a
#: line's runs carry it where all, all, or none should (msgids, translated where said).
_EMPHASES = (
    ("bold", N_("only partly bold; it must be bold"), N_("not bold; it must be bold"), N_("bold; it must not be bold")),
    ("italic", N_("only partly italic; it must be italic"), N_("not italic; it must be italic"), N_("italic; it must be upright")),
)


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
    # Reads only the line's pieces and its paragraph's alignment, which never change.
    passed = (size and (size.low, size.high), bold, italic, upper, align)  # (a Range's hash is slow)
    if passed in line.passed:
        return []
    problems: list[str] = []
    formats = line.formats()
    if size is not None:
        sizes = {f.size_pt for f in formats}
        if any(not size.holds(s) for s in sizes):
            problems.append(_("size {found}; the decree wants {wanted}").format(found=pts(sizes), wanted=size))
    for wanted, (attribute, partly, missing, unwanted) in zip((bold, italic), _EMPHASES):
        if wanted is None or not formats:
            continue
        values = [bool(getattr(f, attribute)) for f in formats]
        if wanted and not all(values):
            problems.append(_(partly if any(values) else missing))
        elif not wanted and any(values):
            problems.append(_(unwanted))
    if upper and not all(f.caps or t == vn.upper(t) for t, f in line.pieces if t.strip()):
        problems.append(_("not in capitals; it must be UPPERCASE"))
    if align is not None and line.para.fmt.alignment != align:
        problems.append(_("{found}; it must be {wanted}").format(found=align_name(line.para.fmt.alignment), wanted=align_name(align)))
    if not problems:
        line.passed.add(passed)
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


def findings_at(rule: str, label: str, text: str, messages: list[str]) -> Iterator[Finding]:
    """:func:`findings_of` at ``at(_(label), text)``: the place is named (and translated) only
    when there is a finding, as most lines of most letters have none."""
    if messages:
        yield from findings_of(rule, at(_(label), text), messages)
