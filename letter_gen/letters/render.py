"""Render letters into .docx with a docxtpl template, prepared once and used many times.

Preparing does what plain docxtpl redoes for every letter: read the package, patch the
template XML (docxtpl's ``patch_xml``), compile its Jinja, and compress the parts that never
change. Rendering a letter then fills the compiled parts and appends them to a copy of the
ready zip. Jinja is configured once, here: sandboxed, autoescaped (``KH&CN`` survives), and
strict about undefined variables.
"""

from __future__ import annotations

import functools
import io
import re
import zipfile
import zlib
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any
from xml.parsers import expat

import jinja2
from docxtpl import DocxTemplate

from letter_gen import limits, vn
from letter_gen.errors import TemplateError
from letter_gen.i18n import _, local_number
from letter_gen.letters import layout as L
from letter_gen.letters.bundled import AGENCY_RULE_STYLE, MOTTO_RULE_STYLE, TITLE_RULE_STYLE
from letter_gen.letters.compose import LetterContent
from letter_gen.letters.sandbox import LetterSandbox, LimitError
from letter_gen.metrics import Face
from letter_gen.ooxml import CENTRAL_RECORD, CENTRAL_SIGNATURE, END_RECORD, END_SIGNATURE

_TAG = re.compile(r"\{[{%#]")
_LISTING = re.compile("[\t\n\a\f]")


def _rule_paragraph(style: str) -> re.Pattern[str]:
    return re.compile(
        r"(<w:p\b(?:(?!</w:p>).)*?<w:pStyle w:val=\"" + style + r"\"/>(?:(?!</w:p>).)*?)<w:ind [^>]*/>", re.DOTALL
    )


# The bundled template's header geometry follows each letter: the rule under the agency name
# follows its length, and the columns widen for a long place name. A template that has no such
# paragraphs or widths is left as it is.
_RULE_INDENTS = [
    (_rule_paragraph(style), f'<w:ind w:left="{{{{ {var} }}}}" w:right="{{{{ {var} }}}}"/>')
    for style, var in (
        (AGENCY_RULE_STYLE, "layout_agency_rule_indent"),
        (MOTTO_RULE_STYLE, "layout_motto_rule_indent"),
        (TITLE_RULE_STYLE, "layout_title_rule_indent"),
    )
]
_HEADER_WIDTHS = [
    (f'w:w="{L.twips(L.HEADER_LEFT_MM)}"', 'w:w="{{ layout_header_left }}"'),
    (f'w:w="{L.twips(L.HEADER_RIGHT_MM)}"', 'w:w="{{ layout_header_right }}"'),
]


def _keep_first_group(match: re.Match[str], tail: str) -> str:
    return match.group(1) + tail


def header_left_mm(content: LetterContent) -> float:
    """Width of the header's left column (agency, Số, V/v) in the bundled template."""
    phrase = vn.parse_date_phrase(content.place_date)
    widest = vn.widest_place_date_line(phrase.place, content.year) if phrase else content.place_date
    return L.header_columns(widest)[0]


def broken_header(content: LetterContent, left_mm: float) -> dict[str, str | None]:
    """The V/v and the agency lines broken into balanced lines of the left column, joined
    with "\n" (a line break in the rendered letter)."""

    def broken(text: str | None, size: float, face: Face) -> str | None:
        return None if text is None else "\n".join(L.balanced_lines(text, left_mm, size, face))

    return {
        "parent_agency": broken(content.parent_agency, L.SIZE_PARENT, "regular"),
        "agency_name": broken(content.agency_name, L.SIZE_AGENCY, "bold"),
        "subject_line": broken(content.subject_line, L.SIZE_SUBJECT, "regular"),
    }


