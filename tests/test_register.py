"""The outgoing register (sổ đăng ký văn bản đi): numbering, idempotence, reissue, exports."""

from __future__ import annotations

import csv
import os
import sqlite3
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from contextlib import closing
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from letter_gen.errors import RegisterError
from letter_gen.register.export import HEADINGS, export_csv, export_xlsx
from letter_gen.register.store import SCHEMA_VERSION, IssueRequest, Register

REPO = Path(__file__).resolve().parents[1]


def request(key: str = "cchc-2021.yaml#CCTĐC", **changes: object) -> IssueRequest:
    base = IssueRequest(
        key=key,
        agency="SKHCN",
        symbol="SKHCN-TTr",
        year=2021,
        date=date(2021, 3, 5),
        content_hash="hash-1",
        subject="V/v thực hiện khắc phục sau kiểm tra công tác CCHC năm 2021",
        kind_label="Công văn",
        signer="Nguyễn Văn A",
        recipients="Chi cục Tiêu chuẩn Đo lường Chất lượng",
        archive="VT, TTr, CCHC",
        copies=3,
        note=None,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


@pytest.fixture
def register(tmp_path: Path) -> Iterator[Register]:
    with Register(tmp_path / "data" / "register.sqlite") as reg:
        yield reg


def count_rows(path: Path) -> int:
    with closing(sqlite3.connect(path)) as conn:
        return int(conn.execute("SELECT count(*) FROM letters").fetchone()[0])


def test_register_is_created_with_its_folder_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "new" / "folder" / "register.sqlite"
    with Register(path):
        pass
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_numbers_start_at_one_and_follow_each_other(register: Register) -> None:
    first = register.issue(request("a"))
    second = register.issue(request("b"))
    assert (first.number, second.number) == (1, 2)
    assert first.new and second.new
    assert first.number_text == "01/SKHCN-TTr"


def test_each_agency_has_its_own_sequence(register: Register) -> None:
    register.issue(request("a"))
    register.issue(request("b"))
    other = register.issue(request("c", agency="SNV", symbol="SNV-VP"))
    assert other.number == 1
    assert register.issue(request("d")).number == 3


def test_numbering_restarts_at_one_on_1_january(register: Register) -> None:
    register.issue(request("a", date=date(2021, 12, 31)))
    register.issue(request("b", date=date(2021, 12, 31)))
    new_year = register.issue(request("c", year=2022, date=date(2022, 1, 1)))
    assert new_year.number == 1 and new_year.year == 2022


def test_a_date_outside_the_sequence_year_is_refused(register: Register) -> None:
    with pytest.raises(RegisterError, match="2022 sequence, not 2021"):
        register.issue(request(date=date(2022, 1, 3)))


def test_issuing_the_same_letter_again_returns_its_number_without_a_new_row(
    register: Register,
) -> None:
    first = register.issue(request())
    again = register.issue(request(date=date(2021, 3, 9)))
    assert again.number == first.number and again.date == date(2021, 3, 5)
    assert again.new is False
    assert count_rows(register.path) == 1
    assert register.issue(request("next")).number == 2


def test_changed_content_is_refused_without_reissue(register: Register) -> None:
    for key in "abcd":
        register.issue(request(key))
    register.issue(request())  # number 05
    with pytest.raises(RegisterError) as caught:
        register.issue(request(content_hash="hash-2"))
    message = caught.value.message
    assert "cchc-2021.yaml#CCTĐC" in message
    assert "05/SKHCN-TTr" in message
    assert "--reissue" in message
    assert count_rows(register.path) == 5


def test_reissue_gives_a_new_number_and_keeps_both_rows(register: Register) -> None:
    old = register.issue(request())
    register.issue(request("other"))
    new = register.issue(request(content_hash="hash-2", date=date(2021, 3, 8)), reissue=True)
    assert new.number == 3 and new.new and new.replaces == old.number
    assert new.note is not None and "thay thế văn bản số 01/SKHCN-TTr" in new.note
    assert register.find(old.key) == replace(new, new=False)
    lines = register.entries()
    assert [(e.number, e.superseded, e.superseded_by) for e in lines] == [
        (1, True, 3), (2, False, None), (3, False, None)]
    assert "03/SKHCN-TTr" in (lines[0].note or "")
    # the replacement is now the letter: issuing it again is idempotent
    assert register.issue(request(content_hash="hash-2"), reissue=True).number == 3
    assert count_rows(register.path) == 3


def test_reservation_moves_the_next_number_past_numbers_given_by_hand(
    register: Register,
) -> None:
    reserved = register.reserve("SKHCN", 2021, 120, note="sổ giấy")
    assert reserved is not None and (reserved.first, reserved.upto) == (1, 120)
    assert register.issue(request()).number == 121
    assert register.issue(request("x", agency="SNV", symbol="SNV-VP")).number == 1
    later = register.reserve("SKHCN", 2021, 130)
    assert later is not None and (later.first, later.upto) == (122, 130)
    assert register.next_number("SKHCN", 2021) == 131


def test_reservation_below_issued_numbers_changes_nothing(register: Register) -> None:
    register.issue(request("a"))
    register.issue(request("b"))
    assert register.reserve("SKHCN", 2021, 2) is None
    assert register.issue(request("c")).number == 3
    assert all(not e.reservation for e in register.entries())


def test_reservation_below_one_is_refused(register: Register) -> None:
    with pytest.raises(RegisterError, match="from 1 to 99,999"):
        register.reserve("SKHCN", 2021, 0)


def test_entries_are_ordered_and_filtered_by_year_and_agency(register: Register) -> None:
    register.issue(request("b2022", year=2022, date=date(2022, 2, 1)))
    register.issue(request("snv", agency="SNV", symbol="SNV-VP"))
    register.reserve("SKHCN", 2021, 3)
    register.issue(request("a"))
    order = [(e.year, e.agency, e.number_text) for e in register.entries()]
    assert order == [
        (2021, "SKHCN", "01–03"),
        (2021, "SKHCN", "04/SKHCN-TTr"),
        (2021, "SNV", "01/SNV-VP"),
        (2022, "SKHCN", "01/SKHCN-TTr"),
    ]
    assert [e.key for e in register.entries(year=2021, agency="SKHCN")] == [None, "a"]
    assert [e.key for e in register.entries(agency="SNV")] == ["snv"]
    assert [e.key for e in register.entries(year=2022)] == ["b2022"]


def test_find_returns_the_current_letter_or_none(register: Register) -> None:
    assert register.find("nope") is None
    issued = register.issue(request())
    assert register.find(issued.key) == replace(issued, new=False)


def test_register_keeps_numbers_after_reopening(tmp_path: Path) -> None:
    path = tmp_path / "register.sqlite"
    with Register(path) as reg:
        reg.issue(request("a"))
    with Register(path) as reg:
        assert reg.issue(request("b")).number == 2


def test_a_register_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "register.sqlite"
    Register(path).close()
    with closing(sqlite3.connect(path)) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
        conn.commit()
    with pytest.raises(RegisterError, match="newer letter_gen"):
        Register(path)


def test_a_foreign_sqlite_database_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("CREATE TABLE t (x)")
        conn.commit()
    with pytest.raises(RegisterError, match="not a letter register"):
        Register(path)
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal"


def test_a_file_that_is_not_a_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "register.sqlite"
    path.write_text("số đăng ký\n" * 200, encoding="utf-8")
    with pytest.raises(RegisterError, match="not a letter register"):
        Register(path)


def test_a_folder_in_place_of_the_file_is_a_register_error(tmp_path: Path) -> None:
    with pytest.raises(RegisterError):
        Register(tmp_path)


def filled(register: Register) -> None:
    register.reserve("SKHCN", 2021, 4, note="sổ giấy")
    register.issue(request())
    register.issue(request("b", date=date(2021, 3, 9), copies=None))


def test_csv_export_has_the_decree_columns_and_dd_mm_yyyy_dates(
    register: Register, tmp_path: Path
) -> None:
    filled(register)
    out = tmp_path / "out" / "so-di.csv"
    export_csv(register.entries(year=2021), out)
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert tuple(rows[0]) == HEADINGS
    assert rows[0][0] == "Số, ký hiệu văn bản" and rows[0][9] == "Ghi chú"
    assert rows[1][0] == "01–04" and "cấp ngoài phần mềm" in rows[1][9]
    assert rows[2] == [
        "05/SKHCN-TTr",
        "05/03/2021",
        "Công văn V/v thực hiện khắc phục sau kiểm tra công tác CCHC năm 2021",
        "Nguyễn Văn A",
        "Chi cục Tiêu chuẩn Đo lường Chất lượng",
        "VT, TTr, CCHC",
        "3",
        "",
        "",
        "",
    ]
    assert rows[3][:2] == ["06/SKHCN-TTr", "09/03/2021"] and rows[3][6] == ""
    assert len(rows) == 4


def test_xlsx_export_is_printable_with_real_dates(register: Register, tmp_path: Path) -> None:
    filled(register)
    register.issue(request("snv", agency="SNV", symbol="SNV-VP"))
    out = tmp_path / "so-di.xlsx"
    export_xlsx(register.entries(), out)
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["SKHCN 2021", "SNV 2021"]
    sheet = book["SKHCN 2021"]
    assert sheet["A1"].value == "SỔ ĐĂNG KÝ VĂN BẢN ĐI"
    assert "SKHCN" in sheet["A2"].value and "2021" in sheet["A2"].value
    assert tuple(c.value for c in sheet[3]) == HEADINGS
    assert all(c.font.bold and c.alignment.wrap_text for c in sheet[3])
    row = [c.value for c in sheet[5]]
    assert row[0] == "05/SKHCN-TTr"
    assert row[1] == datetime(2021, 3, 5)
    assert sheet["B5"].number_format == "dd/mm/yyyy"
    assert row[3:7] == [
        "Nguyễn Văn A", "Chi cục Tiêu chuẩn Đo lường Chất lượng", "VT, TTr, CCHC", 3]
    assert sheet["A4"].value == "01–04"
    assert sheet["C5"].font.name == "Times New Roman" and sheet["C5"].border.left.style == "thin"
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.paperSize == 9  # A4
    fit = sheet.sheet_properties.pageSetUpPr
    assert fit is not None and fit.fitToPage and sheet.page_setup.fitToWidth == 1
    assert sheet.print_title_rows == "$3:$3"
    assert sheet.column_dimensions["C"].width > sheet.column_dimensions["B"].width
    assert book["SNV 2021"]["A4"].value == "01/SNV-VP"


def test_xlsx_export_of_an_empty_selection_still_has_headings(
    register: Register, tmp_path: Path
) -> None:
    out = tmp_path / "empty.xlsx"
    export_xlsx(register.entries(year=2030, agency="SKHCN"), out, year=2030, agency="SKHCN")
    sheet = openpyxl.load_workbook(out).worksheets[0]
    assert sheet.title == "SKHCN 2030"
    assert tuple(c.value for c in sheet[3]) == HEADINGS and sheet.max_row == 3


WORKER = textwrap.dedent(
    """
    import sys, time
    from datetime import date
    from pathlib import Path
    from letter_gen.register.store import SCHEMA_VERSION, IssueRequest, Register

    path, worker, count, go = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), Path(sys.argv[4])
    def req(key):
        return IssueRequest(key=key, agency="SKHCN", symbol="SKHCN-TTr", year=2021,
                            date=date(2021, 3, 5), content_hash="h", subject="V/v",
                            kind_label="Công văn", signer="A", recipients="B", archive="VT")
    while not go.exists():
        time.sleep(0.005)
    with Register(path) as reg:
        numbers = [reg.issue(req("shared")).number]
        numbers += [reg.issue(req(f"{worker}-{i}")).number for i in range(count)]
    print(" ".join(map(str, numbers)))
    """
)


def test_concurrent_processes_never_share_a_number_nor_leave_a_gap(tmp_path: Path) -> None:
    path, go = tmp_path / "register.sqlite", tmp_path / "go"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(path), f"w{i}", "50", str(go)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        )
        for i in range(4)
    ]
    time.sleep(0.5)  # let the interpreters start so they race for the (not yet created) file
    go.touch()
    results = []
    for proc in workers:
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        results.append([int(n) for n in out.split()])
    shared = {numbers[0] for numbers in results}
    assert len(shared) == 1  # the same letter got the same number in every process
    issued = sorted(shared) + sorted(n for numbers in results for n in numbers[1:])
    assert sorted(issued) == list(range(1, 202))
    with Register(path) as reg:
        assert [e.number for e in reg.entries()] == list(range(1, 202))


