"""How big an input may be: the limits that bound the time and memory of reading one.

A hostile or damaged file (an alias bomb, a million rows, a zip whose one cell unpacks to
300 MB) must be refused with a clear message, not read until the machine runs out of memory.
The defaults are generous for real rounds (10,000 units, findings of 5,000 characters); each
can be raised for one run with an environment variable, ``LETTER_GEN_MAX_<NAME>`` (for
example ``LETTER_GEN_MAX_TEXT_CHARS=50000``).
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, fields, replace

from letter_gen.errors import UsageError
from letter_gen.i18n import _, local_number

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """The limits on one input file. The field name, in capitals, names its variable."""

    #: Size of an input file on disk (YAML, JSON or .xlsx).
    input_bytes: int = 64 * MB
    #: Characters and items of a YAML file after its aliases (``*name``) are expanded.
    expanded_chars: int = 64_000_000
    #: Aliases (``*name``, ``<<: *name``) used in a YAML file.
    aliases: int = 10_000
    #: Characters of one text (a finding, an action, a name, the subject ...).
    text_chars: int = 20_000
    #: Rows of one sheet of a workbook.
    sheet_rows: int = 100_000
    #: Bytes of a workbook's XML once unzipped (its sheets and shared strings), checked before reading.
    workbook_xml_bytes: int = 64 * MB

    @staticmethod
    def variable(name: str) -> str:
        """The environment variable that overrides the limit ``name``."""
        return f"LETTER_GEN_MAX_{name.upper()}"


DEFAULTS = Limits()
#: For data read back from the register: checked against the limits in force when it was issued.
NONE = Limits(**{f.name: sys.maxsize for f in fields(Limits)})


def current() -> Limits:
    """The limits of this run: the defaults, each overridden by its ``LETTER_GEN_MAX_*`` variable."""
    changed: dict[str, int] = {}
    for spec in fields(Limits):
        variable = Limits.variable(spec.name)
        text = os.environ.get(variable)
        if text is None or not text.strip():
            continue
        try:
            value = int(text.strip().replace("_", ""))
        except ValueError:
            value = 0
        if value < 1:
            raise UsageError(_('{variable}={text!r}: expected a whole number of 1 or more').format(variable=variable, text=text))
        changed[spec.name] = value
    return replace(DEFAULTS, **changed) if changed else DEFAULTS


def byte_size(value: int) -> str:
    """A size as a clerk reads it: ``64 MB``, ``80.2 MB``, ``1,200 bytes``."""
    if value < MB:
        return _("{size} bytes").format(size=local_number(value, ","))
    return local_number(round(value / MB, 1), ",g") + " MB"  # 64 MB, 80.2 MB, 1,200.5 MB
