"""Drafts verified against Decree 30 before any number is taken, for ``letter-gen batch``.

Every draft is rendered and verified (:class:`letter_gen.checking.verify.Verifier`: the first
letter of each shape in full, the others by proof that only their words differ, plus the
rules words can break); with ``full`` each is checked in full. The work runs in whichever
process calls :func:`verify_drafts`, so a batch hands it to its worker processes: each keeps
its own verifier and the shapes it has checked.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from letter_gen.checking.verify import Verifier
from letter_gen.errors import LetterGenError
from letter_gen.i18n import _
from letter_gen.letters.compose import LetterContent


@dataclass(frozen=True)
class Draft:
    """One letter to verify: its template, what it says, and its name in messages."""

    template: Path
    content: LetterContent
    name: str


_verifier = Verifier()  # one per process


def verify_drafts(drafts: list[Draft], full: bool = False) -> list[str | None]:
    """For each draft, None when it passes, else the message a clerk reads (its findings)."""
    return [_verify(draft, full) for draft in drafts]


def _verify(draft: Draft, full: bool) -> str | None:
    from letter_gen.checking.rules import check_bytes
    from letter_gen.output.batch import _prepared  # the process's prepared templates, shared with writing

    try:
        data = _prepared(draft.template).render(draft.content)
        findings = check_bytes(data, draft.name) if full else _verifier.verify(data, draft.name)
    except LetterGenError as err:
        return "\n  ".join([err.message, *err.problems])
    if not findings:
        return None
    message = _("{name}: not written: the letter breaks Decree 30's layout rules"
                " (fix the template or input; --no-check writes it anyway)").format(name=draft.name)  # fmt: skip
    return "\n  ".join([message, *(str(f) for f in findings)])
