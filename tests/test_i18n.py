"""The clerk's language: Vietnamese by default, English on request, every message in the catalog."""

from __future__ import annotations

import gettext
import io
import re
import string
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from click.testing import CliRunner

from letter_gen import i18n
from letter_gen.cli import main

from .conftest import ROOT, SAMPLE

LOCALE = ROOT / "letter_gen" / "locale"
VI = LOCALE / "vi" / "LC_MESSAGES"


def _catalog(domain: str):  # type: ignore[no-untyped-def]
    with (VI / f"{domain}.po").open("rb") as handle:
        return read_po(handle)


def _code_msgids() -> set[str]:
    """Every msgid of letter_gen's code, extracted as `pybabel extract -F babel.cfg -k N_` does."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    keywords = {"_": None, "N_": None, "ngettext": (1, 2)}
    found = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=keywords, strip_comment_tags=True,
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def _text(message) -> str:  # type: ignore[no-untyped-def]
    return message.string if isinstance(message.string, str) else message.string[0]


def test_every_message_of_the_code_has_a_vietnamese_translation():
    catalog = _catalog("letter_gen")
    translated = {m.id if isinstance(m.id, str) else m.id[0]: _text(m) for m in catalog if m.id}
    msgids = _code_msgids()
    assert len(msgids) > 300
    missing = sorted(m for m in msgids if m not in translated)
    empty = sorted(m for m in msgids if m in translated and not translated[m])
    assert not missing, f"not in letter_gen.po (run pybabel extract and update, see README): {missing[:5]}"
    assert not empty, f"untranslated in letter_gen.po: {empty[:5]}"


@pytest.mark.parametrize("domain", ["letter_gen", "click"])
def test_every_translation_keeps_the_placeholders_of_its_message(domain):
    fields = string.Formatter()
    for message in _catalog(domain):
        if not message.id:
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        wanted = {f for text in ids for _lit, f, _spec, _conv in fields.parse(text) if f is not None}
        printf = {p for text in ids for p in re.findall(r"%\(\w+\)s", text)}
        text = _text(message)
        assert {f for _lit, f, _spec, _conv in fields.parse(text) if f is not None} <= wanted, message.id
        assert set(re.findall(r"%\(\w+\)s", text)) == printf, message.id
        assert text.count("\b") == ids[0].count("\b"), message.id  # click's no-rewrap marks


@pytest.mark.parametrize("domain", ["letter_gen", "click"])
def test_the_compiled_catalog_is_up_to_date_with_the_po_file(domain):
    compiled = io.BytesIO()
    write_mo(compiled, _catalog(domain))
    compiled.seek(0)
    expected = gettext.GNUTranslations(compiled)._catalog  # type: ignore[attr-defined]
    with (VI / f"{domain}.mo").open("rb") as handle:
        shipped = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
    assert shipped == expected, f"run: pybabel compile -d letter_gen/locale -D {domain}"


@pytest.mark.parametrize(
    ("environ", "language"),
    [
        ({}, "vi"),
        ({"LANG": "C.UTF-8"}, "vi"),
        ({"LANG": "POSIX"}, "vi"),
        ({"LANG": "vi_VN.UTF-8"}, "vi"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LANGUAGE": "en_GB:en", "LANG": "vi_VN.UTF-8"}, "en"),
        ({"LC_ALL": "C", "LANG": "en_US.UTF-8"}, "vi"),
        ({"LETTER_GEN_LANG": "en", "LANG": "vi_VN.UTF-8"}, "en"),
        ({"LETTER_GEN_LANG": "vi", "LANG": "en_US.UTF-8"}, "vi"),
    ],
)
def test_the_language_is_vietnamese_unless_english_is_asked_for(monkeypatch, environ, language):
    for name in ("LETTER_GEN_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    assert i18n.language() == language


def _run(args: list[str], **environ: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, args, env={"LETTER_GEN_LANG": "", "LANGUAGE": "", "LC_ALL": "", "LC_MESSAGES": "", **environ})


def test_click_speaks_vietnamese_by_default_and_english_on_request():
    vi = _run(["render", str(SAMPLE)], LANG="C.UTF-8")
    assert vi.exit_code == 2
    assert "Cách dùng: main render [TÙY CHỌN] TỆP_DỮ_LIỆU" in vi.stderr
    assert "Lỗi: Thiếu tùy chọn '-o' / '--output'." in vi.stderr
    assert "Lỗi: Không có lệnh 'rendr'. Có phải ý bạn là 'render'?" in _run(["rendr"], LANG="C.UTF-8").stderr
    en = _run(["render", str(SAMPLE)], LANG="en_US.UTF-8")
    assert "Error: Missing option '-o' / '--output'." in en.stderr
    assert "Lỗi" not in en.stderr


def test_help_is_vietnamese_with_click_s_own_words_and_english_with_letter_gen_lang():
    vi = _run(["render", "--help"])
    assert vi.output.startswith("Cách dùng: main render [TÙY CHỌN] TỆP_DỮ_LIỆU\n\n  Ghi công văn của một tệp dữ liệu kiểm tra")
    assert "Tùy chọn:" in vi.output and "Hiện hướng dẫn này rồi thoát." in vi.output and "[bắt buộc]" in vi.output
    assert _run(["track", "--help"]).output.startswith("Cách dùng: main track [TÙY CHỌN] LỆNH [THAM SỐ]...\n")
    assert "Ví dụ:" in vi.output
    en = _run(["render", "--help"], LETTER_GEN_LANG="en")
    assert en.output.startswith("Usage: main render [OPTIONS] INPUT\n\n  Write the letter of one inspection input")
    assert "Options:" in en.output and "Show this message and exit." in en.output


def test_option_placeholders_are_in_the_clerk_s_words_never_date_format_codes():
    for path in (["track", "list"], ["track", "report"], ["batch"]):
        vi = _run([*path, "--help"])
        assert "--as-of NGÀY" in vi.output and "%d" not in vi.output, path
    render = _run(["render", "--help"]).output
    assert "--date NGÀY" in render and "--unit ĐƠN VỊ" in render and "--kind LOẠI" in render
    void = _run(["register", "void", "--help"]).output
    assert "--year SỐ" in void and "--reason CHỮ" in void
    en = _run(["track", "list", "--help"], LETTER_GEN_LANG="en").output
    assert "--as-of DATE" in en and "--period TEXT" in en and "%d" not in en


def test_library_messages_follow_the_language(tmp_path):
    out = str(tmp_path / "x.docx")
    vi = _run(["render", str(SAMPLE), "-o", out, "--unit", "Trung tâm TGPL"])
    assert vi.exit_code == 2
    assert vi.stderr.startswith("--unit Trung tâm TGPL: tệp dữ liệu không có đơn vị nào mang tên này")
    en = _run(["render", str(SAMPLE), "-o", out, "--unit", "Trung tâm TGPL"], LETTER_GEN_LANG="en")
    assert en.stderr.startswith("--unit Trung tâm TGPL: no unit of the input is named so")
    done = _run(["render", str(SAMPLE), "-o", out, "--unit", "1"])
    assert done.output == f"đã ghi {out} (gửi Chi cục Tiêu chuẩn Đo lường Chất lượng, bản dự thảo)\n"


def _commands(group, path=()):  # type: ignore[no-untyped-def]
    for name, command in group.commands.items():
        if hasattr(command, "commands"):
            yield from _commands(command, (*path, name))
        else:
            yield (*path, name), command


@pytest.mark.parametrize("language", ["vi", "en"])
def test_help_examples_are_printed_whole_and_the_command_list_is_never_cut(language):
    top = _run(["--help"], LETTER_GEN_LANG=language, COLUMNS="80")
    commands = top.output.split("Commands:" if language == "en" else "Các lệnh:")[1].splitlines()[1:]
    assert len(commands) == len(main.commands)  # one line each: nothing wraps
    assert all(len(line) <= 80 and not line.endswith("...") for line in commands), top.output
    for path, command in _commands(main):
        result = _run([*path, "--help"], LETTER_GEN_LANG=language, COLUMNS="80")
        assert result.exit_code == 0, path
        examples = [line.strip() for line in (command.callback.__doc__ or "").splitlines() if line.strip().startswith("letter-gen ")]
        assert examples, path
        for example in examples:
            assert f"    {example}\n" in result.output, (path, example)


def test_the_excel_form_written_in_english_mode_is_still_the_vietnamese_form(tmp_path):
    vi, en = tmp_path / "vi.xlsx", tmp_path / "en.xlsx"
    assert _run(["excel-template", str(vi)]).exit_code == 0
    assert _run(["excel-template", str(en)], LETTER_GEN_LANG="en").exit_code == 0
    import openpyxl

    def texts(path: Path) -> list[object]:
        return [c.value for ws in openpyxl.load_workbook(path) for row in ws.iter_rows() for c in row]

    assert texts(vi) == texts(en)


def _broken_letter(path: Path) -> Path:
    """The sample letter with four Decree 30 faults a clerk makes in Word: a Quốc hiệu in 11 pt
    and not bold, an upright date line, a left-aligned body paragraph, Arial in Nơi nhận."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    from letter_gen.output.writer import render_file

    document = Document(str(render_file(SAMPLE, path.with_name("good.docx")).path))
    paras = [p for table in document.tables for row in table.rows for cell in row.cells for p in cell.paragraphs]
    for para in [*paras, *document.paragraphs]:
        for run in para.runs:
            if para.text.startswith("CỘNG HÒA"):
                run.font.size, run.font.bold = Pt(11), False
            elif ", ngày" in para.text:
                run.font.italic = False
            elif para.text.startswith("Nơi nhận"):
                run.font.name = "Arial"
    next(p for p in document.paragraphs if p.text.startswith("Thực hiện")).alignment = WD_ALIGN_PARAGRAPH.LEFT
    document.save(str(path))
    return path


