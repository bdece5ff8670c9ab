"""The laid-out letter: a công văn as LibreOffice prints it (kiểm tra trên trang in).

With ``check --pdf`` the letter is converted to PDF and the page itself is checked: lines
that must not wrap (Quốc hiệu, Tiêu ngữ, the date line), the two rules (đường kẻ) as drawn,
page numbers from page 2 only, and every word inside the margins. Words come from poppler's
``pdftotext -bbox``; drawn lines from the page content stream (pypdf).
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from letter_gen import decree30 as D
from letter_gen import ooxml
from letter_gen.checking.findings import Finding, is_underscores, sections, share_words
from letter_gen.checking.findings import length_mm as _mm
from letter_gen.checking.letter_parts import Letter, at, short
from letter_gen.checking.word_format import w
from letter_gen.errors import ConversionError
from letter_gen.i18n import N_, _, local_number, ngettext
from letter_gen.libreoffice import convert_files
from letter_gen.metrics import MM_PER_PT


@dataclass(frozen=True)
class _Word:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float  # points, from the page's top-left corner


@dataclass(frozen=True)
class _Page:
    number: int
    width: float
    height: float
    words: list[_Word]
    rules: list[tuple[float, float, float]]  # horizontal lines drawn: x0, x1, y (points, top-down)


_WORD = re.compile(r'<word xMin="([-\d.]+)" yMin="([-\d.]+)" xMax="([-\d.]+)" yMax="([-\d.]+)">(.*?)</word>', re.S)
_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)
_PT_PER_MM = 1 / MM_PER_PT


def pdf_pages(pdf: Path) -> list[_Page]:
    """Words (poppler's ``pdftotext -bbox``) and drawn horizontal lines (pypdf) per page."""
    exe = shutil.which("pdftotext")
    if exe is None:
        raise ConversionError(_("pdftotext is needed to check the laid-out letter: apt-get install poppler-utils"))
    try:
        done = subprocess.run([exe, "-bbox", str(pdf), "-"], capture_output=True, timeout=120, check=False)
    except (OSError, subprocess.TimeoutExpired) as err:
        raise ConversionError(_("{pdf}: pdftotext failed ({err})").format(pdf=pdf, err=err)) from err
    if done.returncode != 0:
        raise ConversionError(_("{pdf}: pdftotext failed ({err})").format(pdf=pdf, err=done.stderr.decode(errors="replace").strip()))
    drawn = _pdf_lines(pdf)
    pages = []
    for n, m in enumerate(_PAGE.finditer(done.stdout.decode("utf-8", errors="replace")), start=1):
        words = [
            _Word(unicodedata.normalize("NFC", html.unescape(t)), float(a), float(b), float(c), float(d))
            for a, b, c, d, t in _WORD.findall(m.group(3))
        ]
        rules = list(drawn[n - 1]) if n - 1 < len(drawn) else []
        # A line typed as underscores is drawn as text: count it as a rule.
        rules += [(x.x0, x.x1, x.y1 - 0.2 * (x.y1 - x.y0)) for x in words if is_underscores(x.text)]
        pages.append(_Page(n, float(m.group(1)), float(m.group(2)), words, rules))
    return pages


def _pdf_lines(pdf: Path) -> list[list[tuple[float, float, float]]]:
    """Horizontal lines stroked, or filled as thin rectangles, on each page."""
    from pypdf import PdfReader  # a tenth of a second to import: not for a command that reads no PDF
    from pypdf.generic import ContentStream

    try:
        reader = PdfReader(pdf)
    except Exception as err:  # pypdf raises many types for damaged files
        raise ConversionError(_("{pdf}: not a readable PDF ({err})").format(pdf=pdf, err=err)) from err
    result = []
    for page in reader.pages:
        top, left = float(page.mediabox.top), float(page.mediabox.left)
        found: set[tuple[float, float, float]] = set()
        contents = page.get_contents()
        ops = ContentStream(contents, reader).operations if contents is not None else []
        ctm: tuple[float, ...] = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
        stack: list[tuple[float, ...]] = []
        paths: list[list[tuple[float, float]]] = []

        def point(x: float, y: float) -> tuple[float, float]:
            # Late binding on purpose: the current transformation (ctm) of this page, as the loop
            # below changes it.
            a, b, c, d, e, f = ctm  # noqa: B023
            return x * a + y * c + e - left, top - (x * b + y * d + f)  # noqa: B023

        for operands, op in ops:
            nums = [float(v) for v in operands if isinstance(v, (int, float))]
            if op == b"q":
                stack.append(ctm)
            elif op == b"Q" and stack:
                ctm = stack.pop()
            elif op == b"cm" and len(nums) == 6:
                a, b, c, d, e, f = nums
                A, B, C, D, E, F = ctm
                ctm = (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)
            elif op == b"m" and len(nums) == 2:
                paths.append([point(*nums)])
            elif op == b"l" and len(nums) == 2 and paths:
                paths[-1].append(point(*nums))
            elif op == b"re" and len(nums) == 4:
                x, y, wd, ht = nums
                paths.append([point(x, y), point(x + wd, y), point(x + wd, y + ht), point(x, y + ht), point(x, y)])
            elif op in (b"S", b"s", b"f", b"F", b"f*", b"B", b"B*", b"b", b"b*"):
                for sub in paths:
                    xs, ys = [p[0] for p in sub], [p[1] for p in sub]
                    if max(xs) - min(xs) >= 3 and max(ys) - min(ys) <= 2.5:
                        found.add((round(min(xs), 1), round(max(xs), 1), round(sum(ys) / len(ys), 1)))
                paths = []
            elif op == b"n":
                paths = []
        result.append(sorted(found))
    return result


def _squash(text: str) -> str:
    return "".join(unicodedata.normalize("NFC", text).casefold().split())


def _locate(words: list[_Word], text: str) -> list[_Word]:
    """The consecutive words that spell ``text`` (spaces ignored), or []."""
    target = _squash(text)
    if not target:
        return []
    for i, word in enumerate(words):
        piece = _squash(word.text)
        if not piece or not target.startswith(piece):
            continue
        spelt, j = "", i
        while j < len(words) and len(spelt) < len(target):
            spelt += _squash(words[j].text)
            j += 1
            if not target.startswith(spelt):
                break
        if spelt == target:
            return words[i:j]
    return []


def _rows(words: list[_Word]) -> list[list[_Word]]:
    """Words grouped into printed lines."""
    rows: list[list[_Word]] = []
    for word in sorted(words, key=lambda x: (x.y0, x.x0)):
        if rows and abs(word.y0 - rows[-1][0].y0) < 0.5 * (word.y1 - word.y0):
            rows[-1].append(word)
        else:
            rows.append([word])
    return rows


def _span(words: list[_Word]) -> tuple[float, float, float, float]:
    return min(x.x0 for x in words), max(x.x1 for x in words), min(x.y0 for x in words), max(x.y1 for x in words)


def _rule_below(page: _Page, row: list[_Word]) -> tuple[float, float, float] | None:
    x0, x1, y0, y1 = _span(row)
    height = y1 - y0
    near = [r for r in page.rules if y1 - 0.35 * height <= r[2] <= y1 + 1.6 * height and r[0] < x1 and r[1] > x0]
    # An empty paragraph's border lies a line lower; it still counts if no text is between.
    near = [r for r in near if not any(
        x.x0 < r[1] and x.x1 > r[0] and x.y0 >= y1 - 0.3 * height and x.y1 <= r[2] + 1
        for x in page.words)]  # fmt: skip
    return min(near, key=lambda r: r[2] - y1) if near else None


def layout_findings(letter: Letter, pages: list[_Page]) -> Iterator[Finding]:
    if not pages:
        return
    first = pages[0]
    for label, lines in ((N_("Quốc hiệu"), letter.national), (N_("Tiêu ngữ"), letter.motto), (N_("Date line"), [letter.date])):
        if not lines or lines[0] is None:
            continue
        text = " ".join(line.shown for line in lines if line is not None)
        rows = _rows(_locate(first.words, text))
        if len(rows) > 1:
            yield Finding(
                "pdf-one-line",
                at(_("PDF page {page}: {part}").format(page=1, part=_(label)), text),
                _("wraps onto {n} lines; it must stay on one line").format(n=len(rows)),
            )
    if letter.motto:
        rows = _rows(_locate(first.words, " ".join(line.shown for line in letter.motto)))
        if rows:
            yield from _pdf_rule(first, rows, "pdf-motto-rule", _("PDF page {page}: {part}").format(page=1, part=_("Rule under the Tiêu ngữ")), D.MOTTO_RULE)
    if letter.agency:
        rows = _rows(_locate(first.words, " ".join(line.shown for line in letter.agency)))
        if rows:
            yield from _pdf_rule(first, rows, "pdf-agency-rule", _("PDF page {page}: {part}").format(page=1, part=_("Rule under the agency name")), D.AGENCY_RULE)
    yield from _pdf_page_numbers(letter, pages)
    yield from _pdf_signature_alone(letter, pages)
    sects = sections(letter)
    yield from _pdf_margins(pages, sects[0].find(w("pgMar")) if sects else None, _running_words(letter))


def _pdf_signature_alone(letter: Letter, pages: list[_Page]) -> Iterator[Finding]:
    """A signature block alone on the last page could be attached to anything: at least the
    last lines of the body stand on its page."""
    if len(pages) < 2 or letter.noi_nhan is None:
        return
    last = pages[-1]
    words = last.words
    label = [  # "Nơi nhận:" itself, not "nơi" in a body sentence carried onto the page
        x for x, after in zip(words, words[1:])
        if _squash(x.text) == _squash("Nơi") and _squash(after.text).startswith(_squash("nhận"))
    ] + [x for x in words if _squash(x.text).startswith(_squash("Nơinhận"))]
    if not label:
        return
    top = min(w.y0 for w in label)
    margin = D.MARGINS["top"].low / MM_PER_PT
    running = _running_words(letter)
    above = [w for w in last.words if w.y1 <= top and w.y0 > margin and _squash(w.text) not in running]
    if not above:
        yield Finding(
            "pdf-signature-alone",
            _("PDF page {page}").format(page=last.number),
            _("Nơi nhận and the signature stand alone on the last page; keep at least the last two lines of the body"
              " with them (keep with next on the last body paragraphs)"),
        )


def _running_words(letter: Letter) -> set[str]:
    """Every word printed in a header or footer, squashed like the PDF's words."""
    words: set[str] = set()
    related = letter.document.part.related_parts
    for sect in sections(letter):
        for ref in [*sect.findall(w("headerReference")), *sect.findall(w("footerReference"))]:
            part = related.get(ref.get(f"{{{ooxml.R}}}id"))
            if part is not None:
                words |= {_squash(x) for x in " ".join(t.text or "" for t in part.element.iter(w("t"))).split()}
    return words - {""}


def _pdf_rule(page: _Page, rows: list[list[_Word]], rule: str, where: str, length: D.RuleLength) -> Iterator[Finding]:
    low, high, tol = length.share.low, length.share.high, length.pdf_tolerance
    widest = max(rows, key=lambda row: _span(row)[1] - _span(row)[0])
    x0, x1 = _span(widest)[:2]
    found = _rule_below(page, rows[-1])
    if found is None:
        yield Finding(rule, where, _("no line drawn under the text"))
        return
    crossed = [x for x in page.words if x.x0 < found[1] and x.x1 > found[0]
               and x.y0 + 0.25 * (x.y1 - x.y0) < found[2] < x.y1 - 0.25 * (x.y1 - x.y0)]  # fmt: skip
    if crossed:
        yield Finding(rule, where, _('the line runs through the text "{text}"').format(text=short(" ".join(x.text for x in crossed), 40)))
    share = (found[1] - found[0]) / (x1 - x0)
    if not low * (1 - tol) <= share <= high * (1 + tol):
        wanted = _("as wide as the text") if low == high else _("{share} of the text's width").format(share=share_words(length.share))
        yield Finding(
            rule,
            where,
            _("{mm} mm wide, {share} of the text; it must be {wanted}").format(
                mm=f"{(found[1] - found[0]) * MM_PER_PT:.0f}", share=f"{share:.0%}", wanted=wanted),
        )
    offset = abs((found[0] + found[1]) / 2 - (x0 + x1) / 2) * MM_PER_PT
    if offset >= D.RULE_CENTRE_TOLERANCE_MM:
        yield Finding(rule, where, _("off centre by {mm} mm: centre it under the text").format(mm=f"{offset:.0f}"))


def _pdf_page_numbers(letter: Letter, pages: list[_Page]) -> Iterator[Finding]:
    sects = sections(letter)
    margins = sects[0].find(w("pgMar")) if sects else None
    top, left, right = (_mm(margins, side) * _PT_PER_MM for side in ("top", "left", "right"))
    shown = [[x for x in page.words if x.y1 <= top + 1 and re.fullmatch(r"\d+", x.text)] for page in pages]
    start = 1  # the page where the current numbering begins: an appendix may number its pages anew
    for i, page in enumerate(pages):
        in_top = shown[i]
        where = _("PDF page {page}").format(page=page.number)
        if page.number == 1:
            if in_top:
                yield Finding("pdf-page-number", where, _('shows the page number "{number}"; page 1 has none').format(number=in_top[0].text))
            continue
        if not in_top:
            following = shown[i + 1] if i + 1 < len(pages) else []
            if following and following[0].text == "2" and page.number != 1:
                start = page.number  # an appendix's first page: unnumbered, and the next page shows 2
                continue
            yield Finding("pdf-page-number", where, _("no page number in the top margin"))
            continue
        number = in_top[0]
        expected = page.number - start + 1
        if number.text != str(expected):
            yield Finding("pdf-page-number", where, _('shows "{number}" as its page number; it must be {expected}').format(number=number.text, expected=expected))
        centre = (number.x0 + number.x1) / 2
        off = min(abs(centre - (left + page.width - right) / 2), abs(centre - page.width / 2)) * MM_PER_PT
        if off > 3:
            yield Finding("pdf-page-number", where, _("the page number is {mm} mm off centre; it must be centred").format(mm=f"{off:.0f}"))


#: The sides of a page as the margin findings name them.
_SIDES = {"top": N_("top"), "bottom": N_("bottom"), "left": N_("left"), "right": N_("right")}

#: The decree's narrowest margins (mm): text closer to the edge than this is outside them.
_MIN_MARGINS_MM = {side: float(allowed.low) for side, allowed in D.MARGINS.items()}


def _pdf_margins(pages: list[_Page], margins: Any, running: frozenset[str] | set[str] = frozenset()) -> Iterator[Finding]:
    """Words closer to the paper's edge than the decree's minimum margins, whatever the
    document's own margins (a margin set outside 20–25/30–35/15–20 mm is page-margins'
    finding). Header and footer text (``running``: their words) lives in the margin by
    design and is left to page-number."""
    top, bottom = (_mm(margins, side) * _PT_PER_MM for side in ("top", "bottom"))
    slack = _PT_PER_MM  # 1 mm: glyph boxes of stacked Vietnamese diacritics reach a little higher
    wanted_mm = dict(_MIN_MARGINS_MM)
    for page in pages:
        limits = {side: mm * _PT_PER_MM for side, mm in wanted_mm.items()}
        outside: dict[str, list[tuple[_Word, float]]] = {}
        for x in page.words:
            middle = (x.y0 + x.y1) / 2
            in_band = middle <= max(top, limits["top"]) or middle >= page.height - max(bottom, limits["bottom"])
            if in_band and (re.fullmatch(r"\d+", x.text) or _squash(x.text) in running):
                continue  # a page number, or the header's or footer's text
            for side, over in (("left", limits["left"] - x.x0), ("right", x.x1 - (page.width - limits["right"])),
                               ("top", limits["top"] - x.y0), ("bottom", x.y1 - (page.height - limits["bottom"]))):  # fmt: skip
                if over > slack:
                    outside.setdefault(side, []).append((x, over))
        if outside:
            parts = []
            for side, found in outside.items():
                word = found[0][0]
                deepest = local_number(max(item[1] for item in found) * MM_PER_PT, ".1f")
                if len(found) > 1:
                    parts.append(ngettext('"{word}" and {n} more word {mm} mm into the {side} margin',
                                          '"{word}" and {n} more words {mm} mm into the {side} margin', len(found) - 1)
                                 .format(word=word.text, n=len(found) - 1, mm=deepest, side=_(_SIDES[side])))
                else:
                    parts.append(_('"{word}" {mm} mm into the {side} margin').format(word=word.text, mm=deepest, side=_(_SIDES[side])))
            wanted = ", ".join(_("{side} {mm} mm").format(side=_(_SIDES[side]), mm=f"{wanted_mm[side]:.0f}") for side in outside)
            yield Finding("pdf-margins", _("PDF page {page}").format(page=page.number),
                          _("{found}: keep text inside the margins ({wanted} from the edge)").format(found="; ".join(parts), wanted=wanted))  # fmt: skip


def convert_for_check(paths: Sequence[Path], folder: Path, workers: int | None) -> list[Path]:
    """PDFs of ``paths`` in ``folder``, one per letter, made by the converter pool
    (:func:`letter_gen.libreoffice.convert_files`). Raises :class:`ConversionError` naming
    each letter LibreOffice could not lay out."""
    inbox, out = folder / "in", folder / "pdf"
    inbox.mkdir()
    out.mkdir()
    inputs = []
    for i, path in enumerate(paths):  # neutral names: stems may clash, or start with "-"
        inputs.append(inbox / f"{i:04d}.docx")
        shutil.copyfile(path, inputs[-1])
    errors: dict[int, str] = {}
    for i, result in enumerate(convert_files(inputs, workers=workers, out_dir=out)):
        if result.pdf is None:
            errors[i] = result.error or _("LibreOffice could not convert it")
    pdfs = [out / f"{i:04d}.pdf" for i in range(len(inputs))]
    failed = [i for i, pdf in enumerate(pdfs) if not pdf.is_file()]
    if failed:
        unwritten = _("no PDF written")
        raise ConversionError(
            _("LibreOffice could not convert some letters to PDF"),
            problems=[f"{paths[i]}: {errors.get(i) or unwritten}" for i in failed],
        )
    return pdfs
