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

What makes that cheap (~0.25 ms a letter against ~1 ms read from its tree):

- The words are the matches the skeleton takes out. Each run's text is read from them by a
  *recipe* found once per shape (:func:`_recipes`), not from a parsed tree; the paragraphs'
  elements, cells and tables come from the word-less document parsed once per shape and
  loop counts (:class:`_Layout`), which is every such letter's document without its words.
- A paragraph read from the same words at the same place is the same object in every letter
  (kept by :class:`_Layout`), and a paragraph never changes once read. So what a check of a
  paragraph or line alone found clean is kept on it (``Para.passed``, ``Line.passed``: the
  format checks, a body paragraph's own rules, its fonts, its shapes, control characters) and
  the header's components and checks are kept by the very paragraphs they read: the header,
  the Nơi nhận and most of the body read the same in every letter of a batch. Only "passed"
  is kept, never a finding, so a message still follows the clerk's language.
- A package like the last reference's is read by comparing the bytes around its document
  entry (:class:`_Package`), not entry by entry; a document its renderer hands over is taken
  when the entry's crc-32 and size are its own, not inflated again.
- No letter's XML is parsed, not even to know it is well-formed: its document without the words
  is the layout's, which parsed, and each word stood where the checked letter had an element;
  so it is well-formed when each word's text is text XML allows (UTF-8, allowed characters,
  ``&`` only in a reference to one, no ``]]>``), and that is checked on each new paragraph's
  words. A batch's renderer leaves a proven letter's XML to this proof
  (:func:`letter_gen.output.writer.render_and_check`).

Anything the proof does not cover (a package of another shape, a text box, a template
without page numbers in its header, whose page-number rule reads the text, a document.xml not in UTF-8) is
checked in full.
"""

from __future__ import annotations

import re
import struct
import zlib
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any, cast

from lxml import etree

from letter_gen.checking.letter_parts import (
    Header,
    Letter,
    Para,
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
from letter_gen.ooxml import CENTRAL_RECORD, CENTRAL_SIGNATURE, END_RECORD, END_SIGNATURE, LOCAL_HEADER, LOCAL_SIGNATURE

__all__ = ["Verifier", "full_check"]

_DOCUMENT = "word/document.xml"
# A run's words: its text, tabs and line breaks (a page break, w:br with a type, stays). Written
# to start with a literal "<w:" (one or more words: X(X)*, not (X|Y)+) so that re scans for it at
# C speed: the alternation form took ten times longer.
# A w:t is a word only with no attribute or xml:space="preserve" alone, as Word writes it: one with
# others (a value holding ">", an xmlns:w making it no text element) stays in the skeleton.
_WORD = rb'<w:(?:t(?: xml:space="preserve")?>[^<]*</w:t>|t(?: xml:space="preserve")?/>|(?:tab|br|cr|noBreakHyphen)/>)'
# Split on, its matches kept: the skeleton is what lies between, the letter's words the matches.
_RUN_TEXT = re.compile(rb"(" + _WORD + rb"(?:" + _WORD + rb")*)")
# One of a match's elements: a w:t's text, or what an empty element shows (as run_text reads them).
_ONE_WORD = re.compile(rb'<w:(?:t(?: xml:space="preserve")?>([^<]*)</w:t>|(t)(?: xml:space="preserve")?/>|(tab|br|cr|noBreakHyphen)/>)')
_SHOWN = {b"t": "", b"tab": "\t", b"br": "\n", b"cr": "\n", b"noBreakHyphen": "-"}
_REFERENCE = re.compile(r"&(?:#([0-9]+)|#x([0-9a-fA-F]+)|(amp|lt|gt|quot|apos));")
_LOOSE_AMPERSAND = re.compile(r"&(?!#[0-9]+;|#x[0-9a-fA-F]+;|(?:amp|lt|gt|quot|apos);)")
# The characters XML 1.0 allows (its Char production); a character outside them, or "]]>",
# which text may not hold, makes a word no text.
_XML_CHARACTERS = "\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff"
_NOT_CHARACTER = re.compile(f"[^{_XML_CHARACTERS}]")
_NOT_TEXT = re.compile(f"[^{_XML_CHARACTERS}]|]]>")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}
# A word's place in a run's text while the reference is read: one private-use character per match.
_MARK = 0xF0000
_MARKS = re.compile("([\U000f0000-\U000ffffd])")
# The XML declaration's encoding, when it names one (none: UTF-8).
_ENCODING = re.compile(rb'(?:\xef\xbb\xbf)?<\?xml[^?]*?encoding=["\']([^"\']*)["\']')
_PARAGRAPH_START = re.compile(rb"(<w:p[ >])")  # split on, kept: a paragraph's start
# Control characters a letter should not carry; XML 1.0 refuses most C0 ones outright.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")

_Skeleton = tuple[bytes, ...]
_KEPT = 64  # paragraphs kept per set of loop counts of a shape (see _Layout)
_LAYOUTS = 16  # sets of loop counts (of any shape) kept
# Where a run's text comes from: literal text of the skeleton, or the number of one of the
# paragraph's words (a match of _RUN_TEXT, counted from the paragraph's first).
_Recipe = tuple[str | int, ...]


@dataclass(frozen=True)
class _Reference:
    """A fully checked letter's shape: its other parts, and per group of identical paragraphs
    the paragraph format, list marker and every run's format."""

    others: dict[str, bytes]
    formats: list[tuple[ParagraphFormat, str | None, tuple[RunFormat, ...]]]
    fixed: FixedFindings
    settings: Any  # word/settings.xml's root (default tab stops), a part the letter shares
    recipes: list[tuple[_Recipe, ...]]  # per group, each run's text from the paragraph's words
    words: list[int]  # per group, how many words (matches of _RUN_TEXT) its paragraph holds
    head: int  # words before the first paragraph
    skeleton: _Skeleton
    package: _Package | None  # its zip, to read another letter's document.xml by
    places: list[object]  # per group, what its first paragraph's format read of its cell (_place)


