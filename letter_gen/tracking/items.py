"""Tracked items: what each issued follow-up letter asks of each unit, and their status."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Protocol

from letter_gen import vn
from letter_gen.inputs.model import Action, InspectionRound, Unit
from letter_gen.letters.compose import Carried, LetterContent

#: The status values (tình trạng), exactly as the issue writes them.
NOT_STARTED = "chưa thực hiện"
IN_PROGRESS = "đang thực hiện"
DONE = "đã hoàn thành"
NOT_DONE = "không thực hiện"
STATUSES = (NOT_STARTED, IN_PROGRESS, DONE, NOT_DONE)
#: Items still asked of the unit: they are reminded, listed and carried forward.
OPEN = (NOT_STARTED, IN_PROGRESS)

#: The fields a unit's status report may change, as the history names them.
STATUS_FIELDS = ("status", "done_on", "evidence", "evidence_date", "reason", "note")


class PeriodLike(Protocol):
    """A reporting period asked for on the command line (``2021-Q2``): its year and months."""

    @property
    def year(self) -> int: ...
    @property
    def first_month(self) -> int: ...
    @property
    def last_month(self) -> int: ...


@dataclass(frozen=True)
class Asked:
    """One action a follow-up letter asks of one unit, before it is stored."""

    ref: str
    unit: str
    code: str | None
    text: str
    deadline: dt.date | None


@dataclass(frozen=True)
class TrackedItem:
    """A tracked item as stored: what was asked, by which letter, and where it stands."""

    ref: str  #: the stable identity (Mã theo dõi), e.g. ``T3F9A2C1B07``
    round_key: str
    agency: str
    unit: str
    code: str | None  #: the clerk's own id, if the input gave one
    text: str
    deadline: dt.date | None  #: hạn khắc phục
    letter_number: int
    letter_symbol: str
    letter_date: dt.date
    status: str
    done_on: dt.date | None = None
    evidence: str | None = None  #: the unit's report (số)
    evidence_date: dt.date | None = None
    reason: str | None = None
    note: str | None = None
    due: dt.date | None = None  #: the deadline in force: the last reminder's, else ``deadline``
    period_year: int = 0
    period_last_month: int = 12

    @property
    def open(self) -> bool:
        return self.status in OPEN

    @property
    def letter_text(self) -> str:
        """``05/SKHCN-TTr``."""
        return f"{vn.format_number(self.letter_number)}/{self.letter_symbol}"

    @property
    def source(self) -> str:
        """The letter that asked for it, as a letter cites it: ``Công văn số 05/SKHCN-TTr ngày 05/03/2021``."""
        return f"Công văn số {self.letter_text} ngày {vn.short_date(self.letter_date)}"

    def overdue(self, as_of: dt.date) -> bool:
        """Still open and past the deadline in force on ``as_of``."""
        return self.open and self.due is not None and self.due < as_of


def round_key(round_: InspectionRound, input_name: str) -> str:
    """The round's identity as the register's letter keys have it (agency, period, plan, file stem)."""
    stem = input_name.rsplit(".", 1)[0]
    return "|".join((round_.agency.code.upper(), round_.period.label, round_.inspection.plan.number, stem))


def item_ref(key: str, unit: str, code: str | None, text: str) -> str:
    """The stable identity of an action asked of a unit: from the clerk's code when given,
    else from the text; the same in YAML, JSON and Excel, and across runs."""
    said = f"id:{code}" if code else f"text:{vn.nfc(text).strip()}"
    digest = hashlib.sha256(f"{key}\n{vn.nfc(unit)}\n{said}".encode()).hexdigest()
    return "T" + digest[:10].upper()


def asked_in(round_: InspectionRound, input_name: str, content: LetterContent, units: UnitsByName | None = None) -> list[Asked]:
    """The actions an issued follow-up letter asks, one per unit it asks them of: the general
    requirements and the unit's own actions (a consolidated letter asks every unit of the round).
    ``units``: the caller's index of the round's units, so a batch finds each letter's unit at once."""
    if content.kind != "follow-up":
        return []
    key = round_key(round_, input_name)
    if content.unit is None:
        units_asked = list(round_.units)
    elif units is not None:
        units_asked = [units.of(round_)[content.unit]]
    else:
        units_asked = [u for u in round_.units if u.name == content.unit][:1]
    asked: list[Asked] = []
    for unit in units_asked:
        for item in (*round_.requirements, *unit.actions):
            code = item.id if isinstance(item, Action) else None
            text = item.text if isinstance(item, Action) else item
            own = item.deadline if isinstance(item, Action) else None
            asked.append(Asked(item_ref(key, unit.name, code, text), unit.name, code, text,
                               own or round_.inspection.deadline))
    return asked


class UnitsByName:
    """The units (đơn vị) of the round being issued, by name: built once per round, not once per
    letter (a 3,000-unit round gives 3,000 per-unit letters). Owned by the caller for one batch
    (its letter writer): it holds the last round only while that batch runs."""

    def __init__(self) -> None:
        self._round: InspectionRound | None = None
        self._units: dict[str, Unit] = {}

    def of(self, round_: InspectionRound) -> dict[str, Unit]:
        """``round_``'s units by name."""
        if self._round is not round_:
            self._round, self._units = round_, {u.name: u for u in round_.units}
        return self._units


def carried_into(items: list[TrackedItem], round_: InspectionRound, input_name: str) -> tuple[Carried, ...]:
    """The items still open from the agency's earlier periods, to carry into ``round_``'s letters."""
    key = round_key(round_, input_name)
    first = (round_.period.year, round_.period.months[0])
    return tuple(
        Carried(i.unit, i.text, i.source, i.due)
        for i in items
        if i.open and i.round_key != key and i.agency == round_.agency.code.upper()
        and (i.period_year, i.period_last_month) < first
    )
