"""Ctrl-C, SIGTERM and SIGHUP end a command cleanly: as an exception, so every ``finally``
runs (LibreOffice is killed, temporary folders go, no half-written file stays), never as a
traceback. The CLI turns :class:`Interrupted` into one line and exit code 128 + the signal."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
NAMES = {signal.SIGINT: "Ctrl-C", signal.SIGTERM: "SIGTERM", signal.SIGHUP: "SIGHUP"}


class Interrupted(BaseException):
    """Raised in the main thread when the command is asked to stop (not an error: a
    BaseException, like KeyboardInterrupt, so no ``except Exception`` swallows it)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        """130 for Ctrl-C, 143 for SIGTERM, 129 for SIGHUP, as shells report them."""
        return 128 + self.signum

    @property
    def name(self) -> str:
        return NAMES.get(signal.Signals(self.signum), f"signal {self.signum}")


#: Signals received while a stop is held (:func:`held`), raised when the hold ends.
_holds = 0
_pending: int | None = None
#: The stop asked, kept: a library may swallow the exception (pydantic turns one raised in its
#: serializer's callbacks into a warning), and :func:`check` raises it again.
_stopped: int | None = None


@contextmanager
def held() -> Iterator[None]:
    """A stop waits until this block ends, then is raised as usual: from the commit of a
    chunk's numbers until the batch holds that chunk, so a Ctrl-C between the two cannot
    leave numbers in the register whose letters nobody writes."""
    global _holds, _pending
    _holds += 1
    try:
        yield
    finally:
        _holds -= 1
        if not _holds and _pending is not None:
            signum, _pending = _pending, None
            _stop(signum, None)


def _stop(signum: int, _frame: FrameType | None) -> None:
    global _pending, _stopped
    if _holds:
        _pending = _pending or signum
        return
    _stopped = signum
    for each in SIGNALS:  # a second signal while cleaning up must not interrupt the cleanup
        signal.signal(each, signal.SIG_IGN)
    raise Interrupted(signum)


def check() -> None:
    """Raise again a stop whose exception a library swallowed. Only while that stop's command
    runs (it left the signals ignored): a program (or a test) that caught the stop and set its
    own handlers again goes on, and the next command starts afresh (:func:`stop_on_signals`)."""
    if _stopped is not None and signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        raise Interrupted(_stopped)


def stop_on_signals() -> None:
    """In the main process: turn Ctrl-C, SIGTERM and SIGHUP into :class:`Interrupted`."""
    global _holds, _pending, _stopped
    _holds, _pending, _stopped = 0, None, None  # a new command (tests run several in one process)
    for each in SIGNALS:
        signal.signal(each, _stop)


def worker_signals() -> None:
    """In a worker process: leave stopping to the main process. Ctrl-C reaches the whole
    terminal group, so workers ignore it (the main process shuts them down); SIGTERM and
    SIGHUP end a worker quietly."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGHUP, signal.SIG_DFL)
