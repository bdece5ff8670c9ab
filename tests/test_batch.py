"""Batches per reporting period (letter_gen.output.batch) and `letter-gen batch`."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document

from letter_gen.cli import main
from letter_gen.errors import UsageError
from letter_gen.inputs.model import Period
from letter_gen.inputs.period import parse_period
from letter_gen.output.batch import BatchOptions, run_batch, slugify
from letter_gen.output.manifest import manifest_csv_rows, read_manifest
from letter_gen.register.store import Register

from .letters import all_text
from .rounds import make_round, write_round


@pytest.mark.parametrize(
    ("text", "covered", "not_covered"),
    [
        ("2021", [{}, {"quarter": 2}, {"half": 1}, {"month": 6}], []),
        ("2021-H1", [{"quarter": 2}, {"half": 1}, {"month": 6}], [{}, {"quarter": 3}, {"half": 2}]),
        ("2021-Q2", [{"quarter": 2}, {"month": 4}], [{}, {"half": 1}, {"quarter": 1}]),
        ("2021-06", [{"month": 6}], [{"quarter": 2}, {"month": 5}]),
    ],
)
def test_a_period_covers_the_inputs_inside_it(text, covered, not_covered):
    period = parse_period(text)
    for part in covered:
        assert period.covers(Period(year=2021, **part)), part
    for part in not_covered:
        assert not period.covers(Period(year=2021, **part)), part
    assert not period.covers(Period(year=2022, **(covered[0])))


@pytest.mark.parametrize("text", ["21", "2021-Q5", "2021-13", "2021-H3", "Q2-2021"])
def test_a_malformed_period_is_misuse(text):
    with pytest.raises(UsageError, match="expected a year"):
        parse_period(text)


def test_slugs_are_ascii_and_safe():
    assert slugify("Ban QLDA ĐTXD tỉnh") == "ban-qlda-dtxd-tinh"
    assert slugify("../../etc/passwd") == "etc-passwd"
    assert slugify("Trường " * 40) == ("truong-" * 9)[:60].rstrip("-")
    assert slugify("!!!") == "letter"


@pytest.fixture
def two_quarters(tmp_path):
    """Three inputs over two quarters of 2021, two agencies."""
    inputs = tmp_path / "inputs"
    write_round(inputs / "stc-q1.yaml", make_round(quarter=1, units=4, seed=1))
    write_round(inputs / "stc-q2.yaml", make_round(quarter=2, units=5, seed=2))
    write_round(inputs / "sxd-q2.yaml", make_round(agency="SXD", agency_name="Sở Xây dựng", quarter=2, units=3, seed=3))
    return inputs


def letters_to_fix(path):
    import yaml

    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return sum(1 for u in data["units"] if u["findings"] or u["actions"])


def test_both_modes_write_one_consolidated_and_one_per_unit_letter_with_something_to_fix(two_quarters, tmp_path):
    out = tmp_path / "out"
    summary = run_batch([two_quarters], BatchOptions(out_dir=out, period=parse_period("2021-Q2")))
    expected = 2 + letters_to_fix(two_quarters / "stc-q2.yaml") + letters_to_fix(two_quarters / "sxd-q2.yaml")
    assert summary.written == expected and summary.failed == 0
    assert summary.inputs_outside_period == 1
    manifest = read_manifest(out)
    assert len(manifest) == expected
    assert {row["input"] for row in manifest} == {"stc-q2.yaml", "sxd-q2.yaml"}
    assert sum(row["mode"] == "consolidated" for row in manifest) == 2
    assert all(row["unit"] is None for row in manifest if row["mode"] == "consolidated")


@pytest.mark.parametrize("mode", ["consolidated", "per-unit"])
def test_one_mode_writes_only_its_letters(two_quarters, tmp_path, mode):
    out = tmp_path / "out"
    run_batch([two_quarters / "stc-q1.yaml"], BatchOptions(out_dir=out, mode=mode))
    modes = {row["mode"] for row in read_manifest(out)}
    assert modes == {mode}


def test_the_manifest_lists_every_letter_with_its_sha256_and_fields(two_quarters, tmp_path):
    out = tmp_path / "out"
    run_batch([two_quarters / "stc-q1.yaml"], BatchOptions(out_dir=out))
    manifest = read_manifest(out)
    assert sorted(p.name for p in out.glob("*.docx")) == sorted(row["path"] for row in manifest)
    for row in manifest:
        assert set(row) == {"input", "kind", "unit", "mode", "number", "symbol", "date", "subject", "recipients", "path",
                            "sha256", "pdf", "pdf_sha256", "signed", "signed_sha256", "signed_at", "status", "replaces",
                            "replaced_by"}
        assert row["kind"] == "follow-up"
        assert row["pdf"] is None and row["status"] == "current" and row["replaces"] is None and row["replaced_by"] is None
        assert hashlib.sha256((out / row["path"]).read_bytes()).hexdigest() == row["sha256"]
        assert row["number"] is None and row["date"] is None and row["symbol"] == "STC-TTr"
        assert re.fullmatch(r"draft-STC-[a-z0-9-]+\.docx", row["path"])
        if row["unit"]:
            assert row["recipients"] == [row["unit"]]
            assert f"Kính gửi: {row['unit']}." in all_text(Document(str(out / row["path"])))
    csv_rows = manifest_csv_rows(out)
    assert [r["path"] for r in csv_rows] == [r["path"] for r in manifest]
    assert [r["sha256"] for r in csv_rows] == [r["sha256"] for r in manifest]
    assert {r["kind"] for r in csv_rows} == {"follow-up"}


def test_a_manifest_written_before_it_had_kind_still_reads_and_its_rows_are_kept(two_quarters, tmp_path):
    out = tmp_path / "out"
    run_batch([two_quarters / "stc-q1.yaml"], BatchOptions(out_dir=out, mode="consolidated"))
    rows = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    for row in rows:
        del row["kind"]  # as letter_gen wrote it before the kind column
    (out / "draft-SKHCN-team-decision-tong-hop-report-2021.docx").write_bytes(b"x")
    rows.append({**rows[0], "path": "draft-SKHCN-team-decision-tong-hop-report-2021.docx"})
    (out / "manifest.json").write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    assert [row["kind"] for row in read_manifest(out)] == ["follow-up", "team-decision"]  # told by the file name
    run_batch([two_quarters / "stc-q1.yaml"], BatchOptions(out_dir=out, mode="per-unit"))
    kept = read_manifest(out)
    assert {row["kind"] for row in kept} == {"follow-up", "team-decision"}
    assert len(kept) == len(rows) + letters_to_fix(two_quarters / "stc-q1.yaml")
    assert "team-decision" in [r["kind"] for r in manifest_csv_rows(out)]


def test_file_names_never_come_from_raw_text(tmp_path):
    data = make_round(units=2)
    data["units"][0]["name"] = "../../Ban QLDA ĐTXD tỉnh/" + "x" * 300
    inputs = write_round(tmp_path / "evil.yaml", data)
    out = tmp_path / "out"
    run_batch([inputs], BatchOptions(out_dir=out, mode="per-unit"))
    names = [p.name for p in out.iterdir()]
    assert all(len(n) < 100 and "/" not in n and ".." not in n for n in names)
    assert "draft-STC-ban-qlda-dtxd-tinh-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.docx" in names


def issue_options(out, register, day="2021-07-05", **extra):
    return BatchOptions(out_dir=out, issue=True, date=dt.date.fromisoformat(day), register_path=register, **extra)


def test_issuing_numbers_letters_consecutively_from_01_per_agency(two_quarters, tmp_path):
    register = tmp_path / "register.sqlite"
    out = tmp_path / "out"
    summary = run_batch([two_quarters], issue_options(out, register, period=parse_period("2021-Q2")))
    manifest = read_manifest(out)
    by_agency: dict[str, list[int]] = {}
    for row in manifest:
        by_agency.setdefault(row["symbol"], []).append(row["number"])
        assert row["date"] == "2021-07-05"
        number = f"{row['number']:02d}/{row['symbol']}"
        text = all_text(Document(str(out / row["path"])))
        assert f"Số: {number}" in text and "ngày 05 tháng 7 năm 2021" in text
        assert row["path"].startswith(f"{row['date'][:4]}-{row['number']:03d}-{row['symbol'].split('-')[0]}-")
    for numbers in by_agency.values():
        assert numbers == list(range(1, len(numbers) + 1))
    assert summary.issued == len(manifest)
    with Register(register) as book:
        assert len(book.entries()) == len(manifest)


def test_a_re_run_of_the_same_batch_changes_nothing(two_quarters, tmp_path):
    register, out = tmp_path / "register.sqlite", tmp_path / "out"
    run_batch([two_quarters], issue_options(out, register))
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    again = run_batch([two_quarters], issue_options(out, register, day="2021-07-09"))
    assert again.written == 0 and again.issued == 0 and again.unchanged == len(read_manifest(out))
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    with Register(register) as book:
        assert len(book.entries()) == len(read_manifest(out))


def test_a_new_year_starts_again_at_01(tmp_path):
    register = tmp_path / "register.sqlite"
    run_batch([write_round(tmp_path / "a.yaml", make_round(units=2))], issue_options(tmp_path / "o1", register, day="2021-12-31"))
    run_batch([write_round(tmp_path / "b.yaml", make_round(year=2022, units=2))], issue_options(tmp_path / "o2", register, day="2022-01-20"))
    assert [r["number"] for r in read_manifest(tmp_path / "o2")][0] == 1


def test_a_changed_letter_is_refused_without_reissue_and_kept_twice_with_it(tmp_path):
    register, out = tmp_path / "register.sqlite", tmp_path / "out"
    data = make_round(units=2, seed=5)
    source = write_round(tmp_path / "round.yaml", data)
    run_batch([source], issue_options(out, register, mode="consolidated"))
    data["units"][0]["findings"] = ["Một tồn tại mới."]
    write_round(source, data)
    refused = run_batch([source], issue_options(out, register, mode="consolidated"))
    assert refused.failed == 1 and "--reissue" in refused.failures[0]
    reissued = run_batch([source], issue_options(out, register, mode="consolidated", reissue=True))
    assert reissued.failed == 0 and reissued.issued == 1
    with Register(register) as book:
        entries = book.entries()
    assert [(e.number, e.superseded) for e in entries] == [(1, True), (2, False)]
    assert (out / "2021-001-STC-tong-hop-round.docx").exists() and (out / "2021-002-STC-tong-hop-round.docx").exists()


def test_numbering_continues_after_a_reservation(tmp_path):
    register = tmp_path / "register.sqlite"
    with Register(register) as book:
        book.reserve("STC", 2021, 120)
    run_batch([write_round(tmp_path / "a.yaml", make_round(units=1))], issue_options(tmp_path / "out", register, mode="consolidated"))
    assert read_manifest(tmp_path / "out")[0]["number"] == 121


def test_one_bad_input_is_reported_and_skipped_and_the_rest_written(tmp_path):
    inputs = tmp_path / "inputs"
    write_round(inputs / "good.yaml", make_round(units=2))
    bad = make_round(units=2)
    bad["units"][1]["findngs"] = ["x"]
    write_round(inputs / "bad.yaml", bad)
    result = CliRunner().invoke(main, ["batch", str(inputs), "--out", str(tmp_path / "out"), "--mode", "consolidated"])
    assert result.exit_code == 1
    assert f"{inputs / 'bad.yaml'}: 1 problem(s) in the input\n  units[1].findngs: unknown field" in result.stderr
    assert [row["input"] for row in read_manifest(tmp_path / "out")] == ["good.yaml"]
    assert "1 written, 0 newly issued, 0 unchanged (skipped), 1 failed; 1 input read" in result.stdout


def test_an_issued_letter_on_disk_is_never_overwritten_silently(tmp_path):
    register, out = tmp_path / "register.sqlite", tmp_path / "out"
    source = write_round(tmp_path / "round.yaml", make_round(units=1))
    run_batch([source], issue_options(out, register, mode="consolidated"))
    letter = out / "2021-001-STC-tong-hop-round.docx"
    letter.write_bytes(b"signed copy edited by hand")
    summary = run_batch([source], issue_options(out, register, mode="consolidated"))
    assert summary.failed == 1 and "is not replaced" in summary.failures[0]
    assert letter.read_bytes() == b"signed copy edited by hand"


def test_batch_cli_prints_a_summary_and_writes_the_manifest(two_quarters, tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main,
        ["batch", str(two_quarters / "stc-q1.yaml"), str(two_quarters / "sxd-q2.yaml"), "--out", str(out),
         "--period", "2021", "--issue", "--date", "2021-04-02", "--register", str(tmp_path / "r.sqlite")],
    )
    assert result.exit_code == 0, result.output
    count = len(read_manifest(out))
    assert re.fullmatch(
        rf"{count} written, {count} newly issued, 0 unchanged \(skipped\), 0 failed; 2 inputs read, 0 outside 2021; \d+\.\d s\n",
        result.stdout,
    )


def _batch_process(inputs: Path, out: Path, register: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "letter_gen", "batch", str(inputs), "--out", str(out), "--issue",
         "--date", "2021-07-01", "--register", str(register), "--workers", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def test_batches_issuing_at_once_in_several_processes_share_no_number_and_leave_no_gap(tmp_path):
    register = tmp_path / "register.sqlite"
    processes = []
    for index in range(3):
        inputs = write_round(tmp_path / f"in{index}" / f"round{index}.yaml", make_round(units=20, seed=index, prefix=f"P{index} "))
        processes.append(_batch_process(inputs, tmp_path / f"out{index}", register))
    for process in processes:
        _, err = process.communicate(timeout=120)
        assert process.returncode == 0, err.decode()
    numbers = sorted(row["number"] for index in range(3) for row in read_manifest(tmp_path / f"out{index}"))
    assert numbers == list(range(1, len(numbers) + 1))
    with Register(register) as book:
        assert sorted(e.number for e in book.entries()) == numbers


def test_a_batch_killed_midway_is_completed_by_a_re_run_with_the_numbers_already_given(tmp_path):
    register, out = tmp_path / "register.sqlite", tmp_path / "out"
    inputs = write_round(tmp_path / "in" / "big.yaml", make_round(units=400, seed=9))
    process = _batch_process(inputs, out, register)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(list(out.glob("*.docx"))) < 20:
        time.sleep(0.01)
    os.kill(process.pid, signal.SIGKILL)
    process.communicate()
    with Register(register) as book:
        given_before = {e.key: e.number for e in book.entries()}
    rerun = _batch_process(inputs, out, register)
    _, err = rerun.communicate(timeout=180)
    assert rerun.returncode == 0, err.decode()
    manifest = read_manifest(out)
    numbers = [row["number"] for row in manifest]
    assert numbers == list(range(1, len(manifest) + 1))
    with Register(register) as book:
        entries = book.entries()
    assert len(entries) == len(manifest)
    assert {e.key: e.number for e in entries if e.key in given_before} == given_before
    assert not list(out.glob(".*.part"))  # no half-written file
    for row in manifest:
        assert hashlib.sha256((out / row["path"]).read_bytes()).hexdigest() == row["sha256"]


def test_a_batch_over_a_process_pool_writes_the_same_letters_as_one_process(tmp_path):
    source = write_round(tmp_path / "big.yaml", make_round(units=90, seed=4))
    run_batch([source], BatchOptions(out_dir=tmp_path / "one", workers=1))
    run_batch([source], BatchOptions(out_dir=tmp_path / "pool", workers=2))
    one, pool = read_manifest(tmp_path / "one"), read_manifest(tmp_path / "pool")
    assert len(one) > 64
    assert [(r["path"], r["sha256"]) for r in pool] == [(r["path"], r["sha256"]) for r in one]


def test_batch_pdf_writes_a_pdf_per_letter_and_one_combined_pdf(tmp_path):
    from pypdf import PdfReader

    source = write_round(tmp_path / "round.yaml", make_round(units=3, seed=2))
    out = tmp_path / "out"
    summary = run_batch([source], BatchOptions(out_dir=out, pdf=True, workers=2))
    assert summary.failed == 0, summary.failures
    manifest = read_manifest(out)
    pages = 0
    for row in manifest:
        pdf = out / row["pdf"]
        assert hashlib.sha256(pdf.read_bytes()).hexdigest() == row["pdf_sha256"]
        pages += len(PdfReader(str(pdf)).pages)
    assert summary.combined_pdf == out / "letters.pdf"
    assert len(PdfReader(str(out / "letters.pdf")).pages) == pages
    again = run_batch([source], BatchOptions(out_dir=out, pdf=True, workers=2))
    assert again.unchanged == len(manifest) and again.failed == 0
    assert [r["pdf_sha256"] for r in read_manifest(out)] == [r["pdf_sha256"] for r in manifest]


def test_batch_refuses_letters_that_break_a_rule(tmp_path):
    from docx import Document as open_docx

    from letter_gen.letters.bundled import template_path

    doc = open_docx(str(template_path("follow-up")))
    doc.tables[0].rows[0].cells[1].paragraphs[0].runs[0].bold = False
    template = tmp_path / "mau.docx"
    doc.save(str(template))
    source = write_round(tmp_path / "round.yaml", make_round(units=2))
    summary = run_batch([source], BatchOptions(out_dir=tmp_path / "out", template=template, mode="consolidated"))
    assert summary.failed == 1 and summary.written == 0
    assert "not written: the letter breaks Decree 30's layout rules" in summary.failures[0]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in summary.failures[0]


def test_a_year_of_two_quarters_from_yaml_json_and_excel_issues_consecutive_conforming_letters(tmp_path):
    """The issue's whole job: 3 inputs (one Excel) over 2 quarters, 40 units, batched per quarter."""
    import json

    import openpyxl

    from letter_gen.checking.rules import check_docx
    from letter_gen.inputs.excel import write_workbook
    from letter_gen.inputs.model import validate_data
    from letter_gen.register.export import export_xlsx

    inputs = tmp_path / "inputs"
    write_round(inputs / "q1-phong.yaml", make_round(agency="SKHCN", agency_name="Sở Khoa học và Công nghệ", quarter=1, units=12, seed=1))
    (inputs / "q2-trung-tam.json").write_text(
        json.dumps(make_round(agency="SKHCN", agency_name="Sở Khoa học và Công nghệ", quarter=2, units=14, seed=2), ensure_ascii=False),
        encoding="utf-8",
    )
    excel_round = validate_data(make_round(agency="SKHCN", agency_name="Sở Khoa học và Công nghệ", quarter=2, units=14, seed=3, prefix="Chi nhánh "), "x")
    write_workbook(inputs / "q2-chi-nhanh.xlsx", excel_round)
    register = tmp_path / "register.sqlite"
    numbers: list[int] = []
    for quarter, day in (("2021-Q1", "2021-04-05"), ("2021-Q2", "2021-07-05")):
        out = tmp_path / quarter
        summary = run_batch([inputs], issue_options(out, register, day=day, period=parse_period(quarter), check_all=True))
        assert summary.failed == 0, summary.failures
        manifest = read_manifest(out)
        assert sorted(p.name for p in out.glob("*.docx")) == sorted(r["path"] for r in manifest)
        for row in manifest:
            assert hashlib.sha256((out / row["path"]).read_bytes()).hexdigest() == row["sha256"]
            assert check_docx(out / row["path"]) == []
        numbers.extend(row["number"] for row in manifest)
        before = {p.name: p.read_bytes() for p in out.iterdir() if p.suffix == ".docx"}
        again = run_batch([inputs], issue_options(out, register, day="2021-12-01", period=parse_period(quarter)))
        assert again.written == 0 and again.issued == 0
        assert {p.name: p.read_bytes() for p in out.iterdir() if p.suffix == ".docx"} == before
    assert numbers == list(range(1, len(numbers) + 1))
    assert {row["input"] for row in read_manifest(tmp_path / "2021-Q2")} == {"q2-trung-tam.json", "q2-chi-nhanh.xlsx"}
    export = tmp_path / "so-van-ban-di.xlsx"
    with Register(register) as book:
        assert len(book.entries()) == len(numbers)
        export_xlsx(book.entries(year=2021), export, year=2021)
    sheet = openpyxl.load_workbook(export).active
    values = [c.value for row in sheet.iter_rows() for c in row if c.value is not None]
    assert "01/SKHCN-TTr" in values and f"{len(numbers):02d}/SKHCN-TTr" in values


