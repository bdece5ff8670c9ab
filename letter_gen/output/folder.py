"""An output folder held by one letter_gen at a time (its ``.letter-gen.lock``)."""

from __future__ import annotations

import fcntl
import time
from pathlib import Path

from letter_gen.i18n import _, os_reason
from letter_gen.errors import OutputError
from letter_gen.fileio import shown_folder

LOCK_NAME = ".letter-gen.lock"
WAIT_S = 30.0


class FolderLock:
    """One writer at a time per folder: deciding that a path may be written, taking the
    number and writing the file all happen under it. A batch refuses a busy folder at once;
    ``render`` (``wait=True``) waits its turn. The holder sweeps ``.*.part`` files when it takes
    and leaves the folder: they are only ever half-written files of a stopped run."""

    def __init__(self, folder: Path, *, wait: bool = False) -> None:
        self.folder = Path(folder)
        self.wait = wait

    def __enter__(self) -> FolderLock:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._handle = (self.folder / LOCK_NAME).open("a")
        except OSError as err:
            raise OutputError(_("{folder}: cannot write here ({why})").format(folder=shown_folder(self.folder), why=os_reason(err))) from err
        deadline = time.monotonic() + (WAIT_S if self.wait else 0.0)
        while True:
            try:
                fcntl.flock(self._handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError as err:
                if time.monotonic() >= deadline:
                    self._handle.close()
                    raise OutputError(_(
                        "{folder}: another letter-gen is writing into this folder; wait for it to finish"
                    ).format(folder=self.folder)) from err
                time.sleep(0.05)
        self._sweep()
        return self

    def __exit__(self, *exc: object) -> None:
        self._sweep()  # a run stopped mid-write leaves nothing half-written behind
        self._handle.close()

    def _sweep(self) -> None:
        for leftover in self.folder.glob(".*.part"):
            leftover.unlink(missing_ok=True)
