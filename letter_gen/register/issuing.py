"""Issuing a letter (ban hành, cấp số): its number and date from the outgoing register."""

from __future__ import annotations

import datetime as dt

from letter_gen.letters.compose import LetterContent
from letter_gen.errors import RegisterError
from letter_gen.inputs.model import InspectionRound
from letter_gen.register.store import IssuedLetter, IssueRequest, Register

KIND_LABELS = {"follow-up": "Công văn"}


def letter_key(input_name: str, round_: InspectionRound, content: LetterContent) -> str:
    """What makes a letter the same letter across runs, folders and file formats: the agency,
    the period and the plan it follows up, the input file's name without its suffix (one plan
    may have several rounds), the mode and the unit it goes to."""
    stem = input_name.rsplit(".", 1)[0]
    return f"{round_.agency.code}|{round_.period.label}|{round_.inspection.plan.number}|{stem}|{content.mode}|{content.unit or '*'}"


def _request(input_name: str, round_: InspectionRound, content: LetterContent, date: dt.date) -> IssueRequest:
    recipients = "; ".join(content.recipients)
    if round_.cc:
        recipients += "; " + "; ".join(round_.cc)
    return IssueRequest(
        key=letter_key(input_name, round_, content),
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
    )


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
    issued = register.issue(_request(input_name, round_, content, date), reissue=reissue)
    return content.issued(issued.number, issued.date, round_.agency.place), issued


def issue_many(
    register: Register,
    letters: list[tuple[str, InspectionRound, LetterContent]],
    *,
    date: dt.date,
    reissue: bool = False,
) -> list[tuple[LetterContent, bool] | RegisterError]:
    """Issue (input name, round, draft) letters in one register transaction.

    Each gets (the issued letter, whether its number is new), or the error that refused it.
    """
    requests = [_request(name, round_, content, date) for name, round_, content in letters]
    outcomes = register.issue_many(requests, reissue=reissue)
    results: list[tuple[LetterContent, bool] | RegisterError] = []
    for (_, round_, content), outcome in zip(letters, outcomes):
        if isinstance(outcome, RegisterError):
            results.append(outcome)
        else:
            results.append((content.issued(outcome.number, outcome.date, round_.agency.place), outcome.new))
    return results
