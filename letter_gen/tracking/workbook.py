"""The status workbook (bảng theo dõi khắc phục): open items out to the units, their status back.

:func:`export_workbook` writes one sheet per unit: the item's code (Mã theo dõi), what was
asked, the letter and the deadline, greyed and protected; then the columns a unit fills:
Tình trạng (a list), Ngày hoàn thành, the unit's report (số, ngày), Lý do, Ghi chú, with
real date cells. :func:`read_workbook` reads it back with the sheet, row and column of every
problem; unknown codes and impossible dates are refused before anything is recorded.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import warnings
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation

from letter_gen import vn
from letter_gen.errors import InputError
from letter_gen.fileio import DAMAGED_ZIP, GENERATOR, workbook_written_by_letter_gen, write_bytes_atomic
from letter_gen.i18n import _, ngettext, os_reason
from letter_gen.tracking.items import DONE, NOT_DONE, OPEN, STATUSES, TrackedItem
from letter_gen.tracking.store import StatusUpdate

#: (heading, status field or None for the columns letter_gen fills, width)
COLUMNS: tuple[tuple[str, str | None, int], ...] = (
    ("Mã theo dõi", None, 14),
    ("Nội dung yêu cầu khắc phục", None, 70),
    ("Công văn yêu cầu", None, 26),
    ("Hạn khắc phục", None, 14),
    ("Tình trạng", "status", 18),
    ("Ngày hoàn thành", "done_on", 14),
    ("Số báo cáo của đơn vị", "evidence", 20),
    ("Ngày báo cáo", "evidence_date", 14),
    ("Lý do không thực hiện", "reason", 30),
    ("Ghi chú", "note", 30),
)
LETTERS = "ABCDEFGHIJ"
#: Hidden columns K-P keep each unit column's value as exported: a cell a unit left as it was
#: changes nothing on import, so a workbook filled by one unit (every sheet in it, exported
#: before another unit's answers were imported) does not set those answers back.
AS_EXPORTED_HEADING = "Giá trị khi xuất"
_UNIT_FIELDS = tuple(field for _heading, field, _width in COLUMNS if field is not None)
HEADING_ROW = 3  #: row 1 the unit, row 2 a hint, row 3 the headings, items from row 4
GUIDE_SHEET = "Hướng dẫn"
DATE_FORMAT = "dd/mm/yyyy"
_DATE_FIELDS = ("done_on", "evidence_date")
_GREY = PatternFill("solid", fgColor="E7E6E6")
_FILL = PatternFill("solid", fgColor="FFF2CC")
_WRAP = Alignment(wrap_text=True, vertical="top")


def export_workbook(path: Path, items: list[TrackedItem], *, title: str, force: bool = False) -> int:
    """Write the open ``items`` to ``path``, one sheet per unit; the number of items written.
    A workbook a clerk has saved is not replaced without ``force``."""
    book = Workbook()
    guide = book.active
    assert guide is not None
    guide.title = GUIDE_SHEET
    for row, line in enumerate((
        title,
        "Mỗi trang tính là một đơn vị. Các cột màu xám do phần mềm ghi: không sửa.",
        f"Đơn vị điền các cột màu vàng: Tình trạng ({', '.join(STATUSES)}), Ngày hoàn thành,"
        " Số và Ngày báo cáo của đơn vị, Lý do (bắt buộc khi không thực hiện), Ghi chú.",
        "Ngày ghi theo dạng dd/mm/yyyy. Nhập lại bằng: letter-gen track import TỆP.xlsx",
    ), 1):
        guide.cell(row, 1, line).font = Font(bold=row == 1)
    guide.column_dimensions["A"].width = 120
    open_items = [i for i in items if i.open]
    names: set[str] = set()
    for unit in dict.fromkeys(i.unit for i in open_items):
        _unit_sheet(book, unit, [i for i in open_items if i.unit == unit], names)
    book.properties.creator = book.properties.lastModifiedBy = GENERATOR
    buffer = io.BytesIO()
    book.save(buffer)
    write_bytes_atomic(Path(path), buffer.getvalue(), ours=workbook_written_by_letter_gen, force=force)
    return len(open_items)


def _sheet_name(unit: str, taken: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\']", " ", unit).strip()[:28].strip() or "Đơn vị"
    name, counter = base, 2
    while name.casefold() in taken:
        name, counter = f"{base[:25]} ({counter})", counter + 1
    taken.add(name.casefold())
    return name


def _unit_sheet(book: Workbook, unit: str, items: list[TrackedItem], taken: set[str]) -> None:
    ws = book.create_sheet(_sheet_name(unit, taken))
    ws.cell(1, 1, "Đơn vị:").font = Font(bold=True)
    ws.cell(1, 2, unit).font = Font(bold=True)
    ws.cell(2, 1, "Điền các cột màu vàng; không sửa các cột màu xám.").font = Font(italic=True, size=9)
    for column, (heading, field, width) in enumerate(COLUMNS, 1):
        cell = ws.cell(HEADING_ROW, column, heading)
        cell.font, cell.alignment = Font(bold=True), _WRAP
        cell.fill = _GREY if field is None else _FILL
        ws.column_dimensions[LETTERS[column - 1]].width = width
    status = DataValidation(type="list", formula1='"' + ",".join(STATUSES) + '"', allow_blank=False,
                            showErrorMessage=True)
    status.error = "Chọn một tình trạng trong danh sách"
    dates = DataValidation(type="date", operator="greaterThan", formula1="DATE(1945,1,1)", allow_blank=True,
                           showErrorMessage=True)
    dates.error = "Nhập ngày dd/mm/yyyy"
    ws.add_data_validation(status)
    ws.add_data_validation(dates)
    for row, item in enumerate(items, HEADING_ROW + 1):
        values = [item.ref, item.text, f"{item.letter_text} ngày {vn.short_date(item.letter_date)}", _cell_date(item.due),
                  item.status, _cell_date(item.done_on), item.evidence, _cell_date(item.evidence_date), item.reason,
                  item.note]
        for column, value in enumerate(values, 1):
            cell = ws.cell(row, column, value)
            cell.alignment = _WRAP
            field = COLUMNS[column - 1][1]
            cell.protection = Protection(locked=field is None)
            if isinstance(value, dt.datetime) or field in _DATE_FIELDS or column == 4:
                cell.number_format = DATE_FORMAT
            if field is None:
                cell.fill = _GREY
        for offset, field in enumerate(_UNIT_FIELDS):
            kept = getattr(item, field)
            ws.cell(row, len(COLUMNS) + 1 + offset, kept.isoformat() if isinstance(kept, dt.date) else kept)
        status.add(f"E{row}")
        dates.add(f"F{row}")
        dates.add(f"H{row}")
    ws.cell(HEADING_ROW, len(COLUMNS) + 1, AS_EXPORTED_HEADING)
    for offset in range(len(_UNIT_FIELDS)):
        ws.column_dimensions[chr(ord("K") + offset)].hidden = True
    ws.freeze_panes = ws.cell(HEADING_ROW + 1, 2)
    ws.protection.sheet = True  # the grey columns cannot be typed over; no password
    ws.protection.formatColumns = ws.protection.formatRows = False  # widths and heights stay free


def _cell_date(value: dt.date | None) -> dt.datetime | None:
    return dt.datetime(value.year, value.month, value.day) if value else None


# --- reading it back ----------------------------------------------------------------------


def read_workbook(path: Path, known: dict[str, TrackedItem], *, today: dt.date | None = None) -> tuple[list[StatusUpdate], str]:
    """The status rows of a filled workbook and the file's sha256; :class:`InputError` with
    every problem (sheet, row, column) when any row is wrong: unknown code, a status not in
    the list, an impossible date, a date before the letter or after today, a missing reason."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as err:
        raise InputError(_("{path}: cannot read the file ({reason})").format(path=path, reason=os_reason(err))) from err
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            book = load_workbook(io.BytesIO(data), data_only=True)
        # OSError: openpyxl's "no valid workbook part" (a .docx named .xlsx)
        except DAMAGED_ZIP + (InvalidFileException, KeyError, SyntaxError, TypeError, ValueError, OSError) as err:
            raise InputError(_("{path}: not an Excel workbook (.xlsx); give the status workbook of letter-gen"
                               " track export, filled in").format(path=path)) from err
    today = today or dt.date.today()
    problems: list[str] = []
    updates: list[StatusUpdate] = []
    seen: dict[str, str] = {}
    for ws in book.worksheets:
        if ws.title == GUIDE_SHEET:
            continue
        headings = [_text(ws.cell(HEADING_ROW, c).value) for c in range(1, len(COLUMNS) + 1)]
        if headings != [c[0] for c in COLUMNS]:
            problems.append(_('{name}: sheet "{sheet}", row {row}: not a status sheet of letter-gen track export'
                              " (its headings were changed); export a new workbook").format(
                name=path.name, sheet=ws.title, row=HEADING_ROW))
            continue
        kept = _text(ws.cell(HEADING_ROW, len(COLUMNS) + 1).value) == AS_EXPORTED_HEADING
        for row in range(HEADING_ROW + 1, ws.max_row + 1):
            cells = [ws.cell(row, c).value for c in range(1, len(COLUMNS) + 1)]
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in cells):
                continue
            at = _('sheet "{sheet}", row {row}').format(sheet=ws.title, row=row)

            def problem(column: int, message: str, at: str = at) -> None:
                problems.append(_("{name}: {where}, column {column} ({heading}): {message}").format(
                    name=path.name, where=at, column=LETTERS[column - 1], heading=COLUMNS[column - 1][0],
                    message=message))

            ref = _text(cells[0])
            item = known.get(ref)
            if item is None:
                problem(1, _("{ref!r} is not a tracked item of this register (a row added by hand, or a code"
                             " changed?); only exported items can be imported").format(ref=ref))
                continue
            if ref in seen:
                problem(1, _("{ref} is given twice (also {other})").format(ref=ref, other=seen[ref]))
                continue
            seen[ref] = at
            values = _row_values(cells, item, today, problem)
            if values is not None and kept:
                exported = [_text(ws.cell(row, len(COLUMNS) + 1 + i).value) or None for i in range(len(_UNIT_FIELDS))]
                values = {f: v for f, v, was in zip(_UNIT_FIELDS, [values[f] for f in _UNIT_FIELDS], exported, strict=True)
                          if v != was}
            if values is not None:
                updates.append(StatusUpdate(ref, values, at))
    if problems:
        raise InputError(ngettext("{path}: {n} problem in the status workbook; nothing was imported",
                                  "{path}: {n} problems in the status workbook; nothing was imported",
                                  len(problems)).format(path=path, n=len(problems)), problems=problems)
    return updates, hashlib.sha256(data).hexdigest()


