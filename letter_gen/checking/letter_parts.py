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
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Generic, TypeVar, overload

import docx
from docx.opc.exceptions import PackageNotFoundError
from lxml import etree

from letter_gen import limits, vn
from letter_gen.checking import kinds
from letter_gen.checking.kinds import Kind
from letter_gen.checking.word_format import (
    Formatter,
    ParagraphFormat,
    RunFormat,
    paragraph_runs,
    run_text,
    w,
)
from letter_gen.errors import InputError
from letter_gen.fileio import DAMAGED_ZIP, starts_as_a_zip
from letter_gen.i18n import _, local_number, os_reason

_DASHES = ("- ", "– ")  # Word's AutoCorrect turns "- " into "– "; both read as a dash
AUTHORITY_LINE = re.compile(r"^\s*([A-ZĐ]{1,4}(?:\.[A-ZĐ]{1,3})*)(\.|\s)\s*\S")
_WHITE = ("FFFFFF",)
#: A first line that names no agency by itself: "ỦY BAN NHÂN DÂN" / "TỈNH LÂM ĐỒNG" is one name.
_AGENCY_STARTS = ("UY BAN NHAN DAN", "HOI DONG NHAN DAN", "UY BAN MAT TRAN TO QUOC VIET NAM")
#: The line before a quyết định's articles ("QUYẾT ĐỊNH:"), centred by rule, not body text.
_ENACTING = re.compile(r"^(QUYET DINH|QUYET NGHI|CHI THI|BAN HANH)\s*:$")

# --- the letter as lines with resolved formatting ---------------------------------------


_V = TypeVar("_V")


class cached_property(Generic[_V]):  # noqa: N801 (functools' name, functools' use)
    """functools.cached_property without the lock Python 3.11 takes on every first read: a
    letter's lines are read in one thread, and the lock cost more than the text it guards."""

    def __init__(self, read: Callable[[Any], _V]) -> None:
        self._read = read
        self._name = read.__name__
        self.__doc__ = read.__doc__

    @overload
    def __get__(self, instance: None, owner: Any = None) -> cached_property[_V]: ...

    @overload
    def __get__(self, instance: object, owner: Any = None) -> _V: ...

    def __get__(self, instance: object, owner: Any = None) -> _V | cached_property[_V]:
        if instance is None:
            return self
        value = instance.__dict__[self._name] = self._read(instance)
        return value


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

    @cached_property
    def cell_below(self) -> Any:
        """The cell of the next table row that starts at the same grid column as this
        paragraph's cell; None at body level or in a table's last row."""
        return _cell_below(self.cell) if self.cell is not None else None

    @cached_property
    def passed(self) -> set[object]:
        """The checks of this paragraph alone it passed, by their arguments: a paragraph never
        changes once built, and the verifier gives the letters of a batch the same paragraph
        objects where their words are the same, so a check passed once need not run again."""
        return set()


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

    @cached_property
    def passed(self) -> set[object]:
        """The checks of this line alone it passed, by their arguments (see :attr:`Para.passed`)."""
        return set()

    def formats(self) -> list[RunFormat]:
        return [f for t, f in self.pieces if t.strip()]

    def first(self) -> RunFormat | None:
        found = self.formats()
        return found[0] if found else None


@lru_cache(maxsize=4096)  # the header's and closing's lines are the same in every letter of a batch
def _plain(text: str) -> str:
    """Without diacritics, in capitals, single-spaced: ``Cộng hòa`` → ``CONG HOA``."""
    return " ".join(vn.without_marks(text).upper().split())


@lru_cache(maxsize=1024)  # asked of every paragraph's first line, twice a letter
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
    """Font sizes as a message says them: "11 pt", "11 and 12 pt"."""
    shown = [local_number(v) for v in sorted(set(values))]
    if len(shown) == 1:
        return _("{size} pt").format(size=shown[0])
    return _("{sizes} and {last} pt").format(sizes=", ".join(shown[:-1]), last=shown[-1])


