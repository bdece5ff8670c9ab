"""The page of a công văn in numbers (Nghị định 30/2020/NĐ-CP, Phụ lục I).

One place for sizes and positions: the template builder lays the page out with them,
rendering sizes the rule under the agency name with them, and the checks compare letters
against the decree's ranges, not against these choices.
"""

from __future__ import annotations

from letter_gen.metrics import text_width_mm, wrapped_line_widths

TWIPS_PER_MM = 1440 / 25.4
FONT = "Times New Roman"


def twips(mm: float) -> int:
    """Millimetres as twentieths of a point, Word's unit for page geometry."""
    return round(mm * TWIPS_PER_MM)


# Page: A4 portrait, margins inside the decree's ranges.
PAGE_WIDTH_MM, PAGE_HEIGHT_MM = 210.0, 297.0
MARGIN_TOP_MM, MARGIN_BOTTOM_MM = 20.0, 20.0
MARGIN_LEFT_MM, MARGIN_RIGHT_MM = 30.0, 15.0
HEADER_DISTANCE_MM = 10.0  # page numbers sit in the top margin
TEXT_WIDTH_MM = PAGE_WIDTH_MM - MARGIN_LEFT_MM - MARGIN_RIGHT_MM

# Header table: agency left, Quốc hiệu right; no cell padding so the columns are exact.
HEADER_LEFT_MM = 73.0
HEADER_RIGHT_MM = TEXT_WIDTH_MM - HEADER_LEFT_MM
# Closing table: Nơi nhận left, signature right.
CLOSING_LEFT_MM = 80.0
CLOSING_RIGHT_MM = TEXT_WIDTH_MM - CLOSING_LEFT_MM

# Font sizes in points, each inside the decree's range.
SIZE_PARENT = 13  # cơ quan chủ quản, 12–13
SIZE_AGENCY = 13  # cơ quan ban hành, 12–13
SIZE_NATIONAL_TITLE = 12  # Quốc hiệu, 12–13
SIZE_MOTTO = 13  # Tiêu ngữ, 13–14
SIZE_NUMBER = 13  # Số, ký hiệu, 13
SIZE_DATE = 13  # địa danh, ngày, 13–14
SIZE_SUBJECT = 12  # trích yếu, 12–13
SIZE_URGENCY = 13  # độ khẩn, 13–14
SIZE_BODY = 14  # Kính gửi and body, 13–14
SIZE_SIGNATURE = 14  # signature titles and name, 13–14
SIZE_NOI_NHAN_LABEL = 12  # "Nơi nhận:", 12
SIZE_NOI_NHAN_ITEM = 11  # its items, 11
SIZE_PAGE_NUMBER = 13  # 13–14

BODY_FIRST_LINE_INDENT_MM = 12.7
PARAGRAPH_SPACING_PT = 6
KINH_GUI_INDENT_MM = 25.0
SIGNATURE_ROOM_LINES = 4
RULE_THICKNESS_EIGHTHS = 6  # a 0.75 pt solid rule

#: The agency rule is this share of the agency name's longest line (the decree: 1/3–1/2).
AGENCY_RULE_SHARE = 0.4


def agency_rule_mm(agency_name: str, column_mm: float = HEADER_LEFT_MM) -> float:
    """Length of the rule under the agency name: 40% of its longest line in the column."""
    longest = max(wrapped_line_widths(agency_name, column_mm, SIZE_AGENCY, "bold"))
    return AGENCY_RULE_SHARE * longest


def side_indent_twips(column_mm: float, rule_mm: float) -> int:
    """Left and right indent that centre a rule of ``rule_mm`` in a column."""
    return max(0, twips((column_mm - rule_mm) / 2))


def motto_rule_mm(motto: str) -> float:
    """The rule under the Tiêu ngữ is as long as the Tiêu ngữ."""
    return text_width_mm(motto, SIZE_MOTTO, "bold")


#: The right column widens for a long place name up to this, narrowing the agency's column.
HEADER_RIGHT_MAX_MM = 104.0
_DATE_SLACK_MM = 1.5  # room so LibreOffice and Word never wrap a line that fits by a hair


def header_columns(widest_place_date: str) -> tuple[float, float]:
    """(left, right) widths of the header: the right column widens for a long date line
    (``Thành phố Hồ Chí Minh, ngày 28 tháng 12 năm 2026``), never past its maximum."""
    needed = text_width_mm(widest_place_date, SIZE_DATE, "italic") + _DATE_SLACK_MM
    right = min(max(HEADER_RIGHT_MM, needed), HEADER_RIGHT_MAX_MM)
    return TEXT_WIDTH_MM - right, right


def date_line_fits(place_date: str) -> bool:
    """Whether the date line stays on one line in the widest right column (it must never wrap)."""
    return text_width_mm(place_date, SIZE_DATE, "italic") + _DATE_SLACK_MM <= HEADER_RIGHT_MAX_MM