def layout_context(content: LetterContent, adapts_columns: bool = True) -> dict[str, Any]:
    """The header geometry of one letter, in twips (``layout_*`` template variables), and its
    V/v and agency lines broken into balanced lines; the columns keep their widths, and the
    lines their words, in a template whose header is not the bundled one."""
    if not adapts_columns:
        left, right = L.HEADER_LEFT_MM, L.HEADER_RIGHT_MM
    else:
        left = header_left_mm(content)
        right = L.TEXT_WIDTH_MM - left
    broken = broken_header(content, left) if adapts_columns else {}
    agency_lines = broken.get("agency_name") or content.agency_name  # the rule follows the lines shown
    return {
        **broken,
        "layout_header_left": L.twips(left),
        "layout_header_right": L.twips(right),
        "layout_agency_rule_indent": L.side_indent_twips(left, L.agency_rule_mm(agency_lines, left)),
        "layout_motto_rule_indent": L.side_indent_twips(right, L.motto_rule_mm(content.motto)),
        "layout_title_rule_indent": L.side_indent_twips(L.TEXT_WIDTH_MM, L.title_rule_mm(content.subject)),
    }


def make_environment() -> LetterSandbox:
    """The one Jinja environment of letter_gen: sandboxed with bounded work
    (:mod:`letter_gen.letters.sandbox`), autoescaped, strict."""
    return LetterSandbox(autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True)


@dataclass(frozen=True)
class _Part:
    name: str
    template: jinja2.Template


