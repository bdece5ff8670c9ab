"""Build the docxtpl template of a follow-up letter (công văn khắc phục sau kiểm tra).

The committed ``letter_gen/letters/templates/follow-up.docx`` is this script's output, so its XML is
reviewable and reproducible: ``python -m letter_gen.letters.rebuild`` rebuilds it, and a
test fails when the committed file differs from what this script builds. A clerk may still
open the template in Word and edit it; ``{{ ... }}`` and ``{%p ... %}`` are docxtpl tags.

Paragraphs in the style ``AgencyRule`` hold the rule under the agency name; rendering sets
their indents from the agency name's width (1/3–1/2 of its length, centred).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Mm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from lxml import etree

from letter_gen import vn
from letter_gen.letters import layout as L
from letter_gen.letters.bundled import AGENCY_RULE_STYLE, MOTTO_RULE_STYLE

FOLLOW_UP = "follow-up"

CENTER, JUSTIFY, LEFT = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.JUSTIFY, WD_ALIGN_PARAGRAPH.LEFT


def build_follow_up() -> bytes:
    """The follow-up letter template as .docx bytes (deterministic)."""
    doc = Document()
    set_defaults(doc)
    add_rule_styles(doc)
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    set_page(doc)
    header_table(doc)
    kinh_gui_block(doc)
    _body(doc)
    closing_table(doc)
    return deterministic_bytes(doc)


# --- document-wide settings -------------------------------------------------------------


def set_defaults(doc: DocumentObject) -> None:
    """Times New Roman everywhere, by default and in every style python-docx ships."""
    styles = doc.styles.element
    rpr_default = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    for child in list(rpr_default):
        rpr_default.remove(child)
    rpr_default.append(_fonts())
    rpr_default.append(_val("w:sz", str(round(L.SIZE_BODY * 2))))
    rpr_default.append(_val("w:szCs", str(round(L.SIZE_BODY * 2))))
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "vi-VN")
    lang.set(qn("w:eastAsia"), "en-US")
    lang.set(qn("w:bidi"), "ar-SA")
    rpr_default.append(lang)
    ppr_default = styles.find(qn("w:docDefaults")).find(qn("w:pPrDefault")).find(qn("w:pPr"))
    for child in list(ppr_default):
        ppr_default.remove(child)
    spacing = OxmlElement("w:spacing")
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), "240")
    spacing.set(qn("w:lineRule"), "auto")
    ppr_default.append(spacing)
    # Styles that name theme fonts (Cambria, Calibri) would override the default.
    for fonts in styles.iter(qn("w:rFonts")):
        if fonts.getparent().getparent().tag != qn("w:rPrDefault"):
            fonts.getparent().replace(fonts, _fonts())
    normal = doc.styles["Normal"]
    normal.font.size = Pt(L.SIZE_BODY)
    # A line break inside a justified paragraph must not stretch its line across the page
    # (Word: "don't expand character spaces on a line ending with Shift+Return").
    compat = doc.settings.element.find(qn("w:compat"))
    compat.insert(0, OxmlElement("w:doNotExpandShiftReturn"))


def _fonts() -> BaseOxmlElement:
    fonts = OxmlElement("w:rFonts")
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), L.FONT)
    return fonts


def _val(tag: str, value: str) -> BaseOxmlElement:
    element = OxmlElement(tag)
    element.set(qn("w:val"), value)
    return element


def add_rule_styles(doc: DocumentObject, names: tuple[str, ...] = (AGENCY_RULE_STYLE, MOTTO_RULE_STYLE)) -> None:
    """Paragraph styles of the rules: an empty line that only draws its bottom border."""
    for name in names:
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = doc.styles["Normal"]
        style.font.size = Pt(1)
        fmt = style.paragraph_format
        fmt.space_before = Pt(0)
        fmt.space_after = Pt(0)
        fmt.keep_with_next = True
        ppr = style.element.get_or_add_pPr()
        borders = OxmlElement("w:pBdr")
        bottom = OxmlElement("w:bottom")
        bottom.set(qn("w:val"), "single")
        bottom.set(qn("w:sz"), str(L.RULE_THICKNESS_EIGHTHS))
        bottom.set(qn("w:space"), "1")
        bottom.set(qn("w:color"), "000000")
        borders.append(bottom)
        ppr.insert(0, borders)
        spacing = ppr.find(qn("w:spacing"))
        spacing.set(qn("w:line"), "40")
        spacing.set(qn("w:lineRule"), "exact")


def set_page(doc: DocumentObject) -> None:
    """A4, the margins, and page numbers from page 2 (a blank first-page header)."""
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(L.PAGE_WIDTH_MM), Mm(L.PAGE_HEIGHT_MM)
    section.top_margin, section.bottom_margin = Mm(L.MARGIN_TOP_MM), Mm(L.MARGIN_BOTTOM_MM)
    section.left_margin, section.right_margin = Mm(L.MARGIN_LEFT_MM), Mm(L.MARGIN_RIGHT_MM)
    section.header_distance = section.footer_distance = Mm(L.HEADER_DISTANCE_MM)
    section.gutter = 0
    section.different_first_page_header_footer = True
    first = section.first_page_header.paragraphs[0]
    first.paragraph_format.alignment = CENTER
    number = section.header.paragraphs[0]
    number.paragraph_format.alignment = CENTER
    _page_field(number)


def _page_field(paragraph: Paragraph) -> None:
    """A PAGE field: Word and LibreOffice print the page's number there."""
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "2"), ("end", None)):
        run = paragraph.add_run()
        run.font.size = Pt(L.SIZE_PAGE_NUMBER)
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        elif text == " PAGE ":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        else:
            run.text = text or ""


