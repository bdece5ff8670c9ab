"""The rules of the document kinds other than the công văn (Phụ lục III; Phụ lục I, II.5a; Mẫu 1.2–1.7).

:func:`recognise` reads a letter's kind from its title line (``QUYẾT ĐỊNH``, ``KẾ HOẠCH``, ...,
under the header) or, failing that, from the ký hiệu's first group (``Số: 12/QĐ-SKHCN``).
:func:`adapt` takes the kind's own components (the title block, a quyết định's authority line
and ``QUYẾT ĐỊNH:``) out of the body, so the body rules see body paragraphs only; :func:`check`
applies the kind's rules (``decree30.KIND_RULES``). A công văn is left to the công văn's rules.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from letter_gen import decree30 as D
from letter_gen import vn
from letter_gen.checking.findings import Finding, findings_of, format_as, format_problems, share_words
from letter_gen.checking.letter_parts import Letter, Line, Para, at, is_dash
from letter_gen.i18n import _
from letter_gen.metrics import wrapped_line_widths

__all__ = ["KindView", "adapt", "check", "recognise"]

_TITLES = {vn.without_marks(f.title).upper(): key for key, f in D.FORMS.items() if f.title}
_ABBREVIATIONS = {vn.without_marks(f.abbreviation).upper(): key for key, f in D.FORMS.items() if f.abbreviation}
_BASIS = re.compile(r"^(Căn cứ|Theo đề nghị|Xét đề nghị)\b")
_ARTICLE = re.compile(r"^Điều\s+(\d+)\s*\.")
_ROMAN = re.compile(r"^(I|II|III|IV|V|VI|VII|VIII|IX|X)\.\s")
_ROMANS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")


@dataclass
class KindView:
    """A letter read as a document of one kind: its form and the components of that form."""

    key: str  # a key of decree30.FORMS: "quyết định", ...
    title: Line | None = None
    subject: list[Line] = field(default_factory=list)
    rule: Para | None = None  # the paragraph drawing the rule under the trích yếu
    authority: Line | None = None  # a quyết định's authority line
    decides: Line | None = None  # "QUYẾT ĐỊNH:"

    @property
    def form(self) -> D.DocumentForm:
        return D.FORMS[self.key]


@lru_cache(maxsize=4096)  # every paragraph after the header, the same ones in most letters of a batch
def _plain(text: str) -> str:
    return " ".join(vn.without_marks(text).upper().split())


_LONGEST_TITLE = max(len(title) for title in _TITLES)
_ASCII_SPACE = b" \t\n\v\f\r\x1c\x1d\x1e\x1f"


@lru_cache(maxsize=1024)
def _is_title(text: str) -> bool:
    """Whether ``_plain(text)`` is a kind's name. Every ASCII character but white space shows in
    the fold as one character (nothing composes with it), so a text with more of them than the
    longest name has is none, and the long paragraphs of a letter's body are not folded."""
    if len(text.encode("ascii", "ignore").translate(None, _ASCII_SPACE)) > _LONGEST_TITLE:
        return False
    return _plain(text) in _TITLES


def recognise(letter: Letter) -> str | None:
    """The kind of a letter (a key of ``decree30.FORMS``): by its title line, else its ký hiệu; None for a công văn."""
    title = _title_para(letter)
    if title is not None:
        return _TITLES[_plain(title.text)]
    if letter.number is not None:
        parsed = vn.parse_number_line(letter.number.text)
        if parsed is not None and parsed.slash:
            first = _plain(parsed.symbol.split("-")[0])
            return _ABBREVIATIONS.get(first)
    return None


def _title_para(letter: Letter) -> Para | None:
    """The first paragraph after the header that is a kind's name alone (outside a table)."""
    start = max((line.para.index for line in (letter.number, letter.date) if line is not None), default=-1)
    for para in letter.paras[start + 1 : start + 12]:
        if para.cell is None and para.text and _is_title(para.text):
            return para
    return None


