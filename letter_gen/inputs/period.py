"""Reporting periods asked for on the command line (kỳ báo cáo): ``2021``, ``2021-Q2``,
``2021-H1``, ``2021-06``, and whether an input's period lies inside one."""

from __future__ import annotations

import re
from dataclasses import dataclass

from letter_gen.errors import UsageError
from letter_gen.inputs.model import Period


@dataclass(frozen=True)
class PeriodFilter:
    """A reporting period asked for on the command line: ``2021``, ``2021-Q2``, ``2021-H1``, ``2021-06``."""

    text: str
    year: int
    first_month: int
    last_month: int

    def covers(self, period: Period) -> bool:
        """Whether an input's period lies inside this one (``2021-Q2`` lies in ``2021-H1`` and ``2021``)."""
        first, last = period.months
        return period.year == self.year and self.first_month <= first and last <= self.last_month


def parse_period(text: str) -> PeriodFilter:
    """Read ``2021``, ``2021-Q2``, ``2021-H1`` or ``2021-06``; :class:`UsageError` otherwise."""
    match = re.fullmatch(r"(\d{4})(?:-(?:[Qq]([1-4])|[Hh]([12])|(0[1-9]|1[0-2])))?", text.strip())
    if not match:
        raise UsageError(f"--period {text!r}: expected a year (2021), a quarter (2021-Q2), a half (2021-H1) or a month (2021-06)")
    year = int(match.group(1))
    quarter, half, month = (int(g) if g else None for g in match.group(2, 3, 4))
    try:
        months = Period(year=year, quarter=quarter, half=half, month=month).months
    except ValueError as err:  # pydantic's ValidationError: a year out of range
        raise UsageError(f"--period {text!r}: the year must be between 1945 and 2200") from err
    return PeriodFilter(text.strip(), year, *months)
