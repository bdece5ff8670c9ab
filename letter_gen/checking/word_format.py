"""Effective formatting (định dạng thực tế) of paragraphs and runs, resolved as Word does.

A .docx stores formatting in layers, and what the reader sees is their combination:

1. document defaults (``w:docDefaults``: ``rPrDefault`` and ``pPrDefault``);
2. the table style (kiểu bảng) of the table a paragraph sits in (its base properties;
   conditional formats such as "first row" are not applied);
3. the paragraph style (kiểu đoạn) and the styles it is based on (``w:basedOn``);
4. numbering (đánh số) indents, for paragraphs in a list;
5. the character style (kiểu ký tự) of a run and its base styles;
6. direct formatting on the paragraph (``w:pPr``) or run (``w:rPr``).

A later layer wins, attribute by attribute. Toggle properties (bold, italic, caps, ...)
follow Word's rule: direct formatting sets them outright, while a ``true`` in the table,
paragraph and character style levels flips the value (so a bold character style inside
a bold paragraph style gives upright text). Theme fonts (``w:asciiTheme="minorHAnsi"``)
resolve through ``word/theme/theme1.xml``, so a letter typed in plain Word with the
Calibri/Cambria theme is seen as Calibri, not as "no font".

When no level names a font or size, Word uses Times New Roman 10 pt: ``font`` is then
``None`` and ``size_pt`` 10.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from lxml import etree

from letter_gen import ooxml
from letter_gen.metrics import Face

__all__ = [
    "Border", "Formatter", "LineSpacing", "ParagraphFormat", "RunFormat",
    "effective_paragraph", "effective_run", "paragraph_runs", "run_text", "section_text_width_mm",
]  # fmt: skip

W_NS, A_NS, MC_NS = ooxml.W, ooxml.A, ooxml.MC

TWIPS_PER_MM = 1440 / 25.4
WORD_DEFAULT_SIZE_PT = 10.0  # Word's size when no level sets w:sz
DEFAULT_CELL_MARGIN_TWIPS = 108  # Word's left/right cell margin (0.19 cm) when none is set
AUTO_SPACING_PT = 14.0  # Word's "auto" space before/after (HTML paragraph spacing)

_TOGGLES = ("b", "i", "caps", "smallCaps", "strike", "vanish")
_THEME_SLOTS = {"ascii": "asciiTheme", "hAnsi": "hAnsiTheme", "eastAsia": "eastAsiaTheme", "cs": "cstheme"}
_ALIGNMENTS = {"start": "left", "end": "right"}


def w(tag: str) -> str:
    """The Clark name of a WordprocessingML tag: ``w("p")`` → ``{...main}p``."""
    return f"{{{W_NS}}}{tag}"


def wattr(element: Any, name: str) -> str | None:
    """A ``w:``-namespaced attribute of ``element`` (None when absent or no element)."""
    return None if element is None else element.get(w(name))


def on_off(element: Any) -> bool | None:
    """An on/off property (``<w:b/>``, ``<w:b w:val="0"/>``): None when absent."""
    if element is None:
        return None
    return wattr(element, "val") not in ("0", "false", "off")


def _twips(value: str | None) -> float | None:
    try:
        return None if value is None else float(value)
    except ValueError:
        return None


# --- the resolved formats ---------------------------------------------------------------


@dataclass(frozen=True)
class RunFormat:
    """Effective character formatting of a run (định dạng ký tự).

    ``font`` is the font of ASCII characters (``w:ascii``), ``font_hansi`` that of other
    Latin letters such as Vietnamese ``ệ``, ``ơ`` (``w:hAnsi``); Word picks per character.
    """

    font: str | None
    font_hansi: str | None
    size_pt: float
    bold: bool
    italic: bool
    caps: bool
    small_caps: bool
    underline: bool
    hidden: bool
    color: str | None

    def fonts_for(self, text: str) -> set[str | None]:
        """The fonts Word uses to show ``text`` in this run."""
        fonts: set[str | None] = set()
        if any(ord(c) < 128 and not c.isspace() for c in text):
            fonts.add(self.font)
        if any(ord(c) >= 128 and not c.isspace() for c in text):
            fonts.add(self.font_hansi)
        return fonts

    @property
    def face(self) -> Face:
        """The face name used by :mod:`letter_gen.metrics`: regular, bold, italic, bold-italic."""
        if self.bold and self.italic:
            return "bold-italic"
        return "bold" if self.bold else "italic" if self.italic else "regular"


@dataclass(frozen=True)
class Border:
    """One paragraph border (đường viền): ``style`` as Word names it (single, double, ...)."""

    style: str
    width_pt: float
    space_pt: float
    color: str | None


@dataclass(frozen=True)
class LineSpacing:
    """Line spacing (giãn dòng): ``rule`` auto (``value`` in lines), exact or atLeast (pt)."""

    rule: str
    value: float


@dataclass(frozen=True)
class ParagraphFormat:
    """Effective paragraph formatting (định dạng đoạn văn).

    Indents are in millimetres (``first_line_mm`` negative for a hanging indent), spacing
    in points. ``width_mm`` is the width the paragraph is laid out in: the page's text
    width, or a table cell's width minus its cell margins (None when unknown).
    """

    style_id: str | None
    alignment: str
    left_mm: float
    right_mm: float
    first_line_mm: float
    space_before_pt: float
    space_after_pt: float
    line_spacing: LineSpacing
    contextual_spacing: bool
    top_border: Border | None
    bottom_border: Border | None
    width_mm: float | None

    @property
    def text_width_mm(self) -> float | None:
        """Width between the indents: where lines and borders run."""
        return None if self.width_mm is None else self.width_mm - self.left_mm - self.right_mm

    @property
    def centre_mm(self) -> float | None:
        """Middle of the space between the indents, from the column's left edge."""
        inner = self.text_width_mm
        return None if inner is None else self.left_mm + inner / 2

    @property
    def bottom_rule_mm(self) -> float | None:
        """Length of the bottom border (đường kẻ dưới): column width minus indents."""
        return self.text_width_mm if self.bottom_border is not None else None


