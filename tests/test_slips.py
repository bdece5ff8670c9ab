"""A clerk's slip never costs a number, a file or a letter (issue 9): each slip reproduced.

Real processes where the slip is about processes: two working folders, four renders at once,
a batch stopped with Ctrl-C and run again.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from docx import Document

from letter_gen.cli import main
from letter_gen.inputs.excel import write_workbook
from letter_gen.inputs.formats import load_input
from letter_gen.output.manifest import read_manifest
from letter_gen.register.store import Register

from .conftest import ROOT, SAMPLE
from .rounds import make_round, write_round

LETTER_GEN = [sys.executable, "-m", "letter_gen"]


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def _numbers(register: Path) -> list[tuple[int, bool]]:
    with Register(register) as book:
        return [(e.number, e.void) for e in book.entries()]


def _run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*LETTER_GEN, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def _env(data_home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "LETTER_GEN_REGISTER"}
    env.update(XDG_DATA_HOME=str(data_home), PYTHONPATH=str(ROOT), LETTER_GEN_LANG="en")
    return env


# --- one register wherever you stand ------------------------------------------------------------


def test_two_working_folders_share_one_register_and_never_repeat_a_number(tmp_path):
    env = _env(tmp_path / "data-home")
    one, two = tmp_path / "phong-a", tmp_path / "phong-b"
    one.mkdir(), two.mkdir()
    first = _run(["render", str(SAMPLE), "-o", "a.docx", "--issue", "--date", "2021-03-05"], one, env)
    second = _run(["render", str(SAMPLE), "-o", "b.docx", "--issue", "--date", "2021-03-05", "--unit", "1"], two, env)
    assert first.returncode == 0 and second.returncode == 0, (first.stderr, second.stderr)
    assert "created a NEW register" in first.stderr and "NEW" not in second.stderr
    register = tmp_path / "data-home" / "letter-gen" / "register.sqlite"
    assert _numbers(register) == [(1, False), (2, False)]
    assert not (one / "data").exists() and not (two / "data").exists()
    where = _run(["register", "where"], two, env)
    assert str(register) in where.stdout and "user's data folder" in where.stdout


def test_a_letter_gen_toml_above_the_folder_chooses_the_register(tmp_path, runner, monkeypatch):
    office = tmp_path / "van-thu"
    (office / "2021" / "quy-2").mkdir(parents=True)
    (office / "letter-gen.toml").write_text('register = "so-di.sqlite"\n', encoding="utf-8")
    monkeypatch.chdir(office / "2021" / "quy-2")
    result = runner.invoke(main, ["render", str(SAMPLE), "-o", "x.docx", "--issue", "--date", "2021-03-05"])
    assert result.exit_code == 0, result.output
    assert _numbers(office / "so-di.sqlite") == [(1, False)]
    assert "letter-gen.toml" in runner.invoke(main, ["register", "where"]).output


def test_a_register_left_in_data_by_an_older_version_is_never_forgotten(tmp_path, runner, monkeypatch):
    monkeypatch.chdir(tmp_path)
    old = tmp_path / "data" / "register.sqlite"
    result = runner.invoke(main, ["render", str(SAMPLE), "-o", "a.docx", "--issue", "--date", "2021-03-05", "--register", str(old)])
    assert result.exit_code == 0
    refused = runner.invoke(main, ["render", str(SAMPLE), "-o", "b.docx", "--unit", "1", "--issue", "--date", "2021-03-05"])
    assert refused.exit_code == 2 and "register adopt" in refused.stderr and "start again at 01" in refused.stderr
    assert not Path("b.docx").exists()
    adopted = runner.invoke(main, ["register", "adopt", str(old)])
    assert adopted.exit_code == 0, adopted.output
    again = runner.invoke(main, ["render", str(SAMPLE), "-o", "b.docx", "--unit", "1", "--issue", "--date", "2021-03-05"])
    assert again.exit_code == 0 and ", số 02/" in again.output


# --- no file replaced unless the clerk says so -----------------------------------------------------


def test_excel_template_never_wipes_a_filled_workbook(tmp_path, runner):
    filled = tmp_path / "filled.xlsx"
    write_workbook(filled, load_input(SAMPLE))
    book = openpyxl.load_workbook(filled)
    book.properties.lastModifiedBy = "Văn thư"  # saved by a clerk in Excel
    book.save(filled)
    before = filled.read_bytes()
    result = runner.invoke(main, ["excel-template", str(filled)])
    assert result.exit_code == 1 and "--force" in result.stderr and str(filled) in result.stderr
    assert filled.read_bytes() == before


def test_convert_never_replaces_a_filled_workbook_nor_its_input(tmp_path, runner):
    filled = tmp_path / "filled.xlsx"
    openpyxl.Workbook().save(filled)
    before = filled.read_bytes()
    assert runner.invoke(main, ["convert", str(SAMPLE), str(filled)]).exit_code == 1
    assert filled.read_bytes() == before
    copy = tmp_path / "in.yaml"
    shutil.copy(SAMPLE, copy)
    onto_input = runner.invoke(main, ["convert", str(copy), str(copy), "--force"])
    assert onto_input.exit_code == 2 and "input file" in onto_input.stderr
    out = tmp_path / "round.yaml"
    assert runner.invoke(main, ["convert", str(copy), str(out)]).exit_code == 0
    assert runner.invoke(main, ["convert", str(copy), str(out)]).exit_code == 0  # its own output: idempotent


def test_register_export_never_writes_over_an_input(tmp_path, runner):
    register = tmp_path / "r.sqlite"
    runner.invoke(main, ["render", str(SAMPLE), "-o", str(tmp_path / "a.docx"), "--issue", "--date", "2021-03-05", "--register", str(register)])
    data = tmp_path / "cchc-2021.csv"
    shutil.copy(SAMPLE, data)  # an input that happens to end in .csv
    before = data.read_bytes()
    refused = runner.invoke(main, ["register", "export", "--csv", str(data), "--register", str(register)])
    assert refused.exit_code == 1 and "--force" in refused.stderr and data.read_bytes() == before
    onto_register = runner.invoke(main, ["register", "export", "--csv", str(register), "--register", str(register)])
    assert onto_register.exit_code == 2
    wrong_suffix = runner.invoke(main, ["register", "export", "--xlsx", str(tmp_path / "a.csv"), "--register", str(register)])
    assert wrong_suffix.exit_code == 2 and ".xlsx" in wrong_suffix.stderr
    ours = tmp_path / "so-di.csv"
    for _ in range(2):  # re-running on its own export stays idempotent
        assert runner.invoke(main, ["register", "export", "--csv", str(ours), "--register", str(register)]).exit_code == 0


def test_render_never_replaces_an_unrelated_word_document_unless_forced(tmp_path, runner):
    minutes = tmp_path / "bien-ban.docx"
    document = Document()
    document.add_paragraph("Biên bản họp")
    document.save(str(minutes))
    before = minutes.read_bytes()
    refused = runner.invoke(main, ["render", str(SAMPLE), "-o", str(minutes)])
    assert refused.exit_code == 1 and "did not write" in refused.stderr and minutes.read_bytes() == before
    assert runner.invoke(main, ["render", str(SAMPLE), "-o", str(minutes), "--force"]).exit_code == 0
    assert minutes.read_bytes() != before


# --- issue dates that make sense; void and re-issue ------------------------------------------------


def test_an_issue_date_before_the_plan_is_refused_with_both_dates(tmp_path, runner):
    register = tmp_path / "r.sqlite"
    result = runner.invoke(main, ["render", str(SAMPLE), "-o", str(tmp_path / "a.docx"), "--issue", "--date", "2020-12-31", "--register", str(register)])
    plan_date = load_input(SAMPLE).inspection.plan.date
    assert result.exit_code == 1 and "31/12/2020" in result.stderr and f"{plan_date:%d/%m/%Y}" in result.stderr
    # Refused before the register is opened: no new, empty register is left behind.
    assert not (tmp_path / "a.docx").exists() and not register.exists()
    assert "MỚI" not in result.stderr and "NEW" not in result.stderr


def test_a_refused_date_leaves_no_new_register_and_a_good_one_creates_it(tmp_path, runner):
    # The register is created only when a letter takes a number: by render and by batch alike.
    register = tmp_path / "so-di" / "r.sqlite"
    issue = ["--issue", "--register", str(register)]
    render = ["render", str(SAMPLE), "-o", str(tmp_path / "new" / "a.docx"), *issue]
    batch = ["batch", str(SAMPLE), "--out", str(tmp_path / "out"), "--mode", "per-unit", *issue]
    for args in (render, batch):
        refused = runner.invoke(main, [*args, "--date", "2020-12-31"])
        assert refused.exit_code == 1 and "31/12/2020" in refused.stderr, refused.output
        assert not register.exists() and not register.parent.exists(), args[0]
        assert not (tmp_path / "new").exists(), "no output folder made for a letter refused its date"
        assert "MỚI" not in refused.stderr and "NEW" not in refused.stderr
    batched = runner.invoke(main, [*batch, "--date", "2021-07-05"])
    assert batched.exit_code == 0 and register.is_file() and "NEW" in batched.stderr, batched.output
    register.unlink()
    rendered = runner.invoke(main, [*render, "--date", "2021-07-05"])
    assert rendered.exit_code == 0 and "số 01/" in rendered.output and "NEW" in rendered.stderr, rendered.output
    with Register(register, read_only=True) as book:
        assert [e.number for e in book.entries()] == [1]


def test_a_date_far_ahead_needs_allow_future_and_dates_are_written_as_clerks_write_them(tmp_path, runner):
    ahead = (dt.date.today() + dt.timedelta(days=30)).strftime("%d/%m/%Y")
    year = dt.date.today().year + (1 if dt.date.today().month == 12 else 0)
    data = make_round(year=year)
    data["inspection"]["plan"]["date"] = f"{year - 1}-12-01"
    source = write_round(tmp_path / "round.yaml", data)
    register = ["--register", str(tmp_path / "r.sqlite")]
    refused = runner.invoke(main, ["render", str(source), "-o", str(tmp_path / "a.docx"), "--issue", "--date", ahead, *register])
    assert refused.exit_code == 1 and "--allow-future" in refused.stderr and ahead in refused.stderr
    allowed = runner.invoke(main, ["render", str(source), "-o", str(tmp_path / "a.docx"), "--issue", "--date", ahead, "--allow-future", *register])
    assert allowed.exit_code == 0, allowed.output


def test_a_wrong_date_is_mended_by_voiding_the_number_and_issuing_again(tmp_path, runner):
    register = tmp_path / "r.sqlite"
    args = ["render", str(SAMPLE), "-o", str(tmp_path / "a.docx"), "--issue", "--register", str(register)]
    assert runner.invoke(main, [*args, "--date", "2021-03-15"]).exit_code == 0
    again = runner.invoke(main, [*args, "--date", "05/03/2021"])
    assert again.exit_code == 0 and "keeps that number and date" in again.stderr and "register void" in again.stderr
    void = runner.invoke(main, ["register", "void", "1", "--agency", "SKHCN", "--year", "2021", "--reason", "ghi sai ngày", "--register", str(register)])
    assert void.exit_code == 0, void.output
    reissued = runner.invoke(main, [*args, "--date", "05/03/2021", "--force"])
    assert reissued.exit_code == 0 and ", số 02/" in reissued.output
    assert _numbers(register) == [(1, True), (2, False)]
    listing = runner.invoke(main, ["register", "list", "--register", str(register)]).output
    assert "ĐÃ HỦY SỐ" in listing and "ghi sai ngày" in listing
    assert re.search(r"ĐÃ HỦY SỐ ngày \d\d/\d\d/20\d\d: ghi sai ngày", listing)  # the day as a clerk writes it
    twice = runner.invoke(main, ["register", "void", "1", "--agency", "SKHCN", "--year", "2021", "--reason", "x", "--register", str(register)])
    assert twice.exit_code == 1
    assert re.search(r"số 01/SKHCN-TTr was already voided on \d\d/\d\d/20\d\d$", twice.stderr.strip())  # dd/mm/yyyy, not ISO


# --- one round, one set of letters; an output folder a clerk can trust ------------------------------


def test_a_round_kept_as_xlsx_and_yaml_is_refused_before_any_number(tmp_path, runner):
    folder = tmp_path / "in"
    source = write_round(folder / "kiem-tra.yaml", make_round(units=3))
    assert runner.invoke(main, ["convert", str(source), str(folder / "kiem-tra.xlsx")]).exit_code == 0
    register = tmp_path / "r.sqlite"
    result = runner.invoke(main, ["batch", str(folder), "--out", str(tmp_path / "out"), "--issue", "--date", "2021-07-05", "--register", str(register)])
    assert result.exit_code == 1
    assert "kiem-tra.yaml" in result.stderr and "kiem-tra.xlsx" in result.stderr and "same inspection round" in result.stderr
    assert not list((tmp_path / "out").glob("*.docx")) and (not register.exists() or _numbers(register) == [])


def test_drafts_are_not_mixed_into_a_folder_of_issued_letters(tmp_path, runner):
    source = write_round(tmp_path / "in" / "round.yaml", make_round(units=2))
    out, register = tmp_path / "out", ["--register", str(tmp_path / "r.sqlite")]
    assert runner.invoke(main, ["batch", str(source), "--out", str(out), "--mode", "per-unit"]).exit_code == 0
    issued = runner.invoke(main, ["batch", str(source), "--out", str(out), "--mode", "per-unit", "--issue", "--date", "2021-07-05", *register])
    assert issued.exit_code == 0 and "drafts of this folder were replaced" in issued.output
    assert not list(out.glob("draft-*"))
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    drafts = runner.invoke(main, ["batch", str(source), "--out", str(out), "--mode", "per-unit"])
    assert drafts.exit_code == 2 and "holds issued letters" in drafts.stderr
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_the_manifest_lists_every_letter_and_marks_a_replaced_one(tmp_path):
    from letter_gen.output.batch import BatchOptions, run_batch

    data = make_round(units=2)
    source = write_round(tmp_path / "in" / "round.yaml", data)
    out, register = tmp_path / "out", tmp_path / "r.sqlite"

    def issue(**extra):
        return run_batch([source], BatchOptions(out_dir=out, mode="per-unit", issue=True, date=dt.date(2021, 7, 5), register_path=register, **extra))

    issue()
    data["units"][0]["findings"].append("Một tồn tại mới.")
    write_round(source, data)
    changed = issue()
    assert changed.failed == 1  # a changed letter needs --reissue
    issue(reissue=True)
    rows = read_manifest(out)
    assert sorted(r["path"] for r in rows) == sorted(p.name for p in out.glob("*.docx"))
    replaced = [r for r in rows if r["status"] == "replaced"]
    assert len(replaced) == 1 and replaced[0]["replaced_by"] in {r["path"] for r in rows if r["replaces"] == replaced[0]["number"]}
    again = issue()  # a later run with nothing new still lists every letter
    assert again.written == 0 and sorted(r["path"] for r in read_manifest(out)) == sorted(r["path"] for r in rows)


def test_a_stale_letters_pdf_is_removed_when_letters_change_without_pdfs(tmp_path):
    from letter_gen.output.batch import BatchOptions, run_batch

    source = write_round(tmp_path / "in" / "round.yaml", make_round(units=1))
    out = tmp_path / "out"
    out.mkdir()
    (out / "letters.pdf").write_bytes(b"%PDF-1.4 old")
    summary = run_batch([source], BatchOptions(out_dir=out, mode="consolidated"))
    assert summary.written == 1 and summary.combined_removed and not (out / "letters.pdf").exists()


# --- interrupted cleanly; two commands, one output file -----------------------------------------------


def test_a_batch_stopped_with_ctrl_c_says_so_and_a_rerun_finishes_it(tmp_path):
    env = _env(tmp_path / "data-home")
    folder = tmp_path / "in"
    for index in range(4):
        write_round(folder / f"r{index}.yaml", make_round(units=300, seed=index, prefix=f"{index}-"))
    args = ["batch", str(folder), "--out", str(tmp_path / "out"), "--mode", "per-unit", "--issue", "--date", "2021-07-05", "--workers", "2"]
    proc = subprocess.Popen([*LETTER_GEN, *args], cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(list((tmp_path / "out").glob("*.docx"))) < 50:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C reaches the whole terminal group
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "stopped (Ctrl-C)" in err and "run the same command again" in err
    assert not list((tmp_path / "out").glob(".*.part"))
    rerun = _run(args, tmp_path, env)
    assert rerun.returncode == 0, rerun.stderr
    register = tmp_path / "data-home" / "letter-gen" / "register.sqlite"
    numbers = [n for n, _ in _numbers(register)]
    letters = list((tmp_path / "out").glob("*.docx"))
    assert numbers == list(range(1, len(numbers) + 1)) and len(letters) == len(numbers)


def test_four_renders_to_one_file_at_once_write_once_and_take_one_number(tmp_path):
    env = _env(tmp_path / "data-home")
    sources = []
    for index in range(4):
        sources.append(write_round(tmp_path / f"dot{index}.yaml", make_round(units=2, seed=index)))
    target = tmp_path / "same.docx"
    procs = [
        subprocess.Popen([*LETTER_GEN, "render", str(s), "-o", str(target), "--issue", "--date", "2021-07-05"],
                         cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for s in sources
    ]
    results = [(p.returncode, *p.communicate(timeout=120)) for p in procs]
    results = [(p.returncode, out, err) for p, (_, out, err) in zip(procs, results)]
    wrote = [r for r in results if r[0] == 0]
    assert len(wrote) == 1, results
    assert all("already there" in r[2] for r in results if r[0] != 0)
    assert [n for n, _ in _numbers(tmp_path / "data-home" / "letter-gen" / "register.sqlite")] == [1]


def test_pdf_never_replaces_a_pdf_libreoffice_did_not_make(tmp_path, runner):
    letter = tmp_path / "a.docx"
    assert runner.invoke(main, ["render", str(SAMPLE), "-o", str(letter)]).exit_code == 0
    out = tmp_path / "pdf"
    out.mkdir()
    scan = out / "a.pdf"
    scan.write_bytes(b"%PDF-1.4\n% a scanned, hand-signed copy\n%%EOF\n")
    refused = runner.invoke(main, ["pdf", str(letter), "--out", str(out)])
    assert refused.exit_code == 1 and "--force" in refused.stderr and scan.read_bytes().startswith(b"%PDF-1.4\n% a scanned")
    again = runner.invoke(main, ["pdf", str(letter), "--out", str(out), "--force"])
    from letter_gen.libreoffice import made_by_libreoffice

    assert again.exit_code == 0 and made_by_libreoffice(scan.read_bytes())
    assert runner.invoke(main, ["pdf", str(letter), "--out", str(out)]).exit_code == 0  # its own PDF: replaced


def test_a_new_years_batch_into_last_years_folder_takes_no_orphan_number(tmp_path):
    """File names carry the year: 2022's letter 002 never meets 2021's 002 in one folder."""
    from letter_gen.output.batch import BatchOptions, run_batch

    out, register = tmp_path / "out", tmp_path / "r.sqlite"
    old = write_round(tmp_path / "in" / "nam-2021.yaml", make_round(year=2021, units=3))
    new = write_round(tmp_path / "in" / "nam-2022.yaml", make_round(year=2022, units=3))
    first = run_batch([old], BatchOptions(out_dir=out, mode="per-unit", issue=True, date=dt.date(2021, 12, 20), register_path=register))
    second = run_batch([new], BatchOptions(out_dir=out, mode="per-unit", issue=True, date=dt.date(2022, 3, 1), register_path=register))
    assert first.failed == 0 and second.failed == 0 and second.written == second.issued == 3
    rows = read_manifest(out)
    assert sorted(r["path"][:8] for r in rows) == ["2021-001", "2021-002", "2021-003", "2022-001", "2022-002", "2022-003"]
    assert len(list(out.glob("*.docx"))) == 6
    with Register(register) as book:
        assert sorted((e.year, e.number) for e in book.entries()) == [(2021, 1), (2021, 2), (2021, 3), (2022, 1), (2022, 2), (2022, 3)]
