"""Vietnamese writing rules of Decree 30/2020/NĐ-CP, as pure functions.

Dates (ngày tháng), numbers (số, ký hiệu), period labels (kỳ báo cáo), signature lines
(thẩm quyền ký), Kính gửi lines, Nơi nhận items and punctuation live here and nowhere
else, so each rule has one place and one set of tests.
"""

from __future__ import annotations

import datetime as dt
import unicodedata

from letter_gen import decree30

#: Quốc hiệu and Tiêu ngữ (ô 1), fixed by the decree.
NATIONAL_TITLE: str = decree30.NATIONAL_TITLE.text or ""
MOTTO: str = decree30.MOTTO.text or ""

#: Authority prefixes (thẩm quyền ký) of the signature block: defined in letter_gen.decree30.
AUTHORITIES = decree30.AUTHORITIES

#: Urgency marks (độ khẩn, ô 10b): defined in letter_gen.decree30.
URGENCIES = decree30.URGENCIES

#: Blank left for the number in a draft: ``Số:      /SKHCN-TTr``.
DRAFT_NUMBER_BLANK = " " * 5

_ROMAN_QUARTERS = {1: "I", 2: "II", 3: "III", 4: "IV"}


def nfc(text: str) -> str:
    """Unicode NFC form with outer white space stripped (every input text goes through it)."""
    return unicodedata.normalize("NFC", text).strip()


def without_marks(text: str) -> str:
    """Vietnamese without diacritics, for names and matching: ``Đường Hồ`` → ``Duong Ho``."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


def upper(text: str) -> str:
    """Capitals for headers and titles (chữ in hoa), keeping Vietnamese diacritics in NFC."""
    return unicodedata.normalize("NFC", text.upper())


def format_number(number: int) -> str:
    """The letter number (số) as written: ``05`` below 10, ``10`` and up as they are."""
    if number < 1:
        raise ValueError(f"a letter number starts at 1, got {number}")
    return f"{number:02d}"


def symbol(agency_code: str, unit_code: str | None) -> str:
    """The ký hiệu (symbol) of a công văn: agency, then drafting unit: ``SKHCN-TTr``."""
    return f"{agency_code}-{unit_code}" if unit_code else agency_code


def number_line(number: int | None, symbol_text: str) -> str:
    """The Số line (ô 3): ``Số: 05/SKHCN-TTr``, or ``Số:      /SKHCN-TTr`` for a draft."""
    shown = DRAFT_NUMBER_BLANK if number is None else format_number(number)
    return f"Số: {shown}/{symbol_text}"


def date_phrase(date: dt.date) -> str:
    """``ngày 05 tháng 3 năm 2021``: days 1–9 and months 1–2 padded, months 3–12 never."""
    month = f"{date.month:02d}" if date.month <= 2 else str(date.month)
    return f"ngày {date.day:02d} tháng {month} năm {date.year}"


def draft_date_phrase(year: int) -> str:
    """The date of a draft, filled in by hand when it is issued: ``ngày ... tháng ... năm 2021``."""
    return f"ngày ... tháng ... năm {year}"


def place_date_line(place: str, date: dt.date | None, year: int) -> str:
    """Địa danh and date (ô 4): ``Bà Rịa - Vũng Tàu, ngày 05 tháng 3 năm 2021``."""
    phrase = draft_date_phrase(year) if date is None else date_phrase(date)
    return f"{place}, {phrase}"


def short_date(date: dt.date) -> str:
    """A cited document's date, as the seed cites a plan: ``23/02/2021``."""
    return f"{date.day:02d}/{date.month:02d}/{date.year}"


def period_label(
    year: int,
    *,
    quarter: int | None = None,
    half: int | None = None,
    month: int | None = None,
) -> str:
    """The reporting period (kỳ): ``năm 2021``, ``quý IV năm 2025``, ``6 tháng đầu năm 2024``,
    ``6 tháng cuối năm 2024``, ``tháng 9 năm 2026``."""
    if quarter is not None:
        return f"quý {_ROMAN_QUARTERS[quarter]} năm {year}"
    if half is not None:
        return f"6 tháng {'đầu' if half == 1 else 'cuối'} năm {year}"
    if month is not None:
        return f"tháng {month} năm {year}"
    return f"năm {year}"


def signature_titles(authority: str | None, for_title: str | None, title: str | None) -> list[str]:
    """The title lines of the signature block (ô 7a, 7b), in capitals.

    ``KT``/``TM``/``TL``/``TUQ``: the prefix line, then the signer's own title
    (``KT. GIÁM ĐỐC`` / ``PHÓ GIÁM ĐỐC``). ``Q``: the acting head signs as ``Q. GIÁM ĐỐC``
    alone. No authority: the head's own title (``GIÁM ĐỐC``).
    """
    if authority is None:
        if not title:
            raise ValueError("a head signing in their own title needs that title")
        return [upper(title)]
    if authority not in AUTHORITIES:
        raise ValueError(f"unknown authority {authority!r}; expected one of {', '.join(AUTHORITIES)}")
    if not for_title:
        raise ValueError(f"authority {authority} needs the title it signs for")
    first = f"{authority}. {upper(for_title)}"
    if authority == "Q" or not title:
        return [first]
    return [first, upper(title)]


def without_final_punctuation(text: str) -> str:
    return text.rstrip(" ;.,")


def kinh_gui_lines(recipients: list[str]) -> list[str]:
    """Kính gửi (ô 9a). One recipient: ``["Kính gửi: Sở Nội vụ."]``. Several: ``Kính gửi:``
    then one line each, ``- X;``, the last ending with ``.``."""
    if not recipients:
        raise ValueError("a letter needs at least one recipient")
    names = [without_final_punctuation(r) for r in recipients]
    if len(names) == 1:
        return [f"Kính gửi: {names[0]}."]
    return ["Kính gửi:", *dash_list(names, last=".")]


def dash_list(items: list[str], *, last: str = ";") -> list[str]:
    """Items as ``- X;`` lines, the last one ending with ``last``."""
    lines = [f"- {item};" for item in items]
    if lines:
        lines[-1] = lines[-1][:-1] + last
    return lines


def noi_nhan_items(cc: list[str], archive: list[str]) -> list[str]:
    """Nơi nhận items (ô 9b): ``- Như trên;`` first, each cc next, ``- Lưu: VT, TTr.`` last."""
    archive_line = f"- Lưu: {', '.join(archive)}."
    return ["- Như trên;", *(f"- {without_final_punctuation(c)};" for c in cc), archive_line]


def with_final_stop(text: str) -> str:
    """A sentence ending with a full stop (or the punctuation it already ends with)."""
    text = text.rstrip()
    return text if text.endswith((".", ":", "!", "?", ";")) else f"{text}."


def body_end(text: str) -> str:
    """The last paragraph of the body ends with ``./.``, as every sample of the decree does."""
    text = text.rstrip()
    if text.endswith("./."):
        return text
    return f"{text.rstrip('.;,')}./."