# --- the resolver -----------------------------------------------------------------------


class Formatter:
    """Resolves formatting for one document: styles, theme and numbering read once."""

    def __init__(self, styles: Any, theme: Any = None, numbering: Any = None, body: Any = None) -> None:
        self._styles: dict[str, Any] = {}
        self._defaults: dict[str, str] = {}
        if styles is not None:
            for style in styles.iter(w("style")):
                style_id = wattr(style, "styleId")
                if style_id is None:
                    continue
                self._styles[style_id] = style
                if on_off_attr(style, "default"):
                    self._defaults.setdefault(wattr(style, "type") or "paragraph", style_id)
        defaults = styles.find(w("docDefaults")) if styles is not None else None
        self._rpr_default = _path(defaults, "rPrDefault", "rPr")
        self._ppr_default = _path(defaults, "pPrDefault", "pPr")
        self._theme_fonts = _theme_fonts(theme)
        self._numbering = numbering
        self._body = body
        self._chains: dict[str, list[Any]] = {}

    # -- public ------------------------------------------------------------------------

    @classmethod
    def for_part(cls, part: Any) -> Formatter:
        """The formatter of the document a python-docx part (document, header) belongs to.

        Cached per document: styles edited after the first call are not seen again."""
        main = getattr(part.package, "main_document_part", part)
        cached = _CACHE.get(main)
        if cached is None:
            cached = cls(
                _related_xml(main, RT.STYLES),
                _related_xml(main, RT.THEME),
                _related_xml(main, RT.NUMBERING),
                main.element.body,
            )
            _CACHE[main] = cached
        return cached

    def run(self, p: Any, r: Any) -> RunFormat:
        """Effective formatting of run element ``r`` in paragraph element ``p``."""
        direct = r.find(w("rPr"))
        char = [_child(s, "rPr") for s in self._chain(wattr(_path(r, "rPr", "rStyle"), "val"), "character")]
        para = [_child(s, "rPr") for s in self._chain(self._para_style_id(p), "paragraph")]
        table = [_child(s, "rPr") for s in self._table_chain(p)]
        levels = [direct, *char, *para, *table, self._rpr_default]
        toggles: dict[str, bool] = {}
        for name in _TOGGLES:
            value = on_off(_child(direct, name))
            if value is None:
                # Style levels flip the default (Word's toggle rule); basedOn overrides.
                value = bool(on_off(_child(self._rpr_default, name)))
                for chain in (char, para, table):
                    if _first_on_off(chain, name):
                        value = not value
            toggles[name] = value
        size = _first_attr(levels, "sz", "val")
        underline = _first_attr(levels, "u", "val")
        return RunFormat(
            font=self._font(levels, "ascii"),
            font_hansi=self._font(levels, "hAnsi"),
            size_pt=float(size) / 2 if size and _twips(size) is not None else WORD_DEFAULT_SIZE_PT,
            bold=toggles["b"],
            italic=toggles["i"],
            caps=toggles["caps"],
            small_caps=toggles["smallCaps"],
            underline=underline not in (None, "none"),
            hidden=toggles["vanish"],
            color=_first_attr(levels, "color", "val"),
        )

    def paragraph(self, p: Any) -> ParagraphFormat:
        """Effective formatting of paragraph element ``p``."""
        direct = p.find(w("pPr"))
        styles = [_child(s, "pPr") for s in self._chain(self._para_style_id(p), "paragraph")]
        table = [_child(s, "pPr") for s in self._table_chain(p)]
        numbering = self._numbering_ppr(direct, styles)
        levels = [direct, numbering, *styles, *table, self._ppr_default]
        spacing = [_child(level, "spacing") for level in levels]
        indents = [_child(level, "ind") for level in levels]
        jc = _first_attr(levels, "jc", "val") or "left"
        before = self._space(spacing, "before")
        after = self._space(spacing, "after")
        # w:line and w:lineRule go together: the rule comes from the level that sets the line.
        holder = next((element for element in spacing if wattr(element, "line") is not None), None)
        line, rule = wattr(holder, "line"), wattr(holder, "lineRule") or "auto"
        if line is None or _twips(line) is None:
            line_spacing = LineSpacing("auto", 1.0)
        elif rule == "auto":
            line_spacing = LineSpacing("auto", float(line) / 240)
        else:
            line_spacing = LineSpacing(rule, float(line) / 20)
        first_line = 0.0
        for ind in indents:
            if ind is None:
                continue
            if wattr(ind, "hanging") is not None:
                first_line = -(_twips(wattr(ind, "hanging")) or 0.0)
                break
            if wattr(ind, "firstLine") is not None:
                first_line = _twips(wattr(ind, "firstLine")) or 0.0
                break
        chain = self._chain(self._para_style_id(p), "paragraph")
        return ParagraphFormat(
            style_id=wattr(chain[0], "styleId") if chain else None,
            alignment=_ALIGNMENTS.get(jc, jc),
            left_mm=(_twips(_first_value(indents, "left", "start")) or 0.0) / TWIPS_PER_MM,
            right_mm=(_twips(_first_value(indents, "right", "end")) or 0.0) / TWIPS_PER_MM,
            first_line_mm=first_line / TWIPS_PER_MM,
            space_before_pt=before,
            space_after_pt=after,
            line_spacing=line_spacing,
            contextual_spacing=bool(_first_on_off(levels, "contextualSpacing")),
            top_border=_border(levels, "top"),
            bottom_border=_border(levels, "bottom"),
            width_mm=self.column_width_mm(p),
        )

    def column_width_mm(self, element: Any) -> float | None:
        """Width available to ``element``'s paragraphs: cell content width or text width."""
        cell = _ancestor(element, "tc")
        if cell is not None:
            return self._cell_width_mm(cell)
        section = self.section_of(element)
        return None if section is None else section_text_width_mm(section)

    def section_of(self, element: Any) -> Any:
        """The ``w:sectPr`` of the section holding ``element`` (the first one for headers)."""
        body = self._body
        if body is None:
            return None
        top = element
        while top is not None and top.getparent() is not body:
            top = top.getparent()
        started = top is None  # headers and footers: the first section
        for child in body:
            if child is top:
                started = True
            if child.tag == w("sectPr"):
                return child
            if started and child.tag == w("p"):
                sect = _path(child, "pPr", "sectPr")
                if sect is not None:
                    return sect
        return None

    # -- internals ---------------------------------------------------------------------

    def _chain(self, style_id: str | None, kind: str) -> list[Any]:
        """The style and the styles it is based on, most derived first."""
        if style_id is None or style_id not in self._styles:
            style_id = self._defaults.get(kind)
        key = f"{kind}:{style_id}"
        if key in self._chains:
            return self._chains[key]
        chain: list[Any] = []
        seen: set[str] = set()
        while style_id is not None and style_id in self._styles and style_id not in seen:
            seen.add(style_id)
            style = self._styles[style_id]
            chain.append(style)
            style_id = wattr(style.find(w("basedOn")), "val")
        self._chains[key] = chain
        return chain

    def _para_style_id(self, p: Any) -> str | None:
        return wattr(_path(p, "pPr", "pStyle"), "val")

    def _table_chain(self, p: Any) -> list[Any]:
        table = _ancestor(p, "tbl")
        if table is None:
            return []
        return self._chain(wattr(_path(table, "tblPr", "tblStyle"), "val"), "table")

    def _numbering_ppr(self, direct: Any, styles: list[Any]) -> Any:
        """The ``w:pPr`` of the list level a paragraph is numbered with, if any."""
        level = self._numbering_level(direct, styles)
        return None if level is None else level.find(w("pPr"))

    def _numbering_level(self, direct: Any, styles: list[Any]) -> Any:
        """The ``w:lvl`` of the list a paragraph belongs to (direct or style numbering)."""
        if self._numbering is None:
            return None
        num_pr = _child(direct, "numPr")
        if num_pr is None:
            num_pr = next((_child(s, "numPr") for s in styles if _child(s, "numPr") is not None), None)
        num_id = wattr(_child(num_pr, "numId"), "val")
        if num_id in (None, "0"):
            return None
        level = wattr(_child(num_pr, "ilvl"), "val") or "0"
        for num in self._numbering.iter(w("num")):
            if wattr(num, "numId") == num_id:
                abstract_id = wattr(num.find(w("abstractNumId")), "val")
                for abstract in self._numbering.iter(w("abstractNum")):
                    if wattr(abstract, "abstractNumId") == abstract_id:
                        for lvl in abstract.iter(w("lvl")):
                            if wattr(lvl, "ilvl") == level:
                                return lvl
        return None

    def list_marker(self, p: Any) -> str | None:
        """The bullet an automatic list shows before ``p`` (``-`` for a dash list), if any."""
        direct = p.find(w("pPr"))
        styles = [_child(s, "pPr") for s in self._chain(self._para_style_id(p), "paragraph")]
        level = self._numbering_level(direct, styles)
        if level is None or wattr(level.find(w("numFmt")), "val") != "bullet":
            return None
        return wattr(level.find(w("lvlText")), "val")

    def _font(self, levels: list[Any], slot: str) -> str | None:
        theme_attr = _THEME_SLOTS[slot]
        for level in levels:
            fonts = _child(level, "rFonts")
            if fonts is None:
                continue
            theme = fonts.get(w(theme_attr))
            if theme is not None:  # a theme font beats an explicit one on the same element
                return self._theme_fonts.get(theme)
            name: str | None = fonts.get(w(slot))
            if name is not None:
                return name
        return None

    def _space(self, spacing: list[Any], side: str) -> float:
        for element in spacing:
            if element is None:
                continue
            if on_off_attr(element, f"{side}Autospacing"):
                return AUTO_SPACING_PT
            value = _twips(wattr(element, side))
            if value is not None:
                return value / 20
        return 0.0

    def _cell_width_mm(self, cell: Any) -> float | None:
        row = cell.getparent()
        table = _ancestor(cell, "tbl")
        grid_element = _path(table, "tblGrid")
        grid = [] if grid_element is None else [_twips(wattr(c, "w")) or 0.0 for c in grid_element.iter(w("gridCol"))]
        column = int(wattr(_path(row, "trPr", "gridBefore"), "val") or 0)
        width: float | None = None
        for tc in row.iter(w("tc")):
            if tc.getparent() is not row:
                continue
            span = int(wattr(_path(tc, "tcPr", "gridSpan"), "val") or 1)
            if tc is cell:
                if grid and column + span <= len(grid):
                    width = sum(grid[column : column + span])
                break
            column += span
        if not width:
            tcw = _path(cell, "tcPr", "tcW")
            if wattr(tcw, "type") in (None, "dxa") and _twips(wattr(tcw, "w")):
                width = _twips(wattr(tcw, "w"))
        if not width:
            return None
        margins = self._cell_margins(cell, table)
        return (width - margins[0] - margins[1]) / TWIPS_PER_MM

    def _cell_margins(self, cell: Any, table: Any) -> tuple[float, float]:
        sources = [_path(cell, "tcPr", "tcMar"), _path(table, "tblPr", "tblCellMar")]
        style_id = wattr(_path(table, "tblPr", "tblStyle"), "val")
        sources += [_path(s, "tblPr", "tblCellMar") for s in self._chain(style_id, "table")]
        result = []
        for names in (("left", "start"), ("right", "end")):
            value = float(DEFAULT_CELL_MARGIN_TWIPS)
            for source in sources:
                found = next(
                    (source.find(w(n)) for n in names if source is not None and source.find(w(n)) is not None), None
                )
                if found is not None:
                    value = 0.0 if wattr(found, "type") == "nil" else (_twips(wattr(found, "w")) or 0.0)
                    break
            result.append(value)
        return result[0], result[1]


