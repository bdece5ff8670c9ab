"""The documents of an inspection round (loại văn bản), one entry each.

A kind is chosen by ``letter.kind`` in the input (or ``--kind`` on ``render`` and ``batch``).
Each has its Decree 30 form (:data:`letter_gen.decree30.FORMS`: tên loại, the abbreviation
its ký hiệu begins with, whether it has Kính gửi), the input section it reads, its compose
function and its bundled template (built by :mod:`letter_gen.letters.build_kinds`, written by ``python -m letter_gen.letters.rebuild``). Adding a
kind is one entry here, one compose function and one template builder.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from letter_gen import decree30
from letter_gen.errors import InputError, UsageError
from letter_gen.i18n import _
from letter_gen.inputs.model import InspectionRound
from letter_gen.letters import compose as follow_up
from letter_gen.letters import compose_kinds as other
from letter_gen.letters.compose import Carried, LetterContent, Mode

Composer = Callable[[InspectionRound, Mode, "int | None"], LetterContent]


@dataclass(frozen=True)
class Kind:
    """One kind of document letter_gen writes."""

    id: str  # letter.kind, --kind, the template's file name
    name: str  # what a clerk calls it
    form: decree30.DocumentForm
    compose: Composer
    section: str | None = None  # the input section it needs (None: the round's own data)
    per_unit: bool = False  # whether it has per-unit letters (--unit, batch --mode per-unit)

    @property
    def label(self) -> str:
        """Tên loại, as the register's "Tên loại và trích yếu" column starts."""
        return self.form.name

    def symbol(self, round_: InspectionRound) -> str:
        """The ký hiệu: ``QĐ-SKHCN``; a công văn's ``SKHCN-TTr``."""
        abbreviation = self.form.abbreviation
        return f"{abbreviation}-{round_.agency.code}" if abbreviation else round_.symbol


_FORMS = decree30.FORMS
KINDS: dict[str, Kind] = {
    k.id: k
    for k in (
        Kind("follow-up", "công văn yêu cầu khắc phục", _FORMS["công văn"], follow_up.compose, per_unit=True),
        Kind("reminder", "công văn đôn đốc khắc phục", _FORMS["công văn"], other.reminder, "reminder", per_unit=True),
        Kind("team-decision", "Quyết định thành lập Đoàn kiểm tra", _FORMS["quyết định"], other.team_decision, "decision"),
        Kind("plan", "Kế hoạch kiểm tra", _FORMS["kế hoạch"], other.plan, "plan"),
        Kind("invitation", "Giấy mời", _FORMS["giấy mời"], other.invitation, "meeting"),
        Kind("conclusion-notice", "Thông báo kết luận kiểm tra", _FORMS["thông báo"], other.conclusion_notice, "notice"),
        Kind("report", "Báo cáo kết quả kiểm tra", _FORMS["báo cáo"], other.report, "report"),
    )
}  # fmt: skip
KIND_IDS = tuple(KINDS)


def kind_of(name: str) -> Kind:
    """The kind called ``name``; :class:`UsageError` naming the kinds otherwise."""
    try:
        return KINDS[name]
    except KeyError:
        raise UsageError(_("unknown kind {name!r}; the kinds are {kinds}").format(name=name, kinds=", ".join(KINDS))) from None


def with_kind(round_: InspectionRound, kind: str | None) -> InspectionRound:
    """The round with ``letter.kind`` set to ``kind`` (``--kind``); as it is for None."""
    if kind is None or kind == round_.letter.kind:
        return round_
    kind_of(kind)
    return round_.model_copy(update={"letter": round_.letter.model_copy(update={"kind": kind})})


def require_section(round_: InspectionRound, source: str) -> None:
    """Refuse a round whose kind needs an input section it does not have."""
    kind = kind_of(round_.letter.kind)
    if kind.section is not None and getattr(round_, kind.section) is None:
        raise InputError(
            _("{source}: {section}: required for a {kind} ({name}); see the README's document kinds").format(
                source=source, section=kind.section, kind=kind.id, name=kind.name
            )
        )


def compose(
    round_: InspectionRound, mode: Mode = "consolidated", unit_index: int | None = None, carried: tuple[Carried, ...] = ()
) -> LetterContent:
    """The document of the round's kind: consolidated, or to ``units[unit_index]`` for a kind with per-unit
    letters; a follow-up letter may carry forward what is still open from earlier periods (``carried``)."""
    if carried and round_.letter.kind == "follow-up":
        return follow_up.compose(round_, mode, unit_index, carried)
    return kind_of(round_.letter.kind).compose(round_, mode, unit_index)


def letters_of(round_: InspectionRound, mode: Literal["consolidated", "per-unit", "both"]) -> list[tuple[Mode, int | None]]:
    """Which documents a round gives: a follow-up or reminder letter per unit as ``mode`` asks;
    one document of any other kind."""
    kind = kind_of(round_.letter.kind)
    if kind.id == "follow-up":
        return follow_up.letters_of(round_, mode)
    if not kind.per_unit:
        return [("consolidated", None)]
    wanted: list[tuple[Mode, int | None]] = []
    units = other.open_units(round_)
    if mode in ("consolidated", "both"):
        wanted.append(("consolidated", None))
    if mode in ("per-unit", "both") and not (mode == "both" and len(units) == 1):
        wanted += [("per-unit", round_.units.index(u)) for u in units]
    return wanted


def has_unit_letter(round_: InspectionRound, index: int) -> bool:
    """Whether ``units[index]`` gets a per-unit document of the round's kind."""
    kind = kind_of(round_.letter.kind)
    if kind.id == "reminder":
        return round_.units[index] in other.open_units(round_)
    return kind.per_unit and round_.units[index].has_anything_to_fix
