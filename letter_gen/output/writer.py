"""The orchestrator of single letters: input file → model → compose → render → check → file → PDF.

Each function is one command's job, so the CLI only parses options and calls one of them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from letter_gen.letters import layout as L
from letter_gen import vn
from letter_gen.letters.compose import LetterContent, Mode, compose
from letter_gen.errors import ConversionError, ExistingLetterError, InputError, NonConformingError, UsageError
from letter_gen.fileio import write_bytes_atomic
from letter_gen.inputs.formats import load_input
from letter_gen.inputs.model import InspectionRound
from letter_gen.letters.render import PreparedTemplate, same_letter, shows_a_number
from letter_gen.letters.bundled import template_path


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
    pdf: Path | None = None


def check_fits_page(round_: InspectionRound, source: str) -> None:
    """Refuse inputs whose lines that must not wrap would wrap (the date line, ô 4)."""
    widest = vn.place_date_line(round_.agency.place, dt.date(round_.period.year, 12, 28), round_.period.year)
    if not L.date_line_fits(widest):
        width = L.text_width_mm(widest, L.SIZE_DATE, "italic")
        raise InputError(
            f"{source}: agency.place: {round_.agency.place!r} makes the date line {width:.0f} mm wide,"
            f" more than its column can hold ({L.HEADER_RIGHT_MAX_MM:.0f} mm at most); the date line must fit on one line,"
            " so shorten the place name (e.g. 'TP. Hồ Chí Minh')"
        )


def letter_content(round_: InspectionRound, unit: int | None) -> LetterContent:
    """The consolidated letter, or with ``unit`` the per-unit letter of ``units[unit]``."""
    if unit is None:
        return compose(round_, "consolidated")
    if not 0 <= unit < len(round_.units):
        raise UsageError(f"--unit {unit}: the input has units[0] to units[{len(round_.units) - 1}]")
    if not round_.units[unit].has_anything_to_fix:
        raise UsageError(f"--unit {unit}: {round_.units[unit].name} has no findings and no actions, so it gets no letter")
    mode: Mode = "per-unit"
    return compose(round_, mode, unit)


def prepare_template(template: Path | None, kind: str) -> PreparedTemplate:
    """The bundled template of ``kind``, or a clerk's own one after checking it."""
    if template is None:
        return PreparedTemplate(template_path(kind))
    from letter_gen.letters.template_check import raise_for_problems

    raise_for_problems(template)
    return PreparedTemplate(template)


def conforming(data: bytes, name: str) -> bytes:
    """``data`` when the letter passes the docx-level Decree 30 checks; else :class:`NonConformingError`."""
    from letter_gen.checking.rules import check_bytes

    findings = check_bytes(data, name)
    if findings:
        raise NonConformingError(
            f"{name}: not written: the letter breaks Decree 30's layout rules"
            " (fix the template or input; --no-check writes it anyway)",
            problems=[str(f) for f in findings],
        )
    return data


def render_file(
    input_path: Path,
    output: Path,
    *,
    unit: int | None = None,
    template: Path | None = None,
    issuing: IssueOptions | None = None,
    clean_text: bool = False,
    check: bool = True,
    pdf: bool = False,
    pdfa: bool = False,
) -> RenderedLetter:
    """Read one input and write its letter to ``output`` (atomically; nothing on error).

    The letter is checked against Decree 30 before it is written (and before a number is
    taken); with ``issuing`` it takes its number and date from the register; with ``pdf`` a
    PDF is written beside it.
    """
    if output.suffix.lower() != ".docx":
        raise UsageError(f"-o {output}: a letter is a Word file: give a name ending in .docx")
    if output.resolve() == Path(input_path).resolve():
        raise UsageError(f"-o {output}: that is the input file; give another name")
    warnings: list[str] = []
    round_ = load_input(input_path, clean_text=clean_text, changes=warnings)
    check_fits_page(round_, str(input_path))
    content = letter_content(round_, unit)
    prepared = prepare_template(template, content.kind)
    draft = prepared.render(content)  # a letter that fails must fail before a number is taken
    if check:
        conforming(draft, str(output))
    existing = output.read_bytes() if output.exists() else None
    if issuing is None:
        if existing is not None and shows_a_number(existing) is True and not same_letter(existing, draft):
            raise ExistingLetterError(f"{output}: an issued letter is there; a draft is not written over it")
    else:
        from letter_gen.register.issuing import issue, letter_key
        from letter_gen.register.store import Register

        with Register(issuing.register_path) as register:
            if existing is not None and shows_a_number(existing) is not False:
                # Decide before a number is taken: a draft may be replaced; an issued letter (or a
                # file that is not a letter at all) only by the very same letter.
                known = register.find(letter_key(input_path.name, round_, content))
                same = known is not None and known.content_hash == content.content_hash() and same_letter(
                    existing, prepared.render(content.issued(known.number, known.date, round_.agency.place))
                )
                if not same:
                    raise ExistingLetterError(
                        f"{output}: another letter is already there; an issued letter is not written over it"
                        " (give another -o, or move the old one away)"
                    )
            content, _ = issue(
                register, round_, content, input_name=input_path.name,
                date=issuing.date or dt.date.today(), reissue=issuing.reissue,
            )
        draft = prepared.render(content)
        if check:
            conforming(draft, str(output))
    write_bytes_atomic(output, draft)
    pdf_path = convert_one(output, pdfa=pdfa) if pdf or pdfa else None
    return RenderedLetter(output, content, tuple(warnings), pdf_path)


def convert_one(docx: Path, *, pdfa: bool = False) -> Path:
    """The PDF beside one letter, through LibreOffice."""
    from letter_gen.libreoffice import convert_files

    (result,) = convert_files([docx], workers=1, pdfa=pdfa)
    if result.pdf is None:
        raise ConversionError(result.error or f"{docx}: LibreOffice could not convert it")
    return result.pdf


def validate_file(input_path: Path, *, clean_text: bool = False) -> tuple[InspectionRound, list[str]]:
    """Check one input without writing anything; with ``clean_text``, also the texts it would clean."""
    warnings: list[str] = []
    round_ = load_input(input_path, clean_text=clean_text, changes=warnings)
    check_fits_page(round_, str(input_path))
    return round_, warnings
