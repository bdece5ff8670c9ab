"""Draw docs/excel-form.png: the Excel form's first sheet ("Đợt kiểm tra"), filled with
data/kiem-tra-quy-2-2021.yaml, as the clerk's guide (docs/huong-dan.md) shows it; and
docs/excel-form-decision.png: the team decision's section, filled with data/cchc-2021-kinds.yaml.

LibreOffice Calc is not needed: the cells are read with openpyxl and drawn with Pillow.
Run: .venv/bin/python scripts/form_image.py
"""

from __future__ import annotations

import tempfile
import textwrap
from pathlib import Path

import openpyxl
from PIL import Image, ImageDraw, ImageFont

from letter_gen.inputs.excel import ROUND_SHEET
from letter_gen.inputs.formats import load_input, save_round

ROOT = Path(__file__).resolve().parent.parent
FONTS = Path("/usr/share/fonts/truetype/dejavu")
WIDTHS = (30, 34, 24, 56)  # characters per column: label, value, field, hint


def _rows(source: str, first: int, last: int | None = None, start: str | None = None) -> list[list[str]]:
    """The cells of "Đợt kiểm tra" (columns A-D) of ``source`` made a workbook: rows ``first``
    to ``last``, or with ``start`` the section whose heading begins so (and the headings row)."""
    with tempfile.TemporaryDirectory() as folder:
        book_path = Path(folder) / "kiem-tra.xlsx"
        save_round(load_input(ROOT / "data" / source), book_path)
        sheet = openpyxl.load_workbook(book_path)[ROUND_SHEET]
        rows = [[("" if c.value is None else f"{c.value:%d/%m/%Y}" if hasattr(c.value, "strftime") else str(c.value).replace("\n", ": "))
                 for c in row[:4]] for row in sheet.iter_rows()]
    if start is None:
        return rows[first - 1:last]
    begin = next(i for i, row in enumerate(rows) if row[0].startswith(start))
    end = next((i for i in range(begin + 1, len(rows)) if rows[i][0] and not rows[i][2]), len(rows))
    return [rows[0], *rows[begin:end]]


def _draw(rows: list[list[str]], target: Path) -> None:
    regular = ImageFont.truetype(str(FONTS / "DejaVuSans.ttf"), 13)
    bold = ImageFont.truetype(str(FONTS / "DejaVuSans-Bold.ttf"), 13)
    cell_w = [w * 8 + 12 for w in WIDTHS]
    wrapped = [[textwrap.wrap(text, width) or [""] for text, width in zip(row, WIDTHS)] for row in rows]
    heights = [max(len(lines) for lines in row) * 17 + 8 for row in wrapped]
    image = Image.new("RGB", (sum(cell_w) + 1, sum(heights) + 1), "white")
    draw = ImageDraw.Draw(image)
    y = 0
    for index, (row, height) in enumerate(zip(wrapped, heights)):
        x = 0
        section = index > 0 and rows[index][0] and not any(rows[index][1:])
        fill = "#dde7f3" if index == 0 else "#eef2e6" if section else "white"
        for column, (lines, width) in enumerate(zip(row, cell_w)):
            draw.rectangle([x, y, x + width, y + height], fill=fill, outline="#9aa5b1")
            font = bold if index == 0 or section or column == 0 else regular
            for n, line in enumerate(lines):
                draw.text((x + 6, y + 4 + n * 17), line, font=font, fill="#1f2933" if column != 2 else "#7b8794")
            x += width
        y += height
    image.save(target, optimize=True)


def main() -> None:
    _draw(_rows("kiem-tra-quy-2-2021.yaml", 1, 32), ROOT / "docs" / "excel-form.png")
    # The section of one other document: the team decision of the kinds sample.
    _draw(_rows("cchc-2021-kinds.yaml", 1, start="QUYẾT ĐỊNH THÀNH LẬP"), ROOT / "docs" / "excel-form-decision.png")


if __name__ == "__main__":
    main()
