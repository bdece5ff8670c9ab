"""Every letter verified (letter_gen.checking.verify): a full check per shape, proof for the rest."""

from __future__ import annotations

import copy
import io
import re
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from letter_gen.checking.rules import check_bytes
from letter_gen.checking.verify import Verifier, full_check
from letter_gen.errors import InputError, NonConformingError
from letter_gen.inputs.formats import load_input
from letter_gen.inputs.model import validate_data
from letter_gen.letters import kinds
from letter_gen.letters.bundled import template_path
from letter_gen.letters.compose import compose, letters_of
from letter_gen.letters.render import PreparedTemplate
from letter_gen.output.batch import BatchOptions, run_batch
from letter_gen.output.writer import conforming
from letter_gen.register.store import Register

from .letters import prepared
from .rounds import make_round, write_round

ROOT = Path(__file__).resolve().parent.parent


def _letters(units: int = 12, mode: str = "per-unit") -> list[bytes]:
    round_ = validate_data(make_round(units=units), "test")
    return [prepared().render(compose(round_, m, u)) for m, u in letters_of(round_, mode)]  # type: ignore[arg-type]


def _edited(docx: bytes, edit: Callable[[str], str]) -> bytes:
    """The letter with its document.xml edited (as a text), the other parts as they were."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/document.xml":
                data = edit(data.decode("utf-8")).encode("utf-8")
            target.writestr(info, data)
    return out.getvalue()


def _verifier_for(letter: bytes) -> Verifier:
    verifier = Verifier()
    assert verifier.verify(letter, "first.docx") == []
    assert verifier.checked_in_full == 1
    return verifier


def test_letters_of_one_shape_are_checked_in_full_once_and_proven_after():
    letters = _letters()
    verifier = Verifier()
    assert all(verifier.verify(letter, f"{i}.docx") == [] for i, letter in enumerate(letters))
    assert (verifier.checked_in_full, verifier.proven) == (1, len(letters) - 1)


def test_loops_of_any_length_are_the_same_shape():
    round_ = validate_data(make_round(units=40), "test")
    letters = [prepared().render(compose(round_, m, u)) for m, u in letters_of(round_, "per-unit")]
    lengths = {len(compose(round_, m, u).body) for m, u in letters_of(round_, "per-unit")}
    assert len(lengths) > 2  # findings and actions of 1 to 5 paragraphs
    verifier = Verifier()
    for letter in letters:
        verifier.verify(letter, "x.docx")
    assert verifier.checked_in_full == 1


TEXT_BREAKS = [
    ("Kính gửi without its colon", lambda xml: xml.replace("Kính gửi:", "Kính gửi", 1), "kinh-gui"),
    ("the body without ./.", lambda xml: xml.replace("./.<", ".<", 1), "body-end"),
    ("Số without its colon", lambda xml: xml.replace("Số:", "Số", 1), "number"),
    ("a day without its 0", lambda xml: xml.replace("ngày ... tháng ...", "ngày 5 tháng 3", 1), "date"),
    ("a month with a 0", lambda xml: xml.replace("ngày ... tháng ...", "ngày 05 tháng 03", 1), "date"),
    ("an impossible date", lambda xml: xml.replace("ngày ... tháng ...", "ngày 30 tháng 02", 1), "date"),
    ("a Nơi nhận item without ;", lambda xml: xml.replace("- Như trên;", "- Như trên", 1), "noi-nhan-items"),
    ("a Lưu line without .", lambda xml: xml.replace("- Lưu: VT, TTr.", "- Lưu: VT, TTr", 1), "noi-nhan-items"),
    ("a signer in capitals", lambda xml: xml.replace("Nguyễn Văn An", "NGUYỄN VĂN AN", 1), "signer-name"),
    ("an academic title", lambda xml: xml.replace("Nguyễn Văn An", "TS. Nguyễn Văn An", 1), "signer-name"),
    ("a Tiêu ngữ misspelt", lambda xml: xml.replace("Tự do", "Tự Do", 1), "motto"),
    ("an agency name in lower case", lambda xml: xml.replace("SỞ TÀI CHÍNH", "Sở Tài chính", 1), "agency"),
]


@pytest.mark.parametrize(("case", "edit", "rule"), TEXT_BREAKS, ids=[c for c, _, _ in TEXT_BREAKS])
def test_a_letter_of_a_checked_shape_whose_words_break_a_rule_is_refused(case, edit, rule):
    first, other, *more = _letters()
    verifier = _verifier_for(first)
    # Letters proven first: the paragraphs, and what passed on them, the broken letter shares with them are kept
    assert all(verifier.verify(letter, "good.docx") == [] for letter in [other, *more])
    broken = _edited(other, edit)
    findings = verifier.verify(broken, "broken.docx")
    assert verifier.proven == len(more) + 2, "verified by proof, not by a full check"
    assert rule in {f.rule for f in findings}
    assert findings == check_bytes(broken, "broken.docx")  # the very findings of a full check


def test_a_control_character_in_the_text_is_refused():
    first, other = _letters()[:2]
    verifier = _verifier_for(first)
    broken = _edited(other, lambda xml: xml.replace("Qua kiểm tra", "Qua&#133; kiểm tra", 1))
    findings = verifier.verify(broken, "broken.docx")
    assert verifier.proven == 1
    assert [f.message for f in findings] == ["contains U+0085, a control character a letter cannot carry"]


def test_a_letter_checked_in_full_is_refused_for_a_control_character_as_a_verified_one_is():
    # render and --check-all are never looser than the default check (the batch's proof)
    first, other = _letters()[:2]
    broken = _edited(other, lambda xml: xml.replace("Qua kiểm tra", "Qua&#133; kiểm tra", 1))
    proven = _verifier_for(first).verify(broken, "broken.docx")
    assert full_check(broken, "broken.docx") == proven and [f.rule for f in proven] == ["text"]
    with pytest.raises(NonConformingError) as refused:
        conforming(broken, "broken.docx")
    assert refused.value.problems == [str(f) for f in proven]


def test_a_date_line_wider_than_its_column_is_refused():
    first, other = _letters()[:2]
    verifier = _verifier_for(first)
    broken = _edited(other, lambda xml: xml.replace("Bà Rịa - Vũng Tàu, ngày", "Thành phố Bà Rịa - Vũng Tàu và vùng lân cận, ngày", 1))
    findings = verifier.verify(broken, "broken.docx")
    assert verifier.proven == 1
    assert any(f.rule == "date" and "wider than its column" in f.message for f in findings)


# Words an XML parser refuses, written where a letter's words go (the proof trusts no parse).
NOT_XML_WORDS = [
    ("an undeclared entity", "Qua &nbsp; kiểm tra"),
    ("a bare ampersand", "Qua & kiểm tra"),
    ("a reference to U+0000", "Qua &#0; kiểm tra"),
    ("a reference past U+10FFFF", "Qua &#x110000; kiểm tra"),
    ("a huge reference", "Qua &#99999999999999999999999; kiểm tra"),
    ("a reference to a surrogate", "Qua &#xD800; kiểm tra"),
    ("a raw control character", "Qua \x01 kiểm tra"),
    ("a raw U+FFFE", "Qua \ufffe kiểm tra"),
    ("a CDATA end", "Qua ]]> kiểm tra"),
]


@pytest.mark.parametrize(("case", "words"), NOT_XML_WORDS, ids=[c for c, _ in NOT_XML_WORDS])
def test_a_letter_whose_words_are_not_xml_is_not_proven(case, words):
    first, other = _letters()[:2]
    verifier = _verifier_for(first)
    broken = _edited(other, lambda xml: xml.replace("Qua kiểm tra", words, 1))
    assert verifier.prove(broken) is None, case
    with pytest.raises(InputError, match="not a Word .docx file"):  # what the full check finds
        verifier.verify(broken, "broken.docx")
    assert verifier.proven == 0


def test_a_letter_whose_document_is_not_utf8_in_its_words_is_not_proven():
    first, other = _letters()[:2]
    verifier = _verifier_for(first)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(other)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/document.xml":
                data = data.replace("Qua kiểm tra".encode(), b"Qua \xff ki\xe1m tra", 1)
            target.writestr(info, data)
    assert verifier.prove(out.getvalue()) is None


def test_references_an_xml_parser_accepts_are_proven_and_read_as_it_reads_them():
    first, other = _letters()[:2]
    verifier = _verifier_for(first)
    fine = _edited(other, lambda xml: xml.replace("Qua kiểm tra", "Qua &#x4B;&#105;ểm &amp; tra &gt; ]] &quot;", 1))
    assert verifier.prove(fine) == check_bytes(fine, "fine.docx") == []
    assert verifier.proven == 1


def test_the_renderer_s_document_is_taken_only_when_it_is_the_letter_s():
    first, other, third = _letters()[:3]
    verifier = _verifier_for(first)
    with zipfile.ZipFile(io.BytesIO(other)) as zipped:
        own = zipped.read("word/document.xml")
    with zipfile.ZipFile(io.BytesIO(third)) as zipped:
        foreign = zipped.read("word/document.xml")
    assert own != foreign
    assert verifier.prove(other, own) == []
    # another letter's document handed with these bytes: the entry's crc-32 refuses it, and the
    # letter is read from its own bytes
    broken = _edited(other, lambda xml: xml.replace("Qua kiểm tra", "Qua &bogus; kiểm tra", 1))
    assert verifier.prove(broken, foreign) is None


FORMAT_CHANGES = [
    ("a body paragraph in 10 pt", lambda xml: re.sub(r'<w:sz w:val="28"/>(?=</w:rPr><w:t xml:space="preserve">Qua kiểm tra)', '<w:sz w:val="20"/>', xml)),
    ("the header's columns widened", lambda xml: xml.replace('w:w="5216"', 'w:w="5300"')),
    ("a rule indent changed", lambda xml: re.sub(r'(AgencyRule"/>.*?<w:ind w:left=")\d+', r"\g<1>100", xml, count=1)),
    ("a page break", lambda xml: xml.replace('<w:t xml:space="preserve">Qua kiểm tra', '<w:br w:type="page"/><w:t xml:space="preserve">Qua kiểm tra', 1)),
]


@pytest.mark.parametrize(("case", "edit"), FORMAT_CHANGES, ids=[c for c, _ in FORMAT_CHANGES])
def test_a_letter_whose_formatting_differs_is_checked_in_full(case, edit):
    first, other = _letters()[:2]
    verifier = _verifier_for(first)
    changed = _edited(other, edit)
    assert changed != other
    findings = verifier.verify(changed, "changed.docx")
    assert (verifier.checked_in_full, verifier.proven) == (2, 0)
    assert findings == check_bytes(changed, "changed.docx")


@pytest.mark.parametrize("part", ["docProps/app.xml", "word/styles.xml", "word/header1.xml"])
def test_a_letter_whose_other_parts_differ_is_checked_in_full(part):
    # parts stored before word/document.xml and after it (the verifier reads a package like
    # the last one checked by comparing the bytes around that entry)
    first, other = _letters()[:2]
    verifier = _verifier_for(first)
    assert verifier.verify(other, "other.docx") == [] and verifier.proven == 1
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(other)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        names = [info.filename for info in source.infolist()]
        for info in source.infolist():
            data = source.read(info)
            if info.filename == part:
                data += b"\n"  # a byte more, the part still well-formed
            target.writestr(info, data)
    assert names.index(part) != names.index("word/document.xml")
    verifier.verify(out.getvalue(), "changed.docx")
    assert (verifier.checked_in_full, verifier.proven) == (2, 1)


def test_a_letter_whose_parts_are_stored_in_another_order_is_still_proven():
    first, other = _letters()[:2]
    verifier = _verifier_for(first)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(other)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in reversed(source.infolist()):
            target.writestr(info, source.read(info))
    assert verifier.verify(out.getvalue(), "reordered.docx") == []
    assert (verifier.checked_in_full, verifier.proven) == (1, 1)


def test_a_letter_whose_document_entry_is_damaged_is_checked_in_full():
    first, other = _letters()[:2]
    verifier = _verifier_for(first)
    with zipfile.ZipFile(io.BytesIO(other)) as zipped:
        entry = zipped.getinfo("word/document.xml")
    damaged = bytearray(other)
    start = entry.header_offset + 30 + len(entry.filename.encode()) + len(entry.extra)
    damaged[start + entry.compress_size // 2] ^= 0xFF  # a byte of its compressed data
    with pytest.raises(InputError):
        verifier.verify(bytes(damaged), "damaged.docx")
    assert verifier.proven == 0


def test_only_the_first_letter_of_a_shape_takes_the_full_check():
    # What verifying costs is measured by bench/run.py, not timed here; here: how many full checks.
    letters = _letters(units=120)
    verifier = Verifier()
    for letter in letters:
        verifier.verify(letter, "x.docx")
    assert verifier.checked_in_full == 1 and verifier.proven == len(letters) - 1


def _template_with_a_10pt_unit(tmp_path: Path, unit: str) -> Path:
    """The bundled template, with a docxtpl condition setting one unit's body in 10 pt."""
    plain = '<w:t xml:space="preserve">{%p if paragraph.heading %}</w:t>'

    def edit(xml: str) -> str:
        start = xml.rindex("<w:p>", 0, xml.index(plain))
        end = xml.index("</w:p>", start) + len("</w:p>")
        condition = xml[start:end]
        body_start = xml.index("<w:p>", end)
        body = xml[body_start : xml.index("</w:p>", body_start) + len("</w:p>")]
        small = body.replace('<w:b/>', '<w:b w:val="0"/>').replace('<w:sz w:val="28"/>', '<w:sz w:val="20"/>')
        nested = (
            condition.replace("{%p if paragraph.heading %}", f"{{%p if unit == '{unit}' %}}")
            + small
            + condition.replace("{%p if paragraph.heading %}", "{%p elif paragraph.heading %}")
        )
        return xml[:start] + nested + xml[end:]

    template = tmp_path / "mau-rieng.docx"
    template.write_bytes(_edited(template_path("follow-up").read_bytes(), edit))
    return template


