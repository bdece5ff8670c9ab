"""A reporting period's letters in one run: every input, every unit, numbered and listed.

``run_batch`` reads the inputs (a bad one is reported and skipped), keeps those of the
period, composes each letter, issues it from the register when asked (in input order, so
numbers follow the files), renders and writes the letters (over a process pool for big
batches), and streams the manifest (``manifest.json`` and ``manifest.csv``) as it goes.
Every file is written under a temporary name and renamed, so an interrupted batch leaves
no half-written letter and a re-run completes it with the numbers already given.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import multiprocessing
import os
import re
import threading
import time
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar

from letter_gen.i18n import _, ngettext
from letter_gen import vn
from letter_gen.errors import LetterGenError, UsageError
from letter_gen.fileio import save_as_hint
from letter_gen.inputs.formats import INPUT_SUFFIXES, find_inputs, load_input
from letter_gen.inputs.model import InspectionRound, list_warnings
from letter_gen.inputs.period import PeriodFilter
from letter_gen.inputs.spool import SpooledRound
from letter_gen.letters.compose import LetterContent
from letter_gen.letters.kinds import compose, letters_of, require_section, with_kind
from letter_gen.interrupts import Interrupted, worker_signals
from letter_gen.interrupts import check as check_stopped
from letter_gen.output.folder import FolderLock
from letter_gen.output.manifest import Manifest, read_manifest
from letter_gen.output.writer import (
    LetterJob,
    LetterWriter,
    OnIssued,
    Outcome,
    Prepared,
    WriteOptions,
    check_fits_page,
    chunks,
    layout_warnings,
    template_of,
)
from letter_gen.register.issuing import letter_key, round_identity
from letter_gen.register.store import Register
from letter_gen.register.where import locate
from letter_gen.tracking.items import TrackedItem, carried_into
from letter_gen.tracking.store import tracked_items

if TYPE_CHECKING:
    from letter_gen.libreoffice import ConversionResult

_T = TypeVar("_T")
_R = TypeVar("_R")

BatchMode = Literal["consolidated", "per-unit", "both"]
_SLUG_LIMIT = 60
_POOL_THRESHOLD = 64  # below this many letters a process pool costs more than it saves


def slugify(text: str, limit: int = _SLUG_LIMIT) -> str:
    """An ASCII file-name slug: ``Ban QLDA ĐTXD tỉnh`` → ``ban-qlda-dtxd-tinh``."""
    ascii_text = unicodedata.normalize("NFKD", vn.without_marks(text)).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:limit].rstrip("-") or "letter"


def _ascii_code(code: str) -> str:
    """The agency code as it stands in a ký hiệu, folded to ASCII letters and digits (SKHĐT → SKHDT)."""
    folded = unicodedata.normalize("NFKD", vn.without_marks(code)).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]", "", folded)[:20] or "X"


@dataclass(frozen=True)
class BatchOptions:
    """What ``letter-gen batch`` was asked to do."""

    out_dir: Path
    mode: BatchMode = "both"
    kind: str | None = None  # write this document of every round instead of its letter.kind (--kind)
    period: PeriodFilter | None = None
    issue: bool = False
    date: dt.date | None = None
    register_path: Path | None = None
    reissue: bool = False
    template: Path | None = None
    workers: int = 1
    clean_text: bool = False
    check: bool = True  # refuse letters that break the docx-level Decree 30 checks
    check_all: bool = False  # check every letter, not the first of each input, mode and template
    allow_future: bool = False  # an issue date more than a few days ahead
    force: bool = False  # replace files letter_gen did not write
    pdf: bool = False
    pdfa: bool = False
    carry_forward: bool = False  # list what is still open from earlier periods (tracking, issue 15)
    sign: Any = None  # a SignOptions: sign every issued letter's PDF (batch --sign, issue 16)


@dataclass
class BatchSummary:
    """What a batch did: counts for the summary line, and one line per failure."""

    written: int = 0
    unchanged: int = 0
    issued: int = 0
    failed: int = 0
    inputs_read: int = 0
    inputs_outside_period: int = 0
    seconds: float = 0.0
    failures: list[str] = field(default_factory=list)
    rounds: dict[tuple[str, str, str, str], list[Path]] = field(default_factory=dict)  # round → its input files
    warnings: list[str] = field(default_factory=list)  # texts changed by --clean-text
    combined_pdf: Path | None = None
    combined_removed: bool = False  # an old letters.pdf no longer matched the letters
    drafts_removed: int = 0  # drafts of this folder replaced by their issued letters
    skipped: list[str] = field(default_factory=list)  # files of the input folders not read, and why
    pdfs: int = 0  # PDFs made in this run
    kept_dates: int = 0  # letters issued before, on another date than this run's
    signed: int = 0  # letters signed in this run (--sign)

    @property
    def ok(self) -> bool:
        return self.failed == 0


@dataclass(frozen=True)
class LetterEvent:
    """Reported after each letter, for progress bars: its status and path (or error)."""

    status: Literal["written", "unchanged", "failed", "pdf"]
    path: Path | None
    message: str = ""
    newly_issued: bool = False  # the letter took its number in this run


def run_batch(
    inputs: list[Path],
    options: BatchOptions,
    on_letter: Callable[[LetterEvent], None] | None = None,
    on_total: Callable[[int], None] | None = None,
) -> BatchSummary:
    """Write every letter of the inputs into ``options.out_dir`` and list them in the manifest."""
    started = time.perf_counter()
    summary = BatchSummary()
    if options.template is not None:
        from letter_gen.letters.template_check import raise_for_problems  # Jinja's AST walk: only for clerks' templates

        raise_for_problems(options.template)  # a broken template fails every letter: say so once
    with _Pool(options.workers) as pool, FolderLock(options.out_dir):
        _run(inputs, options, summary, pool, on_letter, on_total)
    summary.seconds = time.perf_counter() - started
    return summary


def _run(
    inputs: list[Path],
    options: BatchOptions,
    summary: BatchSummary,
    pool: _Pool,
    on_letter: Callable[[LetterEvent], None] | None,
    on_total: Callable[[int], None] | None,
) -> None:
    summary.skipped = skipped_files(inputs, options.out_dir)
    rounds = _one_set_per_round(list(_survey(find_inputs(inputs, skip=options.out_dir), options, summary)), summary)
    total = sum(count for _, count, _ in rounds)
    if on_total:
        on_total(total)
    register = Register(options.register_path or locate(None).path, lazy=True) if options.issue else None
    if options.sign is not None and not options.issue:
        raise UsageError(_("--sign signs issued letters: add --issue (a draft is never signed)"))
    converter = _Converter(options) if options.pdf or options.pdfa or options.sign is not None else None
    names: set[str] = set()
    writer = LetterWriter(_write_options(options), register, pool.map)

    def name(job: LetterJob, content: LetterContent) -> Path:
        return options.out_dir / _file_name(content, job.source, names)

    signing = contextlib.ExitStack()
    syncing = _Syncing()
    try:
        signer = signing.enter_context(_Signer(options.sign, register)) if options.sign is not None else None
        with Manifest(options.out_dir, _earlier_letters(options, summary)) as manifest:
            # Each chunk's files are written while the workers render the next chunk (its numbers
            # already taken after this chunk's were committed); then the chunk is listed.
            ready: Prepared | None = None
            written_chunk: list[Outcome] | None = None

            def write_ready() -> None:
                nonlocal ready, written_chunk
                if ready is not None:
                    written_chunk, ready = writer.finish(ready), None

            def list_written() -> None:
                nonlocal written_chunk
                outcomes, written_chunk = written_chunk or [], None
                for outcome in outcomes:
                    _count(outcome, summary, on_letter)
                    earlier = outcome.content.date
                    summary.kept_dates += bool(earlier and not outcome.newly_issued and earlier != (options.date or dt.date.today()))
                written = [o for o in outcomes if o.status != "failed"]
                pdfs = converter.convert(written, summary, on_letter) if converter and written else {}
                signatures = signer.sign(written, pdfs, summary) if signer else {}
                for outcome in written:
                    manifest.add(_manifest_row(outcome, options.out_dir, pdfs.get(outcome.path), signatures.get(outcome.path)))

            upcoming = _Ahead(chunks(_jobs(rounds, options, _open_items(options)), _CHUNK))

            def meanwhile() -> None:
                write_ready()
                upcoming.fetch()  # the next chunk composed while the workers render this one

            hold = contextlib.ExitStack()
            try:
                while (chunk := upcoming.next()) is not None:
                    following = writer.prepare(chunk, name, meanwhile=meanwhile, hold=hold)
                    write_ready()
                    ready = following  # committed: from here a stop still writes it (below)
                    hold.close()  # a stop held since the commit is raised now
                    check_stopped()  # and one a library swallowed
                    list_written()
                    syncing.start()
            except BaseException:
                # The last prepared chunk's numbers are committed: write its letters before the
                # run stops (a stop, a busy register, a bad next input), so no number is left
                # without its letter. A rerun lists them; no PDF is started now.
                unlisted, written_chunk = written_chunk or [], None
                write_ready()
                for outcome in [*unlisted, *(written_chunk or [])]:
                    _count(outcome, summary, on_letter)
                with contextlib.suppress(Interrupted):
                    hold.close()  # a commit that failed: stops count again; this error goes on
                raise
            write_ready()
            list_written()
            syncing.finish()  # letters were written without a sync each; make them durable before the manifest
        _combined_pdf(options, summary, converter, manifest)
    finally:
        signing.close()
        if register is not None:
            register.close()
        if converter is not None:
            converter.close()


class _Ahead(Generic[_T]):
    """An iterator whose next item can be fetched early (:meth:`fetch`, while the workers are
    busy) and taken later (:meth:`next`). An error met fetching early is raised when the item
    is taken, where it would have been met without fetching ahead."""

    def __init__(self, items: Iterator[_T]) -> None:
        self._items = items
        self._fetched: tuple[_T | None] | Exception | None = None

    def fetch(self) -> None:
        if self._fetched is None:
            try:
                self._fetched = (next(self._items, None),)
            except Exception as err:  # noqa: BLE001 - raised again by next()
                self._fetched = err

    def next(self) -> _T | None:
        """The next item; None at the end."""
        self.fetch()
        fetched, self._fetched = self._fetched, None
        if isinstance(fetched, Exception):
            raise fetched
        assert fetched is not None
        return fetched[0]


class _Syncing:
    """The disk synced behind the batch: after each chunk's letters are written, while the next
    chunk renders, so that the sync before the manifest has only the last chunk left to do."""

    def __init__(self) -> None:
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=os.sync, name="letter-gen sync", daemon=True)
            self._thread.start()

    def finish(self) -> None:
        if self._thread is not None:
            self._thread.join()
        os.sync()


_CHUNK = 500  # letters composed, issued and written at a time: memory stays flat however big the batch


def _earlier_letters(options: BatchOptions, summary: BatchSummary) -> list[dict[str, Any]]:
    """The folder's manifest before this run. A folder holds one batch's letters: drafts are
    not written among issued letters; issuing removes the folder's own drafts it supersedes."""
    rows = read_manifest(options.out_dir)
    issued = [row for row in rows if row.get("number") is not None]
    if issued and not options.issue:
        raise UsageError(_(
            "{folder}: this folder holds issued letters (see its manifest.json); drafts are not"
            " mixed in with them: write the drafts to another folder (--out), or add --issue"
        ).format(folder=options.out_dir))
    if options.issue:
        kept = []
        for row in rows:
            draft = options.out_dir / str(row.get("path"))
            if row.get("number") is None and draft.is_file() and _sha256_of(draft) == row.get("sha256"):
                draft.unlink()  # letter_gen's own draft, unchanged since: its issued letter replaces it
                summary.drafts_removed += 1
            else:
                kept.append(row)
        rows = kept
    return rows


