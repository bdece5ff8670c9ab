"""The letter-gen command, one test group per command (click's CliRunner)."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from click.testing import CliRunner
from docx import Document

from letter_gen.cli import main

from .conftest import ROOT, SAMPLE
from .letters import body_paragraphs


@pytest.fixture
def runner():
    return CliRunner()


def test_render_writes_the_consolidated_letter(runner, tmp_path):
    out = tmp_path / "letter.docx"
    result = runner.invoke(main, ["render", str(SAMPLE), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output == f"wrote {out} (to every unit, a draft)\n"
    assert body_paragraphs(Document(str(out)))[0].startswith("Thực hiện Kế hoạch số 09/KH-SKHCN")


def test_render_unit_writes_the_per_unit_letter(runner, tmp_path):
    out = tmp_path / "unit.docx"
    result = runner.invoke(main, ["render", str(SAMPLE), "-o", str(out), "--unit", "2"])
    assert result.exit_code == 0, result.output
    assert result.output == f"wrote {out} (to Trung tâm Kỹ thuật Tiêu chuẩn Đo lường Chất lượng, a draft)\n"
    texts = [p.text for p in Document(str(out)).paragraphs]
    assert "Kính gửi: Trung tâm Kỹ thuật Tiêu chuẩn Đo lường Chất lượng." in texts


def test_render_of_invalid_input_exits_1_names_the_field_and_writes_nothing(runner, tmp_path, seed_data, write_yaml):
    seed_data["units"][0]["findngs"] = ["x"]
    source = write_yaml(seed_data)
    out = tmp_path / "letter.docx"
    result = runner.invoke(main, ["render", str(source), "-o", str(out)])
    assert result.exit_code == 1
    assert result.stderr == (
        f"{source}: 1 problem(s) in the input\n"
        "  units[0].findngs: unknown field (a typo?); see the README for the fields of this section\n"
    )
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [source]


def test_render_with_a_unit_out_of_range_is_misuse(runner, tmp_path):
    result = runner.invoke(main, ["render", str(SAMPLE), "-o", str(tmp_path / "x.docx"), "--unit", "7"])
    assert result.exit_code == 2
    assert result.stderr == (
        "--unit 7: the input has 3 units, numbered from 1: 1. Chi cục Tiêu chuẩn Đo lường Chất lượng;"
        " 2. Trung tâm Kỹ thuật Tiêu chuẩn Đo lường Chất lượng; 3. Trung tâm Thông tin và Ứng dụng KH&CN\n"
    )


def test_render_without_output_is_misuse(runner):
    result = runner.invoke(main, ["render", str(SAMPLE)])
    assert result.exit_code == 2
    assert "Missing option '-o' / '--output'" in result.stderr


def test_render_refuses_a_place_too_long_for_the_date_line(runner, tmp_path, seed_data, write_yaml):
    seed_data["agency"]["place"] = "Thành phố Hồ Chí Minh và các vùng lân cận"
    result = runner.invoke(main, ["render", str(write_yaml(seed_data)), "-o", str(tmp_path / "x.docx")])
    assert result.exit_code == 1
    assert "agency.place" in result.stderr and "must fit on one line" in result.stderr


def test_validate_reports_a_valid_input(runner):
    result = runner.invoke(main, ["validate", str(SAMPLE)])
    assert result.exit_code == 0
    assert result.output == f"{SAMPLE}: valid (3 units, năm 2021)\n"


def test_validate_reports_every_problem_and_exits_1(runner, seed_data, write_yaml):
    seed_data["letter"]["date"] = "2021-02-30"
    seed_data["signer"]["authority"] = "XYZ"
    source = write_yaml(seed_data)
    result = runner.invoke(main, ["validate", str(source)])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{source}: 2 problem(s) in the input",
        "  letter.date: expected a real date such as 05/07/2021 or 2021-07-05 (got '2021-02-30')",
        "  signer.authority: expected one of 'KT', 'TM', 'TL', 'TUQ' or 'Q' (got 'XYZ')",
    ]


def test_validate_of_a_missing_file_is_misuse(runner, tmp_path):
    result = runner.invoke(main, ["validate", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 2


def all_commands(group, prefix=()):
    for name, command in group.commands.items():
        path = (*prefix, name)
        if hasattr(command, "commands"):
            yield from all_commands(command, path)
        else:
            yield path


def test_every_command_has_help_with_an_example_and_is_in_the_readme(runner):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for path in all_commands(main):
        result = runner.invoke(main, [*path, "--help"])
        assert result.exit_code == 0, path
        assert re.search(r"^  Examples?:$", result.output, re.M), path
        assert re.search(rf"letter-gen {' '.join(path)}\b", readme), f"README does not document {' '.join(path)}"


def break_quoc_hieu(source, target):
    """A copy of a letter or template whose Quốc hiệu is not bold (breaks one Decree 30 rule)."""
    doc = Document(str(source))
    cell = doc.tables[0].rows[0].cells[1]
    cell.paragraphs[0].runs[0].bold = False
    doc.save(str(target))
    return target


def test_check_says_a_good_letter_follows_decree_30(runner, tmp_path):
    letter = tmp_path / "good.docx"
    runner.invoke(main, ["render", str(SAMPLE), "-o", str(letter)])
    result = runner.invoke(main, ["check", str(letter)])
    assert result.exit_code == 0
    assert result.output == f"{letter}: follows Decree 30\n"


def test_check_lists_each_finding_and_exits_1(runner, tmp_path):
    good = tmp_path / "good.docx"
    runner.invoke(main, ["render", str(SAMPLE), "-o", str(good)])
    bad = break_quoc_hieu(good, tmp_path / "bad.docx")
    result = runner.invoke(main, ["check", str(bad)])
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == f"{bad}: 1 finding"
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in result.output and "bold" in result.output
    as_json = runner.invoke(main, ["check", str(bad), "--json"])
    import json

    assert [f["rule"] for f in json.loads(as_json.output)[0]["findings"]] == ["national-title"]


def test_check_of_several_files_reports_each_even_when_one_is_not_a_letter(runner, tmp_path):
    import json

    good = tmp_path / "good.docx"
    runner.invoke(main, ["render", str(SAMPLE), "-o", str(good)])
    notes = tmp_path / "notes.docx"
    notes.write_text("not a Word file", encoding="utf-8")
    result = runner.invoke(main, ["check", str(notes), str(good)])
    assert result.exit_code == 1
    assert result.stdout == f"{good}: follows Decree 30\n"  # checked, though the file before it is not a letter
    assert result.stderr.startswith(f"{notes}: not a Word .docx file")
    as_json = json.loads(runner.invoke(main, ["check", str(notes), str(good), "--json"]).stdout)
    assert as_json[0]["file"] == str(notes) and as_json[0]["error"].startswith(f"{notes}: not a Word .docx file")
    assert as_json[1] == {"file": str(good), "findings": []}


def test_render_refuses_a_letter_that_breaks_a_rule_unless_told(runner, tmp_path):
    from letter_gen.letters.bundled import template_path

    template = break_quoc_hieu(template_path("follow-up"), tmp_path / "mau.docx")
    out = tmp_path / "letter.docx"
    refused = runner.invoke(main, ["render", str(SAMPLE), "-o", str(out), "--template", str(template)])
    assert refused.exit_code == 1
    assert refused.stderr.startswith(f"{out}: not written: the letter breaks Decree 30's layout rules")
    assert not out.exists()
    forced = runner.invoke(main, ["render", str(SAMPLE), "-o", str(out), "--template", str(template), "--no-check"])
    assert forced.exit_code == 0 and out.exists()


def test_render_refuses_a_broken_user_template_before_rendering(runner, tmp_path):
    from letter_gen.letters.bundled import template_path

    doc = Document(str(template_path("follow-up")))
    doc.add_paragraph("Người nhận: {{ nguoi_nhan }}")
    template = tmp_path / "mau.docx"
    doc.save(str(template))
    out = tmp_path / "letter.docx"
    result = runner.invoke(main, ["render", str(SAMPLE), "-o", str(out), "--template", str(template)])
    assert result.exit_code == 1
    assert "the variable 'nguoi_nhan' is not provided; did you mean 'recipients'?" in result.stderr
    assert not out.exists()
    checked = runner.invoke(main, ["template", "check", str(template)])
    assert checked.exit_code == 1 and "nguoi_nhan" in checked.output


def test_template_check_passes_the_bundled_template(runner):
    from letter_gen.letters.bundled import template_path

    result = runner.invoke(main, ["template", "check", str(template_path("follow-up"))])
    assert result.exit_code == 0
    assert result.output.endswith("no problems found\n")


def test_template_vars_lists_every_variable_of_a_letter(runner):
    from dataclasses import fields

    from letter_gen.letters.compose import LetterContent

    result = runner.invoke(main, ["template", "vars"])
    names = {line.split("\t")[0] for line in result.output.splitlines()}
    assert {f.name for f in fields(LetterContent)} <= names
    assert {"paragraph.text", "paragraph.heading"} <= names


def test_render_pdf_writes_a_pdf_beside_the_letter(runner, tmp_path):
    from pypdf import PdfReader

    out = tmp_path / "letter.docx"
    result = runner.invoke(main, ["render", str(SAMPLE), "-o", str(out), "--pdf"])
    assert result.exit_code == 0, result.output
    assert result.output == f"wrote {out} (to every unit, a draft) and {tmp_path / 'letter.pdf'}\n"
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in PdfReader(str(tmp_path / "letter.pdf")).pages[0].extract_text()


def test_pdf_converts_existing_letters(runner, tmp_path):
    letters = []
    for unit in ("1", "2"):
        out = tmp_path / f"u{unit}.docx"
        runner.invoke(main, ["render", str(SAMPLE), "-o", str(out), "--unit", unit])
        letters.append(out)
    result = runner.invoke(main, ["pdf", *map(str, letters)])
    assert result.exit_code == 0, result.output
    assert all(p.with_suffix(".pdf").read_bytes().startswith(b"%PDF") for p in letters)


def test_render_refuses_a_per_unit_letter_to_a_unit_with_nothing_to_fix(runner, tmp_path, seed_data, write_yaml):
    seed_data["units"][1].update(findings=[], actions=[])
    result = runner.invoke(main, ["render", str(write_yaml(seed_data)), "-o", str(tmp_path / "x.docx"), "--unit", "2"])
    assert result.exit_code == 2
    assert result.stderr == "--unit 2: Trung tâm Kỹ thuật Tiêu chuẩn Đo lường Chất lượng has no findings and no actions, so it gets no letter\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--date", "2021-03-05"], "--date, --reissue and --allow-future only apply with --issue (a draft has no number and no date)\n"),
        (["-o", "letter.pdf"], "-o letter.pdf: a letter is a Word file: give a name ending in .docx\n"),
    ],
)
def test_render_misuse_is_refused(runner, tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    base = ["render", str(SAMPLE)] + ([] if "-o" in args else ["-o", "x.docx"])
    result = runner.invoke(main, base + args)
    assert result.exit_code == 2
    assert result.stderr == message


def test_batch_with_an_impossible_period_year_is_misuse(runner, tmp_path):
    result = runner.invoke(main, ["batch", str(SAMPLE), "--out", str(tmp_path / "o"), "--period", "1800"])
    assert result.exit_code == 2
    assert result.stderr == "--period '1800': the year must be between 1945 and 2200\n"


def test_a_template_that_fails_while_rendering_is_an_error_not_a_traceback(runner, tmp_path):
    from letter_gen.letters.bundled import template_path

    doc = Document(str(template_path("follow-up")))
    doc.add_paragraph("{{ 1 / 0 }}")
    template = tmp_path / "mau.docx"
    doc.save(str(template))
    result = runner.invoke(main, ["render", str(SAMPLE), "-o", str(tmp_path / "x.docx"), "--template", str(template)])
    assert result.exit_code == 1
    assert "the template failed (ZeroDivisionError: division by zero)" in result.stderr


def test_letters_are_readable_by_colleagues(runner, tmp_path):
    import stat

    out = tmp_path / "letter.docx"
    runner.invoke(main, ["render", str(SAMPLE), "-o", str(out)])
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~_umask()


def _umask():
    import os

    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_an_issued_letter_on_disk_is_not_written_over_by_render(runner, tmp_path):
    register, out = tmp_path / "r.sqlite", tmp_path / "letter.docx"
    out.write_bytes(b"another signed letter")  # not a Word file: replaced only by the same letter
    result = runner.invoke(main, ["render", str(SAMPLE), "-o", str(out), "--issue", "--date", "2021-03-05", "--register", str(register)])
    assert result.exit_code == 1
    assert "a file letter_gen did not write (or that was edited since) is there; it is not replaced" in result.stderr
    assert "--force" in result.stderr
    assert out.read_bytes() == b"another signed letter"
    assert not register.exists() or _numbers(register) == []  # refused before a number was taken


def test_render_never_replaces_an_issued_letter_and_takes_no_number_when_it_refuses(runner, tmp_path):
    from letter_gen.register.store import Register

    register, out = tmp_path / "r.sqlite", tmp_path / "L.docx"
    issue = ["--issue", "--date", "2021-03-05", "--register", str(register)]
    assert runner.invoke(main, ["render", str(SAMPLE), "-o", str(out)]).exit_code == 0  # a draft
    assert runner.invoke(main, ["render", str(SAMPLE), "-o", str(out), *issue]).exit_code == 0  # replaces the draft
    issued = out.read_bytes()
    assert runner.invoke(main, ["render", str(SAMPLE), "-o", str(out), *issue]).exit_code == 0  # the same letter again
    draft_over = runner.invoke(main, ["render", str(SAMPLE), "-o", str(out)])
    assert draft_over.exit_code == 1 and "an issued letter with other content is already there" in draft_over.stderr
    other = runner.invoke(main, ["render", str(SAMPLE), "-o", str(out), "--unit", "1", *issue])
    assert other.exit_code == 1 and "an issued letter with other content is already there" in other.stderr
    assert out.read_bytes() == issued
    with Register(register) as book:
        assert [e.number for e in book.entries()] == [1]  # the refused letter took no number


def _numbers(register):
    from letter_gen.register.store import Register

    with Register(register) as book:
        return [e.number for e in book.entries()]


# --- --unit by name, lists as clerks type them, small truths -------------------------------


@pytest.mark.parametrize(
    "unit",
    ["3", "Trung tâm Thông tin và Ứng dụng KH&CN", "trung tâm  thông tin và ứng dụng kh&cn", "Trung tâm Thông tin"],
)
def test_render_unit_takes_the_name_any_case_and_spacing_a_unique_start_or_the_position_from_1(runner, tmp_path, unit):
    out = tmp_path / "unit.docx"
    result = runner.invoke(main, ["render", str(SAMPLE), "-o", str(out), "--unit", unit])
    assert result.exit_code == 0, result.output
    assert result.output == f"wrote {out} (to Trung tâm Thông tin và Ứng dụng KH&CN, a draft)\n"


def test_render_unit_takes_the_short_name(runner, tmp_path):
    out = tmp_path / "unit.docx"
    result = runner.invoke(main, ["render", str(SAMPLE), "-o", str(out), "--unit", "trung tâm kỹ thuật tđc"])
    assert result.output == f"wrote {out} (to Trung tâm Kỹ thuật Tiêu chuẩn Đo lường Chất lượng, a draft)\n"


def test_render_unit_that_matches_several_or_none_offers_the_names(runner, tmp_path):
    out = str(tmp_path / "x.docx")
    several = runner.invoke(main, ["render", str(SAMPLE), "-o", out, "--unit", "Trung tâm"])
    assert several.exit_code == 2
    assert several.stderr == (
        "--unit Trung tâm: several units start so: Trung tâm Kỹ thuật Tiêu chuẩn Đo lường Chất lượng;"
        " Trung tâm Thông tin và Ứng dụng KH&CN; give more of the name\n"
    )
    unaccented = runner.invoke(main, ["render", str(SAMPLE), "-o", out, "--unit", "chi cuc tieu chuan"])
    assert unaccented.exit_code == 2
    assert unaccented.stderr.startswith(
        "--unit chi cuc tieu chuan: no unit of the input is named so; did you mean: Chi cục Tiêu chuẩn Đo lường Chất lượng?"
    )
    assert "The units: 1. Chi cục Tiêu chuẩn Đo lường Chất lượng; 2. " in unaccented.stderr


def test_list_items_lose_the_marks_typed_as_in_a_letter_and_a_semicolon_inside_is_warned(runner, tmp_path, seed_data, write_yaml):
    seed_data["recipients"] = ["- Phòng Công chứng số 1;", "+ Phòng Tư pháp; Thanh tra Sở."]
    seed_data["cc"] = ["- Sở Nội vụ (b/c);"]
    seed_data["archive"] = ["- VT", "TTr."]
    source = write_yaml(seed_data)
    out = tmp_path / "x.docx"
    result = runner.invoke(main, ["render", str(source), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        f"warning: {source}: recipients[1]: 'Phòng Tư pháp; Thanh tra Sở' holds \"; \": is it several items?"
        " Give each its own line (in Excel: Alt+Enter inside the cell; in YAML: its own \"- \" entry)\n"
    )
    texts = [p.text for p in Document(str(out)).paragraphs]
    assert "- Phòng Công chứng số 1;" in texts
    assert not any(t.startswith("- - ") or t.startswith("- + ") for t in texts)
    assert "- Lưu: VT, TTr." in [p.text for t in Document(str(out)).tables for c in t._cells for p in c.paragraphs]


@pytest.mark.parametrize("quarter", ["II", "Quý II", "quý 2", 2])
def test_a_quarter_is_read_as_clerks_write_it(runner, seed_data, write_yaml, quarter):
    seed_data["period"] = {"year": 2021, "quarter": quarter}
    result = runner.invoke(main, ["validate", str(write_yaml(seed_data))])
    assert result.exit_code == 0, result.output
    assert "quý II năm 2021" in result.output


def test_pdf_refuses_files_that_are_not_docx_before_starting_libreoffice(runner, tmp_path, monkeypatch):
    monkeypatch.setenv("LETTER_GEN_SOFFICE", "/nonexistent/soffice")  # would fail if it were started
    old, sheet = tmp_path / "cv.doc", tmp_path / "x.xlsx"
    old.write_bytes(b"x")
    sheet.write_bytes(b"x")
    result = runner.invoke(main, ["pdf", str(old), str(sheet)])
    assert result.exit_code == 2
    assert result.stderr == (
        "2 files are not .docx letters; nothing was converted\n"
        f"  {old}: a Word 97-2003 document: open it in Word and save it as \"Word Document (*.docx)\"\n"
        f"  {sheet}: not a Word letter (.docx)\n"
    )


def test_batch_names_the_files_it_skips_and_why(runner, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "cchc.yaml").write_bytes(SAMPLE.read_bytes())
    (folder / "cu.xls").write_bytes(b"x")
    (folder / "ds.csv").write_text("a,b\n")
    result = runner.invoke(main, ["batch", str(folder), "--out", str(tmp_path / "out"), "--mode", "consolidated"])
    assert result.exit_code == 0, result.output
    assert (
        f"note: skipped {folder / 'cu.xls'}: an Excel 97-2003 workbook: open it in Excel and save it as"
        " \"Excel Workbook (*.xlsx)\"\n"
    ) in result.stderr
    assert f"note: skipped {folder / 'ds.csv'}: a CSV file holds one sheet only" in result.stderr


def test_batch_of_a_period_no_input_belongs_to_says_so_and_exits_1(runner, tmp_path):
    result = runner.invoke(main, ["batch", str(SAMPLE), "--out", str(tmp_path / "out"), "--period", "2021-Q2"])
    assert result.exit_code == 1
    assert "0 written" in result.output and "1 input read, 1 outside 2021-Q2" in result.output
    assert "no input is of the period 2021-Q2, so no letter was written" in result.stderr


def test_issue_date_says_both_forms(runner, tmp_path):
    result = runner.invoke(main, ["render", str(SAMPLE), "-o", str(tmp_path / "x.docx"), "--issue", "--date", "5.7.2021"])
    assert result.exit_code == 2
    assert "'5.7.2021' is not a date: write it as 05/07/2021 (dd/mm/yyyy) or 2021-07-05" in result.stderr


def test_python_dash_m_names_the_command_letter_gen_in_its_usage_line(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "letter_gen", "--help"], capture_output=True, text=True, check=True,
        env={**os.environ, "LETTER_GEN_LANG": "en"}, cwd=tmp_path,
    )
    usage = done.stdout.splitlines()[0]
    assert usage.startswith("Usage: letter-gen "), usage
