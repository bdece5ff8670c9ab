"""A register that is not what it should be is refused, never numbered from (issue 10)."""

from __future__ import annotations

import re
import sqlite3
import stat
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import CliRunner

from letter_gen.cli import main
from letter_gen.errors import RegisterError
from letter_gen.register.store import MAX_NUMBER, IssueRequest, Register

from .conftest import SAMPLE


def _issue(path: Path) -> None:
    result = CliRunner().invoke(main, ["render", str(SAMPLE), "-o", str(path.parent / "a.docx"), "--issue", "--date", "2021-03-05", "--register", str(path)])
    assert result.exit_code == 0, result.output


def test_an_emptied_register_is_refused_and_never_starts_again_at_01(tmp_path):
    register = tmp_path / "r.sqlite"
    _issue(register)
    register.write_bytes(b"")  # `: > register.sqlite`, a failed copy
    for args in (["register", "list"], ["render", str(SAMPLE), "-o", str(tmp_path / "b.docx"), "--unit", "1", "--issue", "--date", "2021-03-05"]):
        result = CliRunner().invoke(main, [*args, "--register", str(register)])
        assert result.exit_code == 1 and "empty (0 bytes)" in result.stderr and "backup" in result.stderr
    assert register.read_bytes() == b"" and not (tmp_path / "b.docx").exists()


