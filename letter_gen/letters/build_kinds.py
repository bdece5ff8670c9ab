"""Build the docxtpl templates of the other documents of a round (letters/kinds.py).

The reminder is a công văn laid out as the follow-up letter. The titled kinds (quyết định,
kế hoạch, giấy mời, thông báo, báo cáo) share the follow-up's page, header and closing, with
the header's V/v line left out, and add the title block (ô 5a: the kind's name, its trích
yếu, a rule under it), Kính gửi where the form has it (báo cáo), a quyết định's authority
line, body paragraphs of several styles, and a table for a schedule or a summary.

``python -m letter_gen.letters.rebuild`` rebuilds these templates with the follow-up letter's; a test fails
when a committed file differs from what this script builds.
"""

from __future__ import annotations

from collections.abc import Callable

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from letter_gen import decree30 as D
from letter_gen.letters import build as B
from letter_gen.letters import layout as L
from letter_gen.letters.bundled import AGENCY_RULE_STYLE, MOTTO_RULE_STYLE, TITLE_RULE_STYLE

#: Column widths (mm) of each kind's table, inside the text width.
_TABLE_WIDTHS = {
    "plan": (14.0, 63.0, 28.0, 60.0),
    "report": (14.0, 81.0, 35.0, 35.0),
}
_TITLES = {
    "reminder": "Công văn đôn đốc khắc phục",
    "team-decision": "Quyết định thành lập Đoàn kiểm tra",
    "plan": "Kế hoạch kiểm tra",
    "invitation": "Giấy mời",
    "conclusion-notice": "Thông báo kết luận kiểm tra",
    "report": "Báo cáo kết quả kiểm tra",
}


def build_reminder() -> bytes:
    """The reminder: a công văn, laid out as the follow-up letter."""
    return B.build_follow_up()


def build_titled(kind: str, *, kinh_gui: bool = False, authority: bool = False) -> bytes:
    """A document with a title block: the follow-up's page, header and closing, and its own body."""
    doc = Document()
    B.set_defaults(doc)
    B.add_rule_styles(doc, (AGENCY_RULE_STYLE, MOTTO_RULE_STYLE, TITLE_RULE_STYLE))
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    B.set_page(doc)
    B.header_table(doc, subject_line=False)
    _title_block(doc)
    if kinh_gui:
        B.kinh_gui_block(doc)
    if authority:
        B.add_para(doc, "{{ issuing_authority }}", size=D.ISSUING_AUTHORITY.chosen_pt, bold=True, before=12)
    _paragraphs(doc, "body")
    if kind in _TABLE_WIDTHS:
        _table(doc, _TABLE_WIDTHS[kind])
        _paragraphs(doc, "body_after")
    B.closing_table(doc)
    return B.deterministic_bytes(doc, _TITLES[kind])


def _title_block(doc: DocumentObject) -> None:
    """Ô 5a: the kind's name, the trích yếu under it, a rule under that (set per letter)."""
    B.add_para(doc, "{{ title }}", size=D.TITLE.chosen_pt, bold=True, before=18)
    B.add_para(doc, "{{ subject }}", size=D.TITLE_SUBJECT.chosen_pt, bold=True)
    # A little air above it, so the rule is read as a rule and not as the trích yếu underlined.
    rule = B.add_para(doc, style=TITLE_RULE_STYLE, before=3)
    side = L.TEXT_WIDTH_MM * (1 - D.TITLE_RULE.chosen) / 2
    B.set_indent(rule, side, side)
    B.add_para(doc, size=L.SIZE_BODY)  # room under the rule (its paragraph is 2 pt high)


