"""Following up across periods (issue 15), tried as one year: Q1 letters with deadlines, the
units' status workbooks, reminders for the late units, the report, Q2 carrying forward."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest
import yaml
from click.testing import CliRunner

from letter_gen.checking.rules import check_docx
from letter_gen.cli import main
from letter_gen.errors import InputError, RegisterError
from letter_gen.inputs.period import parse_period
from letter_gen.output.batch import BatchOptions, run_batch
from letter_gen.output.reminders import run_reminders, run_report
from letter_gen.register.store import Register
from letter_gen.tracking.items import DONE, IN_PROGRESS, NOT_STARTED
from letter_gen.tracking.report import status_report
from letter_gen.tracking.status import export_status, import_status
from letter_gen.tracking.store import history, tracked_items

from .conftest import ROOT, SAMPLE

CHI_CUC = "Chi cục Tiêu chuẩn Đo lường Chất lượng"
KY_THUAT = "Trung tâm Kỹ thuật Tiêu chuẩn Đo lường Chất lượng"
THONG_TIN = "Trung tâm Thông tin và Ứng dụng KH&CN"


def quarter(tmp: Path, q: int, deadline: str) -> Path:
    data = yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))
    data["period"] = {"year": 2021, "quarter": q}
    data["inspection"]["deadline"] = deadline
    data["units"][0]["actions"] = [{"text": "Niêm yết công khai quy trình nội bộ.", "id": f"Q{q}-CC-1",
                                    "deadline": "2021-04-15" if q == 1 else "2021-08-15"}]
    folder = tmp / f"q{q}"
    folder.mkdir()
    path = folder / f"cchc-2021-q{q}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def letters(out: Path) -> dict[str, str]:
    def text(path: Path) -> str:
        document = docx.Document(path)
        cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
        return "\n".join([*cells, *(par.text for par in document.paragraphs)])

    return {p.name: text(p) for p in sorted(out.glob("*.docx"))}


def fill(export: Path, target: Path, rows: dict[str, tuple[str, dt.datetime | str | None, str | None]]) -> None:
    """Fill the export as a unit would: status, day done, reason, by item code."""
    book = openpyxl.load_workbook(export)
    for ws in book.worksheets[1:]:
        for row in range(4, ws.max_row + 1):
            wanted = rows.get(ws.cell(row, 1).value)
            if wanted:
                ws.cell(row, 5).value, ws.cell(row, 6).value, ws.cell(row, 9).value = wanted
    book.properties.lastModifiedBy = "Nguyễn Văn A"  # saved by the unit in Excel
    book.save(target)


@pytest.fixture
def year(tmp_path: Path):
    register = tmp_path / "so-van-ban-di.sqlite"
    q1 = quarter(tmp_path, 1, "2021-04-30")
    summary = run_batch([q1], BatchOptions(out_dir=tmp_path / "out-q1", issue=True, date=dt.date(2021, 3, 5),
                                           register_path=register, allow_future=True))
    assert summary.ok and summary.issued == 4
    return tmp_path, register


def refs(register: Path, unit: str) -> list[str]:
    with Register(register) as book:
        return [i.ref for i in tracked_items(book, unit=unit)]


def test_one_year_of_follow_up(year):
    tmp, register = year
    with Register(register) as book:
        items = tracked_items(book)
    # Each unit: the two general requirements and its own actions, from its per-unit letter, with its deadline.
    assert {i.unit for i in items} == {CHI_CUC, KY_THUAT, THONG_TIN}
    own = next(i for i in items if i.code == "Q1-CC-1")
    assert (own.unit, own.deadline, own.letter_date) == (CHI_CUC, dt.date(2021, 4, 15), dt.date(2021, 3, 5))
    assert all(i.status == NOT_STARTED for i in items)
    assert {i.deadline for i in items if i.code is None} == {dt.date(2021, 4, 30)}

    # The units' status comes back: the Chi cục did everything, Kỹ thuật is late on one, Thông tin did nothing.
    export = tmp / "theo-doi-q1.xlsx"
    with Register(register) as book:
        assert export_status(book, export, period=parse_period("2021-Q1"), period_text="2021-Q1") == len(items)
    # the workbook names the period as a letter does, not as --period is typed
    assert openpyxl.load_workbook(export).worksheets[0]["A1"].value == "Theo dõi khắc phục sau kiểm tra quý I năm 2021"
    chi_cuc, ky_thuat = refs(register, CHI_CUC), refs(register, KY_THUAT)
    filled = {r: (DONE, dt.datetime(2021, 4, 10), None) for r in chi_cuc}
    filled |= {r: (DONE, dt.datetime(2021, 4, 20), None) for r in ky_thuat[:-1]}
    filled[ky_thuat[-1]] = (IN_PROGRESS, None, None)
    bad = dict(filled)
    bad[ky_thuat[0]] = (DONE, "31/04/2021", None)  # a day April does not have
    fill(export, tmp / "bad.xlsx", bad)
    with Register(register) as book, pytest.raises(InputError) as refused:
        import_status(book, tmp / "bad.xlsx", today=dt.date(2021, 5, 10))
    assert refused.value.problems == [
        f'bad.xlsx: sheet "{KY_THUAT[:28]}", row 4, column F (Ngày hoàn thành): not a real date (got \'31/04/2021\')'
    ]
    with Register(register) as book:
        assert history(book) == history(book)  # nothing recorded by the refused file
        assert all(i.status == NOT_STARTED for i in tracked_items(book))
    fill(export, tmp / "filled.xlsx", filled)
    with Register(register) as book:
        before = len(history(book))
        result = import_status(book, tmp / "filled.xlsx", today=dt.date(2021, 5, 10))
        assert len({c.ref for c in result.changes}) == len(filled)
        after = len(history(book))
        assert after > before
        again = import_status(book, tmp / "filled.xlsx", today=dt.date(2021, 5, 10))
        assert again.changes == [] and len(history(book)) == after  # the same file twice changes nothing

    # Reminders on 15/05: exactly the late units, citing the letter, listing only the open items.
    out = tmp / "don-doc"
    options = BatchOptions(out_dir=out, issue=True, date=dt.date(2021, 5, 15), register_path=register, allow_future=True)
    first = run_reminders(options, dt.date(2021, 5, 15))
    assert (first.written, first.issued, first.failed) == (2, 2, 0)
    texts = letters(out)
    assert [t for t in texts.values() if f"Kính gửi: {CHI_CUC}" in t] == []
    reminder = next(t for name, t in texts.items() if "ky-thuat" in name)
    assert "V/v đôn đốc khắc phục tồn tại, hạn chế sau kiểm tra công tác CCHC" in reminder.replace("\n", " ")
    # The reminder kind's form: the follow-up letter cited by date and number, its one open item
    # with the deadline in force, the new deadline; a công văn that passes the checks.
    assert "Ngày 05/03/2021, Sở Khoa học và Công nghệ đã ban hành Công văn số 03/SKHCN-TTr về việc" in reminder
    assert reminder.count("(thời hạn: 30/04/2021)") == 1
    assert "trước ngày 30/05/2021./." in reminder
    assert "Kính gửi: Trung tâm Kỹ thuật Tiêu chuẩn Đo lường Chất lượng." in reminder
    for path in out.glob("*.docx"):
        assert check_docx(path, pdf="ky-thuat" in path.name) == []  # one laid out by LibreOffice too
    again = run_reminders(options, dt.date(2021, 5, 15))
    assert (again.written, again.issued, again.unchanged) == (0, 0, 2)  # the same day changes nothing

    # The report: counts match what was imported.
    with Register(register) as book:
        report = status_report(book, period=parse_period("2021-Q1"), period_text="quý I năm 2021", as_of=dt.date(2021, 6, 1))
    counts = {u.unit: (u.asked, u.done, u.in_progress, u.overdue, u.not_done) for u in report.units}
    assert counts == {CHI_CUC: (3, 3, 0, 0, 0), KY_THUAT: (3, 2, 1, 1, 0), THONG_TIN: (3, 0, 0, 3, 0)}
    # ... and as the report kind's báo cáo, numbered like any letter, that passes the checks.
    report_options = BatchOptions(out_dir=tmp / "bao-cao", issue=True, date=dt.date(2021, 6, 2), register_path=register,
                                  allow_future=True)
    written, _documents = run_report(report_options, parse_period("2021-Q1"), dt.date(2021, 6, 1))
    assert (written.written, written.issued, written.failed) == (1, 1, 0)
    (path,) = (tmp / "bao-cao").glob("*.docx")
    assert check_docx(path, pdf=True) == []
    page = letters(tmp / "bao-cao")[path.name]
    assert "BÁO CÁO" in page and "Số: 07/BC-SKHCN" in page and "Kính gửi: Ủy ban nhân dân tỉnh Bà Rịa - Vũng Tàu." in page
    assert "các Công văn số 02/SKHCN-TTr, 03/SKHCN-TTr, 04/SKHCN-TTr ngày 05/03/2021" in page
    (table,) = [[[c.text for c in row.cells] for row in t.rows] for t in docx.Document(path).tables
                if t.rows[0].cells[0].text == "STT"]
    assert table[1:] == [["1", CHI_CUC, "3/3", "0 (0)"], ["2", KY_THUAT, "2/3", "1 (1)"], ["3", THONG_TIN, "0/3", "3 (3)"],
                         ["", "Tổng cộng", "5/9", "4 (4)"]]
    assert "Số nội dung yêu cầu: 3; đã hoàn thành: 2; đang thực hiện: 1; chưa thực hiện: 0; không thực hiện: 0;" \
           " quá hạn khắc phục: 1." in page
    assert page.count("; quá hạn)") == 4  # every open item past its deadline says so
    assert page.count("(hạn khắc phục: 30/04/2021; đã đôn đốc, hạn mới 30/05/2021;") == 4  # and the reminder that moved it
    assert "III. ĐỀ XUẤT, KIẾN NGHỊ" in page
    again_report, _documents = run_report(report_options, parse_period("2021-Q1"), dt.date(2021, 6, 1))
    assert (again_report.written, again_report.issued, again_report.unchanged) == (0, 0, 1)

    # Q2: each unit's letter carries what is still open from Q1, with its source letter.
    q2 = quarter(tmp, 2, "2021-08-31")
    summary = run_batch([q2], BatchOptions(out_dir=tmp / "out-q2", issue=True, date=dt.date(2021, 7, 5), register_path=register,
                                           allow_future=True, carry_forward=True, mode="per-unit"))
    assert summary.ok
    q2_letters = letters(tmp / "out-q2")
    thong_tin = next(t for name, t in q2_letters.items() if "thong-tin" in name)
    assert "Các nội dung chưa khắc phục từ kỳ trước:" in thong_tin
    assert "theo Công văn số 04/SKHCN-TTr ngày 05/03/2021" in thong_tin
    chi_cuc_q2 = next(t for name, t in q2_letters.items() if "chi-cuc" in name)
    assert "từ kỳ trước" not in chi_cuc_q2
    rerun = run_batch([q2], BatchOptions(out_dir=tmp / "out-q2", issue=True, date=dt.date(2021, 7, 5), register_path=register,
                                         allow_future=True, carry_forward=True, mode="per-unit"))
    assert (rerun.written, rerun.issued, rerun.failed) == (0, 0, 0)


def _every_open_item_marked_in_progress(tmp: Path, register: Path) -> list:
    """Export the year's status workbook and fill it as a unit would, into tmp/filled.xlsx: every
    item of two units in progress. The history before the import, to compare with after."""
    export = tmp / "theo-doi.xlsx"
    with Register(register) as book:
        export_status(book, export, period=parse_period("2021"), period_text="2021")
        before = history(book)
    fill(export, tmp / "filled.xlsx", {r: (IN_PROGRESS, None, None) for r in refs(register, THONG_TIN) + refs(register, CHI_CUC)})
    return before


def test_an_import_interrupted_between_rows_records_nothing(year):
    tmp, register = year
    before = _every_open_item_marked_in_progress(tmp, register)

    def stop(_update):
        raise KeyboardInterrupt

    with Register(register) as book, pytest.raises(KeyboardInterrupt):
        import_status(book, tmp / "filled.xlsx", between_rows=stop, today=dt.date(2021, 5, 10))
    with Register(register) as book:
        assert history(book) == before
        assert all(i.status == NOT_STARTED for i in tracked_items(book))


def test_an_import_killed_mid_way_leaves_all_or_nothing(year):
    tmp, register = year
    before = _every_open_item_marked_in_progress(tmp, register)
    marker = tmp / "mid-way"
    script = f"""
