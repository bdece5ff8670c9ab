"""Validated rounds put aside on disk, so a batch parses each input once and stays small.

A batch reads every input first (to count its letters and report bad inputs before it
writes), then writes the letters input by input. Holding every round in between would make
its memory grow with the number of inputs; reading each input again would parse it twice.
A :class:`SpooledRound` is the middle way: the validated round, pickled to an anonymous
temporary file (unlinked at once, readable by this process only), loaded back in a tenth of
the time parsing and validating it took.
"""

from __future__ import annotations

import pickle
import tempfile
from typing import IO

from letter_gen.errors import OutputError
from letter_gen.i18n import _, os_reason
from letter_gen.inputs.model import InspectionRound


class SpooledRound:
    """One validated round in a temporary file; :meth:`load` gives it back (once or more)."""

    def __init__(self, round_: InspectionRound) -> None:
        self.units = len(round_.units)
        try:
            self._file: IO[bytes] | None = tempfile.TemporaryFile(prefix="letter-gen-round-")  # noqa: SIM115 - held until load
            pickle.dump(round_, self._file, protocol=pickle.HIGHEST_PROTOCOL)
            self._file.flush()
        except OSError as err:
            raise OutputError(_('cannot put an input aside in the temporary folder ({strerror})').format(strerror=os_reason(err))) from err

    def load(self) -> InspectionRound:
        """The round, as it was validated."""
        if self._file is None:
            raise ValueError("the spooled round was closed")
        self._file.seek(0)
        round_: InspectionRound = pickle.load(self._file)  # noqa: S301 - our own file, never another's
        return round_

    def close(self) -> None:
        """Remove the temporary file (it goes by itself when the process ends, too)."""
        if self._file is not None:
            self._file.close()
            self._file = None
