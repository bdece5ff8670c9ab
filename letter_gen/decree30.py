"""Decree 30/2020/NĐ-CP (Phụ lục I) as data: every size, range, margin and share it sets.

One table, read by everyone: the template builder (:mod:`letter_gen.letters.build`, through
:mod:`letter_gen.letters.layout`) takes the sizes our template *chose* inside each range, the
checks (:mod:`letter_gen.checking.rules`, :mod:`letter_gen.checking.laid_out`) take the ranges
the decree *allows*, and the rules' prose (``RULES``, the README's rule table, the checks'
messages) is written from the same numbers. Each component carries the check's rule id.

The table describes a công văn first; the other document kinds (Phụ lục III: quyết định,
kế hoạch, giấy mời, thông báo, báo cáo) add their forms (``FORMS``), the components of their
title block and body (``TITLE``, ``TITLE_SUBJECT``, ``ISSUING_AUTHORITY``, ...) and their rules
(``KIND_RULES``).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Literal, get_args

__all__ = [
    "AGENCY_RULE",
    "AUTHORITIES",
    "BODY",
    "COMPONENTS",
    "FORMS",
    "KIND_RULES",
    "MARGINS",
    "MOTTO_RULE",
    "PAGE",
    "RULES",
    "TITLE_RULE",
    "URGENCIES",
    "Authority",
    "Component",
    "DocumentForm",
    "Range",
    "Urgency",
    "readme_rules_table",
]


@dataclass(frozen=True)
class Range:
    """A closed range the decree allows, in ``unit``: ``Range(13, 14)`` is "13–14 pt"."""

    low: float
    high: float
    unit: str = "pt"

    def holds(self, value: float, tolerance: float = 0.01) -> bool:
        """Whether ``value`` lies inside the range (``tolerance`` absorbs rounding of twips)."""
        return self.low - tolerance <= value <= self.high + tolerance

    def __str__(self) -> str:
        return self._shown("–")

    def in_words(self) -> str:
        """The range as a sentence says it: "1/3 to 1/2", "13 to 14 pt"."""
        return self._shown(" to ")

    def _shown(self, dash: str) -> str:
        if not self.unit:  # a share of a length: "1/3–1/2"
            low, high = (str(Fraction(v).limit_denominator(10)) for v in (self.low, self.high))
            return low if low == high else f"{low}{dash}{high}"
        if self.low == self.high:
            return f"{self.low:g} {self.unit}"
        return f"{self.low:g}{dash}{self.high:g} {self.unit}"


Align = Literal["left", "center", "right", "both"]


@dataclass(frozen=True)
class Component:
    """One component of the letter (thành phần thể thức): how the decree sets it, and the size
    the bundled template chose inside the range. ``id`` is the check's rule id."""

    id: str
    name: str  # Vietnamese name, with its ô in Phụ lục I
    size: Range
    chosen_pt: float  # what templates/follow-up.docx uses, inside ``size``
    bold: bool | None = None  # None: the decree leaves it open
    italic: bool | None = None
    upper: bool = False
    align: Align | None = None
    text: str | None = None  # the exact text, for the components the decree fixes

    def __post_init__(self) -> None:
        if not self.size.holds(self.chosen_pt, 0):
            raise ValueError(f"{self.id}: the chosen {self.chosen_pt:g} pt is outside {self.size}")


# --- the header (ô 1–5, 10b) ------------------------------------------------------------------

