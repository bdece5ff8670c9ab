"""Issuing a letter (ban hành, cấp số): its number and date from the outgoing register."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Protocol

from letter_gen.letters.compose import LetterContent
from letter_gen.letters.kinds import KINDS
from letter_gen.errors import RegisterError
from letter_gen.inputs.model import InspectionRound
from letter_gen.register.store import IssueRequest
from letter_gen.vn import short_date


class LetterJobLike(Protocol):
    """What issuing reads of a letter job (output's LetterJob): its input, round and draft."""

    @property
    def source(self) -> Path: ...
    @property
    def round_(self) -> InspectionRound: ...
    @property
    def content(self) -> LetterContent: ...

#: Tên loại of each kind, as the register's "Tên loại và trích yếu" column starts.
KIND_LABELS = {kind.id: kind.label for kind in KINDS.values()}


def round_identity(round_: InspectionRound, input_name: str) -> tuple[str, str, str, str]:
    """What makes two inputs the same inspection round, and so give the same letters (the
    letter key's first parts): agency, period, plan number and file name without its suffix."""
    return round_.agency.code.upper(), round_.period.label, round_.inspection.plan.number, input_name.rsplit(".", 1)[0]


def letter_key(input_name: str, round_: InspectionRound, content: LetterContent) -> str:
    """What makes a letter the same letter across runs, folders and file formats: the agency,
    the period and the plan it follows up, the input file's name without its suffix (one plan
    may have several rounds), the mode and the unit it goes to."""
    stem = input_name.rsplit(".", 1)[0]
    key = f"{round_.agency.code}|{round_.period.label}|{round_.inspection.plan.number}|{stem}|{content.mode}|{content.unit or '*'}"
    return key if content.kind == "follow-up" else f"{key}|{content.kind}"  # a follow-up keeps the key it always had


def sequence_of(agency_code: str, kind: str, sequences: Mapping[str, str] | None = None) -> str:
    """The register sequence a kind is numbered in: the agency's one sequence (``SKHCN``), or,
    when ``letter-gen.toml`` gives the kind its own (``[sequences]``, ``team-decision = "QĐ"``),
    that one (``SKHCN/QĐ``)."""
    name = (sequences or {}).get(kind)
    return f"{agency_code}/{name}" if name else agency_code


#: How many days ahead of today an issue date may be without --allow-future.
FUTURE_DAYS = 3


def check_issue_date(round_: InspectionRound, date: dt.date, *, allow_future: bool = False, today: dt.date | None = None) -> None:
    """Refuse an issue date a clerk would not mean: before the plan the letter follows up
    (kế hoạch), or more than a few days after today (unless the letter is prepared ahead)."""
    plan = round_.inspection.plan
    if date < plan.date and round_.letter.kind not in ("plan", "team-decision"):  # the plan itself, and its team, may come first
        raise RegisterError(
            f"ngày ban hành {short_date(date)} is before the plan it follows up"
            f" ({plan.kind} số {plan.number}, {short_date(plan.date)}): give --date on or after {short_date(plan.date)}"
        )
    today = today or dt.date.today()
    if date > today + dt.timedelta(days=FUTURE_DAYS) and not allow_future:
        raise RegisterError(
            f"ngày ban hành {short_date(date)} is after today ({short_date(today)}):"
            " check --date, or add --allow-future for a letter prepared ahead"
        )


def requests_for(letters: list[tuple[LetterJobLike, dt.date]], sequences: Mapping[str, str] | None = None) -> list[IssueRequest]:
    """The register's requests for (job, issue date) pairs of the letter-writing path;
    ``sequences`` gives kinds their own number sequence (kind → sequence name)."""
    return [_request(job.source.name, job.round_, job.content, date, sequences) for job, date in letters]


def _request(
    input_name: str, round_: InspectionRound, content: LetterContent, date: dt.date,
    sequences: Mapping[str, str] | None = None,
) -> IssueRequest:  # fmt: skip
    recipients = "; ".join(content.recipients)
    if round_.cc:
        recipients += "; " + "; ".join(round_.cc)
    return IssueRequest(
        key=letter_key(input_name, round_, content),
        agency=sequence_of(round_.agency.code, content.kind, sequences),
        symbol=content.symbol,
        year=date.year,
        date=date,
        content_hash=content.content_hash(),
        subject=content.subject_line,
        kind_label=KIND_LABELS.get(content.kind, "Công văn"),
        signer=round_.signer.name,
        recipients=recipients,
        archive=", ".join(round_.archive),
    )
