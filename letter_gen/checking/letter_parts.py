"""A công văn read as its parts (thành phần thể thức): the header, Kính gửi, body, Nơi nhận
and signature, found by their text and position, never by a template's markers.

:func:`analyse` turns any .docx (ours or typed in Word) into a :class:`Letter` of paragraphs and
lines with their formatting resolved as Word resolves it; :mod:`letter_gen.checking.rules` applies the
decree's rules to it.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any
import docx
from docx.opc.exceptions import PackageNotFoundError
from lxml import etree
from letter_gen import limits, vn
from letter_gen.i18n import _
from letter_gen.errors import InputError
from letter_gen.checking.word_format import (
    Formatter,
    ParagraphFormat,
    RunFormat,
    paragraph_runs,
    run_text,
    w,
)

_DASHES = ("- ", "– ")  # Word's AutoCorrect turns "- " into "– "; both read as a dash
AUTHORITY_LINE = re.compile(r"^\s*([A-ZĐ]{1,4}(?:\.[A-ZĐ]{1,3})*)(\.|\s)\s*\S")
_NUMBER_LINE = re.compile(r"^\s*Số\s*(?::|[\d.…_]*\s*/)")
_DATE_LINE = re.compile(r"ngày\b.*tháng\b.*năm\s*\d{4}", re.I)

# --- the letter as lines with resolved formatting ---------------------------------------


@dataclass(eq=False)  # identity: two paragraphs with the same text are still two
class Para:
    el: Any
    index: int
    cell: Any  # innermost w:tc, or None at body level
    table: Any  # outermost w:tbl, or None
    fmt: ParagraphFormat
    lines: list[Line] = field(default_factory=list)
    marker: str | None = None  # bullet text of an automatic list ("-")

    @cached_property  # read once the paragraph is built (build_para)
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines).strip()


@dataclass(eq=False)
class Line:
    para: Para
    pieces: list[tuple[str, RunFormat]]

    @cached_property  # read once the line is built (build_para)
    def text(self) -> str:
        return unicodedata.normalize("NFC", "".join(t for t, _ in self.pieces)).strip()

    @cached_property
    def shown(self) -> str:
        """The text as printed: capitals where the run has the caps property."""
        return unicodedata.normalize("NFC", "".join(t.upper() if f.caps else t for t, f in self.pieces)).strip()

    def formats(self) -> list[RunFormat]:
        return [f for t, f in self.pieces if t.strip()]

    def first(self) -> RunFormat | None:
        found = self.formats()
        return found[0] if found else None


def _plain(text: str) -> str:
    """Without diacritics, in capitals, single-spaced: ``Cộng hòa`` → ``CONG HOA``."""
    return " ".join(vn.without_marks(text).upper().split())


def _starts_plain(text: str, plain: str) -> bool:
    """Whether ``_plain(text)`` starts with ``plain``, folding only the start of a long text
    (a prefix folds to a prefix of the whole)."""
    first = text[:1]
    if first and not unicodedata.combining(first) and first.isascii() and first.upper() != plain[:1]:
        return False  # most paragraphs: an ASCII first letter that is not the one wanted
    head = _plain(text[: 2 * len(plain) + 8])
    return head.startswith(plain) if len(head) >= len(plain) else _plain(text).startswith(plain)


def short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def at(label: str, text: str) -> str:
    return f'{label}: "{short(text)}"' if text else label


def pts(values: set[float] | list[float]) -> str:
    return " and ".join(f"{v:g}" for v in sorted(set(values))) + " pt"


def pt_range(lo: float, hi: float, unit: str = "pt") -> str:
    return f"{lo:g} {unit}" if lo == hi else f"{lo:g}–{hi:g} {unit}"


def _refuse_oversized(source: Any, name: object) -> None:
    """:class:`InputError` when a .docx unpacks to more than a letter could (read from the
    zip's directory, before anything is unpacked); a file that is no zip is left to python-docx."""
    try:
        with zipfile.ZipFile(source) as zipped:
            sizes = [(i.filename, i.file_size) for i in zipped.infolist()]
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        return
    too_big = limits.oversized_parts(sizes, limits.CHECKED_PART_BYTES, limits.CHECKED_BYTES)
    if too_big:
        raise InputError(_("{name}: too big to be a letter: {problem}").format(name=name, problem=too_big))


def open_docx(path: Path) -> Any:
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    _refuse_oversized(path, path)
    try:
        return docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, etree.XMLSyntaxError) as err:
        hint = " (an old .doc file: open it in Word and save it as .docx)" if path.suffix.lower() == ".doc" else ""
        raise InputError(f"{path}: not a Word .docx file{hint} ({err})") from err
    except OSError as err:
        raise InputError(f"{path}: cannot read this file ({err.strerror or err})") from err