#: Quốc hiệu (ô 1).
NATIONAL_TITLE = Component(
    "national-title", "Quốc hiệu (ô 1)", Range(12, 13), 12, bold=True, upper=True, align="center",
    text="CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
)  # fmt: skip
#: Tiêu ngữ (ô 1).
MOTTO = Component(
    "motto", "Tiêu ngữ (ô 1)", Range(13, 14), 13, bold=True, align="center", text="Độc lập - Tự do - Hạnh phúc"
)
#: Parent agency, cơ quan chủ quản (ô 2).
PARENT_AGENCY = Component(
    "parent-agency", "tên cơ quan chủ quản (ô 2)", Range(12, 13), 13, bold=False, upper=True, align="center"
)
#: Issuing agency, cơ quan ban hành (ô 2).
AGENCY = Component("agency", "tên cơ quan ban hành (ô 2)", Range(12, 13), 13, bold=True, upper=True, align="center")
#: Số, ký hiệu (ô 3); centred under the agency (the check does not insist on it).
NUMBER = Component("number", "số, ký hiệu (ô 3)", Range(13, 13), 13, italic=False)
#: Địa danh, ngày tháng (ô 4).
DATE = Component("date", "địa danh, ngày tháng (ô 4)", Range(13, 14), 13, italic=True, align="center")
#: Trích yếu of a công văn, the V/v line (ô 5b).
SUBJECT = Component("subject", "trích yếu công văn (ô 5b)", Range(12, 13), 12, bold=False, italic=False, align="center")
#: Độ khẩn (ô 10b), in a single-border box under the Số line (not checked).
#: Title block of every kind but the công văn (ô 5a): the kind's name, then its trích yếu.
KIND_TITLE = Component("title", "tên loại văn bản (ô 5a)", Range(13, 14), 14, bold=True, upper=True, align="center")
SUMMARY = Component("title", "trích yếu nội dung (ô 5a)", Range(14, 14), 14, bold=True, align="center")
URGENCY = Component("urgency", "độ khẩn (ô 10b)", Range(13, 14), 13, bold=True, upper=True)
#: Space above the Số line, the urgency mark, the V/v line and the date line (pt).
HEADER_SPACE_BEFORE_PT = 6

# --- Kính gửi, body, closing (ô 6–9) ----------------------------------------------------------

#: Kính gửi (ô 9a).
KINH_GUI = Component("kinh-gui", "Kính gửi (ô 9a)", Range(13, 14), 14, italic=False)
#: The body, nội dung (ô 6).
BODY = Component("body-size", "nội dung (ô 6)", Range(13, 14), 14, italic=False, align="both")
#: First-line indents the decree allows for body paragraphs (mm): 1 cm or 1.27 cm.
BODY_FIRST_LINE_INDENTS_MM = (10.0, 12.7)
BODY_FIRST_LINE_INDENT_CHOSEN_MM = 12.7
BODY_INDENT_TOLERANCE_MM = 0.5
#: First-line indents accepted as measured: 1 cm to 1.27 cm, Word's rounding either side.
BODY_FIRST_LINE_INDENT_RANGE_MM = Range(9.5, 13.0, "mm")
#: At least this much space between body paragraphs (pt); the template uses exactly this.
BODY_PARAGRAPH_SPACING = Range(6, 6)
#: Line spacing of the body, in lines: single to 1.5; the template uses single.
BODY_LINE_SPACING = Range(1.0, 1.5, "lines")
BODY_LINE_SPACING_CHOSEN = 1.0
#: "Nơi nhận:" (ô 9b).
NOI_NHAN = Component("noi-nhan", "Nơi nhận (ô 9b)", Range(12, 12), 12, bold=True, italic=True, align="left")
#: The items under it.
NOI_NHAN_ITEMS = Component("noi-nhan-items", "các mục Nơi nhận (ô 9b)", Range(11, 11), 11, italic=False)
#: Authority prefix and titles of the signature block (ô 7a, 7b).
SIGNATURE_TITLE = Component("signature-title", "quyền hạn, chức vụ (ô 7a, 7b)", Range(13, 14), 14, bold=True, upper=True)
#: The signer's name (ô 7b).
SIGNER_NAME = Component("signer-name", "họ tên người ký (ô 7b)", Range(13, 14), 14, bold=True)
#: Page numbers, in the top margin from page 2 (ô 11).
PAGE_NUMBER = Component("page-number", "số trang (ô 11)", Range(13, 14), 13, italic=False, align="center")

# --- documents with a type title (Phụ lục III; Phụ lục I, II.5a; Mẫu 1.2–1.7) -----------------

#: Tên loại văn bản (ô 5a): QUYẾT ĐỊNH, KẾ HOẠCH, ...
TITLE = KIND_TITLE  # one title block in the table: the kinds' builders and every check read it
#: Its trích yếu, on the line(s) under it; no "V/v".
TITLE_SUBJECT = SUMMARY
#: A quyết định's issuing authority line (thẩm quyền ban hành): GIÁM ĐỐC SỞ ...
ISSUING_AUTHORITY = Component(
    "issuing-authority", "thẩm quyền ban hành (Mẫu 1.2)", Range(13, 14), 14, bold=True, upper=True, align="center"
)
#: "QUYẾT ĐỊNH:" before the articles.
DECIDES = Component("decides", "QUYẾT ĐỊNH: (Mẫu 1.2)", Range(13, 14), 14, bold=True, upper=True, align="center",
                    text="QUYẾT ĐỊNH:")  # fmt: skip