# --- building blocks --------------------------------------------------------------------


def add_para(
    container: DocumentObject | _Cell,
    text: str = "",
    *,
    size: float = L.SIZE_BODY,
    bold: bool = False,
    italic: bool = False,
    align: WD_ALIGN_PARAGRAPH = CENTER,
    before: float = 0,
    style: str | None = None,
) -> Paragraph:
    """A paragraph (đoạn) of ``text`` in one Times New Roman run, no space after; used by every kind's builder."""
    paragraph = container.add_paragraph(style=style)
    fmt = paragraph.paragraph_format
    fmt.alignment = align
    fmt.space_before = Pt(before)
    fmt.space_after = Pt(0)
    if text:
        run = paragraph.add_run(text)
        # Rendered texts may hold runs of spaces (the draft's "Số:      /"): keep them.
        run._r.find(qn("w:t")).set(qn("xml:space"), "preserve")
        run.font.size = Pt(size)
        run.font.bold = bold
        run.font.italic = italic
    return paragraph


def add_tag(container: DocumentObject | _Cell, tag: str) -> None:
    """A docxtpl paragraph tag (``{%p ... %}``): the whole paragraph goes when rendered."""
    add_para(container, f"{{%p {tag} %}}", align=LEFT)


def fixed_table(
    doc: DocumentObject, widths_mm: tuple[float, ...], rows: int, alignment: WD_TABLE_ALIGNMENT, border: dict[str, str]
) -> Table:
    """A table of fixed column widths whose every border has ``border``'s attributes (``val``, ``sz``...)."""
    table = doc.add_table(rows=rows, cols=len(widths_mm))
    table.alignment = alignment
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    width = OxmlElement("w:tblW")
    width.set(qn("w:w"), str(sum(L.twips(w) for w in widths_mm)))
    width.set(qn("w:type"), "dxa")
    tbl_pr.append(width)
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        for name, value in border.items():
            element.set(qn(f"w:{name}"), value)
        borders.append(element)
    tbl_pr.append(borders)
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tbl_pr.append(layout)
    for column, width_mm in zip(table.columns, widths_mm):
        column.width = Mm(width_mm)
        for cell in column.cells:
            cell.width = Mm(width_mm)
    return table


def _borderless_table(doc: DocumentObject, widths_mm: tuple[float, float], rows: int) -> list[list[_Cell]]:
    table = fixed_table(doc, widths_mm, rows, WD_TABLE_ALIGNMENT.LEFT, {"val": "nil"})
    tbl_pr = table._tbl.tblPr
    margins = OxmlElement("w:tblCellMar")
    for edge in ("left", "right"):
        margin = OxmlElement(f"w:{edge}")
        margin.set(qn("w:w"), "0")
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    tbl_pr.append(margins)
    cells = [[row.cells[0], row.cells[1]] for row in table.rows]
    for row in cells:
        for cell in row:
            cell._tc.remove(cell.paragraphs[0]._p)  # added paragraphs come after it otherwise
    return cells


def set_indent(paragraph: Paragraph, left_mm: float = 0, right_mm: float = 0, hanging_mm: float = 0) -> None:
    """A paragraph's indents in mm (thụt lề), the hanging one for the Kính gửi lines under the colon."""
    fmt = paragraph.paragraph_format
    fmt.left_indent = Mm(left_mm)
    fmt.right_indent = Mm(right_mm)
    if hanging_mm:
        fmt.first_line_indent = Mm(-hanging_mm)