def _sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _combined_pdf(options: BatchOptions, summary: BatchSummary, converter: _Converter | None, manifest: Manifest) -> None:
    """``letters.pdf`` always matches the manifest: rebuilt from every current letter's PDF, or
    removed when this run changed letters without making PDFs."""
    combined = options.out_dir / _Converter.COMBINED
    if converter is not None:
        converter.combine(summary, manifest.current_pdfs())
    elif combined.exists() and summary.written:
        combined.unlink()
        summary.combined_removed = True


def _write_options(options: BatchOptions) -> WriteOptions:
    return WriteOptions(
        issue=options.issue, date=options.date, register_path=options.register_path, reissue=options.reissue,
        allow_future=options.allow_future, check=options.check, check_all=options.check_all, force=options.force,
        durable=False,
    )  # fmt: skip


def _jobs(rounds: list[_Surveyed], options: BatchOptions, open_items: list[TrackedItem] | None = None) -> Iterator[LetterJob]:
    """Each surveyed input's letters; ``rounds`` is consumed, so a written input is not held."""
    while rounds:
        path, _count, kept = rounds.pop(0)
        if isinstance(kept, SpooledRound):  # parsed once, by the survey: loaded back, not read again
            round_ = kept.load()
            kept.close()
        else:
            round_ = kept
        template = template_of(round_, options.template)
        carried = carried_into(open_items, round_, path.name) if open_items else ()
        for mode, unit in letters_of(round_, options.mode):
            yield LetterJob(path, round_, compose(round_, mode, unit, carried), template)