#: The legal bases (Căn cứ ...) and "Theo đề nghị của ...": italic, body size.
BASES = Component("bases", "căn cứ ban hành (Mẫu 1.2)", Range(13, 14), 14, italic=True, align="both")
#: The table of a plan's schedule or a report's summary (practice: one size smaller than the body).
TABLE_TEXT = Component("table-text", "bảng (lịch kiểm tra, tổng hợp)", Range(12, 14), 13)

COMPONENTS: dict[str, Component] = {
    c.id: c
    for c in (
        NATIONAL_TITLE, MOTTO, PARENT_AGENCY, AGENCY, NUMBER, DATE, SUBJECT, URGENCY, KINH_GUI, BODY,
        NOI_NHAN, NOI_NHAN_ITEMS, SIGNATURE_TITLE, SIGNER_NAME, PAGE_NUMBER,
        TITLE, TITLE_SUBJECT, ISSUING_AUTHORITY, DECIDES, BASES, TABLE_TEXT,
    )
}  # fmt: skip


@dataclass(frozen=True)
class DocumentForm:
    """A kind of document (tên loại văn bản, Phụ lục III) and the parts its form has."""

    name: str  # tên loại, as the register writes it: "Quyết định"
    abbreviation: str | None  # in the ký hiệu before the agency code ("QĐ"); None: a công văn
    title: str | None  # the title block's first line ("QUYẾT ĐỊNH"); None: a công văn (V/v)
    kinh_gui: bool  # Kính gửi: only công văn, tờ trình and báo cáo
    sample: str  # the decree's sample (Phụ lục III)


#: The forms letter_gen writes, by their Vietnamese name.
FORMS: dict[str, DocumentForm] = {
    "công văn": DocumentForm("Công văn", None, None, True, "Mẫu 1.5"),
    "quyết định": DocumentForm("Quyết định", "QĐ", "QUYẾT ĐỊNH", False, "Mẫu 1.2"),
    "kế hoạch": DocumentForm("Kế hoạch", "KH", "KẾ HOẠCH", False, "Mẫu 1.4"),
    "giấy mời": DocumentForm("Giấy mời", "GM", "GIẤY MỜI", False, "Mẫu 1.7"),
    "thông báo": DocumentForm("Thông báo", "TB", "THÔNG BÁO", False, "Mẫu 1.4"),
    "báo cáo": DocumentForm("Báo cáo", "BC", "BÁO CÁO", True, "Mẫu 1.4"),
}

# --- the page -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    """A4 portrait (mm)."""

    width_mm: float = 210.0
    height_mm: float = 297.0
    tolerance_mm: float = 1.0


PAGE = Page()

#: Margins the decree allows (mm), and the ones the template chose.
MARGINS: dict[str, Range] = {
    "top": Range(20, 25, "mm"),
    "bottom": Range(20, 25, "mm"),
    "left": Range(30, 35, "mm"),
    "right": Range(15, 20, "mm"),
}
MARGINS_CHOSEN_MM: dict[str, float] = {"top": 20.0, "bottom": 20.0, "left": 30.0, "right": 15.0}
MARGIN_TOLERANCE_MM = 0.1

# --- the rules (đường kẻ) ----------------------------------------------------------------------


@dataclass(frozen=True)
class RuleLength:
    """A rule under a header text, as a share of the text's longest line.

    ``tolerance`` is how far a rule found in the .docx may stray (measured by font metrics),
    ``pdf_tolerance`` on the laid-out page; ``chosen`` is the share the template draws."""

    share: Range
    chosen: float
    tolerance: float
    pdf_tolerance: float


#: Under the agency name: 1/3–1/2 of its longest line; the template draws 40%.
AGENCY_RULE = RuleLength(Range(1 / 3, 1 / 2, ""), 0.4, 0.05, 0.05)
#: Under the Tiêu ngữ: as long as its text.
MOTTO_RULE = RuleLength(Range(1, 1, ""), 1.0, 0.15, 0.10)
#: Under the trích yếu of the other kinds: 1/3–1/2 of its line.
TITLE_RULE = RuleLength(Range(1 / 3, 1 / 2, ""), 0.4, 0.05, 0.05)
#: A rule this far off its text's centre (mm) shows at reading distance; less is invisible
#: (findings print it rounded: "off centre by 3 mm").
RULE_CENTRE_TOLERANCE_MM = 2.5