@dataclass
class _Layout:
    """The letters of one shape and one count of each group's paragraphs: their document
    without the words (every such letter's document.xml with _RUN_TEXT's matches taken out is
    these very bytes), parsed once; where each paragraph's words are among a letter's words; and
    the paragraphs read so far, kept by (index, words): the header, the Nơi nhận and most of the
    body read the same in every letter of a batch. A proven letter's paragraphs are these
    objects (nothing changes a paragraph once it is read); their ``el`` is this tree's, without
    words: a rule reads the words from ``lines``."""

    view: Any  # what the checks read of the document: its body and its settings
    spans: list[tuple[int, Any, Any, Any, int, int, int]]  # index, p, cell, table, group, first word, end
    paras: dict[object, Para] = field(default_factory=dict)
    headers: dict[tuple[Para, ...], Header] = field(default_factory=dict)  # find_parts' (see there)

    @classmethod
    def build(cls, reference: _Reference, counts: list[int]) -> _Layout | None:
        bare = reference.skeleton[0] + b"".join(piece * count for piece, count in zip(reference.skeleton[1:], counts))
        try:
            root = etree.fromstring(bare.replace(b"\0", b""))
        except etree.XMLSyntaxError:
            return None
        body = root.find(w("body"))
        walked = list(walk_paragraphs(body)) if body is not None else []
        if len(walked) != sum(counts):
            return None
        groups = [group for group, count in enumerate(counts) for _copy in range(count)]
        spans = []
        word = reference.head
        places: dict[int, object] = {}  # by cell
        for index, ((p, cell, table), group) in enumerate(zip(walked, groups)):
            place = places.get(id(cell), _UNKNOWN)
            if place is _UNKNOWN:
                place = places[id(cell)] = _place(cell)
            if place != reference.places[group]:
                return None  # a paragraph like its group's first, in another column: its format differs
            size = reference.words[group]
            spans.append((index, p, cell, table, group, word, word + size))
            word += size
        # No formatter: the checks read the paragraphs' formats; of the document only its body
        # and its settings (the tab stops a paragraph typed with a leading tab starts at).
        view = SimpleNamespace(element=SimpleNamespace(body=body), settings=SimpleNamespace(element=reference.settings))
        return cls(view, spans)


