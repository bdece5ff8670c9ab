"""Every layout rule of nd30-format.md, asserted on the generated sample letter's docx."""

from __future__ import annotations

import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm

from letter_gen import decree30 as D
from letter_gen import vn
from letter_gen.letters import layout as L
from letter_gen.metrics import text_width_mm, wrapped_line_widths

from .conftest import ROOT
from .letters import render_data

CENTER, JUSTIFY, LEFT = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.JUSTIFY, WD_ALIGN_PARAGRAPH.LEFT


def mm(length) -> float:
    return length / Mm(1) if length is not None else 0.0


@pytest.fixture
def doc(seed_data):
    return render_data(seed_data)


def header_cells(doc):
    table = doc.tables[0]
    return table.rows[0].cells[0], table.rows[0].cells[1], table.rows[1].cells[0], table.rows[1].cells[1]


def only_run(paragraph):
    runs = [r for r in paragraph.runs if r.text]
    assert len(runs) == 1, [r.text for r in runs]
    return runs[0]


def pt(run) -> float:
    return run.font.size.pt


def test_page_is_a4_portrait_with_margins_in_range(doc):
    section = doc.sections[0]
    assert round(mm(section.page_width), 1) == D.PAGE.width_mm
    assert round(mm(section.page_height), 1) == D.PAGE.height_mm
    margins = {"top": section.top_margin, "bottom": section.bottom_margin,
               "left": section.left_margin, "right": section.right_margin}  # fmt: skip
    assert margins.keys() == D.MARGINS.keys()
    for side, allowed in D.MARGINS.items():
        assert allowed.holds(round(mm(margins[side]), 1), 0), side


def test_times_new_roman_everywhere(doc):
    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:rFonts"))
    assert {defaults.get(qn(f"w:{a}")) for a in ("ascii", "hAnsi", "eastAsia", "cs")} == {"Times New Roman"}
    parts = [styles, doc.element, doc.sections[0].header._element, doc.sections[0].first_page_header._element]
    for part in parts:
        for fonts in part.iter(qn("w:rFonts")):
            named = {v for k, v in fonts.attrib.items()}
            assert named == {"Times New Roman"}, named


def test_every_run_has_a_size_inside_the_decree_ranges(doc):
    sizes = {pt(r) for p in doc.paragraphs for r in p.runs if r.text}
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                sizes |= {pt(r) for p in cell.paragraphs for r in p.runs if r.text}
    assert sizes <= {float(c.chosen_pt) for c in D.COMPONENTS.values()}


def test_header_is_a_borderless_two_column_table_inside_the_text_width(doc):
    table = doc.tables[0]
    borders = table._tbl.tblPr.find(qn("w:tblBorders"))
    assert {b.get(qn("w:val")) for b in borders} == {"nil"}
    assert table._tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
    widths = [mm(c.width) for c in table.columns]
    assert len(widths) == 2 and sum(widths) == pytest.approx(L.TEXT_WIDTH_MM, abs=0.2)


def test_parent_and_agency_names_are_uppercase_and_centred_in_the_left_column(doc):
    agency_cell = header_cells(doc)[0]
    parent, agency = agency_cell.paragraphs[0], agency_cell.paragraphs[1]
    assert parent.text == "UBND TỈNH BÀ RỊA - VŨNG TÀU" and parent.alignment == CENTER
    assert not only_run(parent).bold and not only_run(parent).italic and D.PARENT_AGENCY.size.holds(pt(only_run(parent)))
    assert agency.text == "SỞ KHOA HỌC VÀ CÔNG NGHỆ" and agency.alignment == CENTER
    assert only_run(agency).bold and D.AGENCY.size.holds(pt(only_run(agency)))


def rule_of(paragraph):
    """(length mm, left indent mm, right indent mm) of an empty paragraph's bottom rule."""
    assert paragraph.text == ""
    ppr = paragraph._p.pPr
    style = paragraph.style.element.pPr
    bottom = style.find(qn("w:pBdr")).find(qn("w:bottom"))
    assert bottom.get(qn("w:val")) == "single"
    ind = ppr.find(qn("w:ind"))
    left, right = (int(ind.get(qn(f"w:{side}"))) / L.TWIPS_PER_MM for side in ("left", "right"))
    return left, right