class PreparedTemplate:
    """A docxtpl template read, patched and compiled once; :meth:`render` fills it per letter."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._environment = make_environment()
        entries = _read_package(self.path)
        self._parts: list[_Part] = []
        self._last_document: bytes | None = None  # the last letter's document.xml, as deflated into it
        self._adapts_columns = False  # whether the header's widths follow each letter
        base = io.BytesIO()
        with zipfile.ZipFile(base, "w", zipfile.ZIP_DEFLATED) as zipped:
            for info, data in entries:
                patched = _patched_part(info.filename, data)
                if info.filename == "docProps/app.xml":
                    data = _marked(data)
                if patched is None:
                    zipped.writestr(_fixed_info(info.filename), data)
                else:
                    self._parts.append(_Part(info.filename, self._compile(info.filename, patched)))
        if not any(p.name == "word/document.xml" for p in self._parts):
            raise TemplateError(_("{path}: not a Word document (no word/document.xml)").format(path=self.path))
        self._base = _ZipBase(base.getvalue())

    def _compile(self, part: str, patched: str) -> jinja2.Template:
        for pattern, indent in _RULE_INDENTS:
            patched = pattern.sub(functools.partial(_keep_first_group, tail=indent), patched)
        header_end = patched.find("</w:tbl>")  # the first table is the header
        if header_end > 0:
            header = patched[:header_end]
            for fixed, variable in _HEADER_WIDTHS:
                self._adapts_columns |= fixed in header
                header = header.replace(fixed, variable)
            patched = header + patched[header_end:]
        # docxtpl's escapes for literal delimiters ({_{ prints {{) are resolved in the template,
        # not in the output as docxtpl does, where they would also rewrite the data.
        for escaped, literal in (("{_{", "{{"), ("}_}", "}}"), ("{_%", "{%"), ("%_}", "%}")):
            patched = patched.replace(escaped, "{{ '" + literal + "' }}")
        try:
            return self._environment.from_string(patched)
        except jinja2.TemplateSyntaxError:
            pass
        # Compiled again with one line per paragraph (as docxtpl does), only to say where the
        # error is: the letters themselves are rendered without those line breaks.
        lined = re.sub(r"<w:p([ >])", r"\n<w:p\1", patched)
        try:
            self._environment.from_string(lined)
        except jinja2.TemplateSyntaxError as err:
            raise TemplateError(
                _("{path}: {part}: Jinja syntax error near paragraph {paragraph!r}: {err}").format(
                    path=self.path, part=part, paragraph=_paragraph_text(lined, err.lineno), err=err.message)
            ) from err
        raise AssertionError("a line break between paragraphs made a Jinja syntax error go away")

    def render(self, content: LetterContent, *, check_document: bool = True) -> bytes:
        """The .docx bytes of one letter (``check_document``: see :meth:`render_with_document`)."""
        context = {**content.context(), **layout_context(content, self._adapts_columns)}
        return self.render_context(context, check_document=check_document)

    def render_with_document(self, content: LetterContent, *, check_document: bool = True) -> tuple[bytes, bytes]:
        """The .docx bytes of one letter, and its ``word/document.xml`` (the verifier does not
        inflate it again). ``check_document=False`` leaves that part's XML unparsed here: the
        caller proves it well-formed (the verifier does, for a letter it proves) or calls
        :meth:`check_well_formed`."""
        data = self.render(content, check_document=check_document)
        assert self._last_document is not None
        return data, self._last_document

    def render_context(self, context: dict[str, Any], *, check_document: bool = True) -> bytes:
        """The .docx bytes for an arbitrary context (user templates, tests)."""
        self._last_document = None
        parts = [(part.name, self._render_part(part, context, check_document)) for part in self._parts]
        size = self._base.size + sum(len(data) for name, data in parts)
        if size > limits.LETTER_BYTES:
            raise TemplateError(
                _("{path}: a letter from this template would take {size}, more than a letter may ({limit} at most)").format(
                    path=self.path, size=limits.megabytes(size), limit=limits.megabytes(limits.LETTER_BYTES)
                )
            )
        return self._base.with_parts(parts)

    def check_well_formed(self, document: bytes) -> None:
        """:class:`TemplateError` unless this template's rendered ``word/document.xml`` is
        well-formed XML (see ``check_document`` of :meth:`render_with_document`)."""
        self._check_xml("word/document.xml", document)

    def _check_xml(self, part: str, data: bytes) -> None:
        try:
            _well_formed(data)  # never hand out a letter Word would call corrupt
        except expat.ExpatError as err:
            raise TemplateError(_("{path}: {part}: the rendered letter is not valid XML ({err})").format(path=self.path, part=part, err=err)) from err

    def _render_part(self, part: _Part, context: dict[str, Any], check_document: bool = True) -> bytes:
        try:
            xml = self._bounded_render(part, context)
        except LimitError as err:
            raise TemplateError(_("{path}: {part}: the template does too much: {problem}").format(
                path=self.path, part=part.name, problem=err
            )) from err
        except jinja2.UndefinedError as err:
            raise TemplateError(
                _("{path}: the template uses a variable the letter does not have ({err});"
                  " `letter-gen template vars` lists the variables a template can use").format(path=self.path, err=err.message)
            ) from err
        except jinja2.exceptions.SecurityError as err:
            raise TemplateError(_("{path}: the template tried something not allowed: {err}").format(path=self.path, err=err)) from err
        except jinja2.TemplateError as err:
            raise TemplateError(_("{path}: {part}: the template failed: {err}").format(path=self.path, part=part.name, err=err)) from err
        except Exception as err:  # a clerk's template may divide by zero, add text to a number...
            raise TemplateError(_("{path}: {part}: the template failed ({kind}: {err})").format(
                path=self.path, part=part.name, kind=type(err).__name__, err=err)) from err
        xml = _resolved_listings(xml)
        data = xml.encode("utf-8")
        document = part.name == "word/document.xml"
        if check_document or not document:
            self._check_xml(part.name, data)
        if document:
            self._last_document = data
        return data

    def _bounded_render(self, part: _Part, context: dict[str, Any]) -> str:
        """The part rendered, stopped as soon as its text grows past the limit."""
        self._environment.start_part()
        template = part.template
        output = template.root_render_func(template.new_context(context))
        chunks: list[str] = []
        size = 0
        while batch := list(islice(output, 16)):  # each chunk is at most limits.VALUE_ITEMS long
            size += sum(map(len, batch))
            if size > limits.RENDERED_PART_CHARS:
                raise LimitError(_("the part would hold more than {limit} characters").format(limit=local_number(limits.RENDERED_PART_CHARS, ",")))
            chunks += batch
        return "".join(chunks)


# docxtpl's patch_xml (its dialect: {%p %}, {%r %}, ...) and resolve_listing (line breaks,
# tabs) read nothing from their instance; calling them unbound avoids loading a Document.
_NO_INSTANCE: Any = object()


def _well_formed(data: bytes) -> None:
    """Raise ExpatError unless ``data`` is well-formed XML with every prefix declared. expat
    reads it without building a tree: half the time of lxml's parse, a tenth of a render."""
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.Parse(data, True)


