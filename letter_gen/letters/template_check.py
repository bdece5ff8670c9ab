"""Check a clerk's Word template before any letter is rendered (kiểm tra mẫu văn bản).

Clerks bring their own .docx templates (mẫu công văn). A mistake in one shows up late and
obscurely when rendering: a Jinja traceback, a tag printed as it is, or a letter Word calls
corrupt. :func:`check_template` reads the template the way rendering does (docxtpl's
``patch_xml`` on the document, headers and footers, then the Jinja environment of
:func:`letter_gen.letters.render.make_environment`) and reports every problem at once, each with
the paragraph (đoạn văn) it is in:

``not-docx``
    not a Word file (no zip, no ``word/document.xml``);
``too-large``
    a part, or all of them together, unpacks to more than :mod:`letter_gen.limits` allows;
``unknown-variable``
    a variable (biến) or attribute the letter does not provide, with the closest name;
``syntax``
    a tag Jinja cannot read (lỗi cú pháp);
``split-tag``
    a delimiter such as ``{{`` typed in two Word runs (đoạn định dạng);
``unbalanced-block``
    a docxtpl block (``{%p for %}``, ``{%p if %}``, ``{%tr ... %}``) whose end is missing,
    has another prefix or starts nothing; a ``{%p %}`` paragraph that holds other text;
``autoescape-off``
    ``|safe`` or ``{% autoescape false %}``: data would go in unescaped.

:data:`TEMPLATE_VARIABLES` lists what a template can use (``letter-gen template vars``).
"""

from __future__ import annotations

import datetime as dt
import difflib
import itertools
import re
import types
import typing
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, fields, is_dataclass
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import meta, nodes
from jinja2.runtime import LoopContext
from lxml import etree

from letter_gen import limits, ooxml, vn
from letter_gen.errors import TemplateError
from letter_gen.fileio import DAMAGED_ZIP, starts_as_a_zip
from letter_gen.i18n import N_, _, ngettext, os_reason
from letter_gen.letters.compose import LetterContent, Paragraph
from letter_gen.letters.render import docxtpl_patch, make_environment
from letter_gen.letters.sandbox import LimitError, constant_value