def test_a_re_run_keeps_letters_whose_parts_are_the_same_however_they_were_compressed(tmp_path):
    import io as _io
    import zipfile as _zipfile

    register, out = tmp_path / "register.sqlite", tmp_path / "out"
    source = write_round(tmp_path / "round.yaml", make_round(units=1))
    run_batch([source], issue_options(out, register, mode="consolidated"))
    letter = out / "2021-001-STC-tong-hop-round.docx"
    recompressed = _io.BytesIO()
    with _zipfile.ZipFile(letter) as old, _zipfile.ZipFile(recompressed, "w", _zipfile.ZIP_DEFLATED, compresslevel=9) as new:
        for name in old.namelist():
            new.writestr(name, old.read(name))
    letter.write_bytes(recompressed.getvalue())
    again = run_batch([source], issue_options(out, register, mode="consolidated"))
    assert again.failed == 0 and again.unchanged == 1
    assert read_manifest(out)[0]["sha256"] == hashlib.sha256(recompressed.getvalue()).hexdigest()


def test_a_batch_reads_each_input_once_and_never_its_own_output(tmp_path):
    inputs = tmp_path / "d"
    source = write_round(inputs / "round.yaml", make_round(units=2))
    out = inputs / "out"
    first = run_batch([inputs, source], BatchOptions(out_dir=out, mode="consolidated"))
    again = run_batch([inputs], BatchOptions(out_dir=out, mode="consolidated"))
    assert first.written == 1 and first.failed == 0
    assert again.failed == 0 and again.inputs_read == 1