def test_a_new_number_cannot_carry_a_date_before_the_last_one(tmp_path):
    from datetime import date as _date

    from letter_gen.register.store import IssueRequest, Register

    def request(key, day):
        return IssueRequest(key=key, agency="STC", symbol="STC-TTr", year=2021, date=day, content_hash=key,
                            subject="V/v x", kind_label="Công văn", signer="A", recipients="B", archive="VT")

    with Register(tmp_path / "r.sqlite") as book:
        book.issue(request("a", _date(2021, 7, 5)))
        with pytest.raises(RegisterError, match=r"số 01/STC-TTr was already issued on 05/07/2021; a new letter cannot be dated 05/04/2021"):
            book.issue(request("b", _date(2021, 4, 5)))
        assert book.issue(request("b", _date(2021, 7, 5))).number == 2


def test_listing_a_register_that_does_not_exist_says_so_and_creates_nothing(tmp_path):
    from click.testing import CliRunner

    from letter_gen.cli import main

    result = CliRunner().invoke(main, ["register", "list", "--register", str(tmp_path / "typo.sqlite")])
    assert result.exit_code == 2  # a misuse, like a missing file: as track report and reminders say it
    assert "there is no register here" in result.stderr
    assert not (tmp_path / "typo.sqlite").exists()


def test_a_recipient_that_looks_like_a_formula_is_exported_as_text(tmp_path):
    from datetime import date as _date

    import openpyxl

    from letter_gen.register.store import IssueRequest, Register

    with Register(tmp_path / "r.sqlite") as book:
        book.issue(IssueRequest(key="k", agency="STC", symbol="STC-TTr", year=2021, date=_date(2021, 5, 1), content_hash="h",
                                subject="V/v x", kind_label="Công văn", signer="A", recipients='=HYPERLINK("x")', archive="VT"))
        export_xlsx(book.entries(), tmp_path / "so.xlsx")
    cells = [c for row in openpyxl.load_workbook(tmp_path / "so.xlsx").active.iter_rows() for c in row]
    formula = next(c for c in cells if c.value == '=HYPERLINK("x")')
    assert formula.data_type == "s"


