"""The outgoing register (sổ đăng ký văn bản đi), kept in an SQLite database.

Decree 30/2020/NĐ-CP, Điều 15: one number sequence a year per agency (cơ quan), from 01
on 1 January; number + ký hiệu unique within the year. Phụ lục IV fixes the register's
columns; a register kept in software is printed and bound at year end (:meth:`export_xlsx`).

Several processes may issue at once: every allocation runs in one ``BEGIN IMMEDIATE``
transaction (SQLite's write lock), so two letters never share a number and no gap is left.
"""

from __future__ import annotations

import csv
import io
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from types import TracebackType

from letter_gen.errors import RegisterError
from letter_gen.fileio import write_bytes_atomic
from letter_gen.vn import format_number, short_date

SCHEMA_VERSION = 1
#: Where the register is when no --register is given (relative to the folder the command runs in).
DEFAULT_REGISTER = Path("data/register.sqlite")
#: Marks the file as ours (PRAGMA application_id, "LGRG"), so a foreign database is refused.
APPLICATION_ID = 0x4C475247
BUSY_TIMEOUT_S = 30.0

#: Phụ lục IV columns, in the decree's order and wording.
HEADINGS = (
    "Số, ký hiệu văn bản",
    "Ngày tháng văn bản",
    "Tên loại và trích yếu nội dung văn bản",
    "Người ký",
    "Nơi nhận văn bản",
    "Đơn vị, người nhận bản lưu",
    "Số lượng bản",
    "Ngày chuyển",
    "Ký nhận",
    "Ghi chú",
)
TITLE = "SỔ ĐĂNG KÝ VĂN BẢN ĐI"
RESERVED_NOTE = "cấp ngoài phần mềm"

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
    created_at    TEXT    NOT NULL           -- UTC, for the audit trail
);
CREATE UNIQUE INDEX letters_number ON letters (agency, year, number);
CREATE UNIQUE INDEX letters_current_key ON letters (key) WHERE superseded_by IS NULL;
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
        """Tên loại và trích yếu: ``Công văn V/v ...``."""
        return " ".join(part for part in (self.kind_label, self.subject) if part)

    @property
    def remarks(self) -> str:
        """Ghi chú as exported; a reservation says its numbers were given by hand."""
        if self.reservation:
            return "; ".join(p for p in (RESERVED_NOTE, self.note) if p)
        return self.note or ""