#: Every variable a template can use, with its meaning (ý nghĩa). The keys are
#: :class:`~letter_gen.letters.compose.LetterContent`'s fields, the attributes of a body paragraph
#: (``paragraph.text`` inside ``{%p for paragraph in body %}``), and what rendering adds.
TEMPLATE_VARIABLES: dict[str, str] = {
    "kind": N_("Letter kind (loại văn bản): 'follow-up' = công văn khắc phục sau kiểm tra"),
    "mode": N_("'consolidated' (one letter to every unit, gửi chung) or 'per-unit' (gửi từng đơn vị)"),
    "unit": N_("Per-unit letter: the unit's name (tên đơn vị); None in a consolidated letter"),
    "parent_agency": N_("Governing agency in capitals (cơ quan chủ quản): 'UBND TỈNH BÀ RỊA - VŨNG TÀU';"
    " None if there is none: wrap it in {%p if parent_agency %}"),
    "agency_name": N_("Issuing agency in capitals (tên cơ quan ban hành): 'SỞ KHOA HỌC VÀ CÔNG NGHỆ'"),
    "agency_code": N_("Agency abbreviation (chữ viết tắt tên cơ quan): 'SKHCN'"),
    "symbol": N_("Letter symbol (ký hiệu văn bản): 'SKHCN-TTr'"),
    "number": N_("Letter number (số văn bản) as a number: 5; None on a draft"),
    "date": N_("Issue date (ngày ban hành) as a date: 2021-03-05; None on a draft"),
    "year": N_("Year of the letter (năm): 2021"),
    "number_line": N_("Số line as printed: 'Số: 05/SKHCN-TTr' (số, ký hiệu); 'Số:      /SKHCN-TTr' on a draft"),
    "place_date": N_("Place and date line (địa danh, ngày tháng năm):"
    " 'Bà Rịa - Vũng Tàu, ngày 05 tháng 3 năm 2021'"),
    "subject": N_("Subject (trích yếu nội dung) without 'V/v'"),
    "subject_line": N_("Subject line as printed: 'V/v ...' (trích yếu)"),
    "urgency": N_("Urgency mark (độ khẩn): 'KHẨN', 'THƯỢNG KHẨN' or 'HỎA TỐC'; None if not urgent"),
    "national_title": N_("National title (Quốc hiệu): 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM'"),
    "motto": N_("Motto (Tiêu ngữ): 'Độc lập - Tự do - Hạnh phúc'"),
    "recipients": N_("Recipients as given (Kính gửi), a list: {%p for r in recipients %}"),
    "kinh_gui_single": N_("'Kính gửi: X.' when there is one recipient (Kính gửi một nơi); else None"),
    "kinh_gui_lines": N_("'- X;' lines under 'Kính gửi:' when there are several recipients; else empty"),
    "body": N_("Body paragraphs (nội dung, ô 6), a list: {%p for paragraph in body %}{{ paragraph.text }}{%p endfor %}"),
    "noi_nhan": N_("Nơi nhận items (where copies go): '- Như trên;' ... '- Lưu: VT, TTr.', a list"),
    "signature_titles": N_("Lines above the signature (thẩm quyền ký, chức vụ):"
    " 'KT. GIÁM ĐỐC', 'PHÓ GIÁM ĐỐC', a list"),
    "signer_name": N_("Signer's full name (họ tên người ký)"),
    "period_label": N_("Inspection period (kỳ kiểm tra): 'năm 2021'"),
    "paragraph.text": N_("Inside {%p for paragraph in body %}: the paragraph's text (nội dung đoạn văn)"),
    "paragraph.heading": N_("Inside {%p for paragraph in body %}: True for a numbered unit heading"
    " (tiêu đề đơn vị, printed bold): {%p if paragraph.heading %}"),
    "title": N_("Tên loại of a document with a title block (ô 5a): 'QUYẾT ĐỊNH', 'KẾ HOẠCH', ...; None in a công văn"),
    "issuing_authority": N_("A quyết định's issuing authority line (thẩm quyền ban hành):"
    " 'GIÁM ĐỐC SỞ KHOA HỌC VÀ CÔNG NGHỆ'; None otherwise"),
    "table_header": N_("Column headings of a plan's schedule or a report's summary (bảng), a list; empty otherwise"),
    "table_rows": N_("Rows of that table (dòng của bảng), each a list of cell texts: {%tr for item in table_rows %}"),
    "body_after": N_("Body paragraphs after the table (nội dung sau bảng), a list like body"),
    "paragraph.keep_with_next": N_("Inside the body loop: True for the last two paragraphs, which keep with the"
    " signature block (giữ với đoạn sau) so it never stands alone on a page"),
    "paragraph.style": N_("Inside the body loop: 'text', 'basis' (a quyết định's Căn cứ line, in"
    " italics: căn cứ) or 'center' (QUYẾT ĐỊNH:, bold, centred)"),
    "paragraph.lead": N_("Inside the body loop: a bold start before the text ('Điều 1.', 'Tới dự:'; phần mở đầu in đậm),"
    " or empty"),
    "layout_title_rule_indent": N_("Left and right indent, in twips, that centres the rule under the trích yếu"
    " of a document with a title block (quyết định, kế hoạch, ...); set when rendering"),
    "layout_agency_rule_indent": N_("Left and right indent, in twips, that centres the rule under the agency"
    " name (đường kẻ dưới tên cơ quan); set when rendering"),
    "layout_motto_rule_indent": N_("Left and right indent, in twips, that centres the rule under the Tiêu ngữ"
    " in its column; set when rendering"),
    "layout_header_left": N_("Width, in twips, of the header's left column (agency, Số, V/v); set when rendering"),
    "layout_header_right": N_("Width, in twips, of the header's right column (Quốc hiệu, date): wider for a"
    " long place name (địa danh); set when rendering"),
}

#: Variables rendering adds to LetterContent's fields (see ``PreparedTemplate.render``).
RENDER_VARIABLES: dict[str, type] = {
    "layout_agency_rule_indent": int, "layout_motto_rule_indent": int, "layout_header_left": int, "layout_header_right": int,
    "layout_title_rule_indent": int,
}

KINDS = ("not-docx", "too-large", "unknown-variable", "syntax", "split-tag", "unbalanced-block", "autoescape-off")
#: Kinds that stop a render. A split delimiter is only a warning: docxtpl joins the runs when
#: nothing but formatting lies between them, so most such templates still render right.
BLOCKING = frozenset(KINDS) - {"split-tag"}

_VARS_HINT = N_("(see letter-gen template vars)")

