"""Reminders (công văn đôn đốc): one letter per unit with open items past their deadline.

A reminder cites the follow-up letters that asked (số, ngày), lists only the open items
with their deadlines, and sets a new deadline. Its content is a :class:`LetterContent` of
kind ``reminder`` (a công văn, laid out like any other); the items it covered and the new
deadline are recorded when it is issued, inside the transaction that numbers it.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass, replace

from letter_gen import vn
from letter_gen.inputs.model import InspectionRound
from letter_gen.letters.compose import LetterContent, Paragraph, compose
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
    """Công văn đôn đốc: the letters that asked, the open items with their deadlines, the new deadline."""
    round_, unit, agency = reminder.round_, reminder.unit, reminder.round_.agency
    base = compose(round_, "consolidated")
    sources = list(dict.fromkeys(i.source for i in reminder.items))
    plan = round_.inspection.plan
    body = [
        Paragraph(
            f"Thực hiện {plan.kind} số {plan.number} ngày {vn.short_date(plan.date)} của {plan.issuer}"
            f" về {plan.title}, {agency.name} đã ban hành {'; '.join(sources)} đề nghị {unit} khắc phục"
            f" các tồn tại, hạn chế sau kiểm tra {round_.inspection.field} và báo cáo kết quả."
        ),
        Paragraph(
            f"Đến ngày {vn.short_date(reminder.as_of)}, {unit} chưa hoàn thành các nội dung sau"
            " dù đã quá thời hạn khắc phục:"
        ),
        *(Paragraph(_line(item, len(sources) > 1)) for item in reminder.items),
        Paragraph(vn.body_end(
            f"{agency.name} đề nghị {unit} khẩn trương thực hiện các nội dung nêu trên và báo cáo kết quả"
            f" khắc phục (kèm theo minh chứng) về {agency.name} trước ngày {vn.short_date(reminder.new_deadline)}"
        )),
    ]
    subject = f"đôn đốc khắc phục tồn tại, hạn chế sau kiểm tra {round_.inspection.field}"
    year = reminder.as_of.year
    return replace(
        base, kind="reminder", mode="per-unit", unit=unit, number=None, date=None, year=year,
        number_line=vn.number_line(None, base.symbol), place_date=vn.place_date_line(agency.place, None, year),
        subject=subject, subject_line=f"V/v {subject}", recipients=(unit,),
        kinh_gui_single=vn.kinh_gui_lines([unit])[0], kinh_gui_lines=(), body=tuple(body),
    )


def _line(item: TrackedItem, cite: bool) -> str:
    due = f"hạn khắc phục: {vn.short_date(item.due)}" if item.due else ""
    source = f"theo {item.source}" if cite else ""
    return f"- {vn.without_final_punctuation(item.text)} ({'; '.join(p for p in (due, source) if p)});"


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
