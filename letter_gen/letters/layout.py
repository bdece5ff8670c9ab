"""The page of a công văn in numbers (Nghị định 30/2020/NĐ-CP, Phụ lục I).

Geometry computed from the decree's table (:mod:`letter_gen.decree30`): the template builder
lays the page out with these, rendering sizes the rule under the agency name with them. Every
number the decree sets, and every size chosen inside its ranges, is read from the table; the
checks compare letters against the table's ranges, not against these choices.
"""

from __future__ import annotations

from functools import cache, lru_cache

from letter_gen import decree30 as D
from letter_gen.metrics import Face, text_width_mm, wrapped_line_widths

TWIPS_PER_MM = 1440 / 25.4
FONT = "Times New Roman"


def twips(mm: float) -> int:
    """Millimetres as twentieths of a point, Word's unit for page geometry."""
    return round(mm * TWIPS_PER_MM)


# Page: A4 portrait, margins inside the decree's ranges (the choices live in letter_gen.decree30).
PAGE_WIDTH_MM, PAGE_HEIGHT_MM = D.PAGE.width_mm, D.PAGE.height_mm
MARGIN_TOP_MM, MARGIN_BOTTOM_MM = D.MARGINS_CHOSEN_MM["top"], D.MARGINS_CHOSEN_MM["bottom"]
MARGIN_LEFT_MM, MARGIN_RIGHT_MM = D.MARGINS_CHOSEN_MM["left"], D.MARGINS_CHOSEN_MM["right"]
HEADER_DISTANCE_MM = 10.0  # page numbers sit in the top margin
TEXT_WIDTH_MM = PAGE_WIDTH_MM - MARGIN_LEFT_MM - MARGIN_RIGHT_MM

# Header table: agency left, Quốc hiệu right; no cell padding so the columns are exact.
HEADER_LEFT_MM = 73.0
HEADER_RIGHT_MM = TEXT_WIDTH_MM - HEADER_LEFT_MM
# Closing table: Nơi nhận left, signature right.
CLOSING_LEFT_MM = 80.0
CLOSING_RIGHT_MM = TEXT_WIDTH_MM - CLOSING_LEFT_MM

# Font sizes in points: the size the template chose inside each decree range (decree30).
SIZE_PARENT = D.PARENT_AGENCY.chosen_pt
SIZE_AGENCY = D.AGENCY.chosen_pt
SIZE_NATIONAL_TITLE = D.NATIONAL_TITLE.chosen_pt
SIZE_MOTTO = D.MOTTO.chosen_pt
SIZE_NUMBER = D.NUMBER.chosen_pt
SIZE_DATE = D.DATE.chosen_pt
SIZE_SUBJECT = D.SUBJECT.chosen_pt
SIZE_URGENCY = D.URGENCY.chosen_pt
SIZE_KINH_GUI = D.KINH_GUI.chosen_pt
SIZE_BODY = D.BODY.chosen_pt
SIZE_SIGNATURE = D.SIGNATURE_TITLE.chosen_pt
SIZE_SIGNER_NAME = D.SIGNER_NAME.chosen_pt
SIZE_NOI_NHAN_LABEL = D.NOI_NHAN.chosen_pt
SIZE_NOI_NHAN_ITEM = D.NOI_NHAN_ITEMS.chosen_pt
SIZE_PAGE_NUMBER = D.PAGE_NUMBER.chosen_pt

BODY_FIRST_LINE_INDENT_MM = D.BODY_FIRST_LINE_INDENT_CHOSEN_MM
PARAGRAPH_SPACING_PT = D.BODY_PARAGRAPH_SPACING.low
HEADER_SPACE_BEFORE_PT = D.HEADER_SPACE_BEFORE_PT
KINH_GUI_INDENT_MM = 25.0
SIGNATURE_ROOM_LINES = 4
RULE_THICKNESS_EIGHTHS = 6  # a 0.75 pt solid rule

#: The agency rule is this share of the agency name's longest line (the decree: 1/3–1/2).
AGENCY_RULE_SHARE = D.AGENCY_RULE.chosen


def agency_rule_mm(agency_name: str, column_mm: float = HEADER_LEFT_MM) -> float:
    """Length of the rule under the agency name: its chosen share of its longest line in the column."""
    longest = max(wrapped_line_widths(agency_name, column_mm, SIZE_AGENCY, "bold"))
    return AGENCY_RULE_SHARE * longest


def side_indent_twips(column_mm: float, rule_mm: float) -> int:
    """Left and right indent that centre a rule of ``rule_mm`` in a column."""
    return max(0, twips((column_mm - rule_mm) / 2))


def title_rule_mm(subject: str) -> float:
    """The rule under a title block's trích yếu: its chosen share of the trích yếu's longest line."""
    longest = max(wrapped_line_widths(subject, TEXT_WIDTH_MM, D.TITLE_SUBJECT.chosen_pt, "bold"))
    return D.TITLE_RULE.chosen * longest


def motto_rule_mm(motto: str) -> float:
    """The rule under the Tiêu ngữ is as long as the Tiêu ngữ."""
    return D.MOTTO_RULE.chosen * text_width_mm(motto, SIZE_MOTTO, "bold")


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