class Register:
    """The outgoing register (sổ đăng ký văn bản đi) in the SQLite file ``path``.

    Opens the file or creates it (and its folder). Use as a context manager or call
    :meth:`close`.
    """

    def __init__(self, path: Path, *, must_exist: bool = False) -> None:
        self.path = Path(path)
        if must_exist and not self.path.exists():
            raise RegisterError(
                f"{self.path}: there is no register here (it is created by the first --issue);"
                " give its path with --register"
            )
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise RegisterError(
                f"{self.path.parent}: cannot create the register's folder ({err.strerror})"
            ) from err
        try:
            # isolation_level=None: we issue BEGIN/COMMIT ourselves (the module's implicit
            # transactions would start a deferred one, which can deadlock under contention).
            self._conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        except sqlite3.Error as err:
            raise RegisterError(f"{self.path}: cannot open the register ({err})") from err
        try:
            self._conn.row_factory = sqlite3.Row
            self._conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            self._prepare()
        except BaseException:
            self._conn.close()
            raise

    def __enter__(self) -> Register:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the database connection."""
        self._conn.close()

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
        outcomes: list[IssuedLetter | RegisterError] = []
        with self._write("issue numbers"):
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
        with self._write("issue numbers"):
            yield IssuingTransaction(self)

    def _issue_locked(self, request: IssueRequest, reissue: bool) -> IssuedLetter:
        """:meth:`issue` inside a write transaction already held."""
        current = self._conn.execute(
            "SELECT * FROM letters WHERE key = ? AND superseded_by IS NULL", (request.key,)
        ).fetchone()
        if current is not None and current["content_hash"] == request.content_hash:
            return _letter(current, new=False)
        note = request.note
        if current is not None:
            old = number_and_symbol(current["number"], current["symbol"])
            old_date = date.fromisoformat(current["date"])
            if not reissue:
                raise RegisterError(
                    f"Letter {request.key!r} was already issued as số {old} on "
                    f"{short_date(old_date)}, and its content has changed since. A number is "
                    "given only once: to issue a replacement under a new number, run again "
                    "with --reissue; otherwise restore the letter's content."
                )
            note = _join(note, f"thay thế văn bản số {old} ngày {short_date(old_date)}")
        latest = self._conn.execute(
            "SELECT number, symbol, date FROM letters WHERE agency = ? AND year = ? ORDER BY date DESC, number DESC LIMIT 1",
            (request.agency, request.year),
        ).fetchone()
        if latest is not None and date.fromisoformat(latest["date"]) > request.date:
            # Numbers follow the order of issue: a later number cannot carry an earlier date.
            raise RegisterError(
                f"số {number_and_symbol(latest['number'], latest['symbol'])} was already issued on "
                f"{short_date(date.fromisoformat(latest['date']))}; a new letter cannot be dated "
                f"{short_date(request.date)}, before it: issue it with that date or later"
            )
        number = self._next_number(request.agency, request.year)
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
        if upto < 1:
            raise RegisterError(
                f"Reserve: the last number given outside the software must be 1 or more, got {upto}"
            )
        with self._write("reserve numbers"):
            first = self._next_number(agency, year)
            if upto < first:
                return None
            self._conn.execute(
                "INSERT INTO reservations (agency, year, first, upto, note, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (agency, year, first, upto, note, _now()),
            )
            return Reservation(agency, year, first, upto, note)

    def next_number(self, agency: str, year: int) -> int:
        """The number the next letter of ``agency`` in ``year`` would get (for previews)."""
        with self._guard("read the register"):
            return self._next_number(agency, year)

    # -- reading ---------------------------------------------------------------------

    def find(self, key: str) -> IssuedLetter | None:
        """The current (not superseded) letter issued under ``key``, if any."""
        with self._guard("read the register"):
            row = self._conn.execute(
                "SELECT * FROM letters WHERE key = ? AND superseded_by IS NULL", (key,)
            ).fetchone()
        return None if row is None else _letter(row, new=False)

    def entries(self, year: int | None = None, agency: str | None = None) -> list[RegisterEntry]:
        """Every line of the register in (year, agency, number) order, superseded letters
        and reservations included, optionally for one year and/or one agency."""
        where, params = _filter(year, agency)
        with self._guard("read the register"):
            letters = self._conn.execute(f"SELECT * FROM letters{where}", params).fetchall()
            reserved = self._conn.execute(f"SELECT * FROM reservations{where}", params).fetchall()
        lines = [_entry_of_letter(row) for row in letters]
        lines += [_entry_of_reservation(row) for row in reserved]
        lines.sort(key=lambda e: (e.year, e.agency, e.number))
        return lines

    # -- export (Phụ lục IV) ---------------------------------------------------------------

    def export_csv(self, path: Path, year: int | None = None, agency: str | None = None) -> None:
        """Write the register as CSV with the Phụ lục IV headings (UTF-8 with BOM for Excel)."""
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(HEADINGS)
        for entry in self.entries(year, agency):
            writer.writerow(
                "" if v is None else short_date(v) if isinstance(v, date) else str(v)
                for v in _cells(entry)
            )
        write_bytes_atomic(Path(path), buffer.getvalue().encode("utf-8-sig"))

    def export_xlsx(self, path: Path, year: int | None = None, agency: str | None = None) -> None:
        """Write the register as an xlsx workbook ready to print and bind: one sheet per
        agency and year, landscape A4, headings repeated on every page, Times New Roman."""
        entries = self.entries(year, agency)
        groups: dict[tuple[int | None, str | None], list[RegisterEntry]] = {}
        for entry in entries:
            groups.setdefault((entry.year, entry.agency), []).append(entry)
        if not groups:  # an empty register still prints its headings
            groups[(year, agency)] = []
        sheets = [(y, a, [_cells(e) for e in group]) for (y, a), group in groups.items()]
        write_bytes_atomic(Path(path), _workbook(sheets))

    # -- internals -------------------------------------------------------------------------

    def _prepare(self) -> None:
        """Refuse a file that is not a register, then create the schema if the file is new."""
        with self._guard("open the register"):
            state = self._identify()
            self._use_wal()  # only after _identify: a foreign database is never converted
            if state == "new":
                with self._write("create the register"):
                    if self._identify() == "new":  # another process may have won the race
                        # One statement at a time: executescript() would commit mid-way.
                        for statement in _SCHEMA.split(";"):
                            if statement.strip():
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
            raise RegisterError(
                f"{self.path}: this SQLite database is not a letter register; "
                "give the path of a register file (or of a new file to create one)"
            )
        # (Migrations from older versions will go here once there is a version 2.)
        if version > SCHEMA_VERSION:
            raise RegisterError(
                f"{self.path}: the register was written by a newer letter_gen (format "
                f"version {version}; this one reads version {SCHEMA_VERSION}). Update letter_gen."
            )
        return "ours"

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
            if "not a database" in text:
                raise RegisterError(
                    f"{self.path}: not a letter register (not an SQLite database)"
                ) from err
            if "locked" in text or "busy" in text:
                raise RegisterError(
                    f"{self.path}: cannot {action}: another letter-gen kept the register "
                    f"locked (waited up to {BUSY_TIMEOUT_S:.0f} s); try again"
                ) from err
            raise RegisterError(f"{self.path}: cannot {action} ({text})") from err

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

    def undo(self) -> None:
        """Give back every number the last :meth:`issue_many` took."""
        self._register._conn.execute("ROLLBACK TO attempt")
        self._register._conn.execute("RELEASE attempt")


def _check_sequence(agency: str, year: int) -> None:
    if not agency.strip():
        raise RegisterError("Register: the agency code (mã cơ quan, e.g. SKHCN) is empty")
    if not 1900 <= year <= 9999:
        raise RegisterError(f"Register: the year must be a four-digit year, got {year}")


def _check_request(request: IssueRequest) -> None:
    _check_sequence(request.agency, request.year)
    for name in ("key", "symbol", "content_hash"):
        if not getattr(request, name).strip():
            raise RegisterError(f"Register: the letter's {name} is empty")
    if request.date.year != request.year:
        # Điều 15: the number belongs to the sequence of the year the letter is issued in.
        raise RegisterError(
            f"Register: a letter dated {short_date(request.date)} belongs to the "
            f"{request.date.year} sequence, not {request.year}"
        )
    if request.copies is not None and request.copies < 1:
        raise RegisterError(f"Register: the number of copies must be 1 or more, got {request.copies}")


def _filter(year: int | None, agency: str | None) -> tuple[str, list[object]]:
    clauses: list[str] = []
    params: list[object] = []
    if year is not None:
        clauses.append("year = ?")
        params.append(year)
    if agency is not None:
        clauses.append("agency = ?")
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


def _cells(entry: RegisterEntry) -> tuple[str | date | int | None, ...]:
    """The ten Phụ lục IV cells of one line; ngày chuyển and ký nhận are filled by hand."""
    return (entry.number_text, entry.date, entry.title, entry.signer, entry.recipients,
            entry.archive, entry.copies, None, None, entry.remarks)


def _join(*parts: str | None) -> str | None:
    text = "; ".join(p for p in parts if p)
    return text or None


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


_Sheet = tuple[int | None, str | None, list[tuple[str | date | int | None, ...]]]
#: Column widths in characters, in HEADINGS order; about 190 in all, fitted to A4 landscape.
_WIDTHS = (16, 12, 42, 18, 30, 18, 8, 11, 12, 24)


def _workbook(sheets: list[_Sheet]) -> bytes:
    """The register as xlsx bytes: one printable sheet per (year, agency)."""
    from openpyxl import Workbook  # imported here: keeps CLI start-up fast
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    font, bold = Font(name="Times New Roman", size=12), Font(name="Times New Roman", size=12, bold=True)
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="top")
    centre = Alignment(wrap_text=True, horizontal="center", vertical="center")
    book = Workbook()
    for blank in list(book.worksheets):
        book.remove(blank)
    for year, agency, rows in sheets:
        name = " ".join(str(p) for p in (agency, year) if p is not None) or "So di"
        sheet = book.create_sheet(title="".join("-" if c in "[]:*?/\\" else c for c in name)[:31])
        last = get_column_letter(len(HEADINGS))
        subtitle = " — ".join(p for p in (
            f"Cơ quan: {agency}" if agency else "", f"Năm {year}" if year else "") if p)
        for row, text, style in ((1, TITLE, Font(name="Times New Roman", size=14, bold=True)),
                                 (2, subtitle, Font(name="Times New Roman", size=12, italic=True))):
            sheet.merge_cells(f"A{row}:{last}{row}")
            cell = sheet.cell(row=row, column=1, value=text or None)
            cell.font, cell.alignment = style, Alignment(horizontal="center")
        for col, (heading, width) in enumerate(zip(HEADINGS, _WIDTHS), start=1):
            cell = sheet.cell(row=3, column=col, value=heading)
            cell.font, cell.alignment, cell.border = bold, centre, box
            sheet.column_dimensions[get_column_letter(col)].width = width
        for r, values in enumerate(rows, start=4):
            for col, value in enumerate(values, start=1):
                cell = sheet.cell(row=r, column=col, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"  # a recipient "=..." is text, never a formula
                cell.font, cell.alignment, cell.border = font, wrap, box
                if isinstance(value, date):
                    cell.number_format = "dd/mm/yyyy"
        sheet.freeze_panes = "A4"
        sheet.print_title_rows = "3:3"  # headings on every printed page
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
        sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        # Wider left margin (inches) leaves room to bind the printed book.
        sheet.page_margins.left, sheet.page_margins.right = 1.0, 0.5
        sheet.print_options.horizontalCentered = True
        sheet.oddFooter.center.text = "Trang &P/&N"  # numbered pages for the bound book
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