# --- fixed values --------------------------------------------------------------------------------

#: Authority prefixes of the signature block (thẩm quyền ký, ô 7a).
Authority = Literal["KT", "TM", "TL", "TUQ", "Q"]
AUTHORITIES: tuple[Authority, ...] = get_args(Authority)

#: Urgency marks (độ khẩn, ô 10b).
Urgency = Literal["KHẨN", "THƯỢNG KHẨN", "HỎA TỐC"]
URGENCIES: tuple[Urgency, ...] = get_args(Urgency)

# --- the rules' prose ------------------------------------------------------------------------------


def _percent(value: float) -> str:
    return f"±{value:.0%}"


#: The body's first-line indents and line spacing as the rules' prose and messages say them.
BODY_FIRST_LINE_INDENTS_TEXT = " or ".join(f"{mm / 10:g} cm" for mm in BODY_FIRST_LINE_INDENTS_MM)
BODY_LINE_SPACING_TEXT = (
    f"{'single' if BODY_LINE_SPACING.low == 1 else f'{BODY_LINE_SPACING.low:g}'} to {BODY_LINE_SPACING.high:g} lines"
)


def _margins() -> str:
    m = MARGINS
    tb = f"top and bottom {m['top']}" if m["top"] == m["bottom"] else f"top {m['top']}, bottom {m['bottom']}"
    return f"{tb}, left {m['left']}, right {m['right']}"


def _authorities() -> str:
    return "/".join(f"{a}." for a in AUTHORITIES)


def _rules() -> dict[str, str]:
    """Every rule id of ``letter-gen check`` with what it checks, written from the table."""
    s = {c.id: c.size for c in COMPONENTS.values()}
    return {
        "page-size": f"A4 ({PAGE.width_mm:g} × {PAGE.height_mm:g} mm), portrait",
        "page-margins": _margins(),
        "font": "every run of text is Times New Roman, after resolving styles and theme fonts",
        "national-title": f"Quốc hiệu: exact text, capitals, bold, {s['national-title']}, centred",
        "motto": f"Tiêu ngữ: exact text (spaced hyphens), bold, {s['motto']}, centred",
        "motto-rule": f"a solid rule under the Tiêu ngữ, as long as its text {_percent(MOTTO_RULE.tolerance)}, centred",
        "agency": f"issuing agency: capitals, bold, {s['agency']}, centred",
        "parent-agency": f"parent agency: capitals, not bold, {s['parent-agency']}, centred",
        "agency-rule": f"a rule under the agency name, {AGENCY_RULE.share} of its longest line, centred",
        "number": f"`Số:`, {s['number']} upright, number padded below 10, `/`, ký hiệu without spaces;"
        " a draft's blank allowed",
        "date": f"italic {s['date']} centred; `ngày 05`, `tháng 3` (01–02 padded, 3–12 never); a real date;"
        " a draft's dots allowed",
        "kind": "a kind of document the decree lists (Phụ lục III), told by the title under the header or the"
        " ký hiệu (`QĐ-`, `KH-`, `BC-`…); an internal form (phiếu trình) is said once and only its page, fonts"
        " and header are checked",
        "subject": f"công văn: V/v line {s['subject']}, upright, not bold, centred",
        "title": f"other kinds: the kind's name (QUYẾT ĐỊNH, KẾ HOẠCH…) centred, capitals, bold, {KIND_TITLE.size};"
        f" the trích yếu under it centred, bold, {SUMMARY.size}",
        "title-rule": f"other kinds: a solid rule under the trích yếu, {TITLE_RULE.share} of its line, centred",
        "kinh-gui": f"công văn and tờ trình (báo cáo if it has one): {s['kinh-gui']} upright, a colon; several recipients as `- X;`, the last ending `.`;"
        " one recipient on the Kính gửi line",
        "body-size": f"body text {s['body-size']}",
        "body-align": "body paragraphs justified",
        "body-indent": f"body paragraphs start at the margin, first-line indent {BODY_FIRST_LINE_INDENTS_TEXT}",
        "body-spacing": f"≥ {BODY_PARAGRAPH_SPACING.low:g} pt between body paragraphs",
        "body-line-spacing": f"body line spacing {BODY_LINE_SPACING_TEXT}",
        "body-end": "the body ends with `./.`",
        "noi-nhan": f"`Nơi nhận:` {s['noi-nhan']} bold italic, flush left",
        "noi-nhan-items": f"items {s['noi-nhan-items']} upright, `- X;` each, `- Như trên;` first,"
        " `- Lưu: ….` last",
        "signature-title": f"capitals, bold, {s['signature-title']}; prefix {_authorities()}",
        "signer-name": f"bold, {s['signer-name']}, not all capitals, no TS./ThS./PGS./GS. before it",
        "page-number": f"a PAGE field in the header, centred, {s['page-number']}, none on page 1 (`titlePg`)",
        "pdf-one-line": "laid out: Quốc hiệu, Tiêu ngữ and the date line each on one line",
        "pdf-motto-rule": "laid out: the rule under the Tiêu ngữ as wide as its text"
        f" {_percent(MOTTO_RULE.pdf_tolerance)}, centred",
        "pdf-agency-rule": f"laid out: the rule under the agency name {AGENCY_RULE.share} of its width, centred",
        "pdf-page-number": "laid out: no number on page 1; pages 2+ show their number, centred, in the top margin;"
        " an appendix may number its pages anew (its first page bare, then 2, 3 …)",
        "pdf-signature-alone": "laid out: the signature block never stands alone on the last page: body lines stand above it",
        "pdf-margins": "laid out: no word closer to the paper's edge than the decree's narrowest margins"
        f" (left {MARGINS['left'].low:g}, right {MARGINS['right'].low:g}, top and bottom {MARGINS['top'].low:g} mm),"
        " every side crossed named; header and footer text left to page-number",
    }


