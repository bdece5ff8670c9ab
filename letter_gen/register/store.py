"""The outgoing register (sổ đăng ký văn bản đi), kept in an SQLite database.

Decree 30/2020/NĐ-CP, Điều 15: one number sequence a year per agency (cơ quan), from 01
on 1 January; number + ký hiệu unique within the year. Phụ lục IV fixes the register's
columns; a register kept in software is printed and bound at year end (:meth:`export_xlsx`).

Several processes may issue at once: every allocation runs in one ``BEGIN IMMEDIATE``
transaction (SQLite's write lock), so two letters never share a number and no gap is left.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from types import TracebackType

from letter_gen.i18n import _, local_number, os_reason
from letter_gen.errors import MissingRegisterError, RegisterError
from letter_gen.fileio import shown_folder
from letter_gen.vn import MAX_LETTER_NUMBER, VIETNAM_TIME, format_number, kind_and_subject, short_date

SCHEMA_VERSION = 4
#: Letter numbers run from 1 to this in a year (a sequence past it is a slip, not a letter).
MAX_NUMBER = MAX_LETTER_NUMBER
#: Marks the file as ours (PRAGMA application_id, "LGRG"), so a foreign database is refused.
APPLICATION_ID = 0x4C475247
BUSY_TIMEOUT_S = 30.0

RESERVED_NOTE = "cấp ngoài phần mềm"

#: The tables of letter_gen.tracking (issue 15): each action of an issued follow-up letter is a
#: tracked item; every change to one is a history row; the rounds they came from are kept so
#: reminders and reports need no input file. Current values are kept in sync with the history
#: in the same transaction.
_TRACKING_SCHEMA = (
    """CREATE TABLE tracked_rounds (
    key          TEXT PRIMARY KEY,            -- agency|period|plan|input file stem
    agency       TEXT    NOT NULL,
    year         INTEGER NOT NULL,
    first_month  INTEGER NOT NULL,
    last_month   INTEGER NOT NULL,
    data         TEXT    NOT NULL             -- the round as issued (JSON of the input contract)
)""",
    """CREATE TABLE tracked_items (
    id            INTEGER PRIMARY KEY,
    ref           TEXT    NOT NULL UNIQUE,    -- the stable identity shown in workbooks (Mã theo dõi)
    round_key     TEXT    NOT NULL REFERENCES tracked_rounds (key),
    agency        TEXT    NOT NULL,
    unit          TEXT    NOT NULL,
    code          TEXT,                       -- the clerk's own id of the action, if any
    text          TEXT    NOT NULL,
    deadline      TEXT,                       -- ISO hạn khắc phục
    letter_number INTEGER NOT NULL,           -- the follow-up letter that asked for it
    letter_symbol TEXT    NOT NULL,
    letter_date   TEXT    NOT NULL,
    letter_mode   TEXT    NOT NULL,           -- per-unit or consolidated
    status        TEXT    NOT NULL,
    done_on       TEXT,
    evidence      TEXT,                       -- the unit's report: number
    evidence_date TEXT,
    reason        TEXT,                       -- why không thực hiện
    note          TEXT,
    created_at    TEXT    NOT NULL
)""",
    "CREATE INDEX tracked_items_unit ON tracked_items (agency, unit)",
    """CREATE TABLE item_history (
    id            INTEGER PRIMARY KEY,
    item_id       INTEGER NOT NULL REFERENCES tracked_items (id),
    at            TEXT    NOT NULL,           -- UTC
    field         TEXT    NOT NULL,
    old           TEXT,
    new           TEXT,
    source        TEXT    NOT NULL,           -- the file or letter the change came from
    source_sha256 TEXT
)""",
    "CREATE INDEX item_history_item ON item_history (item_id)",
    """CREATE TABLE item_reminders (
    item_id       INTEGER NOT NULL REFERENCES tracked_items (id),
    as_of         TEXT    NOT NULL,           -- the day the reminder looked at
    letter_key    TEXT    NOT NULL,
    letter_number INTEGER NOT NULL,
    letter_symbol TEXT    NOT NULL,
    letter_date   TEXT    NOT NULL,
    new_deadline  TEXT    NOT NULL,
    PRIMARY KEY (item_id, letter_key)
)""",
)

#: Issuing asks for the year's latest letter by date before each number: without this index
#: that reads the whole year, and a batch slows with the square of the year's count. An index
#: is not a format change (older versions read and write the file as before): a register made
#: without it gains it when it is next opened for writing.
_LATEST_INDEX_NAME = "letters_by_date"
_LATEST_INDEX = f"CREATE INDEX IF NOT EXISTS {_LATEST_INDEX_NAME} ON letters (agency, year, date, number)"

#: From one format version to the next, in order; each runs inside the write transaction.
_MIGRATIONS = {
    2: (
        "ALTER TABLE letters ADD COLUMN voided_at TEXT",
        "ALTER TABLE letters ADD COLUMN void_reason TEXT",
        "DROP INDEX letters_current_key",
        "CREATE UNIQUE INDEX letters_current_key ON letters (key) WHERE superseded_by IS NULL AND voided_at IS NULL",
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    ),
    3: _TRACKING_SCHEMA,
    4: (  # signed letters (batch --sign): the signed PDF's sha256 and signing time
        "ALTER TABLE letters ADD COLUMN signed_sha256 TEXT",
        "ALTER TABLE letters ADD COLUMN signed_at TEXT",
    ),
}

_SCHEMA = """
CREATE TABLE letters (
    id            INTEGER PRIMARY KEY,
    key           TEXT    NOT NULL,
    agency        TEXT    NOT NULL,
    year          INTEGER NOT NULL,
    number        INTEGER NOT NULL CHECK (number >= 1),
    symbol        TEXT    NOT NULL,
    date          TEXT    NOT NULL,          -- ISO yyyy-mm-dd
    content_hash  TEXT    NOT NULL,
    subject       TEXT    NOT NULL,
    kind_label    TEXT    NOT NULL,
    signer        TEXT    NOT NULL,
    recipients    TEXT    NOT NULL,
    archive       TEXT    NOT NULL,
    copies        INTEGER,
    note          TEXT,
    replaces      INTEGER,                   -- number of the letter this one replaces
    superseded_by INTEGER,                   -- number of the letter that replaced this one
    created_at    TEXT    NOT NULL,          -- UTC, for the audit trail
    voided_at     TEXT,                      -- UTC: the number was withdrawn (thu hồi, hủy số)
    void_reason   TEXT,
    signed_sha256 TEXT,                      -- the signed PDF (batch --sign)
    signed_at     TEXT                       -- its signing time, ISO with +07:00
);
CREATE UNIQUE INDEX letters_number ON letters (agency, year, number);
CREATE UNIQUE INDEX letters_current_key ON letters (key) WHERE superseded_by IS NULL AND voided_at IS NULL;
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE reservations (
    id         INTEGER PRIMARY KEY,
    agency     TEXT    NOT NULL,
    year       INTEGER NOT NULL,
    first      INTEGER NOT NULL CHECK (first >= 1),
    upto       INTEGER NOT NULL CHECK (upto >= first),
    note       TEXT,
    created_at TEXT    NOT NULL
);
CREATE INDEX reservations_sequence ON reservations (agency, year);
"""


def number_and_symbol(number: int, symbol: str) -> str:
    """Số, ký hiệu: ``05/SKHCN-TTr``."""
    return f"{format_number(number)}/{symbol}"


@dataclass(frozen=True)
class IssueRequest:
    """What the register needs to give a letter its number (cấp số văn bản đi)."""

    key: str  #: identifies the letter: same input file + unit + mode → same key
    agency: str  #: agency code (mã cơ quan), e.g. ``SKHCN``; one sequence per agency and year
    symbol: str  #: ký hiệu, e.g. ``SKHCN-TTr``
    year: int
    date: date  #: ngày ban hành
    content_hash: str  #: hash of what the letter says, number and date excluded
    subject: str  #: trích yếu
    kind_label: str  #: tên loại, e.g. "Công văn"
    signer: str  #: người ký
    recipients: str  #: nơi nhận
    archive: str  #: đơn vị nhận bản lưu, e.g. "VT, TTr, CCHC"
    copies: int | None = None  #: số lượng bản
    note: str | None = None  #: ghi chú


@dataclass(frozen=True)
class IssuedLetter:
    """A letter as recorded in the register (văn bản đi đã cấp số)."""

    number: int
    symbol: str
    agency: str
    year: int
    date: date
    key: str
    content_hash: str
    new: bool  #: False when an earlier call already issued this letter
    subject: str
    kind_label: str
    signer: str
    recipients: str
    archive: str
    copies: int | None
    note: str | None
    replaces: int | None
    superseded_by: int | None
    void_reason: str | None = None  #: why the number was withdrawn (hủy số), if it was

    @property
    def number_text(self) -> str:
        """Số, ký hiệu as printed on the letter: ``05/SKHCN-TTr``."""
        return number_and_symbol(self.number, self.symbol)


@dataclass(frozen=True)
class Reservation:
    """Numbers first..upto given outside this software (số cấp ngoài phần mềm)."""

    agency: str
    year: int
    first: int
    upto: int
    note: str | None


@dataclass(frozen=True)
class RegisterEntry:
    """One line of the register: an issued letter (current or superseded) or a reservation."""

    agency: str
    year: int
    number: int
    last_number: int  #: end of a reservation's range; ``number`` for a letter
    symbol: str  #: empty for a reservation
    date: date | None  #: None for a reservation
    kind_label: str
    subject: str
    signer: str
    recipients: str
    archive: str
    copies: int | None
    note: str | None
    key: str | None  #: None for a reservation
    reservation: bool
    replaces: int | None
    superseded_by: int | None
    voided_at: str | None = None
    void_reason: str | None = None
    signed_sha256: str | None = None  #: the signed PDF's sha256 (batch --sign)
    signed_at: str | None = None  #: its signing time, ISO with +07:00

    @property
    def superseded(self) -> bool:
        """True for a letter replaced by a later one (văn bản đã bị thay thế)."""
        return self.superseded_by is not None

    @property
    def number_text(self) -> str:
        """``05/SKHCN-TTr`` for a letter, ``01–120`` for a reservation."""
        if self.reservation:
            return f"{format_number(self.number)}–{format_number(self.last_number)}"
        return number_and_symbol(self.number, self.symbol)

    @property
    def title(self) -> str:
        """Tên loại và trích yếu: ``Công văn V/v ...``, ``Quyết định về việc ...``."""
        return kind_and_subject(self.kind_label, self.subject)

    @property
    def void(self) -> bool:
        """True for a number withdrawn (số đã hủy): it stays in the register, never given again."""
        return self.voided_at is not None

    @property
    def remarks(self) -> str:
        """Ghi chú as exported; a reservation says its numbers were given by hand, a withdrawn
        number says so, when and why."""
        if self.reservation:
            return "; ".join(p for p in (RESERVED_NOTE, self.note) if p)
        voided = f"ĐÃ HỦY SỐ ngày {_vietnam_time(self.voided_at, '%d/%m/%Y')}: {self.void_reason}" if self.voided_at else None
        signed = f"ký số {self.signed_at}" if self.signed_at else None
        return "; ".join(p for p in (self.note, signed, voided) if p)


class Register:
    """The outgoing register (sổ đăng ký văn bản đi) in the SQLite file ``path``.

    Opens the file or creates it (and its folder); with ``lazy``, a register that does not
    exist yet is created only when first used. Use as a context manager or call :meth:`close`.
    """

    def __init__(self, path: Path, *, must_exist: bool = False, read_only: bool = False, lazy: bool = False) -> None:
        self.path = Path(path)
        self.read_only = read_only
        self.must_exist = must_exist
        #: True when this register made the new register file.
        self.created = False
        self._connection: sqlite3.Connection | None = None
        # lazy: a register that does not exist yet is created when first used (a letter takes a
        # number), so a run that numbers nothing leaves no new, empty register behind
        if not (lazy and not self.path.exists()):
            self._open()

    @property
    def _conn(self) -> sqlite3.Connection:
        if self._connection is None:
            self._open()
            assert self._connection is not None
        return self._connection

    def _open(self) -> None:
        """Open the file, or create it (and its folder); a register that is not ours, damaged,
        empty or of a newer format is refused here."""
        try:
            exists = self.path.exists()
        except OSError as err:  # a name too long, a path through a file: Path.exists raises those
            raise RegisterError(_("{path}: cannot open the register ({err})").format(path=self.path, err=os_reason(err))) from err
        if (self.must_exist or self.read_only) and not exists:
            raise MissingRegisterError(_(
                "{path}: there is no register here (it is created by the first --issue);"
                " give its path with --register (letter-gen register where shows which one is in use)"
            ).format(path=self.path))
        if exists and self.path.is_file() and self.path.stat().st_size == 0:
            raise RegisterError(_(
                "{path}: the register file is empty (0 bytes): it was emptied or a copy failed,"
                " so its numbers are lost here. Restore it from a backup (letter-gen register backup"
                " makes one) before issuing; a new register is only ever created where no file exists"
            ).format(path=self.path))
        self.created = not exists and _create(self.path)
        try:
            # isolation_level=None: we issue BEGIN/COMMIT ourselves (the module's implicit
            # transactions would start a deferred one, which can deadlock under contention).
            conn = sqlite3.connect(self._address(), timeout=BUSY_TIMEOUT_S, isolation_level=None, uri=True)
        except sqlite3.Error as err:
            raise RegisterError(_("{path}: cannot open the register ({err})").format(path=self.path, err=err)) from err
        self._connection = conn
        try:
            conn.row_factory = sqlite3.Row
            conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            self._prepare()
        except BaseException:
            self._connection = None
            conn.close()
            raise

    def _address(self) -> str:
        """The SQLite URI: read-only registers on a read-only folder or file (an archived year
        on a share) are opened immutable, since SQLite cannot make its lock files there."""
        uri = "file:" + urllib.parse.quote(str(self.path.absolute()))
        if not self.read_only:
            return uri
        writable = os.access(self.path, os.W_OK) and os.access(self.path.parent, os.W_OK)
        return uri + ("?mode=ro" if writable else "?mode=ro&immutable=1")

    def __enter__(self) -> Register:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the database connection (if it was ever opened)."""
        if self._connection is not None:
            self._connection.close()

    # -- numbering (cấp số) ------------------------------------------------------------

    def issue(self, request: IssueRequest, *, reissue: bool = False) -> IssuedLetter:
        """Give ``request`` its number (cấp số), or return the number it already has.

        Same key and content: the recorded letter, unchanged (``new=False``). Same key,
        changed content: refused unless ``reissue``, which issues a replacement under a new
        number and marks the old line superseded; both lines stay in the register.
        """
        outcome = self.issue_many([request], reissue=reissue)[0]
        if isinstance(outcome, RegisterError):
            raise outcome
        return outcome

    def issue_many(self, requests: list[IssueRequest], *, reissue: bool = False) -> list[IssuedLetter | RegisterError]:
        """Issue several letters in ONE transaction (one disk sync for a whole batch).

        Each request gets its :class:`IssuedLetter`, or the :class:`RegisterError` that
        refused it (a changed letter without ``reissue``); a refusal does not stop the others.
        """
        for request in requests:
            _check_request(request)
        self._verify()
        outcomes: list[IssuedLetter | RegisterError] = []
        with self._write(_("issue numbers")):
            for request in requests:
                try:
                    outcomes.append(self._issue_locked(request, reissue))
                except RegisterError as err:
                    outcomes.append(err)
        return outcomes

    @contextmanager
    def transaction(self) -> Iterator[IssuingTransaction]:
        """Hold the register's write lock while letters are numbered, rendered and checked:
        numbers given inside are committed at the end, or not at all if anything fails."""
        self._verify()
        with self._write(_("issue numbers")):
            yield IssuingTransaction(self)

    @contextmanager
    def tables(self, action: str, *, write: bool = False) -> Iterator[sqlite3.Connection]:
        """The connection, for a layer that keeps its own tables in the register (tracking):
        with ``write``, inside one write transaction (``BEGIN IMMEDIATE``, committed at the end
        or rolled back on any error); SQLite's errors become :class:`RegisterError`."""
        self._verify()
        if write:
            with self._write(action):
                yield self._conn
        else:
            with self._guard(action):
                yield self._conn

    def _issue_locked(self, request: IssueRequest, reissue: bool) -> IssuedLetter:
        """:meth:`issue` inside a write transaction already held."""
        current = self._conn.execute(
            "SELECT * FROM letters WHERE key = ? AND superseded_by IS NULL AND voided_at IS NULL", (request.key,)
        ).fetchone()
        if current is not None and current["content_hash"] == request.content_hash:
            return _letter(current, new=False)
        note = request.note
        if current is not None:
            old = number_and_symbol(current["number"], current["symbol"])
            old_date = date.fromisoformat(current["date"])
            if not reissue:
                raise RegisterError(_(
                    "{letter} was already issued as số {old} on {date}, and its content has changed"
                    " since. A number is given only once: to issue a replacement under a new number,"
                    " run again with --reissue; otherwise restore the letter's content."
                ).format(letter=letter_named(request.key), old=old, date=short_date(old_date)))
            note = _join(note, f"thay thế văn bản số {old} ngày {short_date(old_date)}")
        latest = self._conn.execute(
            "SELECT number, symbol, date FROM letters WHERE agency = ? AND year = ? AND voided_at IS NULL"
            " ORDER BY date DESC, number DESC LIMIT 1",
            (request.agency, request.year),
        ).fetchone()
        if latest is not None and date.fromisoformat(latest["date"]) > request.date:
            # Numbers follow the order of issue: a later number cannot carry an earlier date.
            raise RegisterError(_(
                "số {number} was already issued on {date}; a new letter cannot be dated {asked},"
                " before it: issue it with that date or later"
            ).format(number=number_and_symbol(latest['number'], latest['symbol']),
                     date=short_date(date.fromisoformat(latest['date'])), asked=short_date(request.date)))
        number = self._next_number(request.agency, request.year)
        if number > MAX_NUMBER:
            raise RegisterError(_(
                "{agency} {year}: the sequence has reached {most}, the most a year holds;"
                " a reservation too high (letter-gen register unreserve) or a wrong year is the likely cause"
            ).format(agency=request.agency, year=request.year, most=local_number(MAX_NUMBER, ",")))
        if current is not None:
            # Mark the old line first: only one current line per key (partial unique index).
            replaced_by = (f"được thay thế bằng văn bản số {number_and_symbol(number, request.symbol)}"
                           f" ngày {short_date(request.date)}")
            self._conn.execute(
                "UPDATE letters SET superseded_by = ?, note = ? WHERE id = ?",
                (number, _join(current["note"], replaced_by), current["id"]),
            )
        self._conn.execute(
            "INSERT INTO letters (key, agency, year, number, symbol, date, content_hash,"
            " subject, kind_label, signer, recipients, archive, copies, note, replaces,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (request.key, request.agency, request.year, number, request.symbol,
             request.date.isoformat(), request.content_hash, request.subject,
             request.kind_label, request.signer, request.recipients, request.archive,
             request.copies, note, None if current is None else current["number"], _now()),
        )
        row = self._conn.execute(
            "SELECT * FROM letters WHERE agency = ? AND year = ? AND number = ?",
            (request.agency, request.year, number),
        ).fetchone()
        return _letter(row, new=True)

    def reserve(self, agency: str, year: int, upto: int, note: str | None = None) -> Reservation | None:
        """Record that numbers up to ``upto`` of ``agency``/``year`` were given elsewhere.

        Numbering then continues at ``upto + 1``. Returns the range newly recorded, or None
        when every number up to ``upto`` is already issued or reserved (nothing to do).
        """
        _check_sequence(agency, year)
        if not 1 <= upto <= MAX_NUMBER:
            raise RegisterError(_(
                "Reserve: the last number given outside the software must be from 1 to {most}, got {upto}"
            ).format(most=local_number(MAX_NUMBER, ","), upto=upto))
        with self._write(_("reserve numbers")):
            first = self._next_number(agency, year)
            if upto < first:
                return None
            self._conn.execute(
                "INSERT INTO reservations (agency, year, first, upto, note, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (agency, year, first, upto, note, _now()),
            )
            return Reservation(agency, year, first, upto, note)

    def unreserve(self, agency: str, year: int) -> Reservation | None:
        """Undo the last reservation of ``agency``/``year`` while no letter was numbered above
        its first number (a slip in ``--upto``); None when there is none to undo."""
        _check_sequence(agency, year)
        with self._write(_("undo a reservation")):
            row = self._conn.execute(
                "SELECT * FROM reservations WHERE agency = ? AND year = ? ORDER BY upto DESC LIMIT 1", (agency, year)
            ).fetchone()
            if row is None:
                return None
            above = self._conn.execute(
                "SELECT max(number) FROM letters WHERE agency = ? AND year = ? AND number > ?",
                (agency, year, row["first"]),
            ).fetchone()[0]
            if above is not None:
                raise RegisterError(_(
                    "{agency} {year}: numbers {first}–{upto} stay reserved: letter số {above}"
                    " was issued after them, and numbers are never taken back"
                ).format(agency=agency, year=year, first=row['first'], upto=row['upto'], above=above))
            self._conn.execute("DELETE FROM reservations WHERE id = ?", (row["id"],))
            return Reservation(agency, year, row["first"], row["upto"], row["note"])

    def void(self, agency: str, year: int, number: int, reason: str) -> RegisterEntry:
        """Withdraw a number (thu hồi, hủy số): its line stays, marked void with the reason and
        time, and is never given again; the letter it belonged to may then be issued anew."""
        _check_sequence(agency, year)
        if not reason.strip():
            raise RegisterError(_("Void: give the reason (--reason), it is kept in the register"))
        with self._write(_("void a number")):
            row = self._conn.execute(
                "SELECT * FROM letters WHERE upper(agency) = upper(?) AND year = ? AND number = ?",
                (agency, year, number),
            ).fetchone()
            if row is None:
                raise RegisterError(_("{agency} {year}: số {number} was not issued by letter_gen; nothing to void").format(
                    agency=agency, year=year, number=format_number(number)))
            if row["voided_at"] is not None:
                raise RegisterError(_("{agency} {year}: số {number} was already voided on {when}").format(
                    agency=agency, year=year, number=number_and_symbol(number, row['symbol']), when=short_date(date.fromisoformat(row['voided_at'][:10]))))
            self._conn.execute(
                "UPDATE letters SET voided_at = ?, void_reason = ? WHERE id = ?", (_now(), reason.strip(), row["id"])
            )
            row = self._conn.execute("SELECT * FROM letters WHERE id = ?", (row["id"],)).fetchone()
        return _entry_of_letter(row)

    def record_signature(self, agency: str, year: int, number: int, sha256: str, signed_at: str) -> None:
        """Note that letter ``number`` was signed: the signed PDF's sha256 and its signing time
        (ISO, +07:00). Signing again (a re-run) records the newest signed file."""
        _check_sequence(agency, year)
        with self._write(_("record a signature")):
            updated = self._conn.execute(
                "UPDATE letters SET signed_sha256 = ?, signed_at = ? WHERE upper(agency) = upper(?) AND year = ? AND number = ?",
                (sha256, signed_at, agency, year, number),
            ).rowcount
            if not updated:
                raise RegisterError(_("{agency} {year}: số {number} was not issued by letter_gen; nothing to record").format(
                    agency=agency, year=year, number=format_number(number)))

    def backup(self, destination: Path) -> None:
        """A consistent copy of the register (SQLite's backup API, safe while others issue)."""
        destination = Path(destination)
        if destination.exists():
            raise RegisterError(_("{path}: a file is already there; give a new file name for the backup").format(path=destination))
        tmp = destination.with_name(f".{destination.name}.part")
        try:
            destination.parent.mkdir(parents=True, exist_ok=True)
            with self._guard(_("back up the register")):
                copy = sqlite3.connect(tmp)
                try:
                    self._conn.backup(copy)
                finally:
                    copy.close()
            os.replace(tmp, destination)
        except OSError as err:
            tmp.unlink(missing_ok=True)
            raise RegisterError(_("{path}: cannot write the backup ({why})").format(path=destination, why=os_reason(err))) from err
        if not self.read_only:
            with self._write(_("note the backup")):
                self._conn.execute(
                    "INSERT INTO meta (key, value) VALUES ('last_backup', ?)"
                    " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    (f"{_now()} {destination.absolute()}",),
                )

    def last_backup(self) -> str | None:
        """When and where the last backup was made, as a clerk reads it (``29/11/2026 04:00,
        /path``, Vietnam's time; stored as ``2026-11-28T21:00:00+00:00 /path``), if ever."""
        with self._guard(_("read the register")):
            row = self._conn.execute("SELECT value FROM meta WHERE key = 'last_backup'").fetchone()
        if row is None:
            return None
        stamp, _space, where = str(row[0]).partition(" ")
        return f"{_vietnam_time(stamp, '%d/%m/%Y %H:%M')}, {where}"

    def next_number(self, agency: str, year: int) -> int:
        """The number the next letter of ``agency`` in ``year`` would get (for previews)."""
        with self._guard(_("read the register")):
            return self._next_number(agency, year)

    # -- reading ---------------------------------------------------------------------

    def find(self, key: str) -> IssuedLetter | None:
        """The current (not superseded) letter issued under ``key``, if any."""
        with self._guard(_("read the register")):
            row = self._conn.execute(
                "SELECT * FROM letters WHERE key = ? AND superseded_by IS NULL AND voided_at IS NULL", (key,)
            ).fetchone()
        return None if row is None else _letter(row, new=False)

    def entries(self, year: int | None = None, agency: str | None = None) -> list[RegisterEntry]:
        """Every line of the register in (year, agency, number) order, superseded letters
        and reservations included, optionally for one year and/or one agency."""
        where, params = _filter(year, agency)
        with self._guard(_("read the register")):
            letters = self._conn.execute(f"SELECT * FROM letters{where}", params).fetchall()
            reserved = self._conn.execute(f"SELECT * FROM reservations{where}", params).fetchall()
        lines = [_entry_of_letter(row) for row in letters]
        lines += [_entry_of_reservation(row) for row in reserved]
        lines.sort(key=lambda e: (e.year, e.agency, e.number))
        return lines

    # -- internals -------------------------------------------------------------------------

    def _prepare(self) -> None:
        """Refuse a file that is not a register, then create the schema if the file is new."""
        with self._guard(_("open the register")):
            state = self._identify()
            if self.read_only:
                if state == "new":
                    raise RegisterError(_("{path}: this file holds no register (an empty database)").format(path=self.path))
                if state == "old":
                    raise RegisterError(_(
                        "{path}: the register is in an older format; open it once where it can be"
                        " written (e.g. letter-gen register backup, which also keeps a copy) to update it"
                    ).format(path=self.path))
                self._verify()
                return
            self._use_wal()  # only after _identify: a foreign database is never converted
            if state == "old":
                with self._write(_("update the register's format")):
                    version = self._conn.execute("PRAGMA user_version").fetchone()[0]
                    for target in range(version + 1, SCHEMA_VERSION + 1):
                        for statement in _MIGRATIONS[target]:
                            self._conn.execute(statement)
                    self._conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            if state != "new" and not self._conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?", (_LATEST_INDEX_NAME,)
            ).fetchone():
                with self._write(_("update the register's format")):
                    self._conn.execute(_LATEST_INDEX)
            if state == "new":
                with self._write(_("create the register")):
                    if self._identify() == "new":  # another process may have won the race
                        # One statement at a time: executescript() would commit mid-way.
                        for statement in _schema_statements():
                            self._conn.execute(statement)
                        self._conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                        self._conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _use_wal(self) -> None:
        """WAL journal: readers go on while one process writes (set once, kept in the file)."""
        deadline = time.monotonic() + BUSY_TIMEOUT_S
        while self._conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            try:
                self._conn.execute("PRAGMA journal_mode = WAL")
                return  # a file system without WAL keeps its mode; BEGIN IMMEDIATE still holds
            except sqlite3.OperationalError as err:
                # The switch needs the file to itself for a moment and SQLite does not wait
                # for it (no busy handler here), so wait ourselves while others create it.
                if "locked" not in str(err) or time.monotonic() > deadline:
                    raise
                time.sleep(0.01)

    def _identify(self) -> str:
        """"new" for an empty database, "ours" for a register we can read; else refuse."""
        # One statement, so one snapshot: another process may be creating the schema now.
        app_id, version, tables = self._conn.execute(
            "SELECT (SELECT application_id FROM pragma_application_id),"
            " (SELECT user_version FROM pragma_user_version),"
            " (SELECT count(*) FROM sqlite_master)"
        ).fetchone()
        if app_id == 0 and version == 0 and tables == 0:
            return "new"
        if app_id != APPLICATION_ID:
            raise RegisterError(_(
                "{path}: this SQLite database is not a letter register; "
                "give the path of a register file (or of a new file to create one)"
            ).format(path=self.path))
        if version < SCHEMA_VERSION:
            return "old"
        if version > SCHEMA_VERSION:
            raise RegisterError(_(
                "{path}: the register was written by a newer letter_gen (format "
                "version {version}; this one reads version {ours}). Update letter_gen."
            ).format(path=self.path, version=version, ours=SCHEMA_VERSION))
        return "ours"

    def _verify(self) -> None:
        """SQLite's quick_check: a damaged register is refused before it is read or numbered from."""
        with self._guard(_("check the register")):
            problems = [row[0] for row in self._conn.execute("PRAGMA quick_check(5)").fetchall()]
        if problems != ["ok"]:
            raise RegisterError(_(
                "{path}: the register file is damaged ({problems}); nothing was read or numbered."
                " Restore it from a backup (letter-gen register backup makes one)"
            ).format(path=self.path, problems="; ".join(problems)[:200]))

    def _next_number(self, agency: str, year: int) -> int:
        # Numbers given by hand count too: continue after the highest issued or reserved.
        row = self._conn.execute(
            "SELECT max("
            " coalesce((SELECT max(number) FROM letters WHERE agency = ?1 AND year = ?2), 0),"
            " coalesce((SELECT max(upto) FROM reservations WHERE agency = ?1 AND year = ?2), 0))",
            (agency, year),
        ).fetchone()
        return int(row[0]) + 1

    @contextmanager
    def _guard(self, action: str) -> Iterator[None]:
        """Turn SQLite's errors into a RegisterError a clerk can read."""
        try:
            yield
        except sqlite3.Error as err:
            text = str(err)
            if "malformed" in text:
                raise RegisterError(_(
                    "{path}: the register file is damaged ({text}); restore it from a backup"
                ).format(path=self.path, text=text)) from err
            if "not a database" in text:
                raise RegisterError(_(
                    "{path}: not a letter register (not an SQLite database)"
                ).format(path=self.path)) from err
            if "locked" in text or "busy" in text:
                raise RegisterError(_(
                    "{path}: cannot {action}: another letter-gen kept the register "
                    "locked (waited up to {seconds:.0f} s); try again"
                ).format(path=self.path, action=action, seconds=BUSY_TIMEOUT_S)) from err
            raise RegisterError(_("{path}: cannot {action} ({text})").format(path=self.path, action=action, text=text)) from err

    @contextmanager
    def _write(self, action: str) -> Iterator[None]:
        """One write transaction; BEGIN IMMEDIATE takes the write lock before reading, so
        the number read is still the highest when it is inserted."""
        with self._guard(action):
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield
                self._conn.execute("COMMIT")
            except BaseException:
                # Also after a failed COMMIT (disk full): never leave the write lock held.
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                raise