def test_check_names_each_fault_in_vietnamese_office_terms_and_keeps_its_rule_id(tmp_path):
    letter = str(_broken_letter(tmp_path / "cong-van-loi.docx"))
    vi = _run(["check", letter])
    assert vi.exit_code == 1
    lines = vi.output.splitlines()
    assert lines[0] == f"{letter}: 5 lỗi thể thức"
    quoc_hieu = 'Quốc hiệu: "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM": '
    assert f"  {quoc_hieu}cỡ chữ 11 pt; Nghị định 30 quy định cỡ chữ 12–13 pt" in lines
    assert f"  {quoc_hieu}chưa in đậm; phải in đậm" in lines
    assert any(line.startswith("  Địa danh, ngày tháng: ") and line.endswith(": chưa in nghiêng; phải in nghiêng") for line in lines)
    assert any(line.startswith('  Đoạn 1 phần nội dung: "Thực hiện') and line.endswith(": đang căn trái; các đoạn nội dung phải căn đều hai bên")
               for line in lines)  # fmt: skip
    assert '  Nơi nhận: "Nơi nhận:": phông chữ Arial; Nghị định 30 quy định dùng phông Times New Roman trong toàn văn bản' in lines
    assert not re.search(r"\b(the|decree|must|bold|italic|size|line|paragraph)\b", vi.output.replace(letter, ""))

    import json

    found = json.loads(_run(["check", "--json", letter]).output)[0]["findings"]
    english = json.loads(_run(["check", "--json", letter], LETTER_GEN_LANG="en").output)[0]["findings"]
    assert [f["rule"] for f in found] == [f["rule"] for f in english] == ["font", "national-title", "national-title", "date", "body-align"]
    assert found[3]["where"].startswith("Địa danh, ngày tháng") and english[3]["where"].startswith("Date line")
    assert english[1]["message"] == "size 11 pt; the decree wants 12–13 pt"