def _open_items(options: BatchOptions) -> list[TrackedItem] | None:
    """With ``carry_forward``, the tracked items still open (tracking, issue 15)."""
    if not options.carry_forward:
        return None
    path = options.register_path or locate(None).path
    if not path.exists():
        return []
    with Register(path, read_only=True) as register:
        return [i for i in tracked_items(register) if i.open]


def _count(outcome: Outcome, summary: BatchSummary, on_letter: Callable[[LetterEvent], None] | None) -> None:
    """Count one letter's outcome for the summary line and the progress bar."""
    if outcome.status == "failed":
        summary.failed += 1
        summary.failures.append(outcome.describe())
    elif outcome.status == "written":
        summary.written += 1
    else:
        summary.unchanged += 1
    summary.issued += int(outcome.newly_issued)
    if on_letter:
        on_letter(LetterEvent(outcome.status, outcome.path, outcome.describe() if outcome.error else "", outcome.newly_issued))


def _declares_pdfa2(pdf: Path) -> bool:
    from letter_gen.libreoffice import declares_pdfa2

    return declares_pdfa2(pdf)


class _Converter:
    """PDFs beside the batch's letters through one converter pool, and the combined PDF."""

    COMBINED = "letters.pdf"

    def __init__(self, options: BatchOptions) -> None:
        self.options = options
        from letter_gen.libreoffice import ConverterPool  # pypdf and the pool: only when PDFs are asked for

        self.pool = ConverterPool(workers=options.workers, pdfa=options.pdfa, force=options.force)
        self.pool.__enter__()

    def convert(
        self, written: list[Outcome], summary: BatchSummary, on_letter: Callable[[LetterEvent], None] | None = None
    ) -> dict[Path | None, Path]:
        """The PDF of each letter; a letter unchanged since its PDF was made is not converted again."""
        done: dict[Path | None, Path] = {}
        todo: list[Path] = []
        for outcome in written:
            letter = outcome.path
            assert letter is not None
            pdf = letter.with_suffix(".pdf")
            if outcome.status == "unchanged" and pdf.exists() and pdf.stat().st_mtime >= letter.stat().st_mtime and (
                not self.options.pdfa or _declares_pdfa2(pdf)
            ):
                done[letter] = pdf
            else:
                todo.append(letter)
        def done_one(result: ConversionResult) -> None:
            if on_letter is not None and result.pdf is not None:
                on_letter(LetterEvent("pdf", result.pdf))

        for result in self.pool.convert(todo, on_done=done_one) if todo else []:
            if result.pdf is None:
                summary.failed += 1
                summary.failures.append(result.error or _("{file}: no PDF").format(file=result.source))
            else:
                done[result.source] = result.pdf
                summary.pdfs += 1
        return done

    def combine(self, summary: BatchSummary, pdfs: list[Path]) -> None:
        if pdfs:
            from letter_gen.libreoffice import combine_pdfs

            combine_pdfs(pdfs, self.options.out_dir / self.COMBINED)
            summary.combined_pdf = self.options.out_dir / self.COMBINED

    def close(self) -> None:
        self.pool.close()


