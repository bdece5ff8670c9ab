"""The shape of the code: typed, linted, layered, one click module, a library that never prints."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

from .conftest import ROOT

PACKAGE = ROOT / "letter_gen"
SOURCES = sorted(PACKAGE.rglob("*.py"))

#: Modules every layer may use; they import no subpackage.
BASE = {"errors", "fileio", "vn", "metrics", "decree30", "libreoffice", "i18n", "ooxml", "interrupts", "limits", "__init__"}
#: What each subpackage may import besides the base modules and itself.
ALLOWED: dict[str, set[str]] = {
    "base": set(),
    "inputs": set(),
    "letters": {"inputs"},
    "checking": set(),
    "register": {"inputs", "letters"},
    "signing": set(),  # signs PDFs: knows nothing of how letters are made
    "tracking": {"inputs", "letters", "register"},
    "output": {"inputs", "letters", "checking", "register", "signing", "tracking"},
    "cli": {"inputs", "letters", "checking", "register", "signing", "output", "tracking"},
}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1 or parts[1] in BASE:
        return "base"
    if parts[1] in ("cli", "__main__"):
        return "cli"
    return parts[1]


def imports_of(path: Path) -> set[str]:
    """The letter_gen modules a file imports, at any depth of the file (functions included)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            base = node.module if node.level == 0 else _relative(path, node.module, node.level)
            submodules = {f"{base}.{a.name}" for a in node.names} & MODULES.keys()  # "from letter_gen import vn"
            found |= submodules
            if len(submodules) < len(node.names):  # names defined in the module (or package) itself
                found.add(base)
    return {m for m in found if m.split(".")[0] == "letter_gen"}


def _relative(path: Path, module: str, level: int) -> str:
    package = module_name(path).split(".")
    package = package if path.name == "__init__.py" else package[:-1]
    return ".".join(package[: len(package) - level + 1] + [module])


MODULES = {module_name(p): p for p in SOURCES}
GRAPH = {m: {i for i in imports_of(p) if i in MODULES and i != m and i != "letter_gen"} for m, p in MODULES.items()}


