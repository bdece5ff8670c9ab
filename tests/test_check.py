"""Checking a công văn against Decree 30/2020/NĐ-CP (letter_gen.checking.rules, letter_gen.checking.word_format).

Good letters (ours, and one typed from scratch with python-docx) give no finding; a letter
that breaks one rule is flagged with exactly that rule's id. The laid-out checks
(``pdf=True``) run the real LibreOffice: every PDF case is converted in ONE batch per
module, so the whole file stays quick.
"""

from __future__ import annotations

import copy
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Cm, Inches, Mm, Pt
from docx.text.paragraph import Paragraph

from letter_gen import vn
from letter_gen.checking.rules import RULES, Finding, check_docx, check_files
from letter_gen.checking.word_format import effective_paragraph, effective_run
from letter_gen.errors import InputError
from letter_gen.inputs.formats import _TextDateLoader
from letter_gen.metrics import text_width_mm
from letter_gen.output.writer import render_file

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "cchc-2021.yaml"

Edit = Callable[[Any], None]


# --- letters to check ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("check")


@pytest.fixture(scope="module")
def good(folder: Path) -> dict[str, Path]:
    """Our letters: the consolidated draft, a per-unit draft, and an issued (dated) one."""
    data = yaml.load(SAMPLE.read_text(encoding="utf-8"), Loader=_TextDateLoader)
    data["letter"]["number"] = 5
    data["letter"]["date"] = "2021-03-05"
    dated_input = folder / "dated.yaml"
    dated_input.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return {
        "consolidated": render_file(SAMPLE, folder / "consolidated.docx").path,
        "unit": render_file(SAMPLE, folder / "unit.docx", unit=0).path,
        "dated": render_file(dated_input, folder / "dated.docx").path,
        "scratch": scratch_letter(folder / "scratch.docx"),
        "scratch-no-tables": scratch_letter(folder / "scratch-no-tables.docx", tables=False),
        "plan": scratch_letter(folder / "plan.docx", plan=True),
    }


def paragraphs(doc: Any) -> list[Paragraph]:
    """Every paragraph of the body, table cells included, in reading order."""
    return [Paragraph(p, doc._body) for p in doc.element.body.iter(qn("w:p"))]


def find(doc: Any, start: str) -> Paragraph:
    return next(p for p in paragraphs(doc) if p.text.startswith(start))


def body(doc: Any, n: int) -> Paragraph:
    """The n-th justified body paragraph (1-based)."""
    return [p for p in doc.paragraphs if p.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY][n - 1]


def set_text(paragraph: Paragraph, text: str) -> None:
    paragraph.runs[0].text = text
    for run in paragraph.runs[1:]:
        run.text = ""


def remove(paragraph: Paragraph) -> None:
    paragraph._p.getparent().remove(paragraph._p)


def edited(source: Path, target: Path, edit: Edit) -> Path:
    doc = Document(str(source))
    edit(doc)
    doc.save(str(target))
    return target


def rules(findings: list[Finding]) -> set[str]:
    return {f.rule for f in findings}


# --- a letter typed from scratch with python-docx (not our template) --------------------------

BODY_TEXT = (
    "Thực hiện Kế hoạch số 15/KH-UBND ngày 10/01/2024 của Ủy ban nhân dân tỉnh về công tác văn thư, "
    "Sở Nội vụ đề nghị Sở Tư pháp góp ý dự thảo Quy chế công tác văn thư, lưu trữ của tỉnh, tập trung "
    "vào thể thức, kỹ thuật trình bày văn bản hành chính và việc quản lý văn bản đi, văn bản đến "
    "trên hệ thống quản lý văn bản điện tử của tỉnh"
)
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
WPS = "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"


def line_shape(length_mm: float, below_pt: float) -> Any:
    """A run holding a horizontal line shape (Insert > Shapes > Line), centred in its column."""
    emu, down = round(length_mm * 36000), round(below_pt * 12700)
    return parse_xml(
        f'<w:r xmlns:w="{W}" xmlns:wp="{WP}" xmlns:a="{A}" xmlns:wps="{WPS}"><w:drawing>'
        '<wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0" relativeHeight="2" behindDoc="0"'
        ' locked="0" layoutInCell="1" allowOverlap="1"><wp:simplePos x="0" y="0"/>'
        '<wp:positionH relativeFrom="column"><wp:align>center</wp:align></wp:positionH>'
        f'<wp:positionV relativeFrom="paragraph"><wp:posOffset>{down}</wp:posOffset></wp:positionV>'
        f'<wp:extent cx="{emu}" cy="0"/><wp:effectExtent l="0" t="0" r="0" b="0"/><wp:wrapNone/>'
        '<wp:docPr id="7" name="Rule"/><wp:cNvGraphicFramePr/>'
        f'<a:graphic><a:graphicData uri="{WPS}"><wps:wsp><wps:cNvCnPr/><wps:spPr>'
        f'<a:xfrm><a:off x="0" y="0"/><a:ext cx="{emu}" cy="0"/></a:xfrm>'
        '<a:prstGeom prst="line"><a:avLst/></a:prstGeom>'
        '<a:ln w="9525"><a:solidFill><a:srgbClr val="000000"/></a:solidFill></a:ln></wps:spPr>'
        "<wps:bodyPr/></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></w:r>"
    )


