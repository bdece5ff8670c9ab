"""The register printed as Phụ lục IV of Decree 30 (sổ đăng ký văn bản đi): xlsx and CSV.

A register kept in software is printed and bound at year end; these are its pages.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

from letter_gen.errors import UsageError
from letter_gen.fileio import GENERATOR, workbook_written_by_letter_gen, write_bytes_atomic
from letter_gen.register.store import RegisterEntry
from letter_gen.vn import short_date

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


def export_csv(entries: list[RegisterEntry], path: Path, *, force: bool = False) -> None:
    """Write the register as CSV with the Phụ lục IV headings (UTF-8 with BOM for Excel)."""
    _check_suffix(path, ".csv")
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADINGS)
    for entry in entries:
        writer.writerow("" if v is None else short_date(v) if isinstance(v, date) else str(v) for v in _cells(entry))
    write_bytes_atomic(Path(path), buffer.getvalue().encode("utf-8-sig"), ours=_our_csv, force=force)


def export_xlsx(entries: list[RegisterEntry], path: Path, *, year: int | None = None, agency: str | None = None, force: bool = False) -> None:
    """Write the register as an xlsx workbook ready to print and bind: one sheet per agency
    and year, landscape A4, headings repeated on every page, Times New Roman."""
    _check_suffix(path, ".xlsx")
    groups: dict[tuple[int | None, str | None], list[RegisterEntry]] = {}
    for entry in entries:
        groups.setdefault((entry.year, entry.agency), []).append(entry)
    if not groups:  # an empty register still prints its headings
        groups[(year, agency)] = []
    sheets = [(y, a, [_cells(e) for e in group]) for (y, a), group in groups.items()]
    write_bytes_atomic(Path(path), _workbook(sheets), ours=workbook_written_by_letter_gen, force=force)


def _check_suffix(path: Path, suffix: str) -> None:
    if Path(path).suffix.lower() != suffix:
        raise UsageError(f"{path}: a {suffix[1:].upper()} export needs a file name ending in {suffix}")


def _our_csv(data: bytes) -> bool:
    """A CSV this module wrote: it starts with the Phụ lục IV headings."""
    first = data.decode("utf-8-sig", "replace").split("\n", 1)[0].strip()
    return next(csv.reader([first]), []) == list(HEADINGS)


def _cells(entry: RegisterEntry) -> tuple[str | date | int | None, ...]:
    """The ten Phụ lục IV cells of one line; ngày chuyển and ký nhận are filled by hand."""
    return (entry.number_text, entry.date, entry.title, entry.signer, entry.recipients,
            entry.archive, entry.copies, None, None, entry.remarks)


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
    book.properties.creator = book.properties.lastModifiedBy = GENERATOR
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
