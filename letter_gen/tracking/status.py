"""The ``track`` commands' library side: export, import and list tracked items."""

from __future__ import annotations

import datetime as dt
import difflib
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from letter_gen import vn
from letter_gen.errors import UsageError
from letter_gen.i18n import _
from letter_gen.register.store import Register
from letter_gen.tracking.items import PeriodLike, TrackedItem
from letter_gen.tracking.report import period_words
from letter_gen.tracking.store import Change, apply_updates, tracked_items
from letter_gen.tracking.workbook import COLUMNS, export_workbook, read_workbook


def export_status(register: Register, path: Path, *, period: PeriodLike, period_text: str,
                  unit: str | None = None, force: bool = False) -> int:
    """Write the open items of ``period`` (of one unit) to a status workbook; how many."""
    if path.suffix.lower() != ".xlsx":
        raise UsageError(_("{path}: the status workbook is an Excel file: give a name ending in .xlsx").format(path=path))
    unit = unit_named(register, unit)
    items = tracked_items(register, period=period, unit=unit)
    if unit is not None and not items:
        raise UsageError(_("--unit {unit!r}: no item was asked of this unit in {period} (check its full name,"
                           " as letter-gen track list shows it)").format(unit=unit, period=period_text))
    title = f"Theo dõi khắc phục sau kiểm tra {period_words(period)}" + (f", {unit}" if unit else "")
    return export_workbook(path, items, title=title, force=force)


@dataclass(frozen=True)
class ImportResult:
    """What an import changed (nothing when the same file is imported again)."""

    rows: int
    changes: list[Change]


def import_status(register: Register, path: Path, *, between_rows: Any = None, today: dt.date | None = None) -> ImportResult:
    """Read a filled status workbook and record its changes, all or none, each with history."""
    known = {item.ref: item for item in tracked_items(register)}
    updates, sha256 = read_workbook(path, known, today=today)
    changes = apply_updates(register, updates, str(path), sha256, between_rows=between_rows)
    return ImportResult(len(updates), changes)


def change_line(change: Change) -> str:
    """One change as the clerk reads it: code, unit, the workbook's column, old → new (dates dd/mm/yyyy)."""
    heading = next((h for h, field, _width in COLUMNS if field == change.field), change.field)

    def shown(value: str | None) -> str:
        if value and len(value) == 10 and value[4] == "-" and value[7] == "-":
            return dt.date.fromisoformat(value).strftime("%d/%m/%Y")
        return value or "-"

    return f"{change.ref}\t{change.unit}\t{heading}: {shown(change.old)} → {shown(change.new)}"


def list_items(register: Register, *, as_of: dt.date, overdue: bool = False, period: PeriodLike | None = None,
               unit: str | None = None) -> list[TrackedItem]:
    """The tracked items (only those overdue on ``as_of``)."""
    items = tracked_items(register, period=period, unit=unit_named(register, unit), as_of=as_of)
    return [i for i in items if i.overdue(as_of)] if overdue else items


def unit_named(register: Register, wanted: str | None) -> str | None:
    """The unit (tên đơn vị) a clerk names in ``--unit``, as the register holds it: in any case
    and spacing, or the start of its name when only one unit starts so. A name that matches no
    unit of the tracked items is refused with the closest names, never read as "no item"."""
    if wanted is None:
        return None
    units = sorted({item.unit for item in tracked_items(register)})
    key = _folded(wanted)
    exact = [u for u in units if _folded(u) == key]
    if len(exact) == 1:
        return exact[0]
    starting = [u for u in units if _folded(u).startswith(key)]
    if len(starting) == 1:
        return starting[0]
    if len(starting) > 1:
        raise UsageError(_("--unit {unit}: several units start so: {names}; give more of the name").format(
            unit=wanted, names="; ".join(starting)))
    bare = _folded(wanted, marks=False)
    folded = {_folded(u, marks=False): u for u in units}
    close = [u for f, u in folded.items() if f.startswith(bare)]
    close = close or [folded[f] for f in difflib.get_close_matches(bare, list(folded), n=3, cutoff=0.6)]
    if close:
        raise UsageError(_("--unit {unit}: no unit has tracked items under this name; did you mean: {names}?"
                           " The units: {units}").format(unit=wanted, names="; ".join(close), units="; ".join(units)))
    raise UsageError(_("--unit {unit}: no unit has tracked items under this name. The units: {units}").format(
        unit=wanted, units="; ".join(units) or "-"))


def _folded(text: str, *, marks: bool = True) -> str:
    """A unit name as names are compared: NFC, one space between words, any case; without accents
    when ``marks`` is false."""
    text = " ".join(unicodedata.normalize("NFC", text).split()).casefold()
    return text if marks else vn.without_marks(text)