def page_field(paragraph: Paragraph, size: float) -> None:
    parts: list[tuple[str | None, str | None]] = [
        ("begin", None), (None, " PAGE "), ("separate", None), (None, "2"), ("end", None)
    ]  # fmt: skip
    for kind, text in parts:
        run = paragraph.add_run()
        run.font.size = Pt(size)
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        elif text == " PAGE ":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        elif text is not None:
            run.text = text


def border(paragraph: Paragraph, side: float) -> None:
    """A solid bottom border on ``paragraph``, ``side`` mm in from each edge of its column."""
    paragraph.paragraph_format.left_indent = paragraph.paragraph_format.right_indent = Mm(side)
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "auto")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().insert(0, borders)


def scratch_letter(path: Path, *, tables: bool = True, mistakes: bool = False, plan: bool = False) -> Path:
    """A Sở Nội vụ letter typed in plain python-docx: Word's default template, a header
    table (or plain centred paragraphs), a line shape under the agency name, the Tiêu
    ngữ's own bottom border as its rule. ``mistakes`` types it the way Word's defaults
    and a hurried clerk do. ``plan`` makes it a kế hoạch: a title block (KẾ HOẠCH, its
    trích yếu, a line shape under it) instead of the V/v line and Kính gửi."""
    doc = Document()  # Letter paper, 1" margins, Cambria/Calibri theme fonts, 11 pt
    if not mistakes:
        normal = doc.styles["Normal"]
        normal.font.name = "Times New Roman"
        normal.font.size = Pt(14)
        normal.paragraph_format.space_after = Pt(0)
        normal.paragraph_format.line_spacing = 1.0
        section = doc.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin = section.bottom_margin = Mm(20)
        section.left_margin, section.right_margin = Mm(30), Mm(15)
        section.different_first_page_header_footer = True
        number = section.header.paragraphs[0]
        number.alignment = WD_ALIGN_PARAGRAPH.CENTER
        page_field(number, 13)

    def para(container: Any, text: str = "", size: float = 14, bold: bool = False, italic: bool = False,
             align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.CENTER) -> Paragraph:  # fmt: skip
        p = container.add_paragraph()
        p.alignment = align
        if text:
            run = p.add_run(text)
            if not mistakes:
                run.font.size, run.font.bold, run.font.italic = Pt(size), bold, italic
        return p

    left_mm, right_mm = 65.0, 100.0
    if tables:
        header = doc.add_table(rows=2, cols=2)
        for i, width in enumerate((left_mm, right_mm)):
            header.columns[i].width = Mm(width)
            for cell in header.columns[i].cells:
                cell.width = Mm(width)
        (agency_cell, nation_cell), (number_cell, date_cell) = [row.cells for row in header.rows]
        for cell in header._cells:
            cell._tc.remove(cell.paragraphs[0]._p)
    else:
        agency_cell = nation_cell = number_cell = date_cell = doc
    para(agency_cell, "UBND TỈNH ĐỒNG NAI", 13)
    agency = para(agency_cell, "SỞ NỘI VỤ", 13, bold=True)
    rule_mm = 0.45 * text_width_mm("SỞ NỘI VỤ", 13, "bold")
    if not mistakes and tables:  # a line shape, as Word users draw it
        agency._p.append(line_shape(rule_mm, 17))
    elif not mistakes:  # the bottom border of an empty paragraph, indented to the rule's length
        border(para(agency_cell, size=2), side=(165 - rule_mm) / 2)
    para(nation_cell, vn.NATIONAL_TITLE, 12, bold=True)
    motto = para(nation_cell, vn.MOTTO, 13, bold=True)
    if not mistakes:  # the Tiêu ngữ's own bottom border, indented to the text's length
        column = (right_mm - 2 * 108 / 56.7) if tables else 165.0
        border(motto, side=(column - text_width_mm(vn.MOTTO, 13, "bold")) / 2)
    number = "Số: 5/SNV-VP" if mistakes else "Số: 12/KH-SNV" if plan else "Số: 12/SNV-VP"
    para(number_cell, number, 13).paragraph_format.space_before = Pt(6)
    if not plan:
        para(number_cell, "V/v góp ý dự thảo Quy chế văn thư", 12).paragraph_format.space_before = Pt(6)
    date = "Đồng Nai, ngày 5 tháng 03 năm 2024" if mistakes else "Đồng Nai, ngày 05 tháng 01 năm 2024"
    para(date_cell, date, 13, italic=True).paragraph_format.space_before = Pt(6)

    if plan:
        para(doc, "KẾ HOẠCH", 14, bold=True).paragraph_format.space_before = Pt(12)
        summary = "Góp ý dự thảo Quy chế công tác văn thư của tỉnh"
        para(doc, summary, 14, bold=True)
        para(doc)._p.append(line_shape(0.4 * text_width_mm(summary, 14, "bold"), 3))
    else:
        kinh = para(doc, "Kính gửi: Sở Tư pháp tỉnh Đồng Nai.", align=WD_ALIGN_PARAGRAPH.LEFT)
        kinh.paragraph_format.left_indent = Cm(3)
        kinh.paragraph_format.space_before = Pt(12)
    for i in range(9):
        text = f"{i + 1}. {BODY_TEXT}" + ("./." if i == 8 else ".")
        p = para(doc, text, align=WD_ALIGN_PARAGRAPH.LEFT if mistakes else WD_ALIGN_PARAGRAPH.JUSTIFY)
        if not mistakes:
            p.paragraph_format.first_line_indent = Cm(1)
            p.paragraph_format.space_before = Pt(6)

    if tables:
        closing = doc.add_table(rows=1, cols=2)
        noi, sign = closing.rows[0].cells
        for cell in (noi, sign):
            cell._tc.remove(cell.paragraphs[0]._p)
    else:
        noi = sign = doc
        para(doc)
    label = para(noi, "Nơi nhận:", 12, bold=not mistakes, italic=not mistakes, align=WD_ALIGN_PARAGRAPH.LEFT)
    label.paragraph_format.space_before = Pt(12)
    for item in ("- Sở Tư pháp;" if plan else "- Như trên;", "- Giám đốc Sở (b/c);", "- Lưu: VT, VP."):
        para(noi, item, 11, align=WD_ALIGN_PARAGRAPH.LEFT)
    if not tables:
        para(doc)
    para(sign, "GIÁM ĐỐC", 14, bold=True)
    for _ in range(3):
        para(sign)
    para(sign, "TS. Nguyễn Văn An" if mistakes else "Nguyễn Văn An", 14, bold=True)
    doc.save(str(path))
    return path


