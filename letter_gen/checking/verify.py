"""Every letter checked against Decree 30 for a fraction of a full check's cost.

A full check (:func:`letter_gen.checking.rules.check_bytes`, ~16 ms) spends nearly all its
time opening the package and resolving each paragraph's and run's formatting through the
styles. Letters made from one template differ from each other in their words, and in how
many times a looped paragraph repeats, not in their formatting. :class:`Verifier` proves
that and checks only what the words can change:

1. The first letter of a shape is checked in full; its *skeleton* is kept with what the full
   check resolved: the format of each paragraph and run, and the findings of the rules that
   read only the sections, headers and footers (page size, margins, page numbers).
2. Another letter's skeleton is its ``word/document.xml`` with the text of every run taken
   out (``w:t``, tabs and line breaks) and each run of identical consecutive paragraphs
   (a ``{%p for %}`` loop) collapsed to one; every other part of the package must be
   byte-identical. Every attribute stays in the skeleton, so a header whose column widths
   or rule indents differ (the ``layout_*`` variables follow the place name and the agency)
   is a different skeleton and gets its own full check.
3. With an equal skeleton the letter is read into paragraphs with the formats resolved for
   the checked letter, and every docx-level rule a letter's text can change runs on it
   (:func:`letter_gen.checking.rules.check_text`: the components are found again by their
   text; the Quốc hiệu and Tiêu ngữ wording, capitals, the Số and date lines, Kính gửi and
   Nơi nhận punctuation, ``./.``, the rules under the agency and the Tiêu ngữ against the
   text they underline, the signer's name, the font of each character), plus no control
   characters in the text.

Anything the proof does not cover (a package of another shape, a text box, a template
without page numbers, whose page-number rule reads the text) is checked in full.
"""

from __future__ import annotations

import re
import struct
import zlib
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any, cast

from lxml import etree

from letter_gen.checking.letter_parts import (
    Letter,
    analyse,
    at,
    build_para,
    find_parts,
    open_docx_bytes,
    walk_paragraphs,
)
from letter_gen.checking.rules import Finding, FixedFindings, check_letter, check_text, fixed_findings
from letter_gen.checking.word_format import Formatter, ParagraphFormat, RunFormat, paragraph_runs, run_text, w
from letter_gen.i18n import _
from letter_gen.metrics import text_width_mm

__all__ = ["Verifier"]

_DOCUMENT = "word/document.xml"
# A run's words: its text, tabs and line breaks (a page break, w:br with a type, stays). Written
# to start with a literal "<w:" (one or more words: X(X)*, not (X|Y)+) so that re scans for it at
# C speed: the alternation form took ten times longer.
_WORD = rb"<w:(?:t(?: [^>]*)?>[^<]*</w:t>|t(?: [^>]*)?/>|(?:tab|br|cr|noBreakHyphen)/>)"
_RUN_TEXT = re.compile(_WORD + rb"(?:" + _WORD + rb")*")
_PARAGRAPH_START = re.compile(rb"<w:p[ >]")
# Control characters a letter should not carry; XML 1.0 refuses most C0 ones outright.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")

_Skeleton = tuple[bytes, ...]


@dataclass(frozen=True)
class _Reference:
    """A fully checked letter's shape: its other parts, and per group of identical paragraphs
    the paragraph format, list marker and every run's format."""

    others: dict[str, bytes]
    formats: list[tuple[ParagraphFormat, str | None, tuple[RunFormat, ...]]]
    fixed: FixedFindings
    settings: Any  # word/settings.xml's root (default tab stops), a part the letter shares


