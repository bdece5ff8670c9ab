"""The one path that writes letters (văn bản), for ``render`` and ``batch`` alike.

A letter job goes: compose (done by the caller) → take its number inside a register
transaction → render once → check once → decide its path (the folder's lock held) →
commit the numbers → write atomically → one :class:`Outcome`. A letter that fails any step
before the commit takes no number: the transaction gives its number back. ``render`` is a
batch of one letter; ``batch`` adds discovery, chunking, the process pool and the manifest.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from letter_gen.i18n import _, ngettext, os_reason
from letter_gen import vn
from letter_gen.checking.rules import Finding
from letter_gen.checking.verify import Verifier, full_check
from letter_gen.errors import (
    ConversionError,
    ExistingLetterError,
    InputError,
    LetterGenError,
    NonConformingError,
    OutputError,
    RegisterError,
    UsageError,
)
from letter_gen.fileio import write_bytes_atomic
from letter_gen.inputs.formats import load_input
from letter_gen.interrupts import held
from letter_gen.inputs.model import InspectionRound, list_warnings
from letter_gen.letters import layout as L
from letter_gen.letters.bundled import template_path
from letter_gen.letters.compose import LetterContent
from letter_gen.letters.kinds import compose, has_unit_letter, kind_of, require_section, with_kind
from letter_gen.letters.render import PreparedTemplate, same_letter, shows_a_number, written_by_letter_gen
from letter_gen.output.folder import FolderLock

if TYPE_CHECKING:  # imported where a letter takes a number: a draft's `render` never opens a register
    import sqlite3

    from letter_gen.register.store import Register
    from letter_gen.tracking.items import UnitsByName


@dataclass(frozen=True)
class LetterJob:
    """One letter to write: the input it comes from, its draft, its template and, for
    ``render -o``, the path the clerk chose (``None``: named from its number in the folder)."""

    source: Path
    round_: InspectionRound
    content: LetterContent
    template: Path
    path: Path | None = None

    @property
    def who(self) -> str:
        """The letter as a clerk names it: its input file and its recipient."""
        recipient = self.content.unit or _("the consolidated letter")  # outside the f-string, where pybabel finds it
        return f"{self.source.name}: {recipient}"


@dataclass(frozen=True)
class Outcome:
    """What happened to one letter: written, unchanged (already there) or failed."""

    status: Literal["written", "unchanged", "failed"]
    job: LetterJob
    content: LetterContent
    path: Path | None = None
    sha256: str | None = None
    newly_issued: bool = False
    error: LetterGenError | None = None
    replaces: int | None = None  #: the number of the letter this one replaces (--reissue)

    def describe(self) -> str:
        """The one wording of a failure: input file, recipient, what is wrong, each problem."""
        assert self.error is not None
        return "\n  ".join([f"{self.job.who}: {self.error.message}", *self.error.problems])


@dataclass(frozen=True)
class WriteOptions:
    """How letters are written: issued or drafts, checked or not, what may be replaced."""

    issue: bool = False
    date: dt.date | None = None
    register_path: Path | None = None
    reissue: bool = False
    allow_future: bool = False
    check: bool = True
    check_all: bool = False
    force: bool = False
    durable: bool = True  # fsync each letter; batches sync once at the end instead
    sequences: tuple[tuple[str, str], ...] | None = None  # kind → its own sequence; None: from letter-gen.toml


@dataclass(frozen=True)
class _Rendered:
    """A letter rendered and checked (in this process or a worker): its bytes or its error."""

    data: bytes | None
    error: LetterGenError | None = None


#: How a letter is checked before its number is committed: not at all (--no-check), verified
#: (the default: see :mod:`letter_gen.checking.verify`) or checked in full (--check-all, render).
Checking = Literal["none", "verify", "full"]
#: Called inside the issuing transaction with the letters numbered in it (tracking, issue 15).
OnIssued = Callable[["sqlite3.Connection", list[tuple["LetterJob", LetterContent]]], None]
RenderMap = Callable[[Callable[["_RenderItem"], _Rendered], list["_RenderItem"]], Iterable[_Rendered]]


class LetterWriter:
    """Writes letters into one folder (its lock held) or to the paths jobs name.

    ``render_map`` maps the render-and-check step over letters (``map`` here; a process pool's
    ``map`` in big batches); everything that decides, numbers and writes stays in this process.
    """

    def __init__(
        self, options: WriteOptions, register: Register | None = None, render_map: RenderMap | None = None,
        on_issued: OnIssued | None = None,
    ) -> None:
        self.options = options
        self.register = register
        self._map: RenderMap = render_map or (lambda fn, items: map(fn, items))
        self._units: UnitsByName | None = None  # this writer's: no round is kept once its batch is done
        self._on_issued: OnIssued = on_issued or self._track_issued
        # The paths jobs gave themselves in this run, as text. Letters named by ``name`` are the
        # namer's to keep apart (a batch's names are unique by construction): 100,000 paths
        # kept here too would weigh 15 MB.
        self._taken: set[str] = set()

    def write(self, jobs: list[LetterJob], name: Callable[[LetterJob, LetterContent], Path] | None = None) -> list[Outcome]:
        """Write ``jobs``; each gets one :class:`Outcome`, in order. ``name`` gives a letter's
        path in the folder when its job names none."""
        return self.finish(self.prepare(jobs, name))

    def prepare(
        self, jobs: list[LetterJob], name: Callable[[LetterJob, LetterContent], Path] | None = None,
        meanwhile: Callable[[], None] | None = None, hold: contextlib.ExitStack | None = None,
    ) -> Prepared:
        """Everything :meth:`write` does before the files are written: numbers taken and
        committed, letters rendered, checked and given their paths. ``meanwhile`` is called
        once the letters are handed to the workers, before waiting for them: a batch writes
        its previous chunk's files then, so the workers never wait for the disk. With ``hold``,
        a stop (Ctrl-C) from just before the commit waits until the caller closes it, once it
        holds the letters these numbers belong to."""
        failed: dict[int, Outcome] = {}
        date = self.options.date or dt.date.today()
        if self.options.issue:
            from letter_gen.register.issuing import check_issue_date, requests_for

            for i, job in enumerate(jobs):
                try:
                    check_issue_date(job.round_, date, allow_future=self.options.allow_future)
                except LetterGenError as err:
                    failed[i] = Outcome("failed", job, job.content, error=err)
        pending = [i for i in range(len(jobs)) if i not in failed]
        if not self.options.issue or self.register is None or not pending:
            # no letter takes a number: the register is not opened (a lazy one is not created)
            ready = self._prepare(jobs, {i: (jobs[i].content, False) for i in pending}, failed, name, meanwhile)
        else:
            with self.register.transaction() as tx:
                while True:
                    issued: dict[int, tuple[LetterContent, bool]] = {}
                    replaces: dict[int, int | None] = {}
                    requests = requests_for([(jobs[i], date) for i in pending], self._sequences())
                    results = tx.issue_many(requests, reissue=self.options.reissue)
                    for i, result in zip(pending, results):
                        if isinstance(result, RegisterError):
                            failed[i] = Outcome("failed", jobs[i], jobs[i].content, error=result)
                        else:
                            content = jobs[i].content.issued(result.number, result.date, jobs[i].round_.agency.place)
                            issued[i] = (content, result.new)
                            replaces[i] = result.replaces
                    attempt: dict[int, Outcome] = {}
                    ready = self._prepare(jobs, issued, attempt, name, meanwhile)
                    meanwhile = None  # once: a second attempt renders the same letters again
                    failed.update(attempt)
                    if not any(issued[i][1] for i in attempt):
                        break
                    tx.undo()  # a letter that failed keeps no number: number the others again
                    self._taken.difference_update(str(r.path) for r in ready.values())
                    pending = [i for i in pending if i not in failed]
                ready = {i: replace(r, replaces=replaces[i]) for i, r in ready.items()}
                # Tracking (issue 15): what these letters ask commits with their numbers, or not at all.
                self._on_issued(tx.connection, [(jobs[i], r.content) for i, r in ready.items()])
                if hold is not None:
                    hold.enter_context(held())
        return Prepared(jobs, failed, ready)

    def finish(self, prepared: Prepared) -> list[Outcome]:
        """Write the letters :meth:`prepare` made ready; each job gets one :class:`Outcome`, in order."""
        written = {i: self._write_one(prepared.jobs[i], r) for i, r in prepared.ready.items()}
        return [prepared.failed.get(i) or written[i] for i in range(len(prepared.jobs))]

    def _track_issued(self, conn: sqlite3.Connection, letters: list[tuple[LetterJob, LetterContent]]) -> None:
        """The default :data:`OnIssued`: each follow-up letter's actions become tracked items."""
        from letter_gen.tracking.items import UnitsByName
        from letter_gen.tracking.store import Issued, record_issued

        if self._units is None:
            self._units = UnitsByName()
        record_issued(conn, (Issued(job.source.name, job.round_, content) for job, content in letters), self._units)

    def _sequences(self) -> dict[str, str]:
        """The kinds with a number sequence of their own (``letter-gen.toml``'s ``[sequences]``)."""
        if self.options.sequences is not None:
            return dict(self.options.sequences)
        from letter_gen.register.where import sequences

        return sequences()

    def _prepare(
        self,
        jobs: list[LetterJob],
        contents: dict[int, tuple[LetterContent, bool]],
        failed: dict[int, Outcome],
        name: Callable[[LetterJob, LetterContent], Path] | None,
        meanwhile: Callable[[], None] | None = None,
    ) -> dict[int, _Ready]:
        """Render and check each letter, then decide its path; failures go to ``failed``."""
        indexes = list(contents)
        checking: Checking = "none" if not self.options.check else "full" if self.options.check_all else "verify"
        items = [_RenderItem.of(jobs[i], contents[i][0], checking) for i in indexes]
        ready: dict[int, _Ready] = {}
        rendering = self._map(render_and_check, items)  # a pool's map hands them all out now
        if meanwhile is not None:
            meanwhile()
        for i, rendered in zip(indexes, rendering):
            job, (content, new) = jobs[i], contents[i]
            if rendered.error is not None or rendered.data is None:
                failed[i] = Outcome("failed", job, content, error=rendered.error)
                continue
            path = job.path if job.path is not None else name(job, content) if name else None
            assert path is not None, "a letter in a folder needs a name"
            try:
                same = self._decide(path, rendered.data)
            except LetterGenError as err:
                failed[i] = Outcome("failed", job, content, path=path, error=err)
                continue
            if job.path is not None:
                self._taken.add(str(path))
            ready[i] = _Ready(path, content, rendered.data, same, new)
        return ready

    def _decide(self, path: Path, data: bytes) -> bool:
        """Whether ``path`` already holds this very letter (True) or may take it (False); else
        refused: a letter never goes over a file letter_gen did not write (or that was edited
        since), nor over another issued letter; a draft of ours may be replaced. Decided before
        any number is committed."""
        if str(path) in self._taken:
            raise ExistingLetterError(_("{path}: two letters of this run would have the same name").format(path=path))
        try:
            existing = path.read_bytes()
        except FileNotFoundError:
            return False
        except IsADirectoryError as err:
            raise OutputError(_("{path}: that is a folder; give a file name ending in .docx").format(path=path)) from err
        except OSError as err:
            raise OutputError(_("{path}: cannot read the file there ({why})").format(path=path, why=os_reason(err))) from err
        if existing == data or same_letter(existing, data):
            return True
        if self.options.force:
            return False
        if not written_by_letter_gen(existing):
            raise ExistingLetterError(_(
                "{path}: a file letter_gen did not write (or that was edited since) is there;"
                " it is not replaced (give another name, or --force to replace it)"
            ).format(path=path))
        if shows_a_number(existing):
            raise ExistingLetterError(_(
                "{path}: an issued letter with other content is already there; it is not"
                " replaced (give another name, or move the old one away)"
            ).format(path=path))
        return False

    def _write_one(self, job: LetterJob, ready: _Ready) -> Outcome:
        if ready.same:
            return Outcome("unchanged", job, ready.content, ready.path, _sha256(ready.path.read_bytes()), ready.new, replaces=ready.replaces)
        try:
            write_bytes_atomic(ready.path, ready.data, durable=self.options.durable)
        except ExistingLetterError as err:
            return Outcome("failed", job, ready.content, ready.path, error=err)
        # Any other OutputError (a full disk, a read-only folder) fails every letter: it stops the run.
        return Outcome("written", job, ready.content, ready.path, _sha256(ready.data), ready.new, replaces=ready.replaces)