_CACHE: weakref.WeakKeyDictionary[Any, Formatter] = weakref.WeakKeyDictionary()


def effective_run(paragraph: Any, run: Any) -> RunFormat:
    """Effective formatting of a python-docx ``run`` in ``paragraph`` (docDefaults → table
    style → paragraph style chain → character style chain → direct)."""
    return Formatter.for_part(paragraph.part).run(paragraph._p, run._r)


def effective_paragraph(paragraph: Any) -> ParagraphFormat:
    """Effective formatting of a python-docx ``paragraph`` (alignment, indents, spacing,
    line spacing, borders, and the width of the column it sits in)."""
    return Formatter.for_part(paragraph.part).paragraph(paragraph._p)


def section_text_width_mm(sect_pr: Any) -> float | None:
    """Page width minus left and right margins (and gutter) of a ``w:sectPr``, in mm."""
    size, margins = sect_pr.find(w("pgSz")), sect_pr.find(w("pgMar"))
    width = _twips(wattr(size, "w"))
    if width is None:
        return None
    used = sum(abs(_twips(wattr(margins, side)) or 0.0) for side in ("left", "right", "gutter"))
    return (width - used) / TWIPS_PER_MM


# --- paragraph structure ----------------------------------------------------------------

# Containers whose runs belong to the paragraph; deleted text, fallbacks of alternate
# content and text boxes (their own paragraphs) do not.
_RUN_CONTAINERS = {
    w(t)
    for t in ("hyperlink", "ins", "smartTag", "fldSimple", "sdt", "sdtContent", "customXml", "moveTo", "dir", "bdo")
} | {f"{{{MC_NS}}}AlternateContent", f"{{{MC_NS}}}Choice"}