import datetime as dt, time
from pathlib import Path
from letter_gen.register.store import Register
from letter_gen.tracking.status import import_status
def slow(update):
    Path({str(marker)!r}).touch()
    time.sleep(30)
with Register(Path({str(register)!r})) as book:
    import_status(book, Path({str(tmp / "filled.xlsx")!r}), between_rows=slow, today=dt.date(2021, 5, 10))
"""
    process = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT)
    deadline = time.monotonic() + 60
    while not marker.exists() and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
    assert marker.exists()
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    with Register(register) as book:
        assert history(book) == before
        assert all(i.status == NOT_STARTED for i in tracked_items(book))
        result = import_status(book, tmp / "filled.xlsx", today=dt.date(2021, 5, 10))  # the re-run completes it
        assert len({c.ref for c in result.changes}) == 6


def test_a_workbook_each_unit_fills_its_own_sheet_of_does_not_set_back_another_units_answers(year):
    # the office sends one export to every unit; each returns it with only its own sheet filled
    tmp, register = year
    export = tmp / "theo-doi.xlsx"
    with Register(register) as book:
        export_status(book, export, period=parse_period("2021"), period_text="2021")
        items = tracked_items(book)
    first, other = items[0], next(i for i in items if i.unit != items[0].unit)
    fill(export, tmp / "a.xlsx", {first.ref: (DONE, dt.datetime(2021, 4, 10), None)})
    fill(export, tmp / "b.xlsx", {other.ref: (IN_PROGRESS, None, None)})
    with Register(register) as book:
        import_status(book, tmp / "a.xlsx", today=dt.date(2021, 5, 10))
        changes = import_status(book, tmp / "b.xlsx", today=dt.date(2021, 5, 10)).changes
        assert [(c.ref, c.field) for c in changes] == [(other.ref, "status")]
        status = {i.ref: (i.status, i.done_on) for i in tracked_items(book)}
    assert status[first.ref] == (DONE, dt.date(2021, 4, 10))
    assert status[other.ref] == (IN_PROGRESS, None)


def test_an_unknown_item_is_refused_with_its_cell(year):
    tmp, register = year
    export = tmp / "theo-doi.xlsx"
    with Register(register) as book:
        export_status(book, export, period=parse_period("2021"), period_text="2021")
    book_ = openpyxl.load_workbook(export)
    book_.worksheets[1]["A4"] = "TKHONGCO"
    book_.save(tmp / "x.xlsx")
    with Register(register) as book, pytest.raises(InputError) as refused:
        import_status(book, tmp / "x.xlsx")
    assert "column A (Mã theo dõi): 'TKHONGCO' is not a tracked item of this register" in refused.value.problems[0]


def test_an_old_register_is_migrated_to_keep_tracked_items(tmp_path):
    import sqlite3

    from letter_gen.register import store

    path = tmp_path / "old.sqlite"
    Register(path).close()
    conn = sqlite3.connect(path)
    for table in ("item_reminders", "item_history", "tracked_items", "tracked_rounds"):
        conn.execute(f"DROP TABLE {table}")
    for column in ("signed_sha256", "signed_at"):  # format 4 (batch --sign)
        conn.execute(f"ALTER TABLE letters DROP COLUMN {column}")
    conn.execute("PRAGMA user_version = 2")
    conn.commit()
    conn.close()
    with Register(path) as book, book.tables("read") as c:
        assert c.execute("PRAGMA user_version").fetchone()[0] == store.SCHEMA_VERSION == 4
        assert c.execute("SELECT count(*) FROM tracked_items").fetchone()[0] == 0


def test_the_track_commands_work_from_the_command_line(year):
    tmp, register = year
    runner = CliRunner()
    listed = runner.invoke(main, ["track", "list", "--overdue", "--as-of", "01/05/2021", "--register", str(register)])
    assert listed.exit_code == 0, listed.output
    assert listed.output.count("(overdue)") == 9
    exported = runner.invoke(main, ["track", "export", "--period", "2021-Q1", str(tmp / "t.xlsx"), "--register", str(register)])
    assert exported.exit_code == 0 and "9 open items" in exported.output
    imported = runner.invoke(main, ["track", "import", str(tmp / "t.xlsx"), "--register", str(register)])
    assert imported.exit_code == 0 and "0 changes recorded" in imported.output
    report = runner.invoke(main, ["track", "report", "--period", "2021-Q1", "--as-of", "01/05/2021", "--register", str(register),
                                  "--out", str(tmp / "bc"), "--xlsx", str(tmp / "r.xlsx"), "--to", "Thanh tra tỉnh"])
    assert report.exit_code == 0, report.output
    assert f"{THONG_TIN}: 3 asked, 0 done, 0 in progress, 3 not started, 0 not done, 3 overdue" in report.output
    assert "1 written" in report.output
    (draft,) = (tmp / "bc").glob("draft-*report*.docx")
    assert "Kính gửi: Thanh tra tỉnh." in letters(tmp / "bc")[draft.name]
    figures = openpyxl.load_workbook(tmp / "r.xlsx")
    assert figures["Tổng hợp"]["C6"].value == 9 and figures["Tổng hợp"]["H6"].value == 9  # all 9 not started
    assert figures["Nội dung chưa hoàn thành"].max_row == 10
    empty = runner.invoke(main, ["track", "report", "--period", "2021-Q3", "--as-of", "01/10/2021", "--register", str(register),
                                 "--out", str(tmp / "none")])
    assert empty.exit_code == 2 and "nothing to report" in empty.output and not (tmp / "none").exists()
    reminders = runner.invoke(main, ["batch", "--kind", "reminder", "--as-of", "01/05/2021", "--out", str(tmp / "dd"),
                                     "--register", str(register)])
    assert reminders.exit_code == 0 and "3 written" in reminders.output
    misuse = runner.invoke(main, ["batch", "--kind", "reminder", "--out", str(tmp / "dd")])
    assert misuse.exit_code == 2


def test_a_report_workbook_not_named_xlsx_is_refused_before_the_report_takes_a_number(year):
    tmp, register = year
    report = CliRunner().invoke(main, ["track", "report", "--period", "2021-Q1", "--as-of", "01/05/2021", "--issue",
                                       "--date", "05/05/2021", "--register", str(register), "--out", str(tmp / "bc"),
                                       "--xlsx", str(tmp / "so-lieu.csv")])
    assert report.exit_code == 2
    assert "so-lieu.csv: the report's figures are an Excel workbook: give a name ending in .xlsx" in report.output
    assert not (tmp / "so-lieu.csv").exists() and not (tmp / "bc").exists()
    with Register(register) as book:
        assert len(book.entries(year=2021)) == 4  # the báo cáo took no number


def test_track_unit_is_found_as_a_clerk_types_it_and_a_wrong_one_is_refused_with_the_closest(year):
    tmp, register = year
    runner = CliRunner()

    def listed(unit: str):  # type: ignore[no-untyped-def]
        return runner.invoke(main, ["track", "list", "--unit", unit, "--register", str(register)], env={"LETTER_GEN_LANG": "en"})

    for typed in ("chi cục tiêu chuẩn  đo lường chất lượng", "Chi cục"):
        found = listed(typed)
        assert found.exit_code == 0 and found.output.count(CHI_CUC) == 3, (typed, found.output)
    wrong = listed("chi cuc tieu chuan")
    assert wrong.exit_code == 2 and f"did you mean: {CHI_CUC}?" in wrong.output
    several = listed("Trung tâm")
    assert several.exit_code == 2 and "several units start so" in several.output
    exported = runner.invoke(main, ["track", "export", "--period", "2021-Q1", "--unit", "chi cục", str(tmp / "u.xlsx"),
                                    "--register", str(register)], env={"LETTER_GEN_LANG": "en"})
    assert exported.exit_code == 0 and "3 open items" in exported.output, exported.output


def test_a_status_file_is_never_written_over_a_workbook_a_clerk_saved(year):
    tmp, register = year
    export = tmp / "theo-doi.xlsx"
    with Register(register) as book:
        export_status(book, export, period=parse_period("2021"), period_text="2021")
        fill(export, export, {})
        with pytest.raises(Exception, match="--force"):
            export_status(book, export, period=parse_period("2021"), period_text="2021")
        export_status(book, export, period=parse_period("2021"), period_text="2021", force=True)


_ = RegisterError


def test_an_import_error_names_workbook_sheet_row_and_column_in_vietnamese(year, monkeypatch):
    tmp, register = year
    export = tmp / "theo-doi.xlsx"
    with Register(register) as book:
        export_status(book, export, period=parse_period("2021"), period_text="2021")
    fill(export, tmp / "sai.xlsx", {refs(register, THONG_TIN)[0]: ("xong rồi", None, None)})
    monkeypatch.setenv("LETTER_GEN_LANG", "vi")
    result = CliRunner().invoke(main, ["track", "import", str(tmp / "sai.xlsx"), "--register", str(register)])
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert f"sai.xlsx: trang tính \"{THONG_TIN[:28]}\", dòng 4, cột E (Tình trạng): cần chọn một trong" \
           " chưa thực hiện, đang thực hiện, đã hoàn thành, không thực hiện (đang ghi 'xong rồi')" in result.output


def test_the_readme_walk_through_runs_the_bundled_two_quarters(tmp_path, monkeypatch):
    """The README's two quarters of the bundled sample, its lines pasted as they are."""
    import shlex
    import shutil

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("<!-- walk-through: tests/test_tracking.py runs these lines -->\n```sh\n", 1)[1].split("```", 1)[0]
    lines = [shlex.split(line)[1:] for line in block.splitlines() if line.startswith("letter-gen ")]
    assert len(lines) == 7
    guide = (ROOT / "docs" / "huong-dan.md").read_text(encoding="utf-8")
    assert all(line in guide for line in block.splitlines())  # the clerk's guide gives the same lines
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    said = []
    for args in lines:
        result = runner.invoke(main, args)
        assert result.exit_code == 0, (args, result.output)
        said.append(result.output)
    assert "4 written, 4 newly issued" in said[0] and "8 open items" in said[1]
    assert "8 rows read, 7 items changed" in said[2]
    assert said[3].count("(overdue)") == 3
    assert "2 written, 2 newly issued" in said[4] and "2 PDFs made" in said[4]
    assert "Phòng Hành chính tư pháp: 2 asked, 0 done, 1 in progress, 0 not started, 1 not done, 1 overdue" in said[5]
    assert "4 written, 4 newly issued" in said[6]
    out = tmp_path / "output" / "theo-doi"
    assert sorted(p.name for p in (out / "don-doc").glob("*.docx")) == [
        "2021-005-STP-reminder-phong-hanh-chinh-tu-phap.docx", "2021-006-STP-reminder-trung-tam-tro-giup-phap-ly-nha-nuoc.docx"]
    (report,) = (out / "bao-cao").glob("*.docx")
    assert report.name.startswith("2021-007-STP-report-") and report.with_suffix(".pdf").is_file()
    carried = letters(out / "quy-2")
    assert "Các nội dung chưa khắc phục từ kỳ trước:" in carried["2021-010-STP-trung-tam-tro-giup-phap-ly-nha-nuoc.docx"]
    assert "từ kỳ trước" not in carried["2021-009-STP-phong-cong-chung-so-1.docx"]
    again = runner.invoke(main, lines[4])  # the same day's reminders again change nothing
    assert again.exit_code == 0 and "0 written, 0 newly issued, 2 unchanged" in again.output


