"""Rebuild the real-document corpus of issue 14 from bench/corpus.json.

    python bench/fetch_corpus.py OUT_DIR [--mirrors DIR] [--corpus bench/corpus.json]

The documents are other agencies' work and stay out of this repository: corpus.json lists
each one's GitHub repository, commit and path, and its sha256. For each entry this script
looks for a bare git mirror of the repository under MIRRORS (default /work/.mirror, laid out
as ``<owner>+<name>/repo``, as the search tool's ``fetch`` leaves it) and writes
``OUT_DIR/<id>.docx`` with ``git --git-dir=... show COMMIT:PATH``, then checks the sha256.

A script cannot fetch a repository itself (the search tool's ``fetch`` is an agent tool,
not a program). When a mirror is missing, the script prints the commands that rebuild the
file from an ordinary clone instead:

    git clone https://github.com/<owner>/<name> <clone>
    git -C <clone> show <commit>:<path> > OUT_DIR/<id>.docx

The commit is needed: some files were removed from the repository's newest tree.
Exit code 0 when every file is in place with the right sha256, 1 otherwise.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shlex
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", type=Path, help="folder for the documents (outside the repository)")
    ap.add_argument("--mirrors", type=Path, default=Path("/work/.mirror"))
    ap.add_argument("--corpus", type=Path, default=HERE / "corpus.json")
    args = ap.parse_args(argv)
    entries = json.loads(args.corpus.read_text(encoding="utf-8"))
    args.out.mkdir(parents=True, exist_ok=True)
    ok = missing = bad = 0
    for e in entries:
        target = args.out / f"{e['id']}.docx"
        if target.exists() and hashlib.sha256(target.read_bytes()).hexdigest() == e["sha256"]:
            ok += 1
            continue
        git_dir = args.mirrors / e["repo"].replace("/", "+") / "repo"
        spec = f"{e['commit']}:{e['path']}"
        if not git_dir.is_dir():
            missing += 1
            clone = f"/tmp/{e['repo'].replace('/', '+')}"
            print(f"# {e['id']}: no mirror at {git_dir}; from a clone:")
            print(f"git clone https://github.com/{e['repo']} {clone}  # once per repository")
            print(f"git -C {clone} show {shlex.quote(spec)} > {shlex.quote(str(target))}")
            continue
        run = subprocess.run(["git", f"--git-dir={git_dir}", "show", spec], capture_output=True)
        if run.returncode != 0:
            bad += 1
            print(f"{e['id']}: git show failed: {run.stderr.decode(errors='replace').strip()}", file=sys.stderr)
            continue
        if hashlib.sha256(run.stdout).hexdigest() != e["sha256"]:
            bad += 1
            print(f"{e['id']}: sha256 differs from corpus.json (LFS pointer or another version?)", file=sys.stderr)
            continue
        target.write_bytes(run.stdout)
        ok += 1
    print(f"{ok} in place, {missing} need a mirror or clone, {bad} failed; folder {args.out}")
    return 0 if ok == len(entries) else 1


if __name__ == "__main__":
    sys.exit(main())