# --- the letter -------------------------------------------------------------------------


def header_table(doc: DocumentObject, subject_line: bool = True) -> None:
    """Ô 1–5: agency and Quốc hiệu on the first row; Số, V/v and the date on the second
    (a document with a title block has no V/v: ``subject_line=False``)."""
    (agency, nation), (number, date) = _borderless_table(doc, (L.HEADER_LEFT_MM, L.HEADER_RIGHT_MM), 2)
    add_tag(agency, "if parent_agency")
    add_para(agency, "{{ parent_agency }}", size=L.SIZE_PARENT)
    add_tag(agency, "endif")
    add_para(agency, "{{ agency_name }}", size=L.SIZE_AGENCY, bold=True)
    rule = add_para(agency, style=AGENCY_RULE_STYLE)
    width = L.agency_rule_mm(vn.upper("Sở Khoa học và Công nghệ"))
    set_indent(rule, *(2 * [(L.HEADER_LEFT_MM - width) / 2]))

    add_para(nation, vn.NATIONAL_TITLE, size=L.SIZE_NATIONAL_TITLE, bold=True)
    add_para(nation, vn.MOTTO, size=L.SIZE_MOTTO, bold=True)
    motto_rule = add_para(nation, style=MOTTO_RULE_STYLE)
    side = (L.HEADER_RIGHT_MM - L.motto_rule_mm(vn.MOTTO)) / 2
    set_indent(motto_rule, side, side)

    add_para(number, "{{ number_line }}", size=L.SIZE_NUMBER, before=L.HEADER_SPACE_BEFORE_PT)
    add_tag(number, "if urgency")
    urgent = add_para(number, "{{ urgency }}", size=L.SIZE_URGENCY, bold=True, before=L.HEADER_SPACE_BEFORE_PT)
    _box(urgent)
    add_tag(number, "endif")
    if subject_line:
        add_para(number, "{{ subject_line }}", size=L.SIZE_SUBJECT, before=L.HEADER_SPACE_BEFORE_PT)
    add_para(date, "{{ place_date }}", size=L.SIZE_DATE, italic=True, before=L.HEADER_SPACE_BEFORE_PT)


def _box(paragraph: Paragraph) -> None:
    """A single-line border around the urgency mark's text (ô 10b)."""
    rpr = paragraph.runs[0]._r.get_or_add_rPr()
    border = OxmlElement("w:bdr")
    border.set(qn("w:val"), "single")
    border.set(qn("w:sz"), "8")
    border.set(qn("w:space"), "1")
    border.set(qn("w:color"), "000000")
    rpr.append(border)


def kinh_gui_block(doc: DocumentObject) -> None:
    """Ô 9a: one recipient on the Kính gửi line; several one per line, dashes under the colon."""
    label_mm = L.text_width_mm("Kính gửi", L.SIZE_KINH_GUI)
    dash_mm = L.text_width_mm("- ", L.SIZE_KINH_GUI)
    add_tag(doc, "if kinh_gui_single")
    single = add_para(doc, "{{ kinh_gui_single }}", size=L.SIZE_KINH_GUI, align=LEFT, before=12)
    set_indent(single, L.KINH_GUI_INDENT_MM + label_mm + dash_mm, hanging_mm=label_mm + dash_mm)
    add_tag(doc, "else")
    label = add_para(doc, "Kính gửi:", size=L.SIZE_KINH_GUI, align=LEFT, before=12)
    set_indent(label, L.KINH_GUI_INDENT_MM)
    add_tag(doc, "for line in kinh_gui_lines")
    item = add_para(doc, "{{ line }}", size=L.SIZE_KINH_GUI, align=LEFT)
    set_indent(item, L.KINH_GUI_INDENT_MM + label_mm + dash_mm, hanging_mm=dash_mm)
    add_tag(doc, "endfor")
    add_tag(doc, "endif")


def _body(doc: DocumentObject) -> None:
    """Ô 6: justified, first-line indent, 6 pt between paragraphs; unit headings in bold."""
    add_tag(doc, "for paragraph in body")
    # Headings and the last two paragraphs keep with the next: the signature never stands alone.
    for bold, keep, tag in ((True, True, "if paragraph.heading"), (False, True, "elif paragraph.keep_with_next"), (False, False, "else")):
        add_tag(doc, tag)
        text = add_para(doc, "{{ paragraph.text }}", bold=bold, align=JUSTIFY, before=L.PARAGRAPH_SPACING_PT)
        text.paragraph_format.first_line_indent = Mm(L.BODY_FIRST_LINE_INDENT_MM)
        text.paragraph_format.keep_with_next = keep or None
    add_tag(doc, "endif")
    add_tag(doc, "endfor")


