"""Throughput benchmark: letter_gen against plain docxtpl and per-file soffice, side by side.

    python bench/run.py [--letters 1000] [--pdf-letters 40] [--rss-letters 10000] [--json bench/results.json]

In one run on one machine it measures:
  (a) the plain docxtpl loop (open the template, render with autoescape, save; per letter)
      against (b) letter_gen's batch path, on the same per-unit letters, and checks that
      both give the same document text;
  (c) one ``soffice --convert-to pdf`` start per letter against (d) letter_gen's converter pool;
  peak memory (RSS, the whole process tree) of a docx batch of --rss-letters letters (inputs
  of 500 letters each, as a period's many inspection rounds) and of one a fifth that size, to
  show it does not grow with N;
  the start-up time of ``letter-gen --help``.
Results go to stdout and to a JSON file. Targets (issue 5): (b)/(a) ≥ 25, (d)/(c) ≥ 8,
peak RSS < 250 MB and flat, --help < 0.3 s.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.rounds import make_round  # noqa: E402  (realistic Vietnamese inspection data)

from letter_gen.output.batch import BatchOptions, run_batch  # noqa: E402
from letter_gen.output.manifest import read_manifest  # noqa: E402
from letter_gen.letters.compose import compose, letters_of  # noqa: E402
from letter_gen.inputs.formats import load_input  # noqa: E402
from letter_gen.letters.bundled import template_path  # noqa: E402

TARGETS = {"docx_ratio": 25.0, "pdf_ratio": 8.0, "rss_mb": 250.0, "help_s": 0.3}
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--letters", type=int, default=1000, help="letters for the docx comparison (default 1000)")
    parser.add_argument("--pdf-letters", type=int, default=40, help="letters for the PDF comparison (default 40)")
    parser.add_argument("--rss-letters", type=int, default=10000, help="letters for the memory measure (default 10000)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="workers for letter_gen (default: cores)")
    parser.add_argument("--json", type=Path, default=ROOT / "bench" / "results.json", help="where to write the results")
    args = parser.parse_args()

    results: dict[str, object] = {"machine": _machine(), "workers": args.workers}
    with tempfile.TemporaryDirectory(prefix="letter-gen-bench-") as tmp:
        work = Path(tmp)
        source = _input(work, args.letters)
        results["docx"] = docx_comparison(source, work, args.workers)
        if shutil.which("soffice"):
            results["pdf"] = pdf_comparison(work / "letter_gen", args.pdf_letters, work, args.workers)
        else:
            results["pdf"] = {"skipped": "LibreOffice (soffice) is not installed"}
        results["memory"] = memory(work, args.rss_letters, args.workers)
        results["startup"] = startup()
    results["targets"] = _verdicts(results)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    _print(results)
    print(f"\nresults written to {args.json}")
    return 0 if all(v["met"] for v in results["targets"].values()) else 1  # type: ignore[union-attr]


def _input(work: Path, letters: int, name: str = "round", seed: int = 11) -> Path:
    """An inspection round whose per-unit letters number exactly ``letters``."""
    units = letters + letters // 6 + 7  # every 7th generated unit has nothing to fix
    data = make_round(units=units, seed=seed)
    kept = [u for u in data["units"] if u["findings"] or u["actions"]][:letters]
    data["units"] = kept
    path = work / f"{name}.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def docx_comparison(source: Path, work: Path, workers: int) -> dict[str, object]:
    """(a) plain docxtpl loop vs (b) letter_gen batch, same per-unit letters."""
    from docxtpl import DocxTemplate
    from jinja2 import Environment

    round_ = load_input(source)
    contexts = [compose(round_, mode, unit).context() for mode, unit in letters_of(round_, "per-unit")]
    plain_dir = work / "plain"
    plain_dir.mkdir()
    template = str(template_path("follow-up"))
    started = time.perf_counter()
    for index, context in enumerate(contexts):
        document = DocxTemplate(template)
        document.render(context, Environment(autoescape=True), autoescape=True)
        document.save(str(plain_dir / f"{index:05d}.docx"))
    plain_s = time.perf_counter() - started
    # Flush the plain loop's files before timing ours: letter_gen syncs its letters to disk at
    # the end of a batch, and must not pay for writing the other loop's files too.
    os.sync()

    ours_dir = work / "letter_gen"
    started = time.perf_counter()
    summary = run_batch([source], BatchOptions(out_dir=ours_dir, mode="per-unit", workers=workers))
    ours_s = time.perf_counter() - started
    assert summary.failed == 0 and summary.written == len(contexts), summary.failures

    manifest = read_manifest(ours_dir)
    plain_files = sorted(plain_dir.glob("*.docx"))
    same = all(
        _document_text(plain) == _document_text(ours_dir / row["path"]) for plain, row in zip(plain_files, manifest)
    )
    n = len(contexts)
    return {
        "letters": n,
        "plain_docxtpl_s": round(plain_s, 3),
        "letter_gen_s": round(ours_s, 3),
        "plain_letters_per_s": round(n / plain_s, 1),
        "letter_gen_letters_per_s": round(n / ours_s, 1),
        "ratio": round(plain_s / ours_s, 1),
        "same_text": same,
    }


def _document_text(path: Path) -> list[str]:
    from lxml import etree

    with zipfile.ZipFile(path) as zipped:
        root = etree.fromstring(zipped.read("word/document.xml"))
    return ["".join(t.text or "" for t in p.iter(f"{_W}t")) for p in root.iter(f"{_W}p")]


def pdf_comparison(letters_dir: Path, count: int, work: Path, workers: int) -> dict[str, object]:
    """(c) one soffice start per letter vs (d) letter_gen's converter pool."""
    from letter_gen.libreoffice import ConverterPool

    docs = sorted(letters_dir.glob("*.docx"))[:count]
    single_dir, pool_dir = work / "pdf-single", work / "pdf-pool"
    single_dir.mkdir()
    pool_dir.mkdir()
    started = time.perf_counter()
    for doc in docs:
        with tempfile.TemporaryDirectory() as profile:
            subprocess.run(
                ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                 "--outdir", str(single_dir), str(doc)],
                check=True, capture_output=True, timeout=120,
            )
    single_s = time.perf_counter() - started
    started = time.perf_counter()
    with ConverterPool(workers=workers) as pool:
        results = pool.convert(docs, out_dir=pool_dir)
    pool_s = time.perf_counter() - started
    failed = [r for r in results if r.error]
    return {
        "letters": len(docs),
        "soffice_per_file_s": round(single_s, 2),
        "pool_s": round(pool_s, 2),
        "ratio": round(single_s / pool_s, 1),
        "failed": len(failed),
        "note": "the per-file loop gives each start a fresh profile, as a script without a pool would",
    }


