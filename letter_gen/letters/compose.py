"""What each letter says: from a validated inspection round to the texts of one letter.

Composition decides the words (the body paragraphs, Kính gửi, Nơi nhận, signature lines);
rendering decides where they go on the page. The result, :class:`LetterContent`, is what a
template receives, and its :meth:`LetterContent.content_hash` identifies what a letter says
apart from its number and date (the register uses it to spot a changed letter).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, fields, replace
from typing import Any, Literal

from letter_gen import vn
from letter_gen.inputs.model import Action, InspectionRound, Unit, action_text

Mode = Literal["consolidated", "per-unit"]


@dataclass(frozen=True)
class Paragraph:
    """One body paragraph (đoạn văn, ô 6); ``heading`` marks a numbered unit heading.

    The other kinds (letters/kinds.py) use ``style``: ``"basis"`` (a quyết định's Căn cứ lines,
    italic), ``"center"`` (``QUYẾT ĐỊNH:``, bold, centred); and ``lead``, a bold start
    (``Điều 1.``) before the text."""

    text: str
    heading: bool = False
    #: The last two paragraphs stay on the page of the signature, which never stands alone.
    keep_with_next: bool = False
    style: str = "text"
    lead: str = ""


@dataclass(frozen=True)
class LetterContent:
    """Everything a letter says, ready for a template.

    Field names are the template's variables (``letter-gen template vars`` lists them).
    """

    kind: str
    mode: Mode
    unit: str | None
    parent_agency: str | None  # cơ quan chủ quản, in capitals
    agency_name: str  # cơ quan ban hành, in capitals
    agency_code: str
    symbol: str  # ký hiệu
    number: int | None  # số; None for a draft
    date: dt.date | None  # ngày ban hành; None for a draft
    year: int
    number_line: str  # "Số: 05/SKHCN-TTr"
    place_date: str  # "Bà Rịa - Vũng Tàu, ngày 05 tháng 3 năm 2021"
    subject: str  # trích yếu, after "V/v"
    subject_line: str  # "V/v ..."
    urgency: str | None  # độ khẩn
    national_title: str  # Quốc hiệu
    motto: str  # Tiêu ngữ
    recipients: tuple[str, ...]  # Kính gửi, as given
    kinh_gui_single: str | None  # "Kính gửi: X." for one recipient
    kinh_gui_lines: tuple[str, ...]  # "- X;" lines for several
    body: tuple[Paragraph, ...]
    noi_nhan: tuple[str, ...]  # Nơi nhận items
    signature_titles: tuple[str, ...]  # thẩm quyền ký and chức vụ
    signer_name: str
    period_label: str
    # The other kinds (letters/kinds.py); a công văn leaves them empty.
    title: str | None = None  # tên loại (ô 5a): "QUYẾT ĐỊNH"; None in a công văn
    issuing_authority: str | None = None  # a quyết định's "GIÁM ĐỐC SỞ ..."
    table_header: tuple[str, ...] = ()  # a plan's schedule, a report's summary: column headings
    table_rows: tuple[tuple[str, ...], ...] = ()
    body_after: tuple[Paragraph, ...] = ()  # body paragraphs after the table

    def context(self) -> dict[str, Any]:
        """The template context: every field by name (body paragraphs keep their attributes)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def content_hash(self) -> str:
        """SHA-256 of what the letter says, apart from its number and date."""
        said = self.context()
        for key in ("number", "date", "number_line", "place_date"):
            said.pop(key)
        said["body"] = [(p.text, p.heading) for p in self.body]
        if self.title is None and not self.body_after:
            for key in _KIND_FIELDS:  # a công văn's hash stays what it was before the other kinds
                said.pop(key)
        else:
            said["body"] = [(p.text, p.heading, p.style, p.lead) for p in self.body]
            said["body_after"] = [(p.text, p.heading, p.style, p.lead) for p in self.body_after]
        blob = json.dumps(said, ensure_ascii=False, sort_keys=True, default=str)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()

    def issued(self, number: int, date: dt.date, place: str) -> LetterContent:
        """The same letter with its number and date (when it is issued)."""
        return replace(
            self,
            number=number,
            date=date,
            number_line=vn.number_line(number, self.symbol),
            place_date=vn.place_date_line(place, date, self.year),
        )


_KIND_FIELDS = ("title", "issuing_authority", "table_header", "table_rows", "body_after")


@dataclass(frozen=True)
class Carried:
    """An action still open from an earlier period's letter, carried forward into this one
    (các nội dung chưa khắc phục từ kỳ trước): its unit, text, source letter and deadline."""

    unit: str
    text: str
    source: str  #: the letter that asked for it: ``Công văn số 05/SKHCN-TTr ngày 05/03/2021``
    deadline: dt.date | None = None

    def line(self) -> str:
        """``- text (Công văn số 05/SKHCN-TTr ngày 05/03/2021; hạn khắc phục 30/06/2021)``."""
        due = f"; hạn khắc phục {vn.short_date(self.deadline)}" if self.deadline else ""
        return f"- {vn.without_final_punctuation(self.text)} (theo {self.source}{due})."


