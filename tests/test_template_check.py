"""Checking a clerk's template before rendering (letter_gen.letters.template_check)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from dataclasses import fields
from pathlib import Path

import pytest
from docx import Document

from letter_gen.errors import TemplateError
from letter_gen.inputs.formats import load_input
from letter_gen.letters.bundled import template_path
from letter_gen.letters.compose import LetterContent, Paragraph, compose
from letter_gen.letters.render import PreparedTemplate
from letter_gen.letters.template_check import (
    KINDS,
    RENDER_VARIABLES,
    TEMPLATE_VARIABLES,
    TemplateProblem,
    check_template,
    raise_for_problems,
    template_variables,
)

from .conftest import SAMPLE

# A paragraph is its text, or its runs (pieces of differently formatted text) as a list.
Para = str | list[str]


def make_docx(path: Path, paragraphs: Sequence[Para], *, table: Sequence[Sequence[str]] = (), header: str = "") -> Path:
    """A .docx made with python-docx: the paragraphs, then a table of the given cell texts."""
    doc = Document()
    for para in paragraphs:
        paragraph = doc.add_paragraph()
        for run in [para] if isinstance(para, str) else para:
            paragraph.add_run(run)
    if table:
        grid = doc.add_table(rows=len(table), cols=len(table[0]))
        for row, texts in zip(grid.rows, table):
            for cell, text in zip(row.cells, texts):
                cell.paragraphs[0].add_run(text)
    if header:
        doc.sections[0].header.paragraphs[0].add_run(header)
    doc.save(str(path))
    return path


def only(problems: list[TemplateProblem], kind: str) -> TemplateProblem:
    """The one problem found, after checking it is of the expected kind."""
    assert [p.kind for p in problems] == [kind], problems
    return problems[0]


@pytest.fixture(scope="module")
def content() -> LetterContent:
    return compose(load_input(SAMPLE))


# --- the variables ------------------------------------------------------------------------


def test_every_letter_field_has_a_description_and_every_description_names_a_variable() -> None:
    expected = (
        {f.name for f in fields(LetterContent)}
        | {f"paragraph.{f.name}" for f in fields(Paragraph)}
        | set(RENDER_VARIABLES)
    )
    assert set(TEMPLATE_VARIABLES) == expected


def test_template_vars_lists_each_variable_with_a_meaning_in_english_and_vietnamese() -> None:
    pairs = template_variables()
    assert [name for name, _ in pairs] == list(TEMPLATE_VARIABLES)
    assert dict(pairs)["number_line"].startswith("Số line as printed: 'Số: 05/SKHCN-TTr'")
    for name, meaning in pairs:
        assert len(meaning) > 15, name
        assert any(ord(c) > 127 for c in meaning), f"{name}: no Vietnamese term"


def test_a_template_using_every_variable_is_clean_and_renders(tmp_path: Path, content: LetterContent) -> None:
    top = [name for name in TEMPLATE_VARIABLES if "." not in name]
    attributes = [name.split(".", 1)[1] for name in TEMPLATE_VARIABLES if name.startswith("paragraph.")]
    path = make_docx(
        tmp_path / "all.docx",
        [
            *(f"{name}: {{{{ {name} }}}}" for name in top),
            "{%p for paragraph in body %}",
            " ".join(f"{{{{ paragraph.{a} }}}}" for a in attributes),
            "{%p endfor %}",
        ],
    )
    assert check_template(path) == []
    rendered = Document(io.BytesIO(PreparedTemplate(path).render(content)))
    text = "\n".join(p.text for p in rendered.paragraphs)
    assert "agency_name: SỞ KHOA HỌC VÀ CÔNG NGHỆ" in text
    assert "layout_agency_rule_indent: " in text


# --- clean templates ------------------------------------------------------------------------


def test_the_bundled_follow_up_template_is_clean() -> None:
    assert check_template(template_path("follow-up")) == []


def test_a_tag_spread_over_several_runs_with_whole_delimiters_is_clean(tmp_path: Path) -> None:
    runs = [["Kính gửi: {{ agency", "_name }}"], ["{% if urgency %}", "{{ urgency }}{% endif %}"]]
    path = make_docx(tmp_path / "t.docx", runs)
    assert check_template(path) == []


def test_existing_attributes_loop_variables_filters_and_set_names_are_clean(tmp_path: Path) -> None:
    path = make_docx(
        tmp_path / "t.docx",
        [
            "{%p for paragraph in body|reverse %}",
            "{{ loop.index }}. {{ paragraph.text|upper }} {% if paragraph.heading %}*{% endif %}",
            "{%p endfor %}",
            "{% set n = recipients|length %}{{ n }} {{ date.year if date else year }} {{ agency_name.title() }}",
            "{% for r in recipients %}{{ r.upper() }}{% else %}-{% endfor %} {{ range(2)|list }}",
        ],
    )
    assert check_template(path) == []


# --- one template per problem kind ------------------------------------------------------------


def test_an_unknown_variable_is_flagged_naming_its_paragraph_and_a_suggestion(tmp_path: Path) -> None:
    path = make_docx(tmp_path / "t.docx", ["{{ agency_name }}", "Kính gửi: {{ nguoi_nhan }}"])
    problem = only(check_template(path), "unknown-variable")
    assert str(problem) == (
        'word/document.xml, paragraph "Kính gửi: {{ nguoi_nhan }}": the variable \'nguoi_nhan\' is not'
        " provided; did you mean 'recipients'? (see letter-gen template vars)"
    )


def test_a_misspelt_variable_suggests_the_closest_name(tmp_path: Path) -> None:
    path = make_docx(tmp_path / "t.docx", ["{{ signer_nam }}"])
    assert "did you mean 'signer_name'?" in only(check_template(path), "unknown-variable").message


def test_an_unknown_attribute_of_a_body_paragraph_is_flagged(tmp_path: Path) -> None:
    path = make_docx(
        tmp_path / "t.docx", ["{%p for paragraph in body %}", "Đoạn: {{ paragraph.txt }}", "{%p endfor %}"]
    )
    problem = only(check_template(path), "unknown-variable")
    assert 'paragraph "Đoạn: {{ paragraph.txt }}"' in problem.where
    assert "'txt'" in problem.message and "did you mean 'paragraph.text'?" in problem.message


@pytest.mark.parametrize(
    "before",
    [
        # {%p %} paragraphs vanish when patched: the paragraph must still be the right one ...
        ["{%p if urgency %}", "{{ urgency }}", "{%p endif %}", "{{ agency_name }}"],
        # ... and so do the line breaks that "-%}" swallows.
        ["{% if urgency -%}", "{{ urgency }}{% endif %}", "{{ agency_name }}"],
    ],
)
def test_a_jinja_syntax_error_names_its_paragraph(tmp_path: Path, before: list[str]) -> None:
    path = make_docx(tmp_path / "t.docx", [*before, "Số: {{ number_line + }}", "Kết thúc"])
    problem = only(check_template(path), "syntax")
    assert problem.where == 'word/document.xml, paragraph "Số: {{ number_line + }}"'
    assert "Jinja cannot read a tag here" in problem.message


def test_a_syntax_error_is_said_in_the_clerks_words_not_jinjas_english(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = make_docx(tmp_path / "t.docx", ["Số: {{ number_line + }}", "{{ subject b }}"])
    monkeypatch.setenv("LETTER_GEN_LANG", "vi")
    messages = [p.message for p in check_template(path) if p.kind == "syntax"]
    assert messages == [
        "Jinja không đọc được thẻ ở đây ('}}' đặt sai chỗ); hãy xem lại chính tả, dấu ngoặc và dấu nháy",
        "Jinja không đọc được thẻ ở đây (cần '}}' nhưng gặp 'b'); hãy xem lại chính tả, dấu ngoặc và dấu nháy",
    ]


def test_every_paragraph_with_a_syntax_error_is_named_and_the_rest_still_checked(tmp_path: Path) -> None:
    path = make_docx(tmp_path / "t.docx", ["{{ agency_name + }}", "Giữa", "V/v {{ subject ) }}", "{{ nguoi_nhan }}"])
    problems = check_template(path)
    assert [(p.kind, p.where.split(", ", 1)[1]) for p in problems] == [
        ("syntax", 'paragraph "{{ agency_name + }}"'),
        ("syntax", 'paragraph "V/v {{ subject ) }}"'),
        ("unknown-variable", 'paragraph "{{ nguoi_nhan }}"'),
    ]


@pytest.mark.parametrize(
    "runs, delimiter",
    [
        (["{", "{ agency_name }}"], "{{"),
        (["{{ agency_name }", "}"], "}}"),
        (["{", "% if urgency %}!{% endif %}"], "{%"),
    ],
)
def test_a_delimiter_split_between_word_runs_is_flagged(tmp_path: Path, runs: list[str], delimiter: str) -> None:
    path = make_docx(tmp_path / "t.docx", ["Trước", runs])
    problem = only(check_template(path), "split-tag")
    assert problem.where == f'word/document.xml, paragraph "{"".join(runs)}"'
    assert f'the "{delimiter}" is split between two Word runs' in problem.message
    assert "type it again in one go" in problem.message


def test_a_p_for_block_ended_by_a_plain_endfor_is_flagged(tmp_path: Path) -> None:
    path = make_docx(tmp_path / "t.docx", ["{%p for p in body %}", "{{ p.text }}", "{% endfor %}"])
    problem = only(check_template(path), "unbalanced-block")
    assert problem.where == 'word/document.xml, paragraph "{%p for p in body %}"'
    assert '"{% endfor %}" (the paragraph after "{{ p.text }}")' in problem.message
    assert '"{%p endfor %}" in a paragraph of its own' in problem.message


def test_a_p_for_block_ended_by_a_plain_endfor_inside_a_paragraph_is_flagged(tmp_path: Path) -> None:
    path = make_docx(tmp_path / "t.docx", ["{%p for p in body %}", "{{ p.text }}{% endfor %}"])
    problem = only(check_template(path), "unbalanced-block")
    assert '(in the paragraph "{{ p.text }}{% endfor %}")' in problem.message


def test_a_tr_for_block_ended_by_a_p_endfor_is_flagged(tmp_path: Path) -> None:
    path = make_docx(
        tmp_path / "t.docx", [], table=[["{%tr for item in noi_nhan %}", ""], ["{{ item }}", ""], ["{%p endfor %}", ""]]
    )
    problem = only(check_template(path), "unbalanced-block")
    assert problem.where == 'word/document.xml, table 1 row 1 cell 1, paragraph "{%tr for item in noi_nhan %}"'
    assert '"{%tr endfor %}" in a table row of its own' in problem.message


def test_a_p_if_without_its_end_is_flagged(tmp_path: Path) -> None:
    path = make_docx(tmp_path / "t.docx", ["{%p if urgency %}", "{{ urgency }}", "Kết thúc"])
    problem = only(check_template(path), "unbalanced-block")
    assert problem.where == 'word/document.xml, paragraph "{%p if urgency %}"'
    assert 'is never closed: add "{%p endif %}" in a paragraph of its own' in problem.message


def test_an_end_without_a_start_is_flagged(tmp_path: Path) -> None:
    path = make_docx(tmp_path / "t.docx", ["{{ agency_name }}", "{%p endif %}"])
    problem = only(check_template(path), "unbalanced-block")
    assert problem.where == 'word/document.xml, paragraph "{%p endif %}"'
    assert "ends no block" in problem.message


def test_a_p_tag_paragraph_that_also_holds_text_is_flagged(tmp_path: Path) -> None:
    path = make_docx(tmp_path / "t.docx", ["{%p if urgency %}", "{{ urgency }}", "{%p endif %} Trân trọng./."])
    problem = only(check_template(path), "unbalanced-block")
    assert problem.where == 'word/document.xml, paragraph "{%p endif %} Trân trọng./."'
    assert '"Trân trọng./."' in problem.message and "paragraph of its own" in problem.message


@pytest.mark.parametrize(
    "text", ["V/v {{ subject|safe }}", "{% autoescape false %}V/v {{ subject }}{% endautoescape %}"]
)
def test_unescaped_data_is_flagged(tmp_path: Path, text: str) -> None:
    path = make_docx(tmp_path / "t.docx", [text])
    problem = only(check_template(path), "autoescape-off")
    assert problem.where == f'word/document.xml, paragraph "{text}"'
    assert "'&' or '<'" in problem.message


def test_a_text_file_renamed_docx_is_not_docx_and_nothing_else(tmp_path: Path) -> None:
    path = tmp_path / "mau.docx"
    path.write_text("Kính gửi: {{ nguoi_nhan }}", encoding="utf-8")
    problem = only(check_template(path), "not-docx")
    assert problem.where == str(path)
    assert "not a Word .docx file" in problem.message


def test_a_zip_without_a_document_and_a_missing_file_are_not_docx(tmp_path: Path) -> None:
    path = tmp_path / "empty.docx"
    with zipfile.ZipFile(path, "w") as zipped:
        zipped.writestr("word/styles.xml", "<x/>")
    assert "no word/document.xml" in only(check_template(path), "not-docx").message
    assert "no such file" in only(check_template(tmp_path / "absent.docx"), "not-docx").message



def test_a_template_with_damaged_bytes_is_not_docx_not_a_traceback(tmp_path: Path) -> None:
    # A byte flipped in a copy: zlib.error while unzipping the document escaped `template check`
    # and `render --template` as a traceback.
    import struct

    whole = template_path("follow-up").read_bytes()
    with zipfile.ZipFile(io.BytesIO(whole)) as zipped:
        offset = zipped.getinfo("word/document.xml").header_offset
    name_length, extra_length = struct.unpack_from("<HH", whole, offset + 26)
    start = offset + 30 + name_length + extra_length
    path = tmp_path / "mau.docx"
    path.write_bytes(whole[:start] + b"\xff" * 64 + whole[start + 64:])  # a deflate block of the reserved type
    assert only(check_template(path), "not-docx").message.startswith("the Word file is damaged or incomplete")
    renamed = tmp_path / "ghi-chu.docx"
    renamed.write_text("not a zip at all", encoding="utf-8")  # a renamed file: not called damaged
    assert "not a Word .docx file" in only(check_template(renamed), "not-docx").message


# --- several problems -----------------------------------------------------------------------------


def test_problems_come_in_document_order_with_headers_after_the_body(tmp_path: Path) -> None:
    path = make_docx(
        tmp_path / "t.docx",
        ["{{ so }}", ["{", "{ agency_name }}"], "{{ subject|safe }}"],
        table=[["{{ agency_name }}", "{{ ngay_thang }}"]],
        header="Trang {{ trang }}",
    )
    problems = check_template(path)
    assert [(p.kind, p.where) for p in problems] == [
        ("unknown-variable", 'word/document.xml, paragraph "{{ so }}"'),
        ("split-tag", 'word/document.xml, paragraph "{{ agency_name }}"'),
        ("autoescape-off", 'word/document.xml, paragraph "{{ subject|safe }}"'),
        ("unknown-variable", 'word/document.xml, table 1 row 1 cell 2, paragraph "{{ ngay_thang }}"'),
        ("unknown-variable", 'word/header1.xml, paragraph "Trang {{ trang }}"'),
    ]
    assert "did you mean 'place_date'?" in problems[3].message
    assert {p.kind for p in problems} <= set(KINDS)


def test_raise_for_problems_lists_one_problem_per_line(tmp_path: Path) -> None:
    path = make_docx(tmp_path / "t.docx", ["{{ nguoi_nhan }}", "{{ subject|safe }}"])
    with pytest.raises(TemplateError) as raised:
        raise_for_problems(path)
    assert raised.value.problems == [str(p) for p in check_template(path)]
    assert "2 problems" in raised.value.message
    raise_for_problems(template_path("follow-up"))  # a clean template passes


# --- the sandbox ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "expression",
    ["{{ ''.__class__.__mro__ }}", "{{ cycler.__init__.__globals__ }}", "{{ agency_name|attr('__class__') }}"],
)
def test_a_template_cannot_reach_python_internals(tmp_path: Path, content: LetterContent, expression: str) -> None:
    path = make_docx(tmp_path / "evil.docx", ["{{ agency_name }}", expression])
    with pytest.raises(TemplateError) as raised:
        PreparedTemplate(path).render(content)
    shown = "\n".join(raised.value.lines())
    assert "not allowed" in shown
    for internal in ("Traceback", "<class", "<function", "object at 0x", "__builtins__", "File \""):
        assert internal not in shown