def test_check_of_a_file_that_is_no_letter_says_what_to_do_in_vietnamese(tmp_path):
    old = tmp_path / "cong-van.doc"
    old.write_bytes(b"\xd0\xcf\x11\xe0 an old Word file")
    result = _run(["check", str(old)])
    assert result.exit_code != 0
    assert f"{old}: tệp Word cũ (.doc); mở tệp bằng Word rồi lưu lại dưới dạng .docx (Word Document)" in result.stderr


def test_validation_problems_name_the_yaml_keys_count_from_1_and_name_the_unit_in_vietnamese(tmp_path, seed_data):
    import yaml

    seed_data["units"][0]["findngs"] = ["x"]
    seed_data["units"][1]["name"] = ""
    seed_data["letter"]["number"] = "năm"
    seed_data["inspection"]["plan"]["date"] = "31/02/2021"
    seed_data["recipients"] = ["Phòng Tư pháp; Thanh tra Sở"]
    source = tmp_path / "sai.yaml"
    source.write_text(yaml.safe_dump(seed_data, allow_unicode=True), encoding="utf-8")
    vi = _run(["validate", str(source)])
    assert vi.exit_code == 1
    typed = source.read_text(encoding="utf-8").splitlines()

    def line(text: str) -> int:  # the line of the file the clerk mends
        return next(i for i, t in enumerate(typed) if t.strip().startswith(text)) + 1

    empty_name = line("name: ''")
    assert vi.stderr.splitlines() == [
        f"{source}: tệp dữ liệu có 4 lỗi",
        f"  dòng {line('date: 31/02/2021')}: inspection → plan → date: không có ngày này trên lịch; ghi ngày có thật,"
        " ví dụ 05/07/2021 hoặc 2021-07-05 (đang ghi '31/02/2021')",
        f"  dòng {line('number: năm')}: letter → number: cần ghi số nguyên (đang ghi 'năm')",
        f"  dòng {line('findngs:')}: units → đơn vị thứ 1 (Chi cục Tiêu chuẩn Đo lường Chất lượng) → findngs: không có"
        " trường này (gõ nhầm tên?); xem tên các trường của mục này trong tệp mẫu data/cchc-2021-kinds.yaml",
        f"  dòng {empty_name}: units → đơn vị thứ 2 → name: không được để trống",
    ]
    en = _run(["validate", str(source)], LETTER_GEN_LANG="en")
    assert "  units[0].findngs: unknown field (a typo?); see the README for the fields of this section" in en.stderr.splitlines()