@dataclass(frozen=True)
class Prepared:
    """Letters numbered, rendered and checked, their files not yet written (:meth:`LetterWriter.prepare`)."""

    jobs: list[LetterJob]
    failed: dict[int, Outcome]
    ready: dict[int, _Ready]


@dataclass(frozen=True)
class _Ready:
    """A letter rendered, checked and given its path, waiting for the commit."""

    path: Path
    content: LetterContent
    data: bytes
    same: bool  # the path already holds this very letter
    new: bool  # its number was taken in this run
    replaces: int | None = None


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- rendering and checking (in this process or in a pool's workers) -----------------------

_templates: dict[Path, PreparedTemplate] = {}
_verifier = Verifier()  # one per process: each keeps the letter shapes it has checked in full


def prepared(template: Path) -> PreparedTemplate:
    """One prepared template per process (the main one and each worker)."""
    found = _templates.get(template)
    if found is None:
        found = _templates[template] = PreparedTemplate(template)
    return found


@dataclass(frozen=True)
class _RenderItem:
    """What a worker needs to render and check one letter: never the whole input round, which
    would be pickled with every letter of a 100,000-unit batch."""

    template: Path
    content: LetterContent
    checking: Checking
    name: str  # how findings name the letter

    @classmethod
    def of(cls, job: LetterJob, content: LetterContent, checking: Checking) -> _RenderItem:
        name = str(job.path) if job.path else f"{job.source.name} ({content.mode})"
        return cls(job.template, content, checking, name)


def render_and_check(item: _RenderItem) -> _Rendered:
    """Render one letter once and check it against Decree 30 (docx-level rules).

    Every letter is checked: ``full`` runs every rule on it; ``verify`` checks the first letter
    of each shape in full and proves each other one differs from a checked letter only in its
    words, then runs the rules its words can break (:class:`letter_gen.checking.verify.Verifier`).
    A letter proven so is proven well-formed too, so its XML is not parsed again here.
    """
    try:
        template = prepared(item.template)
        verifying = item.checking == "verify"
        data, document = template.render_with_document(item.content, check_document=not verifying)
        if item.checking == "full":
            conforming(data, item.name)
        elif verifying:
            findings = _verifier.prove(data, document)
            if findings is None:
                template.check_well_formed(document)  # a template that writes broken XML is named
                findings = _verifier.check_in_full(data, item.name)
            _refuse(findings, item.name)
    except LetterGenError as err:
        return _Rendered(None, err)
    return _Rendered(data)


def conforming(data: bytes, name: str) -> bytes:
    """``data`` when the letter passes every docx-level Decree 30 check and the text rules a
    verified letter gets (:func:`letter_gen.checking.verify.full_check`); else
    :class:`NonConformingError`."""
    _refuse(full_check(data, name), name)
    return data


def _refuse(findings: list[Finding], name: str) -> None:
    if findings:
        raise NonConformingError(
            _("{name}: not written: the letter breaks Decree 30's layout rules"
              " (fix the template or input; --no-check writes it anyway)").format(name=name),
            problems=[str(f) for f in findings],
        )


# --- one letter: `letter-gen render` ----------------------------------------------------------


@dataclass(frozen=True)
class RenderedLetter:
    """A letter written to disk and what it says."""

    path: Path
    content: LetterContent
    status: Literal["written", "unchanged"] = "written"
    warnings: tuple[str, ...] = ()  # texts changed by --clean-text
    pdf: Path | None = None


def layout_warnings(round_: InspectionRound) -> list[str]:
    """Warnings on how the letter will look: a V/v of a follow-up letter longer than
    :data:`~letter_gen.letters.layout.MAX_SUBJECT_LINES` lines in its column."""
    if round_.letter.kind != "follow-up":
        return []
    widest = vn.widest_place_date_line(round_.agency.place, round_.period.year)
    left, _right = L.header_columns(widest)
    lines = L.balanced_lines(f"V/v {round_.letter.subject}", left, L.SIZE_SUBJECT)
    if len(lines) <= L.MAX_SUBJECT_LINES:
        return []
    return [_(
        "letter.subject: the V/v takes {count} lines under the Số line, more than {most}; shorten the subject"
    ).format(count=len(lines), most=L.MAX_SUBJECT_LINES)]


def check_fits_page(round_: InspectionRound, source: str) -> None:
    """Refuse inputs whose lines that must not wrap would wrap (the date line, ô 4)."""
    widest = vn.widest_place_date_line(round_.agency.place, round_.period.year)
    if not L.date_line_fits(widest):
        width = L.text_width_mm(widest, L.SIZE_DATE, "italic")
        raise InputError(_(
            "{source}: agency.place: {place!r} makes the date line {width:.0f} mm wide,"
            " more than its column can hold ({most:.0f} mm at most); the date line must fit on one line,"
            " so shorten the place name (e.g. 'TP. Hồ Chí Minh')"
        ).format(source=source, place=round_.agency.place, width=width, most=L.HEADER_RIGHT_MAX_MM))


def letter_content(round_: InspectionRound, unit: int | str | None) -> LetterContent:
    """The consolidated letter, or the per-unit letter of ``unit``: an index of ``units``
    (from 0), or as a clerk types it in ``--unit`` (see :func:`find_unit`)."""
    if unit is None:
        return compose(round_, "consolidated")
    kind = kind_of(round_.letter.kind)
    if not kind.per_unit:
        raise UsageError(_("--unit {unit}: a {kind} ({name}) is one document for the whole round; leave out --unit").format(
            unit=unit, kind=kind.id, name=kind.name))  # fmt: skip
    index = find_unit(round_, unit) if isinstance(unit, str) else unit
    if not 0 <= index < len(round_.units):
        raise UsageError(_("--unit {unit}: the input has units[0] to units[{last}]").format(unit=unit, last=len(round_.units) - 1))
    if kind.id == "reminder" and not has_unit_letter(round_, index):
        raise UsageError(_("--unit {unit}: {name} has nothing open in reminder.open_items, so it gets no reminder").format(
            unit=unit, name=round_.units[index].name))  # fmt: skip
    if not round_.units[index].has_anything_to_fix:
        raise UsageError(_("--unit {unit}: {name} has no findings and no actions, so it gets no letter").format(
            unit=unit, name=round_.units[index].name))
    return compose(round_, "per-unit", index)

def _folded(text: str, *, marks: bool = True) -> str:
    """``text`` as names are compared: NFC, one space between words, any case; without the
    accents when ``marks`` is false (``Trung tâm`` ~ ``trung tam``)."""
    text = " ".join(unicodedata.normalize("NFC", text).split()).casefold()
    return text if marks else vn.without_marks(text)


def find_unit(round_: InspectionRound, wanted: str) -> int:
    """The index of the unit a clerk names in ``--unit``: its position in the input's list
    of units counting from 1, its name or short name in any case and spacing, or the start
    of one when only one unit starts so. Otherwise :class:`UsageError` with the closest names."""
    units = round_.units
    text = wanted.strip()
    listing = "; ".join(f"{i}. {u.name}" for i, u in enumerate(units, start=1))
    if text.isdigit():
        position = int(text)
        if 1 <= position <= len(units):
            return position - 1
        raise UsageError(ngettext(
            "--unit {unit}: the input has {n} unit, numbered from 1: {units}",
            "--unit {unit}: the input has {n} units, numbered from 1: {units}", len(units),
        ).format(unit=text, n=len(units), units=listing))
    names = [(i, name) for i, u in enumerate(units) for name in (u.name, u.short_name) if name]
    key = _folded(text)
    exact = {i for i, name in names if _folded(name) == key}
    if len(exact) == 1:
        return exact.pop()
    starting = sorted({i for i, name in names if _folded(name).startswith(key)})
    if len(starting) == 1:
        return starting[0]
    if len(starting) > 1:
        raise UsageError(_("--unit {unit}: several units start so: {names}; give more of the name").format(
            unit=text, names="; ".join(units[i].name for i in starting)))
    bare = _folded(text, marks=False)
    close = [i for i, name in names if _folded(name, marks=False).startswith(bare)]
    if not close:
        import difflib

        folded = {_folded(name, marks=False): i for i, name in names}
        close = [folded[n] for n in difflib.get_close_matches(bare, list(folded), n=3, cutoff=0.6)]
    if close:
        raise UsageError(_("--unit {unit}: no unit of the input is named so; did you mean: {names}? The units: {units}").format(
            unit=text, names="; ".join(dict.fromkeys(units[i].name for i in close)), units=listing))
    raise UsageError(_("--unit {unit}: no unit of the input is named so. The units: {units}").format(unit=text, units=listing))


def template_of(round_: InspectionRound, template: Path | None) -> Path:
    """The clerk's template, or the bundled one of the letter's kind."""
    return template or template_path(round_.letter.kind)


def render_file(
    input_path: Path,
    output: Path,
    *,
    unit: int | str | None = None,
    kind: str | None = None,
    template: Path | None = None,
    options: WriteOptions = WriteOptions(),
    clean_text: bool = False,
    pdf: bool = False,
    pdfa: bool = False,
) -> RenderedLetter:
    """Read one input and write its letter to ``output``: a batch of one letter.

    The letter is rendered and checked once, with its number when ``options.issue``; the
    number is taken only if the letter is written. ``pdf`` also writes a PDF beside it.
    ``kind`` writes that document of the round instead of its ``letter.kind`` (``--kind``).
    """
    if output.suffix.lower() != ".docx":
        raise UsageError(_("-o {output}: a letter is a Word file: give a name ending in .docx").format(output=output))
    if output.resolve() == Path(input_path).resolve():
        raise UsageError(_("-o {output}: that is the input file; give another name").format(output=output))
    warnings: list[str] = []
    round_ = with_kind(load_input(input_path, clean_text=clean_text, changes=warnings, kind=kind), kind)
    require_section(round_, str(input_path))
    warnings.extend(f"{input_path}: {line}" for line in [*list_warnings(round_), *layout_warnings(round_)])
    check_fits_page(round_, str(input_path))
    content = letter_content(round_, unit)
    if template is not None:
        from letter_gen.letters.template_check import raise_for_problems  # Jinja's AST walk: only for clerks' templates

        raise_for_problems(template)
    job = LetterJob(Path(input_path), round_, content, template_of(round_, template), output)
    if options.issue:  # said before the folder lock makes a new output folder, for nothing
        from letter_gen.register.issuing import check_issue_date

        check_issue_date(round_, options.date or dt.date.today(), allow_future=options.allow_future)
    with FolderLock(output.parent, wait=True), _register_for(options) as register:
        (outcome,) = LetterWriter(replace(options, check_all=True), register).write([job])
    if outcome.error is not None:
        raise outcome.error
    assert outcome.status != "failed"
    pdf_path = convert_one(output, pdfa=pdfa) if pdf or pdfa else None
    return RenderedLetter(output, outcome.content, outcome.status, tuple(warnings), pdf_path)


class _NoRegister:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


def _register_for(options: WriteOptions) -> Register | _NoRegister:
    if not options.issue:
        return _NoRegister()
    if options.register_path is None:
        raise UsageError(_("--issue needs a register"))
    from letter_gen.register.store import Register

    return Register(options.register_path, lazy=True)  # created only when the letter takes its number


def convert_one(docx: Path, *, pdfa: bool = False) -> Path:
    """The PDF beside one letter, through LibreOffice."""
    from letter_gen.libreoffice import convert_files  # LibreOffice's pool: only when a PDF is asked for

    (result,) = convert_files([docx], workers=1, pdfa=pdfa)
    if result.pdf is None:
        raise ConversionError(result.error or _("{file}: LibreOffice could not convert it").format(file=docx))
    return result.pdf


def validate_file(input_path: Path, *, clean_text: bool = False) -> tuple[InspectionRound, list[str]]:
    """Check one input without writing anything; with ``clean_text``, also the texts it would clean."""
    warnings: list[str] = []
    round_ = load_input(input_path, clean_text=clean_text, changes=warnings)
    warnings.extend(f"{input_path}: {line}" for line in [*list_warnings(round_), *layout_warnings(round_)])
    check_fits_page(round_, str(input_path))
    return round_, warnings


def chunks(items: Iterator[LetterJob], size: int) -> Iterator[list[LetterJob]]:
    """``items`` in lists of ``size`` (the last may be shorter)."""
    chunk: list[LetterJob] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