def test_a_unit_whose_letter_alone_is_in_10pt_is_refused_before_it_takes_a_number(tmp_path):
    data = make_round(units=2600, seed=5)
    data["units"] = [u for u in data["units"] if u["findings"] or u["actions"]][:2100]
    assert len(data["units"]) == 2100
    odd = "Trung tâm Kiểm định số 9999"
    data["units"][1999]["name"] = odd  # letter 2,000 of 2,100 (issue 17)
    source = write_round(tmp_path / "round.yaml", data)
    template = _template_with_a_10pt_unit(tmp_path, odd)
    register = tmp_path / "register.sqlite"
    options = dict(mode="per-unit", template=template, issue=True, register_path=register, workers=2)

    summary = run_batch([source], BatchOptions(out_dir=tmp_path / "out", **options))  # type: ignore[arg-type]
    assert (summary.failed, summary.written) == (1, 2099)
    assert odd in summary.failures[0] and "the decree wants 13–14 pt" in summary.failures[0]
    with Register(register) as book:
        entries = book.entries()
    assert len(entries) == 2099 and not any(odd in entry.recipients for entry in entries)
    assert [e.number for e in entries] == list(range(1, 2100))  # no gap where it would have been

    accepted = run_batch([source], BatchOptions(out_dir=tmp_path / "out2", check=False, **options))  # type: ignore[arg-type]
    assert (accepted.failed, accepted.written) == (0, 2100)
    with Register(register) as book:
        assert any(odd in entry.recipients for entry in book.entries())


