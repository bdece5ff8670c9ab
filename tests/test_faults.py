"""Faults of a long batch: killed processes, full disks, read-only folders, a register under load."""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import hashlib
import os
import random
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner

from letter_gen import fileio
from letter_gen.cli import main
from letter_gen.errors import OutputError
from letter_gen.output.batch import BatchOptions, run_batch
from letter_gen.output.manifest import read_manifest
from letter_gen.register.store import Register

from .rounds import make_round, write_round


def _batch(inputs, out, register):
    return subprocess.Popen(
        [sys.executable, "-m", "letter_gen", "batch", str(inputs), "--out", str(out), "--issue",
         "--date", "2021-10-01", "--register", str(register)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def test_a_batch_killed_at_random_moments_is_completed_without_duplicate_or_gap(tmp_path):
    """Kill a real batch process (with its workers) at random points, three times, then finish it."""
    inputs = tmp_path / "in"
    for index in range(3):
        write_round(inputs / f"round{index}.yaml", make_round(units=300, seed=index, prefix=f"Khối {index} "))
    out, register = tmp_path / "out", tmp_path / "register.sqlite"
    rng = random.Random(os.getpid())
    for _ in range(3):
        process = _batch(inputs, out, register)
        time.sleep(rng.uniform(0.2, 2.5))
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        process.communicate()
    final = _batch(inputs, out, register)
    _, err = final.communicate(timeout=300)
    assert final.returncode == 0, err.decode()
    manifest = read_manifest(out)
    numbers = [row["number"] for row in manifest]
    assert sorted(numbers) == list(range(1, len(manifest) + 1))
    with Register(register) as book:
        entries = book.entries()
    assert sorted(e.number for e in entries) == sorted(numbers)
    assert not list(out.glob(".*.part"))
    on_disk = sorted(p.name for p in out.glob("*.docx"))
    assert on_disk == sorted(row["path"] for row in manifest)
    for row in manifest:
        assert hashlib.sha256((out / row["path"]).read_bytes()).hexdigest() == row["sha256"]


@pytest.mark.parametrize(("code", "reason"), [(errno.ENOSPC, "the disk is full"), (errno.EACCES, "no permission")])
def test_a_full_disk_or_read_only_folder_stops_the_batch_with_a_clear_error(tmp_path, monkeypatch, code, reason):
    source = write_round(tmp_path / "round.yaml", make_round(units=5))
    out = tmp_path / "out"

    def refuse(*args, **kwargs):
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(fileio.tempfile, "mkstemp", refuse)
    result = CliRunner().invoke(main, ["batch", str(source), "--out", str(out), "--workers", "1"])
    assert result.exit_code == 1
    assert result.stderr == f"{out}: cannot write here ({reason})\n"
    assert not list(out.glob("*.docx")) and not (out / "manifest.json").exists()
    assert not list(out.glob(".*.part"))


def test_an_output_folder_that_is_a_file_is_a_clear_error(tmp_path):
    source = write_round(tmp_path / "round.yaml", make_round(units=1))
    blocker = tmp_path / "out"
    blocker.write_text("not a folder", encoding="utf-8")
    result = CliRunner().invoke(main, ["batch", str(source), "--out", str(blocker)])
    assert result.exit_code == 2  # click refuses a file where a folder is expected
    with pytest.raises(OutputError, match="cannot write here"):
        run_batch([source], BatchOptions(out_dir=blocker / "sub"))


_ISSUER = """
import datetime as dt, sys
from pathlib import Path
from letter_gen.register.store import IssueRequest, Register
worker, count, path = int(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3])
with Register(path) as book:
    for i in range(count):
        book.issue(IssueRequest(key=f"w{worker}-{i}", agency="SKHCN", symbol="SKHCN-TTr", year=2021,
            date=dt.date(2021, 5, 1), content_hash=f"h{worker}-{i}", subject="V/v tải", kind_label="Công văn",
            signer="A", recipients="B", archive="VT"))
"""


def test_eight_processes_issuing_200_letters_each_end_with_1600_consecutive_numbers(tmp_path):
    register = tmp_path / "register.sqlite"
    processes = [
        subprocess.Popen([sys.executable, "-c", _ISSUER, str(w), "200", str(register)], stderr=subprocess.PIPE)
        for w in range(8)
    ]
    for process in processes:
        _, err = process.communicate(timeout=300)
        assert process.returncode == 0, err.decode()
    with Register(register) as book:
        entries = book.entries()
    assert len(entries) == 1600
    assert sorted(e.number for e in entries) == list(range(1, 1601))


def _issue_in_chunks_of_two(tmp_path, units):
    """``letter-gen batch --issue`` of a ``units``-unit round, two letters a chunk: its result,
    and the numbers its register holds afterwards, each checked to have its letter."""
    source = write_round(tmp_path / "round.yaml", make_round(units=units, seed=3))
    out, register = tmp_path / "out", tmp_path / "register.sqlite"
    result = CliRunner().invoke(main, ["batch", str(source), "--out", str(out), "--issue", "--date", "2021-10-01",
                                       "--register", str(register), "--mode", "per-unit", "--workers", "1"])
    return result, _numbers_each_with_its_letter(out, register)


def _numbers_each_with_its_letter(out, register):
    with Register(register) as book:
        numbers = sorted(e.number for e in book.entries())
    for number in numbers:
        assert list(out.glob(f"2021-{number:03d}-*.docx")), f"số {number} is in the register with no letter"
    return numbers


def _chunks_of_two_with_register_hooks(monkeypatch, *, before_second=None, after_first=None):
    """A batch of two letters a chunk whose register runs ``before_second`` as it opens its
    second transaction, ``after_first`` once its first is committed."""
    import letter_gen.output.batch as batch

    monkeypatch.setattr(batch, "_CHUNK", 2)
    real = Register.transaction
    opened = {"n": 0}

    @contextlib.contextmanager
    def transaction(self):
        opened["n"] += 1
        if opened["n"] == 2 and before_second is not None:
            before_second()
        with real(self) as tx:
            yield tx
        if opened["n"] == 1 and after_first is not None:
            after_first()

    monkeypatch.setattr(Register, "transaction", transaction)


@contextlib.contextmanager
def _signal_handlers_restored():
    """The test process's own handlers of the stop signals back after the block."""
    import signal

    from letter_gen import interrupts

    before = {each: signal.getsignal(each) for each in interrupts.SIGNALS}
    try:
        yield
    finally:
        for each, handler in before.items():
            signal.signal(each, handler)


def test_a_batch_stopped_between_chunks_leaves_no_number_without_its_letter(tmp_path, monkeypatch):
    """Chunk N's numbers are committed before its files are written (while chunk N+1 renders):
    a stop at chunk N+1 (here the register busy past its timeout) must still write chunk N."""
    from letter_gen.errors import RegisterError

    def busy():
        raise RegisterError("the register is busy (another clerk holds it)")

    _chunks_of_two_with_register_hooks(monkeypatch, before_second=busy)
    result, numbers = _issue_in_chunks_of_two(tmp_path, units=5)
    assert result.exit_code == 1 and "busy" in result.stderr
    assert numbers, "the first chunk was numbered"


def test_a_ctrl_c_just_as_a_chunk_is_committed_still_writes_its_letters(tmp_path, monkeypatch):
    """A real Ctrl-C arriving the moment the register commits a chunk's numbers (before the batch
    holds the chunk) waits until it does: the numbers it took have their letters."""
    import signal

    def ctrl_c():
        os.kill(os.getpid(), signal.SIGINT)  # the clerk's Ctrl-C, right after the commit

    _chunks_of_two_with_register_hooks(monkeypatch, after_first=ctrl_c)
    with _signal_handlers_restored():
        result, numbers = _issue_in_chunks_of_two(tmp_path, units=5)
    assert result.exit_code == 130, result.output
    assert numbers == [1, 2] and "2 letters written, 2 numbers taken" in result.stderr


def test_a_batch_whose_next_letters_cannot_be_composed_writes_every_letter_it_numbered(tmp_path, monkeypatch):
    """The next chunk is composed while the workers render this one: an input error met then is
    raised after this chunk is committed and written, as it was met without composing ahead."""
    import letter_gen.output.batch as batch
    from letter_gen.errors import InputError

    monkeypatch.setattr(batch, "_CHUNK", 2)
    real = batch.compose
    composed = {"n": 0}

    def compose(*args, **kwargs):
        composed["n"] += 1
        if composed["n"] == 4:
            raise InputError("round.yaml: units → đơn vị thứ 4: không đọc được")
        return real(*args, **kwargs)

    monkeypatch.setattr(batch, "compose", compose)
    result, numbers = _issue_in_chunks_of_two(tmp_path, units=6)
    assert result.exit_code == 1 and "không đọc được" in result.stderr
    assert numbers == [1, 2], "the first chunk (two letters) was numbered, the second never"


def test_a_batch_stopped_while_it_lists_a_chunk_writes_the_chunk_numbered_meanwhile(tmp_path, monkeypatch):
    """Chunk N+1's numbers are committed before chunk N is listed (its PDFs made, signed, put in
    the manifest: the longest step): a stop then must still write chunk N+1's letters."""
    import signal

    import letter_gen.output.batch as batch
    from letter_gen.interrupts import Interrupted

    monkeypatch.setattr(batch, "_CHUNK", 2)
    real = batch._count
    counted = {"n": 0}

    def count(*args, **kwargs):
        counted["n"] += 1
        if counted["n"] == 1:  # the first letter listed: chunk 1's, once chunk 2 is numbered
            raise Interrupted(signal.SIGTERM)
        return real(*args, **kwargs)

    monkeypatch.setattr(batch, "_count", count)
    source = write_round(tmp_path / "round.yaml", make_round(units=6, seed=3))
    out, register = tmp_path / "out", tmp_path / "register.sqlite"
    options = BatchOptions(out_dir=out, mode="per-unit", issue=True, register_path=register, workers=1,  # type: ignore[arg-type]
                           date=dt.date(2021, 10, 1))
    with pytest.raises(Interrupted):
        run_batch([source], options)
    assert _numbers_each_with_its_letter(out, register) == [1, 2, 3, 4], "chunks 1 and 2 were numbered"


def test_a_ctrl_c_a_library_swallows_still_stops_the_command():
    """pydantic turns an exception raised in a discriminator (the form of an action, while a
    round is recorded for tracking) into a warning: a Ctrl-C landing there must still stop."""
    import signal
    import warnings
    from typing import Annotated, Any

    from pydantic import BaseModel, Discriminator, Tag

    from letter_gen import interrupts

    def form(value: Any) -> str:
        if value == "stop":
            os.kill(os.getpid(), signal.SIGINT)  # the clerk's Ctrl-C, inside pydantic's callback
        return "text" if isinstance(value, str) else "number"

    class Holder(BaseModel):
        items: list[Annotated[Annotated[str, Tag("text")] | Annotated[int, Tag("number")], Discriminator(form)]]

    holder = Holder(items=["Rà soát hồ sơ."])
    holder.items = ["stop"]
    with _signal_handlers_restored():
        interrupts.stop_on_signals()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            assert holder.model_dump(mode="json") == {"items": ["stop"]}  # swallowed by pydantic
        with pytest.raises(interrupts.Interrupted):
            interrupts.check()
        interrupts.stop_on_signals()  # the next command starts afresh
        interrupts.check()


def test_a_stop_handled_by_the_caller_does_not_stop_its_next_batch(tmp_path):
    """A program (or a test) that caught a stop and set its own signal handlers again runs the
    next batch: the stop kept for one a library swallows belongs to its own command only."""
    import signal

    from letter_gen import interrupts

    with _signal_handlers_restored():
        interrupts.stop_on_signals()
        with pytest.raises(interrupts.Interrupted):
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(1)  # the handler runs before this ends
    interrupts.check()  # the caller took the stop: nothing left to raise
    source = write_round(tmp_path / "round.yaml", make_round(units=3))
    summary = run_batch([source], BatchOptions(out_dir=tmp_path / "out", mode="per-unit"))
    assert summary.failed == 0 and summary.written > 0
