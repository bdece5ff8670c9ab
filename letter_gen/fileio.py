"""Atomic file writes: a file appears whole under its name or not at all."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from letter_gen.errors import OutputError


def write_bytes_atomic(path: Path, data: bytes, *, durable: bool = True) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder, then rename.

    ``durable=False`` skips the per-file fsync, for batches that sync once at the end (a
    killed process loses nothing either way; only a power cut needs the sync).
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    except OSError as err:
        raise OutputError(f"{path.parent}: cannot write here ({err.strerror})") from err
    try:
        with contextlib.suppress(OSError):  # some shares (vfat, CIFS) refuse: keep their default
            os.fchmod(fd, 0o666 & ~_UMASK)  # mkstemp makes files private; letters are shared
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as err:
        _remove_quietly(tmp)
        raise OutputError(f"{path.parent}: cannot write here ({err.strerror})") from err
    except BaseException:
        _remove_quietly(tmp)
        raise


def write_text_atomic(path: Path, text: str) -> None:
    """Write UTF-8 text atomically (see :func:`write_bytes_atomic`)."""
    write_bytes_atomic(path, text.encode("utf-8"))


def _remove_quietly(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass



def _read_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _read_umask()  # read once, at import: setting it is process-wide