_ODD = "Trung tâm Kiểm định số 999"


def _batch_where_one_unit_s_template_writes(
    tmp_path, anchor: str, odd_markup: str, others: str = "", *, before: bool = False, **options
):
    """A 30-unit per-unit batch whose clerk's template writes ``odd_markup`` (Jinja, |safe) just
    after ``anchor`` (``before`` it) for unit 20 alone, ``others`` for the rest: the summary, and the units."""
    data = make_round(units=40, seed=5)
    data["units"] = [u for u in data["units"] if u["findings"] or u["actions"]][:30]
    data["units"][19]["name"] = _ODD
    source = write_round(tmp_path / "round.yaml", data)
    template = tmp_path / "mau-rieng.docx"
    insert = "{{ '" + odd_markup + "'|safe if unit == '" + _ODD + "' else '" + others + "'|safe }}"
    placed = insert + anchor if before else anchor + insert
    template.write_bytes(_edited(template_path("follow-up").read_bytes(), lambda xml: xml.replace(anchor, placed, 1)))
    summary = run_batch([source], BatchOptions(out_dir=tmp_path / "out", mode="per-unit", template=template, workers=2, **options))
    assert (summary.failed, summary.written) == (1, len(data["units"]) - 1)
    assert _ODD in summary.failures[0] and "the rendered letter is not valid XML" in summary.failures[0]
    return summary, data["units"]