def open_docx_bytes(data: bytes, name: str) -> Any:
    """A letter held in memory, opened with python-docx; :class:`InputError` when it is not a .docx."""
    _refuse_oversized(io.BytesIO(data), name)
    try:
        return docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, etree.XMLSyntaxError) as err:
        raise InputError(f"{name}: not a Word .docx file ({err})") from err


def _walk(container: Any, cell: Any, table: Any) -> Iterator[tuple[Any, Any, Any]]:
    """Paragraphs in reading order with their cell and outermost table."""
    for child in container:
        tag = child.tag
        if tag == w("p"):
            yield child, cell, table
        elif tag == w("tbl"):
            for row in child.iter(w("tr")):
                owner = row.getparent()
                while owner is not None and owner.tag != w("tbl"):
                    owner = owner.getparent()
                if owner is not child:
                    continue  # a nested table's row: reached through its own cell
                for tc in row:
                    if tc.tag == w("tc"):
                        yield from _walk(tc, tc, table if table is not None else child)
        elif tag in (w("sdt"), w("sdtContent"), w("customXml")):
            yield from _walk(child, cell, table)


def walk_paragraphs(body: Any) -> Iterator[tuple[Any, Any, Any]]:
    """The paragraphs of a document body the checks read, in reading order, each with its
    innermost cell and outermost table (None at body level)."""
    return _walk(body, None, None)


def _make_para(formatter: Formatter, p: Any, index: int, cell: Any, table: Any) -> Para:
    runs = ((text, formatter.run(p, r)) for r in paragraph_runs(p) if (text := run_text(r)))
    return build_para(p, index, cell, table, formatter.paragraph(p), formatter.list_marker(p), runs)


def build_para(
    p: Any, index: int, cell: Any, table: Any, fmt: ParagraphFormat, marker: str | None,
    runs: Iterable[tuple[str, RunFormat]],
) -> Para:  # fmt: skip
    """A paragraph read into lines from its runs' texts and resolved formats."""
    para = Para(p, index, cell, table, fmt, marker=marker)
    line = Line(para, [])
    para.lines.append(line)
    for text, fmt_ in runs:
        if not text or fmt_.hidden:
            continue
        chunks = text.split("\n")
        for i, chunk in enumerate(chunks):
            if i:
                line = Line(para, [])
                para.lines.append(line)
            if chunk:
                line.pieces.append((chunk, fmt_))
    return para


# --- finding the components ---------------------------------------------------------------


@dataclass
class Letter:
    document: Any
    formatter: Formatter
    paras: list[Para]
    national: list[Line] = field(default_factory=list)
    motto: list[Line] = field(default_factory=list)
    parent: list[Line] = field(default_factory=list)
    agency: list[Line] = field(default_factory=list)
    number: Line | None = None
    date: Line | None = None
    subject: list[Line] = field(default_factory=list)
    kinh_gui: Line | None = None
    recipients: list[Line] = field(default_factory=list)
    body_all: list[Para] = field(default_factory=list)
    noi_nhan: Line | None = None
    items: list[Line] = field(default_factory=list)
    titles: list[Line] = field(default_factory=list)
    signer: Line | None = None

    @property
    def body(self) -> list[Para]:
        return [p for p in self.body_all if p.text]


def _lines(paras: Sequence[Para]) -> list[Line]:
    return [line for p in paras for line in p.lines if line.text]


