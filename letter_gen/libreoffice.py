"""DOCX → PDF through LibreOffice, many letters per LibreOffice start.

Starting LibreOffice costs about a second; converting a small letter costs a tenth of
that. So :class:`ConverterPool` never starts one ``soffice`` per letter: it cuts the
batch into chunks and each worker thread converts a whole chunk with ONE
``soffice --convert-to pdf f1 f2 ... fk`` process. Each worker owns a private
LibreOffice user profile, so workers never wait on each other's profile lock.

Failures are contained per letter:

* a process that hangs (no new PDF for ``timeout`` seconds) or dies is killed with its
  whole process group; the PDFs it finished are kept;
* LibreOffice converts its arguments in order, so the first letter without a PDF is the
  one it was working on: that letter is retried alone in a fresh process (with a fresh
  profile), the letters after it were never reached and go back to the queue untried;
* a letter that fails twice is reported failed; the rest of the batch carries on.

PDFs are converted into a private temporary folder and moved into place with an atomic
rename, so an interrupted batch never leaves a half-written PDF under a letter's name.
"""

from __future__ import annotations

import contextlib
import glob
import io
import math
import os
import queue
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from letter_gen.errors import ConversionError, LetterGenError, UsageError
from letter_gen.fileio import save_as_hint, write_bytes_atomic
from letter_gen.i18n import N_, _, local_number, ngettext, os_reason

__all__ = ["ConversionResult", "ConverterPool", "combine_pdfs", "convert_files", "find_soffice", "refuse_non_docx"]

INSTALL_HINT = N_(
    'LibreOffice is needed for PDF output: install it with "apt-get install '
    'libreoffice-writer-nogui fonts-liberation2" (Liberation Serif has Times New '
    "Roman's metrics, so pages break as in Word)"
)
#: Environment variable naming the soffice program to use (overrides the search).
SOFFICE_ENV = "LETTER_GEN_SOFFICE"

_PDF_FILTER = "pdf:writer_pdf_Export"
# JSON filter options need LibreOffice 7.4+; older versions ignore them silently, which
# is why PDF/A output is verified after conversion rather than trusted.
_PDFA_FILTER = 'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"}}'
# Without any converted letter, this many crashed/hung processes mean LibreOffice itself
# is broken: stop instead of paying a timeout per letter.
_BROKEN_AFTER = 3
_POLL = 0.1


def find_soffice() -> str:
    """Return the path of the LibreOffice ``soffice`` program.

    ``$LETTER_GEN_SOFFICE`` wins when set (also when it is wrong: a mistyped setting must
    not be hidden by another LibreOffice). Otherwise PATH and the usual install folders
    are searched. Raises :class:`ConversionError` with the install command when missing.
    """
    override = os.environ.get(SOFFICE_ENV)
    if override:
        if os.path.isfile(override) and os.access(override, os.X_OK):
            return override
        raise ConversionError(
            _(INSTALL_HINT), problems=[_("{variable}={value} is not an executable program").format(variable=SOFFICE_ENV, value=override)]
        )
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    candidates = [
        "/usr/bin/soffice",
        "/usr/lib/libreoffice/program/soffice",
        # Newest first: the LibreOffice.org .deb/.rpm packages install /opt/libreofficeX.Y.
        *sorted(glob.glob("/opt/libreoffice*/program/soffice"), reverse=True),
        "/Applications/LibreOffice.app/Contents/MacOS/soffice",
    ]
    for candidate in candidates:
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    raise ConversionError(_(INSTALL_HINT))


@dataclass(frozen=True)
class ConversionResult:
    """Outcome for one letter: ``pdf`` is set on success, ``error`` (a sentence naming the
    file, for the clerk) on failure. ``attempts`` counts LibreOffice runs that tried it."""

    source: Path
    pdf: Path | None
    error: str | None
    attempts: int

    @property
    def ok(self) -> bool:
        """True when the PDF was written."""
        return self.pdf is not None


@dataclass
class _Item:
    index: int
    source: Path
    target: Path
    attempts: int = 0