# --- Balanced lines: the V/v and the agency names broken where a clerk would break them ---------

#: Names that never break across lines (a place name with a hyphen is kept whole on its own).
UNBREAKABLE = ("Hồ Chí Minh", "Thừa Thiên Huế", "Phan Rang - Tháp Chàm")
#: After these, a short place name runs to the end of an agency line: ``TỈNH BÀ RỊA - VŨNG TÀU``.
_PLACE_WORDS = ("tỉnh", "thành phố", "tp.", "huyện", "quận", "thị xã", "xã", "phường", "thị trấn")
_PLACE_MAX_WORDS = 5
#: The last line of a wrapped V/v or agency name holds at least this many words.
MIN_LAST_LINE_WORDS = 3
#: A V/v longer than this many lines is warned of (it pushes the Kính gửi down the page).
MAX_SUBJECT_LINES = 4
#: Room so LibreOffice and Word never wrap a line that fits by a hair.
_LINE_SLACK_MM = 1.5


def _tokens(text: str) -> list[str]:
    """The text's words, with the words of a name that must not break glued into one token."""
    words = text.split(" ")
    glued = [False] * len(words)  # glued[i]: words[i] and words[i + 1] stay on one line
    folded = [w.casefold() for w in words]
    for index, word in enumerate(words):
        if word == "-" and 0 < index < len(words) - 1:  # "Bà Rịa - Vũng Tàu": two words each side
            for at in range(max(0, index - 2), min(len(words) - 1, index + 2)):
                glued[at] = True
    for name in UNBREAKABLE:
        parts = name.casefold().split(" ")
        for index in range(len(words) - len(parts) + 1):
            if folded[index : index + len(parts)] == parts:
                for at in range(index, index + len(parts) - 1):
                    glued[at] = True
    for index in range(len(words)):
        for place_word in _PLACE_WORDS:
            parts = place_word.split(" ")
            start = index + len(parts)
            if text.isupper() and folded[index:start] == parts and 0 < len(words) - start <= _PLACE_MAX_WORDS:
                for at in range(start, len(words) - 1):
                    glued[at] = True
    tokens, current = [], words[0]
    for index in range(1, len(words)):
        if glued[index - 1]:
            current += " " + words[index]
        else:
            tokens.append(current)
            current = words[index]
    tokens.append(current)
    return tokens


def _word_count(line: str) -> int:
    return len([w for w in line.split(" ") if w != "-"])


def balanced_lines(text: str, column_mm: float, size_pt: float, face: Face = "regular") -> list[str]:
    """``text`` broken into balanced lines (see :func:`_balanced_lines`); the lines of one
    agency name or V/v are worked out once however many letters show them."""
    return list(_balanced_lines(text, column_mm, size_pt, face))


@lru_cache(maxsize=1024)
def _balanced_lines(text: str, column_mm: float, size_pt: float, face: Face = "regular") -> tuple[str, ...]:
    """``text`` broken into as few lines as greedy wrapping gives, but balanced: the longest
    line as short as it can be, the last line never one or two words alone, and no name
    (``BÀ RỊA - VŨNG TÀU``, ``Hồ Chí Minh``) broken across lines. The lines joined with
    spaces give back ``text`` exactly."""
    width = column_mm - _LINE_SLACK_MM
    if not text.strip() or "\n" in text or text_width_mm(text, size_pt, face) <= width:
        return (text,)  # a text broken by hand keeps its own breaks
    tokens = _tokens(text)
    if any(text_width_mm(t, size_pt, face) > width for t in tokens):
        tokens = text.split(" ")  # a glued name wider than the column breaks after all
    count = len(wrapped_line_widths(" ".join(tokens), width, size_pt, face))

    def line(i: int, j: int) -> str:
        return " ".join(tokens[i:j])

    # best(i, k): (longest line, breaks) of tokens[i:] in k lines; None when they do not fit.
    @cache
    def best(i: int, k: int) -> tuple[float, tuple[int, ...]] | None:
        if k == 1:
            rest = line(i, len(tokens))
            w = text_width_mm(rest, size_pt, face)
            if w > width:
                return None
            short = _word_count(rest) < MIN_LAST_LINE_WORDS and _word_count(text) >= 2 * MIN_LAST_LINE_WORDS
            return (w + (1000.0 if short else 0.0), ())
        found: tuple[float, tuple[int, ...]] | None = None
        for j in range(i + 1, len(tokens) - k + 2):
            w = text_width_mm(line(i, j), size_pt, face)
            if w > width:
                break
            tail = best(j, k - 1)
            if tail is not None and (found is None or max(w, tail[0]) < found[0]):
                found = (max(w, tail[0]), (j, *tail[1]))
        return found

    for lines in (count, count + 1):
        chosen = best(0, lines)
        if chosen is not None and chosen[0] < 1000.0:
            break
    if chosen is None:
        return (text,)
    starts = (0, *chosen[1], len(tokens))
    return tuple(line(a, b) for a, b in zip(starts, starts[1:]))
