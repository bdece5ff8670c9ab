"""The status report (báo cáo kết quả khắc phục): per unit the counts and what is still open.

:func:`status_report` gives the report's figures as data (:class:`StatusReport`);
:func:`report_content` lays them out as the ``report`` kind's document (a báo cáo per Decree 30,
written by the one letter-writing path); :func:`write_report_xlsx` writes the same figures as a
workbook for the clerk's own use.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from letter_gen import decree30, vn
from letter_gen.errors import UsageError
from letter_gen.fileio import GENERATOR, workbook_written_by_letter_gen, write_bytes_atomic
from letter_gen.i18n import _
from letter_gen.inputs.model import InspectionRound
from letter_gen.letters.compose import LetterContent, Paragraph
from letter_gen.letters.compose_kinds import noi_nhan_items, section_heading, titled
from letter_gen.register.store import Register
from letter_gen.tracking.items import DONE, IN_PROGRESS, NOT_DONE, PeriodLike, TrackedItem
from letter_gen.tracking.store import round_of, tracked_items


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
    refused: tuple[TrackedItem, ...] = ()  #: không thực hiện, with the unit's reason

    @property
    def not_started(self) -> int:
        """Chưa thực hiện: the rest of what was asked."""
        return self.asked - self.done - self.in_progress - self.not_done


@dataclass(frozen=True)
class StatusReport:
    """What the báo cáo says: the period, the day, each unit's counts and open items, totals,
    and the proposals (kiến nghị, đề xuất)."""

    period: str  #: as a letter says it: ``quý I năm 2021``
    as_of: dt.date
    units: tuple[UnitCounts, ...]
    proposals: tuple[str, ...]
    items: tuple[TrackedItem, ...] = ()  #: every item reported on (the letters that asked, the rounds)

    @property
    def total(self) -> UnitCounts:
        u = self.units
        return UnitCounts("Tổng cộng", sum(x.asked for x in u), sum(x.done for x in u), sum(x.in_progress for x in u),
                          sum(x.overdue for x in u), sum(x.not_done for x in u), ())


def status_report(register: Register, *, period: PeriodLike, period_text: str, as_of: dt.date) -> StatusReport:
    """The report on the items asked in ``period``, as they stand on ``as_of``."""
    items = tracked_items(register, period=period, as_of=as_of)
    units = unit_counts(items, as_of)
    late = [u.unit for u in units if u.overdue]
    proposals = [
        f"Tiếp tục đôn đốc {', '.join(late)} hoàn thành các nội dung quá hạn khắc phục." if late else
        "Các đơn vị đã thực hiện các nội dung khắc phục đúng thời hạn.",
        "Đưa các nội dung chưa khắc phục vào công văn yêu cầu khắc phục của kỳ kiểm tra tiếp theo.",
    ]
    return StatusReport(period_text, as_of, tuple(units), tuple(proposals), tuple(items))


def unit_counts(items: list[TrackedItem], as_of: dt.date) -> tuple[UnitCounts, ...]:
    """Each unit's counts from ``items``; a unit is one of an agency (two agencies' units of one
    name are two units, never added together)."""
    units = []
    for agency, unit in dict.fromkeys((i.agency, i.unit) for i in items):
        mine = [i for i in items if i.agency == agency and i.unit == unit]
        units.append(UnitCounts(
            unit, len(mine), sum(i.status == DONE for i in mine), sum(i.status == IN_PROGRESS for i in mine),
            sum(_late(i, as_of) for i in mine), sum(i.status == NOT_DONE for i in mine),
            tuple(i for i in mine if i.open), tuple(i for i in mine if i.status == NOT_DONE),
        ))
    return tuple(units)


def period_words(period: PeriodLike) -> str:
    """The period as a letter names it: ``quý I năm 2021``, ``6 tháng đầu năm 2021``, ``năm 2021``."""
    first, last = period.first_month, period.last_month
    if (first, last) == (1, 12):
        return vn.period_label(period.year)
    if last - first == 5 and first in (1, 7):
        return vn.period_label(period.year, half=1 if first == 1 else 2)
    if last - first == 2 and first % 3 == 1:
        return vn.period_label(period.year, quarter=(first + 2) // 3)
    if first == last:
        return vn.period_label(period.year, month=first)
    return f"từ tháng {first} đến tháng {last} năm {period.year}"


def _late(item: TrackedItem, as_of: dt.date) -> bool:
    """Open past the deadline the follow-up letter set (a reminder's new one does not excuse it)."""
    return item.open and item.deadline is not None and item.deadline < as_of


HEADINGS = ("STT", "Đơn vị", "Số nội dung yêu cầu", "Đã hoàn thành", "Đang thực hiện", "Quá hạn", "Không thực hiện",
            "Chưa thực hiện")
ITEM_HEADINGS = ("Mã theo dõi", "Đơn vị", "Nội dung", "Công văn", "Hạn khắc phục", "Tình trạng", "Hạn mới (đã đôn đốc)",
                 "Lý do không thực hiện")


def check_report_xlsx_name(path: Path) -> None:
    """Refuse a ``--xlsx`` name that is not a workbook's, before the báo cáo takes a number."""
    if Path(path).suffix.lower() != ".xlsx":
        raise UsageError(_("--xlsx {path}: the report's figures are an Excel workbook: give a name ending in .xlsx").format(
            path=path))


def write_report_xlsx(path: Path, report: StatusReport, *, force: bool = False) -> None:
    """The report's figures as a workbook: the summary table, then every item still open or
    refused (the deadline the letter set, the one a reminder set, the reason)."""
    check_report_xlsx_name(path)
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
        ws.append([number, unit.unit, unit.asked, unit.done, unit.in_progress, unit.overdue, unit.not_done, unit.not_started])
    total = report.total
    ws.append(["", total.unit, total.asked, total.done, total.in_progress, total.overdue, total.not_done, total.not_started])
    for column, width in zip("ABCDEFGH", (6, 50, 14, 14, 14, 12, 14, 14)):
        ws.column_dimensions[column].width = width
    still = book.create_sheet("Nội dung chưa hoàn thành")
    still.append(list(ITEM_HEADINGS))
    for cell in still[1]:
        cell.font, cell.alignment = Font(bold=True), Alignment(wrap_text=True)
    for unit in report.units:
        for item in (*unit.open_items, *unit.refused):
            moved = item.due if item.due != item.deadline else None
            still.append([item.ref, item.unit, item.text, item.letter_text, _cell(item.deadline), item.status, _cell(moved),
                          item.reason])
            for index in (5, 7):
                still.cell(still.max_row, index).number_format = "dd/mm/yyyy"
    for column, width in zip("ABCDEFGH", (14, 40, 80, 18, 14, 16, 14, 40)):
        still.column_dimensions[column].width = width
    book.properties.creator = book.properties.lastModifiedBy = GENERATOR
    buffer = io.BytesIO()
    book.save(buffer)
    write_bytes_atomic(Path(path), buffer.getvalue(), ours=workbook_written_by_letter_gen, force=force)


#: The summary table's headings (the report template's four columns).
SUMMARY_HEADER = ("STT", "Đơn vị", "Đã hoàn thành/ Số nội dung yêu cầu", "Chưa hoàn thành (trong đó quá hạn)")


@dataclass(frozen=True)
class ReportDocument:
    """One agency's báo cáo: the round that gives its header and signature, and what it says."""

    round_: InspectionRound
    report: StatusReport
    content: LetterContent


def report_documents(register: Register, *, period: PeriodLike, as_of: dt.date,
                     recipient: str | None = None) -> list[ReportDocument]:
    """The báo cáo of each agency whose letters asked something in ``period``, as it stands on
    ``as_of``; its header, signer and Nơi nhận are those of the agency's latest round there."""
    everything = status_report(register, period=period, period_text=period_words(period), as_of=as_of)
    documents = []
    for agency in dict.fromkeys(i.agency for i in everything.items):
        items = [i for i in everything.items if i.agency == agency]
        latest = max(items, key=lambda i: (i.period_year, i.period_last_month, i.letter_date))
        round_ = round_of(register, latest.round_key)
        units = unit_counts(items, as_of)  # this agency's items only
        late = [u.unit for u in units if u.overdue]
        proposals = (
            f"Tiếp tục đôn đốc {', '.join(late)} hoàn thành các nội dung quá hạn khắc phục" if late else
            "Các đơn vị đã thực hiện các nội dung khắc phục đúng thời hạn",
            "Đưa các nội dung chưa khắc phục vào công văn yêu cầu khắc phục của kỳ kiểm tra tiếp theo",
        )
        report = StatusReport(everything.period, as_of, units, proposals, tuple(items))
        to = recipient or (round_.report.recipient if round_.report else None) or _spelled_out(round_.agency.parent)
        if not to:
            raise UsageError(_("the report needs a recipient (Kính gửi): give --to, e.g. --to \"Ủy ban nhân dân tỉnh\""))
        documents.append(ReportDocument(round_, report, report_content(report, round_, to)))
    return documents


def _cell(day: dt.date | None) -> dt.datetime | None:
    return dt.datetime(day.year, day.month, day.day) if day else None


def _spelled_out(parent: str | None) -> str | None:
    """The parent agency as Kính gửi names it: ``UBND tỉnh X`` → ``Ủy ban nhân dân tỉnh X``
    (the header may abbreviate; a recipient is written in full)."""
    if parent and parent.startswith("UBND "):
        return "Ủy ban nhân dân " + parent.removeprefix("UBND ")
    return parent


def report_content(report: StatusReport, round_: InspectionRound, recipient: str) -> LetterContent:
    """The báo cáo (the ``report`` kind's form): the letters that asked, the totals, a summary
    table, per unit the counts and what is still open, the proposals."""
    agency = round_.agency.name
    plan = round_.inspection.plan
    about = f"{round_.inspection.field} {report.period}"
    body = [
        Paragraph(
            f"Thực hiện {plan.kind} số {plan.number} ngày {vn.short_date(plan.date)} của {plan.issuer} về {plan.title},"
            f" {agency} đã ban hành {_letters(report.items)} yêu cầu các đơn vị khắc phục tồn tại, hạn chế"
            f" sau kiểm tra {about}."
        ),
        Paragraph(f"{agency} báo cáo kết quả thực hiện khắc phục của các đơn vị tính đến ngày"
                  f" {vn.short_date(report.as_of)} như sau:"),
        section_heading(1, "Kết quả chung"),
        Paragraph(f"{_counts(report.total, 'Tổng số nội dung yêu cầu khắc phục')}."),
        Paragraph("Kết quả tại từng đơn vị như bảng sau:"),
    ]
    rows = [(str(n), u.unit, f"{u.done}/{u.asked}", f"{u.asked - u.done} ({u.overdue})")
            for n, u in enumerate(report.units, start=1)]
    total = report.total
    rows.append(("", "Tổng cộng", f"{total.done}/{total.asked}", f"{total.asked - total.done} ({total.overdue})"))
    after = [section_heading(2, "Kết quả tại từng đơn vị")]
    for number, unit in enumerate(report.units, start=1):
        after.append(Paragraph(f"{number}. {unit.unit}", heading=True))
        after.append(Paragraph(f"{_counts(unit, 'Số nội dung yêu cầu')}."))
        if unit.open_items:
            after.append(Paragraph("Các nội dung chưa hoàn thành:"))
            lines = [_open_line(i, report.as_of) for i in unit.open_items]
            after += [Paragraph(line) for line in vn.dash_list(lines, last=".")]
        if unit.refused:
            after.append(Paragraph("Các nội dung đơn vị không thực hiện:"))
            lines = [f"{vn.without_final_punctuation(i.text)} (lý do: {vn.without_final_punctuation(i.reason or '')})"
                     for i in unit.refused]
            after += [Paragraph(line) for line in vn.dash_list(lines, last=".")]
        if unit.done == unit.asked:
            after.append(Paragraph("Đơn vị đã hoàn thành toàn bộ các nội dung yêu cầu khắc phục."))
    after.append(section_heading(3, "Đề xuất, kiến nghị"))
    after += [Paragraph(line) for line in vn.dash_list(list(report.proposals), last=".")]
    after.append(Paragraph(f"Trên đây là báo cáo kết quả khắc phục sau kiểm tra {about} của {agency}."))
    subject = f"Kết quả khắc phục sau kiểm tra {about}"
    return titled(
        round_, decree30.FORMS["báo cáo"], subject, body, kind="report", recipients=(recipient,),
        noi_nhan=noi_nhan_items(["Như trên"], round_), table_header=SUMMARY_HEADER, table_rows=tuple(rows),
        body_after=after,
    )


def _counts(unit: UnitCounts, asked: str) -> str:
    return (f"{asked}: {unit.asked}; đã hoàn thành: {unit.done}; đang thực hiện: {unit.in_progress};"
            f" chưa thực hiện: {unit.not_started}; không thực hiện: {unit.not_done};"
            f" quá hạn khắc phục: {unit.overdue}")


def _open_line(item: TrackedItem, as_of: dt.date) -> str:
    """``text (hạn khắc phục: 30/04/2021; đã đôn đốc, hạn mới 30/05/2021; đang thực hiện; quá hạn)``."""
    moved = f"đã đôn đốc, hạn mới {vn.short_date(item.due)}" if item.due and item.due != item.deadline else ""
    parts = [f"hạn khắc phục: {vn.short_date(item.deadline)}" if item.deadline else "", moved, item.status,
             "quá hạn" if _late(item, as_of) else ""]
    return f"{vn.without_final_punctuation(item.text)} ({'; '.join(p for p in parts if p)})"


def _letters(items: tuple[TrackedItem, ...]) -> str:
    """The letters that asked, grouped by day: ``Công văn số 02/SKHCN-TTr, 03/SKHCN-TTr ngày 05/03/2021``."""
    by_day: dict[dt.date, list[str]] = {}
    for item in sorted(items, key=lambda i: (i.letter_date, i.letter_number)):
        numbers = by_day.setdefault(item.letter_date, [])
        if item.letter_text not in numbers:
            numbers.append(item.letter_text)
    groups = [f"{', '.join(numbers)} ngày {vn.short_date(day)}" for day, numbers in by_day.items()]
    many = len(groups) > 1 or len(next(iter(by_day.values()), [])) > 1
    return f"{'các ' if many else ''}Công văn số {'; '.join(groups)}"