# Names a clerk may guess in Vietnamese (without accents) → the variable to use.
_ALIASES = {
    "nguoi_nhan": "recipients", "kinh_gui": "recipients", "noi_gui": "recipients", "don_vi": "unit",
    "co_quan": "agency_name", "ten_co_quan": "agency_name", "co_quan_ban_hanh": "agency_name",
    "co_quan_chu_quan": "parent_agency", "so": "number", "so_van_ban": "number_line",
    "so_ky_hieu": "number_line", "ky_hieu": "symbol", "ngay": "date", "ngay_ban_hanh": "date",
    "ngay_thang": "place_date", "dia_danh": "place_date", "nam": "year", "trich_yeu": "subject",
    "v_v": "subject_line", "vv": "subject_line", "do_khan": "urgency", "quoc_hieu": "national_title",
    "tieu_ngu": "motto", "noi_dung": "body", "doan_van": "body", "nguoi_ky": "signer_name",
    "ten_nguoi_ky": "signer_name", "chuc_vu": "signature_titles", "tham_quyen_ky": "signature_titles",
    "ky_kiem_tra": "period_label", "loai_van_ban": "kind",
}


def template_variables() -> list[tuple[str, str]]:
    """(variable, meaning) pairs for ``letter-gen template vars`` (các biến của mẫu)."""
    return [(name, _(meaning)) for name, meaning in TEMPLATE_VARIABLES.items()]


@dataclass(frozen=True)
class TemplateProblem:
    """One problem of a template (lỗi của mẫu): its kind, where it is, and what to do."""

    kind: str  #: one of :data:`KINDS`
    where: str  #: part and paragraph, e.g. ``word/document.xml, paragraph "Kính gửi: {{ x }}"``
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


def check_template(path: Path | str) -> list[TemplateProblem]:
    """Every problem of the template at ``path``, in document order; [] for a clean one.

    Reads the template only: nothing is rendered (không tạo văn bản nào).
    """
    path = Path(path)
    try:
        with zipfile.ZipFile(path) as zipped:
            names = zipped.namelist()
            if "word/document.xml" not in names:
                return [_not_docx(path, _("this zip file has no word/document.xml, so it is not a Word document;"
                                          " open the template in Word and save it as 'Word Document (*.docx)'"))]
            too_big = limits.oversized_parts(
                ((i.filename, i.file_size) for i in zipped.infolist()), limits.TEMPLATE_PART_BYTES, limits.TEMPLATE_BYTES
            )  # from the zip's directory, before anything is unpacked
            if too_big:
                return [TemplateProblem("too-large", str(path), _("the template is too big: {problem}").format(problem=too_big))]
            parts = [(n, zipped.read(n)) for n in sorted(filter(_TEMPLATED_PART.fullmatch, names), key=_part_rank)]
    except FileNotFoundError:
        return [_not_docx(path, _("there is no such file"))]
    except DAMAGED_ZIP as err:
        if not isinstance(err, zipfile.BadZipFile) or starts_as_a_zip(path):  # a zip whose bytes are damaged
            return [_not_docx(path, _("the Word file is damaged or incomplete (a copy stopped half-way?): copy it"
                                      " again, or open it in Word and save it again"))]
        return [_not_docx(path, _("this is not a Word .docx file; open it in Word and save it as"
                                  " 'Word Document (*.docx)' (an old .doc or a renamed file will not do)"))]
    except OSError as err:
        return [_not_docx(path, _("cannot read this file ({why})").format(why=os_reason(err)))]
    found: list[tuple[tuple[int, int, int], TemplateProblem]] = []
    for rank, (name, data) in enumerate(parts):
        try:
            found.extend(((rank, key[0], key[1]), problem) for key, problem in _check_part(name, data))
        except (etree.XMLSyntaxError, UnicodeDecodeError) as err:
            if name == "word/document.xml":
                return [_not_docx(path, _("word/document.xml is not readable XML ({err}); open the template"
                                          " in Word and save it again").format(err=err))]
            found.append(((rank, -1, 0), TemplateProblem("not-docx", name, _("this part is not readable XML ({err})").format(err=err))))
    found.sort(key=lambda item: item[0])
    unique: list[TemplateProblem] = []
    for _order, problem in found:
        if problem not in unique:
            unique.append(problem)
    return unique


def raise_for_problems(path: Path | str) -> None:
    """Raise :class:`TemplateError` listing the template's blocking problems, one per line."""
    problems = [p for p in check_template(path) if p.kind in BLOCKING]
    if problems:
        raise TemplateError(
            ngettext("{path}: the template has {n} problem; fix it in Word before rendering"
                     " (`letter-gen template check {path}` lists it again)",
                     "{path}: the template has {n} problems; fix them in Word before rendering"
                     " (`letter-gen template check {path}` lists them again)", len(problems)).format(path=path, n=len(problems)),
            problems=[str(p) for p in problems],
        )


# --- reading the parts ------------------------------------------------------------------

#: Jinja's names of the tokens it reports, as the clerk types them.
_JINJA_TOKENS = {"end of print statement": "}}", "begin of print statement": "{{", "end of statement block": "%}",
                 "begin of statement block": "{%"}