# --- edits that break one rule each ------------------------------------------------------------


def _size(start: str, size: float) -> Edit:
    return lambda doc: setattr(find(doc, start).runs[0].font, "size", Pt(size))


def _text(start: str, old: str, new: str) -> Edit:
    return lambda doc: set_text(find(doc, start), find(doc, start).text.replace(old, new))


def _bold(start: str, value: bool) -> Edit:
    return lambda doc: setattr(find(doc, start).runs[0].font, "bold", value)


def _remove_after(start: str) -> Edit:
    return lambda doc: remove(Paragraph(find(doc, start)._p.getnext(), doc._body))


def _page_number_on_first_page(doc: Any) -> None:
    section = doc.sections[0]
    first = section.first_page_header.paragraphs[0]
    for run in section.header.paragraphs[0]._p.findall(qn("w:r")):
        first._p.append(copy.deepcopy(run))


def _header_runs_size(doc: Any) -> None:
    for run in doc.sections[0].header.paragraphs[0].runs:
        run.font.size = Pt(11)


def _rule_indent(start: str, mm: float) -> Edit:
    def edit(doc: Any) -> None:
        rule = Paragraph(find(doc, start)._p.getnext(), doc._body)
        rule.paragraph_format.left_indent = rule.paragraph_format.right_indent = Mm(mm)

    return edit


def _noi_nhan_plain(doc: Any) -> None:
    run = find(doc, "Nơi nhận").runs[0]
    run.font.bold = run.font.italic = False