def test_a_unit_whose_letter_alone_holds_broken_xml_in_its_words_is_refused_as_the_template_s_fault(tmp_path):
    # The batch does not parse a proven letter's XML: the proof finds its words are not XML.
    register = tmp_path / "register.sqlite"
    _summary, units = _batch_where_one_unit_s_template_writes(
        tmp_path, "Nơi nhận:", "\\x26bogus;", issue=True, register_path=register
    )
    with Register(register) as book:
        assert [e.number for e in book.entries()] == list(range(1, len(units)))


# Words as a clerk's data or Word may write them: references the XML parser replaces, line ends
# it normalises, tabs and line breaks (w:tab, w:br: words too, not the skeleton), nothing at all.
WORD_EDITS = [
    ("an ampersand", lambda text: text + " &amp; Cộng sự"),
    ("references", lambda text: "&lt;" + text + "&gt; &quot;&apos;&#65;&#x1EA0;"),
    ("a line end typed as CR LF", lambda text: text.replace(" ", "\r\n", 1)),
    ("a carriage return alone", lambda text: text.replace(" ", "\r", 1)),
    ("a character reference to a tab", lambda text: "&#9;" + text),
    ("a tab element", lambda text: text.replace(" ", '</w:t><w:tab/><w:t xml:space="preserve">', 1)),
    ("a line break", lambda text: text.replace(" ", '</w:t><w:br/><w:t xml:space="preserve">', 1)),
    ("no words", lambda text: ""),
    ("capitals", lambda text: re.sub(r"[^&;]+(?=&|$)", lambda m: m.group(0).upper(), text)),
    ("lower case", lambda text: re.sub(r"[^&;]+(?=&|$)", lambda m: m.group(0).lower(), text)),
    ("a control character", lambda text: text + "&#x85;"),
    ("an empty text element", lambda text: '</w:t><w:t xml:space="preserve"/><w:t xml:space="preserve">' + text),
    ("decomposed marks", lambda text: __import__("unicodedata").normalize("NFD", text)),
]
_TEXT = re.compile(r"(<w:t(?: [^>]*)?>)([^<]*)(</w:t>)")