_R = w("r")
# What each text-bearing child of a run shows; the names built once (every run of every letter is read).
_RUN_TEXT_OF = {w("tab"): "\t", w("ptab"): "\t", w("br"): "\n", w("cr"): "\n", w("noBreakHyphen"): "-"}
_T = w("t")


def paragraph_runs(p: Any) -> Iterator[Any]:
    """The ``w:r`` elements shown in paragraph element ``p``, in order."""
    for child in p:
        tag = child.tag
        if tag == _R:
            yield child
        elif tag in _RUN_CONTAINERS:
            yield from paragraph_runs(child)


def run_text(r: Any) -> str:
    """Visible text of a run element: tabs as ``\\t``, line breaks as ``\\n``."""
    parts: list[str] = []
    for child in r:
        tag = child.tag
        if tag == _T:
            parts.append(child.text or "")
        else:
            shown = _RUN_TEXT_OF.get(tag)
            if shown is not None:
                parts.append(shown)
    return "".join(parts)


def on_off_attr(element: Any, name: str) -> bool:
    """An on/off attribute such as ``w:beforeAutospacing="1"``."""
    return wattr(element, name) in ("1", "true", "on")


def _child(element: Any, tag: str) -> Any:
    return None if element is None else element.find(w(tag))


def _path(element: Any, *tags: str) -> Any:
    for tag in tags:
        if element is None:
            return None
        element = element.find(w(tag))
    return element