def _find_phrase(lines: list[Line], plain: str | re.Pattern[str], start: int = 0) -> list[Line]:
    """The shortest run of 1–3 consecutive lines whose text, joined, matches ``plain``."""
    for i in range(start, len(lines)):
        for size in (1, 2, 3):
            window = lines[i : i + size]
            joined = _plain(" ".join(line.text for line in window))
            if isinstance(plain, str):
                if joined == plain:
                    return window
                if not plain.startswith(joined):
                    break
            elif plain.fullmatch(joined):
                return window
    return []


_MOTTO_PLAIN = re.compile(r"DOC LAP ?[-–—]? ?TU DO ?[-–—]? ?HANH PHUC")


def analyse(document: Any) -> Letter:
    """A python-docx document read as a letter: its paragraphs, then its components."""
    formatter = Formatter.for_part(document.part)
    body = document.element.body
    paras = [_make_para(formatter, p, i, c, t) for i, (p, c, t) in enumerate(_walk(body, None, None))]
    return find_parts(Letter(document, formatter, paras))


def find_parts(letter: Letter) -> Letter:
    """Name the components of a letter read into paragraphs (``letter.paras``), by their text
    and position: the header, Kính gửi, body, Nơi nhận and signature."""
    paras = letter.paras
    kinh = next((p for p in paras if p.lines[0].text and _starts_plain(p.lines[0].text, "KINH GUI")), None)
    noi = next(
        (p for p in paras if p.lines[0].text and _starts_plain(p.lines[0].text, "NOI NHAN")
         and (kinh is None or p.index > kinh.index)),
        None,
    )  # fmt: skip
    end = kinh.index if kinh else noi.index if noi else len(paras)
    header = _lines(paras[: min(end, 60)])
    letter.national = _find_phrase(header, _plain(vn.NATIONAL_TITLE))
    start = header.index(letter.national[-1]) + 1 if letter.national else 0
    letter.motto = _find_phrase(header, _MOTTO_PLAIN, start) or _find_phrase(header, _MOTTO_PLAIN)
    letter.number = next((line for line in header if _NUMBER_LINE.match(line.text)), None)
    letter.date = next((line for line in header if _DATE_LINE.search(line.text)), None)
    subject = next((line for line in header if line.text.casefold().startswith("v/v")), None)
    if subject is not None:
        letter.subject = [subject]
        if subject.para.cell is not None:  # a trích yếu wrapped by hand goes on in its cell
            rest = header[header.index(subject) + 1 :]
            for line in rest:
                if line.para.cell is not subject.para.cell or line in (letter.number, letter.date):
                    break
                letter.subject.append(line)
    _find_agency(letter, header)
    if kinh is not None:
        _find_recipients(letter, kinh)
    if noi is not None:
        _find_noi_nhan(letter, noi)
    _find_signature(letter, kinh)
    _find_body(letter, kinh)
    return letter


def _find_agency(letter: Letter, header: list[Line]) -> None:
    taken = {id(x) for x in [*letter.national, *letter.motto, letter.number, letter.date, *letter.subject]}
    anchor = letter.national[0].para if letter.national else None
    block: list[Line] = []
    if anchor is not None and anchor.cell is not None:
        row = anchor.cell.getparent()
        cells = [tc for tc in row if tc.tag == w("tc") and tc is not anchor.cell]
        if cells:
            block = [line for line in header if line.para.cell is cells[0]]
    if not block:  # no header table: what precedes the Số line (or the Quốc hiệu)
        stop = letter.number or (letter.national[0] if letter.national else None)
        block = header[: header.index(stop)] if stop in header else []
    agency_block: list[Line] = []
    for line in block:
        if id(line) in taken:
            break
        if not set(line.text) <= set("_-–—"):
            agency_block.append(line)
    # The issuing agency is the trailing bold lines; what precedes is the parent. When
    # every line is bold and they span paragraphs, the last paragraph is the agency (a
    # bold parent is the likelier slip than an agency name broken over two paragraphs).
    count = 0
    for line in reversed(agency_block):
        if not (line.formats() and all(f.bold for f in line.formats())):
            break
        count += 1
    if agency_block and count == 0:  # nothing bold: the last line names the agency
        count = 1
    elif count == len(agency_block) and len({x.para.index for x in agency_block}) > 1:
        count = sum(1 for x in agency_block if x.para is agency_block[-1].para)
    cut = len(agency_block) - count
    letter.agency, letter.parent = agency_block[cut:], agency_block[:cut]