@pytest.mark.parametrize(("case", "edit"), WORD_EDITS, ids=[c for c, _ in WORD_EDITS])
def test_the_proof_finds_what_the_full_check_finds_whatever_the_words(case, edit):
    letters = _letters(units=4)
    verifier = _verifier_for(letters[0])
    for number, letter in enumerate(letters[1:]):
        with zipfile.ZipFile(io.BytesIO(letter)) as zipped:
            texts = len(_TEXT.findall(zipped.read("word/document.xml").decode("utf-8")))
        # a different run of each letter, every part of the letter (header, body, closing) in turn
        for place in range(number, texts, max(1, texts // 6)):
            count = iter(range(texts))

            def one(m: re.Match[str], place: int = place, count=count) -> str:  # type: ignore[no-untyped-def]
                return m.group(1) + edit(m.group(2)) + m.group(3) if next(count) == place else m.group(0)

            changed = _edited(letter, lambda xml: _TEXT.sub(one, xml))
            proven = verifier.proven
            findings = verifier.verify(changed, "changed.docx")
            assert verifier.proven == proven + 1, f"run {place}: checked in full, not proven"
            full = Verifier()  # a new verifier checks its first letter in full
            assert findings == full.verify(changed, "changed.docx") and full.checked_in_full == 1, f"run {place}"


def test_a_shape_checked_again_with_other_styles_is_proven_with_those_styles():
    first, other = _letters()[:2]
    verifier = _verifier_for(first)
    assert verifier.verify(other, "other.docx") == []
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(other)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/styles.xml":
                data = data.replace(b"Times New Roman", b"Arial")
            target.writestr(info, data)
    restyled = out.getvalue()
    findings = verifier.verify(restyled, "restyled.docx")  # the same words and loops, other styles: in full
    assert findings and verifier.checked_in_full == 2
    assert verifier.verify(restyled, "again.docx") == findings  # proven, read with the new styles
    assert verifier.proven == 2


def test_letters_whose_xml_is_not_utf8_are_checked_in_full():
    # A document.xml Word or another tool saved in another encoding: its words are not UTF-8 bytes
    def latin1(xml: str) -> bytes:
        return xml.replace("encoding='UTF-8'", "encoding='ISO-8859-1'").encode("iso-8859-1", "xmlcharrefreplace")

    def recoded(docx: bytes) -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(docx)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for info in source.infolist():
                data = source.read(info)
                target.writestr(info, latin1(data.decode("utf-8")) if info.filename == "word/document.xml" else data)
        return out.getvalue()

    letters = [recoded(letter) for letter in _letters()[:3]]
    assert b"encoding='ISO-8859-1'" in zipfile.ZipFile(io.BytesIO(letters[1])).read("word/document.xml")
    verifier = Verifier()
    for letter in letters:
        assert verifier.verify(letter, "latin1.docx") == Verifier().verify(letter, "latin1.docx")
    assert (verifier.checked_in_full, verifier.proven) == (3, 0)


@pytest.mark.parametrize("kind", sorted(kinds.KINDS))
def test_every_kind_is_proven_with_the_findings_of_a_full_check(kind):
    # the kinds' own components (title block, authority line, Điều …) read from the words too
    content = kinds.compose(kinds.with_kind(load_input(ROOT / "data" / "cchc-2021-kinds.yaml"), kind))
    letter = PreparedTemplate(template_path(kind)).render(content)
    verifier = _verifier_for(letter)
    with zipfile.ZipFile(io.BytesIO(letter)) as zipped:
        texts = len(_TEXT.findall(zipped.read("word/document.xml").decode("utf-8")))
    edits = [edit for case, edit in WORD_EDITS if case in ("capitals", "lower case", "no words", "a line break")]
    for number, edit in enumerate(edits):
        for place in range(number, texts, max(1, texts // 5)):
            count = iter(range(texts))

            def one(m: re.Match[str], place: int = place, count=count, edit=edit) -> str:  # type: ignore[no-untyped-def]
                return m.group(1) + edit(m.group(2)) + m.group(3) if next(count) == place else m.group(0)

            changed = _edited(letter, lambda xml: _TEXT.sub(one, xml))
            full = Verifier()
            assert verifier.verify(changed, "changed.docx") == full.verify(changed, "changed.docx"), f"run {place}"
    assert verifier.checked_in_full == 1


# Text elements Word never writes but a .docx may hold: an attribute whose value holds ">", a
# w:t of another namespace (not a text element at all). The parser reads them, not a pattern.
ODD_TEXT_ELEMENTS = [
    ("an attribute holding >", lambda xml: xml.replace("Nguyễn Văn An</w:t>", "TS. Nguyễn Văn An</w:t>", 1).replace(
        '<w:t xml:space="preserve">TS. Nguyễn', '<w:t a="&gt;" b=">">TS. Nguyễn', 1), "signer-name"),
    ("a w:t of another namespace", lambda xml: xml.replace(
        "./.</w:t>", '.</w:t><w:t xmlns:w="urn:not-word">/.</w:t><w:t></w:t>', 1), "body-end"),
]


@pytest.mark.parametrize(("case", "edit", "rule"), ODD_TEXT_ELEMENTS, ids=[c for c, _, _ in ODD_TEXT_ELEMENTS])
def test_a_text_element_with_other_attributes_is_read_as_the_parser_reads_it(case, edit, rule):
    first, other = _letters()[:2]
    verifier = _verifier_for(first)
    changed = _edited(other, edit)
    assert changed != other
    full = check_bytes(changed, "changed.docx")
    assert rule in {f.rule for f in full}
    assert verifier.verify(changed, "changed.docx") == full


def test_page_numbers_in_the_footer_are_judged_on_each_letter_s_length():
    # Numbered in the footer (not the header), a letter is told so only when it runs over a page,
    # which its words decide: a letter of a checked shape but longer or shorter is judged on its own.
    def footer(xml: str) -> str:
        return xml.replace('<w:headerReference w:type="default"', '<w:footerReference w:type="default"', 1)

    first, other = _letters()[:2]
    long = _edited(other, lambda xml: footer(xml).replace("Qua kiểm tra", "Qua kiểm tra" + " công tác cải cách" * 1500, 1))
    short = _edited(other, lambda xml: _TEXT.sub(lambda m: m.group(1) + m.group(3), footer(xml)))
    assert "page-number" in {f.rule for f in check_bytes(long, "long.docx")}
    assert "page-number" not in {f.rule for f in check_bytes(short, "short.docx")}
    for reference in (_edited(first, footer), long, short):
        verifier = Verifier()
        verifier.verify(reference, "first.docx")
        for letter in (long, short):
            assert verifier.verify(letter, "letter.docx") == check_bytes(letter, "letter.docx")


def test_white_text_in_another_font_is_judged_alike_in_full_and_by_proof():
    # White text is not printed, so not judged (test_check_real_documents): the font rule too
    def white_arial(xml: str) -> str:
        return re.sub(r'<w:sz w:val="28"/>(?=</w:rPr><w:t xml:space="preserve">Qua kiểm tra)',
                      '<w:rFonts w:ascii="Arial" w:hAnsi="Arial"/><w:color w:val="FFFFFF"/><w:sz w:val="28"/>', xml, count=1)

    first, other = (_edited(letter, white_arial) for letter in _letters()[:2])
    assert first != _letters()[0]
    verifier = Verifier()
    assert verifier.verify(first, "first.docx") == check_bytes(first, "first.docx")
    assert verifier.verify(other, "other.docx") == check_bytes(other, "other.docx")
    assert verifier.proven == 1
    assert "font" not in {f.rule for f in check_bytes(other, "other.docx")}


def test_a_package_holding_two_document_entries_is_read_as_a_zip_reader_reads_it():
    # A zip reader (python-docx, Word) takes a name's last entry in the directory: here the
    # broken document, stored first. The verifier must not prove the other one.
    first, other = _letters()[:2]
    verifier = _verifier_for(first)
    with zipfile.ZipFile(io.BytesIO(_edited(other, lambda xml: xml.replace("Kính gửi:", "Kính gửi", 1)))) as zipped:
        bad = zipped.read("word/document.xml")
    out = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns of the duplicate name
        with zipfile.ZipFile(io.BytesIO(other)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            infos = source.infolist()
            target.writestr(copy.copy(next(i for i in infos if i.filename == "word/document.xml")), bad)
            for info in infos:
                target.writestr(info, source.read(info))
            target.filelist.append(target.filelist.pop(0))  # listed last in the directory
    data = out.getvalue()
    with zipfile.ZipFile(io.BytesIO(data)) as zipped:
        assert zipped.read("word/document.xml") == bad
    findings = check_bytes(data, "two.docx")
    assert "kinh-gui" in {f.rule for f in findings}
    assert verifier.verify(data, "two.docx") == findings


def _date_in_a_narrow_third_column(xml: str) -> str:
    """The header's second row in three cells: a note, the date (in a narrow column), a blank; the
    note's paragraph written as the date's, so that both read the same but for their words."""
    xml = xml.replace('<w:gridCol w:w="5216"/>', '<w:gridCol w:w="3000"/><w:gridCol w:w="1200"/><w:gridCol w:w="1016"/>', 1)
    wide = '<w:tcPr><w:tcW w:type="dxa" w:w="5216"/></w:tcPr>'
    first = xml.index(wide)
    xml = xml[:first] + '<w:tcPr><w:tcW w:type="dxa" w:w="5216"/><w:gridSpan w:val="3"/></w:tcPr>' + xml[first + len(wide):]
    cell = xml.index("<w:tc>" + wide)
    end = xml.index("</w:tc></w:tr></w:tbl>", cell)
    date = xml[cell + len("<w:tc>" + wide) : end]
    note = re.sub(r"(<w:t[^>]*>)[^<]*(</w:t>)", r"\g<1>Ghi chú\g<2>", date)
    narrow = '<w:tcPr><w:tcW w:type="dxa" w:w="1200"/></w:tcPr>'
    cells = (
        f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="3000"/></w:tcPr>{note}</w:tc><w:tc>{narrow}{date}</w:tc>'
        f'<w:tc>{narrow}<w:p><w:pPr><w:jc w:val="left"/></w:pPr></w:p></w:tc>'
    )
    return xml[:cell] + cells + xml[end + len("</w:tc>") :]


def test_a_paragraph_is_read_with_the_format_of_its_own_cell():
    # The date and the note before it read the same but for their words (their paragraphs, and
    # each the next cell's properties after it): the date is read in its own column, not the note's.
    first, other = (_edited(letter, _date_in_a_narrow_third_column) for letter in _letters()[:2])
    verifier = Verifier()
    verifier.verify(first, "first.docx")
    findings = Verifier().verify(other, "other.docx")  # a new verifier checks it in full
    assert any(f.rule == "date" and "wider than its column (21 mm)" in f.message for f in findings)
    assert verifier.verify(other, "other.docx") == findings


def _date_in_a_row_of_its_own(xml: str) -> str:
    """The header's date in a row of its own spanning both columns, under a note in the narrow
    right column of the row before, written as the date's paragraph (then a blank row like it)."""
    xml = xml.replace('<w:gridCol w:w="4139"/><w:gridCol w:w="5216"/>', '<w:gridCol w:w="7000"/><w:gridCol w:w="2355"/>', 1)
    wide = '<w:tcPr><w:tcW w:type="dxa" w:w="5216"/></w:tcPr>'
    cell = xml.index("<w:tc>" + wide, xml.index("<w:tc>" + wide) + 1)  # the date's cell
    end = xml.index("</w:tc></w:tr></w:tbl>", cell)
    date = xml[cell + len("<w:tc>" + wide) : end]
    note = re.sub(r"(<w:t[^>]*>)[^<]*(</w:t>)", r"\g<1>Ghi chú\g<2>", date)
    both = '<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="9355"/><w:gridSpan w:val="2"/></w:tcPr>'
    rows = f"<w:tc>{wide}{note}</w:tc></w:tr><w:tr>{both}{date}</w:tc></w:tr><w:tr>{both}<w:p><w:pPr><w:jc w:val=\"left\"/></w:pPr></w:p></w:tc></w:tr>"
    return xml[:cell] + rows + xml[end + len("</w:tc></w:tr>") :]


def test_a_paragraph_is_read_with_the_format_of_its_own_row():
    # The date and the note before it read the same but for their words, each followed by a row
    # spanning both columns: the date is read in its own row's width, not the note's column.
    first, other = (_edited(letter, _date_in_a_row_of_its_own) for letter in _letters()[:2])
    verifier = Verifier()
    verifier.verify(first, "first.docx")
    findings = Verifier().verify(other, "other.docx")  # a new verifier checks it in full
    assert not any(f.rule == "date" and "wider than its column" in f.message for f in findings)
    assert verifier.verify(other, "other.docx") == findings


def test_a_nul_where_a_checked_letter_had_words_is_not_taken_for_them():
    # The skeleton marks each word's place with U+0000: a document holding a NUL byte there
    # (never XML) had the same skeleton with a word fewer, and was proven, or raised IndexError.
    first, other = _letters()[:2]
    tail_word = _edited(first, lambda xml: xml.replace("<w:sectPr", "<w:t>x</w:t><w:sectPr", 1))
    verifier = _verifier_for(tail_word)
    nul_for_it = _edited(other, lambda xml: xml.replace("<w:sectPr", "\x00<w:sectPr", 1))
    assert verifier.prove(nul_for_it) is None
    with pytest.raises(InputError, match="not a Word .docx file"):  # what the full check finds
        verifier.verify(nul_for_it, "nul.docx")
    verifier = _verifier_for(first)
    # the first paragraph's words (one match of the verifier's _RUN_TEXT: a run's text) become a NUL
    nul_for_a_word = _edited(other, lambda xml: re.sub(r"<w:t[ >][^<]*</w:t>(?:<w:(?:t[ >][^<]*</w:t>|tab/>|br/>))*", "\x00", xml, count=1))
    with zipfile.ZipFile(io.BytesIO(nul_for_a_word)) as zipped:
        assert b"\0" in zipped.read("word/document.xml")
    assert verifier.prove(nul_for_a_word) is None
    assert verifier.proven == 0


def test_a_template_writing_a_nul_for_one_unit_s_words_is_refused_as_the_template_s_fault(tmp_path):
    _batch_where_one_unit_s_template_writes(tmp_path, "<w:sectPr", "\\x00", "<w:t>x</w:t>", before=True)