class _Batch:
    """Shared state of one :meth:`ConverterPool.convert` call."""

    def __init__(self) -> None:
        self.cond = threading.Condition()
        self.pending: deque[list[_Item]] = deque()
        self.active = 0
        self.cancelled = False
        self.worked = False
        self.failed_runs = 0
        self.results: queue.Queue[tuple[int, ConversionResult] | BaseException] = queue.Queue()

    def report(self, item: _Item, pdf: Path | None, error: str | None = None) -> None:
        """Queue the final result of ``item`` for the caller's thread."""
        if error is not None:
            tries = _(" (tried {n} times)").format(n=item.attempts) if item.attempts > 1 else ""
            error = f"{item.source.name}: {error}{tries}"
        self.results.put((item.index, ConversionResult(item.source, pdf, error, item.attempts)))


class _Cancelled(Exception):
    pass


class ConverterPool:
    """A few LibreOffice workers that convert batches of letters; use ``with``.

    ``workers`` defaults to the number of CPUs. ``timeout`` is the time one letter may
    take (measured from the previous letter's PDF); the first letter of a process gets
    ``startup_timeout`` more for LibreOffice to start. ``pdfa=True`` writes PDF/A-2b.
    """

    def __init__(
        self,
        workers: int | None = None,
        timeout: float = 30.0,
        pdfa: bool = False,
        *,
        startup_timeout: float = 60.0,
        chunk_size: int = 40,
        soffice: str | None = None,
        force: bool = False,
    ) -> None:
        self.workers = workers if workers is not None else (os.cpu_count() or 1)
        if self.workers < 1:
            raise ConversionError(
                _("the number of PDF workers must be 1 or more, not {n}").format(n=self.workers)
            )
        if timeout <= 0 or startup_timeout < 0 or chunk_size < 1:
            raise ValueError("timeout must be > 0, startup_timeout >= 0, chunk_size >= 1")
        self.timeout = timeout
        self.startup_timeout = startup_timeout
        self.pdfa = pdfa
        self.chunk_size = chunk_size
        self.soffice = soffice or find_soffice()
        self.force = force  # replace PDFs LibreOffice did not make (a scan, an edited copy)
        self._root: Path | None = None
        self._lock = threading.Lock()
        self._procs: dict[int, subprocess.Popen[bytes]] = {}

    # -- lifetime ---------------------------------------------------------------------

    def __enter__(self) -> ConverterPool:
        try:
            self._root = Path(tempfile.mkdtemp(prefix="letter_gen-pdf-"))
        except OSError as err:
            raise ConversionError(_("cannot create a temporary folder for PDF conversion ({err})").format(err=err)) from err
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Kill any running LibreOffice and delete the profiles and temporary files."""
        self._kill_all()
        if self._root is not None:
            shutil.rmtree(self._root, ignore_errors=True)
            self._root = None

    # -- public API -------------------------------------------------------------------

    def convert(
        self,
        docx_paths: Sequence[Path],
        out_dir: Path | None = None,
        on_done: Callable[[ConversionResult], None] | None = None,
    ) -> list[ConversionResult]:
        """Convert each file to a PDF with the same stem, beside it or in ``out_dir``.

        Returns one result per input, in input order. ``on_done`` is called in the
        caller's thread as each letter finishes (in completion order). A failed letter
        does not stop the batch; an exception from ``on_done`` (or Ctrl-C) stops it and
        kills LibreOffice. Existing PDFs are replaced.
        """
        if self._root is None:
            raise RuntimeError("call ConverterPool.convert() inside 'with ConverterPool() as pool'")
        items = self._plan(docx_paths, out_dir)
        batch = _Batch()
        results: dict[int, ConversionResult] = {}
        todo: list[_Item] = []
        for item in items:
            if item.source.is_file():
                todo.append(item)
            else:
                batch.report(item, None, _("file not found"))
        # As few processes as possible, but enough chunks to keep every worker busy.
        size = min(self.chunk_size, max(1, math.ceil(len(todo) / self.workers)))
        batch.pending.extend(todo[i : i + size] for i in range(0, len(todo), size))
        threads = [
            threading.Thread(target=self._worker, args=(slot, batch), daemon=True)
            for slot in range(min(self.workers, len(batch.pending)))
        ]
        for thread in threads:
            thread.start()
        try:
            while len(results) < len(items):
                try:
                    got = batch.results.get(timeout=1.0)
                except queue.Empty:
                    if not any(t.is_alive() for t in threads) and batch.results.empty():
                        raise RuntimeError("PDF workers stopped without reporting every letter") from None
                    continue
                if isinstance(got, BaseException):
                    raise got
                results[got[0]] = got[1]
                if on_done is not None:
                    on_done(got[1])
        finally:
            with batch.cond:
                batch.cancelled = True
                batch.cond.notify_all()
            self._kill_all()
            for thread in threads:
                thread.join()
        return [results[i] for i in range(len(items))]

    # -- internals --------------------------------------------------------------------

    def _plan(self, docx_paths: Sequence[Path], out_dir: Path | None) -> list[_Item]:
        items: list[_Item] = []
        seen: dict[Path, Path] = {}
        clashes: list[str] = []
        for index, raw in enumerate(docx_paths):
            source = Path(raw)
            folder = Path(out_dir) if out_dir is not None else source.parent
            target = folder / f"{source.stem}.pdf"
            key = Path(os.path.abspath(target))
            if key in seen:
                clashes.append(_("{first} and {second} would both become {target}").format(first=seen[key], second=source, target=target))
            seen[key] = source
            items.append(_Item(index, source, target))
        if clashes:
            raise ConversionError(_("two letters would be written to the same PDF"), problems=clashes)
        return items

    def _worker(self, slot: int, batch: _Batch) -> None:
        try:
            while True:
                with batch.cond:
                    while not batch.pending and batch.active and not batch.cancelled:
                        batch.cond.wait()
                    if batch.cancelled or not batch.pending:
                        return
                    job = batch.pending.popleft()
                    batch.active += 1
                retry: list[list[_Item]] = []
                try:
                    retry = self._run(slot, job, batch)
                finally:
                    with batch.cond:
                        batch.pending.extend(retry)
                        batch.active -= 1
                        batch.cond.notify_all()
        except _Cancelled:
            return
        except OSError as err:  # e.g. /tmp full: the clerk can act on that
            batch.results.put(ConversionError(_("PDF conversion failed: {err}").format(err=err)))
        except BaseException as err:  # a bug: hand it to the caller's thread
            batch.results.put(err)

    def _run(self, slot: int, job: list[_Item], batch: _Batch) -> list[list[_Item]]:
        """Convert ``job`` in one LibreOffice process; report results; return retries."""
        assert self._root is not None
        work = self._root / f"w{slot}"
        profile, indir, outdir = work / "profile", work / "in", work / "out"
        for folder in (indir, outdir, work / "tmp"):
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
        # Neutral ASCII names: stems may clash within a chunk, and a name such as
        # "-x.docx" or one LibreOffice cannot decode must not reach its command line.
        inputs: list[Path] = []
        readable: list[_Item] = []
        for item in job:
            copy = indir / f"{len(inputs):04d}{item.source.suffix.lower() or '.docx'}"
            try:
                shutil.copyfile(item.source, copy)
            except OSError as err:
                batch.report(item, None, _("cannot read this file ({why})").format(why=os_reason(err)))
                continue
            inputs.append(copy)
            readable.append(item)
        if not inputs:
            return []
        reason = self._soffice(slot, profile, outdir, inputs, batch)
        if reason is not None:
            # A crashed or killed LibreOffice may leave its profile half-written.
            shutil.rmtree(profile, ignore_errors=True)
        retries: list[list[_Item]] = []
        again: list[_Item] = []
        reached = True  # False for the letters after the one LibreOffice died on
        for copy, item in zip(inputs, readable):
            pdf = outdir / f"{copy.stem}.pdf"
            problem = _check_pdf(pdf)
            if problem is None:
                item.attempts += 1
                self._deliver(item, pdf, batch)
                continue
            if not reached:  # never tried: back to the queue, no attempt counted
                again.append(item)
                continue
            item.attempts += 1
            if reason is not None:
                reached = False  # LibreOffice died on this letter
            if item.attempts >= 2:
                batch.report(item, None, reason or problem)
            elif reason is not None:
                retries.append([item])  # alone, so it cannot take others down again
            else:
                again.append(item)
        if again:
            retries.append(again)
        if reason is not None:
            with batch.cond:
                batch.failed_runs += 1
                broken = not batch.worked and batch.failed_runs >= _BROKEN_AFTER
                if broken:
                    retries.extend(batch.pending)
                    batch.pending.clear()
            if broken:
                why = _("LibreOffice failed {n} times without converting any letter (last: {reason})").format(
                    n=batch.failed_runs, reason=reason)
                for stuck in (item for chunk in retries for item in chunk):
                    batch.report(stuck, None, why)
                return []
        return retries

    def _soffice(
        self, slot: int, profile: Path, outdir: Path, inputs: list[Path], batch: _Batch
    ) -> str | None:
        """Run one LibreOffice; None when it exited cleanly, else why it was stopped."""
        args = [
            self.soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless", "--norestore", "--nolockcheck",
            "--convert-to", _PDFA_FILTER if self.pdfa else _PDF_FILTER,
            "--outdir", str(outdir),
            *map(str, inputs),
        ]  # fmt: skip
        with self._lock:
            if batch.cancelled:
                raise _Cancelled
            # Own session: we can kill oosplash *and* soffice.bin, and Ctrl-C in the
            # terminal reaches only us (we then kill LibreOffice on our way out).
            try:
                proc = subprocess.Popen(
                    args,
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,  # a file or pipe could be held open by
                    stderr=subprocess.DEVNULL,  # a stray child and hang the reader
                    start_new_session=True,
                    # LibreOffice's own temp files (lu*.tmp) die with the pool, even
                    # when a killed process could not clean them up.
                    env={**os.environ, "TMPDIR": str(outdir.parent / "tmp")},
                )
            except OSError as err:
                raise ConversionError(_("cannot start LibreOffice ({soffice}): {why}").format(soffice=self.soffice, why=os_reason(err))) from err
            self._procs[slot] = proc
        try:
            # Watchdog on progress, not on the whole chunk: each new PDF buys `timeout`.
            deadline = time.monotonic() + self.startup_timeout + self.timeout
            seen = 0
            while proc.poll() is None:
                now = time.monotonic()
                count = len(os.listdir(outdir))
                if count > seen:
                    seen, deadline = count, now + self.timeout
                if now >= deadline:
                    _kill_group(proc)
                    if batch.cancelled:
                        raise _Cancelled
                    return _("LibreOffice made no progress for {seconds} s and was stopped").format(seconds=local_number(self.timeout))
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.wait(timeout=_POLL)
        finally:
            with self._lock:
                self._procs.pop(slot, None)
            _kill_group(proc)  # stragglers, e.g. soffice.bin outliving oosplash
        if batch.cancelled:
            raise _Cancelled
        code = proc.returncode
        if code < 0:
            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = f"signal {-code}"
            return _("LibreOffice crashed ({name})").format(name=name)
        if code != 0:
            return _("LibreOffice failed (exit status {code})").format(code=code)
        return None

    def _deliver(self, item: _Item, pdf: Path, batch: _Batch) -> None:
        with batch.cond:
            batch.worked = True
        if self.pdfa and not declares_pdfa2(pdf):
            batch.report(item, None, _("the PDF is not PDF/A-2b (PDF/A needs LibreOffice 7.4 or newer)"))
            return
        try:
            write_bytes_atomic(item.target, pdf.read_bytes(), ours=made_by_libreoffice, force=self.force)
        except LetterGenError as err:
            batch.report(item, None, err.message)
            return
        batch.report(item, item.target)

    def _kill_all(self) -> None:
        with self._lock:
            procs = list(self._procs.values())
        for proc in procs:
            _kill_group(proc)


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    """SIGKILL the process group started for ``proc`` and reap ``proc``."""
    try:
        if hasattr(os, "killpg"):
            os.killpg(proc.pid, signal.SIGKILL)
        else:  # pragma: no cover - not POSIX
            proc.kill()
    except (ProcessLookupError, PermissionError):
        pass  # the whole group is already gone
    proc.wait()


def _check_pdf(pdf: Path) -> str | None:
    """None when ``pdf`` is a complete PDF, else what is wrong with it."""
    try:
        with open(pdf, "rb") as handle:
            head = handle.read(5)
            handle.seek(0, os.SEEK_END)
            handle.seek(max(0, handle.tell() - 1024))
            tail = handle.read()
    except FileNotFoundError:
        return _("LibreOffice could not convert this file (is it a valid .docx?)")
    except OSError as err:
        return _("cannot read the converted PDF ({why})").format(why=os_reason(err))
    if head != b"%PDF-" or b"%%EOF" not in tail:
        return _("LibreOffice wrote an incomplete PDF")
    return None


def declares_pdfa2(pdf: Path) -> bool:
    """True when the PDF's XMP metadata says PDF/A part 2 (what SelectPdfVersion=2 writes)."""
    from pypdf import PdfReader  # pypdf costs a tenth of a second to import: only where PDFs are read
    from pypdf.generic import DictionaryObject

    try:
        root = PdfReader(pdf).trailer["/Root"].get_object()
        meta = root.get("/Metadata") if isinstance(root, DictionaryObject) else None
        xmp = meta.get_object().get_data() if meta is not None else b""
    except Exception:  # a PDF pypdf cannot parse is not a PDF/A we can vouch for
        return False
    # Element or attribute form; read raw so any pypdf version will do.
    return re.search(rb"pdfaid:part(?:>\s*|=[\"'])2\b", xmp) is not None