def _ancestor(element: Any, tag: str) -> Any:
    parent = element.getparent()
    while parent is not None and parent.tag != w(tag):
        parent = parent.getparent()
    return parent


def _first_attr(levels: list[Any], tag: str, attr: str) -> str | None:
    for level in levels:
        value = wattr(_child(level, tag), attr)
        if value is not None:
            return value
    return None


def _first_value(elements: list[Any], *attrs: str) -> str | None:
    for element in elements:
        for attr in attrs:
            value = wattr(element, attr)
            if value is not None:
                return value
    return None


def _first_on_off(levels: list[Any], tag: str) -> bool | None:
    for level in levels:
        value = on_off(_child(level, tag))
        if value is not None:
            return value
    return None


def _border(levels: list[Any], side: str) -> Border | None:
    for level in levels:
        edge = _path(level, "pBdr", side)
        if edge is None:
            continue
        style = wattr(edge, "val") or "none"
        if style in ("nil", "none"):
            return None
        return Border(
            style=style,
            width_pt=(_twips(wattr(edge, "sz")) or 0.0) / 8,
            space_pt=_twips(wattr(edge, "space")) or 0.0,
            color=wattr(edge, "color"),
        )
    return None


def _related_xml(part: Any, reltype: str) -> Any:
    for rel in part.rels.values():
        if rel.reltype == reltype and not rel.is_external:
            target = rel.target_part
            element = getattr(target, "element", None)
            if element is not None:
                return element
            try:
                return etree.fromstring(target.blob)
            except etree.XMLSyntaxError:
                return None
    return None


def _theme_fonts(theme: Any) -> dict[str, str]:
    """Theme font names by the attribute values that refer to them (``minorHAnsi``)."""
    fonts: dict[str, str] = {}
    if theme is None:
        return fonts
    scheme = theme.find(f".//{{{A_NS}}}fontScheme")
    if scheme is None:
        return fonts
    for kind in ("major", "minor"):
        group = scheme.find(f"{{{A_NS}}}{kind}Font")
        if group is None:
            continue
        for script, slots in (("latin", ("Ascii", "HAnsi")), ("ea", ("EastAsia",)), ("cs", ("Bidi",))):
            face = group.find(f"{{{A_NS}}}{script}")
            typeface = face.get("typeface") if face is not None else None
            if typeface:
                for slot in slots:
                    fonts[f"{kind}{slot}"] = typeface
    return fonts