def test_a_value_not_in_the_list_names_the_choices_with_a_vietnamese_or(tmp_path, seed_data):
    import yaml

    seed_data["signer"]["authority"] = "PGĐ"
    source = tmp_path / "ky.yaml"
    source.write_text(yaml.safe_dump(seed_data, allow_unicode=True), encoding="utf-8")
    vi = _run(["validate", str(source)])
    assert "cần ghi một trong các giá trị 'KT', 'TM', 'TL', 'TUQ' hoặc 'Q' (đang ghi 'PGĐ')" in vi.stderr
    en = _run(["validate", str(source)], LETTER_GEN_LANG="en")
    assert "expected one of 'KT', 'TM', 'TL', 'TUQ' or 'Q' (got 'PGĐ')" in en.stderr


def test_a_yaml_date_may_be_written_as_clerks_write_it(tmp_path, seed_data):
    import yaml

    seed_data["inspection"]["plan"]["date"] = "23/02/2021"
    seed_data["recipients"] = ["Phòng Tư pháp; Thanh tra Sở"]
    source = tmp_path / "ngay.yaml"
    source.write_text(yaml.safe_dump(seed_data, allow_unicode=True), encoding="utf-8")
    result = _run(["validate", str(source)])
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        "cảnh báo: " f"{source}: recipients → mục thứ 1: 'Phòng Tư pháp; Thanh tra Sở' có dấu \"; \": có phải là nhiều nơi"
        " nhận? Ghi mỗi nơi một dòng (trong Excel: Alt+Enter trong ô; trong YAML: mỗi nơi một dòng \"- \")\n"
    )


