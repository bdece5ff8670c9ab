"""Atomic file writes: a file appears whole under its name or not at all."""

from __future__ import annotations

import contextlib
import io
import os
import re
import tempfile
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

from letter_gen.errors import ExistingFileError, OutputError
from letter_gen.i18n import N_, _, os_reason

#: How letter_gen marks the files it writes (a workbook's last-modified-by, a letter's
#: application): a clerk's save in Word or Excel replaces the mark, so edited files are never ours.
GENERATOR = "letter-gen"


def workbook_written_by_letter_gen(data: bytes) -> bool:
    """Whether an .xlsx was last saved by letter_gen (its core properties' last-modified-by):
    Excel and LibreOffice put the clerk's name there when they save it."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zipped:
            core = zipped.read("docProps/core.xml")
    except (zipfile.BadZipFile, KeyError, OSError, EOFError):
        return False
    return re.search(rb"<cp:lastModifiedBy>" + GENERATOR.encode() + rb"</cp:lastModifiedBy>", core) is not None


def refuse_to_replace(path: Path, data: bytes, ours: Callable[[bytes], bool], *, force: bool = False) -> None:
    """Refuse to write over a file letter_gen did not write as this kind of output (or that was
    edited since): the same bytes or a file of ours may be replaced; anything else needs ``force``."""
    try:
        existing = Path(path).read_bytes()
    except FileNotFoundError:
        return
    except IsADirectoryError as err:
        raise OutputError(_("{path}: that is a folder; give a file name").format(path=path)) from err
    except OSError as err:
        raise OutputError(_("{path}: cannot read the file there ({why})").format(path=path, why=os_reason(err))) from err
    if force or existing == data or ours(existing):
        return
    raise ExistingFileError(_(
        "{path}: a file letter_gen did not write (or that was edited since) is there; it is not replaced"
        " (give another name, or --force to replace it)"
    ).format(path=path))


#: What zipfile raises for a .docx or .xlsx whose bytes are damaged: not a zip, or a damaged
#: directory (BadZipFile); a part that does not unzip (zlib.error; EOFError: cut short); an entry
#: it cannot read (NotImplementedError: a damaged byte, or a compression Office never writes).
DAMAGED_ZIP: tuple[type[BaseException], ...] = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError)


def starts_as_a_zip(path: Path) -> bool:
    """Whether the file begins as every .docx and .xlsx does (``PK``), damaged or not."""
    try:
        with Path(path).open("rb") as file:
            return file.read(2) == b"PK"
    except OSError:
        return False


def write_bytes_atomic(
    path: Path, data: bytes, *, durable: bool = True, ours: Callable[[bytes], bool] | None = None, force: bool = False
) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder, then rename.

    ``durable=False`` skips the per-file fsync, for batches that sync once at the end (a
    killed process loses nothing either way; only a power cut needs the sync). With ``ours``,
    a file already there is replaced only as :func:`refuse_to_replace` allows.
    """
    path = Path(path)
    if ours is not None:
        refuse_to_replace(path, data, ours, force=force)
    try:
        try:
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
        except FileNotFoundError:  # the folder is made only when missing: a batch writes thousands into one
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    except OSError as err:
        raise OutputError(_("{folder}: cannot write here ({why})").format(folder=shown_folder(path.parent), why=os_reason(err))) from err
    try:
        try:
            with contextlib.suppress(OSError, AttributeError):  # some shares (vfat, CIFS) refuse; Windows has none
                os.fchmod(fd, 0o666 & ~_UMASK)  # mkstemp makes files private; letters are shared
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            if durable:
                os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except OSError as err:
        _remove_quietly(tmp)
        raise OutputError(_("{folder}: cannot write here ({why})").format(folder=shown_folder(path.parent), why=os_reason(err))) from err
    except BaseException:
        _remove_quietly(tmp)
        raise


def write_text_atomic(path: Path, text: str, *, ours: Callable[[bytes], bool] | None = None, force: bool = False) -> None:
    """Write UTF-8 text atomically (see :func:`write_bytes_atomic`)."""
    write_bytes_atomic(path, text.encode("utf-8"), ours=ours, force=force)


def shown_folder(folder: Path) -> Path:
    """A folder as a clerk can find it in a message: the working folder named in full, not "."."""
    return folder if folder.parts else folder.absolute()


def _remove_quietly(path: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)



def _read_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _read_umask()  # read once, at import: setting it is process-wide


#: Files a clerk may hold instead of the one letter_gen reads, and how to turn them into it.
_SAVE_AS = {
    ".xls": N_("an Excel 97-2003 workbook: open it in Excel and save it as \"Excel Workbook (*.xlsx)\""),
    ".xlsm": N_("an Excel workbook with macros: open it in Excel and save it as \"Excel Workbook (*.xlsx)\""),
    ".xlsb": N_("a binary Excel workbook: open it in Excel and save it as \"Excel Workbook (*.xlsx)\""),
    ".ods": N_("a LibreOffice Calc spreadsheet: open it and save it as \"Excel 2007-365 (.xlsx)\""),
    ".csv": N_("a CSV file holds one sheet only: fill in the Excel form instead (letter-gen excel-template) and save it as .xlsx"),
    ".doc": N_("a Word 97-2003 document: open it in Word and save it as \"Word Document (*.docx)\""),
    ".odt": N_("a LibreOffice Writer document: open it and save it as \"Word 2007-365 (.docx)\""),
    ".rtf": N_("an RTF document: open it in Word and save it as \"Word Document (*.docx)\""),
}


def save_as_hint(path: Path) -> str | None:
    """What to do with a file of a kind letter_gen does not read but a clerk may well hold
    (``.xls``, ``.csv``, ``.doc``...): open it and save it as .xlsx or .docx; else ``None``."""
    hint = _SAVE_AS.get(Path(path).suffix.lower())
    return _(hint) if hint else None