def _refuse_oversized(source: Any, name: object) -> None:
    """:class:`InputError` when a .docx unpacks to more than a letter could (read from the
    zip's directory, before anything is unpacked); a file that is no zip is left to python-docx."""
    try:
        with zipfile.ZipFile(source) as zipped:
            sizes = [(i.filename, i.file_size) for i in zipped.infolist()]
    except DAMAGED_ZIP + (OSError, ValueError):
        return
    too_big = limits.oversized_parts(sizes, limits.CHECKED_PART_BYTES, limits.CHECKED_BYTES)
    if too_big:
        raise InputError(_("{name}: too big to be a letter: {problem}").format(name=name, problem=too_big))


def open_docx(path: Path) -> Any:
    if not path.is_file():
        raise InputError(_("{path}: no such file").format(path=path))
    _refuse_oversized(path, path)
    try:
        return docx.Document(str(path))
    except DAMAGED_ZIP + (PackageNotFoundError, KeyError, ValueError, etree.XMLSyntaxError) as err:
        if path.suffix.lower() == ".doc":
            raise InputError(_("{path}: an old Word .doc file; open it in Word and save it as .docx (Word Document)").format(path=path)) from err
        raise InputError(_not_a_docx(path)) from err
    except OSError as err:
        raise InputError(_("{path}: cannot read this file ({err})").format(path=path, err=os_reason(err))) from err


def _not_a_docx(path: Path) -> str:
    """Why a file given as a letter cannot be opened, in the clerk's words (python-docx's own
    "Package not found at …" says nothing to them): an Excel workbook, a damaged file, or else."""
    try:
        with zipfile.ZipFile(path) as zipped:
            names = set(zipped.namelist())
    except DAMAGED_ZIP + (OSError, ValueError):
        if starts_as_a_zip(path):  # a zip cut short: the copy of a letter stopped half-way
            return _("{path}: the Word file is damaged or incomplete (a copy stopped half-way?): copy it again,"
                     " or open it in Word and save it again").format(path=path)
        return _("{path}: not a Word .docx file").format(path=path)
    if "xl/workbook.xml" in names:
        return _("{path}: an Excel workbook, not a letter: give the letter's Word file (.docx)").format(path=path)
    if "word/document.xml" in names:
        return _("{path}: the Word file is damaged or incomplete (a copy stopped half-way?): copy it again,"
                 " or open it in Word and save it again").format(path=path)
    return _("{path}: not a Word .docx file").format(path=path)


def open_docx_bytes(data: bytes, name: str) -> Any:
    """A letter held in memory, opened with python-docx; :class:`InputError` when it is not a .docx."""
    _refuse_oversized(io.BytesIO(data), name)
    try:
        return docx.Document(io.BytesIO(data))
    except DAMAGED_ZIP + (PackageNotFoundError, KeyError, ValueError, etree.XMLSyntaxError) as err:
        raise InputError(_("{path}: not a Word .docx file ({err})").format(path=name, err=err)) from err


_P, _TBL, _TR, _TC = w("p"), w("tbl"), w("tr"), w("tc")
_BLOCK_CONTAINERS = (w("sdt"), w("sdtContent"), w("customXml"))


def _walk(container: Any, cell: Any, table: Any) -> Iterator[tuple[Any, Any, Any]]:
    """Paragraphs in reading order with their cell and outermost table."""
    for child in container:
        tag = child.tag
        if tag == _P:
            yield child, cell, table
        elif tag == _TBL:
            for row in child.iter(_TR):
                owner = row.getparent()
                while owner is not None and owner.tag != _TBL:
                    owner = owner.getparent()
                if owner is not child:
                    continue  # a nested table's row: reached through its own cell
                for tc in row:
                    if tc.tag == _TC:
                        yield from _walk(tc, tc, table if table is not None else child)
        elif tag in _BLOCK_CONTAINERS:
            yield from _walk(child, cell, table)


def walk_paragraphs(body: Any) -> Iterator[tuple[Any, Any, Any]]:
    """The paragraphs of a document body the checks read, in reading order, each with its
    innermost cell and outermost table (None at body level)."""
    return _walk(body, None, None)