def adapt(letter: Letter) -> KindView | None:
    """The letter's kind and its components, taken out of the body; None for a công văn."""
    key = recognise(letter)
    if key is None:
        return None
    view = KindView(key)
    if letter.kind_title:  # the letter reader found the title block (and a decision's authority line)
        view.title, view.subject = letter.kind_title[0], list(letter.summary)
        view.authority = letter.authority[0] if letter.authority else None
        decides = next((p for p in [*letter.set_apart, *letter.body_all] if _plain(p.text).rstrip(":") == "QUYET DINH"), None)
        if decides is not None:
            view.decides = decides.lines[0]
            letter.body_all = [p for p in letter.body_all if p is not decides]
        return view
    title = _title_para(letter)
    taken: set[int] = set()
    if title is not None:
        view.title = title.lines[0]
        taken.add(title.index)
        for para in letter.paras[title.index + 1 : title.index + 5]:
            if para.cell is not None:
                break
            if not para.text:  # the rule under the trích yếu, or the space after it
                if view.subject and view.rule is None and para.fmt.bottom_border is not None:
                    view.rule = para
                    taken.add(para.index)
                    continue
                if view.subject:
                    break
                continue
            if view.rule is not None or para.fmt.alignment != "center":
                break
            view.subject += [line for line in para.lines if line.text]
            taken.add(para.index)
    body = [p for p in letter.body_all if p.index not in taken]
    texts = [p for p in body if p.text]
    if key == "quyết định" and texts:
        first = texts[0]
        if not _BASIS.match(first.text) and _plain(first.text) == _plain(vn.upper(first.text)) and first.text == vn.upper(first.text):
            view.authority = first.lines[0]
            taken.add(first.index)
        decides = next((p for p in [*letter.set_apart, *texts] if _plain(p.text).rstrip(":") == "QUYET DINH"), None)
        if decides is not None:
            view.decides = decides.lines[0]
            taken.add(decides.index)
    letter.body_all = [p for p in letter.body_all if p.index not in taken]
    return view


# --- formatting, as the rules of a công văn check it ------------------------------------------

# --- the rules ----------------------------------------------------------------------------------


def check(letter: Letter, view: KindView) -> Iterator[Finding]:
    """The kind's rules: its ký hiệu, title block and parts, and what its form adds."""
    yield from _check_symbol(letter, view)
    yield from _check_title_block(view)
    yield from _check_parts(letter, view)
    if view.key == "quyết định":
        yield from _check_authority(view)
        yield from _check_bases(letter)
        yield from _check_decides(view)
        yield from _check_articles(letter)
    if view.key in ("kế hoạch", "thông báo", "báo cáo"):
        yield from _check_sections(letter)
    if view.key == "giấy mời":
        yield from _check_invitation(letter)


def _check_symbol(letter: Letter, view: KindView) -> Iterator[Finding]:
    abbreviation = view.form.abbreviation
    if letter.number is None or abbreviation is None:
        return
    parsed = vn.parse_number_line(letter.number.text)
    if parsed is None or not parsed.slash:
        return
    first = parsed.symbol.split("-")[0]
    if first != abbreviation:
        yield Finding("kind-symbol", at(_("Số line"), letter.number.text),
                      _('a {kind}\'s ký hiệu begins with "{abbreviation}-": "Số: 12/{abbreviation}-..."').format(
                          kind=view.form.name.lower(), abbreviation=abbreviation))  # fmt: skip


