"""Tracked items in the register's SQLite file: recorded when letters are issued, changed
only with a history row each (when, field, old, new, from which file and its sha256).

The tables are the register's (schema version 3, created and migrated with it), so tracked
items share its guarantees: one ``BEGIN IMMEDIATE`` transaction per change set, committed
whole or not at all, WAL, quick_check before use, and ``register backup`` copies them too.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from letter_gen.errors import RegisterError
from letter_gen.i18n import _
from letter_gen.inputs.limits import NONE as NO_LIMITS
from letter_gen.inputs.model import InspectionRound
from letter_gen.letters.compose import LetterContent
from letter_gen.register.store import Register
from letter_gen.tracking.items import NOT_STARTED, PeriodLike, TrackedItem, UnitsByName, asked_in, round_key


@dataclass(frozen=True)
class Issued:
    """A letter as issued (with its number and date), the round and the input file it came from."""

    input_name: str
    round_: InspectionRound
    content: LetterContent


def record_issued(conn: sqlite3.Connection, letters: Iterable[Issued], units: UnitsByName | None = None) -> None:
    """Track what each issued follow-up letter asks (inside the transaction that numbered it).

    Idempotent: a letter recorded before adds nothing. An item keeps the letter addressed to
    its unit alone (per-unit) over the consolidated one; a letter reissued under a new number
    becomes its source, with a history row. ``units``: the batch's index of its rounds' units.
    """
    now = _now()
    recorded: set[str] = set()  # a round is kept once, not once per letter (3,000 letters, one round)
    for letter in letters:
        content = letter.content
        if content.kind != "follow-up" or content.number is None or content.date is None:
            continue
        key = round_key(letter.round_, letter.input_name)
        if key not in recorded:
            _record_round(conn, key, letter.round_)
            recorded.add(key)
        source = _("letter {number}/{symbol} {date}").format(number=f"{content.number:02d}", symbol=content.symbol,
                                                            date=content.date.isoformat())
        for asked in asked_in(letter.round_, letter.input_name, content, units):
            row = conn.execute("SELECT * FROM tracked_items WHERE ref = ?", (asked.ref,)).fetchone()
            letter_values = {"letter_number": content.number, "letter_symbol": content.symbol,
                             "letter_date": content.date.isoformat(), "letter_mode": content.mode}
            if row is None:
                cursor = conn.execute(
                    "INSERT INTO tracked_items (ref, round_key, agency, unit, code, text, deadline, letter_number,"
                    " letter_symbol, letter_date, letter_mode, status, created_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (asked.ref, key, letter.round_.agency.code.upper(), asked.unit, asked.code, asked.text,
                     _iso(asked.deadline), content.number, content.symbol, content.date.isoformat(),
                     content.mode, NOT_STARTED, now),
                )
                _history(conn, int(cursor.lastrowid or 0), now, "created", None, asked.text, source, None)
                continue
            changes: dict[str, Any] = {"text": asked.text, "deadline": _iso(asked.deadline), "code": asked.code}
            keeps_per_unit = row["letter_mode"] == "per-unit" and content.mode == "consolidated"
            if not keeps_per_unit and row["letter_number"] != content.number or row["letter_mode"] == "consolidated" and content.mode == "per-unit":
                changes.update(letter_values)
            _update(conn, row, changes, now, source, None)


def _record_round(conn: sqlite3.Connection, key: str, round_: InspectionRound) -> None:
    data = json.dumps(round_.model_dump(mode="json", by_alias=True), ensure_ascii=False, sort_keys=True)
    first, last = round_.period.months
    conn.execute(
        "INSERT INTO tracked_rounds (key, agency, year, first_month, last_month, data) VALUES (?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (key) DO UPDATE SET data = excluded.data",
        (key, round_.agency.code.upper(), round_.period.year, first, last, data),
    )


def _update(conn: sqlite3.Connection, row: sqlite3.Row, changes: dict[str, Any], at: str, source: str,
            sha256: str | None) -> list[tuple[str, Any, Any]]:
    """Set the fields of ``changes`` that differ, each with its history row; the changes made."""
    made = [(f, row[f], v) for f, v in changes.items() if row[f] != v]
    for field, old, new in made:
        conn.execute(f"UPDATE tracked_items SET {field} = ? WHERE id = ?", (new, row["id"]))  # noqa: S608 (our names)
        _history(conn, row["id"], at, field, old, new, source, sha256)
    return made


def _history(conn: sqlite3.Connection, item_id: int, at: str, field: str, old: Any, new: Any, source: str,
             sha256: str | None) -> None:
    conn.execute(
        "INSERT INTO item_history (item_id, at, field, old, new, source, source_sha256) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (item_id, at, field, None if old is None else str(old), None if new is None else str(new), source, sha256),
    )


# --- status changes (from a unit's workbook) ---------------------------------------------


@dataclass(frozen=True)
class StatusUpdate:
    """What a workbook row says of one item: the status fields it gives, and the row."""

    ref: str
    values: dict[str, Any]  #: field (of STATUS_FIELDS) → new value (ISO text for dates)
    where: str  #: ``sheet "…", row 5``, for messages


@dataclass(frozen=True)
class Change:
    """One field changed by an import, for the report of what changed."""

    ref: str
    unit: str
    field: str
    old: str | None
    new: str | None
    where: str


def apply_updates(register: Register, updates: list[StatusUpdate], source: str, sha256: str,
                  between_rows: Any = None) -> list[Change]:
    """Apply a workbook's status rows in ONE transaction: all of its changes or none.

    Unknown items are refused (nothing is applied); a row equal to the stored item changes
    nothing and records nothing, so importing the same file twice changes nothing.
    ``between_rows`` is called after each row (tests interrupt the import there).
    """
    made: list[Change] = []
    at = _now()
    with register.tables(_("record the status"), write=True) as conn:
        for update in updates:
            if conn.execute("SELECT 1 FROM tracked_items WHERE ref = ?", (update.ref,)).fetchone() is None:
                raise RegisterError(
                    _("{source}: {where}: item {ref} is not a tracked item of this register; nothing was imported"
                      " (export a new workbook with letter-gen track export)").format(
                        source=source, where=update.where, ref=update.ref))
        for update in updates:
            row = conn.execute("SELECT * FROM tracked_items WHERE ref = ?", (update.ref,)).fetchone()
            for field, old, new in _update(conn, row, update.values, at, source, sha256):
                made.append(Change(update.ref, row["unit"], field, old, new, update.where))
            if between_rows is not None:
                between_rows(update)
    return made


# --- reading ------------------------------------------------------------------------------


def tracked_items(register: Register, *, period: PeriodLike | None = None, unit: str | None = None,
                  agency: str | None = None, as_of: dt.date | None = None) -> list[TrackedItem]:
    """The tracked items (of rounds inside ``period``, of ``unit``), in (period, unit, letter)
    order; ``due`` is the deadline in force on ``as_of`` (a reminder issued before it moved it)."""
    where: list[str] = ["1 = 1"]
    params: list[object] = []
    if period is not None:
        where.append("r.year = ? AND r.first_month >= ? AND r.last_month <= ?")
        params += [period.year, period.first_month, period.last_month]
    if unit is not None:
        where.append("i.unit = ?")
        params.append(unit)
    if agency is not None:
        where.append("i.agency = upper(?)")
        params.append(agency)
    day = (as_of or dt.date.today()).isoformat()
    with register.tables(_("read the tracked items")) as conn:
        rows = conn.execute(
            "SELECT i.*, r.year AS period_year, r.last_month AS period_last_month,"
            " (SELECT max(m.new_deadline) FROM item_reminders m WHERE m.item_id = i.id AND m.as_of < ?) AS extended"
            f" FROM tracked_items i JOIN tracked_rounds r ON r.key = i.round_key WHERE {' AND '.join(where)}"
            " ORDER BY r.year, r.last_month, i.agency, i.unit, i.letter_date, i.letter_number, i.id",
            [day, *params],
        ).fetchall()
    return [_item(row) for row in rows]


def history(register: Register, ref: str | None = None) -> list[dict[str, Any]]:
    """The history rows (of one item), oldest first."""
    with register.tables(_("read the history")) as conn:
        rows = conn.execute(
            "SELECT i.ref, h.at, h.field, h.old, h.new, h.source, h.source_sha256 FROM item_history h"
            " JOIN tracked_items i ON i.id = h.item_id" + (" WHERE i.ref = ?" if ref else "") + " ORDER BY h.id",
            (ref,) if ref else (),
        ).fetchall()
    return [dict(row) for row in rows]


def round_of(register: Register, key: str) -> InspectionRound:
    """The round an item came from, as it was when its letter was issued."""
    with register.tables(_("read the tracked rounds")) as conn:
        row = conn.execute("SELECT data FROM tracked_rounds WHERE key = ?", (key,)).fetchone()
    if row is None:
        raise RegisterError(_("{path}: the register does not hold the inspection round {key!r} its tracked items"
                              " came from (damaged?); restore it from a backup (letter-gen register backup)").format(
            path=register.path, key=key))
    try:
        # Checked when its letter was issued, under the limits in force then: not again.
        return InspectionRound.model_validate(json.loads(row["data"]), context={"limits": NO_LIMITS})
    except ValueError as err:  # pydantic's ValidationError is one
        raise RegisterError(_("{path}: the inspection round {key!r} kept with its tracked items cannot be read"
                              " (damaged?); restore the register from a backup (letter-gen register backup)").format(
            path=register.path, key=key)) from err


def _item(row: sqlite3.Row) -> TrackedItem:
    deadline = _date(row["deadline"])
    extended = _date(row["extended"])
    return TrackedItem(
        ref=row["ref"], round_key=row["round_key"], agency=row["agency"], unit=row["unit"], code=row["code"],
        text=row["text"], deadline=deadline, letter_number=row["letter_number"], letter_symbol=row["letter_symbol"],
        letter_date=dt.date.fromisoformat(row["letter_date"]), status=row["status"], done_on=_date(row["done_on"]),
        evidence=row["evidence"], evidence_date=_date(row["evidence_date"]), reason=row["reason"], note=row["note"],
        due=extended or deadline, period_year=row["period_year"], period_last_month=row["period_last_month"],
    )


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _now() -> str:
    return datetime.now(dt.UTC).isoformat(timespec="seconds")