class _Signer:
    """Signs the issued letters' PDFs (``--sign``): the credentials are opened once for the run
    (a token's PIN is entered once), each chunk's PDFs signed together, each signature recorded
    in the register."""

    def __init__(self, options: Any, register: Register | None) -> None:
        self.options = options
        self.register = register

    def __enter__(self) -> _Signer:
        from letter_gen.signing.sign import open_session

        self.stack = contextlib.ExitStack()
        self.session = open_session(self.options, self.stack)
        return self

    def __exit__(self, *exc: object) -> None:
        self.stack.close()

    def sign(self, written: list[Outcome], pdfs: dict[Path | None, Path], summary: BatchSummary) -> dict[Path | None, Any]:
        """The signed result of each issued letter with a PDF; a failure is counted and named."""
        from letter_gen.signing.sign import sign_with_session

        letters = [o for o in written if o.content.number is not None and pdfs.get(o.path) is not None]
        done: dict[Path | None, Any] = {}
        for outcome in letters:
            result = sign_with_session(pdfs[outcome.path], self.session)
            for warning in result.warnings:
                if warning not in summary.warnings:
                    summary.warnings.append(warning)
            if not result.ok:
                summary.failed += 1
                summary.failures.append(result.error or _("{file}: not signed").format(file=pdfs[outcome.path]))
                continue
            summary.signed += 1
            done[outcome.path] = result
            if self.register is not None and result.signed_at is not None and result.sha256 is not None:
                try:
                    issued = self.register.find(letter_key(outcome.job.source.name, outcome.job.round_, outcome.content))
                    if issued is not None:
                        self.register.record_signature(
                            issued.agency, issued.year, issued.number, result.sha256, result.signed_at.isoformat())
                except LetterGenError as err:
                    summary.failed += 1
                    summary.failures.append("\n".join(err.lines()))
        return done