def is_dash(line: Line) -> bool:
    return line.text.startswith(_DASHES) or (line.para.marker in ("-", "–") and line is line.para.lines[0])


def _find_recipients(letter: Letter, kinh: Para) -> None:
    letter.kinh_gui = kinh.lines[0]
    after = re.sub(r"^Kính\s*gửi\s*:?", "", kinh.lines[0].text, flags=re.I).strip()
    if after:
        return  # one recipient on the Kính gửi line
    candidates = [line for line in kinh.lines[1:] if line.text]
    for para in letter.paras[kinh.index + 1 :]:
        if not para.text:
            if candidates:
                break
            continue
        candidates.extend(line for line in para.lines if line.text)
        if not is_dash(candidates[-1]) or candidates[-1].text.endswith("."):
            break  # the list ended (a consolidated letter may go to hundreds of units)
    for i, line in enumerate(candidates):
        ends = line.text.endswith((";", ","))
        short_last = i == 0 and line.text.endswith(".") and len(line.text) < 120
        if not (is_dash(line) or ends or short_last):
            break
        letter.recipients.append(line)
        if line.text.endswith("."):
            break


def _find_noi_nhan(letter: Letter, noi: Para) -> None:
    letter.noi_nhan = noi.lines[0]
    items = [line for line in noi.lines[1:] if line.text]
    for para in letter.paras[noi.index + 1 :]:
        if noi.cell is not None:
            if para.cell is not noi.cell:
                break
            items.extend(line for line in para.lines if line.text)
            continue
        if para.cell is not None or not para.text:
            break
        lines = [line for line in para.lines if line.text]
        if not all(is_dash(line) or line.text.endswith((";", ".")) for line in lines):
            break
        items.extend(lines)
    letter.items = items


def _is_title(line: Line) -> bool:
    text = line.shown
    return bool(text) and text == vn.upper(text) and any(c.isalpha() for c in text) and len(text) < 80


def _find_signature(letter: Letter, kinh: Para | None) -> None:
    lines: list[Line] = []
    if letter.noi_nhan is not None and letter.noi_nhan.para.cell is not None:
        cell = letter.noi_nhan.para.cell
        others = [tc for tc in cell.getparent() if tc.tag == w("tc") and tc is not cell]
        for tc in reversed(others):
            lines = [line for p in letter.paras if p.cell is tc for line in p.lines if line.text]
            if lines:
                break
    else:  # no closing table: the trailing block of titles and the name, after the body
        start = kinh.index + 1 if kinh else 0
        skip = {id(x) for x in [letter.noi_nhan, *letter.items]}
        tail = [line for line in _lines(letter.paras[start:]) if id(line) not in skip]
        for i, line in enumerate(tail):
            if (AUTHORITY_LINE.match(line.text) and line.text.split(".")[0] in vn.AUTHORITIES) or (
                _is_title(line) and len(tail) - i <= 6 and not re.match(r"^[IVX\d]+\.", line.text)
            ):
                lines = tail[i:]
                break
    lines = [line for line in lines if not line.text.startswith("(")]  # "(Đã ký)", "(Ký, đóng dấu)"
    if not lines:
        return
    if len(lines) == 1 and _is_title(lines[0]):
        letter.titles = lines
        return
    letter.titles, letter.signer = lines[:-1], lines[-1]


def _find_body(letter: Letter, kinh: Para | None) -> None:
    marks = [
        line.para.index
        for line in [*letter.national, *letter.motto, letter.number, letter.date, *letter.subject]
        if line
    ]
    start = max(marks, default=-1)
    if kinh is not None:
        start = max([kinh.index, *(line.para.index for line in letter.recipients)])
    ends = [len(letter.paras)]
    for line in [letter.noi_nhan, *letter.titles]:
        if line is None:
            continue
        ends.append(line.para.index)
        if line.para.table is not None:
            ends.append(min(p.index for p in letter.paras if p.table is line.para.table))
    end = min(ends)
    letter.body_all = [p for p in letter.paras[start + 1 : end] if p.cell is None]


