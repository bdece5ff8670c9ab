"""Rendering (letter_gen.letters.render): exact text, escaping, strictness, and the template's build."""

from __future__ import annotations

import io
import re
import subprocess
import zipfile

import pytest
from docx import Document
from docx.oxml.ns import qn
from lxml import etree

from letter_gen.errors import TemplateError
from letter_gen.inputs.model import validate_data
from letter_gen.letters.build import build_follow_up
from letter_gen.letters.bundled import template_path
from letter_gen.letters.compose import compose
from letter_gen.letters.render import PreparedTemplate, broken_header, header_left_mm

from .letters import all_text, body_paragraphs, render_data, set_path

HOSTILE = "A&B <c> \"d\" 'e' {{ 7*7 }} {% if x %}y{% endif %} {#z#} KH&CN"

# Every text field of the contract a letter prints, as (path, how it shows up).
TEXT_FIELDS = [
    ("letter.subject", lambda v: f"V/v {v}"),
    ("agency.parent", str.upper),
    ("agency.name", str.upper),
    ("agency.place", lambda v: f"{v}, ngày ... tháng ... năm 2021"),
    ("inspection.plan.kind", str),
    ("inspection.plan.number", str),
    ("inspection.plan.issuer", str),
    ("inspection.plan.title", str),
    ("inspection.team", str),
    ("inspection.field", str),
    ("inspection.assessment", str),
    ("units.0.name", str),
    ("units.0.short_name", str),
    ("units.0.findings.0", str),
    ("units.0.actions.0", str),
    ("requirements.0", str),
    ("requirements_intro", str),
    ("closing", str),
    ("signer.for", str.upper),
    ("signer.title", str.upper),
    ("signer.name", str),
    ("recipients.0", str),
    ("cc.0", str),
]


@pytest.mark.parametrize(("path", "shown"), TEXT_FIELDS, ids=[p for p, _ in TEXT_FIELDS])
def test_xml_and_jinja_characters_print_exactly_as_written_in_every_text_field(seed_data, path, shown):
    value = f"{path} {HOSTILE}"
    if path == "agency.place":
        value = "Nơi <&> {{ x }}"  # the date line must fit on one line
    set_path(seed_data, path, value)
    text = all_text(render_data(seed_data))
    assert shown(value) in text.replace("\n", " ")  # the V/v and agency lines break where spaces were
    assert "49" not in text.replace("2021", "")  # {{ 7*7 }} was never evaluated


def test_the_seeds_ampersands_survive(seed_data):
    text = all_text(render_data(seed_data))
    assert "Trung tâm Thông tin và Ứng dụng KH&CN" in text
    assert "hướng dẫn của Sở TT&TT; nghiên cứu" in text
    assert "- TTTT&UD (web);" in text


def test_a_line_break_inside_a_body_text_starts_a_new_indented_paragraph(seed_data):
    # Alt+Enter in a cell: the second line is a paragraph of the body, not a line at the margin
    seed_data["units"][0]["findings"] = ["Dòng một\n\nDòng hai"]
    doc = render_data(seed_data)
    index = next(i for i, p in enumerate(doc.paragraphs) if "Dòng một" in p.text)
    first, second = doc.paragraphs[index], doc.paragraphs[index + 1]
    assert (first.text, second.text) == ("Dòng một", "Dòng hai")  # the blank line left out, nothing else
    assert not first._p.findall(".//" + qn("w:br")) and second.style.name == first.style.name
    assert second.paragraph_format.first_line_indent == first.paragraph_format.first_line_indent


def test_a_tab_inside_a_text_stays_a_tab(seed_data):
    seed_data["units"][0]["findings"] = ["Cột một\tcột hai"]
    paragraph = next(p for p in render_data(seed_data).paragraphs if p.text.startswith("Cột một"))
    assert paragraph.text == "Cột một\tcột hai"


def test_text_supplied_in_nfd_is_printed_in_nfc(seed_data):
    import unicodedata

    seed_data["units"][0]["findings"] = [unicodedata.normalize("NFD", "Chưa quan tâm đến việc cải cách.")]
    body = body_paragraphs(render_data(seed_data))
    assert "Chưa quan tâm đến việc cải cách." in body