_END_OF_TEMPLATE = N_("the end of the template")


def jinja_reason(message: str) -> str:
    """Jinja's English reason for a syntax error in the clerk's language: the common ones
    said with the characters typed (``}}``, ``%}``), any other as Jinja wrote it."""
    def token(name: str) -> str:
        return _(_END_OF_TEMPLATE) if name == "end of template" else f"'{_JINJA_TOKENS.get(name, name)}'"

    if match := re.fullmatch(r"unexpected '(.+)'", message):
        return _("{token} where it cannot be").format(token=token(match[1]))
    if match := re.fullmatch(r"expected token '(.+)', got '(.+)'", message):
        return _("{wanted} expected, found {got}").format(wanted=token(match[1]), got=token(match[2]))
    if match := re.fullmatch(r"Expected an expression, got '(.+)'", message):
        return _("a value expected, found {got}").format(got=token(match[1]))
    if match := re.match(r"Encountered unknown tag '(.+?)'", message):
        return _("unknown tag '{tag}'").format(tag=match[1])
    if message.startswith("Unexpected end of template"):
        return _("the template ends before the tag is closed")
    return message


_W = ooxml.W
_P, _T, _TBL, _TR, _TC = (f"{{{_W}}}{tag}" for tag in ("p", "t", "tbl", "tr", "tc"))
_TEMPLATED_PART = re.compile(r"word/(document|header\d*|footer\d*|footnotes)\.xml")
_P_START = re.compile(r"<w:p(?=[ >/])")
_MARK = re.compile(r'^<w:p lgp="(\d+)"')
_DELIMITER = re.compile(r"\{\{|\}\}|\{%|%\}|\{#|#\}")
_ANY_TAG = re.compile(r"\{[{%#].*?[}%#]\}")
_COMMENT = re.compile(r"\{#.*?#\}")
_BLOCK_TAG = re.compile(r"\{%(?:(p|tr|tc|r) )?[-+]?\s*(\w*)(.*?)[-+]?%\}")
_PREFIXED = {y: re.compile(r"(\{%|\{\{)" + y + r" ([^}%]*(?:%\}|\}\}))") for y in ("p", "tr", "tc")}
_OPENERS = {"for", "if", "macro", "call", "filter", "with", "block", "autoescape", "set"}
_MIDDLES = {"else": ("if", "for"), "elif": ("if",)}
# docxtpl's patch_xml reads nothing from its instance (as in render.py).


@dataclass
class _Para:
    """A paragraph of a part: its visible text, which w:t each character is from, and where."""

    index: int
    text: str
    owner: list[int]
    where: str
    row: Any
    cell: Any
    before: str  #: the text of the last paragraph before it that has some


def _part_rank(name: str) -> tuple[int, int]:
    order = ("document", "header", "footer", "footnotes")
    stem = re.sub(r"\d+|\.xml$|^word/", "", name)
    digits = re.sub(r"\D", "", name)
    return order.index(stem), int(digits or 0)


def _not_docx(path: Path, message: str) -> TemplateProblem:
    return TemplateProblem("not-docx", str(path), message)