def test_no_message_is_hidden_from_the_catalog_inside_an_f_string():
    # pybabel reads an f-string as one token: a _() inside one never reaches the catalog, and an
    # f-string inside _() is a msgid no catalog can hold. Both leave the clerk an English message.
    import ast

    found = []
    for path in sorted((ROOT / "letter_gen").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            calls = [node] if isinstance(node, ast.Call) else []
            for call in calls:
                name = getattr(call.func, "id", None)
                if name in ("_", "N_", "ngettext") and any(isinstance(a, ast.JoinedStr) for a in call.args):
                    found.append(f"{path.relative_to(ROOT)}:{call.lineno}: an f-string inside {name}()")
            if isinstance(node, ast.JoinedStr):
                for inner in ast.walk(node):
                    if isinstance(inner, ast.Call) and getattr(inner.func, "id", None) in ("_", "ngettext") and any(
                        isinstance(a, ast.Constant) for a in inner.args
                    ):
                        found.append(f"{path.relative_to(ROOT)}:{inner.lineno}: a message inside an f-string")
    assert not found, found


def test_input_files_a_clerk_may_hold_instead_are_named_with_what_to_do(tmp_path):
    text = SAMPLE.read_text(encoding="utf-8")
    notepad = tmp_path / "luu-unicode.yaml"
    notepad.write_bytes(text.encode("utf-16"))  # Notepad's "Unicode"
    assert _run(["validate", str(notepad)]).stderr == (
        f'{notepad}: tệp được lưu dạng UTF-16 ("Unicode"); hãy lưu lại với mã hóa UTF-8'
        " (trong Notepad: File, Save As, Encoding chọn UTF-8)\n"
    )
    old = tmp_path / "kiem-tra.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    assert _run(["validate", str(old)]).stderr == (
        f'{old}: bảng tính Excel 97-2003: hãy mở trong Excel và lưu thành "Excel Workbook (*.xlsx)"\n'
    )
    twice = tmp_path / "hai-lan.json"
    twice.write_text('{"letter": {"kind": "follow-up", "kind": "plan"}}', encoding="utf-8")
    assert _run(["validate", str(twice)]).stderr == f"{twice}: trường 'kind' được ghi hai lần\n"


def test_argument_placeholders_are_in_the_clerk_s_words_too():
    vi = _run(["render"])
    assert vi.exit_code == 2 and "Thiếu tham số 'TỆP_DỮ_LIỆU'" in vi.output and "INPUT" not in vi.output
    assert "letter-gen convert [TÙY CHỌN] TỆP_VÀO TỆP_RA" in _run(["convert", "--help"]).output.replace("main", "letter-gen")
    assert "INPUT" not in _run(["batch", "--help"]).output
    en = _run(["render"], LETTER_GEN_LANG="en")
    assert "Missing argument 'INPUT'" in en.output


def test_a_problem_found_after_the_units_were_validated_still_names_its_unit(tmp_path, seed_data):
    import yaml

    seed_data["units"][1]["name"] = seed_data["units"][0]["name"]  # the round's rule: each unit once
    source = tmp_path / "hai-lan.yaml"
    source.write_text(yaml.safe_dump(seed_data, allow_unicode=True), encoding="utf-8")
    vi = _run(["validate", str(source)])
    assert vi.exit_code == 1
    assert f"units → đơn vị thứ 2 ({seed_data['units'][0]['name']}) → name:" in vi.stderr


def test_numbers_in_messages_are_written_as_the_clerk_s_language_writes_them(monkeypatch):
    from letter_gen.i18n import local_number

    monkeypatch.setenv("LETTER_GEN_LANG", "vi")
    assert (local_number(17.64, ".1f"), local_number(1.5), local_number(300000, ","), local_number(1234.5, ",.1f")) == (
        "17,6", "1,5", "300.000", "1.234,5")
    monkeypatch.setenv("LETTER_GEN_LANG", "en")
    assert (local_number(17.64, ".1f"), local_number(1.5), local_number(300000, ","), local_number(1234.5, ",.1f")) == (
        "17.6", "1.5", "300,000", "1,234.5")


def test_a_check_finding_in_vietnamese_writes_decimals_with_a_comma(monkeypatch, tmp_path):
    from docx import Document
    from docx.shared import Mm

    from letter_gen.checking.rules import check_docx
    from letter_gen.letters.bundled import template_path

    doc = Document(str(template_path("follow-up")))
    doc.sections[0].left_margin = Mm(17.6)
    path = tmp_path / "margin.docx"
    doc.save(str(path))
    monkeypatch.setenv("LETTER_GEN_LANG", "vi")
    margins = [str(f) for f in check_docx(path) if f.rule == "page-margins"]
    assert margins and "17,6 mm" in margins[0] and "17.6" not in margins[0], margins