_SKIPPED_LIMIT = 20  # files named one by one; beyond, a count


def skipped_files(paths: list[Path], out_dir: Path) -> list[str]:
    """One line per file of the input folders that is not read, and why: an old Excel or Word
    file, a CSV (save it as .xlsx), or any other file that is not an inspection input. Hidden
    files, Excel's lock files, manifests and the output folder are passed over without a word."""
    skip = out_dir.resolve()
    lines: list[str] = []
    others = 0
    for folder in (p for p in paths if p.is_dir()):
        for path in sorted(folder.rglob("*")):
            inside = path.relative_to(folder).parts
            if (not path.is_file() or path.suffix.lower() in INPUT_SUFFIXES or any(part.startswith((".", "~$")) for part in inside)
                    or path.name.startswith("manifest.") or skip == path.resolve() or skip in path.resolve().parents):
                continue
            hint = save_as_hint(path)
            if len(lines) >= _SKIPPED_LIMIT:
                others += 1
            elif hint:
                lines.append(_("skipped {file}: {hint}").format(file=path, hint=hint))
            else:
                lines.append(_("skipped {file}: not an inspection input (.yaml, .yml, .json or .xlsx)").format(file=path))
    if others:
        lines.append(ngettext("skipped {n} other file", "skipped {n} other files", others).format(n=others))
    return lines