def _excerpt(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _paragraphs(part: str, root: Any) -> list[_Para]:
    tables = list(root.iter(_TBL))  # held, so lxml hands out these same element objects
    result: list[_Para] = []
    before = ""
    for index, p in enumerate(root.iter(_P)):
        pieces = [t.text or "" for t in p.iter(_T) if _nearest(t, (_P,)) is p]
        owner = [n for n, piece in enumerate(pieces) for _ in piece]
        text = "".join(pieces)
        cell, row = _nearest(p, (_TC,)), _nearest(p, (_TR,))
        where = part
        if cell is not None and row is not None:
            table = row.getparent()
            number = next(i for i, t in enumerate(tables, start=1) if t is table)
            where += _(", table {table} row {row} cell {cell}").format(
                table=number, row=list(table.iterchildren(_TR)).index(row) + 1, cell=list(row.iterchildren(_TC)).index(cell) + 1)
        where += _(', paragraph "{text}"').format(text=_excerpt(text)) if text.strip() else _(", paragraph {n} (empty)").format(n=index + 1)
        result.append(_Para(index, text, owner, where, row, cell, before))
        before = text if text.strip() else before
    return result


def _nearest(element: Any, tags: tuple[str, ...]) -> Any:
    parent = element.getparent()
    while parent is not None and parent.tag not in tags:
        parent = parent.getparent()
    return parent


Problems = Iterator[tuple[tuple[int, int], TemplateProblem]]


def _check_part(part: str, data: bytes) -> list[tuple[tuple[int, int], TemplateProblem]]:
    text = data.decode("utf-8")
    paras = _paragraphs(part, etree.fromstring(data))
    found = list(_split_tags(paras))
    blocks = list(_blocks(paras))
    found += blocks
    found += _jinja_problems(part, text, paras, structure_reported=bool(blocks))
    return found


# --- split delimiters -------------------------------------------------------------------


def _split_tags(paras: list[_Para]) -> Problems:
    for para in paras:
        for m in _DELIMITER.finditer(para.text):
            if para.owner[m.start()] == para.owner[m.start() + 1]:
                continue
            tag = next((t.group() for t in _ANY_TAG.finditer(para.text) if t.start() <= m.start() < t.end()), m.group())
            yield (para.index, m.start()), TemplateProblem(
                "split-tag",
                para.where,
                _('in the tag "{tag}" the "{delimiter}" is split between two Word runs'
                  " (pieces of differently formatted text), so docxtpl may print the tag as it is or"
                  " mangle the letter; select the whole tag, delete it and type it again in one go"
                  " (Word's spell checker and autocorrect split runs)").format(tag=_excerpt(tag, 40), delimiter=m.group()),
            )


# --- docxtpl blocks ---------------------------------------------------------------------


@dataclass
class _Tag:
    prefix: str
    keyword: str
    text: str
    para: _Para
    offset: int

    @property
    def shown(self) -> str:
        return f'"{_excerpt(self.text, 40)}"'

    @property
    def placed(self) -> str:
        if self.para.text.strip() != self.text:
            return f'{self.shown} (in the paragraph "{_excerpt(self.para.text, 40)}")'
        if self.para.before:
            return f'{self.shown} (the paragraph after "{_excerpt(self.para.before, 40)}")'
        return self.shown


def _blocks(paras: list[_Para]) -> Problems:
    """Block tags whose prefixes (p, tr, tc, r) do not pair, and prefixed tags sharing their
    paragraph, row or cell with other text."""
    yield from _crowded(paras)
    stack: list[_Tag] = []
    in_raw = False
    for tag in _block_tags(paras):
        if in_raw:
            in_raw = tag.keyword != "endraw"
            continue
        if tag.keyword == "raw":
            in_raw = True
        elif tag.keyword in _OPENERS and not (tag.keyword == "set" and "=" in tag.text):
            stack.append(tag)
        elif tag.keyword in _MIDDLES:
            if not stack or stack[-1].keyword not in _MIDDLES[tag.keyword]:
                yield _problem(tag, _("{tag} belongs to no open {{% if %}} or {{% for %}} block").format(tag=tag.shown))
            elif stack[-1].prefix != tag.prefix:
                yield _mismatch(stack[-1], tag)
        elif tag.keyword.startswith("end") and tag.keyword[3:] in _OPENERS:
            opener = tag.keyword[3:]
            if not any(t.keyword == opener for t in stack):
                missing = _form(tag.prefix, opener + " …")
                yield _problem(tag, _("{tag} ends no block: there is no {missing} before it;"
                                      " delete it or add the start").format(tag=tag.shown, missing=missing))
                continue
            while stack[-1].keyword != opener:
                yield _unclosed(stack.pop())
            start = stack.pop()
            if start.prefix != tag.prefix:
                yield _mismatch(start, tag)
    for tag in stack:
        yield _unclosed(tag)


def _block_tags(paras: list[_Para]) -> Iterator[_Tag]:
    for para in paras:
        text = _COMMENT.sub(lambda m: " " * len(m.group()), para.text)
        for m in _BLOCK_TAG.finditer(text):
            yield _Tag(m.group(1) or "", m.group(2), m.group(), para, m.start())


def _form(prefix: str, body: str) -> str:
    return "{%" + (prefix + " " if prefix else " ") + body + " %}"


def _problem(tag: _Tag, message: str) -> tuple[tuple[int, int], TemplateProblem]:
    return (tag.para.index, tag.offset), TemplateProblem("unbalanced-block", tag.para.where, message)


def _how_to_end(prefix: str, keyword: str) -> str:
    """The tag to write, and where: ``"{%p endfor %}" in a paragraph of its own``."""
    alone = {"p": N_('"{tag}" in a paragraph of its own'), "tr": N_('"{tag}" in a table row of its own'),
             "tc": N_('"{tag}" in a table cell of its own')}
    return _(alone.get(prefix, '"{tag}"')).format(tag=_form(prefix, keyword))


def _mismatch(start: _Tag, other: _Tag) -> tuple[tuple[int, int], TemplateProblem]:
    opened = _("a plain {% %} tag") if not start.prefix else _("a {tag} tag").format(tag="{%" + start.prefix + " %}")
    expected = other.keyword if other.keyword in _MIDDLES else "end" + start.keyword
    message = (N_("the block {start} continues with {other}, a tag of another kind: a block opened by {opened} must go on"
                  " and end with such tags, here {expected}; otherwise docxtpl cuts the letter's XML in the wrong place")
               if other.keyword in _MIDDLES else
               N_("the block {start} ends with {other}, a tag of another kind: a block opened by {opened} must go on"
                  " and end with such tags, here {expected}; otherwise docxtpl cuts the letter's XML in the wrong place"))
    return _problem(start, _(message).format(
        start=start.shown, other=other.placed, opened=opened, expected=_how_to_end(start.prefix, expected)))


def _unclosed(tag: _Tag) -> tuple[tuple[int, int], TemplateProblem]:
    return _problem(tag, _("the block {tag} is never closed: add {end} where it should end").format(
        tag=tag.shown, end=_how_to_end(tag.prefix, "end" + tag.keyword)))


def _crowded(paras: list[_Para]) -> Problems:
    """docxtpl replaces the whole paragraph (row, cell) of a ``{%p %}`` (``{%tr %}``,
    ``{%tc %}``) tag by the tag: any other text there is lost."""
    units = {"p": _("paragraph"), "tr": _("table row"), "tc": _("table cell")}
    for para in paras:
        for prefix, pattern in _PREFIXED.items():
            m = pattern.search(para.text)
            if m is None:
                continue
            container = {"p": None, "tr": para.row, "tc": para.cell}[prefix]
            if prefix != "p" and container is None:
                yield (para.index, m.start()), TemplateProblem(
                    "unbalanced-block", para.where,
                    _('"{tag}" is outside a table: a {kind} tag must be in a {unit}').format(
                        tag=_excerpt(m.group(), 40), kind="{%" + prefix + " %}", unit=units[prefix]),
                )
                continue
            around = [para] if container is None else [q for q in paras if _within(q, container, prefix)]
            rest = "".join(q.text for q in around).replace(m.group(), "", 1).strip()
            if rest:
                yield (para.index, m.start()), TemplateProblem(
                    "unbalanced-block", para.where,
                    _('this {unit} holds "{tag}" and also "{rest}": docxtpl replaces the whole {unit} by the tag,'
                      " so the rest would vanish; put the tag in a {unit} of its own").format(
                        unit=units[prefix], tag=_excerpt(m.group(), 40), rest=_excerpt(rest, 40)),
                )


def _within(para: _Para, container: Any, prefix: str) -> bool:
    return (para.row if prefix == "tr" else para.cell) is container


# --- Jinja: syntax, variables, escaping ---------------------------------------------------


def _patched(xml: str) -> tuple[str, list[int]]:
    """The part as rendering compiles it, one line per paragraph; and each line's paragraph."""
    xml = xml.replace("\r", " ").replace("\n", " ")
    counter = itertools.count()
    marked = _P_START.sub(lambda _: f'\n<w:p lgp="{next(counter)}"', xml)
    source = docxtpl_patch(marked)
    lines: list[int] = []
    for line in source.split("\n"):
        m = _MARK.match(line)
        lines.append(int(m.group(1)) if m else (lines[-1] + 1 if lines else -1))
    return source, lines


def _jinja_problems(part: str, xml: str, paras: list[_Para], structure_reported: bool) -> list[
    tuple[tuple[int, int], TemplateProblem]
]:
    source, lines = _patched(xml)

    def locate(lineno: int | None) -> tuple[int, str]:
        index = lines[lineno - 1] if lineno and 0 < lineno <= len(lines) else -1
        return (index, paras[index].where) if 0 <= index < len(paras) else (index, part)

    environment = make_environment()
    found: list[tuple[tuple[int, int], TemplateProblem]] = []
    tree = None
    while tree is None:
        try:
            tree = environment.parse(source)
        except jinja2.TemplateSyntaxError as err:
            if "tag" in (err.message or "") and (structure_reported or found):
                return found  # an unbalanced block (reported with its paragraphs) or a blanked line is the cause
            index, where = locate(err.lineno)
            found.append(((index, 0), TemplateProblem(
                "syntax", where,
                _("Jinja cannot read a tag here ({err}); check its spelling, brackets and quotes").format(
                    err=jinja_reason(err.message or "")),
            )))
            # Blank that paragraph and read on, to report every paragraph's errors at once; not
            # when it holds a block tag, whose absence would unbalance the rest.
            source_lines = source.split("\n")
            if not err.lineno or not 0 < err.lineno <= len(source_lines) or "{%" in source_lines[err.lineno - 1]:
                return found
            source_lines[err.lineno - 1] = ""
            source = "\n".join(source_lines)
    walker = _Walker(meta.find_undeclared_variables(tree) - set(environment.globals) - set(_FIELD_TYPES))
    walker.walk(tree, {})
    for name in sorted(walker.undeclared - walker.reported):  # a scope the walker misread: report the first use
        first = next((n for n in tree.find_all(nodes.Name) if n.name == name), None)
        walker.found.append((first.lineno if first else 0, "unknown-variable", _unknown(name)))
    for lineno, kind, message in walker.found:
        index, where = locate(lineno)
        found.append(((index, 0), TemplateProblem(kind, where, message)))
    for lineno, message in _oversized_constants(tree):
        index, where = locate(lineno)
        found.append(((index, 0), TemplateProblem("too-large", where, message)))
    return found


def _oversized_constants(tree: nodes.Template) -> Iterator[tuple[int, str]]:
    """Expressions of constants that compute a value too big (``'x' * 300000000``): rendering
    would refuse them; say so before any letter is rendered."""
    for node in tree.find_all(nodes.BinExpr):
        try:
            constant_value(node)
        except LimitError as err:
            yield node.lineno, str(err)
        except Exception:  # noqa: BLE001 - not constant, or an error rendering reports itself
            continue


def _plain(kind: Any) -> Any:
    """The type behind ``X | None`` and ``Literal[...]`` (None when unknown)."""
    if typing.get_origin(kind) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(kind) if a is not type(None)]
        return _plain(args[0]) if len(args) == 1 else None
    if typing.get_origin(kind) is typing.Literal:
        return type(typing.get_args(kind)[0])
    return kind