def _schema_statements() -> list[str]:
    """A new register's schema, one statement at a time (executescript() would commit mid-way)."""
    return [s for s in _SCHEMA.split(";") if s.strip()] + [_LATEST_INDEX, *_TRACKING_SCHEMA]


def _create(path: Path) -> bool:
    """Make a new register at ``path`` whole, or not at all: built under a temporary name and
    linked into place, so a register file is never seen empty (an empty one is refused as lost).
    False when another process created it first."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
        os.close(fd)
    except OSError as err:
        raise RegisterError(_("{folder}: cannot create the register here ({why})").format(
            folder=shown_folder(path.parent), why=os_reason(err))) from err
    tmp = Path(name)
    try:
        conn = sqlite3.connect(tmp, isolation_level=None)
        try:
            conn.execute("BEGIN")
            for statement in _schema_statements():
                conn.execute(statement)
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            conn.execute("COMMIT")
            conn.execute("PRAGMA journal_mode = WAL")
        finally:
            conn.close()
        os.link(tmp, path)
        return True
    except FileExistsError:
        return False
    except (OSError, sqlite3.Error) as err:
        raise RegisterError(_("{path}: cannot create the register ({err})").format(path=path, err=err)) from err
    finally:
        tmp.unlink(missing_ok=True)


class IssuingTransaction:
    """Numbers taken inside :meth:`Register.transaction`; :meth:`undo` gives back the last
    :meth:`issue_many`'s numbers, so letters that then fail never keep one."""

    def __init__(self, register: Register) -> None:
        self._register = register

    def issue_many(self, requests: list[IssueRequest], *, reissue: bool = False) -> list[IssuedLetter | RegisterError]:
        """As :meth:`Register.issue_many`, inside the open transaction."""
        for request in requests:
            _check_request(request)
        conn = self._register._conn
        conn.execute("SAVEPOINT attempt")
        outcomes: list[IssuedLetter | RegisterError] = []
        for request in requests:
            try:
                outcomes.append(self._register._issue_locked(request, reissue))
            except RegisterError as err:
                outcomes.append(err)
        return outcomes

    @property
    def connection(self) -> sqlite3.Connection:
        """The connection inside the open transaction: what a layer records with the letters
        numbered here (tracking) commits with them, or not at all."""
        return self._register._conn

    def undo(self) -> None:
        """Give back every number the last :meth:`issue_many` took."""
        self._register._conn.execute("ROLLBACK TO attempt")
        self._register._conn.execute("RELEASE attempt")