@pytest.mark.parametrize(
    ("number", "date", "so", "ngay"),
    [
        (5, "2021-03-05", "Số: 05/SKHCN-TTr", "ngày 05 tháng 3 năm 2021"),
        (12, "2021-01-20", "Số: 12/SKHCN-TTr", "ngày 20 tháng 01 năm 2021"),
        (1, "2021-02-09", "Số: 01/SKHCN-TTr", "ngày 09 tháng 02 năm 2021"),
        (130, "2021-12-31", "Số: 130/SKHCN-TTr", "ngày 31 tháng 12 năm 2021"),
    ],
)
def test_an_issued_letter_shows_its_number_and_date(seed_data, number, date, so, ngay):
    seed_data["letter"].update(number=number, date=date)
    text = all_text(render_data(seed_data))
    assert so in text.splitlines()
    assert f"Bà Rịa - Vũng Tàu, {ngay}" in text.splitlines()


@pytest.mark.parametrize(
    ("signer", "lines"),
    [
        ({"authority": "TM", "for": "Ủy ban nhân dân", "title": "Chủ tịch"}, ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]),
        ({"authority": "TL", "for": "Giám đốc", "title": "Chánh Văn phòng"}, ["TL. GIÁM ĐỐC", "CHÁNH VĂN PHÒNG"]),
        ({"authority": "TUQ", "for": "Giám đốc", "title": "Trưởng phòng"}, ["TUQ. GIÁM ĐỐC", "TRƯỞNG PHÒNG"]),
        ({"authority": "Q", "for": "Giám đốc", "title": None}, ["Q. GIÁM ĐỐC"]),
        ({"authority": None, "for": None, "title": "Giám đốc"}, ["GIÁM ĐỐC"]),
    ],
)
def test_each_authority_form_signs_as_the_decree_says(seed_data, signer, lines):
    seed_data["signer"].update(signer)
    cell = render_data(seed_data).tables[1].rows[0].cells[1]
    texts = [p.text for p in cell.paragraphs]
    assert texts == [*lines, "", "", "", "", "Trần Duy Tâm Thanh"]


def test_one_recipient_stands_on_the_kinh_gui_line(seed_data):
    seed_data["recipients"] = ["Sở Nội vụ"]
    paragraphs = [p.text for p in render_data(seed_data).paragraphs]
    assert "Kính gửi: Sở Nội vụ." in paragraphs


def test_without_a_parent_agency_the_agency_name_comes_first(seed_data):
    seed_data["agency"]["parent"] = None
    cell = render_data(seed_data).tables[0].rows[0].cells[0]
    assert cell.paragraphs[0].text == "SỞ KHOA HỌC VÀ CÔNG NGHỆ"


def test_undefined_variables_are_errors_that_name_the_variable(tmp_path):
    doc = Document(str(template_path("follow-up")))
    doc.add_paragraph("{{ ngay_ky }}")
    path = tmp_path / "custom.docx"
    doc.save(str(path))
    content = compose(validate_data(_seed(), "t"))
    with pytest.raises(TemplateError, match="'ngay_ky' is undefined"):
        PreparedTemplate(path).render(content)


def test_a_file_that_is_not_a_docx_is_a_template_error(tmp_path):
    path = tmp_path / "fake.docx"
    path.write_text("not a zip", encoding="utf-8")
    with pytest.raises(TemplateError, match="not a .docx template"):
        PreparedTemplate(path)


def test_a_jinja_syntax_error_names_the_paragraph(tmp_path):
    doc = Document(str(template_path("follow-up")))
    doc.add_paragraph("Xin chào {{ agency_name ")
    path = tmp_path / "broken.docx"
    doc.save(str(path))
    with pytest.raises(TemplateError, match="Jinja syntax error near paragraph"):
        PreparedTemplate(path)


@pytest.mark.parametrize("markup", ["<w:r>", "<zz:shape/>"], ids=["unclosed", "undeclared prefix"])
def test_a_template_that_makes_broken_xml_is_refused_before_any_letter_is_written(seed_data, tmp_path, markup):
    doc = Document(str(template_path("follow-up")))
    doc.add_paragraph("{{ '" + markup + "'|safe }}")  # |safe: the clerk's own markup, not escaped
    path = tmp_path / "broken.docx"
    doc.save(str(path))
    round_ = validate_data(seed_data, "t")
    with pytest.raises(TemplateError, match="word/document.xml: the rendered letter is not valid XML"):
        PreparedTemplate(path).render(compose(round_, "consolidated", None))