def test_the_register_can_be_chosen_once_with_an_environment_variable(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from letter_gen.cli import main

    register = tmp_path / "shared" / "so.sqlite"
    monkeypatch.setenv("LETTER_GEN_REGISTER", str(register))
    monkeypatch.chdir(tmp_path)
    sample = Path(__file__).resolve().parent.parent / "data" / "cchc-2021.yaml"
    result = CliRunner().invoke(main, ["render", str(sample), "-o", "x.docx", "--issue", "--date", "2021-03-05"])
    assert result.exit_code == 0, result.output
    assert register.exists() and not (tmp_path / "data").exists()


def test_a_format_3_register_gains_the_signature_columns_and_records_a_signature(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "old.sqlite"
    with Register(path) as book:
        issued = book.issue(request())
    conn = sqlite3.connect(path)
    for column in ("signed_sha256", "signed_at"):
        conn.execute(f"ALTER TABLE letters DROP COLUMN {column}")
    conn.execute("PRAGMA user_version = 3")
    conn.commit()
    conn.close()
    with Register(path) as book:
        book.record_signature(issued.agency.lower(), issued.year, issued.number, "ab" * 32, "2021-03-05T10:00:00+07:00")
        [entry] = book.entries()
        with pytest.raises(RegisterError):
            book.record_signature(issued.agency, issued.year, issued.number + 1, "ab" * 32, "2021-03-05T10:00:00+07:00")
    assert (entry.signed_sha256, entry.signed_at) == ("ab" * 32, "2021-03-05T10:00:00+07:00")
    assert "ký số 2021-03-05T10:00:00+07:00" in entry.remarks
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 4


def test_a_register_without_the_date_index_is_read_as_is_and_gains_it_when_next_written(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "old.sqlite"
    with Register(path) as book:
        book.issue(request())
    with sqlite3.connect(path) as conn:
        conn.execute("DROP INDEX letters_by_date")
    with Register(path, read_only=True) as book:  # register list, track list: no format step for an index
        assert [e.number for e in book.entries()] == [1]
    with Register(path) as book:
        book.issue(request(key="second"))
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 4
        plan = " ".join(row[-1] for row in conn.execute(
            "EXPLAIN QUERY PLAN SELECT number, symbol, date FROM letters WHERE agency = ? AND year = ?"
            " AND voided_at IS NULL ORDER BY date DESC, number DESC LIMIT 1", ("SKHCN", 2021)))
    # Read backwards along the index, not the whole year sorted.
    assert "letters_by_date" in plan and "TEMP B-TREE" not in plan