def _make_para(formatter: Formatter, p: Any, index: int, cell: Any, table: Any) -> Para:
    runs = ((text, formatter.run(p, r)) for r in paragraph_runs(p) if (text := run_text(r)))
    return build_para(p, index, cell, table, formatter.paragraph(p), formatter.list_marker(p), runs)


def printed(fmt: RunFormat) -> bool:
    """Whether a run's text shows on paper: not hidden (w:vanish), not white on the page."""
    return not fmt.hidden and (fmt.color or "").upper() not in _WHITE


def build_para(
    p: Any, index: int, cell: Any, table: Any, fmt: ParagraphFormat, marker: str | None,
    runs: Iterable[tuple[str, RunFormat]],
) -> Para:  # fmt: skip
    """A paragraph read into lines from its runs' texts and resolved formats."""
    para = Para(p, index, cell, table, fmt, marker=marker)
    line = Line(para, [])
    para.lines.append(line)
    for text, fmt_ in runs:
        if not text or not printed(fmt_):
            continue
        chunks = unicodedata.normalize("NFC", text).split("\n")  # capitals stored as NFD are capitals
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
    kind: Kind = kinds.CONG_VAN
    kind_title: list[Line] = field(default_factory=list)  # tên loại: "QUYẾT ĐỊNH"
    summary: list[Line] = field(default_factory=list)  # trích yếu under the tên loại
    authority: list[Line] = field(default_factory=list)  # "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH …"
    set_apart: list[Para] = field(default_factory=list)  # in the body's span, not body text

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


def _is_number_line(text: str) -> bool:
    parsed = vn.parse_number_line(text)
    return parsed is not None and parsed.recognisable


def analyse(document: Any) -> Letter:
    """A python-docx document read as a letter: its paragraphs, then its components."""
    formatter = Formatter.for_part(document.part)
    body = document.element.body
    paras = [_make_para(formatter, p, i, c, t) for i, (p, c, t) in enumerate(_walk(body, None, None))]
    return find_parts(Letter(document, formatter, paras))


#: The header's components as :func:`find_parts` found them in some paragraphs.
Header = tuple[tuple[Line, ...], tuple[Line, ...], Line | None, Line | None, tuple[Line, ...], tuple[Line, ...], tuple[Line, ...]]


def find_parts(letter: Letter, known: dict[tuple[Para, ...], Header] | None = None) -> Letter:
    """Name the components of a letter read into paragraphs (``letter.paras``), by their text
    and position: the header, Kính gửi, body, Nơi nhận and signature. ``known``: the header's
    components by the paragraphs they were found in, kept by the caller for letters that share
    paragraph objects (the header's components are read from those paragraphs alone)."""
    paras = letter.paras
    kinh = next((p for p in paras if p.lines[0].text and _starts_plain(p.lines[0].text, "KINH GUI")), None)
    after = paras[kinh.index + 1 :] if kinh is not None else paras  # (a paragraph's index is its place)
    noi = next((p for p in after if p.lines[0].text and _starts_plain(p.lines[0].text, "NOI NHAN")), None)
    end = kinh.index if kinh else noi.index if noi else len(paras)
    top = tuple(paras[: min(end, 60)])
    found = known.get(top) if known is not None else None
    if found is None:
        _find_header(letter, _lines(top))
        if known is not None:
            if len(known) >= 64:
                known.clear()
            known[top] = (
                tuple(letter.national), tuple(letter.motto), letter.number, letter.date, tuple(letter.subject),
                tuple(letter.agency), tuple(letter.parent),
            )  # fmt: skip
    else:
        national, motto, letter.number, letter.date, subject, agency, parent = found
        letter.national, letter.motto, letter.subject = list(national), list(motto), list(subject)
        letter.agency, letter.parent = list(agency), list(parent)
    _find_kind(letter, kinh)
    if kinh is not None:
        _find_recipients(letter, kinh)
    if noi is not None:
        _find_noi_nhan(letter, noi)
    _find_signature(letter, kinh)
    _find_body(letter, kinh)
    return letter