def test_the_rule_under_the_agency_is_a_third_to_a_half_of_its_length_and_centred(doc):
    agency_cell = header_cells(doc)[0]
    left, right = rule_of(agency_cell.paragraphs[2])
    rule = L.HEADER_LEFT_MM - left - right
    name = text_width_mm("SỞ KHOA HỌC VÀ CÔNG NGHỆ", L.SIZE_AGENCY, "bold")
    assert D.AGENCY_RULE.share.holds(rule / name, 0)
    assert left == pytest.approx(right, abs=0.1)


def test_a_long_agency_name_wraps_in_its_column_and_its_rule_follows_the_longest_line(seed_data):
    seed_data["agency"]["name"] = "Trung tâm Kiểm soát Bệnh tật và Phòng chống Dịch bệnh Truyền nhiễm Tỉnh"
    doc = render_data(seed_data)
    agency_cell = header_cells(doc)[0]
    lines = wrapped_line_widths(agency_cell.paragraphs[1].text, L.HEADER_LEFT_MM, L.SIZE_AGENCY, "bold")
    assert len(lines) >= 2
    left, right = rule_of(agency_cell.paragraphs[2])
    rule = L.HEADER_LEFT_MM - left - right
    assert D.AGENCY_RULE.share.holds(rule / max(lines), 0)
    # The cell keeps its width: a rule never narrows the text above it.
    assert mm(doc.tables[0].columns[0].width) == pytest.approx(L.HEADER_LEFT_MM, abs=0.1)
    assert agency_cell.paragraphs[1].paragraph_format.left_indent in (None, 0)


def test_quoc_hieu_and_tieu_ngu_are_bold_centred_and_fit_on_one_line(doc):
    national = header_cells(doc)[1]
    title, motto = national.paragraphs[0], national.paragraphs[1]
    assert title.text == vn.NATIONAL_TITLE and title.alignment == CENTER
    assert only_run(title).bold and D.NATIONAL_TITLE.size.holds(pt(only_run(title)))
    assert motto.text == "Độc lập - Tự do - Hạnh phúc" and motto.alignment == CENTER
    assert only_run(motto).bold and D.MOTTO.size.holds(pt(only_run(motto)))
    assert text_width_mm(title.text, pt(only_run(title)), "bold") <= L.HEADER_RIGHT_MM
    assert text_width_mm(motto.text, pt(only_run(motto)), "bold") <= L.HEADER_RIGHT_MM
    # Single line spacing between them.
    assert motto.paragraph_format.space_before in (None, 0)


def test_the_rule_under_the_tieu_ngu_is_as_long_as_the_text_and_centred(doc):
    national = header_cells(doc)[1]
    left, right = rule_of(national.paragraphs[2])
    rule = L.HEADER_RIGHT_MM - left - right
    assert rule == pytest.approx(D.MOTTO_RULE.chosen * text_width_mm(vn.MOTTO, L.SIZE_MOTTO, "bold"), abs=0.2)
    assert D.MOTTO_RULE.share.holds(rule / text_width_mm(vn.MOTTO, L.SIZE_MOTTO, "bold"), D.MOTTO_RULE.tolerance)
    assert left == pytest.approx(right, abs=0.1)


def test_so_line_and_vv_under_the_agency_date_line_under_the_tieu_ngu(doc):
    _, _, number_cell, date_cell = header_cells(doc)
    number, subject = number_cell.paragraphs[0], number_cell.paragraphs[1]
    assert number.text == "Số:      /SKHCN-TTr" and number.alignment == CENTER
    assert D.NUMBER.size.holds(pt(only_run(number))) and not only_run(number).italic and not only_run(number).bold
    assert subject.text.startswith("V/v thực hiện khắc phục") and subject.alignment == CENTER
    assert D.SUBJECT.size.holds(pt(only_run(subject))) and not only_run(subject).bold and not only_run(subject).italic
    assert subject.paragraph_format.space_before.pt == D.HEADER_SPACE_BEFORE_PT
    date = date_cell.paragraphs[0]
    assert date.text == "Bà Rịa - Vũng Tàu, ngày ... tháng ... năm 2021" and date.alignment == CENTER
    assert only_run(date).italic and D.DATE.size.holds(pt(only_run(date)))
    assert text_width_mm(date.text, pt(only_run(date)), "italic") <= L.HEADER_RIGHT_MM