def test_issued_reminders_replace_their_drafts_in_the_folder(year):
    tmp, register = year
    out = tmp / "don-doc"
    drafts = run_reminders(BatchOptions(out_dir=out, register_path=register), dt.date(2021, 5, 15))
    assert drafts.written == 3 and len(list(out.glob("draft-*.docx"))) == 3
    issued = run_reminders(BatchOptions(out_dir=out, issue=True, date=dt.date(2021, 5, 15), register_path=register,
                                        allow_future=True), dt.date(2021, 5, 15))
    assert (issued.issued, issued.drafts_removed) == (3, 3)
    assert sorted(p.name[:8] for p in out.glob("*.docx")) == ["2021-005", "2021-006", "2021-007"]
    with pytest.raises(Exception, match="drafts are not mixed"):
        run_reminders(BatchOptions(out_dir=out, register_path=register), dt.date(2021, 5, 15))


def test_each_agencys_report_counts_its_own_units_when_another_agency_has_units_of_the_same_name(year):
    tmp, register = year
    other = quarter(tmp, 2, "2021-07-30").with_name("other-agency.yaml")
    data = yaml.safe_load(quarter(tmp / "q1", 1, "2021-04-30").read_text(encoding="utf-8"))
    data["agency"]["name"], data["agency"]["code"] = "Sở Tư pháp", "STP"
    other.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    summary = run_batch([other], BatchOptions(out_dir=tmp / "out-stp", issue=True, date=dt.date(2021, 3, 5),
                                              register_path=register, allow_future=True))
    assert summary.ok
    from letter_gen.inputs.period import parse_period as period_of
    from letter_gen.tracking.report import report_documents

    with Register(register) as book:
        documents = report_documents(book, period=period_of("2021-Q1"), as_of=dt.date(2021, 5, 1), recipient="UBND")
        alone = status_report(book, period=period_of("2021-Q1"), period_text="quý I", as_of=dt.date(2021, 5, 1))
    assert len(documents) == 2
    for document in documents:
        mine = [i for i in alone.items if i.agency == document.report.items[0].agency]
        assert document.report.total.asked == len(mine) == 9  # not 18: the other agency's same-named units


