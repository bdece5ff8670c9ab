"""Regenerate letter_gen/font_metrics.json from Liberation Serif (Times New Roman's metrics).

Run once when the character set changes: ``python scripts/font_metrics.py``. Needs
fonttools and the Debian package fonts-liberation2; the JSON it writes is committed, so
letter_gen itself needs neither.
"""

import json
from pathlib import Path

from fontTools.ttLib import TTFont

FONT_DIR = Path("/usr/share/fonts/truetype/liberation2")
FACES = {"regular": "Regular", "bold": "Bold", "italic": "Italic", "bold-italic": "BoldItalic"}
RANGES = [(0x20, 0x7E), (0xA0, 0x17F), (0x1A0, 0x1B0), (0x1EA0, 0x1EF9), (0x2010, 0x2026)]

metrics = {}
for face, suffix in FACES.items():
    font = TTFont(FONT_DIR / f"LiberationSerif-{suffix}.ttf")
    cmap, hmtx, upm = font.getBestCmap(), font["hmtx"], font["head"].unitsPerEm
    widths = {}
    for low, high in RANGES:
        for code in range(low, high + 1):
            if code in cmap:
                widths[chr(code)] = round(hmtx[cmap[code]][0] * 1000 / upm)
    metrics[face] = widths
out = Path(__file__).resolve().parent.parent / "letter_gen" / "font_metrics.json"
out.write_text(json.dumps(metrics, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n", encoding="utf-8")
print(f"wrote {out} ({sum(len(w) for w in metrics.values())} widths)")