BREAKS: dict[str, tuple[str, Edit, str]] = {
    # name: (good letter, edit, the one rule it breaks)
    "Letter-size paper": ("consolidated", lambda d: setattr(d.sections[0], "page_height", Inches(11)), "page-size"),
    "a 25 mm left margin": ("consolidated", lambda d: setattr(d.sections[0], "left_margin", Mm(25)), "page-margins"),
    "a 26 mm top margin": ("unit", lambda d: setattr(d.sections[0], "top_margin", Mm(26)), "page-margins"),
    "Calibri on one body run": ("consolidated", lambda d: setattr(body(d, 3).runs[0].font, "name", "Calibri"), "font"),
    "the Quốc hiệu at 14 pt": ("consolidated", _size("CỘNG HÒA", 14), "national-title"),
    "the Quốc hiệu in lower case": (
        "unit",
        _text("CỘNG HÒA", vn.NATIONAL_TITLE, "Cộng hòa xã hội chủ nghĩa Việt Nam"),
        "national-title",
    ),
    "the Tiêu ngữ not bold": ("consolidated", _bold("Độc lập", False), "motto"),
    "the Tiêu ngữ with en dashes": ("unit", _text("Độc lập", " - ", " – "), "motto"),
    "the rule under the Tiêu ngữ removed": ("consolidated", _remove_after("Độc lập"), "motto-rule"),
    "the rule under the Tiêu ngữ too short": ("unit", _rule_indent("Độc lập", 30), "motto-rule"),
    "the agency name not bold": ("consolidated", _bold("SỞ KHOA HỌC", False), "agency"),
    "the agency name at 14 pt": ("unit", _size("SỞ KHOA HỌC", 14), "agency"),
    "the parent agency in bold": ("consolidated", _bold("UBND TỈNH", True), "parent-agency"),
    "the agency rule paragraph removed": ("consolidated", _remove_after("SỞ KHOA HỌC"), "agency-rule"),
    "the agency rule as wide as the column": ("unit", _rule_indent("SỞ KHOA HỌC", 0), "agency-rule"),
    "Số: 5/... without its leading 0": ("dated", _text("Số:", "05/", "5/"), "number"),
    "a number past a year's sequence (số 1000000)": ("dated", _text("Số:", "05/", "1000000/"), "number"),
    "a space inside the ký hiệu": ("dated", _text("Số:", "SKHCN-TTr", "SKHCN - TTr"), "number"),
    "the Số line at 14 pt": ("consolidated", _size("Số:", 14), "number"),
    "tháng 03": ("dated", _text("Bà Rịa", "tháng 3 ", "tháng 03 "), "date"),
    "ngày 5": ("dated", _text("Bà Rịa", "ngày 05", "ngày 5"), "date"),
    "31 February": ("dated", _text("Bà Rịa", "ngày 05 tháng 3", "ngày 31 tháng 02"), "date"),
    "the date line upright": (
        "consolidated",
        lambda d: setattr(find(d, "Bà Rịa").runs[0].font, "italic", False),
        "date",
    ),
    "the V/v line in bold": ("consolidated", _bold("V/v", True), "subject"),
    "Kính gửi without its colon": ("consolidated", _text("Kính gửi", "Kính gửi:", "Kính gửi"), "kinh-gui"),
    "a recipient ending with a comma": ("consolidated", _text("- Chi cục", ";", ","), "kinh-gui"),
    "the last recipient ending with ';'": (
        "consolidated",
        _text("- Trung tâm Kỹ thuật", "lượng.", "lượng;"),
        "kinh-gui",
    ),
    "a body run at 12 pt": ("consolidated", lambda d: setattr(body(d, 2).runs[0].font, "size", Pt(12)), "body-size"),
    "a left-aligned body paragraph": (
        "consolidated",
        lambda d: setattr(body(d, 4), "alignment", WD_ALIGN_PARAGRAPH.LEFT),
        "body-align",
    ),
    "a 2 cm first-line indent": (
        "unit",
        lambda d: setattr(body(d, 1).paragraph_format, "first_line_indent", Cm(2)),
        "body-indent",
    ),
    "no space between two body paragraphs": (
        "consolidated",
        lambda d: setattr(body(d, 3).paragraph_format, "space_before", Pt(0)),
        "body-spacing",
    ),
    "double line spacing": (
        "unit",
        lambda d: setattr(body(d, 2).paragraph_format, "line_spacing", 2.0),
        "body-line-spacing",
    ),
    "the body without ./.": ("consolidated", _text("Các đơn vị nghiêm túc", "./.", "."), "body-end"),
    "Nơi nhận not bold italic": ("consolidated", _noi_nhan_plain, "noi-nhan"),
    "Nơi nhận at 13 pt": ("unit", _size("Nơi nhận", 13), "noi-nhan"),
    "the - Lưu: line removed": ("consolidated", lambda d: remove(find(d, "- Lưu")), "noi-nhan-items"),
    "the - Như trên; line removed": ("unit", lambda d: remove(find(d, "- Như trên")), "noi-nhan-items"),
    "a Nơi nhận item at 12 pt": ("consolidated", _size("- Sở Nội vụ", 12), "noi-nhan-items"),
    "a signature title not bold": ("consolidated", _bold("PHÓ GIÁM ĐỐC", False), "signature-title"),
    "K.T. instead of KT.": ("consolidated", _text("KT. GIÁM", "KT.", "K.T."), "signature-title"),
    "TS. before the signer's name": ("consolidated", _text("Trần Duy", "Trần", "TS. Trần"), "signer-name"),
    "the signer's name in capitals": (
        "unit",
        _text("Trần Duy", "Trần Duy Tâm Thanh", "TRẦN DUY TÂM THANH"),
        "signer-name",
    ),
    "a PAGE field in the first-page header": ("consolidated", _page_number_on_first_page, "page-number"),
    "titlePg removed": (
        "consolidated",
        lambda d: setattr(d.sections[0], "different_first_page_header_footer", False),
        "page-number",
    ),
    "page numbers at 11 pt": ("unit", _header_runs_size, "page-number"),
    "a kế hoạch's title not bold": ("plan", _bold("KẾ HOẠCH", False), "title"),
    "a kế hoạch's trích yếu at 12 pt": ("plan", _size("Góp ý dự thảo", 12), "title"),
    "the rule under a kế hoạch's trích yếu removed": ("plan", _remove_after("Góp ý dự thảo"), "title-rule"),
    "a phiếu trình, not a kind of the decree": ("plan", _text("KẾ HOẠCH", "KẾ HOẠCH", "PHIẾU TRÌNH"), "kind"),
}