def _check_sequence(agency: str, year: int) -> None:
    if not agency.strip():
        raise RegisterError(_("Register: the agency code (mã cơ quan, e.g. SKHCN) is empty"))
    if not 1900 <= year <= 9999:
        raise RegisterError(_("Register: the year must be a four-digit year, got {year}").format(year=year))


def letter_named(key: str) -> str:
    """A letter as a clerk knows it, from its register key (``agency|period|plan|input|mode|unit``):
    the letter to its unit, or the consolidated letter, of its input file and period."""
    parts = key.split("|")
    if len(parts) != 6:
        return _("The letter {key!r}").format(key=key)
    _agency, period, plan, stem, _mode, unit = parts
    if unit == "*":
        return _("The consolidated letter of {input} ({period}, following up {plan})").format(input=stem, period=period, plan=plan)
    return _("The letter to {unit} of {input} ({period}, following up {plan})").format(unit=unit, input=stem, period=period, plan=plan)


def _check_request(request: IssueRequest) -> None:
    _check_sequence(request.agency, request.year)
    for name in ("key", "symbol", "content_hash"):
        if not getattr(request, name).strip():
            raise RegisterError(_("Register: the letter's {name} is empty").format(name=name))
    if request.date.year != request.year:
        # Điều 15: the number belongs to the sequence of the year the letter is issued in.
        raise RegisterError(_(
            "Register: a letter dated {date} belongs to the {year} sequence, not {asked}"
        ).format(date=short_date(request.date), year=request.date.year, asked=request.year))
    if request.copies is not None and request.copies < 1:
        raise RegisterError(_("Register: the number of copies must be 1 or more, got {n}").format(n=request.copies))