def test_a_damaged_register_is_refused_before_listing_or_numbering(tmp_path):
    register = tmp_path / "r.sqlite"
    _issue(register)
    with closing(sqlite3.connect(register)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'reservations'").fetchone()[0]
    data = bytearray(register.read_bytes())
    start = (root - 1) * page_size
    data[start : start + page_size] = b"\x0d" + b"\xff" * (page_size - 1)  # a damaged reservations page
    register.write_bytes(bytes(data))
    for args in (["register", "list"], ["render", str(SAMPLE), "-o", str(tmp_path / "b.docx"), "--unit", "1", "--issue", "--date", "2021-03-05"]):
        result = CliRunner().invoke(main, [*args, "--register", str(register)])
        assert result.exit_code == 1 and "damaged" in result.stderr, result.output
    assert not (tmp_path / "b.docx").exists()


def test_a_register_opened_read_only_on_a_read_only_file_is_listed_and_exported(tmp_path):
    register = tmp_path / "archive" / "r.sqlite"
    register.parent.mkdir()
    _issue(register)
    with Register(register) as book:  # a clean close leaves no -wal/-shm beside it, as in an archive
        pass
    register.chmod(stat.S_IRUSR | stat.S_IRGRP)
    try:
        with Register(register, read_only=True) as book:
            assert [e.number for e in book.entries()] == [1]
        runner = CliRunner()
        listed = runner.invoke(main, ["register", "list", "--register", str(register)])
        assert listed.exit_code == 0 and "01/SKHCN-TTr" in listed.output
        out = tmp_path / "so.csv"
        assert runner.invoke(main, ["register", "export", "--csv", str(out), "--register", str(register)]).exit_code == 0
        assert "01/SKHCN-TTr" in out.read_text(encoding="utf-8-sig")
    finally:
        register.chmod(stat.S_IRUSR | stat.S_IWUSR)


def test_a_backup_is_a_consistent_copy_and_list_says_when(tmp_path):
    register = tmp_path / "r.sqlite"
    _issue(register)
    runner = CliRunner()
    backup = tmp_path / "backup" / "so-di.sqlite"
    assert runner.invoke(main, ["register", "backup", str(backup), "--register", str(register)]).exit_code == 0
    with Register(backup, read_only=True) as copy:
        assert [e.number_text for e in copy.entries()] == ["01/SKHCN-TTr"]
    listed = runner.invoke(main, ["register", "list", "--register", str(register)])
    assert re.search(r"last backup: \d\d/\d\d/20\d\d \d\d:\d\d, ", listed.stderr) and str(backup) in listed.stderr
    again = runner.invoke(main, ["register", "backup", str(backup), "--register", str(register)])
    assert again.exit_code == 1 and "already there" in again.stderr


def test_numbers_stay_in_range_and_a_slip_in_a_reservation_can_be_undone(tmp_path):
    runner = CliRunner()
    register = ["--register", str(tmp_path / "r.sqlite")]
    huge = runner.invoke(main, ["register", "reserve", "--agency", "SKHCN", "--year", "2021", "--upto", "99999999999999999999", *register])
    assert huge.exit_code == 2 and "Traceback" not in huge.output
    assert runner.invoke(main, ["register", "reserve", "--agency", "SKHCN", "--year", "2021", "--upto", str(MAX_NUMBER), *register]).exit_code == 0
    full = runner.invoke(main, ["render", str(SAMPLE), "-o", str(tmp_path / "a.docx"), "--issue", "--date", "2021-03-05", *register])
    assert full.exit_code == 1 and "99,999" in full.stderr and not (tmp_path / "a.docx").exists()
    undone = runner.invoke(main, ["register", "unreserve", "--agency", "SKHCN", "--year", "2021", *register])
    assert undone.exit_code == 0 and "the next number is 1" in undone.output
    assert runner.invoke(main, ["render", str(SAMPLE), "-o", str(tmp_path / "a.docx"), "--issue", "--date", "2021-03-05", *register]).exit_code == 0


def test_a_reservation_below_an_issued_number_cannot_be_undone(tmp_path):
    path = tmp_path / "r.sqlite"
    with Register(path) as book:
        book.reserve("SKHCN", 2021, 5)
        book.issue(IssueRequest(key="k", agency="SKHCN", symbol="SKHCN-TTr", year=2021, date=__import__("datetime").date(2021, 3, 5),
                                content_hash="h", subject="V/v x", kind_label="Công văn", signer="A", recipients="B", archive="VT"))
        with pytest.raises(RegisterError, match="never taken back"):
            book.unreserve("SKHCN", 2021)
        assert [e.number for e in book.entries()] == [1, 6]


def test_a_version_1_register_is_updated_in_place_and_keeps_its_numbers(tmp_path):
    path = tmp_path / "old.sqlite"
    with closing(sqlite3.connect(path)) as conn:
        conn.executescript(
            """
            CREATE TABLE letters (id INTEGER PRIMARY KEY, key TEXT NOT NULL, agency TEXT NOT NULL, year INTEGER NOT NULL,
              number INTEGER NOT NULL CHECK (number >= 1), symbol TEXT NOT NULL, date TEXT NOT NULL, content_hash TEXT NOT NULL,
              subject TEXT NOT NULL, kind_label TEXT NOT NULL, signer TEXT NOT NULL, recipients TEXT NOT NULL, archive TEXT NOT NULL,
              copies INTEGER, note TEXT, replaces INTEGER, superseded_by INTEGER, created_at TEXT NOT NULL);
            CREATE UNIQUE INDEX letters_number ON letters (agency, year, number);
            CREATE UNIQUE INDEX letters_current_key ON letters (key) WHERE superseded_by IS NULL;
            CREATE TABLE reservations (id INTEGER PRIMARY KEY, agency TEXT NOT NULL, year INTEGER NOT NULL,
              first INTEGER NOT NULL, upto INTEGER NOT NULL, note TEXT, created_at TEXT NOT NULL);
            INSERT INTO letters VALUES (1, 'k', 'SKHCN', 2021, 1, 'SKHCN-TTr', '2021-03-05', 'h', 'V/v x', 'Công văn', 'A', 'B', 'VT',
              NULL, NULL, NULL, NULL, '2021-03-05T00:00:00+00:00');
            PRAGMA application_id = 1279742535;
            PRAGMA user_version = 1;
            """
        )
    with Register(path) as book:
        assert [e.number_text for e in book.entries()] == ["01/SKHCN-TTr"]
        book.void("SKHCN", 2021, 1, "thử")
        assert book.entries()[0].void