# --- good letters pass --------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["consolidated", "unit", "dated", "scratch", "scratch-no-tables", "plan"])
def test_a_letter_that_follows_the_decree_has_no_finding(good: dict[str, Path], name: str) -> None:
    assert [str(f) for f in check_docx(good[name])] == []


@pytest.mark.parametrize("name", sorted(BREAKS))
def test_a_letter_breaking_one_rule_is_flagged_with_exactly_that_rule(
    good: dict[str, Path], folder: Path, name: str
) -> None:
    base, edit, rule = BREAKS[name]
    path = edited(good[base], folder / f"break-{sorted(BREAKS).index(name)}.docx", edit)
    findings = check_docx(path)
    assert rules(findings) == {rule}, [str(f) for f in findings]
    assert all(f.where and f.message for f in findings)


def test_every_rule_id_is_documented_and_tested() -> None:
    tested = {rule for _, _, rule in BREAKS.values()} | {
        rule for _, _, wanted in PDF_BREAKS.values() for rule in wanted
    }
    assert tested == set(RULES)


# --- what a finding says -----------------------------------------------------------------------


def test_a_finding_reads_as_where_then_what_the_rule_wants(good: dict[str, Path], folder: Path) -> None:
    path = edited(good["dated"], folder / "number.docx", _text("Số:", "05/", "5/"))
    (finding,) = check_docx(path)
    assert str(finding) == 'Số line: "Số: 5/SKHCN-TTr": numbers below 10 need a leading 0'
    assert finding == Finding("number", 'Số line: "Số: 5/SKHCN-TTr"', "numbers below 10 need a leading 0")


def test_a_month_from_3_on_is_never_padded_and_the_finding_shows_the_right_form(
    good: dict[str, Path], folder: Path
) -> None:
    path = edited(good["dated"], folder / "month.docx", _text("Bà Rịa", "tháng 3 ", "tháng 03 "))
    assert [f.message for f in check_docx(path)] == ['write "tháng 3": months 3–12 never get a leading 0']


def test_the_draft_number_and_date_are_allowed(good: dict[str, Path]) -> None:
    doc = Document(str(good["consolidated"]))
    assert find(doc, "Số:").text == "Số:      /SKHCN-TTr"
    assert "ngày ... tháng ... năm 2021" in find(doc, "Bà Rịa").text
    assert check_docx(good["consolidated"]) == []


def test_the_size_finding_names_the_size_found_and_the_range_wanted(good: dict[str, Path], folder: Path) -> None:
    path = edited(good["consolidated"], folder / "qh14.docx", _size("CỘNG HÒA", 14))
    assert [str(f) for f in check_docx(path)] == [
        'Quốc hiệu: "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM": size 14 pt; the decree wants 12–13 pt'
    ]


def test_a_missing_rule_says_what_to_draw(good: dict[str, Path], folder: Path) -> None:
    path = edited(good["consolidated"], folder / "norule.docx", _remove_after("SỞ KHOA HỌC"))
    (finding,) = check_docx(path)
    assert finding.where == "Rule under the agency name"
    assert "1/3 to 1/2" in finding.message


# --- letters typed in Word --------------------------------------------------------------------


def test_a_letter_typed_with_words_defaults_and_slips_is_flagged(folder: Path) -> None:
    findings = check_docx(scratch_letter(folder / "slips.docx", mistakes=True))
    found = rules(findings)
    assert {
        "page-size", "page-margins", "font", "national-title", "number", "date", "agency-rule",
        "motto-rule", "body-align", "body-indent", "body-size", "noi-nhan", "signer-name", "page-number",
    } <= found, found  # fmt: skip
    fonts = [f.message for f in findings if f.rule == "font"]
    assert fonts and "Cambria" in fonts[0]  # the theme's minor font, resolved through theme1.xml
    messages = [str(f) for f in findings]
    assert any("ngày 05" in m for m in messages) and any("tháng 3" in m for m in messages)
    assert any("numbers below 10 need a leading 0" in m for m in messages)


