"""Bounded work (letter_gen.limits): templates that loop or compute too much, templates and
letters too big, each refused with the file, what is wrong and the limit, in bounded memory."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from letter_gen import limits
from letter_gen.checking.rules import check_bytes
from letter_gen.errors import InputError, TemplateError
from letter_gen.letters.bundled import template_path
from letter_gen.letters.render import PreparedTemplate
from letter_gen.letters.template_check import check_template

from .conftest import ROOT, SAMPLE
from .letters import prepared

MEMORY_MB = 300  # address space a command gets in these tests: a real letter needs far less


def _template(tmp_path: Path, tags: str, name: str = "mau.docx", extra: tuple[str, int] | None = None) -> Path:
    """The bundled template with ``tags`` after the signer's name (and an extra part of that size)."""
    path = tmp_path / name
    with zipfile.ZipFile(template_path("follow-up")) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/document.xml":
                data = data.replace(b"{{ signer_name }}", b"{{ signer_name }}" + tags.encode(), 1)
            target.writestr(info, data)
        if extra is not None:
            with target.open(zipfile.ZipInfo(extra[0]), "w", force_zip64=True) as part:
                chunk = b"\0" * limits.MiB
                for _ in range(extra[1] // limits.MiB):
                    part.write(chunk)
    return path


def _run(*args: str, memory_mb: int = MEMORY_MB, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """`letter-gen ARGS` in a process whose address space is limited to ``memory_mb``."""
    code = (
        "import resource, sys\n"
        f"resource.setrlimit(resource.RLIMIT_AS, ({memory_mb << 20}, {memory_mb << 20}))\n"
        "from letter_gen.cli import main\n"
        "sys.argv = ['letter-gen', *sys.argv[1:]]\n"
        "main()\n"
    )
    return subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout)


def _readme() -> str:
    return (ROOT / "README.md").read_text(encoding="utf-8")


def _documented(message: str, path: Path) -> None:
    """The message, after its file name, is the README's line for the case."""
    assert message.startswith(f"{path}: ")
    assert message[len(str(path)) + 2 :].replace("|", "\\|") in _readme(), "README's table is out of date"


def test_nested_range_loops_stop_at_the_iteration_limit(tmp_path):
    template = _template(tmp_path, "{% for a in range(99999) %}{% for b in range(99999) %}{% endfor %}{% endfor %}")
    result = _run("render", str(SAMPLE), "-o", str(tmp_path / "out.docx"), "--template", str(template), timeout=60)
    assert result.returncode == 1, result.stderr
    message = result.stderr.strip().splitlines()[-1]
    assert "the template's loops ran 1,000,001 times, more than a letter may (1,000,000 at most)" in message
    _documented(message.removeprefix("error: "), template)
    assert not (tmp_path / "out.docx").exists()


@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        ("{{ year ** year ** year }}", "'**' in the template would make 44,852,053 bits, more than a template may (100,000 at most)"),
        ("{{ 'x' * 300000000 }}", "'*' in the template would make 300,000,000 characters, more than a template may (1,000,000 at most)"),
        ("{{ 'x' * 3000000000 }}", "'*' in the template would make 3,000,000,000 characters, more than a template may (1,000,000 at most)"),
        ("{{ 'x'.ljust(300000000) }}", "a call in the template would make 300,000,000 characters"),
        ("{{ 'x'|center(300000000) }}", "the filter 'center' would make 300,000,000 characters"),
        ("{% set ns = namespace(x='x') %}{% for i in range(40) %}{% set ns.x = ns.x ~ ns.x %}{% endfor %}", "namespace attribute 'x' would make 1,048,576 characters"),
    ],
    ids=["power", "multiplication", "multiplication-3e9", "ljust", "center", "doubling"],
)
def test_a_template_computing_too_big_a_value_is_refused_in_bounded_memory(tmp_path, tags, expected):
    template = _template(tmp_path, tags)
    result = _run("render", str(SAMPLE), "-o", str(tmp_path / "out.docx"), "--template", str(template))
    assert result.returncode == 1, result.stderr
    assert expected in result.stderr and str(template) in result.stderr and "Traceback" not in result.stderr
    if tags == "{{ year ** year ** year }}":
        _documented(result.stderr.strip().splitlines()[-1].removeprefix("error: "), template)


def test_template_check_reports_a_constant_too_big_without_computing_it(tmp_path):
    template = _template(tmp_path, "{{ 'x' * 300000000 }}")
    result = _run("template", "check", str(template))
    assert result.returncode == 1, result.stderr + result.stdout
    assert "'*' in the template would make 300,000,000 characters, more than a template may (1,000,000 at most)" in result.stdout
    assert "no problems found" not in result.stdout
    assert [p.kind for p in check_template(template)] == ["too-large"]


def test_a_letter_that_would_grow_too_big_is_refused_while_it_renders():
    loop = "{% for i in range(100) %}{{ 'x' * 999999 }}{% endfor %}"
    template = PreparedTemplate.__new__(PreparedTemplate)  # the bundled template with a loop added
    base = prepared()
    template.__dict__.update(base.__dict__)
    part = base._parts[0]
    template._parts = [type(part)(part.name, base._environment.from_string(loop))]
    with pytest.raises(TemplateError, match=r"the template does too much: the part would hold more than 33,554,432 characters"):
        template.render_context({})


def test_a_template_with_a_huge_part_is_refused_from_its_directory(tmp_path):
    template = _template(tmp_path, "", extra=("word/media/image9.png", 40 * limits.MiB))
    with pytest.raises(TemplateError) as caught:
        PreparedTemplate(template)
    assert caught.value.message == (
        f"{template}: the template is too big: word/media/image9.png unpacks to 40.0 MB, more than a part may hold (32.0 MB at most)"
    )
    _documented(caught.value.message, template)
    assert [p.kind for p in check_template(template)] == ["too-large"]
    result = _run("render", str(SAMPLE), "-o", str(tmp_path / "out.docx"), "--template", str(template))
    assert result.returncode == 1 and "unpacks to 40.0 MB" in result.stderr


def test_check_refuses_a_huge_document_before_parsing_it(tmp_path):
    letter = tmp_path / "cong-van.docx"
    with zipfile.ZipFile(letter, "w", zipfile.ZIP_DEFLATED) as target:
        target.writestr("[Content_Types].xml", "<Types/>")
        with target.open(zipfile.ZipInfo("word/document.xml"), "w", force_zip64=True) as part:
            paragraph = b"<w:p><w:r><w:t>" + b"x" * 1000 + b"</w:t></w:r></w:p>"
            for _ in range(70 * 1024):
                part.write(paragraph[:1024])
    result = _run("check", str(letter))
    assert result.returncode == 1, result.stderr
    message = result.stderr.strip().splitlines()[-1].removeprefix("error: ")
    assert message == f"{letter}: too big to be a letter: word/document.xml unpacks to 70.0 MB, more than a part may hold (64.0 MB at most)"
    _documented(message, letter)
    with pytest.raises(InputError, match="too big to be a letter"):
        check_bytes(letter.read_bytes(), str(letter))


def test_real_letters_and_templates_stay_far_inside_the_limits(tmp_path):
    from letter_gen.inputs.formats import load_input
    from letter_gen.letters.compose import compose

    data = prepared().render(compose(load_input(SAMPLE), "consolidated"))
    assert len(data) < limits.LETTER_BYTES / 100
    assert check_template(_template(tmp_path, "{{ (body|length) * 2 }}{{ 'ab' * 3 }}{{ 2 ** 10 }}")) == []