#: The heading of the items carried forward, as the issue names it.
CARRIED_HEADING = "Các nội dung chưa khắc phục từ kỳ trước"


def compose(
    round_: InspectionRound,
    mode: Mode = "consolidated",
    unit_index: int | None = None,
    carried: tuple[Carried, ...] = (),
) -> LetterContent:
    """The letter of an inspection round: to every unit (``consolidated``, like the seed), or
    to ``units[unit_index]`` alone (``per-unit``). ``carried``: actions still open from earlier
    periods' letters, listed after this round's (each under its unit in a consolidated letter)."""
    if mode == "per-unit":
        if unit_index is None or not 0 <= unit_index < len(round_.units):
            raise IndexError(f"units[{unit_index}] does not exist (there are {len(round_.units)})")
        unit: Unit | None = round_.units[unit_index]
        assert unit is not None
        recipients = [unit.name]
        body = _per_unit_body(round_, unit, [c for c in carried if c.unit == unit.name])
    else:
        unit = None
        recipients = round_.kinh_gui
        body = _consolidated_body(round_, list(carried))
    letter, agency = round_.letter, round_.agency
    kinh_gui = vn.kinh_gui_lines(recipients)
    return LetterContent(
        kind=letter.kind,
        mode=mode,
        unit=unit.name if unit else None,
        parent_agency=vn.upper(agency.parent) if agency.parent else None,
        agency_name=vn.upper(agency.name),
        agency_code=agency.code,
        symbol=round_.symbol,
        number=letter.number,
        date=letter.date,
        year=round_.period.year if letter.date is None else letter.date.year,
        number_line=vn.number_line(letter.number, round_.symbol),
        place_date=vn.place_date_line(agency.place, letter.date, round_.period.year),
        subject=letter.subject,
        subject_line=f"V/v {letter.subject}",
        urgency=letter.urgency,
        national_title=vn.NATIONAL_TITLE,
        motto=vn.MOTTO,
        recipients=tuple(recipients),
        kinh_gui_single=kinh_gui[0] if len(kinh_gui) == 1 else None,
        kinh_gui_lines=tuple(kinh_gui[1:]),
        body=tuple(with_body_end(body)),
        noi_nhan=tuple(vn.noi_nhan_items(round_.cc, round_.archive)),
        signature_titles=tuple(round_.signer.titles),
        signer_name=round_.signer.name,
        period_label=round_.period.label,
    )


def letters_of(round_: InspectionRound, mode: Literal["consolidated", "per-unit", "both"]) -> list[tuple[Mode, int | None]]:
    """Which letters a round gives: the consolidated one and/or one per unit with something to fix."""
    wanted: list[tuple[Mode, int | None]] = []
    if mode in ("consolidated", "both"):
        wanted.append(("consolidated", None))
    if mode in ("per-unit", "both"):
        # With "both", a unit that is the consolidated letter's only recipient has its letter already.
        recipients = round_.kinh_gui
        only = vn.without_final_punctuation(recipients[0]) if mode == "both" and len(recipients) == 1 else None
        for index, unit in enumerate(round_.units):
            if unit.has_anything_to_fix and unit.name != only:
                wanted.append(("per-unit", index))
    return wanted


def intro_paragraph(round_: InspectionRound, where: str) -> Paragraph:
    """The opening paragraph (căn cứ, the round that was inspected): the input's own intro when it gives one."""
    ins = round_.inspection
    if ins.intro:
        return Paragraph(ins.intro)
    plan = ins.plan
    return Paragraph(
        f"Thực hiện {plan.kind} số {plan.number} ngày {vn.short_date(plan.date)} của {plan.issuer}"
        f" về {plan.title}, {ins.team} đã tiến hành kiểm tra {ins.field} tại {where}."
    )


def _assessment(round_: InspectionRound, shortcomings_follow: bool) -> Paragraph:
    text = f"Qua kiểm tra các nội dung trong kế hoạch, {vn.with_final_stop(round_.inspection.assessment)}"
    if shortcomings_follow:
        text += (
            " Tuy nhiên qua công tác kiểm tra vẫn phát hiện một số công việc chưa thực hiện"
            " hoặc thực hiện nhưng chưa đạt yêu cầu. Cụ thể:"
        )
    return Paragraph(text)


def _requirements_intro(round_: InspectionRound, who: str) -> Paragraph:
    if round_.requirements_intro:
        return Paragraph(round_.requirements_intro)
    return Paragraph(
        f"Để đảm bảo hoàn thành tốt các nhiệm vụ {round_.inspection.field}, {round_.agency.name}"
        f" yêu cầu {who} nghiêm túc thực hiện những nội dung như sau:"
    )


def _closing(round_: InspectionRound, who: str) -> Paragraph:
    if round_.closing:
        return Paragraph(round_.closing)
    return Paragraph(
        f"{who} nghiêm túc tổ chức, phân công thực hiện khắc phục những thiếu sót đã chỉ ra,"
        " đồng thời tập trung hoàn thành các nội dung nêu trên."
    )


