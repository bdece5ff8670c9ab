"""The orchestrator of single letters: input file → model → compose → render → file.

Each function is one command's job, so the CLI only parses options and calls one of them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from . import layout as L
from . import vn
from .compose import LetterContent, Mode, compose
from .errors import InputError, UsageError
from .fileio import write_bytes_atomic
from .inputs import load_input
from .model import InspectionRound
from .render import PreparedTemplate, template_path


@dataclass(frozen=True)
class IssueOptions:
    """Issue the letter from the register (``--issue``): where the register is, the date, ``--reissue``."""

    register_path: Path
    date: dt.date | None = None
    reissue: bool = False


@dataclass(frozen=True)
class RenderedLetter:
    """A letter written to disk and what it says."""

    path: Path
    content: LetterContent
    warnings: tuple[str, ...] = ()  # texts changed by --clean-text


def check_fits_page(round_: InspectionRound, source: str) -> None:
    """Refuse inputs whose lines that must not wrap would wrap (the date line, ô 4)."""
    widest = vn.place_date_line(round_.agency.place, dt.date(round_.period.year, 12, 28), round_.period.year)
    if not L.date_line_fits(widest):
        width = L.text_width_mm(widest, L.SIZE_DATE, "italic")
        raise InputError(
            f"{source}: agency.place: {round_.agency.place!r} makes the date line {width:.0f} mm wide,"
            f" more than its {L.HEADER_RIGHT_MM:.0f} mm column; the date line must fit on one line,"
            " so shorten the place name (e.g. 'TP. Hồ Chí Minh')"
        )


def letter_content(round_: InspectionRound, unit: int | None) -> LetterContent:
    """The consolidated letter, or with ``unit`` the per-unit letter of ``units[unit]``."""
    if unit is None:
        return compose(round_, "consolidated")
    if not 0 <= unit < len(round_.units):
        raise UsageError(f"--unit {unit}: the input has units[0] to units[{len(round_.units) - 1}]")
    mode: Mode = "per-unit"
    return compose(round_, mode, unit)


def render_file(
    input_path: Path,
    output: Path,
    *,
    unit: int | None = None,
    template: Path | None = None,
    issuing: IssueOptions | None = None,
    clean_text: bool = False,
) -> RenderedLetter:
    """Read one input and write its letter to ``output`` (atomically; nothing on error).

    With ``issuing``, the letter takes its number and date from the register first.
    """
    warnings: list[str] = []
    round_ = load_input(input_path, clean_text=clean_text, changes=warnings)
    check_fits_page(round_, str(input_path))
    content = letter_content(round_, unit)
    prepared = PreparedTemplate(template or template_path(content.kind))
    prepared.render(content)  # a template that fails must fail before a number is taken
    if issuing is not None:
        from .issuing import issue
        from .register import Register

        with Register(issuing.register_path) as register:
            content, _ = issue(
                register, round_, content, input_name=input_path.name,
                date=issuing.date or dt.date.today(), reissue=issuing.reissue,
            )
    write_bytes_atomic(output, prepared.render(content))
    return RenderedLetter(output, content, tuple(warnings))


def validate_file(input_path: Path, *, clean_text: bool = False) -> tuple[InspectionRound, list[str]]:
    """Check one input without writing anything; with ``clean_text``, also the texts it would clean."""
    warnings: list[str] = []
    round_ = load_input(input_path, clean_text=clean_text, changes=warnings)
    check_fits_page(round_, str(input_path))
    return round_, warnings