def _row_values(cells: list[Any], item: TrackedItem, today: dt.date, problem: Any) -> dict[str, Any] | None:
    values: dict[str, Any] = {}
    bad = False
    for column, (_heading, field, _width) in enumerate(COLUMNS, 1):
        if field is None:
            continue
        value = cells[column - 1]
        if field in _DATE_FIELDS:
            try:
                day = _date(value)
            except ValueError as err:
                problem(column, str(err))
                bad = True
                values[field] = None
                continue
            if day is not None and day > today:
                problem(column, _("{day} is after today ({today})").format(day=vn.short_date(day), today=vn.short_date(today)))
                bad = True
            elif day is not None and day < item.letter_date:
                problem(column, _("{day} is before the letter that asked for it ({letter}, {date})").format(
                    day=vn.short_date(day), letter=item.letter_text, date=vn.short_date(item.letter_date)))
                bad = True
            values[field] = day.isoformat() if day else None
        else:
            text = _text(value)
            values[field] = text or None
    status = vn.nfc(values["status"] or "").casefold()
    match = next((s for s in STATUSES if s == status), None)
    if match is None:
        if values["status"]:
            problem(5, _("expected one of {statuses} (got {value!r})").format(statuses=", ".join(STATUSES), value=values["status"]))
        else:
            problem(5, _("empty: choose one of {statuses}").format(statuses=", ".join(STATUSES)))
        return None
    values["status"] = match
    if bad:
        return None  # a wrong date is said once, at its cell
    if match == DONE and not values["done_on"]:
        problem(6, _("“{done}” needs the day it was done").format(done=DONE))
        bad = True
    if match in OPEN and values["done_on"]:
        problem(6, _("a day done is given, but the status is “{status}”; choose “{done}” or clear the day").format(
            status=match, done=DONE))
        bad = True
    if match == NOT_DONE and not values["reason"]:
        problem(9, _("“{not_done}” needs the reason").format(not_done=NOT_DONE))
        bad = True
    return None if bad else values


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return vn.nfc(str(value)).strip()


def _date(value: Any) -> dt.date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        match = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})|(\d{4})-(\d{1,2})-(\d{1,2})", value.strip())
        if match:
            d, m, y = match.group(1, 2, 3) if match.group(1) else match.group(6, 5, 4)
            try:
                return dt.date(int(y), int(m), int(d))
            except ValueError:
                raise ValueError(_("not a real date (got {value!r})").format(value=value.strip())) from None
    raise ValueError(_("expected a date dd/mm/yyyy (got {value!r})").format(value=value))
