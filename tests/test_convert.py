"""PDF conversion through a pool of LibreOffice workers (letter_gen.libreoffice).

These tests run the real LibreOffice (CI installs it; they are not skipped). Faults are
simulated with small shell scripts named by $LETTER_GEN_SOFFICE that log, crash, hang or
exec the real soffice.
"""

from __future__ import annotations

import os
import re
import stat
import tempfile
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest
from docx import Document
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from letter_gen.errors import ConversionError
from letter_gen.libreoffice import (
    SOFFICE_ENV,
    ConversionResult,
    ConverterPool,
    combine_pdfs,
    convert_files,
    find_soffice,
)

MOTTO = "Độc lập - Tự do - Hạnh phúc"

MakeLetters = Callable[..., list[Path]]


@pytest.fixture
def make_letters(tmp_path: Path) -> MakeLetters:
    """Factory writing ``count`` small công văn .docx files; ``pages`` sets page counts."""

    def make(count: int = 1, *, pages: list[int] | None = None, folder: str = "letters") -> list[Path]:
        out = tmp_path / folder
        out.mkdir(exist_ok=True)
        paths = []
        for i in range(count):
            doc = Document()
            doc.add_paragraph("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
            doc.add_paragraph(MOTTO)
            doc.add_paragraph(f"Số: {i + 1:03d}/UBND-VP")
            for page in range(1, (pages[i] if pages else 1)):
                doc.add_page_break()  # type: ignore[no-untyped-call]
                doc.add_paragraph(f"Trang {page + 1}")
            path = out / f"Công văn {i + 1:02d}.docx"
            doc.save(str(path))
            paths.append(path)
        return paths

    return make


@pytest.fixture
def real_soffice(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.delenv(SOFFICE_ENV, raising=False)
    return find_soffice()


@pytest.fixture
def fake_soffice(tmp_path: Path, real_soffice: str, monkeypatch: pytest.MonkeyPatch) -> Callable[[str], Path]:
    """Install a /bin/sh script as soffice. In ``body``: $REAL, $LOG (one line per start,
    the script's pid = its process group), $MARK (mkdir $MARK succeeds only once) and
    $out (the --outdir argument)."""

    def install(body: str) -> Path:
        script = tmp_path / "fake-soffice"
        script.write_text(
            "#!/bin/sh\n"
            f"REAL='{real_soffice}'\nLOG='{tmp_path / 'starts.log'}'\nMARK='{tmp_path / 'first-call'}'\n"
            'echo $$ >> "$LOG"\n'
            'out=""; prev=""; for a in "$@"; do [ "$prev" = "--outdir" ] && out="$a"; prev="$a"; done\n'
            + body
            + "\n"
        )
        script.chmod(script.stat().st_mode | stat.S_IXUSR)
        monkeypatch.setenv(SOFFICE_ENV, str(script))
        return tmp_path / "starts.log"

    return install


def _text(pdf: Path) -> str:
    text = "".join(page.extract_text() for page in PdfReader(pdf).pages)
    return unicodedata.normalize("NFC", text)


def _xmp(pdf: Path) -> str:
    """The PDF's XMP metadata packet ('' when it has none)."""
    root = PdfReader(pdf).trailer["/Root"].get_object()
    assert isinstance(root, DictionaryObject)
    meta = root.get("/Metadata")
    return meta.get_object().get_data().decode("utf-8") if meta is not None else ""


def _assert_valid_pdf(result: ConversionResult) -> None:
    assert result.error is None, result.error
    assert result.pdf is not None and result.pdf.is_file()
    data = result.pdf.read_bytes()
    assert data.startswith(b"%PDF-") and b"%%EOF" in data[-1024:]


def _starts(log: Path) -> list[int]:
    return [int(line) for line in log.read_text().split()] if log.exists() else []


def _gone(pgid: int) -> bool:
    """True when no live process is left in process group ``pgid``; zombies are dead
    (orphans wait there until init reaps them, which some container inits do late)."""
    proc = Path("/proc")
    if not proc.is_dir():
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        return False
    for stat_file in proc.glob("[0-9]*/stat"):
        try:
            fields = stat_file.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # exited while we looked
        if int(fields[2]) == pgid and fields[0] != "Z":
            return False
    return True


def test_converts_each_letter_to_a_pdf_beside_it_containing_its_text(
    make_letters: MakeLetters, real_soffice: str
) -> None:
    letters = make_letters(4)
    seen: list[ConversionResult] = []
    with ConverterPool(workers=2) as pool:
        results = pool.convert(letters, on_done=seen.append)
    assert [r.source for r in results] == letters  # input order, whatever the finishing order
    assert sorted(map(str, (r.source for r in seen))) == sorted(map(str, letters))
    for number, (letter, result) in enumerate(zip(letters, results), start=1):
        _assert_valid_pdf(result)
        assert result.pdf == letter.with_suffix(".pdf")
        assert result.attempts == 1
        text = _text(result.pdf)
        assert MOTTO in text and f"{number:03d}/UBND-VP" in text


def test_one_libreoffice_process_converts_many_letters(
    make_letters: MakeLetters, fake_soffice: Callable[[str], Path], tmp_path: Path
) -> None:
    log = fake_soffice('exec "$REAL" "$@"')
    letters = make_letters(8)
    results = convert_files(letters, workers=2, out_dir=tmp_path / "pdf")
    assert all(r.pdf == tmp_path / "pdf" / f"{r.source.stem}.pdf" for r in results)
    for result in results:
        _assert_valid_pdf(result)
    assert len(_starts(log)) <= 2  # one per worker, not one per letter


def test_missing_libreoffice_raises_conversion_error_with_install_hint(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(SOFFICE_ENV, str(tmp_path / "no-such-soffice"))
    with pytest.raises(ConversionError) as caught:
        ConverterPool()
    assert "apt-get install libreoffice-writer-nogui fonts-liberation2" in caught.value.message
    assert "\n" not in caught.value.message
    with pytest.raises(ConversionError):
        convert_files([tmp_path / "a.docx"])


def test_two_letters_with_the_same_name_into_one_folder_are_refused(
    make_letters: MakeLetters, real_soffice: str, tmp_path: Path
) -> None:
    first = make_letters(1, folder="a")
    second = make_letters(1, folder="b")
    with ConverterPool(workers=1) as pool, pytest.raises(ConversionError, match="same PDF"):
        pool.convert(first + second, out_dir=tmp_path / "out")


def test_worker_that_crashes_on_start_is_replaced_and_every_pdf_is_written(
    make_letters: MakeLetters, fake_soffice: Callable[[str], Path]
) -> None:
    log = fake_soffice('if mkdir "$MARK" 2>/dev/null; then exit 3; fi\nexec "$REAL" "$@"')
    letters = make_letters(4)
    with ConverterPool(workers=2) as pool:
        results = pool.convert(letters)
    for result in results:
        _assert_valid_pdf(result)
    assert len(_starts(log)) >= 3  # the crash really happened and was recovered from


def test_worker_killed_mid_batch_keeps_finished_pdfs_and_converts_the_rest(
    make_letters: MakeLetters, fake_soffice: Callable[[str], Path]
) -> None:
    # First start: run the real LibreOffice, and SIGKILL its whole process group as soon
    # as it has written two PDFs (the second may be half-written).
    log = fake_soffice(
        'if mkdir "$MARK" 2>/dev/null; then\n'
        '  "$REAL" "$@" &\n'
        '  while [ "$(ls "$out" | wc -l)" -lt 2 ]; do sleep 0.02; done\n'
        "  kill -9 0\n"
        "fi\n"
        'exec "$REAL" "$@"'
    )
    letters = make_letters(6)
    with ConverterPool(workers=1) as pool:
        results = pool.convert(letters)
    for result in results:
        _assert_valid_pdf(result)
        assert MOTTO in _text(result.pdf)  # type: ignore[arg-type]
    starts = _starts(log)
    assert _gone(starts[0])  # no LibreOffice left behind from the killed run
    # Only the letter LibreOffice was working on is charged a second attempt.
    assert sum(r.attempts for r in results) <= len(letters) + 1
    assert len(starts) <= 3


def test_hanging_worker_is_killed_after_the_timeout_and_its_letters_retried(
    make_letters: MakeLetters, fake_soffice: Callable[[str], Path]
) -> None:
    # The hung process has a child, as oosplash has soffice.bin: both must be killed.
    log = fake_soffice('if mkdir "$MARK" 2>/dev/null; then sleep 300 & exec sleep 300; fi\nexec "$REAL" "$@"')
    letters = make_letters(3)
    started = time.monotonic()
    with ConverterPool(workers=1, timeout=4, startup_timeout=4) as pool:
        results = pool.convert(letters)
    assert time.monotonic() - started < 60
    for result in results:
        _assert_valid_pdf(result)
    assert max(r.attempts for r in results) == 2
    assert _gone(_starts(log)[0])  # the hung process was killed, not abandoned


def test_letters_of_a_libreoffice_that_always_hangs_are_reported_failed_and_old_pdfs_kept(
    make_letters: MakeLetters, fake_soffice: Callable[[str], Path]
) -> None:
    log = fake_soffice("sleep 300 & exec sleep 300")
    letters = make_letters(3)
    old = letters[0].with_suffix(".pdf")
    old.write_bytes(b"%PDF-1.4 previous version")
    started = time.monotonic()
    with ConverterPool(workers=1, timeout=0.5, startup_timeout=0.5) as pool:
        results = pool.convert(letters)
    assert time.monotonic() - started < 20  # gives up instead of a timeout per letter forever
    for result in results:
        assert result.pdf is None
        assert result.error is not None and result.error.startswith(result.source.name)
        assert "no progress" in result.error
    assert old.read_bytes() == b"%PDF-1.4 previous version"  # never a half-written PDF
    assert sorted(p.name for p in old.parent.iterdir() if p.suffix != ".docx") == [old.name]
    starts = _starts(log)
    assert len(starts) <= 3  # LibreOffice is given up on, not retried letter by letter
    assert all(_gone(pid) for pid in starts)


def test_half_written_pdfs_of_a_killed_libreoffice_are_never_delivered(
    make_letters: MakeLetters, fake_soffice: Callable[[str], Path]
) -> None:
    # First start: leave a truncated PDF for every letter (as if killed while writing).
    fake_soffice(
        'if mkdir "$MARK" 2>/dev/null; then\n'
        '  for a in "$@"; do case "$a" in *.docx)\n'
        '    printf "%%PDF-1.6\\n%%half" > "$out/$(basename "$a" .docx).pdf";; esac; done\n'
        "  kill -9 $$\n"
        "fi\n"
        'exec "$REAL" "$@"'
    )
    letters = make_letters(3)
    with ConverterPool(workers=1) as pool:
        results = pool.convert(letters)
    for result in results:
        _assert_valid_pdf(result)
        assert MOTTO in _text(result.pdf)  # type: ignore[arg-type]


def test_slow_but_progressing_libreoffice_is_not_killed_the_timeout_is_per_letter(
    make_letters: MakeLetters, fake_soffice: Callable[[str], Path]
) -> None:
    # Each letter takes 0.6 s, the whole chunk 3 s: longer than startup + one timeout.
    log = fake_soffice(
        'for a in "$@"; do case "$a" in *.docx) sleep 0.6\n'
        '  printf "%%PDF-1.4\\ntrailer<<>>\\n%%%%EOF\\n" > "$out/$(basename "$a" .docx).pdf";; esac; done'
    )
    letters = make_letters(5)
    with ConverterPool(workers=1, timeout=1.5, startup_timeout=0) as pool:
        results = pool.convert(letters)
    for result in results:
        _assert_valid_pdf(result)
        assert result.attempts == 1
    assert len(_starts(log)) == 1


def test_letter_that_crashes_libreoffice_twice_fails_alone(
    make_letters: MakeLetters, fake_soffice: Callable[[str], Path], tmp_path: Path
) -> None:
    fake_soffice(
        'for a in "$@"; do grep -q POISON -- "$a" 2>/dev/null && kill -9 $$; done\n'
        'exec "$REAL" "$@"'
    )
    good = make_letters(2)
    poison = tmp_path / "letters" / "Công văn hỏng.docx"
    poison.write_bytes(b"POISON")
    with ConverterPool(workers=1) as pool:
        results = pool.convert([good[0], poison, good[1], tmp_path / "missing.docx"])
    _assert_valid_pdf(results[0])
    _assert_valid_pdf(results[2])
    assert results[1].pdf is None and results[1].attempts == 2
    assert results[1].error is not None and "Công văn hỏng.docx" in results[1].error
    assert "crashed" in results[1].error
    assert not poison.with_suffix(".pdf").exists()
    assert results[3].error == "missing.docx: file not found"


def test_exception_in_on_done_stops_the_batch_and_kills_libreoffice(
    make_letters: MakeLetters, fake_soffice: Callable[[str], Path], tmp_path: Path
) -> None:
    log = fake_soffice("exec sleep 300")
    letters = make_letters(2)

    def stop(result: ConversionResult) -> None:
        deadline = time.monotonic() + 10
        while len(_starts(log)) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)  # let both workers start LibreOffice first
        raise KeyboardInterrupt

    started = time.monotonic()
    with ConverterPool(workers=2, timeout=120) as pool, pytest.raises(KeyboardInterrupt):
        pool.convert([tmp_path / "missing.docx", *letters], on_done=stop)
    assert time.monotonic() - started < 15
    assert len(_starts(log)) == 2 and all(_gone(pid) for pid in _starts(log))


def test_pool_removes_its_profiles_and_temporary_files_at_close(
    make_letters: MakeLetters, real_soffice: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    letters = make_letters(2)
    with ConverterPool(workers=2) as pool:
        results = pool.convert(letters)
        assert any(scratch.rglob("registrymodifications.xcu"))  # profiles did live there
    assert all(r.ok for r in results)
    assert list(scratch.iterdir()) == []


def test_pdfa_option_writes_pdf_a_2b_and_plain_pdf_does_not_claim_it(
    make_letters: MakeLetters, real_soffice: str, tmp_path: Path
) -> None:
    letters = make_letters(1)
    archived = convert_files(letters, pdfa=True, out_dir=tmp_path / "pdfa")[0]
    plain = convert_files(letters, out_dir=tmp_path / "plain")[0]
    _assert_valid_pdf(archived)
    _assert_valid_pdf(plain)
    assert archived.pdf is not None and plain.pdf is not None
    xmp = _xmp(archived.pdf)
    assert re.search(r"pdfaid:part(>|=\")2", xmp) and re.search(r"pdfaid:conformance(>|=\")B", xmp)
    assert "pdfaid:part" not in _xmp(plain.pdf)
    assert MOTTO in _text(archived.pdf)


def test_pdfa_output_that_is_not_pdf_a_is_reported_failed_not_delivered(
    make_letters: MakeLetters, fake_soffice: Callable[[str], Path]
) -> None:
    # LibreOffice before 7.4 ignores the JSON filter options and writes a plain PDF.
    fake_soffice(
        'for a in "$@"; do shift\n'
        '  case "$a" in pdf:*) set -- "$@" pdf;; *) set -- "$@" "$a";; esac\n'
        "done\n"
        'exec "$REAL" "$@"'
    )
    letters = make_letters(1)
    [result] = convert_files(letters, pdfa=True)
    assert result.pdf is None and result.error is not None and "PDF/A" in result.error
    assert not letters[0].with_suffix(".pdf").exists()


def test_combine_pdfs_keeps_every_page_in_the_given_order(
    make_letters: MakeLetters, real_soffice: str, tmp_path: Path
) -> None:
    letters = make_letters(3, pages=[1, 2, 3])
    pdfs = [r.pdf for r in convert_files(letters, workers=2)]
    assert pdfs[0] and pdfs[1] and pdfs[2]
    order = [pdfs[2], pdfs[0], pdfs[1]]
    combined = combine_pdfs(order, tmp_path / "in" / "print.pdf")
    reader = PdfReader(combined)
    assert len(reader.pages) == sum(len(PdfReader(p).pages) for p in order) == 6
    firsts = [reader.pages[i].extract_text() for i in (0, 3, 4)]  # first page of each letter
    assert "003/UBND-VP" in firsts[0] and "001/UBND-VP" in firsts[1] and "002/UBND-VP" in firsts[2]
    duplex = PdfReader(combine_pdfs(order, tmp_path / "duplex.pdf", duplex=True))
    assert len(duplex.pages) == 8  # 3→4 and 1→2: each letter starts on a new sheet
    assert sorted(p.name for p in (tmp_path / "in").iterdir()) == ["print.pdf"]


def test_combine_pdfs_reports_a_missing_or_damaged_pdf(tmp_path: Path) -> None:
    damaged = tmp_path / "damaged.pdf"
    damaged.write_bytes(b"%PDF-1.4 not really")
    with pytest.raises(ConversionError, match="damaged.pdf"):
        combine_pdfs([damaged], tmp_path / "out.pdf")
    with pytest.raises(ConversionError, match="nope.pdf"):
        combine_pdfs([tmp_path / "nope.pdf"], tmp_path / "out.pdf")
    assert not (tmp_path / "out.pdf").exists()