_Surveyed = tuple[Path, int, "InspectionRound | SpooledRound"]
_KEEP_UNITS = 2000  # inputs are kept in memory up to this many units in all, then put aside on disk


def _survey(paths: list[Path], options: BatchOptions, summary: BatchSummary) -> Iterator[_Surveyed]:
    """The valid inputs of the period and their letter counts; each bad input becomes a
    failure line and is skipped. Each input is parsed once: small inputs are kept in memory,
    the others are put aside on disk (:class:`SpooledRound`), except the last, which the
    letters start from anyway: memory stays flat in the number of inputs."""
    if not paths:
        raise UsageError(_("no inspection inputs found (.yaml, .yml, .json or .xlsx)"))
    kept_units = 0
    last: tuple[Path, int, InspectionRound] | None = None
    for path in paths:
        try:
            round_ = with_kind(load_input(path, clean_text=options.clean_text, changes=summary.warnings, kind=options.kind),
                               options.kind)
            require_section(round_, str(path))
            summary.warnings.extend(f"{path}: {line}" for line in [*list_warnings(round_), *layout_warnings(round_)])
            check_fits_page(round_, str(path))
        except LetterGenError as err:
            summary.failed += 1
            summary.failures.append("\n".join(err.lines()))
            continue
        summary.inputs_read += 1
        if options.period and not options.period.covers(round_.period):
            summary.inputs_outside_period += 1
            continue
        summary.rounds.setdefault(round_identity(round_, path.name), []).append(path)
        if last is not None:
            held = len(last[2].units)
            if kept_units + held <= _KEEP_UNITS:
                kept_units += held
                yield last
            else:
                yield last[0], last[1], SpooledRound(last[2])
        last = (path, len(letters_of(round_, options.mode)), round_)
    if last is not None:
        yield last


def _one_set_per_round(rounds: list[_Surveyed], summary: BatchSummary) -> list[_Surveyed]:
    """Inputs that are the same round (same agency, period, plan and file name, as a round kept
    both as .xlsx and as its converted .yaml) would give the same letters twice: they are refused
    together, before any number is taken. Two files of one plan (đợt 1, đợt 2) stay two rounds."""
    twice: set[Path] = set()
    for (agency, period, plan, stem), paths in summary.rounds.items():
        if len(paths) > 1:
            twice.update(paths)
            summary.failed += 1
            summary.failures.append(_(
                "{files}: these files are the same inspection round ({agency}, {period}, {plan}, file {stem}),"
                " so they would give the same letters twice; none of them was written: keep one file per round"
                " (move the copy, e.g. the converted .yaml, out of the folder)"
            ).format(files=", ".join(p.name for p in paths), agency=agency, period=period, plan=plan, stem=stem))
    return [r for r in rounds if r[0] not in twice]


def _file_name(content: LetterContent, source: Path, taken: set[str]) -> str:
    """``2021-007-STC-ban-qlda-dtxd-tinh.docx`` (year and number); drafts ``draft-STC-...``;
    never from raw text. The year keeps two years' letters apart in one folder."""
    issued_in = content.date.year if content.date else content.year
    prefix = f"{issued_in}-{content.number:03d}" if content.number is not None else "draft"
    who = slugify(content.unit) if content.unit else f"tong-hop-{slugify(source.stem, 40)}"
    if content.kind != "follow-up":  # the other documents of a round: 2021-012-SKHCN-team-decision-tong-hop-...
        who = f"{content.kind}-{who}"
    stem = f"{prefix}-{_ascii_code(content.agency_code)}-{who}"
    name, counter = f"{stem}.docx", 2
    while name in taken:  # two drafts for one unit from two inputs
        name, counter = f"{stem}-{counter}.docx", counter + 1
    taken.add(name)
    return name


# --- the process pool ---------------------------------------------------------------