def test_kinh_gui_dashes_line_up_under_the_colon(doc):
    paragraphs = doc.paragraphs
    label = next(p for p in paragraphs if p.text == "Kính gửi:")
    items = [p for p in paragraphs if p.text.startswith("- ") and p.paragraph_format.alignment == LEFT]
    assert len(items) == 3
    colon_mm = mm(label.paragraph_format.left_indent) + text_width_mm("Kính gửi", L.SIZE_KINH_GUI)
    for item in items:
        dash_mm = mm(item.paragraph_format.left_indent) + mm(item.paragraph_format.first_line_indent)
        assert dash_mm == pytest.approx(colon_mm, abs=0.3)
        assert D.KINH_GUI.size.holds(pt(only_run(item))) and not only_run(item).bold


def test_body_is_justified_with_first_line_indent_and_6pt_between_paragraphs(doc):
    body = [p for p in doc.paragraphs if p.paragraph_format.alignment == JUSTIFY]
    assert len(body) == 15  # as the seed: 2 + 3 × 2 + 1 + 5 + 1
    for paragraph in body:
        fmt = paragraph.paragraph_format
        assert any(mm(fmt.first_line_indent) == pytest.approx(x, abs=0.05) for x in D.BODY_FIRST_LINE_INDENTS_MM)
        assert fmt.space_before.pt >= D.BODY_PARAGRAPH_SPACING.low
        assert D.BODY_LINE_SPACING.holds(fmt.line_spacing or 1.0, 0)
        for run in paragraph.runs:
            assert D.BODY.size.holds(pt(run)) and not run.italic
    assert body[-1].text.endswith("./.")
    headings = [p for p in body if p.runs[0].bold]
    assert [p.text for p in headings] == [
        "1. Chi cục Tiêu chuẩn Đo lường Chất lượng",
        "2. Trung tâm Kỹ thuật TĐC",
        "3. Trung tâm Thông tin và Ứng dụng KH&CN",
    ]


def test_noi_nhan_is_bold_italic_12_with_items_of_11(doc):
    noi_nhan = doc.tables[1].rows[0].cells[0].paragraphs
    label = only_run(noi_nhan[0])
    assert noi_nhan[0].text == "Nơi nhận:" and label.bold and label.italic and D.NOI_NHAN.size.holds(pt(label))
    assert noi_nhan[0].alignment == LEFT
    items = [p.text for p in noi_nhan[1:]]
    assert items == ["- Như trên;", "- Sở Nội vụ (b/c);", "- Giám đốc Sở (b/c);", "- TTTT&UD (web);", "- Lưu: VT, TTr, CCHC."]
    for paragraph in noi_nhan[1:]:
        run = only_run(paragraph)
        assert D.NOI_NHAN_ITEMS.size.holds(pt(run)) and not run.bold and not run.italic


def test_signature_block_has_titles_room_to_sign_and_the_name(doc):
    cell = doc.tables[1].rows[0].cells[1]
    texts = [p.text for p in cell.paragraphs]
    assert texts == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "", "", "", "", "Trần Duy Tâm Thanh"]
    for paragraph in cell.paragraphs:
        assert paragraph.alignment == CENTER
        for run in paragraph.runs:
            if run.text:
                assert run.bold and D.SIGNATURE_TITLE.size.holds(pt(run)) and D.SIGNER_NAME.size.holds(pt(run))
    # Nơi nhận and the signature start level with each other.
    row = doc.tables[1].rows[0]
    tops = [c._tc.tcPr.find(qn("w:tcMar")).find(qn("w:top")).get(qn("w:w")) for c in row.cells]
    assert tops[0] == tops[1]
    assert row._tr.trPr.find(qn("w:cantSplit")) is not None


def test_page_numbers_from_page_2_centred_in_the_top_margin(doc):
    section = doc.sections[0]
    assert section.different_first_page_header_footer is True
    first = section.first_page_header._element
    assert not list(first.iter(qn("w:fldChar"))) and not list(first.iter(qn("w:fldSimple")))
    header = section.header
    instructions = "".join(t.text for t in header._element.iter(qn("w:instrText")))
    assert instructions.strip() == "PAGE"
    paragraph = header.paragraphs[0]
    assert paragraph.alignment == CENTER
    assert all(D.PAGE_NUMBER.size.holds(r.font.size.pt) for r in paragraph.runs)
    assert mm(section.header_distance) < mm(section.top_margin)