def _filter(year: int | None, agency: str | None) -> tuple[str, list[object]]:
    clauses: list[str] = []
    params: list[object] = []
    if year is not None:
        clauses.append("year = ?")
        params.append(year)
    if agency is not None:
        clauses.append("upper(agency) = upper(?)")  # agency codes are written in any case
        params.append(agency)
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), params


def _letter(row: sqlite3.Row, *, new: bool) -> IssuedLetter:
    return IssuedLetter(
        number=row["number"], symbol=row["symbol"], agency=row["agency"], year=row["year"],
        date=date.fromisoformat(row["date"]), key=row["key"], content_hash=row["content_hash"],
        new=new, subject=row["subject"], kind_label=row["kind_label"], signer=row["signer"],
        recipients=row["recipients"], archive=row["archive"], copies=row["copies"],
        note=row["note"], replaces=row["replaces"], superseded_by=row["superseded_by"],
    )


def _entry_of_letter(row: sqlite3.Row) -> RegisterEntry:
    return RegisterEntry(
        voided_at=row["voided_at"], void_reason=row["void_reason"],
        signed_sha256=row["signed_sha256"], signed_at=row["signed_at"],
        agency=row["agency"], year=row["year"], number=row["number"], last_number=row["number"],
        symbol=row["symbol"], date=date.fromisoformat(row["date"]), kind_label=row["kind_label"],
        subject=row["subject"], signer=row["signer"], recipients=row["recipients"],
        archive=row["archive"], copies=row["copies"], note=row["note"], key=row["key"],
        reservation=False, replaces=row["replaces"], superseded_by=row["superseded_by"],
    )


def _entry_of_reservation(row: sqlite3.Row) -> RegisterEntry:
    return RegisterEntry(
        agency=row["agency"], year=row["year"], number=row["first"], last_number=row["upto"],
        symbol="", date=None, kind_label="", subject="", signer="", recipients="", archive="",
        copies=None, note=row["note"], key=None, reservation=True, replaces=None, superseded_by=None,
    )


def _join(*parts: str | None) -> str | None:
    text = "; ".join(p for p in parts if p)
    return text or None


def _vietnam_time(stamp: str, form: str) -> str:
    """A stored time (ISO 8601, UTC) as a clerk reads it, in Vietnam's time: ``29/11/2026``."""
    try:
        return datetime.fromisoformat(stamp).astimezone(VIETNAM_TIME).strftime(form)
    except ValueError:
        return stamp


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