class Verifier:
    """Checks letters against Decree 30's docx-level rules: in full the first of each shape,
    the others by proof that only their words differ (see the module's docstring).

    ``verify`` finds what :func:`letter_gen.checking.rules.check_bytes` finds. One verifier
    keeps up to ``shapes`` checked shapes (the most recently used).
    """

    def __init__(self, shapes: int = 64) -> None:
        self._shapes = shapes
        self._references: OrderedDict[_Skeleton, _Reference] = OrderedDict()
        self.checked_in_full = 0
        self.proven = 0

    def verify(self, data: bytes, name: str, parsed: tuple[bytes, Any] | None = None) -> list[Finding]:
        """The findings for one letter (.docx bytes); [] when it follows the rules.

        ``parsed``: a ``word/document.xml`` and the tree already parsed from it (by the
        renderer); used only when the letter's document.xml is those very bytes.
        Raises :class:`letter_gen.errors.InputError` when ``data`` is not a .docx."""
        package = _read_package(data)
        if package is not None:
            document, others = package
            skeleton, counts = _skeleton(document)
            reference = self._references.get(skeleton)
            if reference is not None and reference.others == others:
                root = parsed[1] if parsed is not None and parsed[0] == document else None
                letter = _read_with(reference, document, counts, root)
                if letter is not None:
                    self._references.move_to_end(skeleton)
                    self.proven += 1
                    return [*check_text(letter, reference.fixed), *_text_findings(letter)]
        self.checked_in_full += 1
        letter = analyse(open_docx_bytes(data, name))
        findings = [*check_letter(letter), *_text_findings(letter)]
        if package is not None:
            self._remember(letter, *package)
        return findings

    def _remember(self, letter: Letter, document: bytes, others: dict[str, bytes]) -> None:
        skeleton, counts = _skeleton(document)
        fixed = fixed_findings(letter)
        if fixed is None or len(letter.paras) != sum(counts):
            return  # text boxes, or page numbers that depend on the text: no proof
        formats = []
        index = 0
        for count in counts:
            para = letter.paras[index]
            runs = tuple(letter.formatter.run(para.el, r) for r in paragraph_runs(para.el))
            formats.append((para.fmt, para.marker, runs))
            index += count
        self._references[skeleton] = _Reference(others, formats, fixed, letter.document.settings.element)
        if len(self._references) > self._shapes:
            self._references.popitem(last=False)


def _skeleton(document: bytes) -> tuple[_Skeleton, list[int]]:
    """The document without its words, each run of identical paragraphs collapsed to one;
    and how many paragraphs each collapsed one stands for."""
    bare = _RUN_TEXT.sub(b"\0", document)
    starts = [m.start() for m in _PARAGRAPH_START.finditer(bare)]
    head, *pieces = (bare[a:b] for a, b in zip([0, *starts], [*starts, len(bare)]))
    distinct: list[bytes] = [head]
    counts: list[int] = []
    for piece in pieces:
        if counts and piece == distinct[-1]:
            counts[-1] += 1
        else:
            distinct.append(piece)
            counts.append(1)
    return tuple(distinct), counts


def _read_with(reference: _Reference, document: bytes, counts: list[int], root: Any = None) -> Letter | None:
    """The letter read into paragraphs with the reference's formats, its components found;
    None when its paragraphs are not the ones the skeleton shows (a text box). ``root``: the
    tree of ``document`` when it is already parsed."""
    if root is None:
        try:
            root = etree.fromstring(document)
        except etree.XMLSyntaxError:
            return None
    body = root.find(w("body"))
    if body is None:
        return None
    walked = list(walk_paragraphs(body))
    if len(walked) != sum(counts):
        return None
    paras = []
    index = 0
    for (fmt, marker, run_formats), count in zip(reference.formats, counts):
        for _copy in range(count):
            p, cell, table = walked[index]
            runs = list(paragraph_runs(p))
            if len(runs) != len(run_formats):
                return None
            texts = ((run_text(r), f) for r, f in zip(runs, run_formats))
            paras.append(build_para(p, index, cell, table, fmt, marker, texts))
            index += 1
    # No formatter: the checks read the paragraphs' formats; of the document only its body and
    # its settings (the tab stops a paragraph typed with a leading tab starts at).
    view = SimpleNamespace(element=SimpleNamespace(body=body), settings=SimpleNamespace(element=reference.settings))
    return find_parts(Letter(view, cast(Formatter, None), paras))