def _check_title_block(view: KindView) -> Iterator[Finding]:
    title = view.form.title or ""
    if view.title is None:
        yield Finding("title-block", _("Title"), _('not found; under the header a {kind} shows "{title}" alone on its line').format(
            kind=view.form.name.lower(), title=title))
        return
    problems: list[str] = []  # its formatting is the title rule's (rules.py), from the same table
    if len(view.title.para.lines) > 1 or " ".join(view.title.shown.split()) != title:
        problems.append(_('must read "{title}" alone on its line').format(title=title))
    yield from findings_of("title-block", at(_("Title"), view.title.shown), problems)
    if not view.subject:
        yield Finding("title-block", _("Trích yếu"), _("not found; the trích yếu goes under the title, bold, centred"))
        return
    for line in view.subject:
        problems = []
        if line.text.casefold().startswith("v/v"):
            problems.append(_('no "V/v" before the trích yếu of a document with a title (that belongs to a công văn)'))
        yield from findings_of("title-block", at(_("Trích yếu"), line.text), problems)
    if view.rule is None:
        return  # drawn as a shape, or missing: the title-rule check of rules.py reads both
    first = view.subject[0].first()
    column = view.subject[0].para.fmt.text_width_mm or 165.0
    longest = max(
        max(wrapped_line_widths(line.shown, column, first.size_pt if first else 14, "bold")) for line in view.subject
    )
    length, share = view.rule.fmt.text_width_mm, D.TITLE_RULE.share
    border = view.rule.fmt.bottom_border
    if border is not None and border.style not in ("single", "thick"):
        yield Finding("title-block", _("Rule under the trích yếu"), _("not a single solid line"))
    if length is not None and not share.low * longest * (1 - D.TITLE_RULE.tolerance) <= length <= share.high * longest * (1 + D.TITLE_RULE.tolerance):
        yield Finding("title-block", _("Rule under the trích yếu"),
                      _("{length} mm long; it must be {share} as long as the trích yếu's line: {target}").format(
                          length=f"{length:.0f}", share=share_words(share),
                          target=f"{share.low * longest:.0f}–{share.high * longest:.0f} mm"))  # fmt: skip
    centre, text_centre = view.rule.fmt.centre_mm, view.subject[0].para.fmt.centre_mm
    if centre is not None and text_centre is not None and abs(centre - text_centre) > D.RULE_CENTRE_TOLERANCE_MM:
        yield Finding("title-block", _("Rule under the trích yếu"),
                      _("off centre by {mm} mm; it must be centred").format(mm=f"{abs(centre - text_centre):.0f}"))


def _check_parts(letter: Letter, view: KindView) -> Iterator[Finding]:
    name = view.form.name.lower()
    if letter.kinh_gui is not None and not view.form.kinh_gui:
        yield Finding("kind-parts", at(_("Kính gửi"), letter.kinh_gui.text),
                      _("a {kind} has no Kính gửi (only a công văn, tờ trình or báo cáo): name the recipients in Nơi nhận").format(kind=name))  # fmt: skip
    if letter.kinh_gui is None and view.form.kinh_gui and view.key != "báo cáo":  # a report to the agency's own head has none
        yield Finding("kind-parts", _("Kính gửi"), _('not found; a {kind} names the body it goes to: "Kính gửi: ..."').format(kind=name))
    for line in letter.subject:
        if line in view.subject:
            continue  # a "V/v" typed into the title block: the title block's rule says so
        yield Finding("kind-parts", at(_("V/v line"), line.text), _('a {kind} has no "V/v" line: its trích yếu is in the title block').format(kind=name))


def _check_authority(view: KindView) -> Iterator[Finding]:
    if view.authority is None:
        yield Finding("issuing-authority", _("Issuing authority"),
                      _('not found; under the title block a quyết định names who decides, in capitals: "GIÁM ĐỐC SỞ ..."'))
        return
    yield from findings_of("issuing-authority", at(_("Issuing authority"), view.authority.text), format_as(view.authority, D.ISSUING_AUTHORITY))


def _bases(letter: Letter) -> list[Para]:
    """The Căn cứ lines and Theo đề nghị, the run of them at the start of the body."""
    found: list[Para] = []
    for para in letter.body:
        if _BASIS.match(para.text):
            found.append(para)
        elif found:
            break
    return found


