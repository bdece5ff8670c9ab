"""The clerk's workbook (letter_gen.inputs.excel): template, filled copy, reading back, and errors."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import openpyxl
import pytest

from letter_gen.errors import ExistingFileError, InputError
from letter_gen.inputs.excel import (
    ITEMS_SHEET,
    MEMBERS_SHEET,
    OPEN_ITEMS_SHEET,
    REQUIREMENTS_SHEET,
    ROUND_SHEET,
    SCHEDULE_SHEET,
    UNITS_SHEET,
    load_round,
    write_workbook,
)
from letter_gen.inputs.formats import load_input
from letter_gen.inputs.model import InspectionRound, validate_data

from .conftest import SAMPLE

SEED = "Chi cục Tiêu chuẩn Đo lường Chất lượng"


# --- helpers -------------------------------------------------------------------------------


@pytest.fixture
def template(tmp_path: Path) -> Path:
    path = tmp_path / "mau.xlsx"
    write_workbook(path)
    return path


@pytest.fixture
def seed_book(tmp_path: Path, seed_data: dict[str, Any]) -> Path:
    """The seed round as a filled workbook, named cchc.xlsx."""
    path = tmp_path / "cchc.xlsx"
    write_workbook(path, validate_data(seed_data, "seed"))
    return path


def edit(path: Path, change: Callable[[openpyxl.Workbook], None]) -> Path:
    """Open a workbook as a clerk would, change it, save it."""
    book = openpyxl.load_workbook(path)
    change(book)
    book.save(path)
    return path


def row_of(book: openpyxl.Workbook, field: str) -> int:
    """The row of ``Đợt kiểm tra`` whose column C names ``field``."""
    ws = book[ROUND_SHEET]
    return next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 3).value == field)


def set_field(field: str, value: Any) -> Callable[[openpyxl.Workbook], None]:
    def change(book: openpyxl.Workbook) -> None:
        book[ROUND_SHEET].cell(row_of(book, field), 2).value = value

    return change


def set_cell(sheet: str, ref: str, value: Any) -> Callable[[openpyxl.Workbook], None]:
    def change(book: openpyxl.Workbook) -> None:
        book[sheet][ref].value = value

    return change


def problems_of(path: Path) -> list[str]:
    with pytest.raises(InputError) as caught:
        load_round(path)
    assert caught.value.message == f"{path}: {len(caught.value.problems)} problem(s) in the input"
    return caught.value.problems


def merge(data: dict[str, Any], change: dict[str, Any]) -> None:
    """Apply a nested change to contract data: dicts merge, anything else replaces."""
    for key, value in change.items():
        if isinstance(value, dict):
            merge(data[key], value)
        else:
            data[key] = value


def round_trip(path: Path, round_: InspectionRound) -> InspectionRound:
    write_workbook(path, round_)
    return load_round(path)


# --- the blank template ----------------------------------------------------------------------


def test_the_template_has_its_sheets_with_vietnamese_headings_and_what_to_write(template):
    book = openpyxl.load_workbook(template)
    assert book.sheetnames == [ROUND_SHEET, UNITS_SHEET, ITEMS_SHEET, REQUIREMENTS_SHEET,
                               MEMBERS_SHEET, SCHEDULE_SHEET, OPEN_ITEMS_SHEET]
    headings = {ws.title: [c.value for c in ws[1]] for ws in book}
    assert headings == {
        ROUND_SHEET: ["Mục\nnội dung cần điền", "Giá trị\nđiền vào cột này", "Trường\ntên trường: không sửa",
                      "Hướng dẫn\ncách điền, câu cố định đi kèm"],
        UNITS_SHEET: ["STT\nsố thứ tự", "Tên đơn vị\ntên đầy đủ, in ở Kính gửi",
                      "Tên viết tắt\nin ở tiêu đề từng đơn vị; có thể để trống"],
        ITEMS_SHEET: ["Tên đơn vị\nchọn trong trang “Đơn vị”", "Loại\nTồn tại hoặc Khắc phục",
                      "Nội dung\nmỗi dòng một tồn tại hoặc một việc cần khắc phục",
                      "Mã\nmã việc khắc phục để theo dõi; có thể để trống", "Hạn khắc phục\nngày dd/mm/yyyy; có thể để trống"],
        REQUIREMENTS_SHEET: ["STT\nsố thứ tự", "Nội dung\nyêu cầu chung cho mọi đơn vị", "Mã\nmã để theo dõi; có thể để trống",
                             "Hạn khắc phục\nngày dd/mm/yyyy; có thể để trống"],
        MEMBERS_SHEET: ["STT\nsố thứ tự dưới Điều 1", "Họ và tên\ncó Ông, Bà: Ông Nguyễn Văn An",
                        "Chức vụ\nví dụ Chánh Thanh tra Sở",
                        "Nhiệm vụ trong đoàn\nTrưởng đoàn, Thành viên…; in “1. [Họ và tên], [Chức vụ] - [Nhiệm vụ];”"],
        SCHEDULE_SHEET: ["STT\nsố thứ tự trong bảng mục III", "Đơn vị được kiểm tra\ntên như in trong bảng",
                         "Thời gian\nnhư sẽ in: 15/3/2021 hoặc tuần 2 tháng 3",
                         "Nội dung kiểm tra\nví dụ Toàn bộ nội dung tại mục II"],
        OPEN_ITEMS_SHEET: ["Tên đơn vị\nchọn trong trang “Đơn vị”", "Nội dung\nviệc còn chưa khắc phục; in thành “- … (thời hạn: …);”",
                           "Hạn khắc phục\nngày dd/mm/yyyy; có thể để trống"],
    }
    english = re.compile(r"\b(label|value|hint|contract|findings|actions|units)\b")
    texts = [str(c.value) for ws in book for row in ws.iter_rows() for c in row if c.value and c.column != 3]
    assert not [t for t in texts if english.search(t)]
    for ws in book:
        assert ws.freeze_panes in ("A2", "B2")
        assert all(c.font.bold for c in ws[1])


def test_the_assessment_row_says_which_fixed_sentence_follows_it(template):
    sheet = openpyxl.load_workbook(template)[ROUND_SHEET]
    hints = {row[2].value: row[3].value for row in sheet.iter_rows(min_row=2) if row[2].value}
    assert "Tuy nhiên qua công tác kiểm tra vẫn phát hiện" in hints["inspection.assessment"]
    assert "Qua kiểm tra các nội dung trong kế hoạch" in hints["inspection.assessment"]


def test_the_template_names_every_contract_field_of_the_round_in_column_c(template):
    ws = openpyxl.load_workbook(template)[ROUND_SHEET]
    fields = [ws.cell(r, 3).value for r in range(2, ws.max_row + 1) if ws.cell(r, 3).value]
    assert fields == [
        "letter.kind", "letter.number", "letter.date", "letter.subject", "letter.urgency",
        "agency.parent", "agency.name", "agency.code", "agency.place", "agency.unit",
        "period.year", "period.quarter", "period.half", "period.month",
        "inspection.plan.kind", "inspection.plan.number", "inspection.plan.date",
        "inspection.plan.issuer", "inspection.plan.title",
        "inspection.team", "inspection.field", "inspection.intro", "inspection.assessment",
        "requirements_intro", "closing",
        "signer.authority", "signer.for", "signer.title", "signer.name",
        "recipients", "cc", "archive", "inspection.deadline", "name_units_in_actions",
        "decision.subject", "decision.authority", "decision.bases", "decision.proposer", "decision.duties",
        "decision.executors",
        "plan.subject", "plan.purposes", "plan.contents", "plan.organisation",
        "meeting.subject", "meeting.attendees", "meeting.purpose", "meeting.chair", "meeting.time", "meeting.place",
        "reminder.subject", "reminder.follow_up.number", "reminder.follow_up.date", "reminder.new_deadline",
        "notice.subject", "notice.conclusions",
        "report.subject", "report.recipient", "report.general", "report.proposals",
    ]
    assert ws.cell(row_of(ws.parent, "letter.subject"), 1).value == "Trích yếu (V/v)"


def test_the_template_offers_a_list_for_every_field_with_fixed_values(template):
    book = openpyxl.load_workbook(template)
    lists = {
        str(dv.sqref): dv.formula1
        for ws in book for dv in ws.data_validations.dataValidation if dv.type == "list"
    }
    row = {field: row_of(book, field) for field in
           ("letter.kind", "letter.urgency", "period.quarter", "period.half", "period.month", "signer.authority",
            "name_units_in_actions")}
    assert lists == {
        f"B{row['letter.kind']}": '"follow-up,reminder,team-decision,plan,invitation,conclusion-notice,report"',
        f"B{row['letter.urgency']}": '"KHẨN,THƯỢNG KHẨN,HỎA TỐC"',
        f"B{row['period.quarter']}": '"I,II,III,IV,1,2,3,4"',
        f"B{row['period.half']}": '"1,2"',
        f"B{row['period.month']}": '"1,2,3,4,5,6,7,8,9,10,11,12"',
        f"B{row['signer.authority']}": '"KT,TM,TL,TUQ,Q"',
        f"B{row['name_units_in_actions']}": '"TRUE,FALSE"',
        "A2:A1000": f"'{UNITS_SHEET}'!$B$2:$B$1000",  # the units of the findings and of what is still open
        "B2:B1000": '"Tồn tại,Khắc phục"',
    }
    assert [str(dv.sqref) for dv in book[OPEN_ITEMS_SHEET].data_validations.dataValidation] == ["A2:A1000"]
    whole = {(str(dv.sqref), dv.formula1, dv.formula2)
             for ws in book for dv in ws.data_validations.dataValidation if dv.type == "whole"}
    assert whole == {(f"B{row_of(book, 'letter.number')}", "1", None),
                     (f"B{row_of(book, 'period.year')}", "1945", "2200")}
    assert all(dv.allow_blank for ws in book for dv in ws.data_validations.dataValidation)


def test_the_template_formats_date_cells_as_dd_mm_yyyy_and_the_number_as_a_whole_number(template):
    book = openpyxl.load_workbook(template)
    ws = book[ROUND_SHEET]
    assert ws.cell(row_of(book, "letter.date"), 2).number_format == "dd/mm/yyyy"
    assert ws.cell(row_of(book, "inspection.plan.date"), 2).number_format == "dd/mm/yyyy"
    assert ws.cell(row_of(book, "letter.number"), 2).number_format == "0"
    # Text cells are Text, so Excel keeps "09" or "1/2" as typed.
    assert ws.cell(row_of(book, "inspection.plan.number"), 2).number_format == "@"


def test_the_template_is_written_atomically_and_replaces_its_own_old_file(tmp_path):
    path = tmp_path / "mau.xlsx"
    write_workbook(path)
    write_workbook(path)  # its own output: replaced
    assert openpyxl.load_workbook(path).sheetnames[0] == ROUND_SHEET
    assert [p.name for p in tmp_path.iterdir()] == ["mau.xlsx"]


def test_the_template_never_replaces_a_workbook_a_clerk_saved(tmp_path):
    path = tmp_path / "filled.xlsx"
    write_workbook(path)
    book = openpyxl.load_workbook(path)
    book[ROUND_SHEET]["B3"] = "điền tay"
    book.properties.lastModifiedBy = "Nguyễn Văn Thư"  # as Excel records the clerk who saved it
    book.save(path)
    filled = path.read_bytes()
    with pytest.raises(ExistingFileError, match="--force"):
        write_workbook(path)
    assert path.read_bytes() == filled
    write_workbook(path, force=True)
    assert path.read_bytes() != filled


def test_a_template_filled_by_hand_reads_into_a_valid_round(template):
    def fill(book: openpyxl.Workbook) -> None:
        for field, value in {
            "letter.number": 12, "letter.date": dt.datetime(2021, 3, 5), "letter.urgency": "Khẩn",
            "letter.subject": "khắc phục sau kiểm tra",
            "agency.name": "Sở Khoa học và Công nghệ", "agency.code": "SKHCN",
            "agency.place": "Bà Rịa - Vũng Tàu", "agency.unit": "TTr",
            "period.year": 2021, "period.quarter": 2,
            "inspection.plan.kind": "Kế hoạch", "inspection.plan.number": 9,
            "inspection.plan.date": "23/02/2021", "inspection.plan.issuer": "Sở Khoa học và Công nghệ",
            "inspection.plan.title": "kế hoạch kiểm tra CCHC", "inspection.team": "Đoàn kiểm tra",
            "inspection.field": "công tác CCHC", "inspection.assessment": "nhìn chung tốt",
            "signer.authority": "KT.", "signer.for": "Giám đốc", "signer.title": "Phó Giám đốc",
            "signer.name": "Trần Duy Tâm Thanh",
            "cc": "Sở Nội vụ (b/c);\r\n\r\nTTTT&UD (web)", "archive": "VT, TTr.",
        }.items():
            set_field(field, value)(book)
        units = book[UNITS_SHEET]
        units.append([1, unicodedata.normalize("NFD", "Phòng Kế hoạch"), None])
        units.append([2, "Trung tâm Thông tin", "TT Thông tin"])
        units.append([3, None, None])  # numbered in advance, never used
        items = book[ITEMS_SHEET]
        items.append(["Phòng Kế hoạch", "Tồn tại", "Chưa báo cáo đúng hạn."])
        items.append([" ", None, "  "])  # a row left blank
        items.append(["Trung tâm Thông tin", "khắc phục", "  Cập nhật trang web.  "])
        items.append(["Phòng Kế hoạch", "Khắc phục", "Báo cáo đúng hạn."])
        book[REQUIREMENTS_SHEET].append([1, "Thực hiện nghiêm túc."])

    round_ = load_round(edit(template, fill))
    assert round_.letter.number == 12
    assert round_.letter.date == dt.date(2021, 3, 5)
    assert round_.letter.urgency == "KHẨN"
    assert round_.period.quarter == 2
    assert round_.inspection.plan.number == "9"  # not "9.0"
    assert round_.inspection.plan.date == dt.date(2021, 2, 23)
    assert round_.signer.authority == "KT"
    assert round_.cc == ["Sở Nội vụ (b/c)", "TTTT&UD (web)"]  # the ";" typed as in a letter is the letter's own
    assert round_.archive == ["VT", "TTr"]
    assert round_.recipients is None
    assert [(u.name, u.short_name, u.findings, u.actions) for u in round_.units] == [
        ("Phòng Kế hoạch", None, ["Chưa báo cáo đúng hạn."], ["Báo cáo đúng hạn."]),
        ("Trung tâm Thông tin", "TT Thông tin", [], ["Cập nhật trang web."]),
    ]
    assert round_.units[0].name == unicodedata.normalize("NFC", "Phòng Kế hoạch")
    assert round_.requirements == ["Thực hiện nghiêm túc."]


def test_dates_may_be_typed_as_iso_text(seed_book):
    edit(seed_book, set_field("inspection.plan.date", "2021-02-23"))
    assert load_round(seed_book).inspection.plan.date == dt.date(2021, 2, 23)


# --- a filled workbook -------------------------------------------------------------------


def test_a_filled_workbook_holds_real_dates_and_an_integer_number(tmp_path, seed_data):
    seed_data["letter"].update(number=5, date="2021-03-05")
    path = tmp_path / "cchc.xlsx"
    write_workbook(path, validate_data(seed_data, "seed"))
    book = openpyxl.load_workbook(path)
    ws = book[ROUND_SHEET]
    date = ws.cell(row_of(book, "letter.date"), 2)
    assert date.is_date and date.value == dt.datetime(2021, 3, 5) and date.number_format == "dd/mm/yyyy"
    assert ws.cell(row_of(book, "inspection.plan.date"), 2).value == dt.datetime(2021, 2, 23)
    assert ws.cell(row_of(book, "letter.number"), 2).value == 5
    assert ws.cell(row_of(book, "archive"), 2).value == "VT, TTr, CCHC"
    assert ws.cell(row_of(book, "cc"), 2).value == "Sở Nội vụ (b/c)\nGiám đốc Sở (b/c)\nTTTT&UD (web)"
    items = [[c.value for c in row] for row in book[ITEMS_SHEET].iter_rows(min_row=2)]
    assert [row[:2] for row in items] == [[SEED, "Tồn tại"], [SEED, "Khắc phục"]] + [
        [name, kind] for name in ("Trung tâm Kỹ thuật Tiêu chuẩn Đo lường Chất lượng",
                                  "Trung tâm Thông tin và Ứng dụng KH&CN") for kind in ("Tồn tại", "Khắc phục")
    ]
    assert [[c.value for c in row] for row in book[UNITS_SHEET].iter_rows(min_row=2)][1] == [
        2, "Trung tâm Kỹ thuật Tiêu chuẩn Đo lường Chất lượng", "Trung tâm Kỹ thuật TĐC"]


def test_the_sample_round_survives_yaml_to_workbook_and_back(tmp_path):
    round_ = load_input(SAMPLE)
    assert round_trip(tmp_path / "cchc.xlsx", round_) == round_


MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def _as_excel_saves(book: Path, target: Path) -> Path:
    """The workbook with its texts in one shared-strings part, as Excel saves every text
    (openpyxl writes each text inside its cell); the rest unchanged."""
    from lxml import etree

    strings: dict[str, int] = {}
    with zipfile.ZipFile(book) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                root = etree.fromstring(data)
                for cell in root.iter(f"{MAIN}c"):
                    inline = cell.find(f"{MAIN}is")
                    if cell.get("t") == "inlineStr" and inline is not None and inline[0].tag == f"{MAIN}t":
                        cell.remove(inline)
                        cell.set("t", "s")
                        etree.SubElement(cell, f"{MAIN}v").text = str(strings.setdefault(inline[0].text or "", len(strings)))
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
            elif item.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                                    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
            elif item.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Id="rIdStrings" Type="http://schemas.openxml'
                                    b'formats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
                                    b"</Relationships>")
            out.writestr(item, data)
        table = "".join(f'<si><t xml:space="preserve">{escape(text)}</t></si>' for text in strings)
        out.writestr("xl/sharedStrings.xml", f'<sst xmlns="{MAIN[1:-1]}" count="{len(strings)}">{table}</sst>')
    with zipfile.ZipFile(target) as saved:  # only the headings' two-font texts stay in their cells
        assert strings and not any(b"<is><t" in saved.read(name) for name in saved.namelist())
    return target


def test_a_workbook_saved_by_excel_reads_as_the_one_letter_gen_wrote(tmp_path, seed_data):
    # Excel keeps each text once in a shared table; letter-gen (openpyxl) writes it in its cell.
    seed_data["units"][0]["findings"][0] = ODD_TEXT + "  "
    round_ = validate_data(seed_data, "seed")
    written = tmp_path / "cchc.xlsx"
    write_workbook(written, round_)
    assert load_round(_as_excel_saves(written, tmp_path / "saved.xlsx")) == load_round(written) == round_


def test_a_text_in_runs_of_several_fonts_reads_as_its_whole_text(seed_book, tmp_path):
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont

    # A clerk who made one word bold: the cell holds runs, and a phonetic guide that is not the text.
    edit(seed_book, set_cell(ITEMS_SHEET, "C2", CellRichText("Chưa ", TextBlock(InlineFont(b=True), "báo cáo"), ".")))
    edit(seed_book, set_cell(ITEMS_SHEET, "C3", "Chưa niêm yết."))
    ruby = tmp_path / "ruby.xlsx"
    with zipfile.ZipFile(seed_book) as source, zipfile.ZipFile(ruby, "w") as out:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                data = re.sub(rb'(<c r="C3"[^>]*><is><t>[^<]*</t>)', rb'\1<rPh sb="0" eb="4"><t>chua</t></rPh>', data)
            out.writestr(item, data)
    assert b"<rPh" in zipfile.ZipFile(ruby).read("xl/worksheets/sheet3.xml")
    unit = load_round(ruby).units[0]  # its one finding, then its first action
    assert [unit.findings[0], getattr(unit.actions[0], "text", unit.actions[0])] == ["Chưa báo cáo.", "Chưa niêm yết."]


NFD = unicodedata.normalize("NFD", "Sở Khoa học và Công nghệ tỉnh Bà Rịa - Vũng Tàu")
ODD_TEXT = "Dòng một & <hai> \"ba\" 'bốn'\nDòng {{ năm }} {% if %}\n\n=SUM(A1)"


@pytest.mark.parametrize(
    "change",
    [
        pytest.param({"agency": {"parent": None, "unit": None}}, id="no parent, no drafting unit"),
        pytest.param({"letter": {"urgency": "THƯỢNG KHẨN", "number": 7, "date": "2021-12-31"}}, id="urgent, numbered"),
        pytest.param({"period": {"quarter": 4}}, id="quarter"),
        pytest.param({"period": {"half": 1}}, id="half"),
        pytest.param({"period": {"month": 12}}, id="month"),
        pytest.param({"inspection": {"intro": ODD_TEXT}, "closing": ODD_TEXT, "requirements_intro": None}, id="overrides"),
        pytest.param({"recipients": None, "cc": [], "requirements": []}, id="recipients null, no cc"),
        pytest.param({"signer": {"authority": None, "for": None, "title": "Giám đốc"}}, id="head signs"),
        pytest.param({"agency": {"name": NFD}, "inspection": {"assessment": ODD_TEXT}}, id="nfd and odd text"),
        pytest.param({"inspection": {"plan": {"number": "09", "kind": "=1+1"}}}, id="digits and formula-like text"),
    ],
)
def test_every_optional_field_survives_a_round_trip(tmp_path, seed_data, change):
    merge(seed_data, change)
    seed_data["units"].insert(1, {"name": "Văn phòng Sở", "short_name": "VP", "findings": [], "actions": []})
    seed_data["units"].append({"name": "Phòng Quản lý chuyên ngành", "actions": ["Chỉ khắc phục."]})
    round_ = validate_data(seed_data, "seed")
    back = round_trip(tmp_path / "round.xlsx", round_)
    assert back == round_
    assert unicodedata.is_normalized("NFC", back.agency.name)


# --- problems, each with its sheet, row, column and field --------------------------------------


def test_an_empty_finding_text_is_named_by_its_cell_and_field(seed_book):
    edit(seed_book, set_cell(ITEMS_SHEET, "C6", "  "))
    assert problems_of(seed_book) == [
        'cchc.xlsx: sheet "Tồn tại - Khắc phục", row 6, column C (Nội dung): units[2].findings[0]: must not be empty'
    ]


def test_an_unknown_authority_is_named_by_its_row_label_and_field(seed_book):
    edit(seed_book, set_field("signer.authority", "XT"))
    assert problems_of(seed_book) == [
        "cchc.xlsx: sheet \"Đợt kiểm tra\", row 33 (Thẩm quyền ký), column B (Giá trị): signer.authority:"
        " expected one of 'KT', 'TM', 'TL', 'TUQ' or 'Q' (got 'XT')"
    ]


@pytest.mark.parametrize("typed", ["2021-02-30", "30/02/2021"])
def test_an_impossible_date_is_a_problem(seed_book, typed):
    edit(seed_book, set_field("inspection.plan.date", typed))
    assert problems_of(seed_book) == [
        f'cchc.xlsx: sheet "Đợt kiểm tra", row 22 (Ngày ban hành kế hoạch), column B (Giá trị):'
        f" inspection.plan.date: not a real date (got {typed!r})"
    ]


def test_a_date_that_is_not_a_date_is_a_problem(seed_book):
    edit(seed_book, set_field("letter.date", "tháng 3"))
    assert problems_of(seed_book) == [
        'cchc.xlsx: sheet "Đợt kiểm tra", row 5 (Ngày ban hành), column B (Giá trị):'
        " letter.date: expected a date dd/mm/yyyy (got 'tháng 3')"
    ]


def test_a_finding_for_a_unit_not_in_the_units_sheet_is_a_problem_at_its_own_row(seed_book):
    # Row 12 comes after blank rows: the row named is the one the clerk sees.
    edit(seed_book, set_cell(ITEMS_SHEET, "A12", "Chi cục TĐC"))
    edit(seed_book, set_cell(ITEMS_SHEET, "B12", "Tồn tại"))
    edit(seed_book, set_cell(ITEMS_SHEET, "C12", "Chưa báo cáo."))
    assert problems_of(seed_book) == [
        'cchc.xlsx: sheet "Tồn tại - Khắc phục", row 12, column A (Tên đơn vị): units[].name:'
        " 'Chi cục TĐC' matches no unit of sheet \"Đơn vị\""
    ]


def test_a_row_that_is_neither_finding_nor_action_is_a_problem(seed_book):
    edit(seed_book, set_cell(ITEMS_SHEET, "B2", "Kiến nghị"))
    assert problems_of(seed_book) == [
        'cchc.xlsx: sheet "Tồn tại - Khắc phục", row 2, column B (Loại): units[0]:'
        ' expected "Tồn tại" (a finding) or "Khắc phục" (an action) (got \'Kiến nghị\')'
    ]


def test_a_missing_required_field_is_named_by_the_cell_to_fill(seed_book):
    edit(seed_book, set_field("signer.name", None))
    assert problems_of(seed_book) == [
        'cchc.xlsx: sheet "Đợt kiểm tra", row 36 (Họ và tên người ký), column B (Giá trị):'
        " signer.name: required field is missing"
    ]


def test_a_deleted_row_is_named_by_its_field(seed_book):
    edit(seed_book, lambda book: book[ROUND_SHEET].delete_rows(row_of(book, "agency.name")))
    assert problems_of(seed_book) == [
        'cchc.xlsx: sheet "Đợt kiểm tra", no row with agency.name (Tên cơ quan ban hành) in column C:'
        " agency.name: required field is missing"
    ]


def test_rows_of_the_round_sheet_are_found_by_their_field_name_not_their_place(seed_book):
    def rearrange(book: openpyxl.Workbook) -> None:
        ws = book[ROUND_SHEET]
        ws.insert_rows(2, 2)
        ws["A2"], ws["D2"] = "Ghi chú của văn thư", "không phải một trường"
        ws["A3"], ws["B3"], ws["C3"] = "Số fax", "0254", "agency.fax"

    edit(seed_book, rearrange)
    assert problems_of(seed_book) == [
        'cchc.xlsx: sheet "Đợt kiểm tra", row 3 (Số fax), column B (Giá trị): agency.fax:'
        " unknown field (a typo?); see the README for the fields of this section (got '0254')"
    ]


def test_a_number_cell_holding_text_is_a_problem(seed_book):
    edit(seed_book, set_field("letter.number", "năm"))
    assert problems_of(seed_book) == [
        'cchc.xlsx: sheet "Đợt kiểm tra", row 4 (Số), column B (Giá trị): letter.number: expected a whole number (got \'năm\')'
    ]


def test_a_check_across_fields_points_at_the_rows_of_its_section(seed_book):
    edit(seed_book, set_field("signer.for", None))
    assert problems_of(seed_book) == [
        "cchc.xlsx: sheet \"Đợt kiểm tra\", rows 33-36: signer: authority KT needs 'for': the title it signs for"
    ]


def test_a_unit_given_twice_is_named_by_its_second_row(seed_book):
    edit(seed_book, set_cell(UNITS_SHEET, "B5", SEED))
    assert problems_of(seed_book) == [
        'cchc.xlsx: sheet "Đơn vị", row 5, column B (Tên đơn vị): units[3].name:'
        f" {SEED!r} is already units[0]; each unit appears once"
    ]


def test_every_problem_is_reported_at_once_in_sheet_and_row_order(seed_book):
    edit(seed_book, set_field("period.quarter", 5))
    edit(seed_book, set_field("letter.number", "x"))
    edit(seed_book, set_cell(REQUIREMENTS_SHEET, "B3", True))
    edit(seed_book, set_cell(UNITS_SHEET, "C2", dt.datetime(2021, 1, 2)))
    problems = problems_of(seed_book)
    assert [p.split(": ")[2] for p in problems] == [
        "letter.number", "period.quarter", "units[0].short_name", "requirements[1]"]
    assert problems[1].endswith("period.quarter: expected a quarter from 1 to 4 (got 5)")
    assert problems[3].endswith("requirements[1]: expected text (got TRUE)")


def test_a_missing_sheet_is_a_problem(seed_book):
    edit(seed_book, lambda book: book.remove(book[UNITS_SHEET]))
    assert problems_of(seed_book) == [
        'cchc.xlsx: sheet "Đơn vị": units: the sheet is missing (the workbook has "Đợt kiểm tra",'
        ' "Tồn tại - Khắc phục", "Yêu cầu chung", "Thành viên đoàn", "Lịch kiểm tra", "Việc chưa khắc phục");'
        " start from letter-gen excel-template"
    ]


def test_a_file_that_is_not_a_workbook_is_refused(tmp_path):
    path = tmp_path / "cchc.xlsx"
    path.write_text("letter: {}\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_round(path)
    assert caught.value.message == f"{path}: not an Excel workbook (.xlsx)"


def test_a_damaged_workbook_is_refused(tmp_path, template):
    damaged = tmp_path / "hong.xlsx"
    with zipfile.ZipFile(template) as source, zipfile.ZipFile(damaged, "w") as target:
        for item in source.infolist():
            broken = item.filename == "xl/workbook.xml"
            target.writestr(item, b"<workbook" if broken else source.read(item.filename))
    with pytest.raises(InputError) as caught:
        load_round(damaged)
    assert caught.value.message == f"{damaged}: {DAMAGED}"


DAMAGED = ("the Excel workbook is damaged or incomplete (a copy stopped half-way?): copy it again from where it came"
           " from, or open it in Excel and save it again")


def test_a_workbook_cut_short_or_with_damaged_bytes_is_named_damaged(tmp_path, seed_book):
    whole = seed_book.read_bytes()
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(whole[:5000])  # a copy stopped half-way: no zip directory at its end
    flipped = bytearray(whole)
    middle = len(flipped) // 2
    flipped[middle:middle + 40] = bytes(b ^ 0xFF for b in flipped[middle:middle + 40])
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(bytes(flipped))  # a sheet's compressed bytes damaged: zlib fails while reading it
    for path in (cut, broken):
        with pytest.raises(InputError) as caught:
            load_round(path)
        assert caught.value.message == f"{path}: {DAMAGED}"



def test_a_workbook_whose_zip_directory_is_damaged_is_named_damaged(tmp_path, seed_book):
    # A damaged byte of the directory asking for zip version 25.5: zipfile's NotImplementedError
    # escaped `validate` (and `track import`) as a traceback.
    from letter_gen.tracking.workbook import read_workbook

    whole = bytearray(seed_book.read_bytes())
    whole[whole.index(b"PK\x01\x02") + 6] = 0xFF  # "version needed to extract"
    path = tmp_path / "damaged.xlsx"
    path.write_bytes(bytes(whole))
    with pytest.raises(InputError) as caught:
        load_round(path)
    assert caught.value.message == f"{path}: {DAMAGED}"
    with pytest.raises(InputError) as caught:
        read_workbook(path, {})
    assert caught.value.message.startswith(f"{path}: not an Excel workbook (.xlsx)")


def test_a_word_letter_an_ods_or_an_xls_named_xlsx_is_named_for_what_it_is(tmp_path):
    word = tmp_path / "cong-van.xlsx"
    with zipfile.ZipFile(word, "w") as archive:  # the parts of a .docx that tell it apart
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    calc = tmp_path / "bang-tinh.xlsx"
    with zipfile.ZipFile(calc, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    old = tmp_path / "cu.xlsx"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))  # the OLE header of .xls (and of a password)
    expected = {
        word: "a Word document (.docx) with the name of a workbook, not an Excel workbook (.xlsx): give the workbook"
              " of the round (letter-gen excel-template writes a blank one)",
        calc: "a LibreOffice Calc spreadsheet (.ods) with the name of a workbook: open it in Calc or Excel and save"
              " it as Excel Workbook (.xlsx)",
        old: "an old Excel file (.xls) or a workbook protected by a password, not an Excel workbook (.xlsx): open it"
             " in Excel and save it as Excel Workbook (.xlsx), without a password",
    }
    for path, why in expected.items():
        with pytest.raises(InputError) as caught:
            load_round(path)
        assert caught.value.message == f"{path}: {why}"



def _with_units_sheet(book: Path, target: Path, edit: Callable[[bytes], bytes]) -> Path:
    """The workbook with the XML of its units sheet (Đơn vị, the second) edited."""
    with zipfile.ZipFile(book) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            data = source.read(item.filename)
            out.writestr(item, edit(data) if item.filename == "xl/worksheets/sheet2.xml" else data)
    return target


def test_a_row_stored_twice_reads_once_as_openpyxl_reads_it(seed_book, tmp_path):
    # A damaged or hand-made file: row 2 again after the last row. openpyxl's rows (and so the
    # reader before issue 17) take the first; it is not one more unit.
    again = b'<row r="2"><c r="A2" t="n"><v>9</v></c><c r="B2" t="inlineStr"><is><t>S\xe1\xbb\x9f Kh\xc3\xa1c</t></is></c></row>'
    twice = _with_units_sheet(seed_book, tmp_path / "twice.xlsx", lambda xml: xml.replace(b"</sheetData>", again + b"</sheetData>"))
    assert load_round(twice) == load_round(seed_book)


def test_a_cell_naming_a_shared_text_the_workbook_lacks_is_refused_as_damaged(seed_book, tmp_path):
    damaged = _with_units_sheet(
        seed_book, tmp_path / "hong.xlsx", lambda xml: re.sub(rb'<c r="C2"[^>]*>.*?</c>', b'<c r="C2" t="s"><v>5</v></c>', xml, count=1)
    )
    with pytest.raises(InputError) as caught:
        load_round(damaged)
    assert caught.value.message == f"{damaged}: not an Excel workbook (.xlsx), or a damaged one"


def test_a_missing_file_is_refused(tmp_path):
    with pytest.raises(InputError) as caught:
        load_round(tmp_path / "none.xlsx")
    assert caught.value.message == f"{tmp_path / 'none.xlsx'}: no such file"


def test_the_blank_template_reads_as_the_list_of_fields_to_fill(template):
    problems = problems_of(template)
    assert problems[0] == (
        'mau.xlsx: sheet "Đợt kiểm tra", row 6 (Trích yếu (V/v)), column B (Giá trị):'
        " letter.subject: required field is missing"
    )
    assert problems[-1] == 'mau.xlsx: sheet "Đơn vị", from row 2: units: must not be empty'
    assert len(problems) == 16


@pytest.mark.parametrize(("typed", "quarter"), [("II", 2), ("Quý III", 3), (4, 4), ("1", 1)])
def test_a_quarter_typed_as_clerks_do_is_read(seed_book, typed, quarter):
    edit(seed_book, set_field("period.quarter", typed))
    assert load_round(seed_book).period.quarter == quarter


def test_a_quarter_that_is_no_number_says_how_to_write_it(seed_book):
    edit(seed_book, set_field("period.quarter", "hai"))
    (line,) = problems_of(seed_book)
    assert line.endswith("period.quarter: expected a quarter or half as 2, II or Quý II (got 'hai')")


# --- the other documents of a round (letter.kind) ------------------------------------------------

KINDS_SAMPLE = Path(__file__).resolve().parent.parent / "data" / "cchc-2021-kinds.yaml"


@pytest.fixture
def kinds_book(tmp_path: Path) -> Path:
    """The kinds sample made into a workbook by ``letter-gen convert``, as a clerk would."""
    from click.testing import CliRunner

    from letter_gen.cli import main

    path = tmp_path / "dot-kiem-tra.xlsx"
    result = CliRunner().invoke(main, ["convert", str(KINDS_SAMPLE), str(path)])
    assert result.exit_code == 0, result.output
    return path


def _text(data: bytes) -> list[str]:
    import io

    from docx import Document

    doc = Document(io.BytesIO(data))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return [p.text for p in doc.paragraphs] + cells


@pytest.mark.parametrize(("kind", "own"), [
    ("follow-up", "Trung tâm Kỹ thuật TĐC"), ("reminder", "Công văn số 15/SKHCN-TTr"),
    ("team-decision", "Ông Phạm Minh Châu, Thanh tra viên - Thành viên, thư ký"), ("plan", "17/3/2021"),
    ("invitation", "Phòng họp tầng 3"), ("conclusion-notice", "ban hành kế hoạch kịp thời"),
    ("report", "bố trí kinh phí"),
])  # fmt: skip
def test_every_kind_reads_from_the_workbook_as_from_yaml_and_renders_the_same_text(kinds_book, kind, own):
    from letter_gen.letters import kinds
    from letter_gen.letters.bundled import template_path
    from letter_gen.letters.render import PreparedTemplate

    from_yaml, from_excel = load_input(KINDS_SAMPLE), load_round(kinds_book)
    assert from_excel == from_yaml
    texts = []
    for round_ in (from_yaml, from_excel):
        content = kinds.compose(kinds.with_kind(round_, kind))
        texts.append(_text(PreparedTemplate(template_path(kind)).render(content)))
    assert texts[0] == texts[1]
    assert any(own in text for text in texts[1])  # the kind's own section, read from the workbook


def test_the_kinds_tables_are_in_their_own_sheets_and_their_texts_one_a_line(kinds_book):
    book = openpyxl.load_workbook(kinds_book)
    rows = {name: [[c.value for c in row] for row in book[name].iter_rows(min_row=2)]
            for name in (MEMBERS_SHEET, SCHEDULE_SHEET, OPEN_ITEMS_SHEET)}
    assert rows[MEMBERS_SHEET][0] == [1, "Ông Nguyễn Văn An", "Chánh Thanh tra Sở", "Trưởng đoàn"]
    assert rows[SCHEDULE_SHEET][2] == [3, "Trung tâm Thông tin và Ứng dụng KH&CN", "19/3/2021", "Toàn bộ nội dung tại mục II"]
    assert book[SCHEDULE_SHEET]["C2"].number_format == "@"  # Excel keeps "15/3/2021" as typed
    assert rows[OPEN_ITEMS_SHEET][1][::2] == ["Trung tâm Thông tin và Ứng dụng KH&CN", dt.datetime(2021, 6, 30)]
    ws = book[ROUND_SHEET]
    assert ws.cell(row_of(book, "decision.bases"), 1).value == "Căn cứ ban hành"
    assert ws.cell(row_of(book, "plan.contents"), 2).value.count("\n") == 2  # three contents, one a line
    assert ws.cell(row_of(book, "reminder.follow_up.date"), 2).value == dt.datetime(2021, 4, 5)
    assert "chịu trách nhiệm thi hành Quyết định này" in ws.cell(row_of(book, "decision.executors"), 4).value


def test_a_schedule_date_excel_made_a_date_reads_as_the_plan_prints_it(kinds_book):
    edit(kinds_book, set_cell(SCHEDULE_SHEET, "C2", dt.datetime(2021, 3, 5)))
    assert load_round(kinds_book).plan.schedule[0].date == "5/3/2021"


def test_a_kind_chosen_with_its_section_empty_names_each_field_to_fill(seed_book):
    edit(seed_book, set_field("letter.kind", "team-decision"))
    problems = problems_of(seed_book)
    book = openpyxl.load_workbook(seed_book)
    assert problems == [
        f'cchc.xlsx: sheet "Đợt kiểm tra", row {row_of(book, "decision.bases")} (Căn cứ ban hành), column B (Giá trị):'
        " decision.bases: required field is missing",
        'cchc.xlsx: sheet "Thành viên đoàn", from row 2: decision.members: required field is missing',
    ]


def test_a_member_without_a_role_is_named_by_its_cell(kinds_book):
    edit(kinds_book, set_cell(MEMBERS_SHEET, "D3", None))
    assert problems_of(kinds_book) == [
        'dot-kiem-tra.xlsx: sheet "Thành viên đoàn", row 3, column D (Nhiệm vụ trong đoàn):'
        " decision.members[1].role: required field is missing",
    ]


def test_an_open_item_of_a_unit_not_in_the_units_sheet_is_named_by_its_cell(kinds_book):
    edit(kinds_book, set_cell(OPEN_ITEMS_SHEET, "A2", "Phòng không có"))
    assert problems_of(kinds_book) == [
        'dot-kiem-tra.xlsx: sheet "Việc chưa khắc phục", row 2, column A (Tên đơn vị):'
        " reminder.open_items[0].unit: 'Phòng không có' is not a name of units[]",
    ]


def test_rows_left_on_the_reminders_sheet_count_only_for_a_reminder(seed_book, seed_data, tmp_path):
    # A follow-up workbook with a row left over on "Việc chưa khắc phục" (no unit) and no reminder
    # filled in: the follow-up letter is written; the reminder still names each missing cell.
    from click.testing import CliRunner

    from letter_gen.cli import main

    edit(seed_book, set_cell(OPEN_ITEMS_SHEET, "B2", "Chưa niêm yết công khai thủ tục hành chính"))
    assert load_round(seed_book) == load_round(seed_book, kind="follow-up") == validate_data(seed_data, "seed")
    reminder = f"{seed_book.name}: sheet \"Việc chưa khắc phục\", row 2, column A (Tên đơn vị): reminder.open_items[0].unit"
    with pytest.raises(InputError) as caught:
        load_round(seed_book, kind="reminder")
    assert any(line.startswith(reminder) for line in caught.value.problems), caught.value.problems
    runner = CliRunner()
    for command in (["render", str(seed_book), "-o", str(tmp_path / "out" / "a.docx")],
                    ["batch", str(seed_book), "--out", str(tmp_path / "out")]):
        written = runner.invoke(main, command)
        assert written.exit_code == 0 and "Việc chưa khắc phục" not in written.output, written.output
        for kind, code in (("follow-up", 0), ("reminder", 1)):
            chosen = runner.invoke(main, [*command, "--kind", kind, "--force"])
            assert chosen.exit_code == code and (reminder in chosen.stderr) == (kind == "reminder"), chosen.output


def test_a_workbook_made_before_the_kinds_had_their_sheets_still_reads(seed_book, seed_data):
    def old_form(book: openpyxl.Workbook) -> None:
        for name in (MEMBERS_SHEET, SCHEDULE_SHEET, OPEN_ITEMS_SHEET):
            book.remove(book[name])
        ws = book[ROUND_SHEET]
        first = row_of(book, "decision.subject") - 1  # the section's heading
        ws.delete_rows(first, ws.max_row - first + 1)

    edit(seed_book, old_form)
    assert load_round(seed_book) == validate_data(seed_data, "seed")


def test_the_reader_goes_by_field_names_and_columns_never_by_labels_or_hints(kinds_book):
    """The form is Vietnamese; a copy whose labels, hints and headings were retyped in another
    language (or cleared) reads as the same round."""

    def relabel(book: openpyxl.Workbook) -> None:
        for ws in book:
            for cell in ws[1]:
                cell.value = f"Column {cell.column_letter}"
        ws = book[ROUND_SHEET]
        for row in range(2, ws.max_row + 1):
            if ws.cell(row, 3).value:
                ws.cell(row, 1).value = f"Label {row}"
                ws.cell(row, 4).value = None
            elif ws.cell(row, 1).value:
                ws.cell(row, 1).value = "SECTION"
        for row in book[ITEMS_SHEET].iter_rows(min_row=2):
            row[1].value = {"Tồn tại": "finding", "Khắc phục": "action"}[row[1].value]

    before = load_round(kinds_book)
    edit(kinds_book, relabel)
    assert load_round(kinds_book) == before
