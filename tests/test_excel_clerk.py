"""What a clerk's workbook gets wrong and how the message helps (letter_gen.inputs.excel, reading):
a unit name that matches no unit of the Đơn vị sheet, and a formula never calculated. Each workbook
is written by openpyxl, as a script or a clerk's copy would be; the messages are read in
Vietnamese, as the clerk reads them, and in English."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest

from letter_gen.errors import InputError
from letter_gen.inputs.excel import ITEMS_SHEET, ROUND_SHEET, UNITS_SHEET, load_round, write_workbook
from letter_gen.inputs.model import validate_data

TTKT = "Trung tâm Kỹ thuật Tiêu chuẩn Đo lường Chất lượng"
WHERE = 'cchc.xlsx: trang tính "Tồn tại - Khắc phục", dòng 12, cột A (Tên đơn vị): '


@pytest.fixture
def book(tmp_path: Path, seed_data: dict[str, Any]) -> Path:
    path = tmp_path / "cchc.xlsx"
    write_workbook(path, validate_data(seed_data, "seed"))
    return path


def _add_finding(path: Path, unit: str) -> Path:
    """A finding typed on row 12 of the items sheet for ``unit``, as the clerk typed its name."""
    workbook = openpyxl.load_workbook(path)
    sheet = workbook[ITEMS_SHEET]
    sheet["A12"], sheet["B12"], sheet["C12"] = unit, "Tồn tại", "Chưa báo cáo định kỳ."
    workbook.save(path)
    return path


def _problems(path: Path, monkeypatch: pytest.MonkeyPatch, language: str = "vi") -> list[str]:
    monkeypatch.setenv("LETTER_GEN_LANG", language)
    with pytest.raises(InputError) as caught:
        load_round(path)
    return caught.value.problems


def test_an_invisible_double_space_in_a_unit_name_is_pointed_out(book, monkeypatch):
    _add_finding(book, TTKT.replace("Kỹ thuật ", "Kỹ thuật  "))
    assert _problems(book, monkeypatch) == [
        WHERE + f"'{TTKT.replace('Kỹ thuật ', 'Kỹ thuật  ')}' không trùng với tên đơn vị nào ở trang tính \"Đơn vị\": trong tên"
        f" có hai dấu cách liền nhau, hoặc dấu cách ở đầu hay cuối, nhìn trong ô không thấy; gõ lại đúng như ở trang tính"
        f" \"Đơn vị\": '{TTKT}'"
    ]


def test_a_unit_name_in_other_capitals_is_pointed_out(book, monkeypatch):
    _add_finding(book, TTKT.lower())
    (line,) = _problems(book, monkeypatch)
    assert line.endswith(f"chỉ khác chữ hoa, chữ thường; gõ lại đúng như ở trang tính \"Đơn vị\": '{TTKT}'")


def test_a_unit_s_short_name_is_named_with_its_full_name_and_not_accepted(book, monkeypatch):
    _add_finding(book, "Trung tâm Kỹ thuật TĐC")
    assert _problems(book, monkeypatch) == [
        WHERE + "'Trung tâm Kỹ thuật TĐC' không trùng với tên đơn vị nào ở trang tính \"Đơn vị\": đây là tên viết tắt"
        f" của '{TTKT}'; cột này ghi tên đầy đủ của đơn vị như ở trang tính \"Đơn vị\" (tên viết tắt đã có cột riêng ở"
        " trang đó)"
    ]
    english = _problems(book, monkeypatch, "en")
    assert english == [
        'cchc.xlsx: sheet "Tồn tại - Khắc phục", row 12, column A (Tên đơn vị): units[].name:'
        " 'Trung tâm Kỹ thuật TĐC' matches no unit of sheet \"Đơn vị\": it is the short name of"
        f" '{TTKT}'; this column takes the unit's full name as on sheet \"Đơn vị\" (the short name has its own"
        " column there)"
    ]


def test_a_misspelt_unit_name_is_offered_the_closest_names(book, monkeypatch):
    _add_finding(book, "Trung tam Thong tin va Ung dung KHCN")  # typed without accents, "&" dropped
    (line,) = _problems(book, monkeypatch)
    assert line.endswith("; có phải là 'Trung tâm Thông tin và Ứng dụng KH&CN'?")
    _add_finding(book, "Phòng Hành chính")
    (line,) = _problems(book, monkeypatch)
    assert line == WHERE + "'Phòng Hành chính' không trùng với tên đơn vị nào ở trang tính \"Đơn vị\""


def test_a_formula_without_a_saved_value_says_to_open_and_save_the_file_in_excel(book, monkeypatch):
    # openpyxl writes a formula without its value, as any script does; Excel calculates it on opening.
    workbook = openpyxl.load_workbook(book)
    rows = workbook[ROUND_SHEET]
    row = next(r for r in range(1, rows.max_row + 1) if rows.cell(r, 3).value == "signer.name")
    rows.cell(row, 2).value = '="Trần Duy " & "Tâm Thanh"'
    workbook[UNITS_SHEET]["B3"] = "=UPPER(C3)"
    workbook.save(book)
    what = ("ô có công thức nhưng Excel chưa tính ra giá trị (tệp do một chương trình khác tạo ra): mở tệp bằng Excel"
            " rồi lưu lại (Ctrl+S) để giá trị của công thức được lưu vào tệp")
    assert _problems(book, monkeypatch) == [
        f'cchc.xlsx: trang tính "Đợt kiểm tra", dòng {row} (Họ và tên người ký), cột B (Giá trị): {what}',
        f'cchc.xlsx: trang tính "Đơn vị", dòng 3, cột B (Tên đơn vị): {what}',
    ]  # and nothing of "required field is missing" or a unit matching none: the formula is the cause


def test_a_formula_with_its_saved_value_is_read_as_its_value(book, monkeypatch, tmp_path):
    workbook = openpyxl.load_workbook(book)
    workbook[ITEMS_SHEET]["C2"] = '="Chưa " & "báo cáo."'
    workbook.save(book)
    # What Excel saves: the formula and, beside it, its value.
    import zipfile

    saved = tmp_path / "saved.xlsx"
    with zipfile.ZipFile(book) as source, zipfile.ZipFile(saved, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/") and b"<f>" in data:
                value = "</f><v>Chưa báo cáo.</v>".encode()
                data = data.replace(b"</f><v></v>", value).replace(b"</f><v/>", value)
                data = data.replace(b'<c r="C2"', b'<c r="C2" t="str"', 1)
            target.writestr(item, data)
    monkeypatch.setenv("LETTER_GEN_LANG", "vi")
    assert load_round(saved).units[0].findings[0] == "Chưa báo cáo."


def test_a_cell_showing_an_excel_error_is_named_instead_of_read_as_text(book, monkeypatch, tmp_path):
    # "#N/A" from a lookup, "#REF!" from a deleted row: Excel saves the error, not a text of the clerk's.
    workbook = openpyxl.load_workbook(book)
    workbook[UNITS_SHEET]["B3"] = "#N/A"  # openpyxl, like Excel, saves it as an error value
    workbook[ITEMS_SHEET]["C4"] = '=VLOOKUP(A4, X1:Y9, 2, FALSE)'
    workbook.save(book)
    saved = tmp_path / "saved.xlsx"  # as Excel saves a formula whose value is an error
    import zipfile

    with zipfile.ZipFile(book) as source, zipfile.ZipFile(saved, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/") and b"<f>" in data:
                data = data.replace(b'<c r="C4"', b'<c r="C4" t="e"', 1)
                data = data.replace(b"</f><v></v>", b"</f><v>#REF!</v>").replace(b"</f><v/>", b"</f><v>#REF!</v>")
            target.writestr(item, data)
    what = "ô đang báo lỗi {} của Excel chứ không có giá trị: sửa lại công thức hoặc gõ thẳng giá trị vào ô, rồi lưu lại tệp"
    assert _problems(saved, monkeypatch) == [
        f'saved.xlsx: trang tính "Đơn vị", dòng 3, cột B (Tên đơn vị): {what.format("#N/A")}',
        f'saved.xlsx: trang tính "Tồn tại - Khắc phục", dòng 4, cột C (Nội dung): {what.format("#REF!")}',
    ]  # and not "#N/A" as a unit's name, nor a finding "#REF!" in the letter


def test_an_excel_error_in_a_column_never_read_leaves_the_workbook_valid(book, monkeypatch):
    # STT numbered by "=A2+1" shows #REF! once a row is deleted; a hint or another kind's table
    # (the plan's schedule, left over, under a follow-up letter) is not read: nothing to mend there.
    workbook = openpyxl.load_workbook(book)
    workbook[UNITS_SHEET]["A3"] = "#REF!"
    workbook[ROUND_SHEET]["D5"] = "#REF!"
    workbook["Lịch kiểm tra"]["B2"] = "#N/A"
    workbook.save(book)
    monkeypatch.setenv("LETTER_GEN_LANG", "vi")
    round_ = load_round(book)
    assert round_.letter.kind == "follow-up" and round_.plan is None
    workbook[UNITS_SHEET]["B3"] = "#REF!"  # the unit's name is read: still named
    workbook.save(book)
    assert [line.split(": ")[1] for line in _problems(book, monkeypatch)] == ['trang tính "Đơn vị", dòng 3, cột B (Tên đơn vị)']


def test_a_date_excel_made_of_a_cell_is_shown_as_the_clerk_sees_it(book, monkeypatch):
    # Excel turns "9/2" typed as a plan number into a date, and a year cell formatted as a date
    # shows 01/01/2021: the message quotes what the cell shows, not Python's 2021-02-09 00:00:00.
    import datetime as dt

    workbook = openpyxl.load_workbook(book)
    rows = workbook[ROUND_SHEET]
    row_of = {rows.cell(r, 3).value: r for r in range(1, rows.max_row + 1)}
    rows.cell(row_of["inspection.plan.number"], 2).value = dt.datetime(2021, 2, 9)
    rows.cell(row_of["period.year"], 2).value = dt.datetime(2021, 1, 1, 8, 30)
    workbook.save(book)
    problems = _problems(book, monkeypatch)
    assert problems[0].endswith("cần ghi số nguyên, nhưng Excel đã đổi thành ngày hoặc giờ (01/01/2021 08:30); định dạng ô"
                                " là Number (Số) rồi gõ lại")
    assert problems[1].endswith("cần ghi chữ, nhưng Excel đã đổi thành ngày hoặc giờ (09/02/2021); định dạng ô là"
                                " Text (Văn bản) rồi gõ lại")
    assert not any("00:00" in line for line in problems)


def test_a_decimal_number_in_a_text_cell_is_refused_not_written_as_excel_saved_it(book, monkeypatch):
    # A finding typed "85%" or "1,5" (Vietnamese Excel) is saved as 0.85 or 1.5: the letter would
    # say what the clerk never typed, so the cell is named and the clerk asked to type it as text.
    workbook = openpyxl.load_workbook(book)
    workbook[ITEMS_SHEET]["C4"] = 0.85
    workbook[ITEMS_SHEET]["C4"].number_format = "0%"
    workbook.save(book)
    assert _problems(book, monkeypatch) == [
        f'{book.name}: trang tính "Tồn tại - Khắc phục", dòng 4, cột C (Nội dung): cần ghi chữ, nhưng Excel đã'
        " đổi thành số (0,85); định dạng ô là Text (Văn bản) rồi gõ lại đúng như muốn ghi trong công văn"
    ]


def test_the_code_columns_are_text_for_every_row_a_clerk_types_in(tmp_path):
    # A code (Mã) typed 1.1 in a General cell is saved as the number 1.1, which the reader refuses
    # (1.10 would be saved the same): the workbook's Mã columns are Text below the rows it fills,
    # so what the clerk types there stays as typed.
    from letter_gen.inputs.excel import REQUIREMENTS_SHEET

    path = tmp_path / "blank.xlsx"
    write_workbook(path)
    workbook = openpyxl.load_workbook(path)
    assert workbook[ITEMS_SHEET].column_dimensions["D"].number_format == "@"
    assert workbook[REQUIREMENTS_SHEET].column_dimensions["C"].number_format == "@"


def test_an_excel_error_on_the_first_sheet_names_the_row_by_its_label(book, monkeypatch):
    # Every other line of the first sheet names the row by its label ("dòng 15 (Năm)"): the error
    # cell's line did not, leaving the clerk to count rows.
    workbook = openpyxl.load_workbook(book)
    rows = workbook[ROUND_SHEET]
    row = next(r for r in range(1, rows.max_row + 1) if rows.cell(r, 3).value == "agency.name")
    rows.cell(row, 2).value = "#REF!"
    rows.cell(row, 1).value = None  # the label cleared: the field's own label names the row
    workbook.save(book)
    assert [line.split(": ")[1] for line in _problems(book, monkeypatch)] == [
        f'trang tính "{ROUND_SHEET}", dòng {row} (Tên cơ quan ban hành), cột B (Giá trị)'
    ]