def test_a_round_issued_under_raised_limits_is_read_back_without_them(tmp_path, monkeypatch):
    data = yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))
    data["units"][0]["actions"] = ["Rà soát hồ sơ. " * 1500]  # 22,500 characters: over the default 20,000
    source = tmp_path / "long.yaml"
    source.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    register = tmp_path / "r.sqlite"
    monkeypatch.setenv("LETTER_GEN_MAX_TEXT_CHARS", "40000")
    summary = run_batch([source], BatchOptions(out_dir=tmp_path / "out", issue=True, date=dt.date(2021, 3, 5),
                                               register_path=register, allow_future=True))
    assert summary.ok, summary.failures
    monkeypatch.delenv("LETTER_GEN_MAX_TEXT_CHARS")
    report = CliRunner().invoke(main, ["track", "report", "--period", "2021", "--as-of", "01/05/2021", "--register",
                                       str(register), "--out", str(tmp_path / "bc"), "--to", "Thanh tra tỉnh"])
    assert report.exit_code == 0, report.output
    assert "Traceback" not in report.output


def test_no_round_is_kept_alive_once_its_letters_are_issued_and_tracked(tmp_path):
    # The units index that makes each letter's unit lookup O(1) belongs to one writer (one batch):
    # nothing of the module keeps the last round once the writer is gone.
    import gc
    import weakref

    from letter_gen.inputs.formats import load_input
    from letter_gen.letters.kinds import compose
    from letter_gen.output.writer import LetterJob, LetterWriter, WriteOptions, template_of

    round_ = load_input(SAMPLE)
    options = WriteOptions(issue=True, date=dt.date(2021, 3, 5), register_path=tmp_path / "r.sqlite")
    jobs = [LetterJob(SAMPLE, round_, compose(round_, "per-unit", index), template_of(round_, None), tmp_path / f"{index}.docx")
            for index in range(len(round_.units)) if round_.units[index].has_anything_to_fix]
    with Register(tmp_path / "r.sqlite") as register:
        outcomes = LetterWriter(options, register).write(jobs)
        assert [o.status for o in outcomes] == ["written"] * len(jobs)
        assert {i.unit for i in tracked_items(register)} == {j.content.unit for j in jobs}
    kept = weakref.ref(round_)
    del round_, jobs, outcomes
    gc.collect()
    assert kept() is None


def test_a_damaged_workbook_or_a_word_file_given_to_import_is_refused_without_a_traceback(tmp_path):
    from letter_gen.inputs.excel import write_workbook
    from letter_gen.tracking.workbook import read_workbook

    whole = tmp_path / "whole.xlsx"
    write_workbook(whole)
    flipped = bytearray(whole.read_bytes())
    middle = len(flipped) // 2
    flipped[middle:middle + 40] = bytes(b ^ 0xFF for b in flipped[middle:middle + 40])
    damaged = tmp_path / "theo-doi.xlsx"
    damaged.write_bytes(bytes(flipped))  # zlib fails inside a sheet
    word = tmp_path / "cong-van.xlsx"
    with zipfile.ZipFile(word, "w") as archive:  # a .docx named .xlsx: openpyxl finds no workbook part
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    for path in (damaged, word):
        with pytest.raises(InputError) as caught:
            read_workbook(path, {})
        assert caught.value.message == (f"{path}: not an Excel workbook (.xlsx); give the status workbook of"
                                        " letter-gen track export, filled in")
