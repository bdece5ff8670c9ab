"""Vietnamese writing rules of Decree 30/2020/NĐ-CP, as pure functions.

Dates (ngày tháng), numbers (số, ký hiệu), period labels (kỳ báo cáo), signature lines
(thẩm quyền ký), Kính gửi lines, Nơi nhận items and punctuation live here and nowhere
else, so each rule has one place and one set of tests.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from letter_gen import decree30
from letter_gen.i18n import _

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


class _Unmarked(dict[int, "int | None"]):
    """``str.translate`` table dropping combining marks, filled as characters are met: the
    checks fold every paragraph of every letter, and a C-level lookup is what keeps that cheap."""

    def __missing__(self, code: int) -> int | None:
        kept = None if unicodedata.combining(chr(code)) else code
        self[code] = kept
        return kept


_UNMARKED = _Unmarked({ord("đ"): ord("d"), ord("Đ"): ord("D")})


def without_marks(text: str) -> str:
    """Vietnamese without diacritics, for names and matching: ``Đường Hồ`` → ``Duong Ho``."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFD", text).translate(_UNMARKED))


def upper(text: str) -> str:
    """Capitals for headers and titles (chữ in hoa), keeping Vietnamese diacritics in NFC."""
    return unicodedata.normalize("NFC", text.upper())


#: Letter numbers run from 1 to this in a year's sequence: not the decree's figure, a sane bound
#: (a number past it is a slip: a reservation typed wrong, a year mistaken).
MAX_LETTER_NUMBER = 99_999


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


@dataclass(frozen=True)
class NumberLine:
    """A Số line as written, read by :func:`parse_number_line`: the parts exactly as typed
    (``number_text``, ``symbol_text``) for checking, and what they mean (``number``, ``symbol``)."""

    colon: bool  # "Số:" rather than "Số"
    slash: bool  # a "/" between the number and the ký hiệu
    number_text: str  # before the "/", as typed: "05", " 5 ", "     " in a draft
    symbol_text: str  # after the "/", as typed

    @property
    def blank(self) -> bool:
        """A draft's number: nothing but spaces, dots or underscores before the "/"."""
        return _BLANK.fullmatch(self.number_text) is not None

    @property
    def number(self) -> int | None:
        digits = self.number_text.strip()
        return int(digits) if digits.isdigit() else None

    @property
    def symbol(self) -> str:
        return self.symbol_text.strip()

    @property
    def recognisable(self) -> bool:
        """Whether the line reads as a Số line at all: ``Số:`` or ``Số 05/``, ``Số .../``."""
        return self.colon or (self.slash and re.fullmatch(r"\s*[\d.…_]*\s*", self.number_text) is not None)


_BLANK = re.compile(r"[\s.…_]*")
_NUMBER_LINE = re.compile(r"Số\s*(:?)(.*)", re.S)


@lru_cache(maxsize=1024)  # the checks read the same Số line in every letter of a batch
def parse_number_line(text: str) -> NumberLine | None:
    """The parts of a Số line (``Số: 05/SKHCN-TTr``, ``Số:      /SKHCN-TTr``); None when the
    text does not start with "Số". The inverse of :func:`number_line`."""
    m = _NUMBER_LINE.fullmatch(text.strip())
    if m is None:
        return None
    number, slash, symbol_text = m.group(2).partition("/")
    return NumberLine(bool(m.group(1)), bool(slash), number if slash else "", symbol_text if slash else m.group(2))


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


def widest_place_date_line(place: str, year: int) -> str:
    """The date line at its widest for ``place`` and ``year`` (``..., ngày 28 tháng 12 năm 2021``):
    what must fit on one line whatever day the letter is issued, drafts included (a two-digit
    day and month: Times New Roman's digits are all equally wide)."""
    return place_date_line(place, dt.date(year, 12, 28), year)


@dataclass(frozen=True)
class DatePhrase:
    """A date line as written (địa danh, ngày ... tháng ... năm ...), read by
    :func:`parse_date_phrase`; ``day_text`` and ``month_text`` exactly as typed (blank or
    dots in a draft), ``day`` and ``month`` None when blank."""

    place: str  # the place name, without the comma
    comma: bool  # a comma between the place name and "ngày"
    day_text: str
    month_text: str
    year: int

    @property
    def readable(self) -> bool:
        """Day and month are each digits, or blank (a draft's dots)."""
        return all(t.isdigit() or _BLANK.fullmatch(t) for t in (self.day_text, self.month_text))

    @property
    def day(self) -> int | None:
        return int(self.day_text) if self.day_text.isdigit() else None

    @property
    def month(self) -> int | None:
        return int(self.month_text) if self.month_text.isdigit() else None

    @property
    def date(self) -> dt.date | None:
        """The date it names; None for a draft or a date that does not exist."""
        if self.day is None or self.month is None:
            return None
        try:
            return dt.date(self.year, self.month, self.day)
        except ValueError:
            return None


