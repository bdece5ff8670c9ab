"""The floor: the least a Python process must do to write these letters on this machine.

    python bench/floor.py INPUT.yaml TEMPLATE.jinja CONTEXTS.pickle FIXED.bin OUT_DIR WORKERS

Started by bench/run.py (h) as its own process, timed from outside. It starts Python, imports
the libraries a letter needs (PyYAML on libyaml, Jinja), parses the input with libyaml's C
loader (a workbook: reads its rows with openpyxl in read-only mode), and on WORKERS forked processes renders each letter's document.xml with Jinja (compiled
once, autoescaped, not sandboxed), deflates it and writes it after the template's other parts as
one file per letter. Nothing is validated, laid out, checked, numbered or listed; the contexts
come ready (pickled from letter_gen's compose, which this leaves out). No program that renders
these letters with Jinja and writes them one file each can be faster than this one.
"""

from __future__ import annotations

import os
import pickle
import sys
import zlib
from pathlib import Path

import jinja2
import yaml


def _write(template: jinja2.Template, contexts: list[dict[str, object]], fixed: bytes, out: Path, first: int) -> None:
    for index, context in enumerate(contexts, start=first):
        xml = template.render(context).encode("utf-8")
        packed = zlib.compressobj(1, zlib.DEFLATED, -15)
        data = fixed + packed.compress(xml) + packed.flush() + zlib.crc32(xml).to_bytes(4, "little")
        path = out / f"{index:05d}.docx"
        temporary = out / f".{index:05d}.part"
        with open(temporary, "wb") as handle:
            handle.write(data)
        os.replace(temporary, path)  # as atomically as a letter must be written


def main() -> int:
    source, template_path, contexts_path, fixed_path, out, workers = sys.argv[1:7]
    if source.endswith(".xlsx"):  # a workbook's every row read by openpyxl, as fast as it reads
        import openpyxl

        book = openpyxl.load_workbook(source, read_only=True, data_only=True)
        for sheet in book.worksheets:
            for _row in sheet.iter_rows(values_only=True):
                pass
        book.close()
    else:
        with open(source, "rb") as handle:
            yaml.load(handle, Loader=yaml.CSafeLoader)  # the input is read, as it must be
    contexts = pickle.loads(Path(contexts_path).read_bytes())
    template = jinja2.Environment(autoescape=True).from_string(Path(template_path).read_text(encoding="utf-8"))
    fixed = Path(fixed_path).read_bytes()
    folder = Path(out)
    folder.mkdir(exist_ok=True)
    share = -(-len(contexts) // int(workers))
    children = []
    for worker in range(int(workers)):
        start = worker * share
        pid = os.fork()
        if pid == 0:
            _write(template, contexts[start : start + share], fixed, folder, start)
            os._exit(0)
        children.append(pid)
    failed = [pid for pid in children if os.waitpid(pid, 0)[1] != 0]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