def _action_line(action: str | Action) -> str:
    """An action as the letter lists it; its own deadline, if any, follows its text."""
    if isinstance(action, str):
        return f"- {action}"
    if action.deadline is None:
        return f"- {action.text}"
    return f"- {vn.without_final_punctuation(action.text)} (hạn khắc phục: trước ngày {vn.short_date(action.deadline)})."


def names_unit(text: str, unit: Unit) -> bool:
    """Whether an action's text begins with its unit's name or short name."""
    start = text.casefold()
    return any(start.startswith(name.casefold()) for name in (unit.name, unit.short_name) if name)


def _deadline(round_: InspectionRound) -> list[Paragraph]:
    """The round's deadline (hạn khắc phục), when it gives one."""
    if round_.inspection.deadline is None:
        return []
    return [Paragraph(
        f"Thời hạn hoàn thành khắc phục và báo cáo kết quả (kèm theo minh chứng) về {round_.agency.name}:"
        f" trước ngày {vn.short_date(round_.inspection.deadline)}."
    )]


def _carried(carried: list[Carried], by_unit: dict[str, str] | None = None) -> list[Paragraph]:
    """The items carried forward from earlier periods, under their heading (by unit when
    ``by_unit`` gives the units' heading names)."""
    if not carried:
        return []
    body = [Paragraph(f"{CARRIED_HEADING}:")]
    for item in carried:
        line = item.line()
        if by_unit is not None:
            line = f"- {by_unit.get(item.unit, item.unit)}: {line[2:]}"
        body.append(Paragraph(line))
    return body


def _items(texts: list[str]) -> list[Paragraph]:
    """One text stands as its own paragraph; several are a ``-`` list."""
    if len(texts) == 1:
        return [Paragraph(texts[0])]
    return [Paragraph(f"- {t}") for t in texts]


def _consolidated_body(round_: InspectionRound, carried: list[Carried]) -> list[Paragraph]:
    with_findings = [u for u in round_.units if u.findings]
    body = [intro_paragraph(round_, "các đơn vị trực thuộc"), _assessment(round_, bool(with_findings))]
    for number, unit in enumerate(with_findings, start=1):
        body.append(Paragraph(f"{number}. {unit.heading_name}", heading=True))
        body.extend(_items(unit.findings))
    requirements = [_action_line(r) for r in round_.requirements]
    for unit in round_.units:
        for action in unit.actions:
            line = _action_line(action)
            if round_.name_units_in_actions and not names_unit(action_text(action), unit):
                line = f"- {unit.heading_name}: {line[2:]}"
            requirements.append(line)
    if requirements:
        body.append(_requirements_intro(round_, "các đơn vị có liên quan"))
        body.extend(Paragraph(line) for line in requirements)
    body.extend(_carried(carried, {u.name: u.heading_name for u in round_.units}))
    body.extend(_deadline(round_))
    body.append(_closing(round_, "Các đơn vị"))
    return body


def _per_unit_body(round_: InspectionRound, unit: Unit, carried: list[Carried]) -> list[Paragraph]:
    body = [intro_paragraph(round_, unit.name), _assessment(round_, False)]
    if round_.requirements:
        body.append(_requirements_intro(round_, unit.name))
        body.extend(Paragraph(_action_line(r)) for r in round_.requirements)
    if unit.findings:
        body.append(
            Paragraph(
                f"Riêng đối với {unit.heading_name}, qua kiểm tra vẫn còn một số công việc chưa thực hiện"
                " hoặc thực hiện nhưng chưa đạt yêu cầu, cụ thể:"
            )
        )
        body.extend(Paragraph(f"- {f}") for f in unit.findings)
    if unit.actions:
        body.append(Paragraph(f"Đề nghị {unit.heading_name} thực hiện khắc phục những nội dung sau:"))
        body.extend(Paragraph(_action_line(a)) for a in unit.actions)
    body.extend(_carried(carried))
    body.extend(_deadline(round_))
    body.append(_closing(round_, "Đề nghị đơn vị"))
    return body


def with_body_end(body: list[Paragraph]) -> list[Paragraph]:
    """The body ending ``./.``, its last two paragraphs kept with the signature block; a text
    typed in several lines (Alt+Enter in a cell) is that many paragraphs (see :func:`_by_line`)."""
    body = [line for paragraph in body for line in _by_line(paragraph)]
    last = body[-1]
    body = [*body[:-1], replace(last, text=vn.body_end(last.text))]
    return [*body[:-2], *(replace(p, keep_with_next=True) for p in body[-2:])]


def _by_line(paragraph: Paragraph) -> list[Paragraph]:
    """One paragraph per line of its text: a line break in a body text starts a new paragraph,
    indented as every paragraph of the body (a line broken inside one would start at the
    margin); the lead (``Điều 1.``) stays on the first, empty lines are left out."""
    if "\n" not in paragraph.text:
        return [paragraph]
    lines = [line.strip(" ") for line in paragraph.text.split("\n") if line.strip()] or [""]
    return [replace(paragraph, text=line, lead=paragraph.lead if i == 0 else "") for i, line in enumerate(lines)]