def test_the_library_type_checks_with_mypy():
    result = subprocess.run([sys.executable, "-m", "mypy", "letter_gen"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


def test_the_code_passes_ruff():
    # Configured in pyproject.toml; `ruff check --fix letter_gen tests` repairs most findings.
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "letter_gen", "tests"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_only_the_cli_imports_click():
    importers = sorted(
        str(p.relative_to(PACKAGE)) for p in SOURCES
        if re.search(r"^\s*(import click|from click)", p.read_text(encoding="utf-8"), re.M)
    )  # fmt: skip
    assert importers == ["cli.py"]


def test_the_library_never_prints():
    # letters/rebuild.py is a script: its main() reports the files it wrote.
    printers = sorted(
        str(p.relative_to(PACKAGE)) for p in SOURCES
        if str(p.relative_to(PACKAGE)) not in ("cli.py", "letters/rebuild.py")
        and re.search(r"\bprint\(", p.read_text(encoding="utf-8"))
    )  # fmt: skip
    assert printers == []


def test_each_layer_imports_only_the_layers_below_it():
    wrong = []
    for module, imported in GRAPH.items():
        allowed = {"base", layer(module)} | ALLOWED[layer(module)]
        wrong += [f"{module} imports {i}" for i in sorted(imported) if layer(i) not in allowed]
    assert wrong == []


def test_the_base_modules_import_no_subpackage():
    for module, imported in GRAPH.items():
        if layer(module) == "base":
            assert {layer(i) for i in imported} <= {"base"}, module


def test_nothing_imports_the_cli_but_main():
    importers = sorted(m for m, imported in GRAPH.items() if "letter_gen.cli" in imported)
    assert importers == ["letter_gen.__main__"]


def test_there_are_no_import_cycles():
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1 visiting, 2 done

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for nxt in sorted(GRAPH[module]):
            if state.get(nxt) == 1:
                cycles.append(path[path.index(nxt) :] + [nxt])
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[module] = 2

    for module in sorted(GRAPH):
        if module not in state:
            visit(module, [module])
    assert cycles == []


def test_the_layering_test_sees_every_subpackage():
    assert {layer(m) for m in MODULES} == set(ALLOWED)
    assert GRAPH["letter_gen.checking.rules"] >= {"letter_gen.checking.laid_out", "letter_gen.decree30"}


def test_an_install_with_pip_target_finds_its_bundled_template_and_renders_the_sample(tmp_path):
    # pip install --target (and --user) put the package without its source tree beside it: the
    # bundled template must travel inside the package (importlib.resources), not in share/.
    target = tmp_path / "site"
    build = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation", "--target", str(target), str(ROOT)],
        capture_output=True, text=True, timeout=300,
    )
    assert build.returncode == 0, build.stderr
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**__import__("os").environ, "PYTHONPATH": str(target), "XDG_DATA_HOME": str(tmp_path / "data")}
    script = "import letter_gen, sys; print(letter_gen.__file__); from letter_gen.cli import main; sys.argv = ['letter-gen', *sys.argv[1:]]; main()"
    result = subprocess.run(
        [sys.executable, "-c", script, "render", str(ROOT / "data" / "cchc-2021.yaml"), "-o", "letter.docx"],
        cwd=elsewhere, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(str(target)) and (elsewhere / "letter.docx").stat().st_size > 10_000
    # The Vietnamese catalogs travel as package data too: the clerk's language, installed.
    assert {p.name for p in (target / "letter_gen" / "locale" / "vi" / "LC_MESSAGES").glob("*.mo")} == {"letter_gen.mo", "click.mo"}
    vi = subprocess.run(
        [sys.executable, "-c", script, "render", str(ROOT / "data" / "cchc-2021.yaml"), "-o", "letter.docx"],
        cwd=elsewhere, env={**env, "LETTER_GEN_LANG": "vi"}, capture_output=True, text=True, timeout=120,
    )
    assert vi.stdout.splitlines()[-1] == "không đổi: letter.docx (gửi mọi đơn vị, bản dự thảo)", vi.stdout


def _modules_after(tmp_path: Path, *argv: str) -> set[str]:
    """The modules a ``letter-gen`` process has loaded when its command is done."""
    script = (
        "import sys\nfrom letter_gen.cli import main\n"
        f"try:\n    main({list(argv)!r})\nexcept SystemExit as done:\n    assert not done.code, done.code\n"
        "print(' '.join(sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return set(result.stdout.splitlines()[-1].split())


def test_help_and_render_leave_the_heavy_libraries_they_do_not_need_unloaded(tmp_path):
    # Start-up time (issue 17: --help < 0.3 s, render < 0.25 s) is mostly imports.
    helped = _modules_after(tmp_path, "--help")
    assert not helped & {"pydantic", "docx", "docxtpl", "jinja2", "lxml", "yaml", "pypdf", "openpyxl", "platformdirs"}
    rendered = _modules_after(tmp_path, "render", str(ROOT / "data" / "cchc-2021.yaml"), "-o", str(tmp_path / "a.docx"))
    assert (tmp_path / "a.docx").is_file() and {"pydantic", "docxtpl", "jinja2"} <= rendered
    assert not rendered & {"pypdf", "openpyxl", "letter_gen.checking.laid_out"}
    # a draft takes no number: the register, its tracking and their libraries stay unloaded
    assert not rendered & {"sqlite3", "tomllib", "letter_gen.register.store", "letter_gen.register.issuing", "letter_gen.tracking.store"}


def _private_imports(path: Path) -> list[str]:
    """``from letter_gen.x import _name`` (or ``x._name`` through an imported module) in another module."""
    this = module_name(path)
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[str] = []
    modules_as: dict[str, str] = {}  # a letter_gen module imported under a local name
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            base = node.module if node.level == 0 else _relative(path, node.module, node.level)
            if base.split(".")[0] != "letter_gen":
                continue
            for alias in node.names:
                full = f"{base}.{alias.name}"
                if full in MODULES:
                    modules_as[alias.asname or alias.name] = full
                elif alias.name.startswith("_") and alias.name != "_" and base != this:
                    found.append(f"{this} imports {alias.name} from {base}")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in MODULES and alias.asname:
                    modules_as[alias.asname] = alias.name
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in modules_as
            and node.attr.startswith("_") and not node.attr.startswith("__") and modules_as[node.value.id] != this
        ):  # fmt: skip
            found.append(f"{this} uses {node.attr} of {modules_as[node.value.id]}")
    return found


def test_no_module_imports_a_private_name_from_another():
    # a name another module needs is part of a module's interface: give it a public name and a docstring
    found = [line for path in SOURCES for line in _private_imports(path)]
    assert found == []


def test_the_garbage_collector_rests_only_while_the_first_command_starts(tmp_path):
    # Issue 17: start-up's objects are walked by no collection (frozen once, by the process's first
    # command), and the command's own work is collected as usual (the collector runs again).
    out = tmp_path / "a.docx"
    script = (
        "import gc, sys\nfrom letter_gen.cli import main\n"
        "def run(*argv):\n    try:\n        main(list(argv))\n    except SystemExit as done:\n        assert not done.code, done.code\n"
        f"run('render', {str(ROOT / 'data' / 'cchc-2021.yaml')!r}, '-o', {str(out)!r})\n"
        "print('after render:', gc.isenabled(), gc.get_freeze_count() > 10_000)\n"
        "frozen = gc.get_freeze_count()\n"
        f"run('check', {str(out)!r})\n"  # frozen again, it would hold the check's libraries too
        "print('after check:', gc.isenabled(), gc.get_freeze_count() <= frozen)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert [line for line in result.stdout.splitlines() if line.startswith("after")] == ["after render: True True", "after check: True True"]


def test_the_garbage_collector_runs_again_whatever_ends_a_command_before_its_work(tmp_path):
    # A program (or a test) calling main goes on with the collector on: help, an unknown command,
    # a missing input file, render's help all end before the command's work starts.
    script = (
        "import gc\nfrom letter_gen.cli import main\n"
        "for argv in (['--help'], ['no-such-command'], ['render', '--help'], ['render', 'missing.yaml']):\n"
        "    try:\n        main(argv)\n    except SystemExit:\n        pass\n"
        "    print('after', argv[0], gc.isenabled())\n"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert [line for line in result.stdout.splitlines() if line.startswith("after")] == [
        "after --help True", "after no-such-command True", "after render True", "after render True"
    ]