class Verifier:
    """Checks letters against Decree 30's docx-level rules: in full the first of each shape,
    the others by proof that only their words differ (see the module's docstring).

    ``verify`` finds what :func:`letter_gen.checking.rules.check_bytes` finds. One verifier
    keeps up to ``shapes`` checked shapes (the most recently used).
    """

    def __init__(self, shapes: int = 64) -> None:
        self._shapes = shapes
        self._references: OrderedDict[_Skeleton, _Reference] = OrderedDict()
        # (shape, loop counts) → its paragraphs (see _Layout); a letter of a batch has one of a few
        self._layouts: OrderedDict[tuple[_Skeleton, tuple[int, ...]], tuple[_Reference, _Layout | None]] = OrderedDict()
        self.checked_in_full = 0
        self.proven = 0

    def verify(self, data: bytes, name: str, document: bytes | None = None) -> list[Finding]:
        """The findings for one letter (.docx bytes); [] when it follows the rules: proven
        (:meth:`prove`) when it can be, else checked in full (:meth:`check_in_full`).

        ``document``: the ``word/document.xml`` its renderer put in ``data``, so that it is not
        inflated again (see :meth:`prove`). Raises :class:`letter_gen.errors.InputError` when
        ``data`` is not a .docx."""
        findings = self.prove(data, document)
        return findings if findings is not None else self.check_in_full(data, name)

    def prove(self, data: bytes, document: bytes | None = None) -> list[Finding] | None:
        """The findings for a letter proven to differ from a checked one only in its words;
        None when that cannot be proven (a new shape, or XML that is not well-formed): then
        check it in full. A proven letter is well-formed XML: its skeleton is a checked letter's
        and each of its words is text an XML parser accepts (see :func:`_unescape`).

        ``document``: the letter's ``word/document.xml`` as its renderer wrote it into ``data``;
        taken when the package's crc-32 and size for that entry match it (else inflated)."""
        recent = next(reversed(self._references.values()), None)
        if recent is None or recent.package is None:
            package = _read_package(data)
        else:
            found = _known_document(data, recent.package, document)
            package = (found, recent.others) if found is not None else _read_package(data)
        if package is None:
            return None
        document, others = package
        if b"\0" in document:
            return None  # the skeleton marks a word with U+0000, which XML never holds: a NUL there would pass for a word
        skeleton, counts, words = _skeleton(document)
        reference = self._references.get(skeleton)
        if reference is None or (reference.others is not others and reference.others != others):
            return None
        layout = self._layout(skeleton, reference, counts)
        letter = _read_with(reference, layout, words) if layout is not None else None
        if letter is None:
            return None
        self._references.move_to_end(skeleton)
        self.proven += 1
        return [*check_text(letter, reference.fixed), *_text_findings(letter)]

    def check_in_full(self, data: bytes, name: str) -> list[Finding]:
        """Every rule run on the letter (:func:`letter_gen.checking.rules.check_letter`); its
        shape is kept to prove the next letters by."""
        self.checked_in_full += 1
        letter = analyse(open_docx_bytes(data, name))
        findings = _full_findings(letter)
        package = _read_package(data)
        if package is not None:
            self._remember(letter, *package, data)
        return findings

    def _layout(self, skeleton: _Skeleton, reference: _Reference, counts: list[int]) -> _Layout | None:
        """The paragraphs of a shape's letters with these loop counts (see :class:`_Layout`);
        the most recently used _LAYOUTS are kept (each ~1 MB at most)."""
        key = (skeleton, tuple(counts))
        kept = self._layouts.get(key)
        if kept is not None and kept[0] is reference:  # (a shape checked in full again has a new reference)
            self._layouts.move_to_end(key)
            return kept[1]
        found = _Layout.build(reference, counts)
        self._layouts[key] = (reference, found)
        self._layouts.move_to_end(key)
        if len(self._layouts) > _LAYOUTS:
            self._layouts.popitem(last=False)
        return found

    def _remember(self, letter: Letter, document: bytes, others: dict[str, bytes], data: bytes) -> None:
        skeleton, counts, _words = _skeleton(document)
        fixed = fixed_findings(letter)
        if fixed is None or len(letter.paras) != sum(counts):
            return  # text boxes, or page numbers that depend on the text: no proof
        formats, places = [], []
        index = 0
        for count in counts:
            para = letter.paras[index]
            runs = tuple(letter.formatter.run(para.el, r) for r in paragraph_runs(para.el))
            formats.append((para.fmt, para.marker, runs))
            places.append(_place(para.cell))
            index += count
        recipes = _recipes(document, skeleton, counts)
        if recipes is None or any(len(r) != len(f[2]) for r, f in zip(recipes, formats)):
            return
        words = [piece.count(b"\0") for piece in skeleton[1:]]
        self._references[skeleton] = _Reference(
            others,
            formats,
            fixed,
            letter.document.settings.element,
            recipes,
            words,
            skeleton[0].count(b"\0"),
            skeleton,
            _Package.of(data),
            places,
        )
        if len(self._references) > self._shapes:
            self._references.popitem(last=False)