def memory(work: Path, letters: int, workers: int) -> dict[str, object]:
    """Peak RSS of the whole process tree of `letter-gen batch`, at N/5 and at N letters."""
    small = max(100, letters // 5)
    return {
        "letters": letters,
        "peak_rss_mb": _batch_rss(work, letters, workers),
        "smaller_letters": small,
        "smaller_peak_rss_mb": _batch_rss(work, small, workers),
    }


def _batch_rss(work: Path, letters: int, workers: int) -> float:
    # A period's batch is many inspection rounds: files of 500 letters each.
    folder = work / f"rss-{letters}"
    inputs = folder / "inputs"
    inputs.mkdir(parents=True)
    for index in range(0, letters, 500):
        _input(inputs, min(500, letters - index), name=f"round-{index // 500:03d}", seed=index)
    out = folder / "out"
    process = subprocess.Popen(
        [sys.executable, "-m", "letter_gen", "batch", str(inputs), "--out", str(out), "--mode", "per-unit",
         "--workers", str(workers)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss(process.pid))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample)
    sampler.start()
    _, err = process.communicate()
    done.set()
    sampler.join()
    if process.returncode != 0:
        raise RuntimeError(err.decode())
    shutil.rmtree(out)
    return round(peak / 1024 / 1024, 1)


def _tree_rss(pid: int) -> int:
    """Resident bytes of a process and all its descendants (Linux /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            status = (entry / "status").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
        match = re.search(r"VmRSS:\s+(\d+) kB", status)
        rss[int(entry.name)] = int(match.group(1)) * 1024 if match else 0
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        total += rss.get(current, 0)
        stack.extend(children.get(current, []))
    return total


def startup() -> dict[str, object]:
    """Median wall time of `letter-gen --help` over 10 runs."""
    command = shutil.which("letter-gen") or ""
    argv = [command, "--help"] if command else [sys.executable, "-m", "letter_gen", "--help"]
    times = []
    for _ in range(10):
        started = time.perf_counter()
        subprocess.run(argv, check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return {"command": " ".join(Path(a).name for a in argv), "median_s": round(statistics.median(times), 3)}


def _verdicts(results: dict[str, object]) -> dict[str, dict[str, object]]:
    docx, pdf, mem, start = (results[k] for k in ("docx", "pdf", "memory", "startup"))
    assert isinstance(docx, dict) and isinstance(pdf, dict) and isinstance(mem, dict) and isinstance(start, dict)
    verdicts: dict[str, dict[str, object]] = {
        "docx_ratio": {"value": docx["ratio"], "target": f">= {TARGETS['docx_ratio']}", "met": docx["ratio"] >= TARGETS["docx_ratio"] and docx["same_text"]},
        "rss_mb": {
            "value": mem["peak_rss_mb"], "target": f"< {TARGETS['rss_mb']}, flat",
            "met": mem["peak_rss_mb"] < TARGETS["rss_mb"] and mem["peak_rss_mb"] < 1.25 * mem["smaller_peak_rss_mb"],
        },
        "help_s": {"value": start["median_s"], "target": f"< {TARGETS['help_s']}", "met": start["median_s"] < TARGETS["help_s"]},
    }
    if "ratio" in pdf:
        verdicts["pdf_ratio"] = {"value": pdf["ratio"], "target": f">= {TARGETS['pdf_ratio']}", "met": pdf["ratio"] >= TARGETS["pdf_ratio"] and pdf["failed"] == 0}
    return verdicts


def _machine() -> dict[str, object]:
    cpu = ""
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "python": platform.python_version(), "system": platform.platform()}


def _print(results: dict[str, object]) -> None:
    docx, pdf, mem, start = (results[k] for k in ("docx", "pdf", "memory", "startup"))
    assert isinstance(docx, dict) and isinstance(pdf, dict) and isinstance(mem, dict) and isinstance(start, dict)
    print(f"machine: {results['machine']}")
    print(f"docx, {docx['letters']} letters: plain docxtpl {docx['plain_letters_per_s']}/s, "
          f"letter_gen {docx['letter_gen_letters_per_s']}/s: {docx['ratio']}x (same text: {docx['same_text']})")
    if "ratio" in pdf:
        print(f"pdf, {pdf['letters']} letters: soffice per file {pdf['soffice_per_file_s']} s, "
              f"pool {pdf['pool_s']} s: {pdf['ratio']}x ({pdf['failed']} failed)")
    else:
        print(f"pdf: {pdf['skipped']}")
    print(f"memory: peak RSS {mem['peak_rss_mb']} MB for {mem['letters']} letters, "
          f"{mem['smaller_peak_rss_mb']} MB for {mem['smaller_letters']}")
    print(f"start-up: {start['command']} median {start['median_s']} s")
    for name, verdict in results["targets"].items():  # type: ignore[union-attr]
        print(f"  {name}: {verdict['value']} (target {verdict['target']}): {'met' if verdict['met'] else 'NOT MET'}")


if __name__ == "__main__":
    sys.exit(main())