def test_a_letter_without_tables_is_read_by_text_and_position(good: dict[str, Path]) -> None:
    from letter_gen.checking.letter_parts import analyse, open_docx

    letter = analyse(open_docx(good["scratch-no-tables"]))
    assert [x.text for x in letter.agency] == ["SỞ NỘI VỤ"]
    assert [x.text for x in letter.parent] == ["UBND TỈNH ĐỒNG NAI"]
    assert [x.text for x in letter.titles] == ["GIÁM ĐỐC"]
    assert letter.signer is not None and letter.signer.text == "Nguyễn Văn An"
    assert [x.text for x in letter.items][-1] == "- Lưu: VT, VP."
    assert len(letter.body) == 9


def typed_with_line_breaks(path: Path, underscores: int) -> Path:
    """A letter whose header, Kính gửi, Nơi nhận and signature are each ONE paragraph
    with line breaks (Shift+Enter), the agency rule typed as underscores."""
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = "Times New Roman", Pt(14)
    normal.paragraph_format.space_after, normal.paragraph_format.line_spacing = Pt(0), 1.0
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)

    def lines(p: Paragraph, *parts: tuple[str, float, bool, bool]) -> Paragraph:
        for i, (text, size, bold, italic) in enumerate(parts):
            run = p.add_run(text)
            run.font.size, run.font.bold, run.font.italic = Pt(size), bold, italic
            if i < len(parts) - 1:
                run.add_break()
        return p

    agency, nation = doc.add_table(rows=1, cols=2).rows[0].cells
    agency.paragraphs[0].alignment = nation.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    lines(
        agency.paragraphs[0],
        ("UBND TỈNH ĐỒNG NAI", 13, False, False),
        ("SỞ NỘI VỤ", 13, True, False),
        ("_" * underscores, 13, False, False),
        ("Số: 12/SNV-VP", 13, False, False),
        ("V/v góp ý", 12, False, False),
    )
    lines(nation.paragraphs[0], (vn.NATIONAL_TITLE, 12, True, False), (vn.MOTTO, 13, True, False))
    column = nation.width / 36000 - 2 * 108 / 56.7
    border(nation.add_paragraph(), (column - text_width_mm(vn.MOTTO, 13, "bold")) / 2)
    date = nation.add_paragraph()
    date.alignment = WD_ALIGN_PARAGRAPH.CENTER
    lines(date, ("Đồng Nai, ngày 05 tháng 01 năm 2024", 13, False, True))
    kinh = doc.add_paragraph()
    kinh.paragraph_format.left_indent = Cm(3)
    lines(
        kinh,
        ("Kính gửi:", 14, False, False),
        ("- Sở Tư pháp;", 14, False, False),
        ("- Sở Tài chính.", 14, False, False),
    )
    for end in (".", "./."):
        p = doc.add_paragraph()
        p.alignment, p.paragraph_format.first_line_indent = WD_ALIGN_PARAGRAPH.JUSTIFY, Cm(1.27)
        p.paragraph_format.space_before = Pt(6)
        lines(p, (BODY_TEXT + end, 14, False, False))
    closing_left, closing_right = doc.add_table(rows=1, cols=2).rows[0].cells
    lines(
        closing_left.paragraphs[0],
        ("Nơi nhận:", 12, True, True),
        ("- Như trên;", 11, False, False),
        ("- Lưu: VT, VP.", 11, False, False),
    )
    closing_right.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    lines(
        closing_right.paragraphs[0],
        ("KT. GIÁM ĐỐC", 14, True, False),
        ("PHÓ GIÁM ĐỐC", 14, True, False),
        ("", 14, False, False),
        ("", 14, False, False),
        ("Nguyễn Văn Bình", 14, True, False),
    )
    doc.save(str(path))
    return path


def test_lines_typed_with_shift_enter_are_read_line_by_line(folder: Path) -> None:
    assert [str(f) for f in check_docx(typed_with_line_breaks(folder / "breaks.docx", underscores=4))] == []
    findings = check_docx(typed_with_line_breaks(folder / "long-underscores.docx", underscores=9))
    assert [str(f) for f in findings] == [
        "Rule under the agency name: 21 mm long (typed underscores); it must be 1/3 to 1/2 as long as the agency"
        " name: 8–12 mm"
    ]


# --- resolving formatting as Word does ---------------------------------------------------------


def test_theme_fonts_resolve_through_the_theme() -> None:
    doc = Document()
    paragraph = doc.add_paragraph("Kính gửi")
    fmt = effective_run(paragraph, paragraph.runs[0])
    assert fmt.font == fmt.font_hansi == "Cambria"  # python-docx's default theme: minor font
    assert fmt.size_pt == 11


