"""Reminders (công văn đôn đốc): one letter per unit with open items past their deadline.

A reminder cites the follow-up letter that asked (số, ngày), lists only the open items
with their deadlines, and sets a new deadline. Its content is the ``reminder`` kind's
(:func:`letter_gen.letters.compose_kinds.reminder`, a công văn), composed from the round the
follow-up letter came from; the items it covered and the new
deadline are recorded when it is issued, inside the transaction that numbers it.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass, replace

from letter_gen import vn
from letter_gen.inputs.model import FollowUpLetter, InspectionRound, OpenItem
from letter_gen.inputs.model import Reminder as ReminderSection
from letter_gen.letters.compose import LetterContent
from letter_gen.letters.compose_kinds import reminder as compose_reminder
from letter_gen.register.store import Register
from letter_gen.tracking.items import TrackedItem
from letter_gen.tracking.store import round_of, tracked_items

#: Days from the reminder's day to the new deadline it sets, unless one is given.
NEW_DEADLINE_DAYS = 15


@dataclass(frozen=True)
class Reminder:
    """One unit's reminder: its overdue items, the round that gives the letter's header, the
    day it looks at and the new deadline it sets."""

    unit: str
    round_key: str
    round_: InspectionRound
    items: tuple[TrackedItem, ...]
    as_of: dt.date
    new_deadline: dt.date

    @property
    def source_stem(self) -> str:
        """What the reminder's letter key has for an input file: one reminder per unit and day."""
        return f"don-doc-{self.as_of.isoformat()}"

    def content(self) -> LetterContent:
        """The reminder as a draft letter."""
        return reminder_content(self)


def reminders_due(register: Register, as_of: dt.date, *, new_deadline: dt.date | None = None,
                  agency: str | None = None) -> list[Reminder]:
    """A reminder for each unit (of each agency) with open items past their deadline on ``as_of``;
    a unit with nothing overdue gets none."""
    overdue = [i for i in tracked_items(register, agency=agency, as_of=as_of) if i.overdue(as_of)]
    groups: dict[tuple[str, str], list[TrackedItem]] = {}
    for item in overdue:
        groups.setdefault((item.agency, item.unit), []).append(item)
    reminders = []
    for (_agency, unit), items in groups.items():
        latest = max(items, key=lambda i: (i.period_year, i.period_last_month, i.letter_date))
        reminders.append(Reminder(unit, latest.round_key, round_of(register, latest.round_key), tuple(items), as_of,
                                  new_deadline or as_of + dt.timedelta(days=NEW_DEADLINE_DAYS)))
    return reminders


def reminder_content(reminder: Reminder) -> LetterContent:
    """Công văn đôn đốc, in the ``reminder`` kind's form: the follow-up letter that asked (số, ngày),
    the open items with the deadlines in force, the new deadline."""
    round_, unit = reminder.round_, reminder.unit
    items = sorted(reminder.items, key=lambda i: (i.letter_date, i.letter_number))
    latest = items[-1]
    section = ReminderSection(
        subject=f"đôn đốc khắc phục tồn tại, hạn chế sau kiểm tra {round_.inspection.field} {round_.period.label}",
        follow_up=FollowUpLetter(number=latest.letter_text, date=latest.letter_date),
        open_items=[OpenItem(unit=unit, text=_text(i, latest), deadline=i.due) for i in items],
        new_deadline=reminder.new_deadline,
    )
    reminding = round_.model_copy(update={"letter": round_.letter.model_copy(update={"kind": "reminder"}),
                                          "reminder": section})
    index = next(n for n, u in enumerate(round_.units) if u.name == unit)
    content = compose_reminder(reminding, "per-unit", index)
    year = reminder.as_of.year
    return replace(content, number=None, date=None, year=year, number_line=vn.number_line(None, content.symbol),
                   place_date=vn.place_date_line(round_.agency.place, None, year))


def _text(item: TrackedItem, latest: TrackedItem) -> str:
    """The item as asked; one asked by another letter than the one the reminder cites says which."""
    text = vn.without_final_punctuation(item.text)
    return text if item.letter_text == latest.letter_text else f"{text} (theo {item.source})"


def record_reminder(conn: sqlite3.Connection, reminder: Reminder, content: LetterContent, letter_key: str) -> None:
    """Note on each item that the issued reminder ``content`` asked again, by a new deadline
    (the deadline in force from the day after ``as_of``); idempotent."""
    assert content.number is not None and content.date is not None
    text = f"{vn.format_number(content.number)}/{content.symbol} {content.date.isoformat()}"
    for item in reminder.items:
        row = conn.execute("SELECT id FROM tracked_items WHERE ref = ?", (item.ref,)).fetchone()
        added = conn.execute(
            "INSERT OR IGNORE INTO item_reminders (item_id, as_of, letter_key, letter_number, letter_symbol,"
            " letter_date, new_deadline) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (row["id"], reminder.as_of.isoformat(), letter_key, content.number, content.symbol,
             content.date.isoformat(), reminder.new_deadline.isoformat()),
        ).rowcount
        if added:
            conn.execute(
                "INSERT INTO item_history (item_id, at, field, old, new, source, source_sha256)"
                " VALUES (?, ?, 'reminder', ?, ?, ?, NULL)",
                (row["id"], dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), item.due.isoformat() if item.due else None, reminder.new_deadline.isoformat(),
                 f"công văn đôn đốc {text}"),
            )