def test_two_inputs_of_one_plan_keep_their_own_per_unit_letters(tmp_path):
    inputs = tmp_path / "in"
    first = make_round(units=2, seed=1)
    second = make_round(units=2, seed=1)
    second["units"][0]["findings"] = ["Một tồn tại khác."]
    write_round(inputs / "dot1.yaml", first)
    write_round(inputs / "dot2.yaml", second)
    summary = run_batch([inputs], issue_options(tmp_path / "out", tmp_path / "r.sqlite", mode="per-unit"))
    assert summary.failed == 0, summary.failures
    numbers = [row["number"] for row in read_manifest(tmp_path / "out")]
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) == 4


def test_a_batch_may_write_into_its_own_input_folder(tmp_path):
    folder = tmp_path / "same"
    write_round(folder / "round.yaml", make_round(units=2))
    first = run_batch([folder], BatchOptions(out_dir=folder, mode="consolidated"))
    again = run_batch([folder], BatchOptions(out_dir=folder, mode="consolidated"))
    assert first.written == 1 and again.unchanged == 1 and again.failed == 0


def test_two_letters_given_one_path_in_one_run_write_the_first_and_refuse_the_second(tmp_path):
    from letter_gen.inputs.formats import load_input
    from letter_gen.letters.kinds import compose
    from letter_gen.output.writer import LetterJob, LetterWriter, WriteOptions, template_of

    source = write_round(tmp_path / "round.yaml", make_round(units=3, seed=5))
    round_ = load_input(source)
    target = tmp_path / "out" / "letter.docx"
    jobs = [LetterJob(source, round_, compose(round_, "per-unit", index), template_of(round_, None), target)
            for index in range(2)]
    first, second = LetterWriter(WriteOptions()).write(jobs)
    assert first.status == "written" and second.status == "failed"
    assert "two letters of this run would have the same name" in str(second.error)
    assert target.read_bytes() and len(list(target.parent.iterdir())) == 1
