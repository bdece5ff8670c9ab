"""The Vietnamese rules of Decree 30 (letter_gen.vn), one by one."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from letter_gen import vn


@pytest.mark.parametrize(
    ("date", "phrase"),
    [
        (dt.date(2021, 3, 5), "ngày 05 tháng 3 năm 2021"),
        (dt.date(2021, 1, 9), "ngày 09 tháng 01 năm 2021"),
        (dt.date(2021, 2, 28), "ngày 28 tháng 02 năm 2021"),
        (dt.date(2021, 10, 10), "ngày 10 tháng 10 năm 2021"),
        (dt.date(2021, 12, 31), "ngày 31 tháng 12 năm 2021"),
        (dt.date(2024, 9, 1), "ngày 01 tháng 9 năm 2024"),
    ],
)
def test_date_phrase_pads_days_below_10_and_months_1_2_only(date, phrase):
    assert vn.date_phrase(date) == phrase


def test_draft_date_leaves_day_and_month_blank():
    assert vn.draft_date_phrase(2021) == "ngày ... tháng ... năm 2021"


def test_place_date_line_joins_place_and_date():
    assert vn.place_date_line("Bà Rịa - Vũng Tàu", dt.date(2021, 3, 5), 2021) == "Bà Rịa - Vũng Tàu, ngày 05 tháng 3 năm 2021"
    assert vn.place_date_line("Hà Nội", None, 2022) == "Hà Nội, ngày ... tháng ... năm 2022"


@pytest.mark.parametrize(("number", "line"), [(5, "Số: 05/SKHCN-TTr"), (1, "Số: 01/SKHCN-TTr"), (10, "Số: 10/SKHCN-TTr"), (123, "Số: 123/SKHCN-TTr")])
def test_number_line_pads_numbers_below_10(number, line):
    assert vn.number_line(number, "SKHCN-TTr") == line


def test_draft_number_line_leaves_the_number_blank():
    assert vn.number_line(None, "SKHCN-TTr") == "Số:      /SKHCN-TTr"


def test_format_number_refuses_zero():
    with pytest.raises(ValueError):
        vn.format_number(0)


def test_symbol_joins_agency_and_unit_with_a_hyphen():
    assert vn.symbol("SKHCN", "TTr") == "SKHCN-TTr"
    assert vn.symbol("STC", None) == "STC"


def test_short_date_is_padded_dd_mm_yyyy():
    assert vn.short_date(dt.date(2021, 2, 23)) == "23/02/2021"


@pytest.mark.parametrize(
    ("kwargs", "label"),
    [
        ({}, "năm 2021"),
        ({"quarter": 4}, "quý IV năm 2021"),
        ({"quarter": 1}, "quý I năm 2021"),
        ({"half": 1}, "6 tháng đầu năm 2021"),
        ({"half": 2}, "6 tháng cuối năm 2021"),
        ({"month": 9}, "tháng 9 năm 2021"),
    ],
)
def test_period_label(kwargs, label):
    assert vn.period_label(2021, **kwargs) == label


@pytest.mark.parametrize(
    ("authority", "for_title", "title", "lines"),
    [
        ("KT", "Giám đốc", "Phó Giám đốc", ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]),
        ("TM", "Ủy ban nhân dân", "Chủ tịch", ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]),
        ("TL", "Giám đốc", "Chánh Văn phòng", ["TL. GIÁM ĐỐC", "CHÁNH VĂN PHÒNG"]),
        ("TUQ", "Giám đốc", "Trưởng phòng Tổ chức", ["TUQ. GIÁM ĐỐC", "TRƯỞNG PHÒNG TỔ CHỨC"]),
        ("Q", "Giám đốc", "Phó Giám đốc", ["Q. GIÁM ĐỐC"]),
        (None, None, "Giám đốc", ["GIÁM ĐỐC"]),
    ],
)
def test_signature_titles_for_each_authority(authority, for_title, title, lines):
    assert vn.signature_titles(authority, for_title, title) == lines


def test_signature_titles_refuse_an_authority_without_for():
    with pytest.raises(ValueError, match="needs the title it signs for"):
        vn.signature_titles("KT", None, "Phó Giám đốc")


def test_kinh_gui_one_recipient_on_one_line():
    assert vn.kinh_gui_lines(["Sở Nội vụ"]) == ["Kính gửi: Sở Nội vụ."]


def test_kinh_gui_several_recipients_one_per_line():
    assert vn.kinh_gui_lines(["A", "B;", "C."]) == ["Kính gửi:", "- A;", "- B;", "- C."]


def test_noi_nhan_starts_with_nhu_tren_and_ends_with_luu():
    assert vn.noi_nhan_items(["Sở Nội vụ (b/c)", "TTTT&UD (web);"], ["VT", "TTr", "CCHC"]) == [
        "- Như trên;",
        "- Sở Nội vụ (b/c);",
        "- TTTT&UD (web);",
        "- Lưu: VT, TTr, CCHC.",
    ]


@pytest.mark.parametrize(
    ("text", "ended"),
    [("năm 2021.", "năm 2021./."), ("năm 2021", "năm 2021./."), ("xong./.", "xong./."), ("sau;", "sau./.")],
)
def test_body_end_closes_with_dot_slash_dot(text, ended):
    assert vn.body_end(text) == ended


def test_upper_keeps_vietnamese_marks():
    assert vn.upper("Sở Khoa học và Công nghệ") == "SỞ KHOA HỌC VÀ CÔNG NGHỆ"


def test_nfc_composes_and_strips():
    decomposed = "  Vie\u0302\u0323t Nam \n"
    assert vn.nfc(decomposed) == "Việt Nam"


# --- parsers beside their formatters ------------------------------------------------------

PLACES = st.sampled_from(["Bà Rịa - Vũng Tàu", "Hà Nội", "Thành phố Hồ Chí Minh", "TP. Hồ Chí Minh", "Đồng Nai"])


@given(PLACES, st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2999, 12, 31)))
def test_a_date_line_reads_back_as_its_place_and_date(place, date):
    phrase = vn.parse_date_phrase(vn.place_date_line(place, date, date.year))
    assert phrase is not None and phrase.readable
    assert (phrase.place, phrase.comma, phrase.date, phrase.year) == (place, True, date, date.year)


@given(PLACES, st.integers(1900, 2999))
def test_a_drafts_date_line_reads_back_with_blank_day_and_month(place, year):
    phrase = vn.parse_date_phrase(vn.place_date_line(place, None, year))
    assert phrase is not None and phrase.readable
    assert (phrase.place, phrase.day, phrase.month, phrase.date, phrase.year) == (place, None, None, None, year)


def test_the_date_parser_keeps_what_a_clerk_typed():
    phrase = vn.parse_date_phrase("Đồng Nai ngày 5 tháng 03 năm 2024")
    assert phrase == vn.DatePhrase("Đồng Nai", False, "5", "03", 2024)
    assert phrase.date == dt.date(2024, 3, 5)
    assert vn.parse_date_phrase("Hà Nội, ngày 30 tháng 02 năm 2021").date is None  # no such day
    assert not vn.parse_date_phrase("Hà Nội, ngày mùng tháng 3 năm 2021").readable
    assert vn.parse_date_phrase("Kế hoạch số 09/KH-SKHCN ngày 23/02/2021") is None


@given(st.one_of(st.none(), st.integers(1, 100_000)), st.from_regex(r"[A-Z]{2,6}(-[A-Za-z]{1,4})?", fullmatch=True))
def test_a_number_line_reads_back_as_its_number_and_symbol(number, symbol):
    parsed = vn.parse_number_line(vn.number_line(number, symbol))
    assert parsed is not None and parsed.colon and parsed.slash and parsed.recognisable
    assert (parsed.number, parsed.symbol, parsed.blank) == (number, symbol, number is None)


def test_the_number_parser_keeps_what_a_clerk_typed():
    assert vn.parse_number_line("Số 5 /SNV-VP") == vn.NumberLine(False, True, "5 ", "SNV-VP")
    assert vn.parse_number_line("Số: 05 SNV") == vn.NumberLine(True, False, "", " 05 SNV")
    assert not vn.parse_number_line("Số liệu năm 2021").recognisable
    assert vn.parse_number_line("Kính gửi: Sở Nội vụ.") is None


@given(
    st.integers(1900, 2999),
    st.sampled_from(["year", "quarter", "half", "month"]),
    st.integers(1, 12),
)
def test_a_period_label_reads_back_as_its_period(year, part, n):
    given_part = {} if part == "year" else {part: 1 + (n - 1) % {"quarter": 4, "half": 2, "month": 12}[part]}
    assert vn.parse_period_label(vn.period_label(year, **given_part)) == vn.Period(year, **given_part)


def test_the_period_parser_refuses_other_texts():
    assert vn.parse_period_label("quý V năm 2021") is None
    assert vn.parse_period_label("tháng 13 năm 2021") is None
    assert vn.parse_period_label("năm nay") is None


def test_the_widest_date_line_has_a_two_digit_day_and_month():
    assert vn.widest_place_date_line("Hà Nội", 2021) == "Hà Nội, ngày 28 tháng 12 năm 2021"


@pytest.mark.parametrize(("kind", "subject", "title"), [
    ("Công văn", "V/v thực hiện khắc phục", "Công văn V/v thực hiện khắc phục"),
    ("Quyết định", "Về việc thành lập Đoàn kiểm tra", "Quyết định về việc thành lập Đoàn kiểm tra"),
    ("Kế hoạch", "Kiểm tra công tác CCHC năm 2021", "Kế hoạch kiểm tra công tác CCHC năm 2021"),
    ("Báo cáo", "CCHC năm 2021: kết quả", "Báo cáo CCHC năm 2021: kết quả"),
])
def test_the_registers_title_goes_on_from_the_kind_in_lower_case_but_keeps_abbreviations(kind, subject, title):
    assert vn.kind_and_subject(kind, subject) == title