def _find_header(letter: Letter, header: list[Line]) -> None:
    """The Quốc hiệu, Tiêu ngữ, Số and date lines, V/v, and the agency (and its parent)."""
    letter.national = _find_phrase(header, _plain(vn.NATIONAL_TITLE))
    start = header.index(letter.national[-1]) + 1 if letter.national else 0
    letter.motto = _find_phrase(header, _MOTTO_PLAIN, start) or _find_phrase(header, _MOTTO_PLAIN)
    letter.number = next((line for line in header if _is_number_line(line.text)), None)
    letter.date = next((line for line in header if vn.parse_date_phrase(line.text) is not None), None)
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
    # The issuing agency is the trailing bold lines; what precedes is the parent. A line
    # that names no agency by itself ("ỦY BAN NHÂN DÂN") goes with the next one. When every
    # line is bold and there are several names, the last one is the agency (a bold parent
    # is the likelier slip than an agency name broken over two paragraphs).
    units: list[list[Line]] = []
    for line in agency_block:
        if units and _plain(units[-1][-1].text) in _AGENCY_STARTS and len(units[-1]) == 1:
            units[-1].append(line)
        else:
            units.append([line])

    def bold(unit: list[Line]) -> bool:
        return all(line.formats() and all(f.bold for f in line.formats()) for line in unit)

    count = 0
    for unit in reversed(units):
        if not bold(unit):
            break
        count += 1
    if units and count == 0:  # nothing bold: the last name is the agency
        count = 1
    elif count == len(units) > 1:
        last = units[-1][-1].para
        count = max(1, sum(1 for unit in units if any(x.para is last for x in unit)))
    agency = [line for unit in units[len(units) - count :] for line in unit]
    letter.agency, letter.parent = agency, agency_block[: len(agency_block) - len(agency)]


_DRAFT_STAMP = ("DU THAO",)


def _find_kind(letter: Letter, kinh: Para | None) -> None:
    """The kind of document, from the title line under the header (or the ký hiệu), and its
    title block: tên loại, trích yếu, and a quyết định's issuing-authority line."""
    header = [x for x in [*letter.national, *letter.motto, letter.number, letter.date, *letter.subject] if x]
    start = max((x.para.index for x in header), default=-1) + 1
    header_table = letter.national[0].para.table if letter.national else None
    stop = kinh.index if kinh is not None else len(letter.paras)
    first = [p for p in letter.paras[start:stop] if p.text and (p.table is None or p.table is not header_table)][:3]
    title: Para | None = next((p for p in first if kinds.by_title(p.lines[0].shown)), None)
    kind = kinds.by_title(title.lines[0].shown) if title else None
    if kind is None and first and not letter.subject:
        candidate = first[0]
        text = next(x.shown for x in candidate.lines if x.text)
        if (candidate.fmt.alignment == "center" and kinds.looks_like_title(text)
                and _plain(text) not in _DRAFT_STAMP and len(candidate.lines) == 1):  # fmt: skip
            title, kind = candidate, kinds.not_a_decree_kind(text)
    if kind is None:
        kind = kinds.CONG_VAN if letter.subject else kinds.by_symbol(letter.number.text if letter.number else None)
    letter.kind = kind or kinds.CONG_VAN
    if title is None or not letter.kind.decree:
        letter.kind_title = [title.lines[0]] if title else []
        return
    lines = [x for x in title.lines if x.text]
    letter.kind_title, summary = lines[:1], lines[1:]
    after = title.index
    for para in letter.paras[title.index + 1 : stop]:
        if not para.text:
            if summary:
                break
            continue
        text = para.text
        if para.cell is not title.cell or para.fmt.alignment != "center" or set(text) <= set("_-–—. "):
            break
        if summary and letter.kind.has_authority_line and text == vn.upper(text):
            break
        summary += [x for x in para.lines if x.text]
        after = para.index
    letter.summary = summary
    if letter.kind.has_authority_line:
        for para in letter.paras[after + 1 : stop]:
            if not para.text:
                continue
            if para.fmt.alignment == "center" and para.text == vn.upper(para.text) and not _ENACTING.match(_plain(para.text)):
                letter.authority = [x for x in para.lines if x.text]
            break


