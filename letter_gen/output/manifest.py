"""A batch folder's list of letters: ``manifest.json`` and ``manifest.csv``.

The manifest always lists every letter the folder holds, old and new: rows of earlier runs whose
files are still there are kept, and a letter replaced by ``--reissue`` is marked ``replaced``
with the path of its successor. Both files are streamed to temporary names and renamed at the
end, so an interrupted run leaves the previous manifest as it was.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from pathlib import Path
from typing import Any

from letter_gen.i18n import _, os_reason
from letter_gen.errors import OutputError

#: ``kind`` is the document's kind (loại văn bản: ``follow-up``, ``team-decision`` …, README "Document kinds").
MANIFEST_KEYS = (
    "input", "kind", "unit", "mode", "number", "symbol", "date", "subject", "recipients", "path", "sha256",
    "pdf", "pdf_sha256", "signed", "signed_sha256", "signed_at", "status", "replaces", "replaced_by",
)  # fmt: skip
JSON_NAME, CSV_NAME = "manifest.json", "manifest.csv"
#: The kinds whose file names carry them (output/batch.py ``_file_name``): ``2021-012-SKHCN-team-decision-…``.
_KIND_IN_NAME = re.compile(
    r"^(?:\d{4}-\d{3,}|draft)-[^-/]+-(reminder|team-decision|plan|invitation|conclusion-notice|report)-[^/]*$"
)


def _with_kind(row: Any) -> Any:
    """A row of a manifest written before it had ``kind``, with the kind its file name tells
    (a follow-up letter's name carries none)."""
    if not isinstance(row, dict) or "kind" in row:
        return row
    path = row.get("path")
    found = _KIND_IN_NAME.match(path.rsplit("/", 1)[-1]) if isinstance(path, str) else None
    return {**row, "kind": found.group(1) if found else "follow-up"}


def read_manifest(out_dir: Path) -> list[dict[str, Any]]:
    """The manifest of a batch folder, as written ([] when the folder has none)."""
    try:
        text = (out_dir / JSON_NAME).read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    try:
        rows = json.loads(text)
    except json.JSONDecodeError as err:
        raise OutputError(_("{file}: not a manifest letter_gen wrote ({err}); move it away").format(file=out_dir / JSON_NAME, err=err)) from err
    if not isinstance(rows, list):
        raise OutputError(_("{file}: not a manifest letter_gen wrote; move it away").format(file=out_dir / JSON_NAME))
    return [_with_kind(row) for row in rows]


def manifest_csv_rows(out_dir: Path) -> list[dict[str, str]]:
    """The CSV manifest's rows (for tests and tools)."""
    with io.open(out_dir / CSV_NAME, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


class Manifest:
    """The folder's manifest, this run's rows streamed as letters are written, earlier rows kept."""

    def __init__(self, out_dir: Path, earlier: list[dict[str, Any]]) -> None:
        self.out_dir = out_dir
        self._earlier = earlier
        self._json_tmp = out_dir / f".{JSON_NAME}.part"
        self._csv_tmp = out_dir / f".{CSV_NAME}.part"
        self._count = 0
        self._paths: set[str] = set()
        self._replaced: dict[tuple[str | None, int], str] = {}  # (symbol, number) → successor's path

    def __enter__(self) -> Manifest:
        try:
            self._json = self._json_tmp.open("w", encoding="utf-8")
            self._csv_file = self._csv_tmp.open("w", encoding="utf-8-sig", newline="")
        except OSError as err:
            raise OutputError(_("{folder}: cannot write the manifest ({why})").format(folder=self.out_dir, why=os_reason(err))) from err
        self._json.write("[")
        self._csv = csv.DictWriter(self._csv_file, fieldnames=MANIFEST_KEYS)
        self._csv.writeheader()
        return self

    def add(self, row: dict[str, Any]) -> None:
        """List one letter of this run."""
        row = {key: row.get(key) for key in MANIFEST_KEYS}
        row["status"] = row["status"] or "current"
        if row["replaces"] is not None:
            self._replaced[(row["symbol"], row["replaces"])] = row["path"]
        if self._earlier:  # only earlier rows are matched against this run's paths: none, none kept
            self._paths.add(row["path"])
        self._write(row)

    def _write(self, row: dict[str, Any]) -> None:
        self._json.write(("," if self._count else "") + "\n  " + json.dumps(row, ensure_ascii=False))
        self._csv.writerow({**{k: "" if v is None else v for k, v in row.items()}, "recipients": "; ".join(row["recipients"] or [])})
        self._count += 1

    def _keep_earlier(self) -> None:
        """Rows of earlier runs whose letters are still in the folder; replaced ones marked."""
        for old in self._earlier:
            path = old.get("path")
            if not isinstance(path, str) or path in self._paths or not (self.out_dir / path).is_file():
                continue
            row = {key: old.get(key) for key in MANIFEST_KEYS}
            successor = self._replaced.get((row["symbol"], row["number"])) if row["number"] is not None else None
            if successor is not None:
                row["status"], row["replaced_by"] = "replaced", successor
            row["status"] = row["status"] or "current"
            self._paths.add(path)
            self._write(row)

    def current_pdfs(self) -> list[Path]:
        """The PDFs of the letters listed as current, in manifest order (for ``letters.pdf``)."""
        rows = read_manifest(self.out_dir)
        return [self.out_dir / row["pdf"] for row in rows if row.get("pdf") and row.get("status") != "replaced"
                and (self.out_dir / row["pdf"]).is_file()]

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if exc_type is None:
            self._keep_earlier()
        self._json.write("\n]\n")
        for handle in (self._json, self._csv_file):
            handle.flush()
            os.fsync(handle.fileno())
            handle.close()
        if exc_type is None:
            os.replace(self._json_tmp, self.out_dir / JSON_NAME)
            os.replace(self._csv_tmp, self.out_dir / CSV_NAME)
        else:
            for tmp in (self._json_tmp, self._csv_tmp):
                tmp.unlink(missing_ok=True)