def test_direct_formatting_beats_styles_and_val_0_turns_a_toggle_off() -> None:
    doc = Document()
    heading = doc.add_heading("Tiêu đề", level=1)  # the style makes it bold
    assert effective_run(heading, heading.runs[0]).bold
    heading.runs[0].font.bold = False  # <w:b w:val="0"/>
    assert not effective_run(heading, heading.runs[0]).bold


def test_a_bold_character_style_inside_a_bold_paragraph_style_toggles_bold_off() -> None:
    doc = Document()
    heading = doc.add_heading("", level=1)
    run = heading.add_run("Quan trọng", style="Strong")
    assert not effective_run(heading, run).bold  # Word's toggle rule: the two levels cancel


def test_paragraph_format_resolves_the_style_chain_and_measures_the_bottom_rule(good: dict[str, Path]) -> None:
    doc = Document(str(good["consolidated"]))
    rule = Paragraph(find(doc, "Độc lập")._p.getnext(), doc._body)
    fmt = effective_paragraph(rule)  # the border comes from the MottoRule style
    assert fmt.bottom_border is not None and fmt.bottom_border.style == "single"
    assert fmt.bottom_rule_mm == pytest.approx(text_width_mm(vn.MOTTO, 13, "bold"), abs=0.2)
    body_fmt = effective_paragraph(body(doc, 1))
    assert body_fmt.alignment == "both" and body_fmt.first_line_mm == pytest.approx(12.7, abs=0.01)


# --- files that are not letters ----------------------------------------------------------------


def test_a_file_that_is_not_a_docx_raises_input_error(tmp_path: Path) -> None:
    fake = tmp_path / "letter.docx"
    fake.write_text("not a Word file", encoding="utf-8")
    with pytest.raises(InputError, match="not a Word .docx file"):
        check_docx(fake)
    with pytest.raises(InputError, match="no such file"):
        check_docx(tmp_path / "missing.docx")


# --- the laid-out letter (pdf=True): one LibreOffice batch for the module ---------------------


def _narrow_national_title(doc: Any) -> None:
    find(doc, "CỘNG HÒA").paragraph_format.right_indent = Mm(20)


def _past_the_right_margin(doc: Any) -> None:
    body(doc, 2).paragraph_format.right_indent = Mm(-12)


def _closing_alone(document: Any) -> None:
    """A page break after the last body paragraph: Nơi nhận and the signature start a page alone."""
    from docx.enum.text import WD_BREAK

    document.paragraphs[-1].add_run().add_break(WD_BREAK.PAGE)


PDF_BREAKS: dict[str, tuple[str, Edit, set[str]]] = {
    "a Quốc hiệu that wraps in a narrowed column": ("consolidated", _narrow_national_title, {"pdf-one-line"}),
    "a body paragraph past the right margin": ("unit", _past_the_right_margin, {"pdf-margins"}),
    "the agency rule removed": ("consolidated", _remove_after("SỞ KHOA HỌC"), {"agency-rule", "pdf-agency-rule"}),
    "the Tiêu ngữ rule too short": ("consolidated", _rule_indent("Độc lập", 30), {"motto-rule", "pdf-motto-rule"}),
    "the closing block pushed alone onto a page": ("unit", _closing_alone, {"pdf-signature-alone"}),
    "titlePg removed": (
        "consolidated",
        lambda d: setattr(d.sections[0], "different_first_page_header_footer", False),
        {"page-number", "pdf-page-number"},
    ),
}


@pytest.fixture(scope="module")
def laid_out(good: dict[str, Path], folder: Path) -> dict[str, list[Finding]]:
    """Every pdf case checked in one LibreOffice batch."""
    paths = {name: path for name, path in good.items()}
    for i, (name, (base, edit, _)) in enumerate(PDF_BREAKS.items()):
        paths[name] = edited(good[base], folder / f"pdf-{i}.docx", edit)
    paths["slips"] = scratch_letter(folder / "pdf-slips.docx", mistakes=True)
    results = check_files(list(paths.values()), pdf=True)
    return dict(zip(paths, results))


@pytest.mark.parametrize("name", ["consolidated", "unit", "dated", "scratch", "scratch-no-tables", "plan"])
def test_a_good_letter_laid_out_by_libreoffice_has_no_finding(laid_out: dict[str, list[Finding]], name: str) -> None:
    assert [str(f) for f in laid_out[name]] == []


@pytest.mark.parametrize("name", sorted(PDF_BREAKS))
def test_the_laid_out_check_flags_what_only_the_printed_page_shows(
    laid_out: dict[str, list[Finding]], name: str
) -> None:
    assert rules(laid_out[name]) == PDF_BREAKS[name][2], [str(f) for f in laid_out[name]]


def test_a_wrapped_quoc_hieu_is_reported_on_page_1(laid_out: dict[str, list[Finding]]) -> None:
    (finding,) = laid_out["a Quốc hiệu that wraps in a narrowed column"]
    assert finding.where.startswith("PDF page 1: Quốc hiệu")
    assert finding.message == "wraps onto 2 lines; it must stay on one line"


