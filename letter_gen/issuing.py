"""Issuing a letter (ban hành, cấp số): its number and date from the outgoing register."""

from __future__ import annotations

import datetime as dt

from .compose import LetterContent
from .model import InspectionRound
from .register import IssuedLetter, IssueRequest, Register

KIND_LABELS = {"follow-up": "Công văn"}


def letter_key(input_name: str, content: LetterContent) -> str:
    """What makes a letter the same letter across runs: its input file, mode and unit."""
    return f"{input_name}|{content.mode}|{content.unit or '*'}"


def issue(
    register: Register,
    round_: InspectionRound,
    content: LetterContent,
    *,
    input_name: str,
    date: dt.date,
    reissue: bool = False,
) -> tuple[LetterContent, IssuedLetter]:
    """Give a draft its number (or the one it already has) and return the issued letter.

    A letter issued before keeps its first number and date, so a re-run changes nothing.
    """
    recipients = "; ".join(content.recipients)
    if round_.cc:
        recipients += "; " + "; ".join(round_.cc)
    issued = register.issue(
        IssueRequest(
            key=letter_key(input_name, content),
            agency=round_.agency.code,
            symbol=content.symbol,
            year=date.year,
            date=date,
            content_hash=content.content_hash(),
            subject=content.subject_line,
            kind_label=KIND_LABELS.get(content.kind, "Công văn"),
            signer=round_.signer.name,
            recipients=recipients,
            archive=", ".join(round_.archive),
        ),
        reissue=reissue,
    )
    return content.issued(issued.number, issued.date, round_.agency.place), issued