def test_urgency_is_a_boxed_bold_mark_under_the_so_line(seed_data):
    seed_data["letter"]["urgency"] = "HỎA TỐC"
    number_cell = header_cells(render_data(seed_data))[2]
    urgent = number_cell.paragraphs[1]
    assert urgent.text == "HỎA TỐC" and only_run(urgent).bold and D.URGENCY.size.holds(pt(only_run(urgent)))
    assert only_run(urgent)._r.rPr.find(qn("w:bdr")).get(qn("w:val")) == "single"


def test_without_urgency_there_is_no_box(doc):
    assert not list(doc.element.iter(qn("w:bdr")))


def test_a_line_break_does_not_stretch_a_justified_line(doc):
    compat = doc.settings.element.find(qn("w:compat"))
    assert compat.find(qn("w:doNotExpandShiftReturn")) is not None


def test_a_long_place_name_widens_the_right_column_so_the_date_stays_on_one_line(seed_data):
    seed_data["agency"]["place"] = "Thành phố Hồ Chí Minh"
    seed_data["letter"].update(number=12, date="2026-12-28")
    doc = render_data(seed_data)
    left, right = (mm(c.width) for c in doc.tables[0].columns)
    date = header_cells(doc)[3].paragraphs[0]
    assert date.text == "Thành phố Hồ Chí Minh, ngày 28 tháng 12 năm 2026"
    assert text_width_mm(date.text, L.SIZE_DATE, "italic") < right <= 104.0
    assert left + right == pytest.approx(L.TEXT_WIDTH_MM, abs=0.2)
    # The rules follow: the motto rule still as long as the Tiêu ngữ, centred in the wider column.
    motto_left, motto_right = rule_of(header_cells(doc)[1].paragraphs[2])
    assert right - motto_left - motto_right == pytest.approx(text_width_mm(vn.MOTTO, 13, "bold"), abs=0.2)


def test_every_size_the_template_chose_lies_inside_the_decree_range():
    for component in D.COMPONENTS.values():
        assert component.size.holds(component.chosen_pt, 0), component.id
    assert D.AGENCY_RULE.share.holds(D.AGENCY_RULE.chosen, 0)
    assert D.MOTTO_RULE.share.holds(D.MOTTO_RULE.chosen, 0)
    assert D.BODY_FIRST_LINE_INDENT_CHOSEN_MM in D.BODY_FIRST_LINE_INDENTS_MM
    assert D.BODY_LINE_SPACING.holds(D.BODY_LINE_SPACING_CHOSEN, 0)
    for side, allowed in D.MARGINS.items():
        assert allowed.holds(D.MARGINS_CHOSEN_MM[side], 0), side


def test_a_choice_outside_its_range_is_refused():
    with pytest.raises(ValueError, match="outside 12–13 pt"):
        D.Component("agency", "tên cơ quan ban hành", D.Range(12, 13), 14)


def test_the_readme_rule_table_is_the_decree_table_prose():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("| rule | what it checks |")
    assert readme[start : readme.index("\n\n", start) + 1] == D.readme_rules_table()


def test_every_rule_of_the_check_has_its_prose_from_the_table():
    from letter_gen.checking.rules import RULES

    assert RULES is D.RULES


def test_the_signature_block_never_stands_alone_on_the_last_page(tmp_path):
    """Bodies of every length around the page break: the last page always holds body lines above
    Nơi nhận and the signature (the last two paragraphs keep with the closing block)."""
    from letter_gen.checking.rules import check_files
    from letter_gen.output.writer import render_file

    from .rounds import make_round, write_round

    letters = []
    for count in range(4, 16):
        data = make_round(units=1, seed=count)
        data["units"][0]["findings"] = [
            f"Tồn tại số {i}: việc cập nhật, niêm yết công khai thủ tục hành chính tại bộ phận một cửa chưa kịp thời." for i in range(count)
        ]
        letters.append(render_file(write_round(tmp_path / f"r{count}.yaml", data), tmp_path / f"l{count}.docx", unit=0).path)
    for path, findings in zip(letters, check_files(letters, pdf=True)):
        assert [f.rule for f in findings] == [], (path, findings)