#: Every rule id of ``letter-gen check`` with what it checks (docx level first, then the PDF).
RULES: dict[str, str] = _rules()


def _kind_rules() -> dict[str, str]:
    """The rules of the document kinds other than the công văn, written from the table."""
    s = {c.id: c.size for c in COMPONENTS.values()}
    titled = ", ".join(f"`{f.abbreviation}` {f.name.lower()}" for f in FORMS.values() if f.title)
    return {
        "kind-symbol": f"the ký hiệu begins with the kind's abbreviation ({titled}); a công văn has none",
        "title-block": "the kind's name exactly, alone on its line; the trích yếu under it, no `V/v`; a rule drawn"
        f" as a paragraph border {TITLE_RULE.share} of its line, centred (sizes and shapes: `title`, `title-rule`)",
        "kind-parts": "`Kính gửi` only in a công văn or báo cáo; `V/v` only in a công văn",
        "issuing-authority": f"quyết định: the issuing authority line, capitals, bold, {s['issuing-authority']},"
        " centred, under the title block",
        "can-cu": "quyết định: each `Căn cứ` line and `Theo đề nghị của …` (or `Xét đề nghị …`) italic, each ending `;`,"
        " the last `.`",
        "decides": f"quyết định: `QUYẾT ĐỊNH:` alone on its line, bold, {s['decides']}, centred, before `Điều 1.`",
        "dieu": "quyết định: articles `Điều 1.`, `Điều 2.` … in order, `Điều N.` in bold; Nơi nhận lists"
        " `- Như Điều N;` (first, or after the higher bodies)",
        "sections": "kế hoạch, thông báo, báo cáo: Roman-numbered sections `I.`, `II.` …, where used, in order, bold",
        "invitation-parts": "giấy mời: `… trân trọng kính mời:`, `Tới dự:`, `Thời gian:`, `Địa điểm:` lines",
    }


#: Rules of the kinds other than the công văn (``letter-gen check`` applies them to the kind it recognises).
KIND_RULES: dict[str, str] = _kind_rules()


def readme_rules_table() -> str:
    """The README's table of ``letter-gen check`` rules, as Markdown."""
    rows = ["| rule | what it checks |", "|---|---|"]
    rows += [f"| `{rule}` | {prose} |" for rule, prose in {**RULES, **KIND_RULES}.items()]
    return "\n".join(rows) + "\n"