def _check_bases(letter: Letter) -> Iterator[Finding]:
    bases = _bases(letter)
    if not any(p.text.startswith("Căn cứ") for p in bases):
        yield Finding("can-cu", _("Căn cứ"), _('not found; a quyết định states its legal bases first, each line beginning "Căn cứ"'))
        return
    for i, para in enumerate(bases):
        line = para.lines[-1]
        problems = format_problems(line, italic=D.BASES.italic)  # only the slant: size and alignment are the body's
        end = "." if i == len(bases) - 1 else ";"
        if not para.text.endswith(end):
            problems.append(_('the last line ends with "."') if end == "." else _('each line but the last ends with ";"'))
        label = match.group(1) if (match := _BASIS.match(para.text)) else "Căn cứ"
        yield from findings_of("can-cu", at(label, para.text), problems)


def _check_decides(view: KindView) -> Iterator[Finding]:
    if view.decides is None:
        yield Finding("decides", "QUYẾT ĐỊNH:", _('not found; "QUYẾT ĐỊNH:" stands alone, centred in bold, before "Điều 1."'))
        return
    problems = format_as(view.decides, D.DECIDES)
    if view.decides.text != "QUYẾT ĐỊNH:":
        problems.append(_('write exactly "QUYẾT ĐỊNH:"'))
    yield from findings_of("decides", at("QUYẾT ĐỊNH", view.decides.text), problems)


def _check_articles(letter: Letter) -> Iterator[Finding]:
    articles = [(int(m.group(1)), p, m) for p in letter.body if (m := _ARTICLE.match(p.text))]
    if not articles:
        yield Finding("dieu", "Điều", _('no articles found; a quyết định decides in articles "Điều 1.", "Điều 2." ...'))
        return
    for expected, (number, para, match) in enumerate(articles, start=1):
        problems = []
        if number != expected:
            problems.append(_("Điều {number} comes where Điều {expected} is due; number the articles 1, 2, 3 in order").format(
                number=number, expected=expected))
        lead = match.group(0)
        shown = ""
        bold: list[bool] = []
        for text, fmt in para.lines[0].pieces:
            if len(shown) >= len(lead):
                break
            shown += text
            if text.strip():
                bold.append(bool(fmt.bold))
        if not all(bold):
            problems.append(_('"{lead}" is not bold; "Điều N." is written in bold').format(lead=lead))
        yield from findings_of("dieu", at(f"Điều {number}", para.text), problems)
    last = articles[-1][0]
    # "- Như Điều N;" is the form's first item, but real decisions list the higher bodies first: any place will do.
    carries_out = any(item.text.lstrip("-– ").startswith("Như Điều") for item in letter.items)
    if letter.items and is_dash(letter.items[0]) and not carries_out:
        yield Finding("dieu", at(_("Nơi nhận item"), letter.items[0].text),
                      _('the first item of a quyết định is "- Như Điều {last};" (who carries it out)').format(last=last))  # fmt: skip


def _check_sections(letter: Letter) -> Iterator[Finding]:
    sections = [(p, m.group(1)) for p in letter.body if (m := _ROMAN.match(p.text))]
    if not sections:
        return  # the decree leaves a body's structure to its writer; numbered sections are checked when used
    for expected, (para, numeral) in zip(_ROMANS, sections):
        problems = []
        if numeral != expected:
            problems.append(_("section {numeral} comes where {expected} is due; number them I, II, III in order").format(
                numeral=numeral, expected=expected))
        formats = para.lines[0].formats()
        if formats and not all(f.bold for f in formats):
            problems.append(_("not bold; section headings are bold"))
        yield from findings_of("sections", at(_("Section {numeral}").format(numeral=numeral), para.text), problems)


def _check_invitation(letter: Letter) -> Iterator[Finding]:
    texts = [p.text for p in letter.body]
    wanted = (
        ("trân trọng kính mời", lambda t: "trân trọng kính mời" in t.casefold()),
        ("Tới dự:", lambda t: t.startswith("Tới dự")),
        ("Thời gian:", lambda t: t.startswith("Thời gian:")),
        ("Địa điểm:", lambda t: t.startswith("Địa điểm:")),
    )
    for label, found in wanted:
        if not any(found(t) for t in texts):
            yield Finding("invitation-parts", "Giấy mời", _('no "{label}" line; a giấy mời says whom it invites, to what, when and where').format(label=label))
