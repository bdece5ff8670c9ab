"""Where the signature block is on the laid-out letter, read from the PDF's own text.

poppler's ``pdftotext -bbox-layout`` gives every line of text with its box. The signature
block of a công văn is the right column level with ``Nơi nhận:`` on the last page that has
one: the authority and title lines in capitals (``KT. GIÁM ĐỐC`` / ``PHÓ GIÁM ĐỐC``), room to
sign, then the signer's name. The Số line on page 1 tells an issued letter from a draft.

Boxes are in PDF points with the origin at the bottom left of the page (PDF user space), so
they can be handed to the signing library as they are.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from letter_gen.i18n import _
from letter_gen.signing.errors import NotIssuedError, SignatureBlockNotFound, SigningError

_NS = {"h": "http://www.w3.org/1999/xhtml"}
_NUMBER_RE = re.compile(r"Số\s*:\s*(\d+)\s*/\s*(\S+)")
_DRAFT_NUMBER_RE = re.compile(r"Số\s*:\s*/")
_DRAFT_DATE_RE = re.compile(r"ngày\s*\.{2,}|tháng\s*\.{2,}")


@dataclass(frozen=True)
class Box:
    """A rectangle in PDF user space: x to the right, y up, in points."""

    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    @property
    def centre(self) -> tuple[float, float]:
        return (self.x0 + self.x1) / 2, (self.y0 + self.y1) / 2

    def as_tuple(self) -> tuple[float, float, float, float]:
        return (self.x0, self.y0, self.x1, self.y1)


@dataclass(frozen=True)
class TextLine:
    """One line of laid-out text and its box (PDF user space)."""

    text: str
    box: Box


@dataclass(frozen=True)
class Page:
    """The text lines of one page, in reading order, and the page's size in points."""

    index: int
    width: float
    height: float
    lines: tuple[TextLine, ...]


@dataclass(frozen=True)
class SignatureBlock:
    """The signature block as laid out: title lines (ô 7a, 7b) and the signer's name (ô 7c)."""

    page: int
    titles: tuple[TextLine, ...]
    name: TextLine

    @property
    def gap(self) -> Box:
        """The room between the last title line and the name, across the block's width."""
        x0 = min(line.box.x0 for line in (*self.titles, self.name))
        x1 = max(line.box.x1 for line in (*self.titles, self.name))
        return Box(x0, self.name.box.y1, x1, self.titles[-1].box.y0)

    @property
    def centre_x(self) -> float:
        """The block's centre line: the titles and the name are centred on it."""
        centres = [line.box.centre[0] for line in (*self.titles, self.name)]
        return sum(centres) / len(centres)


def read_pages(pdf: Path) -> list[Page]:
    """Every page's text lines with their boxes (``pdftotext -bbox-layout``)."""
    exe = shutil.which("pdftotext")
    if exe is None:
        raise SigningError(_("pdftotext is needed to find the signature block: apt-get install poppler-utils"))
    try:
        done = subprocess.run([exe, "-bbox-layout", str(pdf), "-"], capture_output=True, timeout=120, check=False)
    except (OSError, subprocess.TimeoutExpired) as err:
        raise SigningError(_("{pdf}: the PDF could not be read ({err})").format(pdf=pdf, err=err)) from err
    if done.returncode != 0:
        raise SigningError(_("{pdf}: this is not a PDF that can be read (pdftotext: {why})").format(
            pdf=pdf, why=done.stderr.decode(errors="replace").strip() or done.returncode))
    root = etree.fromstring(done.stdout, parser=etree.XMLParser(recover=True, resolve_entities=False))
    pages = []
    for index, page in enumerate(root.iterfind(".//h:page", _NS)):
        height = float(page.get("height"))
        lines = []
        for line in page.iterfind(".//h:line", _NS):
            text = " ".join(w.text or "" for w in line.iterfind("h:word", _NS)).strip()
            if text:
                lines.append(TextLine(text, Box(
                    float(line.get("xMin")), height - float(line.get("yMax")),
                    float(line.get("xMax")), height - float(line.get("yMin")),
                )))
        pages.append(Page(index, float(page.get("width")), height, tuple(lines)))
    if not pages:
        raise SigningError(_("{pdf}: the PDF has no pages").format(pdf=pdf))
    return pages


def document_number(pdf: Path, pages: list[Page] | None = None) -> str:
    """The letter's số and ký hiệu (``05/SKHCN-TTr``) from page 1; a draft is refused.

    A draft shows ``Số:      /SKHCN-TTr`` or ``ngày ... tháng ...``: it is signed only once the
    number and date are given, when the letter is issued.
    """
    pages = pages if pages is not None else read_pages(pdf)
    text = "\n".join(line.text for line in pages[0].lines)
    if _DRAFT_NUMBER_RE.search(text) or _DRAFT_DATE_RE.search(text):
        raise NotIssuedError(_(
            "{pdf}: this letter is a draft (its Số line or date is blank); only an issued letter is signed:"
            " issue it first (letter-gen render ... --issue --pdf)"
        ).format(pdf=pdf))
    found = _NUMBER_RE.search(text)
    if found is None:
        raise NotIssuedError(_(
            "{pdf}: no Số line (\"Số: 05/SKHCN-TTr\") on page 1; only an issued letter with its number is signed"
        ).format(pdf=pdf))
    return f"{found.group(1)}/{found.group(2)}"


def find_signature_block(pdf: Path, pages: list[Page] | None = None) -> SignatureBlock:
    """The signature block of the letter: the right column level with ``Nơi nhận:``.

    Searched from the last page back. The title lines are the capitalised lines at the top of
    the column (authority and title); the name is the first line after them that is not in
    capitals.
    """
    pages = pages if pages is not None else read_pages(pdf)
    for page in reversed(pages):
        block = _block_on(page)
        if block is not None:
            return block
    raise SignatureBlockNotFound(_(
        "{pdf}: the signature block (chức vụ and họ tên of the signer) was not found: the letter should end with"
        " \"Nơi nhận:\" on the left and the signer's title in capitals and name on the right, as letter-gen lays it out"
    ).format(pdf=pdf))


def _block_on(page: Page) -> SignatureBlock | None:
    anchors = [line for line in page.lines if line.text.replace(" ", "").startswith("Nơinhận")]
    if anchors:
        top = anchors[-1].box.y1 + 2
    else:  # no Nơi nhận: the block follows the end of the body ("./.")
        ends = [line for line in page.lines if line.text.endswith("./.")]
        if not ends:
            return None
        top = ends[-1].box.y0
    middle = page.width / 2
    column = sorted(
        (line for line in page.lines if line.box.y1 <= top and line.box.centre[0] > middle and line.box.x0 > middle * 0.8),
        key=lambda line: -line.box.y1,
    )
    titles: list[TextLine] = []
    for line in column:
        if _capitals(line.text):
            if titles and titles[-1].box.y0 - line.box.y1 > line.box.height:
                break  # a capitalised line far below the titles is not a title
            titles.append(line)
        elif titles and any(ch.isalpha() for ch in line.text):
            return SignatureBlock(page.index, tuple(titles), line)
        elif titles:
            break
    return None


def _capitals(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return bool(letters) and all(ch.isupper() for ch in letters)