def test_a_prepared_template_renders_many_letters_each_a_valid_package(seed_data):
    prepared = PreparedTemplate(template_path("follow-up"))
    round_ = validate_data(seed_data, "t")
    for index in range(len(round_.units)):
        data = prepared.render(compose(round_, "per-unit", index))
        with zipfile.ZipFile(io.BytesIO(data)) as zipped:
            assert zipped.testzip() is None
            names = zipped.namelist()
            assert len(names) == len(set(names))
            etree.fromstring(zipped.read("word/document.xml"))
        assert round_.units[index].name in all_text(Document(io.BytesIO(data)))


def test_the_committed_template_is_what_the_build_script_builds():
    built = zipfile.ZipFile(io.BytesIO(build_follow_up()))
    committed = zipfile.ZipFile(template_path("follow-up"))
    assert sorted(built.namelist()) == sorted(committed.namelist())
    for name in built.namelist():
        assert built.read(name) == committed.read(name), f"{name} differs: run python -m letter_gen.letters.rebuild"


@pytest.mark.parametrize("kind", ["follow-up", "team-decision", "report"])
def test_a_bundled_template_defines_only_the_styles_its_letters_use(kind):
    # LibreOffice reads every style of every letter it converts: python-docx's 166 unused
    # styles nearly doubled a letter's PDF time (issue 17).
    with zipfile.ZipFile(template_path(kind)) as zipped:
        styles = zipped.read("word/styles.xml").decode()
        assert "word/stylesWithEffects.xml" not in zipped.namelist()
        assert "stylesWithEffects" not in zipped.read("word/_rels/document.xml.rels").decode()
    defined = set(re.findall(r'w:styleId="([^"]+)"', styles))
    assert {"Normal", "TableNormal", "AgencyRule"} <= defined
    assert not defined & {"Heading1", "Title", "Quote", "LightShading", "IntenseEmphasis"}
    assert len(defined) < 20


def test_a_letter_long_enough_for_three_pages_numbers_pages_2_and_3_only(seed_data, tmp_path):
    from pypdf import PdfReader

    seed_data["units"][0]["findings"] = [f"Tồn tại số {i}: " + "nội dung chưa đạt yêu cầu, " * 12 for i in range(1, 16)]
    content = compose(validate_data(seed_data, "t"))
    docx = tmp_path / "long.docx"
    docx.write_bytes(PreparedTemplate(template_path("follow-up")).render(content))
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(docx)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pages = PdfReader(str(tmp_path / "long.pdf")).pages
    assert len(pages) >= 3
    first_lines = [page.extract_text().strip().splitlines()[0].strip() for page in pages]
    assert first_lines[0] == "UBND TỈNH BÀ RỊA - VŨNG TÀU"  # no number on page 1
    assert first_lines[1:] == [str(n) for n in range(2, len(pages) + 1)]


def _seed():
    import yaml

    from letter_gen.inputs.formats import _TextDateLoader

    from .conftest import SAMPLE

    return yaml.load(SAMPLE.read_text(encoding="utf-8"), Loader=_TextDateLoader)


def _paragraphs(docx_bytes):
    """(style, text, run formatting) of every paragraph of a letter's document.xml."""
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(docx_bytes)).read("word/document.xml"))
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    rows = []
    for p in root.iter(f"{w}p"):
        runs = [etree.tostring(r.find(f"{w}rPr")) if r.find(f"{w}rPr") is not None else b"" for r in p.iter(f"{w}r")]
        rows.append(("".join(t.text or "" for t in p.iter(f"{w}t")), tuple(runs)))
    return rows


@pytest.mark.parametrize(("mode", "unit"), [("consolidated", None), ("per-unit", 1)])
def test_the_fast_path_gives_the_same_letter_as_plain_docxtpl(seed_data, tmp_path, mode, unit):
    from docxtpl import DocxTemplate
    from jinja2 import Environment

    seed_data["units"][0]["findings"] = ["Dòng một\nDòng hai & <ba>", "{{ 7*7 }}\tcột"]
    content = compose(validate_data(seed_data, "t"), mode, unit)
    plain = DocxTemplate(str(template_path("follow-up")))
    # The V/v and agency lines as rendering breaks them (the bundled template's layout variables).
    context = {**content.context(), **broken_header(content, header_left_mm(content))}
    plain.render(context, Environment(autoescape=True), autoescape=True)
    out = io.BytesIO()
    plain.save(out)
    fast = PreparedTemplate(template_path("follow-up")).render(content)
    assert _paragraphs(fast) == _paragraphs(out.getvalue())
