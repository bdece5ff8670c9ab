"""Check a công văn against Decree 30/2020/NĐ-CP (kiểm tra thể thức và kỹ thuật trình bày).

:func:`check_docx` reads any .docx, including letters typed in plain Word: it finds the
components by their text and position (the Quốc hiệu by its words, the Số line by
``Số:``, the date by ``, ngày ... tháng ... năm``, Nơi nhận and the signature in the
closing row), never by our template's style names. Formatting is resolved as Word does
(:mod:`letter_gen.checking.word_format`). Each broken rule gives one :class:`Finding` naming the
rule, the place and what the decree wants; ``RULES`` lists every rule id.

With ``pdf=True`` the letter is also laid out by LibreOffice and the PDF is checked:
lines that must not wrap, the two rules (đường kẻ) as drawn, page numbers and margins.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from letter_gen import decree30 as D
from letter_gen import ooxml, vn
from letter_gen.checking import kind_rules, kinds
from letter_gen.checking.findings import (
    Finding,
    align_name,
    findings_at,
    findings_of,
    format_as,
    format_problems,
    indents_text,
    is_underscores,
    length_mm,
    line_spacing_text,
    sections,
    share_words,
)
from letter_gen.checking.letter_parts import (
    AUTHORITY_LINE,
    Letter,
    Line,
    Para,
    analyse,
    at,
    first_line_mm,
    is_dash,
    open_docx,
    open_docx_bytes,
    paras_below,
    printed,
    pts,
)
from letter_gen.checking.word_format import (
    MC_NS,
    RunFormat,
    on_off,
    paragraph_runs,
    run_text,
    w,
    wattr,
)
from letter_gen.errors import InputError
from letter_gen.i18n import N_, _, local_number, ngettext
from letter_gen.metrics import MM_PER_PT, text_width_mm, wrapped_line_widths

__all__ = ["RULES", "Finding", "check_docx", "check_files", "check_layout"]

#: Every rule id with what it checks (docx level first, then the laid-out PDF), from the decree's table.
RULES: dict[str, str] = D.RULES

_TNR = "times new roman"
_ACADEMIC = re.compile(r"^(GS|PGS|TS|ThS|TSKH|KS|BS|CN|Ths)\.|^(Tiến sĩ|Thạc sĩ|Giáo sư|Phó giáo sư)\b", re.I)


# --- formatting checks shared by the components (checking/findings.py) -----------------------

_format, _format_as, _findings, _findings_at = format_problems, format_as, findings_of, findings_at


def _text_centre(line: Line) -> float | None:
    """Centre of a line's text from its column's left edge (mm), by font metrics."""
    fmt, first = line.para.fmt, line.first()
    if fmt.width_mm is None or fmt.text_width_mm is None or first is None:
        return None
    width = min(text_width_mm(line.shown, first.size_pt, first.face), fmt.text_width_mm)
    if fmt.alignment == "center":
        return fmt.centre_mm
    if fmt.alignment == "right":
        return fmt.width_mm - fmt.right_mm - width / 2
    indent = fmt.first_line_mm if line is line.para.lines[0] else 0.0
    return fmt.left_mm + indent + width / 2


def _line_width(line: Line) -> float:
    """Width of the longest line a text wraps into in its column (mm)."""
    first = line.first()
    if first is None:
        return 0.0
    column = line.para.fmt.text_width_mm or 1000.0
    return max(wrapped_line_widths(line.shown, column, first.size_pt, first.face))


# --- rules (đường kẻ) under the Tiêu ngữ and the agency name ---------------------------------

WP_NS, V_NS = ooxml.WP, ooxml.V
_EMU_PER_MM = 36000
_VML_MM = {"pt": 25.4 / 72, "in": 25.4, "cm": 10.0, "mm": 1.0, "px": 25.4 / 96, "": 25.4 / 96}


@dataclass(frozen=True)
class _Rule:
    how: str
    length_mm: float | None
    centre_mm: float | None
    solid: bool = True
    drop_mm: float | None = None  # a shape's offset down from the top of its paragraph


_underscores = is_underscores


def _border_rule(para: Para, side: str) -> _Rule | None:
    border = para.fmt.bottom_border if side == "bottom" else para.fmt.top_border
    if border is None:
        return None
    solid = border.style in ("single", "thick")
    return _Rule(N_("bottom border") if side == "bottom" else N_("top border"), para.fmt.text_width_mm, para.fmt.centre_mm, solid)


def _in_fallback(element: Any) -> bool:
    parent = element.getparent()
    while parent is not None:
        if parent.tag == f"{{{MC_NS}}}Fallback":
            return True
        parent = parent.getparent()
    return False


def _shape_rules(para: Para) -> list[_Rule]:
    """Horizontal line shapes drawn in a paragraph (Insert > Shapes > Line)."""
    if _shape_rules in para.passed:
        return []  # none in it before: a paragraph never changes
    found: list[_Rule] = []
    fmt = para.fmt
    for el in para.el.iter(f"{{{WP_NS}}}anchor", f"{{{WP_NS}}}inline"):
        if _in_fallback(el):
            continue
        extent = el.find(f"{{{WP_NS}}}extent")
        cx, cy = (int(extent.get(k, "0")) for k in ("cx", "cy")) if extent is not None else (0, 0)
        geometry = el.find(f".//{{{ooxml.A}}}prstGeom")
        is_line = geometry is not None and geometry.get("prst") in ("line", "straightConnector1")
        if not is_line or cx <= 0 or cy > _EMU_PER_MM:
            continue
        length = cx / _EMU_PER_MM
        centre = None
        position = el.find(f"{{{WP_NS}}}positionH")
        if el.tag.endswith("inline"):
            centre = fmt.centre_mm if fmt.alignment == "center" else None
        elif position is not None and position.get("relativeFrom") == "column" and fmt.width_mm is not None:
            align, offset = position.findtext(f"{{{WP_NS}}}align"), position.findtext(f"{{{WP_NS}}}posOffset")
            if align == "center":
                centre = fmt.width_mm / 2
            elif offset is not None:
                centre = int(offset) / _EMU_PER_MM + length / 2
        dash = el.find(f".//{{{ooxml.A}}}prstDash")
        vertical = el.find(f"{{{WP_NS}}}positionV")
        drop = vertical.findtext(f"{{{WP_NS}}}posOffset") if vertical is not None else None
        drop_mm = int(drop) / _EMU_PER_MM if drop and vertical.get("relativeFrom") in ("paragraph", "line") else None
        found.append(_Rule(N_("line shape"), length, centre, dash is None or dash.get("val") == "solid", drop_mm))
    for el in para.el.iter(f"{{{V_NS}}}line"):
        if _in_fallback(el):
            continue
        start, end = (_vml_point(el.get(k, "0,0")) for k in ("from", "to"))
        if start is not None and end is not None and abs(start[1] - end[1]) < 1:
            found.append(_Rule(N_("line shape"), abs(end[0] - start[0]), None, drop_mm=min(start[1], end[1])))
    for el in para.el.iter(f"{{{V_NS}}}shape"):  # a VML connector (type _x0000_t32): width, no height
        if _in_fallback(el) or not (el.get("type") or "").endswith("_t32"):
            continue
        style = dict(
            (k.strip(), v.strip()) for k, _, v in (part.partition(":") for part in (el.get("style") or "").split(";"))
        )
        width, height = _vml_length(style.get("width", "")), _vml_length(style.get("height", "0"))
        if width is not None and height is not None and height < 1:
            left = _vml_length(style.get("margin-left", ""))
            relative = style.get("mso-position-horizontal-relative", "text") in ("text", "column")
            centre = left + width / 2 if left is not None and relative else None
            found.append(_Rule(N_("line shape"), width, centre, drop_mm=_vml_length(style.get("margin-top", "0"))))
    if not found:
        para.passed.add(_shape_rules)
    return found


def _vml_length(value: str) -> float | None:
    m = re.fullmatch(r"\s*(-?[\d.]+)\s*([a-z]*)\s*", value)
    if not m or m.group(2) not in _VML_MM or m.group(1) in ("", "-", "."):
        return None
    return float(m.group(1)) * _VML_MM[m.group(2)]


def _vml_point(value: str) -> tuple[float, float] | None:
    coords = []
    for part in value.split(",")[:2]:
        m = re.fullmatch(r"\s*(-?[\d.]+)\s*([a-z]*)\s*", part)
        if not m or m.group(2) not in _VML_MM:
            return None
        coords.append(float(m.group(1)) * _VML_MM[m.group(2)])
    return (coords[0], coords[1]) if len(coords) == 2 else None


def _underscore_rule(line: Line) -> _Rule:
    first = line.first()
    length = text_width_mm(line.text, first.size_pt, first.face) if first else None
    return _Rule(N_("typed underscores"), length, _text_centre(line))


def _rule_under(letter: Letter, line: Line) -> _Rule | None:
    """The rule drawn under ``line``: its paragraph's bottom border, an underline, a line
    of underscores, a line shape, or a border of the empty paragraph after it."""
    para = line.para
    later = [x for x in para.lines[para.lines.index(line) + 1 :] if x.text]
    if later and _underscores(later[0].text):
        return _underscore_rule(later[0])
    if not later and para.fmt.bottom_border is not None:
        return _border_rule(para, "bottom")
    formats = line.formats()
    if formats and all(f.underline for f in formats):
        first = formats[0]
        width = text_width_mm(line.shown, first.size_pt, first.face)
        return _Rule(N_("underline"), width, _text_centre(line))
    shapes = _shape_rules(para)
    if shapes:
        return shapes[0]
    for after in paras_below(letter, para):
        if after.text and not _underscores(after.text):
            # a shape anchored at the very top of the next line of text is drawn under ours
            return next((r for r in _shape_rules(after) if r.drop_mm is not None and r.drop_mm < 2), None)
        if after.text:
            return _underscore_rule(after.lines[0])
        found = _border_rule(after, "top") or _border_rule(after, "bottom") or next(iter(_shape_rules(after)), None)
        if found is not None:
            return found
    return None


# --- the header (ô 1–5) ---------------------------------------------------------------------


def _check_header(letter: Letter) -> Iterator[Finding]:
    """The header's findings; none, without a look, when the very lines and paragraphs it reads
    passed before (letters the verifier proves share them): the header's lines, the kind, and
    the paragraphs under the lines a rule is drawn under (nothing changes them once read)."""
    if not letter.national:
        yield from _header_findings(letter)
        return
    under = [*letter.motto[-1:], *letter.agency[-1:], *letter.summary[-1:]]
    reads = (
        _check_header, letter.kind, *letter.national, None, *letter.motto, None, *letter.parent, None, *letter.agency,
        None, letter.number, letter.date, *letter.subject, None, *letter.kind_title, None, *letter.summary,
        *(tuple(paras_below(letter, line.para)) for line in under),
    )  # fmt: skip
    passed = letter.national[0].passed
    if reads in passed:
        return
    found = False
    for finding in _header_findings(letter):
        found = True
        yield finding
    if not found:
        passed.add(reads)


def _header_findings(letter: Letter) -> Iterator[Finding]:
    yield from _check_fixed(letter.national, D.NATIONAL_TITLE, N_("Quốc hiệu"), vn.NATIONAL_TITLE)
    yield from _check_fixed(letter.motto, D.MOTTO, N_("Tiêu ngữ"), vn.MOTTO)
    if letter.motto:
        line = letter.motto[-1]
        first = line.first()
        want = text_width_mm(line.shown, first.size_pt, first.face) if first else None
        low, high = (share * want if want is not None else None for share in (D.MOTTO_RULE.share.low, D.MOTTO_RULE.share.high))
        yield from _check_rule(letter, line, "motto-rule", N_("Rule under the Tiêu ngữ"), low, high, D.MOTTO_RULE.tolerance,
                               lambda: _("as long as the Tiêu ngữ"))  # fmt: skip
    for line in letter.parent:
        yield from _findings_at("parent-agency", N_("Parent agency"), line.shown, _format_as(line, D.PARENT_AGENCY))
    if not letter.agency:
        yield Finding("agency", _("Agency name"), _("not found; it goes in the left header column, in bold capitals"))
    else:
        for line in letter.agency:
            yield from _findings_at("agency", N_("Agency name"), line.shown, _format_as(line, D.AGENCY))
        longest = max(_line_width(line) for line in letter.agency)
        yield from _check_rule(letter, letter.agency[-1], "agency-rule", N_("Rule under the agency name"),
                               D.AGENCY_RULE.share.low * longest, D.AGENCY_RULE.share.high * longest,
                               D.AGENCY_RULE.tolerance,
                               lambda: _("{share} as long as the agency name").format(share=share_words(D.AGENCY_RULE.share)))  # fmt: skip
    if not letter.kind.decree:  # an internal form: its Số and date follow no decree pattern
        if letter.number is not None:
            yield from _findings_at("number", N_("Số line"), letter.number.text, _format_as(letter.number, D.NUMBER))
        return
    yield from _check_number(letter.number)
    yield from _check_date(letter.date)
    if letter.kind.has_title_block:
        yield from _check_title_block(letter)
        return
    if not letter.subject:
        yield Finding("subject", _("V/v line"), _('not found: state the công văn\'s subject under the Số line, "V/v ..."'))
    for line in letter.subject:
        yield from _findings_at("subject", N_("V/v line"), line.text, _format_as(line, D.SUBJECT))


def _check_title_block(letter: Letter) -> Iterator[Finding]:
    """Tên loại and trích yếu (ô 5a) of every kind but the công văn, and the rule under them."""
    name = letter.kind.title
    if not letter.kind_title:
        yield Finding("title", _("Title"), _('not found: put "{name}" centred under the header, then the trích yếu').format(name=name))
        return
    for line in letter.kind_title:
        yield from _findings_at("title", N_("Title"), line.shown, _format_as(line, D.KIND_TITLE))
    if not letter.summary:
        yield Finding("title", _("Trích yếu"), _('not found: state what the {kind} is about under "{name}"').format(kind=name.lower(), name=name))
        return
    for line in letter.summary:
        yield from _findings_at("title", N_("Trích yếu"), line.text, _format_as(line, D.SUMMARY))
    # "1/3 to 1/2 of the line": the line it is drawn under (the last) or the longest one. A
    # rule is flagged only when it fits neither reading.
    last = letter.summary[-1]
    first = last.first()
    column = last.para.fmt.text_width_mm or 1000.0
    width = wrapped_line_widths(last.shown, column, first.size_pt, first.face)[-1] if first else 0.0
    longest = max(_line_width(line) for line in letter.summary)
    share = D.TITLE_RULE.share
    yield from _check_rule(letter, last, "title-rule", N_("Rule under the trích yếu"), share.low * min(width, longest),
                           share.high * longest, D.TITLE_RULE.tolerance,
                           lambda: _("{share} as long as the trích yếu's line").format(share=share_words(share)))  # fmt: skip


def _check_fixed(lines: list[Line], component: D.Component, label: str, text: str) -> Iterator[Finding]:
    """The Quốc hiệu or the Tiêu ngữ: exact text on one line, bold, centred (``label``: a msgid)."""
    if not lines:
        yield Finding(component.id, _(label), _('not found; the header must show "{text}"').format(text=text))
        return
    passed = (_check_fixed, component, text, *lines)
    if passed in lines[0].passed:
        return  # these very lines passed before: lines never change
    shown = " ".join(line.shown for line in lines)
    problems: list[str] = []
    if len(lines) > 1:
        problems.append(_("split over {n} lines; it must be one line").format(n=len(lines)))
    if " ".join(shown.split()) != text:
        problems.append(_('must read exactly "{text}"').format(text=text))
    for line in lines:
        problems += _format_as(line, component)
    if not problems:
        lines[0].passed.add(passed)
    yield from _findings_at(component.id, label, shown, problems)


def _check_rule(
    letter: Letter, line: Line, rule_id: str, label: str, low: float | None, high: float | None,
    tolerance: float, wanted: Callable[[], str],
) -> Iterator[Finding]:  # fmt: skip
    """The rule (đường kẻ) under ``line``; ``label`` (a msgid) and ``wanted`` are made into
    words only for a finding."""
    rule = _rule_under(letter, line)
    if rule is None:
        yield Finding(rule_id, _(label), _("missing: draw a solid line under it, {wanted}, centred").format(wanted=wanted()))
        return
    if not rule.solid:
        yield Finding(rule_id, _(label), _("the {how} is not a single solid line").format(how=_(rule.how)))
    if rule.length_mm is not None and low is not None and high is not None:
        if not low * (1 - tolerance) <= rule.length_mm <= high * (1 + tolerance):
            target = f"{low:.0f} mm" if abs(high - low) < 0.5 else f"{low:.0f}–{high:.0f} mm"
            yield Finding(rule_id, _(label), _("{length} mm long ({how}); it must be {wanted}: {target}").format(
                length=f"{rule.length_mm:.0f}", how=_(rule.how), wanted=wanted(), target=target))
    centre = _text_centre(line)
    if rule.centre_mm is not None and centre is not None and abs(rule.centre_mm - centre) >= D.RULE_CENTRE_TOLERANCE_MM:
        yield Finding(rule_id, _(label), _("off centre by {mm} mm: centre it under the text").format(mm=f"{abs(rule.centre_mm - centre):.0f}"))


def _check_number(line: Line | None) -> Iterator[Finding]:
    if line is None:
        yield Finding("number", _("Số line"), _('not found; a công văn shows "Số: 05/SKHCN-TTr" under the agency name'))
        return
    problems: list[str] = []
    parsed = vn.parse_number_line(line.text)
    if parsed and not parsed.colon:
        problems.append(_('"Số" must be followed by a colon: "Số: 05/..."'))
    if parsed is None or not parsed.slash:
        problems.append(_('a "/" goes between the number and the ký hiệu'))
    else:
        number, symbol = parsed.number_text, parsed.symbol_text
        digits = number.strip()
        if not parsed.blank:  # a draft leaves the number blank: "Số:   /SKHCN-TTr"
            if not digits.isdigit() or int(digits) < 1:
                problems.append(_('"{digits}" is not a letter number').format(digits=digits))
            else:
                if number != number.rstrip():
                    problems.append(_('no space between the number and "/"'))
                if int(digits) > vn.MAX_LETTER_NUMBER:
                    problems.append(_("số {digits} is past {most}, more than a year's sequence holds: check the number").format(
                        digits=digits, most=f"{vn.MAX_LETTER_NUMBER:,}"))
                elif int(digits) < 10 and len(digits) == 1:
                    problems.append(_("numbers below 10 need a leading 0"))
                elif digits != vn.format_number(int(digits)):
                    problems.append(_('write the number as "{number}"').format(number=vn.format_number(int(digits))))
        if not symbol.strip():
            problems.append(_('a ký hiệu goes after "/", e.g. "SKHCN-TTr"'))
        elif re.search(r"\s", symbol.strip()) or symbol != symbol.lstrip():
            problems.append(_("no spaces inside the ký hiệu"))
    problems += _format_as(line, D.NUMBER)
    yield from _findings_at("number", N_("Số line"), line.text, problems)


def _check_date(line: Line | None) -> Iterator[Finding]:
    if line is None:
        yield Finding("date", _("Date line"), _('not found; it reads like "Bà Rịa - Vũng Tàu, ngày 05 tháng 3 năm 2021"'))
        return
    problems: list[str] = []
    phrase = vn.parse_date_phrase(line.text)
    if phrase is None or not phrase.readable:
        problems.append(_('write the date as "ngày 05 tháng 3 năm 2021"'))
    else:
        if not phrase.place:
            problems.append(_("the place name (địa danh) goes before the date"))
        elif not phrase.comma:
            problems.append(_('a comma goes between the place name and "ngày"'))
        d, mo, year = phrase.day_text, phrase.month_text, phrase.year
        if d.isdigit() and d != f"{int(d):02d}":
            problems.append(_('write "ngày {day}": days 1–9 get a leading 0').format(day=f"{int(d):02d}"))
        if mo.isdigit():
            month = int(mo)
            want = f"{month:02d}" if month <= 2 else str(month)
            if mo != want:
                if month <= 2:
                    problems.append(_('write "tháng {month}": months 1–2 get a leading 0').format(month=want))
                else:
                    problems.append(_('write "tháng {month}": months 3–12 never get a leading 0').format(month=want))
        if d.isdigit() and mo.isdigit():
            try:
                dt.date(year, int(mo), int(d))
            except ValueError:
                problems.append(_("{date} is not a real date").format(date=f"{int(d)}/{int(mo)}/{year}"))
        elif d.isdigit():
            problems.append(_("a day without a month: fill both in, or leave both blank in a draft"))
    problems += _format_as(line, D.DATE)
    yield from _findings_at("date", N_("Date line"), line.text, problems)


# --- Kính gửi, body, Nơi nhận, signature ------------------------------------------------------


def _check_kinh_gui(letter: Letter) -> Iterator[Finding]:
    line = letter.kinh_gui
    if line is None:
        if letter.kind.kinh_gui == "required":
            kind = "công văn" if letter.kind is kinds.CONG_VAN else letter.kind.title.lower()
            yield Finding("kinh-gui", _("Kính gửi"), _('not found: name the {kind}\'s recipients, "Kính gửi: ..."').format(kind=kind))
        return
    problems = _format_as(line, D.KINH_GUI)
    if not re.match(r"^Kính gửi\s*:", line.text):
        problems.append(_('write "Kính gửi:" with a colon'))
    yield from _findings_at("kinh-gui", N_("Kính gửi"), line.text, problems)
    recipients = letter.recipients
    if len(recipients) == 1:
        yield Finding("kinh-gui", at(_("Kính gửi recipient"), recipients[0].text),
                      _('one recipient goes on the Kính gửi line: "Kính gửi: {recipient}"').format(
                          recipient=recipients[0].text.lstrip("-– ")),
                      )  # fmt: skip
        return
    for i, item in enumerate(recipients):
        problems = _format_as(item, D.KINH_GUI)
        if not is_dash(item):
            problems.append(_('with several recipients each line starts with "- "'))
        end = "." if i == len(recipients) - 1 else ";"
        if not item.text.endswith(end):
            problems.append(_('the last recipient ends with "."') if end == "." else _('each recipient but the last ends with ";"'))
        yield from _findings_at("kinh-gui", N_("Kính gửi recipient"), item.text, problems)


def _grouped(rule: str, problems: list[tuple[int, str, str]]) -> Iterator[Finding]:
    """Body findings; a problem shared by more than three paragraphs is reported once."""
    by_message: dict[str, list[tuple[int, str]]] = {}
    for number, text, message in problems:
        by_message.setdefault(message, []).append((number, text))
    for message, places in by_message.items():
        if len(places) <= 3:
            for number, text in places:
                yield Finding(rule, at(_("Body paragraph {number}").format(number=number), text), message)
        else:
            numbers = ", ".join(str(place[0]) for place in places[:3])
            yield Finding(rule, _("Body paragraphs {numbers} and {more} more").format(numbers=numbers, more=len(places) - 3), message)


#: A one-line paragraph moved in by up to this much (left + first-line indent, mm) looks like
#: any body paragraph's indented first line: there is no second line to show the left indent.
_ONE_LINE_INDENT_MAX_MM = 20.0


def _one_line_indented_like_first_line(para: Para) -> bool:
    """A one-line heading ("c) Tiến độ …") indented from the left instead of on its first line."""
    fmt, first = para.fmt, para.lines[0].first() if para.lines else None
    if first is None or fmt.width_mm is None or len(para.lines) != 1 or "\n" in para.lines[0].shown:
        return False
    start = fmt.left_mm + fmt.first_line_mm
    if fmt.left_mm < 0 or start < 0 or start > _ONE_LINE_INDENT_MAX_MM:
        return False
    column = fmt.width_mm - start - fmt.right_mm
    return text_width_mm(para.lines[0].shown, first.size_pt, first.face) <= column


def _body_paragraph_problems(letter: Letter, para: Para) -> list[tuple[str, str]]:
    """(rule, message) for what a body paragraph breaks by itself: size, alignment, indent, line
    spacing (its spacing from the paragraph before is the caller's)."""
    fmt = para.fmt
    problems: list[tuple[str, str]] = []
    for line in para.lines:
        for message in _format(line, size=D.BODY.size):
            problems.append(("body-size", message))
    if fmt.alignment != D.BODY.align:
        problems.append(("body-align", _("{found}; body paragraphs are justified").format(found=align_name(fmt.alignment))))
    one_line = abs(fmt.left_mm) > 0.5 and _one_line_indented_like_first_line(para)
    if abs(fmt.left_mm) > 0.5 and not one_line:
        problems.append(("body-indent", _("indented {mm} mm from the margin; body paragraphs start at the margin").format(mm=local_number(fmt.left_mm, ".1f"))))
    elif not D.BODY_FIRST_LINE_INDENT_RANGE_MM.holds(
        indent := first_line_mm(letter, para) + (fmt.left_mm if one_line else 0.0)
    ):
        problems.append(("body-indent", _("first-line indent {mm} mm: indent the first line {wanted}").format(mm=local_number(indent, ".1f"), wanted=indents_text())))
    spacing = fmt.line_spacing
    size = max((f.size_pt for line in para.lines for f in line.formats()), default=14.0)
    single = 1.15 * size  # Times New Roman's single line is about 1.15 em
    lines = spacing.value if spacing.rule == "auto" else spacing.value / single
    if spacing.rule == "atLeast":
        lines = max(1.0, lines)
    if not D.BODY_LINE_SPACING.holds(lines, 0.05) or (spacing.rule == "auto" and lines < 0.99):
        if spacing.rule == "auto":
            shown = _("{value} lines").format(value=local_number(spacing.value))
        elif spacing.rule == "atLeast":
            shown = _("at least {value} pt").format(value=local_number(spacing.value))
        else:
            shown = _("exactly {value} pt").format(value=local_number(spacing.value))
        problems.append(("body-line-spacing", _("line spacing {found}; the decree wants {wanted}").format(found=shown, wanted=line_spacing_text())))
    return problems


#: The rules a body paragraph is checked against alone (all but its spacing from the one before).
_ALONE = "body paragraph"


def _check_body(letter: Letter) -> Iterator[Finding]:
    body = letter.body
    if not body:
        yield Finding("body-end", _("Body"), _("no body paragraphs found between Kính gửi and Nơi nhận"))
        return
    found: dict[str, list[tuple[int, str, str]]] = {}
    previous: Para | None = None
    for number, para in enumerate(body, start=1):
        fmt, text = para.fmt, para.text
        if _ALONE not in para.passed:  # what it passed before, in an earlier letter: passed again
            problems = _body_paragraph_problems(letter, para)
            for rule, message in problems:
                found.setdefault(rule, []).append((number, text, message))
            if not problems:
                para.passed.add(_ALONE)
        if previous is not None:
            between = letter.paras[previous.index + 1 : para.index]
            gap = previous.fmt.space_after_pt + fmt.space_before_pt
            if fmt.contextual_spacing and previous.fmt.contextual_spacing and fmt.style_id == previous.fmt.style_id:
                gap = 0.0  # Word drops spacing between paragraphs of one style with this option
            if not between and gap < D.BODY_PARAGRAPH_SPACING.low - 0.01:
                found.setdefault("body-spacing", []).append((number, text, _(
                    "{gap} pt above it (space after the paragraph before + before this one);"
                    " the decree wants at least {low} pt").format(gap=local_number(gap), low=local_number(D.BODY_PARAGRAPH_SPACING.low))))
        previous = para
    for rule in ("body-size", "body-align", "body-indent", "body-spacing", "body-line-spacing"):
        yield from _grouped(rule, found.get(rule, []))
    last = body[-1].text
    if not last.rstrip().endswith("./."):
        yield Finding("body-end", at(_("Last body paragraph"), last[-60:]), _('the body ends with "./."'))


#: "Như trên;", also with a note on why they get it: "Như trên (Báo cáo);".
_NHU_TREN = re.compile(r"Như trên(?: ?\([^()]*\))?;")


def _without_side_note(text: str) -> str:
    """An item without a side note set off after it by a run of spaces or a tab, as in
    "- Cổng thông tin điện tử Chính phủ;      Để đăng dự thảo" (a second column of notes)."""
    return re.sub(r"([;.,])(?: {2,}|\t)\s*\S.*$", r"\1", text)


def _check_noi_nhan(letter: Letter) -> Iterator[Finding]:
    label = letter.noi_nhan
    if label is None:
        yield Finding(
            "noi-nhan", _("Nơi nhận"), _('not found; the letter ends with "Nơi nhận:" and its list, left of the signature')
        )
        return
    problems = _format(label, size=D.NOI_NHAN.size, bold=D.NOI_NHAN.bold, italic=D.NOI_NHAN.italic)
    if label.text != "Nơi nhận:":
        problems.append(_('write exactly "Nơi nhận:"'))
    if (
        label.para.fmt.alignment not in ("left", "both")
        or abs(label.para.fmt.left_mm + label.para.fmt.first_line_mm) > 1
    ):
        problems.append(_("it must be flush left"))
    yield from _findings_at("noi-nhan", N_("Nơi nhận"), label.text, problems)
    items = letter.items
    if not items:
        yield Finding(
            "noi-nhan-items", _("Nơi nhận"), _('no items; list each recipient as "- X;" and end with "- Lưu: VT, ...."')
        )
        return
    for i, item in enumerate(items):
        last = i == len(items) - 1
        if (_check_noi_nhan, last) in item.passed:
            continue  # the same line passed in the same place before
        problems = _format_as(item, D.NOI_NHAN_ITEMS)
        if not is_dash(item):
            problems.append(_('each item starts with "- "'))
        if not _without_side_note(item.text).endswith("." if last else ";"):
            problems.append(_('the last item ends with "."') if last else _('each item but the last ends with ";"'))
        if not problems:
            item.passed.add((_check_noi_nhan, last))
        yield from _findings_at("noi-nhan-items", N_("Nơi nhận item"), item.text, problems)
    # "Như trên" points back to Kính gửi, in the kinds that have one (a Kính gửi elsewhere is kind-parts' finding).
    first = " ".join(items[0].text.lstrip("-– ").split())
    if letter.kinh_gui is not None and letter.kind.kinh_gui != "none" and not _NHU_TREN.fullmatch(first):
        yield Finding("noi-nhan-items", at(_("Nơi nhận item"), items[0].text),
                      _('the first item of a công văn is "- Như trên;" (the Kính gửi recipients)'))  # fmt: skip
    if not items[-1].text.lstrip("-– ").startswith("Lưu"):
        yield Finding("noi-nhan-items", at(_("Nơi nhận item"), items[-1].text),
                      _('the last item is the archive copy: "- Lưu: VT, <unit>."'))  # fmt: skip


def _check_signature(letter: Letter) -> Iterator[Finding]:
    if not letter.titles:
        yield Finding(
            "signature-title", _("Signature"), _("no signature block found (title in capitals, then the signer's name)")
        )
    for i, line in enumerate(letter.titles):
        problems = _format_as(line, D.SIGNATURE_TITLE)
        prefix = AUTHORITY_LINE.match(line.text) if i == 0 else None
        if prefix and (prefix.group(2) == "." or prefix.group(1) in vn.AUTHORITIES):
            name = prefix.group(1).replace(".", "")
            if prefix.group(1) not in vn.AUTHORITIES or prefix.group(2) != ".":
                wanted = name if name in vn.AUTHORITIES else "KT, TM, TL, TUQ or Q"
                problems.append(_('the authority prefix is written "{wanted}." (one of KT., TM., TL., TUQ., Q.)').format(wanted=wanted))
            elif name != "Q" and len(letter.titles) == 1:
                problems.append(_("{prefix}. is followed by the signer's own title on the next line (e.g. PHÓ GIÁM ĐỐC)").format(prefix=name))
        yield from _findings_at("signature-title", N_("Signature title"), line.shown, problems)
    signer = letter.signer
    if signer is None:
        if letter.titles:
            yield Finding("signer-name", _("Signer name"), _("not found; the signer's name goes under the title"))
        return
    problems = _format_as(signer, D.SIGNER_NAME)
    if signer.shown == vn.upper(signer.shown):
        problems.append(_("in capitals; the name is written in normal case (Trần Duy Tâm Thanh)"))
    if _ACADEMIC.match(signer.text):
        problems.append(_("no academic title (TS., ThS., PGS., GS.) before the signer's name"))
    yield from _findings_at("signer-name", N_("Signer name"), signer.text, problems)


# --- page, fonts, page numbers -----------------------------------------------------------------

_PAPERS = {(215.9, 279.4): "Letter", (215.9, 355.6): "Legal", (297.0, 210.0): N_("A4 landscape"), (148.0, 210.0): "A5"}


_sections, _mm = sections, length_mm


def _check_page(letter: Letter) -> Iterator[Finding]:
    sections = _sections(letter)
    for n, sect in enumerate(sections, start=1):
        label = _("Page") if len(sections) == 1 else _("Section {n}").format(n=n)
        size, margins = sect.find(w("pgSz")), sect.find(w("pgMar"))
        width, height = _mm(size, "w"), _mm(size, "h")
        landscape_a4 = abs(width - D.PAGE.height_mm) <= D.PAGE.tolerance_mm and abs(height - D.PAGE.width_mm) <= D.PAGE.tolerance_mm
        if n > 1 and landscape_a4:
            pass  # a later section turned landscape for a wide table: allowed
        elif abs(width - D.PAGE.width_mm) > D.PAGE.tolerance_mm or abs(height - D.PAGE.height_mm) > D.PAGE.tolerance_mm:
            name = next(
                (f" ({_(v)})" for (pw, ph), v in _PAPERS.items() if abs(pw - width) < 1 and abs(ph - height) < 1), ""
            )
            yield Finding(
                "page-size",
                label,
                _("{found}; the decree wants A4, {wanted}, portrait").format(
                    found=f"{local_number(width, '.1f')} × {local_number(height, '.1f')} mm{name}",
                    wanted=f"{local_number(D.PAGE.width_mm)} × {local_number(D.PAGE.height_mm)} mm"),
            )
        for side, allowed in D.MARGINS.items():
            value = _mm(margins, side) + (_mm(margins, "gutter") if side == "left" else 0.0)
            if not allowed.holds(value, D.MARGIN_TOLERANCE_MM):
                yield Finding(
                    "page-margins",
                    _("Page margins") if len(sections) == 1 else _("Section {n} margins").format(n=n),
                    _(_MARGIN_NAMES[side]).format(mm=local_number(value, ".1f"), wanted=allowed),
                )


_MARGIN_NAMES = {
    "top": N_("top margin {mm} mm; the decree wants {wanted}"),
    "bottom": N_("bottom margin {mm} mm; the decree wants {wanted}"),
    "left": N_("left margin {mm} mm; the decree wants {wanted}"),
    "right": N_("right margin {mm} mm; the decree wants {wanted}"),
}


def _story_parts(letter: Letter, sect: Any, kind: str) -> dict[str, Any]:
    """Header (or footer) roots of a section by type: default, first, even."""
    parts: dict[str, Any] = {}
    for ref in sect.findall(w(f"{kind}Reference")):
        rid = ref.get(f"{{{ooxml.R}}}id")
        part = letter.document.part.related_parts.get(rid)
        if part is not None:
            parts[wattr(ref, "type") or "default"] = part.element
    return parts


def _page_fields(root: Any) -> list[tuple[Any, str, list[Any]]]:
    """PAGE fields in a header or footer: (paragraph, field code, runs showing the number)."""
    fields: list[tuple[Any, str, list[Any]]] = []
    for p in root.iter(w("p")):
        if _in_fallback(p):
            continue
        stack: list[dict[str, Any]] = []
        for r in paragraph_runs(p):
            for child in r:
                if child.tag == w("fldChar"):
                    kind = wattr(child, "fldCharType")
                    if kind == "begin":
                        stack.append({"code": "", "runs": [], "result": False, "first": r})
                    elif kind == "separate" and stack:
                        stack[-1]["result"] = True
                    elif kind == "end" and stack:
                        done = stack.pop()
                        fields.append((p, done["code"], done["runs"] or [done["first"]]))
                elif child.tag == w("instrText") and stack and not stack[-1]["result"]:
                    stack[-1]["code"] += child.text or ""
            if stack and stack[-1]["result"] and run_text(r).strip():
                stack[-1]["runs"].append(r)
        for simple in p.iter(w("fldSimple")):
            fields.append((p, wattr(simple, "instr") or "", list(simple.iter(w("r"))) or [simple]))
    return [f for f in fields if re.match(r"\s*PAGE\b", f[1], re.I)]


def _check_page_numbers(letter: Letter) -> Iterator[Finding]:
    sections = _sections(letter)
    if not sections:
        return
    sect = sections[0]
    headers, footers = _story_parts(letter, sect, "header"), _story_parts(letter, sect, "footer")
    fields = {kind: _page_fields(root) for kind, root in headers.items()}
    title_page = bool(on_off(sect.find(w("titlePg"))))
    where = _("Page number")
    numbered = fields.get("default", [])
    if not numbered:
        if any(_page_fields(root) for root in footers.values()):
            if _estimated_pages(letter) > 1.0:  # on one page no number shows at all
                yield Finding("page-number", where, _("in the footer: put page numbers in the header (top margin), centred"))
        elif _estimated_pages(letter) > 1.15:
            yield Finding(
                "page-number",
                where,
                _("none, but the letter runs over one page: put a PAGE field in the header, centred, from page 2"),
            )
    for p, code, runs in numbered:
        fmt = letter.formatter.paragraph(p)
        problems = []
        if fmt.alignment != D.PAGE_NUMBER.align:
            problems.append(_("{found}; page numbers are centred in the top margin").format(found=align_name(fmt.alignment)))
        sizes = {letter.formatter.run(p, r).size_pt for r in runs}
        if any(not D.PAGE_NUMBER.size.holds(s) for s in sizes):
            problems.append(_("size {found}; the decree wants {wanted}").format(found=pts(sizes), wanted=D.PAGE_NUMBER.size))
        if any(letter.formatter.run(p, r).italic for r in runs):
            problems.append(_("italic; page numbers are upright"))
        style = wattr(sect.find(w("pgNumType")), "fmt")
        if re.search(r"\\\*\s*(roman|alphabetic|ordinal|cardtext|ordtext|hex)", code, re.I) or style not in (
            None,
            "decimal",
        ):
            problems.append(_("not Arabic numerals; the decree wants 2, 3, ..."))
        yield from _findings("page-number", where, problems)
    if numbered and not title_page:
        yield Finding(
            "page-number", where, _("page 1 shows a number: set a different first page (titlePg) with no page number")
        )
    if title_page and fields.get("first"):
        yield Finding("page-number", _("First-page header"), _("has a PAGE field; page 1 must show no number"))
    settings = letter.document.settings.element
    if numbered and on_off(settings.find(w("evenAndOddHeaders"))) and not fields.get("even"):
        yield Finding("page-number", _("Even-page header"), _("no PAGE field, so even pages show no number"))
    start = wattr(sect.find(w("pgNumType")), "start")
    if start not in (None, "1"):
        yield Finding("page-number", where, _("numbering starts at {start}; it must start at 1 on page 1").format(start=start))


def _estimated_pages(letter: Letter) -> float:
    """A rough page count from line counts and spacing (for letters without page numbers)."""
    sections = _sections(letter)
    if not sections:
        return 1.0
    sect = sections[0]
    page = _mm(sect.find(w("pgSz")), "h") - _mm(sect.find(w("pgMar")), "top") - _mm(sect.find(w("pgMar")), "bottom")
    rows: dict[int, dict[int, float]] = {}
    total = 0.0
    for para in letter.paras:
        fmt = para.fmt
        size = max((f.size_pt for line in para.lines for f in line.formats()), default=12.0)
        column = fmt.text_width_mm or 150.0
        # 8% for word wrap and the first-line indent
        count = sum(max(1, math.ceil(1.08 * text_width_mm(line.text, size) / max(column, 10.0))) for line in para.lines)
        spacing = fmt.line_spacing
        line_pt = 1.15 * size * spacing.value if spacing.rule == "auto" else spacing.value
        height = (count * line_pt + fmt.space_before_pt + fmt.space_after_pt) * MM_PER_PT
        if para.cell is None:
            total += height
        else:
            row = para.cell.getparent()
            cells = rows.setdefault(id(row), {})
            cells[id(para.cell)] = cells.get(id(para.cell), 0.0) + height
    total += sum(max(cells.values()) for cells in rows.values())
    return total / page if page > 0 else 1.0


@lru_cache(maxsize=256)  # asked for every run of every letter, of a handful of names
def _is_tnr(name: str) -> bool:
    """Times New Roman, or one of its faces named as a font ("Times New Roman Bold")."""
    name = " ".join(name.casefold().split())
    faces = set(name[len(_TNR) :].split())
    return name == _TNR or (name.startswith(_TNR + " ") and faces <= {"bold", "italic", "regular"})


def _check_fonts(letter: Letter) -> Iterator[Finding]:
    yield from _font_findings(_paragraph_fonts(letter, _font_roots(letter)))


def _font_roots(letter: Letter, *, body: bool = True, stories: bool = True) -> list[tuple[str, Any]]:
    """Where the font rule looks: the body, and the headers and footers of every section."""
    roots: list[tuple[str, Any]] = [(_("Paragraph"), letter.document.element.body)] if body else []
    if stories:
        for sect in _sections(letter):
            for kind, shown in (("header", _("Header")), ("footer", _("Footer"))):
                roots += [(shown, root) for root in _story_parts(letter, sect, kind).values()]
    return roots


def _font_labels(letter: Letter) -> dict[int, str]:
    """What each paragraph of the letter is, for the font rule's findings."""
    labels: dict[int, str] = {}
    for number, para in enumerate(letter.body, start=1):
        labels[id(para.el)] = _("Body paragraph {number}").format(number=number)
    named: list[tuple[str, Sequence[Line | None]]] = [
        (N_("Quốc hiệu"), letter.national), (N_("Tiêu ngữ"), letter.motto), (N_("Parent agency"), letter.parent),
        (N_("Agency name"), letter.agency), (N_("Số line"), [letter.number]), (N_("Date line"), [letter.date]),
        (N_("V/v line"), letter.subject), (N_("Kính gửi"), [letter.kinh_gui]), (N_("Kính gửi recipient"), letter.recipients),
        (N_("Nơi nhận"), [letter.noi_nhan]), (N_("Nơi nhận item"), letter.items), (N_("Signature title"), letter.titles),
        (N_("Signer name"), [letter.signer]), (N_("Title"), letter.kind_title), (N_("Trích yếu"), letter.summary),
        (N_("Authority"), letter.authority),
    ]  # fmt: skip
    for name, lines in named:
        for line in lines:
            if line is not None:
                labels.setdefault(id(line.para.el), _(name))
    return labels


def _paragraph_fonts(letter: Letter, roots: list[tuple[str, Any]]) -> Iterator[Finding]:
    """A finding for each paragraph of ``roots`` with text in a font other than Times New Roman."""
    labels = _font_labels(letter)
    texts = {id(p.el): p.text for p in letter.paras}
    seen: set[int] = set()
    for label, root in roots:
        for p in root.iter(w("p")):
            if id(p) in seen or _in_fallback(p):
                continue
            seen.add(id(p))
            fonts: set[str] = set()
            text = ""
            for r in paragraph_runs(p):
                shown = run_text(r)
                text += shown
                fmt = letter.formatter.run(p, r) if shown.strip() else None
                if fmt is not None and printed(fmt):  # as the paragraphs are read (build_para)
                    fonts |= {f for f in fmt.fonts_for(shown) if f is not None and not _is_tnr(f)}
            if fonts:
                yield _font_finding(at(labels.get(id(p), label), texts.get(id(p), text)), fonts)


def _line_fonts(letter: Letter) -> Iterator[Finding]:
    """The font rule on the paragraphs a letter was read into, from their runs' resolved formats
    (what :func:`_paragraph_fonts` finds in the body, without resolving the formats again)."""
    labels: dict[int, str] | None = None
    for para in letter.paras:
        if _line_fonts in para.passed:
            continue  # in Times New Roman in an earlier letter: it still is
        fonts = {
            f for line in para.lines for text, fmt in line.pieces if not _all_tnr(fmt) and text.strip()
            for f in fmt.fonts_for(text) if f is not None and not _is_tnr(f)
        }  # fmt: skip
        if fonts:
            labels = _font_labels(letter) if labels is None else labels
            yield _font_finding(at(labels.get(id(para.el), _("Paragraph")), para.text), fonts)
        else:
            para.passed.add(_line_fonts)


def _all_tnr(fmt: RunFormat) -> bool:
    """Whether a run shows any text in Times New Roman (both its font slots are)."""
    return all(f is None or _is_tnr(f) for f in (fmt.font, fmt.font_hansi))


def _font_finding(where: str, fonts: set[str]) -> Finding:
    return Finding("font", where, _("font {fonts}; the decree wants Times New Roman everywhere").format(fonts=", ".join(sorted(fonts))))


def _font_findings(found: Iterable[Finding]) -> Iterator[Finding]:
    """The font findings, the first five in full and the others counted."""
    bad = list(found)
    yield from bad[:5]
    if len(bad) > 5:
        yield Finding("font", ngettext("{n} more paragraph", "{n} more paragraphs", len(bad) - 5).format(n=len(bad) - 5), bad[5].message)


# --- public API ---------------------------------------------------------------------------------


def _check_kind(letter: Letter) -> Iterator[Finding]:
    if not letter.kind.decree:
        yield Finding("kind", at(_("Title"), letter.kind.title),
                      _("not a kind of document Decree 30 lists (Phụ lục III), so only its page, fonts and header "
                        "were checked: for a document that leaves the agency use one of its kinds"))  # fmt: skip


def _check_letter(letter: Letter, fixed: FixedFindings | None = None) -> list[Finding]:
    """Every docx-level rule on ``letter``; with ``fixed``, the findings of the rules that read
    only its sections, headers and footers are taken from there (see :func:`check_text`)."""
    view = kind_rules.adapt(letter)  # a quyết định, kế hoạch, ...: its own parts leave the body
    Check = Callable[[Letter], Iterator[Finding]]
    page: Check = _check_page
    fonts: Check = _check_fonts
    page_numbers: Check = _check_page_numbers
    if fixed is not None:
        known = fixed
        page = lambda _: iter(known.page)  # noqa: E731
        fonts = lambda letter: _font_findings([*_line_fonts(letter), *known.story_fonts])  # noqa: E731
        page_numbers = lambda _: iter(known.page_numbers)  # noqa: E731
    checks: list[Check] = [
        _check_kind, page, fonts, _check_header, _check_kinh_gui, _check_body,
        _check_noi_nhan, _check_signature, page_numbers,
    ]  # fmt: skip
    if not letter.kind.decree:  # an internal form: no body, Nơi nhận or signature of Phụ lục I
        checks = [_check_kind, page, fonts, _check_header, page_numbers]
        return [finding for check in checks for finding in check(letter)]
    if view is not None and (not view.form.kinh_gui or letter.kinh_gui is None):
        checks.remove(_check_kinh_gui)  # kind_rules says whether its form has one
    found = [finding for check in checks for finding in check(letter)]
    if view is not None:
        titled = view.form.title is not None
        found = [f for f in found if not (titled and f.rule == "subject")]  # no V/v: the title block instead
        found += kind_rules.check(letter, view)
    return found


def check_letter(letter: Letter) -> list[Finding]:
    """Every docx-level rule on a letter already read (:func:`letter_parts.analyse`)."""
    return _check_letter(letter)


@dataclass(frozen=True)
class FixedFindings:
    """What the rules a letter's words cannot change found in a letter: page size and margins,
    page numbers, and the fonts of its headers and footers (see :func:`check_text`)."""

    page: list[Finding]
    story_fonts: list[Finding]
    page_numbers: list[Finding]


def fixed_findings(letter: Letter) -> FixedFindings | None:
    """The findings of the rules that only read a letter's sections, headers and footers;
    None when the page-number rule would read its text too (no PAGE field in the default header:
    it then estimates the page count from the text, numbered in the footer or not at all)."""
    found = _sections(letter)
    if found:
        headers = _story_parts(letter, found[0], "header")
        if not ("default" in headers and _page_fields(headers["default"])):
            return None
    return FixedFindings(
        list(_check_page(letter)),
        list(_paragraph_fonts(letter, _font_roots(letter, body=False))),
        list(_check_page_numbers(letter)),
    )


def check_text(letter: Letter, fixed: FixedFindings) -> list[Finding]:
    """Every docx-level rule on a letter whose sections, headers, footers and formatting are
    those of a letter whose :func:`fixed_findings` are ``fixed``: what :func:`check_letter`
    finds, through the same checks, without reading the sections again or resolving any format
    (``letter`` may be read with formats taken from that letter)."""
    return _check_letter(letter, fixed)


def check_files(paths: Sequence[Path], *, pdf: bool = False, workers: int | None = None) -> list[list[Finding] | InputError]:
    """Check several letters; with ``pdf`` they are laid out in one LibreOffice batch.

    Returns the findings of each file, in order; a file that is not a .docx gets its
    :class:`InputError` in its place, and the others are still checked. Raises
    :class:`ConversionError` when LibreOffice cannot lay one out.
    """
    paths = [Path(p) for p in paths]
    if pdf:
        from letter_gen.checking.laid_out import convert_for_check, layout_findings, pdf_pages  # pypdf: only for PDFs
    letters: dict[int, Letter] = {}
    results: list[list[Finding] | InputError] = []
    for index, path in enumerate(paths):
        try:
            letters[index] = analyse(open_docx(path))
        except InputError as err:
            results.append(err)
            continue
        results.append(_check_letter(letters[index]))
    if pdf and letters:
        with tempfile.TemporaryDirectory(prefix="letter_gen-check-") as folder:
            laid = convert_for_check([paths[i] for i in letters], Path(folder), workers)
            for (index, letter), laid_out in zip(letters.items(), laid):
                found = results[index]
                assert not isinstance(found, InputError)
                found.extend(layout_findings(letter, pdf_pages(laid_out)))
    return results


def check_docx(path: Path, *, pdf: bool = False) -> list[Finding]:
    """Check one công văn (.docx) against Decree 30/2020/NĐ-CP; [] when it follows the rules.

    ``pdf=True`` also lays the letter out with LibreOffice and checks the printed page.
    Raises :class:`InputError` when the file is not a .docx.
    """
    found = check_files([path], pdf=pdf)[0]
    if isinstance(found, InputError):
        raise found
    return found


def check_bytes(data: bytes, name: str = "letter.docx") -> list[Finding]:
    """The docx-level checks of a letter held in memory (before it is written)."""
    return _check_letter(analyse(open_docx_bytes(data, name)))


def check_layout(path: Path, pdf_path: Path) -> list[Finding]:
    """Only the laid-out checks (``pdf-*`` rules), on a PDF already made from ``path``."""
    from letter_gen.checking.laid_out import layout_findings, pdf_pages  # pypdf: only for PDFs

    return list(layout_findings(analyse(open_docx(Path(path))), pdf_pages(Path(pdf_path))))