def _watch_parent(parent: int) -> None:
    """In a worker: exit as soon as the batch process that started it is gone; stopping
    (Ctrl-C, SIGTERM) is the main process's to handle."""
    worker_signals()

    def watch() -> None:
        # An orphan is re-parented the moment its parent dies, zombie or not.
        while os.getppid() == parent:
            time.sleep(0.2)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def _noop() -> None:
    """A first task: makes the pool start its workers now."""


class _Pool:
    """Renders and checks letters in this process, or over a process pool for chunks big enough to gain.

    The workers are started first thing, before the folder lock is taken or the register
    opened, so a forked worker inherits neither; each leaves when the batch process dies.
    """

    def __init__(self, workers: int) -> None:
        self._workers = workers
        self._pool: ProcessPoolExecutor | None = None
        if workers > 1:
            method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
            self._pool = ProcessPoolExecutor(
                max_workers=workers,
                mp_context=multiprocessing.get_context(method),
                initializer=_watch_parent,
                initargs=(os.getpid(),),
            )
            self._pool.submit(_noop)

    def __enter__(self) -> _Pool:
        return self

    def map(self, fn: Callable[[_T], _R], items: list[_T]) -> Iterable[_R]:
        if self._pool is None or len(items) < _POOL_THRESHOLD:
            return map(fn, items)
        # Small tasks: at the end of a chunk one worker would otherwise finish a long task alone.
        chunk = max(1, min(8, len(items) // (self._workers * 4)))
        return self._pool.map(fn, items, chunksize=chunk)

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)


# --- the manifest ---------------------------------------------------------------------


def _manifest_row(outcome: Outcome, out_dir: Path, pdf: Path | None = None, signed: Any = None) -> dict[str, Any]:
    content, path = outcome.content, outcome.path
    assert path is not None
    return {
        "input": outcome.job.source.name,
        "kind": content.kind,
        "unit": content.unit,
        "mode": content.mode,
        "number": content.number,
        "symbol": content.symbol,
        "date": content.date.isoformat() if content.date else None,
        "subject": content.subject,
        "recipients": list(content.recipients),
        "path": path.relative_to(out_dir).as_posix(),
        "sha256": outcome.sha256,
        "pdf": pdf.relative_to(out_dir).as_posix() if pdf else None,
        "pdf_sha256": hashlib.sha256(pdf.read_bytes()).hexdigest() if pdf else None,
        "signed": signed.path.relative_to(out_dir).as_posix() if signed is not None and signed.path else None,
        "signed_sha256": signed.sha256 if signed is not None else None,
        "signed_at": signed.signed_at.isoformat() if signed is not None and signed.signed_at else None,
        "replaces": outcome.replaces,
    }


# --- documents from the register, not from input files ----------------------------------


def write_documents(options: BatchOptions, register: Register | None, jobs: list[LetterJob], on_issued: OnIssued) -> BatchSummary:
    """Letters made from the register's tracked items (công văn đôn đốc, báo cáo) written as a
    batch writes its letters: through the one letter-writing path, each checked in full, numbered
    with ``options.issue`` (``on_issued`` records what each covered in the same transaction), then
    their PDFs (--pdf) and the manifest; issuing removes the folder's drafts it supersedes."""
    summary = BatchSummary()
    writer = LetterWriter(_write_options(replace(options, check_all=True)), register if options.issue else None,
                          on_issued=on_issued)
    converter = _Converter(options) if options.pdf or options.pdfa else None
    names: set[str] = set()
    try:
        with Manifest(options.out_dir, _earlier_letters(options, summary)) as manifest:
            outcomes = writer.write(jobs, lambda job, content: options.out_dir / _file_name(content, job.source, names))
            for outcome in outcomes:
                _count(outcome, summary, None)
            written = [o for o in outcomes if o.status != "failed"]
            pdfs = converter.convert(written, summary) if converter else {}
            for outcome in written:
                manifest.add(_manifest_row(outcome, options.out_dir, pdfs.get(outcome.path)))
            os.sync()
        _combined_pdf(options, summary, converter, manifest)
    finally:
        if converter is not None:
            converter.close()
    return summary