def _place(cell: Any) -> object:
    """What a paragraph's format reads of the cell it is in (its width: the table's grid and
    properties, the row's, the cell's and its column): a paragraph collapsed with the one before
    it (the same bytes up to the next paragraph) may sit in another column, whose properties are
    in the bytes before it. None at body level."""
    if cell is None:
        return None
    row = cell.getparent()
    table = row.getparent()
    while table is not None and table.tag != _TABLE:
        table = table.getparent()
    before = []
    for tc in row.iterchildren(_CELL):
        if tc is cell:
            break
        before.append(_properties(tc.find(_CELL_PROPERTIES)))
    return (
        tuple(before), _properties(cell.find(_CELL_PROPERTIES)), _properties(row.find(_ROW_PROPERTIES)),
        *(_properties(table.find(tag)) if table is not None else None for tag in (_TABLE_PROPERTIES, _GRID)),
    )  # fmt: skip


def _properties(element: Any) -> object:
    """An element's tag, attributes and children, to compare (a fifth of serialising it)."""
    return (element.tag, tuple(element.attrib.items()), tuple(_properties(child) for child in element)) if element is not None else None


_UNKNOWN = object()


_TABLE, _CELL, _CELL_PROPERTIES, _ROW_PROPERTIES, _TABLE_PROPERTIES, _GRID = (
    w(tag) for tag in ("tbl", "tc", "tcPr", "trPr", "tblPr", "tblGrid")
)


def _skeleton(document: bytes) -> tuple[_Skeleton, list[int], list[bytes]]:
    """The document without its words, each run of identical paragraphs collapsed to one;
    how many paragraphs each collapsed one stands for; and the words taken out, in order."""
    parts = _RUN_TEXT.split(document)
    bare = b"\0".join(parts[::2])
    head, *split = _PARAGRAPH_START.split(bare)
    distinct: list[bytes] = [head]
    counts: list[int] = []
    for start, rest in zip(split[::2], split[1::2]):
        piece = start + rest
        # Not collapsed: a paragraph whose piece starts the next cell of its row (the next
        # paragraph is in another column, whose properties its own piece holds, not the one before)
        if counts and piece == distinct[-1] and (b"<w:tc" not in piece or b"<w:tr" in piece):
            counts[-1] += 1
        else:
            distinct.append(piece)
            counts.append(1)
    return tuple(distinct), counts, parts[1::2]


def _read_with(reference: _Reference, layout: _Layout, words: list[bytes]) -> Letter | None:
    """The letter read into paragraphs with the reference's formats, its components found;
    None when a word is not text an XML parser accepts. ``layout``: its shape's paragraphs for
    its loop counts; ``words``: the matches of _RUN_TEXT in its document.

    The layout is the letter's document without its words, parsed; each word stood, in the
    checked letter, where an element may start (no comment, CDATA or DOCTYPE: see
    :func:`_recipes`). So the letter is well-formed when each word's text is: that is checked
    here, once per paragraph (a paragraph kept was read from these very bytes)."""
    if any(_words(match) is None for match in words[: reference.head]):
        return None
    # Every paragraph is a copy of its group's paragraph in the reference but for its words
    # (the skeleton is equal), so its runs' texts follow the group's recipes (see _recipes).
    paras, keys = [], []
    known = layout.paras
    for index, p, cell, table, group, first, end in layout.spans:
        key = (index, *words[first:end]) if end > first else index  # (an empty paragraph: its place)
        keys.append(key)
        para = known.get(key)
        if para is None:
            fmt, marker, run_formats = reference.formats[group]
            texts = [_words(x) for x in words[first:end]]
            if None in texts:
                return None
            runs = (
                "".join(cast(str, texts[i]) if isinstance(i, int) else i for i in recipe) for recipe in reference.recipes[group]
            )
            para = known[key] = build_para(p, index, cell, table, fmt, marker, zip(runs, run_formats))
        paras.append(para)
    if len(known) > _KEPT:  # keep what this letter shares with the next ones (~2.5 kB a paragraph)
        layout.paras = dict(zip(keys, paras))
    return find_parts(Letter(layout.view, cast(Formatter, None), paras), layout.headers)