def refuse_non_docx(paths: Sequence[Path]) -> None:
    """Refuse, before LibreOffice starts, files that are not Word .docx letters: one problem
    line each, with how to save an old .doc as .docx."""
    problems = []
    for path in paths:
        if Path(path).suffix.lower() != ".docx":
            hint = save_as_hint(Path(path))
            problems.append(_("{file}: {hint}").format(file=path, hint=hint) if hint else
                            _("{file}: not a Word letter (.docx)").format(file=path))
    if problems:
        raise UsageError(ngettext("{n} file is not a .docx letter; nothing was converted",
                                  "{n} files are not .docx letters; nothing was converted", len(problems)).format(n=len(problems)),
                         problems=problems)


def made_by_libreoffice(pdf: bytes) -> bool:
    """Whether a PDF is one LibreOffice made (its Producer), so one of ours to replace: a
    scanned, signed or edited PDF of the same name is not."""
    if b"/ByteRange" in pdf:  # signed: never replaced by an unsigned conversion
        return False
    from pypdf import PdfReader

    try:
        producer = PdfReader(io.BytesIO(pdf)).metadata
    except Exception:  # pypdf raises many kinds on a damaged file; a damaged PDF is not ours either
        return False
    return producer is not None and "LibreOffice" in str(producer.producer or "")