def _resolved_listings(xml: str) -> str:
    """The part with docxtpl's ``resolve_listing`` applied to each paragraph whose text holds a
    tab, line break, ``\\a`` or ``\\f`` (the V/v and agency lines of most letters), found from
    those characters: a pattern over every paragraph cost a fifth of a render."""
    pieces: list[str] = []
    done = 0  # everything before this is in pieces
    position = max(0, xml.find("<w:body"))
    while found := _LISTING.search(xml, position):
        at = found.start()
        start = max(xml.rfind("<w:p>", done, at), xml.rfind("<w:p ", done, at))
        if start < 0 or xml.find("</w:p>", start, at) >= 0:
            position = at + 1  # between paragraphs (an indented part): not text
            continue
        end = xml.find("</w:p>", at)
        if end < 0:
            break
        end += len("</w:p>")
        pieces += (xml[done:start], _resolved_paragraph(xml[start:end]))
        done = position = end
    return "".join(pieces) + xml[done:] if pieces else xml


@functools.lru_cache(maxsize=64)
def _resolved_paragraph(paragraph: str) -> str:
    """docxtpl's ``resolve_listing`` of one paragraph; kept, since a batch's letters share most
    such paragraphs (the agency lines, the V/v)."""
    resolved: str = DocxTemplate.resolve_listing(_NO_INSTANCE, paragraph)
    return resolved


def shows_a_number(docx: bytes) -> bool | None:
    """Whether a letter is an issued one: its Số line carries a number (``Số: 05/...``);
    None when the file is not a Word letter at all."""
    try:
        with zipfile.ZipFile(io.BytesIO(docx)) as zipped:
            xml = zipped.read("word/document.xml").decode("utf-8", "replace")
    except (zipfile.BadZipFile, KeyError, OSError, EOFError):
        return None
    text = "".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml))
    return re.search(r"Số\s*:\s*\d", text) is not None


#: The docx's ``<Application>`` (docProps/app.xml) names letter_gen; Word or LibreOffice put
#: their own name there when a clerk saves the file, so an edited letter no longer carries it.
GENERATOR = "letter-gen"
_APPLICATION = re.compile(rb"<Application>[^<]*</Application>")


def _marked(app_xml: bytes) -> bytes:
    """The template's app.xml naming letter_gen as the program that wrote the letter."""
    marker = f"<Application>{GENERATOR}</Application>".encode()
    if _APPLICATION.search(app_xml):
        return _APPLICATION.sub(marker, app_xml, count=1)
    return app_xml.replace(b"</Properties>", marker + b"</Properties>", 1)


def written_by_letter_gen(docx: bytes) -> bool:
    """Whether a .docx is a letter letter_gen wrote and nobody saved since."""
    try:
        with zipfile.ZipFile(io.BytesIO(docx)) as zipped:
            app = zipped.read("docProps/app.xml")
    except (zipfile.BadZipFile, KeyError, OSError, EOFError):
        return False
    return f"<Application>{GENERATOR}</Application>".encode() in app


def same_letter(one: bytes, other: bytes) -> bool:
    """Whether two .docx packages hold the same parts, however each was compressed."""
    try:
        with zipfile.ZipFile(io.BytesIO(one)) as first, zipfile.ZipFile(io.BytesIO(other)) as second:
            names = sorted(first.namelist())
            return names == sorted(second.namelist()) and all(first.read(n) == second.read(n) for n in names)
    except (zipfile.BadZipFile, OSError, EOFError):
        return False  # a damaged file on disk is not the same letter