def _text_findings(letter: Letter) -> Iterator[Finding]:
    """What the docx-level rules leave to the laid-out page or to the input: the date line
    fits on one line in its column, and no text carries a control character."""
    line = letter.date
    first = line.first() if line is not None else None
    if line is not None and first is not None and line.para.fmt.text_width_mm is not None:
        width, column = text_width_mm(line.shown, first.size_pt, first.face), line.para.fmt.text_width_mm
        if width > column:
            yield Finding(
                "date", at(_("Date line"), line.text),
                _("{width:.0f} mm wide, wider than its column ({column:.0f} mm); it must fit on one line")
                .format(width=width, column=column),
            )  # fmt: skip
    if not _CONTROL.search("".join(t for para in letter.paras for line in para.lines for t, _ in line.pieces)):
        return  # the usual case: one search over the whole letter
    for para in letter.paras:
        text = "".join(t for line in para.lines for t, _ in line.pieces)
        found = sorted({f"U+{ord(c):04X}" for c in _CONTROL.findall(text)})
        if found:
            yield Finding(
                "text", at(_("Paragraph"), para.text),
                _("contains {found}, a control character a letter cannot carry").format(found=", ".join(found)),
            )  # fmt: skip


# --- the package, read from its zip directory ------------------------------------------

# The zip format's records (APPNOTE 4.3.7, 4.3.12 and 4.3.16).
_LOCAL = struct.Struct("<4s5H3L2H")
_CENTRAL = struct.Struct("<4s6H3L5H2L")
_END = struct.Struct("<4s4H2LH")


def _read_package(data: bytes) -> tuple[bytes, dict[str, bytes]] | None:
    """``word/document.xml`` and, for every other part, its directory record (without its
    offset) and its bytes as stored; None for a package this reading does not cover (a zip
    comment, zip64, encryption, a damaged file): such a letter is checked in full."""
    if len(data) < _END.size or data[-_END.size : -_END.size + 4] != b"PK\x05\x06":
        return None
    _, disk, _, _, count, size, start, comment = _END.unpack_from(data, len(data) - _END.size)
    if disk or comment or start + size != len(data) - _END.size:
        return None
    entries: list[tuple[int, str, bytes, int, int, int, int]] = []
    position = start
    for _ in range(count):
        if data[position : position + 4] != b"PK\x01\x02":
            return None
        fields = _CENTRAL.unpack_from(data, position)
        flags, method, crc, packed, length = fields[3], fields[4], fields[7], fields[8], fields[9]
        name_length, extra_length, note_length, offset = fields[10], fields[11], fields[12], fields[16]
        end = position + _CENTRAL.size + name_length + extra_length + note_length
        name = data[position + _CENTRAL.size : position + _CENTRAL.size + name_length].decode("cp437")
        record = data[position : position + 42] + data[position + 46 : end]  # without the offset
        if flags & 0x1 or packed == 0xFFFFFFFF or length == 0xFFFFFFFF:
            return None
        entries.append((offset, name, record, method, crc, packed, length))
        position = end
    entries.sort()
    others: dict[str, bytes] = {}
    document: bytes | None = None
    for index, (offset, name, record, method, crc, packed, length) in enumerate(entries):
        following = entries[index + 1][0] if index + 1 < len(entries) else start
        if name in others or data[offset : offset + 4] != b"PK\x03\x04":
            return None
        if name != _DOCUMENT:
            others[name] = record + data[offset:following]
            continue
        header = _LOCAL.unpack_from(data, offset)
        begin = offset + _LOCAL.size + header[9] + header[10]
        stored = data[begin : begin + packed]
        try:
            document = stored if method == 0 else zlib.decompress(stored, -15) if method == 8 else None
        except zlib.error:
            return None
        if document is None or len(document) != length or zlib.crc32(document) != crc:
            return None
    return (document, others) if document is not None else None