_DATE_PHRASE = re.compile(r"ngày(?P<d>.*?)tháng(?P<m>.*?)năm\s*(?P<y>\d{4})", re.I)


@lru_cache(maxsize=1024)  # and try every header line as a date line
def parse_date_phrase(text: str) -> DatePhrase | None:
    """The parts of a date line (``Bà Rịa - Vũng Tàu, ngày 05 tháng 3 năm 2021``, a draft's
    ``ngày ... tháng ... năm 2021``); None when it has no ``ngày … tháng … năm YYYY``.
    The inverse of :func:`place_date_line`; it reads what clerks type too (``ngày 5``)."""
    m = _DATE_PHRASE.search(text)
    if m is None:
        return None
    before = text[: m.start()].rstrip()
    return DatePhrase(
        place=before.rstrip(",").strip(),
        comma=before.endswith(","),
        day_text=m.group("d").strip(),
        month_text=m.group("m").strip(),
        year=int(m.group("y")),
    )


#: Vietnam's time (giờ Việt Nam): UTC+7 all year, no summer time, so a fixed offset serves and
#: no time-zone database is needed (Windows has none).
VIETNAM_TIME = dt.timezone(dt.timedelta(hours=7))


def short_date(date: dt.date) -> str:
    """A cited document's date, as the seed cites a plan: ``23/02/2021``."""
    return f"{date.day:02d}/{date.month:02d}/{date.year}"


_SHORT_DATE = re.compile(r"\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*")


def parse_short_date(text: str) -> dt.date | None:
    """A date as clerks type it, ``23/02/2021`` or ``5/7/2021`` (dd/mm/yyyy); None when the text
    is not of that form; ValueError when it is but no such day exists (``31/02/2021``)."""
    found = _SHORT_DATE.fullmatch(text)
    if found is None:
        return None
    day, month, year = (int(part) for part in found.groups())
    return dt.date(year, month, day)


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


@dataclass(frozen=True)
class Period:
    """A reporting period read by :func:`parse_period_label`: the year and at most one part."""

    year: int
    quarter: int | None = None
    half: int | None = None
    month: int | None = None


_QUARTERS_ROMAN = {roman: n for n, roman in _ROMAN_QUARTERS.items()}
_PERIOD = re.compile(
    r"(?:quý (?P<q>IV|I{1,3}) |6 tháng (?P<h>đầu|cuối) |tháng (?P<m>[1-9]|1[0-2]) )?năm (?P<y>\d{4})"
)


def parse_period_label(text: str) -> Period | None:
    """The period a label names (``quý II năm 2021`` → year 2021, quarter 2); None when the text
    is not a label :func:`period_label` writes. Its inverse."""
    m = _PERIOD.fullmatch(nfc(text))
    if m is None:
        return None
    half = {"đầu": 1, "cuối": 2}.get(m.group("h") or "")
    return Period(
        int(m.group("y")),
        quarter=_QUARTERS_ROMAN[m.group("q")] if m.group("q") else None,
        half=half,
        month=int(m.group("m")) if m.group("m") else None,
    )


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


def kind_and_subject(kind_name: str, subject: str) -> str:
    """Tên loại và trích yếu as one phrase (the register's column): ``Quyết định về việc …``.

    A titled document's trích yếu begins with a capital under its title (``Về việc …``); after
    the kind's name it goes on in lower case, unless its first word is an abbreviation (``CCHC``, ``V/v``)."""
    first = subject.split(" ", 1)[0]
    if first.isalpha() and first[:1].isupper() and first[1:].islower():
        subject = subject[:1].lower() + subject[1:]
    return " ".join(part for part in (kind_name, subject) if part)


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


_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}


def parse_period_part(text: str) -> int:
    """A quarter or half as clerks write it: ``2``, ``II``, ``Quý II``, ``quý 2`` (a number, Roman
    or Arabic, after an optional ``Quý``); ValueError otherwise. The range is the model's to check."""
    words = nfc(text).strip().casefold().split()
    if words and words[0] in ("quý", "quy"):
        words = words[1:]
    if len(words) == 1:
        word = words[0].rstrip(".")
        if word.isdigit():
            return int(word)
        if word in _ROMAN:
            return _ROMAN[word]
    raise ValueError(_("expected a quarter or half as 2, II or Quý II (got {text!r})").format(text=text))
