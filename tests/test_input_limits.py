"""Hostile and damaged inputs are refused in bounded time and memory, and no typed row is dropped.

Each attack is a small file built here. The ones that once ate gigabytes run the real command
in a subprocess whose address space is capped with ``resource.setrlimit``: a regression
fails with a MemoryError there, never by filling this machine.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml

from letter_gen.errors import InputError
from letter_gen.inputs import limits
from letter_gen.inputs.excel import ITEMS_SHEET, write_workbook
from letter_gen.inputs.formats import load_input
from letter_gen.inputs.model import validate_data

from .conftest import ROOT
from .rounds import make_round

MEMORY_MB = 500  # a render of the seed letter needs under 300 MB of address space
README = (ROOT / "README.md").read_text(encoding="utf-8")


def run_capped(*args: str, env: dict[str, str] | None = None, memory_mb: int = MEMORY_MB) -> subprocess.CompletedProcess[str]:
    """``letter-gen ARGS`` in a subprocess with its address space capped, within 120 s."""
    code = (
        "import resource, sys\n"
        f"resource.setrlimit(resource.RLIMIT_AS, ({memory_mb} << 20, {memory_mb} << 20))\n"
        "from letter_gen.cli import main\n"
        "sys.argv[0] = 'letter-gen'\n"
        "main()\n"
    )
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120, cwd=ROOT,
        env={**os.environ, **(env or {})},
    )


def assert_refused(result: subprocess.CompletedProcess[str], line: str, out: Path) -> None:
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr and "MemoryError" not in result.stderr
    assert line in result.stderr.splitlines(), result.stderr
    assert not out.exists()


def documented(line: str, path: Path, name: str) -> None:
    """The README's table of invalid input shows the line, with the file called ``name``."""
    assert line.replace(str(path), name).replace("|", "\\|") in README, "README's table is out of date"