class _ZipBase:
    """The parts of a .docx that never change, compressed once, ready to be followed by the
    rendered parts.

    zipfile cannot copy already-compressed entries, and reopening a zip per letter costs more
    than rendering it; so the unchanged entries and their central-directory records are kept
    as bytes (written by zipfile), and each letter adds its own entries and end record.
    """

    def __init__(self, base: bytes) -> None:
        self.size = len(base)
        with zipfile.ZipFile(io.BytesIO(base)) as zipped:
            start, self._count = zipped.start_dir, len(zipped.infolist())
        self._entries = base[:start]
        self._directory = base[start : len(base) - END_RECORD.size]

    def with_parts(self, parts: list[tuple[str, bytes]]) -> bytes:
        local, central = [self._entries], [self._directory]
        offset = len(self._entries)
        for name, data in parts:
            header, record = _entry(name, data, offset)
            local.append(header)
            central.append(record)
            offset += len(header)
        directory = b"".join(central)
        end = END_RECORD.pack(
            END_SIGNATURE, 0, 0,
            self._count + len(parts), self._count + len(parts), len(directory), offset, 0,
        )
        return b"".join(local) + directory + end


_MADE_BY_UNIX = 3 << 8 | 20  # "version made by": Unix, zip 2.0 (as zipfile writes it)


def _entry(name: str, data: bytes, offset: int) -> tuple[bytes, bytes]:
    """A deflated zip entry (local header and data) and its central-directory record."""
    info = _fixed_info(name)
    compressor = zlib.compressobj(1, zlib.DEFLATED, -15)  # the fastest level: the part is small
    packed = compressor.compress(data) + compressor.flush()
    info.CRC, info.compress_size, info.file_size = zlib.crc32(data), len(packed), len(data)
    filename = name.encode("ascii")
    dos_time = (info.date_time[3] << 11) | (info.date_time[4] << 5) | (info.date_time[5] // 2)
    dos_date = ((info.date_time[0] - 1980) << 9) | (info.date_time[1] << 5) | info.date_time[2]
    record = CENTRAL_RECORD.pack(
        CENTRAL_SIGNATURE, _MADE_BY_UNIX, 20, 0, zipfile.ZIP_DEFLATED,
        dos_time, dos_date, info.CRC, len(packed), len(data), len(filename), 0, 0, 0, 0, 0, offset,
    )
    return info.FileHeader() + packed, record + filename


def _read_package(path: Path) -> list[tuple[zipfile.ZipInfo, bytes]]:
    try:
        with zipfile.ZipFile(path) as zipped:
            infos = zipped.infolist()
            too_big = limits.oversized_parts(
                ((i.filename, i.file_size) for i in infos), limits.TEMPLATE_PART_BYTES, limits.TEMPLATE_BYTES
            )  # from the zip's directory, before anything is unpacked
            if too_big:
                raise TemplateError(_("{path}: the template is too big: {problem}").format(path=path, problem=too_big))
            return [(info, zipped.read(info)) for info in infos]
    except FileNotFoundError as err:
        raise TemplateError(_("{path}: no such template file").format(path=path)) from err
    except (zipfile.BadZipFile, OSError, EOFError) as err:
        raise TemplateError(_("{path}: not a .docx template (it is not a Word file)").format(path=path)) from err


def docxtpl_patch(xml: str) -> str:
    """docxtpl's rewriting of a part's XML into Jinja source ({%p %} paragraphs, split runs joined)."""
    patched: str = DocxTemplate.patch_xml(_NO_INSTANCE, xml)
    return patched


def _patched_part(name: str, data: bytes) -> str | None:
    """A part docxtpl renders (document, headers, footers), patched into the docxtpl dialect,
    if it holds tags (patching first: it joins delimiters Word split across runs)."""
    if not re.fullmatch(r"word/(document|header\d*|footer\d*|footnotes)\.xml", name):
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise TemplateError(_("{name}: not UTF-8 XML").format(name=name)) from err
    if "{" not in text:
        return None
    patched = docxtpl_patch(text)
    return patched if _TAG.search(patched) else None


def _fixed_info(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=(2021, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def _paragraph_text(xml: str, lineno: int | None) -> str:
    if not lineno:
        return ""
    line = xml.splitlines()[lineno - 1] if lineno <= len(xml.splitlines()) else ""
    return re.sub(r"<[^>]+>", "", line)[:80]