def first_line_mm(letter: Letter, para: Para) -> float:
    """Where the first line starts, from the paragraph's indent: a leading tab (typed to
    indent it) moves it to the next tab stop, Word's default every 12.7 mm unless the
    document sets another (``w:defaultTabStop``)."""
    fmt = para.fmt
    start = fmt.first_line_mm
    raw = next((t for line in para.lines[:1] for t, _ in line.pieces), "")
    if raw.startswith("\t"):
        settings = letter.document.settings.element
        stop = settings.find(w("defaultTabStop"))
        try:
            step = int(stop.get(w("val"))) / 56.6929 if stop is not None else 12.7
        except (TypeError, ValueError):
            step = 12.7
        step = step if step > 0 else 12.7
        position = fmt.left_mm + start
        start = (position // step + 1) * step - fmt.left_mm
    return start


def paras_below(letter: Letter, para: Para, limit: int = 3) -> list[Para]:
    """Up to ``limit`` paragraphs printed right under ``para``: the next ones in its cell (or
    at its level), then the first ones of the same column in the table's next row."""
    found: list[Para] = []
    for after in letter.paras[para.index + 1 : para.index + 1 + limit]:
        if after.cell is not para.cell:
            break
        found.append(after)
    if len(found) < limit and para.cell is not None and (not found or found[-1].cell is para.cell):
        below = para.cell_below
        if below is not None:
            found += [p for p in letter.paras if p.cell is below][: limit - len(found)]
    return found


def _cell_below(tc: Any) -> Any:
    """The cell of the next table row that starts at the same grid column as ``tc``."""
    row = tc.getparent()
    column = 0
    for cell in row.iterchildren(w("tc")):
        if cell is tc:
            break
        column += _span(cell)
    following = row.getnext()
    while following is not None and following.tag != w("tr"):
        following = following.getnext()
    if following is None:
        return None
    start = 0
    for cell in following.iterchildren(w("tc")):
        if start == column:
            return cell
        start += _span(cell)
    return None


def _span(tc: Any) -> int:
    span = tc.find(f"{w('tcPr')}/{w('gridSpan')}")
    try:
        return int(span.get(w("val"))) if span is not None else 1
    except (TypeError, ValueError):
        return 1


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
    if not items and noi.cell is not None:
        below = noi.cell_below  # "Nơi nhận:" alone in its cell, the items in the next row's
        if below is not None:
            items = [line for para in letter.paras if para.cell is below for line in para.lines if line.text]
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
        for line in [*letter.national, *letter.motto, letter.number, letter.date, *letter.subject,
                     *letter.kind_title, *letter.summary, *letter.authority]
        if line
    ]  # fmt: skip
    start = max(marks, default=-1)
    if kinh is not None:
        start = max([kinh.index, *(line.para.index for line in letter.recipients)])
    ends = [len(letter.paras)]
    starts: dict[int, int] = {}  # by table: the closing's lines share one
    for line in [letter.noi_nhan, *letter.titles]:
        if line is None:
            continue
        ends.append(line.para.index)
        table = line.para.table
        if table is not None:
            if id(table) not in starts:
                starts[id(table)] = min(p.index for p in letter.paras if p.table is table)
            ends.append(starts[id(table)])
    end = min(ends)
    span = [p for p in letter.paras[start + 1 : end] if p.cell is None]
    # The recipient's address under Kính gửi, "(Địa chỉ: …)", centred: part of Kính gửi.
    if kinh is not None:
        for para in span:
            if not para.text:
                continue
            if para.text.startswith("(") and para.text.endswith(")") and para.fmt.alignment == "center":
                letter.set_apart.append(para)
                continue
            break
    for para in span:  # "QUYẾT ĐỊNH:" before the articles, centred by rule
        if para.fmt.alignment == "center" and _ENACTING.match(_plain(para.text)):
            letter.set_apart.append(para)
    letter.body_all = [p for p in span if p not in letter.set_apart]