def convert_files(
    docx_paths: Sequence[Path],
    *,
    workers: int | None = None,
    pdfa: bool = False,
    out_dir: Path | None = None,
    on_done: Callable[[ConversionResult], None] | None = None,
    force: bool = False,
) -> list[ConversionResult]:
    """Convert a batch once: a :class:`ConverterPool` opened and closed around it."""
    with ConverterPool(workers, pdfa=pdfa, force=force) as pool:
        return pool.convert(docx_paths, out_dir, on_done)


def combine_pdfs(pdf_paths: Sequence[Path], out: Path, *, duplex: bool = False) -> Path:
    """Write one PDF holding every page of ``pdf_paths``, in order, for printing.

    With ``duplex=True`` a blank page follows each letter with an odd page count, so
    every letter starts on a new sheet when printed on both sides. Written atomically.
    """
    if not pdf_paths:
        raise ConversionError(_("there are no PDFs to combine"))
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for path in pdf_paths:
        try:
            reader = PdfReader(path)
            writer.append(reader, import_outline=False)
        except FileNotFoundError as err:
            raise ConversionError(_("{path}: file not found, cannot combine the PDFs").format(path=path)) from err
        except Exception as err:  # pypdf raises many types for damaged files
            raise ConversionError(_("{path}: not a readable PDF, cannot combine the PDFs ({err})").format(path=path, err=err)) from err
        if duplex and len(reader.pages) % 2:
            last = reader.pages[-1].mediabox
            writer.add_blank_page(float(last.width), float(last.height))
    buffer = io.BytesIO()
    writer.write(buffer)
    write_bytes_atomic(Path(out), buffer.getvalue())
    return Path(out)