def round_yaml(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


# --- YAML: aliases ---------------------------------------------------------------------------


def laughs_file(tmp_path: Path) -> Path:
    """A 2 KB round whose requirements are a billion-laughs bomb: nine levels of nine aliases."""
    data = make_round(units=2)
    data.pop("requirements")
    data.pop("cc")
    lines = ['cc:', '  - &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for previous, name in zip("abcdefgh", "bcdefghi"):
        lines.append(f"  - &{name} [{', '.join(f'*{previous}' for _ in range(9))}]")
    path = tmp_path / "laughs.yaml"
    path.write_text(round_yaml(data) + "\n".join(lines) + "\nrequirements: *i\n", encoding="utf-8")
    return path


LAUGHS_LINE = (
    "laughs.yaml: line 53, column 17: the data grows past 64,000,000 characters (its aliases expanded);"
    " an inspection round is far smaller (the limit is LETTER_GEN_MAX_EXPANDED_CHARS)"
)


@pytest.mark.parametrize("clean_text", [False, True], ids=["render", "render --clean-text"])
def test_an_alias_bomb_is_refused_in_bounded_memory(tmp_path, clean_text):
    path = laughs_file(tmp_path)
    assert path.stat().st_size < 2500
    out = tmp_path / "out.docx"
    result = run_capped("render", str(path), "-o", str(out), *(["--clean-text"] if clean_text else []))
    line = LAUGHS_LINE.replace("laughs.yaml", str(path))
    assert_refused(result, line, out)
    documented(line, path, "laughs.yaml")


def test_one_long_text_aliased_a_thousand_times_is_refused_in_bounded_memory(tmp_path):
    data = make_round(units=2)
    data["inspection"]["assessment"] = "@ASSESSMENT@"
    data["requirements"] = ["@REQUIREMENTS@"]
    text = round_yaml(data)
    text = text.replace("'@ASSESSMENT@'", "&long '" + "Đánh giá dài. " * 8000 + "'")
    text = text.replace("- '@REQUIREMENTS@'", "\n".join(["- *long"] * 1000))
    path = tmp_path / "aliased.yaml"
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "out.docx"
    result = run_capped("render", str(path), "-o", str(out))
    assert result.returncode == 1 and not out.exists()
    assert f"{path}: line " in result.stderr and "the data grows past 64,000,000 characters (its aliases expanded)" in result.stderr


def test_more_aliases_than_the_limit_are_refused(tmp_path, monkeypatch):
    data = make_round(units=2)
    data["requirements"] = ["@R@"]
    text = round_yaml(data).replace("assessment: ", "assessment: &a ").replace("- '@R@'", "\n".join(["- *a"] * 11))
    path = tmp_path / "aliases.yaml"
    path.write_text(text, encoding="utf-8")
    assert len(load_input(path).requirements) == 11
    monkeypatch.setenv("LETTER_GEN_MAX_ALIASES", "10")
    with pytest.raises(InputError) as caught:
        load_input(path)
    assert re.fullmatch(
        rf"{re.escape(str(path))}: line \d+, column 3: more than 10 aliases \(\*name\); an inspection round needs"
        r" far fewer \(the limit is LETTER_GEN_MAX_ALIASES\)", caught.value.message)


def test_an_alias_to_the_node_that_holds_it_is_refused(tmp_path):
    path = tmp_path / "loop.yaml"
    path.write_text("letter: &x\n  subject: a\n  loop: *x\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"line 3, column 9: the alias \*x refers to the very node that holds it"):
        load_input(path)


def test_yaml_merge_keys_merge_and_the_mapping_s_own_keys_win(tmp_path):
    from letter_gen.inputs.formats import read_data

    path = tmp_path / "merge.yaml"
    path.write_text("base: &b {code: SKHCN, name: Sở}\nother: &o {place: Huế}\nagency:\n  <<: [*b, *o]\n  name: Sở KH&CN\n",
                    encoding="utf-8")
    assert read_data(path)["agency"] == {"code": "SKHCN", "name": "Sở KH&CN", "place": "Huế"}


# --- sizes -------------------------------------------------------------------------------------


def test_a_file_bigger_than_the_limit_is_refused_before_it_is_read(tmp_path, seed_data, write_yaml):
    path = write_yaml(seed_data)
    out = tmp_path / "out.docx"
    result = run_capped("render", str(path), "-o", str(out), env={"LETTER_GEN_MAX_INPUT_BYTES": "2000"})
    size = path.stat().st_size
    line = (f"{path}: the file is {size:,} bytes; an input file may be at most 2,000 bytes (a round of 10,000 units"
            " is a few MB); to read a bigger one, set LETTER_GEN_MAX_INPUT_BYTES")
    assert_refused(result, line, out)
    documented(line.replace(f"{size:,} bytes", "80.2 MB").replace("2,000 bytes", "64 MB"), path, "in.yaml")


def test_a_text_of_100000_characters_is_not_a_letter_s_field(seed_data):
    seed_data["units"][0]["findings"][0] = "Chưa cập nhật hồ sơ. " * 5000
    with pytest.raises(InputError) as caught:
        validate_data(seed_data, "in.yaml")
    line = ("units[0].findings[0]: 105,000 characters; a text of a letter holds at most 20,000 (to allow longer ones,"
            " set LETTER_GEN_MAX_TEXT_CHARS) (got 'Chưa cập nhật hồ sơ. Chưa cập nhật hồ sơ. Chưa cập nhật hồ s…')")
    assert caught.value.problems == [line]
    assert line in README, "README's table is out of date"


def test_a_finding_of_5000_characters_is_a_real_one(seed_data):
    seed_data["units"][0]["findings"][0] = "Chưa cập nhật hồ sơ. " * 238
    assert len(validate_data(seed_data, "in.yaml").units[0].findings[0]) > 4900


def test_a_limit_is_raised_by_its_environment_variable(seed_data, tmp_path, monkeypatch):
    seed_data["units"][0]["findings"][0] = "x" * 30_000
    path = tmp_path / "long.yaml"
    path.write_text(round_yaml(seed_data), encoding="utf-8")
    with pytest.raises(InputError):
        load_input(path)
    monkeypatch.setenv("LETTER_GEN_MAX_TEXT_CHARS", "40_000")
    assert limits.current().text_chars == 40_000
    assert len(load_input(path).units[0].findings[0]) == 30_000


def test_a_limit_variable_that_is_not_a_number_is_a_usage_error(tmp_path):
    out = tmp_path / "out.docx"
    result = run_capped("render", str(ROOT / "data" / "cchc-2021.yaml"), "-o", str(out), env={"LETTER_GEN_MAX_TEXT_CHARS": "lots"})
    assert result.returncode == 2 and not out.exists()
    assert result.stderr == "LETTER_GEN_MAX_TEXT_CHARS='lots': expected a whole number of 1 or more\n"


# --- strict types ---------------------------------------------------------------------------


def test_a_binary_tag_is_not_text(tmp_path):
    data = make_round(units=1)
    text = round_yaml(data).replace("subject: ", "subject: !!binary aGVsbG8= #", 1)
    path = tmp_path / "binary.yaml"
    path.write_text(text, encoding="utf-8")
    line = (f"{path}: line 6, column 12: the tag !!binary is not allowed in an inspection input; write the value as"
            " plain text, a number, true/false or a list, without a tag")
    with pytest.raises(InputError) as caught:
        load_input(path)
    assert caught.value.message == line
    documented(line, path, "in.yaml")


@pytest.mark.parametrize("tag", ["!!timestamp 2021-02-03", "!!set {a, b}", "!thing x", "!!python/object:os.system x"])
def test_other_tags_than_plain_data_are_refused(tmp_path, tag):
    path = tmp_path / "tag.yaml"
    path.write_text(f"letter:\n  subject: {tag}\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"line 2, column 12: the tag \S+ is not allowed"):
        load_input(path)


def test_plain_data_tags_are_allowed(tmp_path):
    from letter_gen.inputs.formats import read_data

    path = tmp_path / "tags.yaml"
    path.write_text("a: !!str 42\nb: !!int '7'\nc: !!map {d: !!seq [!!null '', !!bool 'yes', !!float '1.5']}\n",
                    encoding="utf-8")
    assert read_data(path) == {"a": "42", "b": 7, "c": {"d": [None, True, 1.5]}}


@pytest.mark.parametrize(
    ("field", "value", "line"),
    [
        (("period", "year"), True, "period.year: expected a year such as 2021 (got True)"),
        (("period", "year"), "2021", "period.year: expected a year such as 2021 (got '2021')"),
        (("period", "year"), 1900, "period.year: expected a year from 1945 to 2200 (got 1900)"),
        (("period", "month"), True, "period.month: expected a month (got True)"),
        (("letter", "number"), 12345678901234567890123456789012,
         "letter.number: expected a whole number from 1 to 99,999 (got 12345678901234567890123456789012)"),
        (("letter", "subject"), b"hello", "letter.subject: expected text"),
    ],
    ids=["year yes", "year as text", "year out of range", "month yes", "32-digit number", "bytes as text"],
)
def test_years_numbers_and_texts_are_typed_strictly(seed_data, field, value, line):
    section, key = field
    seed_data[section][key] = value
    with pytest.raises(InputError) as caught:
        validate_data(seed_data, "in.yaml")
    assert caught.value.problems == [line]


# --- workbooks --------------------------------------------------------------------------------


def workbook(tmp_path: Path, findings: int, name: str = "kiem-tra.xlsx") -> Path:
    data = make_round(units=2)
    data["units"][0]["findings"] = [f"Tồn tại số {n + 1}." for n in range(findings)]
    path = tmp_path / name
    write_workbook(path, validate_data(data, "t"))
    return path


def rewrite_part(path: Path, part: str, change: Any, compresslevel: int | None = None) -> None:
    """Rewrite one XML part of an .xlsx in place."""
    with zipfile.ZipFile(path) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    parts[part] = change(parts[part])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel) as target:
        for name, data in parts.items():
            target.writestr(name, data)


def items_part(path: Path) -> str:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    index = book.sheetnames.index(ITEMS_SHEET)
    book.close()
    return f"xl/worksheets/sheet{index + 1}.xml"


def test_rows_below_a_stale_used_range_are_read(tmp_path):
    path = workbook(tmp_path, findings=21)
    part = items_part(path)
    rewrite_part(path, part, lambda xml: re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:C11"/>', xml))
    with zipfile.ZipFile(path) as zipped:
        assert b'<dimension ref="A1:C11"/>' in zipped.read(part)
    findings = load_input(path).units[0].findings
    assert len(findings) == 21 and findings[-1] == "Tồn tại số 21."


def test_a_row_at_one_million_is_refused_in_bounded_time_and_memory(tmp_path):
    path = workbook(tmp_path, findings=2)
    far = (b'<row r="1000000"><c r="A1000000" t="inlineStr"><is><t>x</t></is></c></row></sheetData>')
    rewrite_part(path, items_part(path), lambda xml: xml.replace(b"</sheetData>", far))
    out = tmp_path / "out.docx"
    result = run_capped("render", str(path), "-o", str(out))
    line = (f'{path}: sheet "Tồn tại - Khắc phục", row 1000000: more than 100,000 rows; a round of 10,000 units'
            " fits in far fewer (to read more, set LETTER_GEN_MAX_SHEET_ROWS)")
    assert_refused(result, line, out)
    documented(line, path, "kiem-tra.xlsx")


def test_more_rows_than_the_limit_are_refused(tmp_path, monkeypatch):
    path = workbook(tmp_path, findings=120)
    # Above the rows of the form's own first sheet (its fields, about 80), below the findings'.
    monkeypatch.setenv("LETTER_GEN_MAX_SHEET_ROWS", "100")
    with pytest.raises(InputError, match=r'sheet "Tồn tại - Khắc phục", row 102: more than 100 rows'):
        load_input(path)


def replace_cell_text(path: Path, old: str, new: str) -> None:
    """Replace a text of the findings sheet (openpyxl writes them inline, as character references)."""
    encoded = "".join(c if ord(c) < 128 else f"&#{ord(c)};" for c in old).encode()
    rewrite_part(path, items_part(path), lambda xml: xml.replace(encoded, new.encode()), compresslevel=1)


def test_a_cell_that_unzips_past_the_limit_is_refused_before_it_is_read(tmp_path):
    path = workbook(tmp_path, findings=2)
    replace_cell_text(path, "Tồn tại số 2.", "a" * (65 << 20))
    assert path.stat().st_size < 400_000  # a 300 KB file
    out = tmp_path / "out.docx"
    result = run_capped("render", str(path), "-o", str(out))
    line = (f"{path}: the workbook unzips to 65 MB of XML (xl/worksheets/sheet3.xml the most), more than the 64 MB an"
            " input may hold; a round of 10,000 units is a few MB (to read a bigger one, set"
            " LETTER_GEN_MAX_WORKBOOK_XML_BYTES)")
    assert result.returncode == 1 and not out.exists(), result.stderr
    assert re.fullmatch(re.escape(line).replace("65\\ MB", r"65(\.\d)? MB"), result.stderr.strip()), result.stderr
    documented(line, path, "kiem-tra.xlsx")


def test_a_long_cell_is_named_by_its_sheet_row_and_column(tmp_path):
    path = workbook(tmp_path, findings=2)
    replace_cell_text(path, "Tồn tại số 2.", "a" * 3_000_000)
    with pytest.raises(InputError) as caught:
        load_input(path)
    assert caught.value.problems == [
        'kiem-tra.xlsx: sheet "Tồn tại - Khắc phục", row 3, column C (Nội dung): units[0].findings[1]: 3,000,000'
        " characters; a text of a letter holds at most 20,000 (to allow longer ones, set LETTER_GEN_MAX_TEXT_CHARS)"
        " (got 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa…')"
    ]


def test_yaml_is_parsed_by_libyaml():
    # scripts/setup.sh makes sure of it: the pure-Python parser is 10-15x slower.
    from letter_gen.inputs.yaml_reader import WITH_LIBYAML

    assert WITH_LIBYAML


# --- a batch parses each input once -------------------------------------------------------------


def test_a_batch_parses_each_input_once_and_holds_only_small_ones(tmp_path, monkeypatch):
    from letter_gen.inputs import spool
    from letter_gen.output import batch

    from .rounds import write_round

    inputs = tmp_path / "in"
    for index in range(3):
        write_round(inputs / f"r{index}.yaml", make_round(units=4, seed=index, prefix=f"R{index} "))
    parsed: list[str] = []
    spooled: list[int] = []
    real_load, real_spool = batch.load_input, spool.SpooledRound.__init__

    def counting_load(path: Any, **kwargs: Any) -> Any:
        parsed.append(Path(path).name)
        return real_load(path, **kwargs)

    def counting_spool(self: Any, round_: Any) -> None:
        spooled.append(len(round_.units))
        real_spool(self, round_)

    monkeypatch.setattr(batch, "load_input", counting_load)
    monkeypatch.setattr(spool.SpooledRound, "__init__", counting_spool)
    monkeypatch.setattr(batch, "_KEEP_UNITS", 4)  # the first is kept, the second put aside, the last kept
    summary = batch.run_batch([inputs], batch.BatchOptions(out_dir=tmp_path / "out", mode="per-unit"))
    assert summary.ok and summary.written == len(batch.read_manifest(tmp_path / "out")) > 6
    assert sorted(parsed) == ["r0.yaml", "r1.yaml", "r2.yaml"]
    assert spooled == [4]
    assert {row["input"] for row in batch.read_manifest(tmp_path / "out")} == {"r0.yaml", "r1.yaml", "r2.yaml"}


def test_the_pure_python_parser_reads_the_same_data_and_refuses_the_same_way():
    from letter_gen.inputs.yaml_reader import YamlProblem, load

    seed = (ROOT / "data" / "cchc-2021.yaml").read_bytes()
    assert load(seed, limits.DEFAULTS, with_libyaml=False) == load(seed, limits.DEFAULTS)
    for text in (b"a: 1\na: 2\n", b"a: !!binary aGk=\n", b"a: &x [*x]\n"):
        refusals = []
        for with_libyaml in (True, False):
            with pytest.raises(YamlProblem) as caught:
                load(text, limits.DEFAULTS, with_libyaml=with_libyaml)
            refusals.append((caught.value.message, caught.value.mark.line, caught.value.mark.column))
        assert refusals[0] == refusals[1]