def test_a_letter_over_two_pages_without_page_numbers_is_flagged_when_laid_out(
    laid_out: dict[str, list[Finding]],
) -> None:
    found = laid_out["slips"]
    assert any(f.rule == "pdf-page-number" and f.where == "PDF page 2" for f in found)
    assert not any(f.rule == "pdf-one-line" for f in found)


@pytest.mark.parametrize(
    "signer",
    [
        {"authority": "TM", "for": "Ủy ban nhân dân", "title": "Chủ tịch"},
        {"authority": "TL", "for": "Giám đốc", "title": "Chánh Văn phòng"},
        {"authority": "TUQ", "for": "Giám đốc", "title": "Trưởng phòng Tổ chức"},
        {"authority": "Q", "for": "Giám đốc", "title": None},
        {"authority": None, "for": None, "title": "Giám đốc"},
    ],
)
def test_letters_of_every_authority_form_one_recipient_and_many_pages_pass(tmp_path, signer):
    import yaml

    from letter_gen.inputs.formats import _TextDateLoader

    data = yaml.load((Path("data") / "cchc-2021.yaml").read_text(encoding="utf-8"), Loader=_TextDateLoader)
    data["signer"].update(signer)
    data["recipients"] = ["Sở Nội vụ"]
    data["letter"].update(number=3, date="2021-01-07", urgency="KHẨN")
    data["agency"]["parent"] = None
    data["units"][0]["findings"] = [f"Tồn tại số {i}: nội dung chưa đạt yêu cầu theo kế hoạch." * 4 for i in range(25)]
    source = tmp_path / "in.yaml"
    source.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "letter.docx"
    render_file(source, out)
    assert check_docx(out) == []


def test_a_workbook_or_a_letter_cut_short_given_to_check_is_named_in_office_words(tmp_path: Path) -> None:
    # python-docx's "Package not found at …" and "content type is …" say nothing to a clerk.
    import docx

    from letter_gen.inputs.excel import write_workbook

    workbook = tmp_path / "cchc.xlsx"
    write_workbook(workbook)
    letter = tmp_path / "cong-van.docx"
    document = docx.Document()
    document.add_paragraph("Kính gửi")
    document.save(str(letter))
    cut = tmp_path / "cut.docx"
    cut.write_bytes(letter.read_bytes()[:3000])  # a copy stopped half-way
    with pytest.raises(InputError) as caught:
        check_docx(workbook)
    assert caught.value.message == f"{workbook}: an Excel workbook, not a letter: give the letter's Word file (.docx)"
    with pytest.raises(InputError) as caught:
        check_docx(cut)
    assert caught.value.message == (f"{cut}: the Word file is damaged or incomplete (a copy stopped half-way?):"
                                    " copy it again, or open it in Word and save it again")


def _damaged_copies(whole: bytes, part: str, folder: Path, suffix: str) -> list[Path]:
    """Two damaged copies of a zipped Office file: ``part``'s compressed bytes overwritten (zlib
    fails while unzipping it), and a directory entry asking for a zip version no reader knows
    (zipfile's NotImplementedError), as one damaged byte of a copy can make them."""
    import struct
    import zipfile

    with zipfile.ZipFile(io.BytesIO(whole)) as archive:
        info = archive.getinfo(part)
    name_length, extra_length = struct.unpack_from("<HH", whole, info.header_offset + 26)
    start = info.header_offset + 30 + name_length + extra_length  # the part's compressed bytes
    inflated = bytearray(whole)
    inflated[start:start + 64] = b"\xff" * 64  # a deflate block of the reserved type
    versioned = bytearray(whole)
    directory = whole.index(b"PK\x01\x02")
    versioned[directory + 6] = 0xFF  # "version needed to extract": 25.5
    paths = [folder / f"inflated{suffix}", folder / f"versioned{suffix}"]
    for path, data in zip(paths, (inflated, versioned)):
        path.write_bytes(bytes(data))
    return paths


def test_a_letter_with_damaged_bytes_is_named_damaged_not_a_traceback(tmp_path: Path) -> None:
    # One byte flipped in a copy: zlib.error or zipfile's NotImplementedError escaped as a traceback.
    import docx

    letter = tmp_path / "cong-van.docx"
    document = docx.Document()
    document.add_paragraph("Kính gửi " * 200)
    document.save(str(letter))
    for path in _damaged_copies(letter.read_bytes(), "word/document.xml", tmp_path, ".docx"):
        results = check_files([path, letter])
        assert isinstance(results[0], InputError), path
        assert results[0].message.startswith(f"{path}: ")
        assert "damaged" in results[0].message or "not a Word .docx file" in results[0].message
        assert not isinstance(results[1], InputError)  # the good letter after it is still checked