_FIELD_TYPES: dict[str, Any] = {
    **{name: _plain(kind) for name, kind in typing.get_type_hints(LetterContent).items()},
    **RENDER_VARIABLES,
}
_KNOWN = sorted(_FIELD_TYPES)
_ORDER_FILTERS = {"reverse", "list", "sort", "unique", "select", "reject", "selectattr", "rejectattr"}
_TYPE_NAMES = {str: N_("text"), int: N_("a number"), bool: N_("True or False"), dt.date: N_("a date"), tuple: N_("a list")}


def _attributes(kind: Any) -> list[str] | None:
    if is_dataclass(kind):
        return [f.name for f in fields(kind)]
    origin = typing.get_origin(kind) or kind
    if isinstance(origin, type):
        return [n for n in dir(origin) if not n.startswith("_")]
    return None


def _normal(name: str) -> str:
    plain = vn.without_marks(name).lower()
    return re.sub(r"[^a-z0-9]+", "_", plain).strip("_")


def _suggest(name: str, candidates: list[str]) -> str | None:
    if _normal(name) in _ALIASES and _ALIASES[_normal(name)] in candidates:
        return _ALIASES[_normal(name)]
    close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
    if close:
        return close[0]
    alias = difflib.get_close_matches(_normal(name), list(_ALIASES), n=1, cutoff=0.8)
    return _ALIASES[alias[0]] if alias and _ALIASES[alias[0]] in candidates else None