def test_the_system_s_reason_for_a_failed_file_operation_is_said_in_the_clerk_s_language(monkeypatch, tmp_path):
    import errno

    from letter_gen.i18n import os_reason

    monkeypatch.setenv("LETTER_GEN_LANG", "vi")
    assert os_reason(OSError(errno.EROFS, "Read-only file system")) == "ổ đĩa chỉ cho đọc, không cho ghi"
    assert os_reason(OSError(errno.ENOTCONN, "Transport endpoint is not connected")) == "Transport endpoint is not connected"
    monkeypatch.setenv("LETTER_GEN_LANG", "en")
    assert os_reason(OSError(errno.ENOSPC, "No space left on device")) == "the disk is full"
    # as a clerk meets it: a letter asked for inside something that is a file, not a folder
    monkeypatch.setenv("LETTER_GEN_LANG", "vi")
    (tmp_path / "ho-so").write_text("", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "letter_gen", "render", str(ROOT / "data" / "cchc-2021.yaml"), "-o", str(tmp_path / "ho-so" / "x.docx")],
        capture_output=True, text=True, cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 1
    assert result.stderr == f"{tmp_path / 'ho-so'}: không ghi được vào đây (đã có tệp hoặc thư mục trùng tên)\n"


def test_the_working_folder_is_named_in_full_when_a_letter_or_register_cannot_be_written_there(monkeypatch, tmp_path):
    # "." says nothing to a clerk: the folder lock of `render -o x.docx` and a new register named
    # without a folder used to say ".: cannot write here".
    from letter_gen.errors import OutputError, RegisterError
    from letter_gen.output.folder import LOCK_NAME, FolderLock
    from letter_gen.register.store import Register

    monkeypatch.setenv("LETTER_GEN_LANG", "en")
    monkeypatch.chdir(tmp_path)
    (tmp_path / LOCK_NAME).mkdir()  # the lock's name taken by a folder: the lock cannot be opened
    with pytest.raises(OutputError) as caught, FolderLock(Path("x.docx").parent):
        pass
    assert caught.value.message == f"{tmp_path}: cannot write here (that is a folder)"
    name = "s" * 240 + ".sqlite"  # a name the file system takes, but not the temporary name made beside it
    with pytest.raises(RegisterError) as caught:
        Register(Path(name))
    assert caught.value.message == f"{tmp_path}: cannot create the register here (the name is too long)"


def test_a_register_path_too_long_to_look_for_is_named_with_where_it_came_from(monkeypatch, tmp_path):
    # Path.exists raises for a name past the file system's limit: a traceback before this.
    monkeypatch.setenv("LETTER_GEN_LANG", "vi")
    register = tmp_path / ("s" * 300 + ".sqlite")
    result = subprocess.run(
        [sys.executable, "-m", "letter_gen", "render", str(ROOT / "data" / "cchc-2021.yaml"), "-o", str(tmp_path / "x.docx"),
         "--issue", "--register", str(register)],
        capture_output=True, text=True, cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr == f"{register} (theo --register): không dùng được đường dẫn này cho sổ đăng ký (tên quá dài)\n"


def test_a_number_typed_wrong_is_said_in_vietnamese_without_click_s_type_name():
    # click names the type ("integer range") inside its sentence; the clerk reads "số"
    vi = _run(["register", "void", "abc", "--agency", "STP", "--year", "2021", "--reason", "x"], LANG="C.UTF-8")
    assert vi.exit_code == 2
    assert "'abc' không phải là số." in vi.stderr
    assert "integer" not in vi.stderr


def test_a_wrong_date_option_is_said_with_the_clerks_date_forms_not_strptime_codes():
    vi = _run(["track", "list", "--as-of", "15/13/2021"], LANG="C.UTF-8")
    assert vi.exit_code == 2
    assert "'15/13/2021' không phải ngày có thật theo dạng dd/mm/yyyy (hoặc yyyy-mm-dd)." in vi.stderr
    assert "%d" not in vi.stderr
