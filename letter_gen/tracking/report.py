"""The status report (báo cáo kết quả khắc phục): per unit the counts and what is still open.

:func:`status_report` gives the report's content as data (:class:`StatusReport`), for the
``report`` kind's template (issue 13) to lay out as a báo cáo per Decree 30; :func:`write_report_xlsx`
writes the same figures as a workbook for the clerk's own use.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from letter_gen import vn
from letter_gen.fileio import GENERATOR, workbook_written_by_letter_gen, write_bytes_atomic
from letter_gen.register.store import Register
from letter_gen.tracking.items import DONE, IN_PROGRESS, NOT_DONE, PeriodLike, TrackedItem
from letter_gen.tracking.store import tracked_items


@dataclass(frozen=True)
class UnitCounts:
    """One unit's line of the summary table."""

    unit: str
    asked: int  #: số nội dung yêu cầu
    done: int  #: đã hoàn thành
    in_progress: int  #: đang thực hiện
    overdue: int  #: quá hạn (open and past the deadline the follow-up letter set)
    not_done: int  #: không thực hiện
    open_items: tuple[TrackedItem, ...]  #: what is still open, with its deadline


@dataclass(frozen=True)
class StatusReport:
    """What the báo cáo says: the period, the day, each unit's counts and open items, totals,
    and the proposals (kiến nghị, đề xuất)."""

    period: str
    as_of: dt.date
    units: tuple[UnitCounts, ...]
    proposals: tuple[str, ...]

    @property
    def total(self) -> UnitCounts:
        u = self.units
        return UnitCounts("Tổng cộng", sum(x.asked for x in u), sum(x.done for x in u), sum(x.in_progress for x in u),
                          sum(x.overdue for x in u), sum(x.not_done for x in u), ())


def status_report(register: Register, *, period: PeriodLike, period_text: str, as_of: dt.date) -> StatusReport:
    """The report on the items asked in ``period``, as they stand on ``as_of``."""
    items = tracked_items(register, period=period, as_of=as_of)
    units = []
    for unit in dict.fromkeys(i.unit for i in items):
        mine = [i for i in items if i.unit == unit]
        units.append(UnitCounts(
            unit, len(mine), sum(i.status == DONE for i in mine), sum(i.status == IN_PROGRESS for i in mine),
            sum(_late(i, as_of) for i in mine), sum(i.status == NOT_DONE for i in mine),
            tuple(i for i in mine if i.open),
        ))
    late = [u.unit for u in units if u.overdue]
    proposals = [
        f"Tiếp tục đôn đốc {', '.join(late)} hoàn thành các nội dung quá hạn khắc phục." if late else
        "Các đơn vị đã thực hiện các nội dung khắc phục đúng thời hạn.",
        "Đưa các nội dung chưa khắc phục vào công văn yêu cầu khắc phục của kỳ kiểm tra tiếp theo.",
    ]
    return StatusReport(period_text, as_of, tuple(units), tuple(proposals))


def _late(item: TrackedItem, as_of: dt.date) -> bool:
    """Open past the deadline the follow-up letter set (a reminder's new one does not excuse it)."""
    return item.open and item.deadline is not None and item.deadline < as_of


HEADINGS = ("STT", "Đơn vị", "Số nội dung yêu cầu", "Đã hoàn thành", "Đang thực hiện", "Quá hạn", "Không thực hiện")


def write_report_xlsx(path: Path, report: StatusReport, *, force: bool = False) -> None:
    """The report's figures as a workbook: the summary table, then every open item."""
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "Tổng hợp"
    ws.append([f"Kết quả khắc phục sau kiểm tra: {report.period}, tính đến ngày {vn.short_date(report.as_of)}"])
    ws["A1"].font = Font(bold=True)
    ws.append(list(HEADINGS))
    for cell in ws[2]:
        cell.font, cell.alignment = Font(bold=True), Alignment(wrap_text=True)
    for number, unit in enumerate(report.units, 1):
        ws.append([number, unit.unit, unit.asked, unit.done, unit.in_progress, unit.overdue, unit.not_done])
    total = report.total
    ws.append(["", total.unit, total.asked, total.done, total.in_progress, total.overdue, total.not_done])
    for column, width in zip("ABCDEFG", (6, 50, 14, 14, 14, 12, 14)):
        ws.column_dimensions[column].width = width
    still = book.create_sheet("Nội dung chưa hoàn thành")
    still.append(["Mã theo dõi", "Đơn vị", "Nội dung", "Công văn", "Hạn khắc phục", "Tình trạng"])
    for unit in report.units:
        for item in unit.open_items:
            due = dt.datetime(item.due.year, item.due.month, item.due.day) if item.due else None
            still.append([item.ref, item.unit, item.text, item.letter_text, due, item.status])
            if due:
                still.cell(still.max_row, 5).number_format = "dd/mm/yyyy"
    for column, width in zip("ABCDEF", (14, 40, 80, 18, 14, 16)):
        still.column_dimensions[column].width = width
    book.properties.creator = book.properties.lastModifiedBy = GENERATOR
    buffer = io.BytesIO()
    book.save(buffer)
    write_bytes_atomic(Path(path), buffer.getvalue(), ours=workbook_written_by_letter_gen, force=force)


def report_paragraphs(report: StatusReport) -> list[str]:
    """The report's body as text paragraphs, in Vietnamese, for the report kind's template
    (and for reading in the terminal until it lands)."""
    lines = [f"Kết quả thực hiện khắc phục sau kiểm tra {report.period}, tính đến ngày {vn.short_date(report.as_of)}:"]
    for number, unit in enumerate(report.units, 1):
        lines.append(
            f"{number}. {unit.unit}: {unit.asked} nội dung yêu cầu; đã hoàn thành {unit.done}; đang thực hiện"
            f" {unit.in_progress}; quá hạn {unit.overdue}; không thực hiện {unit.not_done}."
        )
        lines += [f"- {vn.without_final_punctuation(i.text)} (hạn {vn.short_date(i.due) if i.due else 'không ghi'};"
                  f" {i.status})." for i in unit.open_items]
    lines.append("Đề xuất, kiến nghị:")
    lines += [f"- {p}" for p in report.proposals]
    return lines