def _words(match: bytes) -> str | None:
    """The text a match of _RUN_TEXT shows, as run_text reads its elements from the tree;
    None when a w:t's text is not text an XML parser accepts."""
    shown = []
    for text, empty, other in _ONE_WORD.findall(match):
        if empty or other:
            shown.append(_SHOWN[empty or other])
            continue
        unescaped = _unescape(text)
        if unescaped is None:
            return None
        shown.append(unescaped)
    return "".join(shown)


def _unescape(raw: bytes) -> str | None:
    """A w:t's text as the XML parser gives it: line ends normalised, the references replaced
    (a letter declares no entities: its skeleton is the reference's); None when the parser
    would refuse it: not UTF-8, a character XML does not allow, ``]]>``, or an ``&`` that
    starts no reference to a character XML allows."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if _NOT_TEXT.search(text):
        return None
    if "&" not in text and "\r" not in text:
        return text
    if _LOOSE_AMPERSAND.search(text):
        return None
    try:
        return _REFERENCE.sub(_expand, text.replace("\r\n", "\n").replace("\r", "\n"))
    except (ValueError, OverflowError):
        return None  # a reference to a character XML does not allow, or to none at all


def _expand(m: re.Match[str]) -> str:
    decimal, hexadecimal, name = m.groups()
    if name:
        return _NAMED[name]
    character = chr(int(decimal) if decimal else int(hexadecimal, 16))  # past U+10FFFF: ValueError
    if _NOT_CHARACTER.match(character):
        raise ValueError(character)
    return character


def _recipes(document: bytes, skeleton: _Skeleton, counts: list[int]) -> list[tuple[_Recipe, ...]] | None:
    """Per group of the reference, where each run's text comes from: the document is parsed
    with each word replaced by a mark, and each run's text read as marks and literal text. None
    when the words cannot be read so: not UTF-8 (windows-1258, say), a DOCTYPE, comment, CDATA section or empty
    paragraph (a ``<w:p`` that is not a paragraph's start, or a paragraph without one)."""
    encoding = _ENCODING.match(document)
    if encoding is not None and encoding.group(1).lower() not in (b"utf-8", b"utf8"):
        return None  # the words are read as UTF-8
    if (
        document.startswith((b"\xff\xfe", b"\xfe\xff"))
        or b"<!" in document
        or b"<w:p/>" in document
        or document.find(b"<?", 1) >= 0
    ):
        return None
    parts = _RUN_TEXT.split(document)
    if len(parts) // 2 > 0xFFFD or _MARKS.search(document.decode("utf-8", "replace")):
        return None
    marked = b"".join(
        part if i % 2 == 0 else b"<w:t>" + chr(_MARK + i // 2).encode("utf-8") + b"</w:t>"
        for i, part in enumerate(parts)
    )
    try:
        root = etree.fromstring(marked)
    except etree.XMLSyntaxError:
        return None
    body = root.find(w("body"))
    walked = [p for p, _, _ in walk_paragraphs(body)] if body is not None else []
    if len(walked) != sum(counts) or len(walked) != sum(1 for _ in root.iter(w("p"))):
        return None
    recipes = []
    index, first = 0, skeleton[0].count(b"\0")
    for piece, count in zip(skeleton[1:], counts):
        size = piece.count(b"\0")
        recipe: list[_Recipe] = []
        for run in paragraph_runs(walked[index]):
            items: list[str | int] = []
            for text in _MARKS.split(run_text(run)):
                if len(text) == 1 and _MARKS.match(text):
                    number = ord(text) - _MARK - first
                    if not 0 <= number < size:
                        return None
                    items.append(number)
                elif text:
                    items.append(text)
            recipe.append(tuple(items))
        recipes.append(tuple(recipe))
        first += size * count
        index += count
    return recipes


def full_check(data: bytes, name: str) -> list[Finding]:
    """What a letter checked in full is found to break (``render``, ``--check-all``): every
    docx-level rule, and the text rules a proven letter gets too, so that no check is looser
    than the default one. :class:`letter_gen.errors.InputError` when ``data`` is not a .docx."""
    return _full_findings(analyse(open_docx_bytes(data, name)))


def _full_findings(letter: Letter) -> list[Finding]:
    return [*check_letter(letter), *_text_findings(letter)]


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
    for para in letter.paras:
        if _text_findings in para.passed:
            continue  # no control character in it before: a paragraph never changes
        text = "".join(t for line in para.lines for t, _ in line.pieces)
        if not _CONTROL.search(text):
            para.passed.add(_text_findings)
            continue
        found = sorted({f"U+{ord(c):04X}" for c in _CONTROL.findall(text)})
        if found:
            yield Finding(
                "text", at(_("Paragraph"), para.text),
                _("contains {found}, a control character a letter cannot carry").format(found=", ".join(found)),
            )  # fmt: skip


# --- the package, read from its zip directory ------------------------------------------


def _read_package(data: bytes) -> tuple[bytes, dict[str, bytes]] | None:
    """``word/document.xml`` and, for every other part, its directory record (without its
    offset) and its bytes as stored; None for a package this reading does not cover (a zip
    comment, zip64, encryption, a damaged file): such a letter is checked in full."""
    if len(data) < END_RECORD.size or data[-END_RECORD.size : -END_RECORD.size + 4] != END_SIGNATURE:
        return None
    _, disk, _, _, count, size, start, comment = END_RECORD.unpack_from(data, len(data) - END_RECORD.size)
    if disk or comment or start + size != len(data) - END_RECORD.size:
        return None
    entries: list[tuple[int, str, bytes, int, int, int, int]] = []
    position = start
    for _ in range(count):
        if data[position : position + 4] != CENTRAL_SIGNATURE:
            return None
        fields = CENTRAL_RECORD.unpack_from(data, position)
        flags, method, crc, packed, length = fields[3], fields[4], fields[7], fields[8], fields[9]
        name_length, extra_length, note_length, offset = fields[10], fields[11], fields[12], fields[16]
        end = position + CENTRAL_RECORD.size + name_length + extra_length + note_length
        name = data[position + CENTRAL_RECORD.size : position + CENTRAL_RECORD.size + name_length].decode("cp437")
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
        if name in others or (name == _DOCUMENT and document is not None) or data[offset : offset + 4] != LOCAL_SIGNATURE:
            return None  # (a name twice: a zip reader takes the directory's last, not the last stored)
        if name != _DOCUMENT:
            others[name] = record + data[offset:following]
            continue
        header = LOCAL_HEADER.unpack_from(data, offset)
        begin = offset + LOCAL_HEADER.size + header[9] + header[10]
        stored = data[begin : begin + packed]
        try:
            document = stored if method == 0 else zlib.decompress(stored, -15) if method == 8 else None
        except zlib.error:
            return None
        if document is None or len(document) != length or zlib.crc32(document) != crc:
            return None
    return (document, others) if document is not None else None


_SIZES = struct.Struct("<3L")  # a directory record's crc-32, compressed and uncompressed sizes, at 16


@dataclass(frozen=True)
class _Package:
    """A reference's zip as another letter of its shape repeats it: every byte but the
    ``word/document.xml`` entry's data, its crc-32 and sizes, and the offsets of the entries
    after it (shifted by the difference in its size). Checking that takes a few comparisons of
    bytes, where :func:`_read_package` reads every entry."""

    directory: int  # the central directory's size
    count: int
    fixed_at: struct.Struct  # reads the slices of the directory that never change
    fixed: tuple[bytes, ...]
    still_at: struct.Struct  # reads the offsets of the entries up to the document's
    still: tuple[int, ...]
    moved_at: struct.Struct  # reads the offsets of the entries after it (they move with its size)
    moved: tuple[int, ...]
    record: int  # where the document's record starts in the directory
    before: bytes  # the package before the document's local header
    header: tuple[bytes, bytes]  # its local header without the crc-32 and sizes (bytes 14 to 26)
    method: int
    packed: int
    after: bytes  # the package between the document's data and the directory

    @classmethod
    def of(cls, data: bytes) -> _Package | None:
        """None for a package :func:`_read_package` would not read, or whose document entry
        has a data descriptor (its crc-32 and sizes after its data)."""
        if _read_package(data) is None:
            return None
        end = len(data) - END_RECORD.size
        _, _, _, _, count, size, start, _ = END_RECORD.unpack_from(data, end)
        changing: list[tuple[int, int]] = []
        offsets: list[tuple[int, int, bool]] = []
        record: int | None = None
        position = 0
        directory = data[start:end]
        for _ in range(count):
            fields = CENTRAL_RECORD.unpack_from(directory, position)
            name = directory[position + CENTRAL_RECORD.size : position + CENTRAL_RECORD.size + fields[10]]
            offsets.append((position + 42, fields[16], False))
            changing.append((position + 42, position + 46))
            if name == _DOCUMENT.encode():
                if fields[3] & 0x8:
                    return None
                record = position
                changing.append((position + 16, position + 28))
            position += CENTRAL_RECORD.size + fields[10] + fields[11] + fields[12]
        if record is None:
            return None
        crc, packed, _length = _SIZES.unpack_from(directory, record + 16)
        offset = CENTRAL_RECORD.unpack_from(directory, record)[16]
        local = LOCAL_HEADER.unpack_from(data, offset)
        begin = offset + LOCAL_HEADER.size + local[9] + local[10]
        cuts, at = [], 0
        for low, high in sorted(changing):
            cuts.append((at, low))
            at = high
        cuts.append((at, size))
        fixed_at = _reader([(a, f"{b - a}s") for a, b in cuts])
        still_at = _reader([(place, "I") for place, known, _ in offsets if known <= offset])
        moved_at = _reader([(place, "I") for place, known, _ in offsets if known > offset])
        return cls(
            size, count, fixed_at, fixed_at.unpack_from(directory), still_at, still_at.unpack_from(directory), moved_at,
            moved_at.unpack_from(directory), record, data[:offset],
            (data[offset : offset + 14], data[offset + 26 : begin]), CENTRAL_RECORD.unpack_from(directory, record)[4], packed,
            data[begin + packed : start],
        )  # fmt: skip


def _reader(fields: list[tuple[int, str]]) -> struct.Struct:
    """A struct reading each (place, format) of ``fields``, in order of place, in one call."""
    layout, at = "<", 0
    for place, kind in fields:
        layout += f"{place - at}x{kind}" if place > at else kind
        at = place + struct.calcsize("<" + kind)
    return struct.Struct(layout)


def _known_document(data: bytes, known: _Package, rendered: bytes | None = None) -> bytes | None:
    """The ``word/document.xml`` of a package that is ``known`` but for that entry (see
    :class:`_Package`), else None. ``rendered``: the document its renderer deflated into
    ``data``, taken without inflating the entry when its crc-32 and size are the entry's."""
    end = len(data) - END_RECORD.size
    if end < 0 or data[end : end + 4] != END_SIGNATURE:
        return None
    _, disk, _, _, count, size, start, comment = END_RECORD.unpack_from(data, end)
    if disk or comment or count != known.count or size != known.directory or start + size != end:
        return None
    directory = data[start:end]
    if known.fixed_at.unpack_from(directory) != known.fixed or known.still_at.unpack_from(directory) != known.still:
        return None
    crc, packed, length = _SIZES.unpack_from(directory, known.record + 16)
    if packed == 0xFFFFFFFF or length == 0xFFFFFFFF:
        return None
    shift = packed - known.packed
    if tuple([offset - shift for offset in known.moved_at.unpack_from(directory)]) != known.moved:
        return None
    offset = len(known.before)
    begin = offset + 26 + len(known.header[1])
    if (
        data[:offset] != known.before
        or data[offset : offset + 14] != known.header[0]
        or data[offset + 26 : begin] != known.header[1]
        or data[begin + packed : start] != known.after
    ):
        return None
    if rendered is not None and len(rendered) == length and zlib.crc32(rendered) == crc:
        return rendered
    stored = data[begin : begin + packed]
    try:
        document = stored if known.method == 0 else zlib.decompress(stored, -15) if known.method == 8 else None
    except zlib.error:
        return None
    if document is None or len(document) != length or zlib.crc32(document) != crc:
        return None
    return document