def _paragraphs(doc: DocumentObject, variable: str) -> None:
    """Body paragraphs (ô 6) by style: bold headings, italic bases, a centred bold line, a bold lead-in.

    Headings and the centred ``QUYẾT ĐỊNH:`` keep with the next paragraph; so do the paragraphs
    compose marks (``keep_with_next``: the last two, so the signature never stands alone, and
    the one that introduces a table)."""
    B.add_tag(doc, f"for paragraph in {variable}")
    branches: tuple[tuple[str, dict[str, object] | None], ...] = (
        ("if paragraph.style == 'center'", {"bold": True, "align": B.CENTER}),
        ("elif paragraph.style == 'basis'", {"italic": True}),
        ("elif paragraph.heading", {"bold": True}),
        ("elif paragraph.lead", None),
        ("else", {}),
    )
    for tag, style in branches:
        B.add_tag(doc, tag)
        always = tag.startswith(("if paragraph.style == 'center'", "elif paragraph.heading"))
        keeps: tuple[tuple[str | None, bool], ...] = (
            ((None, True),) if always else (("if paragraph.keep_with_next", True), ("else", False))
        )
        for keep_tag, keep in keeps:
            if keep_tag:
                B.add_tag(doc, keep_tag)
            if style is None:  # "Điều 1." in bold, then the text
                text = B.add_para(doc, "{{ paragraph.lead }} ", bold=True, align=B.JUSTIFY, before=L.PARAGRAPH_SPACING_PT)
                run = text.add_run("{{ paragraph.text }}")
                run.font.size = Pt(L.SIZE_BODY)
            else:
                options = {"align": B.JUSTIFY, **style}
                text = B.add_para(doc, "{{ paragraph.text }}", before=L.PARAGRAPH_SPACING_PT, **options)  # type: ignore[arg-type]
            if style is None or style.get("align") is not B.CENTER:
                text.paragraph_format.first_line_indent = Mm(L.BODY_FIRST_LINE_INDENT_MM)
            text.paragraph_format.keep_with_next = keep or None
        if not always:
            B.add_tag(doc, "endif")
    B.add_tag(doc, "endif")
    B.add_tag(doc, "endfor")


def _table(doc: DocumentObject, widths_mm: tuple[float, ...]) -> None:
    """A bordered table: the headings row in bold, then one row per ``table_rows`` item."""
    size = D.TABLE_TEXT.chosen_pt
    B.add_para(doc, size=6).paragraph_format.keep_with_next = True  # a little space above the table, kept with it
    table = B.fixed_table(doc, widths_mm, 4, WD_TABLE_ALIGNMENT.CENTER, {"val": "single", "sz": "4", "space": "0", "color": "000000"})
    header, start, row, end = table.rows
    header_pr = header._tr.get_or_add_trPr()
    header_pr.append(OxmlElement("w:cantSplit"))
    header_pr.append(OxmlElement("w:tblHeader"))  # repeated on every page
    # A row is never broken across pages (CT_TrPr: cantSplit before tblHeader).
    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    for cell in header.cells:  # the headings never stand alone at the foot of a page
        cell.paragraphs[-1].paragraph_format.keep_with_next = True
    for index, cell in enumerate(header.cells):
        cell._tc.remove(cell.paragraphs[0]._p)
        B.add_para(cell, f"{{{{ table_header[{index}] }}}}", size=size, bold=True, before=3)
    for index, cell in enumerate(row.cells):
        cell._tc.remove(cell.paragraphs[0]._p)
        align = B.LEFT if index in (1, 3) and len(widths_mm) == 4 and widths_mm[3] > 40 else B.CENTER
        if index == 1:
            align = B.LEFT
        B.add_para(cell, f"{{{{ item[{index}] }}}}", size=size, align=align, before=3)
    for marker, tag in ((start, "for item in table_rows"), (end, "endfor")):
        cell = marker.cells[0]
        cell._tc.remove(cell.paragraphs[0]._p)
        B.add_para(cell, f"{{%tr {tag} %}}", align=B.LEFT)


#: The template builder of each kind but the follow-up (built by letter_gen.letters.build).
BUILDERS: dict[str, Callable[[], bytes]] = {
    "reminder": build_reminder,
    "team-decision": lambda: build_titled("team-decision", authority=True),
    "plan": lambda: build_titled("plan"),
    "invitation": lambda: build_titled("invitation"),
    "conclusion-notice": lambda: build_titled("conclusion-notice"),
    "report": lambda: build_titled("report", kinh_gui=True),
}
