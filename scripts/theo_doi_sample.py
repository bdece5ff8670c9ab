"""Write examples/theo-doi/bang-theo-doi-quy-1-da-dien.xlsx: the status workbook of quý I as
the units sent it back filled in, for the README's two-quarter walk-through.

It issues examples/theo-doi/quy-1-2021.yaml's letters into a scratch register (as the
walk-through's first command does), exports the status workbook (track export) and fills it
as three units would: one did everything, one is late on two items, one refused one item with
its reason and is late on the other. The codes (Mã theo dõi) come from the round, the unit and
the text, so they are those of the walk-through's register. Run again after changing the
round: .venv/bin/python scripts/theo_doi_sample.py
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import openpyxl

from letter_gen.inputs.period import parse_period
from letter_gen.output.batch import BatchOptions, run_batch
from letter_gen.register.store import Register
from letter_gen.tracking.status import export_status

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "theo-doi"
D = dt.datetime
#: (unit or None for any, the text's start) → Tình trạng, Ngày hoàn thành, Số and Ngày báo cáo, Lý do, Ghi chú
FILLED = {
    (None, "Cập nhật đầy đủ ngày trả kết quả"): ("đã hoàn thành", D(2021, 4, 12), "12/BC-PCC1", D(2021, 4, 26), None, None),
    ("Phòng Công chứng số 1", "Rà soát, niêm yết"): ("đã hoàn thành", D(2021, 4, 20), "12/BC-PCC1", D(2021, 4, 26), None, None),
    (None, "Bổ sung chữ ký"): ("đã hoàn thành", D(2021, 4, 23), "12/BC-PCC1", D(2021, 4, 26), None, None),
    ("Trung tâm Trợ giúp pháp lý nhà nước", "Rà soát, niêm yết"): (
        "đã hoàn thành", D(2021, 4, 28), "08/BC-TGPL", D(2021, 5, 4), None, None),
    (None, "Sắp xếp, lưu trữ"): (
        "đang thực hiện", None, "08/BC-TGPL", D(2021, 5, 4), None, "Đã sắp xếp hồ sơ năm 2020, đang sắp xếp hồ sơ các năm trước"),
    ("Phòng Hành chính tư pháp", "Rà soát, niêm yết"): (
        "không thực hiện", None, "05/BC-HCTP", D(2021, 5, 6),
        "Phòng không trực tiếp tiếp nhận hồ sơ của tổ chức, cá nhân; Bộ phận Một cửa của Sở tiếp nhận", None),
    (None, "Cập nhật đầy đủ thông tin"): ("đang thực hiện", None, "05/BC-HCTP", D(2021, 5, 6), None, None),
}


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        scratch = Path(folder)
        register = scratch / "so.sqlite"
        summary = run_batch([SAMPLE / "quy-1-2021.yaml"], BatchOptions(
            out_dir=scratch / "quy-1", issue=True, date=dt.date(2021, 3, 5), register_path=register))
        assert summary.ok, summary.failures
        export = scratch / "bang-theo-doi-quy-1.xlsx"
        with Register(register) as book:
            export_status(book, export, period=parse_period("2021-Q1"), period_text="2021-Q1")
        book = openpyxl.load_workbook(export)
        for ws in book.worksheets[1:]:
            unit = ws.cell(1, 2).value
            for row in range(4, ws.max_row + 1):
                text = str(ws.cell(row, 2).value or "")
                for (who, start), values in FILLED.items():
                    if text.startswith(start) and who in (None, unit):
                        for column, value in enumerate(values, 5):
                            ws.cell(row, column).value = value
        book.properties.lastModifiedBy = "Trần Thị Lan"  # saved by the unit, as Excel would
        target = SAMPLE / "bang-theo-doi-quy-1-da-dien.xlsx"
        book.save(target)
        print(f"wrote {target}")


if __name__ == "__main__":
    main()
