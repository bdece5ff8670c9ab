"""The letter-gen command, one test group per command (click's CliRunner)."""

from __future__ import annotations

import re

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
    assert result.output == f"wrote {out}\n"
    assert body_paragraphs(Document(str(out)))[0].startswith("Thực hiện Kế hoạch số 09/KH-SKHCN")


def test_render_unit_writes_the_per_unit_letter(runner, tmp_path):
    out = tmp_path / "unit.docx"
    result = runner.invoke(main, ["render", str(SAMPLE), "-o", str(out), "--unit", "1"])
    assert result.exit_code == 0, result.output
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
    assert result.stderr == "--unit 7: the input has units[0] to units[2]\n"


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
        "  letter.date: expected a real date YYYY-MM-DD (got '2021-02-30')",
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
        assert "Example:" in result.output, path
        assert re.search(rf"letter-gen {' '.join(path)}\b", readme), f"README does not document {' '.join(path)}"
