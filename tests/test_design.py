"""The shape of the code: typed, one click module, a library that never prints."""

from __future__ import annotations

import re
import subprocess
import sys

from .conftest import ROOT

PACKAGE = ROOT / "letter_gen"


def test_the_library_type_checks_with_mypy():
    result = subprocess.run([sys.executable, "-m", "mypy", "letter_gen"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


def test_only_the_cli_imports_click():
    importers = sorted(p.name for p in PACKAGE.glob("*.py") if re.search(r"^\s*(import click|from click)", p.read_text(encoding="utf-8"), re.M))
    assert importers == ["cli.py"]


def test_the_library_never_prints():
    # build_template.py is a script as well as a module: its main() reports the file it wrote.
    printers = sorted(
        p.name for p in PACKAGE.glob("*.py")
        if p.name not in ("cli.py", "build_template.py") and re.search(r"\bprint\(", p.read_text(encoding="utf-8"))
    )
    assert printers == []