def closing_table(doc: DocumentObject) -> None:
    """Ô 9b Nơi nhận left, ô 7 signature right, on one row that never splits across pages."""
    ((noi_nhan, signature),) = _borderless_table(doc, (L.CLOSING_LEFT_MM, L.CLOSING_RIGHT_MM), 1)
    row_pr = noi_nhan._tc.getparent().get_or_add_trPr()
    row_pr.append(OxmlElement("w:cantSplit"))
    add_para(noi_nhan, "Nơi nhận:", size=L.SIZE_NOI_NHAN_LABEL, bold=True, italic=True, align=LEFT)
    add_tag(noi_nhan, "for item in noi_nhan")
    add_para(noi_nhan, "{{ item }}", size=L.SIZE_NOI_NHAN_ITEM, align=LEFT)
    add_tag(noi_nhan, "endfor")
    add_tag(signature, "for title in signature_titles")
    add_para(signature, "{{ title }}", size=L.SIZE_SIGNATURE, bold=True)
    add_tag(signature, "endfor")
    for _ in range(L.SIGNATURE_ROOM_LINES):
        add_para(signature, size=L.SIZE_SIGNATURE)
    add_para(signature, "{{ signer_name }}", size=L.SIZE_SIGNER_NAME, bold=True)
    # Nơi nhận and the signature start level with each other, 12 pt under the body.
    for cell in (noi_nhan, signature):
        margins = OxmlElement("w:tcMar")
        top = OxmlElement("w:top")
        top.set(qn("w:w"), "240")
        top.set(qn("w:type"), "dxa")
        margins.append(top)
        cell._tc.get_or_add_tcPr().append(margins)


def deterministic_bytes(doc: DocumentObject, title: str = "Công văn khắc phục sau kiểm tra") -> bytes:
    """Save with fixed core properties and zip dates, so every build gives the same bytes."""
    props = doc.core_properties
    props.author = props.last_modified_by = "letter_gen"
    props.title = title
    props.comments = "Built by letter_gen.letters.build (python -m letter_gen.letters.rebuild)."
    props.revision = 1
    props.created = props.modified = dt.datetime(2021, 1, 1)
    props.last_printed = dt.datetime(2021, 1, 1)
    _lean_styles(doc)
    raw = io.BytesIO()
    doc.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2021, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


_STYLE_REFERENCE = re.compile(rb'<w:(?:pStyle|rStyle|tblStyle|numStyleLink|styleLink) w:val="([^"]+)"')


def _lean_styles(doc: DocumentObject) -> None:
    """Keep only the styles a letter uses (with the defaults and what they are based on, linked
    to or followed by), and drop ``stylesWithEffects.xml``, Word 2010's copy of them. python-docx's
    blank document defines 166 styles (340 KB); LibreOffice reads them all for every letter it
    converts, which nearly doubled a letter's PDF time (issue 17). Word still offers its
    built-in styles (the latent styles stay)."""
    package = doc.part.package
    used: set[str] = set()
    for part in package.iter_parts():
        if part.partname.endswith(".xml") and "styles" not in part.partname:
            blob = etree.tostring(part._element) if hasattr(part, "_element") else part.blob
            used |= {m.decode() for m in _STYLE_REFERENCE.findall(blob)}
    styles = doc.styles.element
    by_id = {s.get(qn("w:styleId")): s for s in styles.findall(qn("w:style"))}
    keep = used | {sid for sid, s in by_id.items() if s.get(qn("w:default")) == "1"}
    todo = list(keep)
    while todo:
        style = by_id.get(todo.pop())
        for tag in ("w:basedOn", "w:link", "w:next"):
            found = style.find(qn(tag)) if style is not None else None
            if found is not None and found.get(qn("w:val")) not in keep:
                keep.add(found.get(qn("w:val")))
                todo.append(found.get(qn("w:val")))
    for sid, style in by_id.items():
        if sid not in keep:
            styles.remove(style)
    for rid, rel in list(doc.part.rels.items()):
        if rel.reltype.endswith("/stylesWithEffects"):
            doc.part.drop_rel(rid)