class _Walker:
    """Walks a template's AST with the names each scope binds and, where known, their types:
    reports unknown variables and attributes, and what turns escaping off."""

    def __init__(self, undeclared: set[str]) -> None:
        self.undeclared = undeclared
        self.found: list[tuple[int, str, str]] = []
        self.reported: set[str] = set()

    def walk(self, node: nodes.Node, scope: dict[str, Any]) -> None:
        if isinstance(node, nodes.For):
            self.walk(node.iter, scope)
            inner = dict(scope)
            self._bind(node.target, inner, _item(self.type_of(node.iter, scope)))
            inner["loop"] = LoopContext
            for child in [*([node.test] if node.test else []), *node.body]:
                self.walk(child, inner)
            for child in node.else_:
                self.walk(child, scope)
        elif isinstance(node, (nodes.Assign, nodes.AssignBlock)):
            for child in [node.node] if isinstance(node, nodes.Assign) else [*node.body, *filter(None, [node.filter])]:
                self.walk(child, scope)
            self._bind(node.target, scope, None)
        elif isinstance(node, (nodes.Macro, nodes.CallBlock)):
            for child in [*node.defaults, *([node.call] if isinstance(node, nodes.CallBlock) else [])]:
                self.walk(child, scope)
            inner = {**scope, "caller": None, "varargs": None, "kwargs": None}
            for arg in node.args:
                self._bind(arg, inner, None)
            for child in node.body:
                self.walk(child, inner)
            if isinstance(node, nodes.Macro):
                scope[node.name] = None
        elif isinstance(node, nodes.With):
            for child in node.values:
                self.walk(child, scope)
            inner = dict(scope)
            for target in node.targets:
                self._bind(target, inner, None)
            for child in node.body:
                self.walk(child, inner)
        else:
            self._inspect(node, scope)
            for child in node.iter_child_nodes():
                self.walk(child, scope)

    def _inspect(self, node: nodes.Node, scope: dict[str, Any]) -> None:
        if isinstance(node, nodes.Name) and node.ctx == "load":
            if node.name in self.undeclared and node.name not in scope:
                self.reported.add(node.name)
                self._report(node, "unknown-variable", _unknown(node.name))
        elif isinstance(node, (nodes.Getattr, nodes.Getitem)):
            attr = node.attr if isinstance(node, nodes.Getattr) else _const_str(node.arg)
            owner = self.type_of(node.node, scope)
            if attr is None or owner is None or (isinstance(node, nodes.Getitem) and not is_dataclass(owner)):
                return
            known = _attributes(owner)
            if known is None or attr in known or attr.startswith("_"):
                return
            base = _dotted(node.node)
            hint = _suggest(attr, known)
            what = _describe(owner)
            message = (_("'{base}' is {what} and has no attribute '{attr}'; did you mean '{base}.{hint}'? {see}") if hint
                       else _("'{base}' is {what} and has no attribute '{attr}' {see}"))
            self._report(node, "unknown-variable", message.format(base=base, what=what, attr=attr, hint=hint, see=_(_VARS_HINT)))
        elif isinstance(node, nodes.Filter) and node.name == "safe":
            self._report(node, "autoescape-off", _("the filter '|safe' inserts the data unescaped: an '&' or '<'"
                                                   " in it would corrupt the letter; remove '|safe'"))
        elif isinstance(node, (nodes.ScopedEvalContextModifier, nodes.EvalContextModifier)):
            for option in node.options:
                value = option.value
                if option.key == "autoescape" and not (isinstance(value, nodes.Const) and value.value is True):
                    self._report(node, "autoescape-off", _("'{% autoescape false %}' inserts the data unescaped: an '&'"
                                                           " or '<' in it would corrupt the letter; remove the autoescape tags"))

    def type_of(self, node: nodes.Node, scope: dict[str, Any]) -> Any:
        """The type of an expression, when it is a variable, a field of one, or an ordering of a list."""
        if isinstance(node, nodes.Name):
            return scope[node.name] if node.name in scope else _FIELD_TYPES.get(node.name)
        if isinstance(node, nodes.Getattr):
            owner = self.type_of(node.node, scope)
            if is_dataclass(owner):
                hints = typing.get_type_hints(owner)
                attr: str = node.attr
                return _plain(hints[attr]) if attr in hints else None
        if isinstance(node, nodes.Filter) and node.name in _ORDER_FILTERS and node.node is not None:
            return self.type_of(node.node, scope)
        return None

    def _bind(self, target: nodes.Node, scope: dict[str, Any], kind: Any) -> None:
        if isinstance(target, nodes.Name):
            scope[target.name] = kind
        elif isinstance(target, nodes.Tuple):
            for item in target.items:
                self._bind(item, scope, None)

    def _report(self, node: nodes.Node, kind: str, message: str) -> None:
        self.found.append((node.lineno, kind, message))


def _unknown(name: str) -> str:
    hint = _suggest(name, _KNOWN)
    if hint:
        return _("the variable '{name}' is not provided; did you mean '{hint}'? {see}").format(name=name, hint=hint, see=_(_VARS_HINT))
    return _("the variable '{name}' is not provided {see}").format(name=name, see=_(_VARS_HINT))


def _describe(kind: Any) -> str:
    if kind is Paragraph:
        return _("a body paragraph")
    if kind is LoopContext:
        return _("the loop")
    origin = typing.get_origin(kind) or kind
    named = _TYPE_NAMES.get(origin)
    return _(named) if named else getattr(origin, "__name__", str(origin))


def _item(kind: Any) -> Any:
    """The type of a list's items (``tuple[Paragraph, ...]`` → Paragraph)."""
    args = typing.get_args(kind) if typing.get_origin(kind) is tuple else ()
    return _plain(args[0]) if args else None


def _const_str(node: nodes.Node) -> str | None:
    return node.value if isinstance(node, nodes.Const) and isinstance(node.value, str) else None


def _dotted(node: nodes.Node) -> str:
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        return f"{_dotted(node.node)}.{node.attr}"
    return "…"
