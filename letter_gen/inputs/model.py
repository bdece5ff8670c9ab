"""The inspection round as typed, validated data (kết quả kiểm tra, one file = one round).

The models follow ``inspection-input.md``: unknown keys are errors, every text is NFC and
stripped, and a text that XML cannot carry is refused with its field path. Nothing is
rendered from an input that does not validate.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Callable
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Strict,
    Tag,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from letter_gen import decree30, vn
from letter_gen.errors import InputError
from letter_gen.i18n import N_, _, language, local_number
from letter_gen.inputs.limits import DEFAULTS, Limits

# C0 controls other than tab and newline, and lone surrogates, cannot live in a docx (XML 1.0).
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def illegal_characters(text: str) -> list[str]:
    """The characters of ``text`` that XML 1.0 cannot carry, as ``U+0007`` names."""
    return sorted({f"U+{ord(c):04X}" for c in _XML_ILLEGAL.findall(text)})


def remove_illegal_characters(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot carry (``--clean-text``)."""
    return _XML_ILLEGAL.sub("", text)


def clean_data(data: Any, path: tuple[int | str, ...] = ()) -> tuple[Any, list[str]]:
    """``data`` with the characters XML cannot carry removed from every text, and one line
    per text changed, naming its field (``--clean-text``)."""
    if isinstance(data, str):
        bad = illegal_characters(data)
        if not bad:
            return data, []
        return remove_illegal_characters(data), [_("{field}: removed {characters}").format(
            field=shown_path(path) or _("(top level)"), characters=", ".join(bad))]
    if isinstance(data, dict):
        changes: list[str] = []
        cleaned: dict[Any, Any] = {}
        for key, value in data.items():
            cleaned[key], more = clean_data(value, (*path, key))
            changes.extend(more)
        return cleaned, changes
    if isinstance(data, list):
        items, changes = [], []
        for index, value in enumerate(data):
            item, more = clean_data(value, (*path, index))
            items.append(item)
            changes.extend(more)
        return items, changes
    return data, []


def _limits(info: ValidationInfo) -> Limits:
    context = info.context
    limits = context.get("limits") if isinstance(context, dict) else None
    return limits if isinstance(limits, Limits) else DEFAULTS


def _clean_text(value: str, info: ValidationInfo) -> str:
    most = _limits(info).text_chars
    if len(value) > most:
        raise ValueError(_(
            "{length} characters; a text of a letter holds at most {most}"
            " (to allow longer ones, set {variable})"
        ).format(length=local_number(len(value), ","), most=local_number(most, ","), variable=Limits.variable("text_chars")))
    # "\r\n" from Windows or Excel is one line break, not two.
    value = vn.nfc(value.replace("\r\n", "\n").replace("\r", "\n"))
    bad = illegal_characters(value)
    if bad:
        raise ValueError(_(
            "contains {found}, a control character a letter cannot carry (remove it, or run with --clean-text)"
        ).format(found=", ".join(bad)))
    return value


def _non_empty(value: str) -> str:
    if not value:
        raise ValueError(_("must not be empty"))
    return value


def _date_not_number(value: Any) -> Any:
    # pydantic would read 0 as 1 January 1970: a date is written 05/07/2021 or 2021-07-05.
    if isinstance(value, (int, float)):
        raise ValueError(_("expected a date such as 05/07/2021 or 2021-07-05"))
    if isinstance(value, str):
        try:
            return vn.parse_short_date(value) or value  # dd/mm/yyyy, as clerks write dates
        except ValueError:
            raise ValueError(_("expected a real date such as 05/07/2021 or 2021-07-05")) from None
    return value


def _whole(
    what: str, low: int, high: int, *, span: str, below: str | None = None, parse: Any = None
) -> BeforeValidator:
    """A whole number from ``low`` to ``high``, typed as one: not true/false, not text, not 2021.0.
    ``what``, ``span`` and ``below`` are messages marked with N_, translated when they are shown;
    ``parse`` reads a clerk's spelling first (``Quý II`` → 2)."""

    def check(value: Any) -> Any:
        if parse is not None:
            value = parse(value)
        if isinstance(value, bool):
            raise ValueError(_("expected {what} (got {value})").format(what=_(what), value=value))
        if not isinstance(value, int):
            raise ValueError(_("expected {what}").format(what=_(what)))
        if value < low and below:
            raise ValueError(_(below))
        if not low <= value <= high:
            raise ValueError(_("expected {span}").format(span=_(span)))
        return value

    return BeforeValidator(check)


#: A date of the input: YYYY-MM-DD text (or a real date from a workbook), never a number.
DateField = Annotated[dt.date, BeforeValidator(_date_not_number)]

#: Any text of the input: text as typed (not a number, not bytes), NFC, stripped, XML-safe.
Text = Annotated[str, Strict(), AfterValidator(_clean_text)]
#: A text that must say something.
RequiredText = Annotated[str, Strict(), AfterValidator(_clean_text), AfterValidator(_non_empty)]
#: A code inside a ký hiệu (SKHCN, TTr, VT): letters and digits only.
Code = Annotated[str, Strict(), AfterValidator(_clean_text), Field(pattern=r"^[^\W_]+$")]
#: A letter's số: 1 to 99,999 (the register counts a year's letters from 01).
LetterNumber = Annotated[
    int, _whole(N_("a whole number"), 1, vn.MAX_LETTER_NUMBER, span=N_("a whole number from 1 to 99,999"), below=N_("must be 1 or more"))
]

#: What clerks type around a list item, as it looks in a letter: "- X;", "+ X.".
_ITEM_MARKS = re.compile(r"^\s*(?:[-+–•]\s*)+|\s*[;.]+\s*$")


def _list_item(value: Any) -> Any:
    """A recipient, cc or archive item without the "- " or "+ " before it and the ";" or "."
    after it: the letter adds its own."""
    return _ITEM_MARKS.sub("", value) if isinstance(value, str) else value


#: A recipient or cc item (Kính gửi, Nơi nhận): a text, marks as typed in a letter removed.
ListItem = Annotated[str, BeforeValidator(_list_item), AfterValidator(_clean_text), AfterValidator(_non_empty)]
#: An archive item (Lưu): a code, marks as typed in a letter removed.
ArchiveCode = Annotated[str, BeforeValidator(_list_item), AfterValidator(_clean_text), Field(pattern=r"^[^\W_]+$")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, defer_build=True)


class LetterInfo(_Strict):
    """The letter itself: template kind, số (number), ngày (date), trích yếu (subject), độ khẩn."""

    kind: Literal["follow-up", "reminder", "team-decision", "plan", "invitation", "conclusion-notice", "report"] = (
        "follow-up"
    )
    number: LetterNumber | None = None
    date: DateField | None = None
    subject: RequiredText
    urgency: decree30.Urgency | None = None

    @field_validator("urgency", mode="before")
    @classmethod
    def _urgency_nfc(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        # "HOẢ" puts the tone mark on the other vowel, as many keyboards type it: the same word.
        return vn.upper(vn.nfc(value)).replace("HOẢ", "HỎA")


class Agency(_Strict):
    """The issuing agency (cơ quan ban hành) and its parent (cơ quan chủ quản)."""

    parent: Text | None = None
    name: RequiredText
    code: Code
    place: RequiredText
    unit: Code | None = None


def _period_part(value: Any) -> Any:
    """A quarter or half written as clerks do, ``II`` or ``Quý II``, as its number."""
    return vn.parse_period_part(value) if isinstance(value, str) and not value.strip().isdigit() else value


class Period(_Strict):
    """The reporting period (kỳ báo cáo): a year, or one quarter, half or month of it."""

    year: Annotated[int, _whole(N_("a year such as 2021"), 1945, 2200, span=N_("a year from 1945 to 2200"))]
    quarter: Annotated[int, _whole(N_("a quarter"), 1, 4, span=N_("a quarter from 1 to 4"), parse=_period_part)] | None = None
    half: Annotated[int, _whole(N_("a half of the year"), 1, 2, span=N_("a half from 1 to 2"), parse=_period_part)] | None = None
    month: Annotated[int, _whole(N_("a month"), 1, 12, span=N_("a month from 1 to 12"))] | None = None

    @model_validator(mode="after")
    def _at_most_one_part(self) -> Period:
        parts = [n for n in ("quarter", "half", "month") if getattr(self, n) is not None]
        if len(parts) > 1:
            raise ValueError(_("give at most one of quarter, half, month (got {parts})").format(parts=", ".join(parts)))
        return self

    @property
    def label(self) -> str:
        """``năm 2021``, ``quý II năm 2021``, ``6 tháng đầu năm 2021``, ``tháng 6 năm 2021``."""
        return vn.period_label(self.year, quarter=self.quarter, half=self.half, month=self.month)

    @property
    def months(self) -> tuple[int, int]:
        """First and last month the period covers."""
        if self.quarter is not None:
            return 3 * self.quarter - 2, 3 * self.quarter
        if self.half is not None:
            return 6 * self.half - 5, 6 * self.half
        if self.month is not None:
            return self.month, self.month
        return 1, 12


class Plan(_Strict):
    """The plan (kế hoạch) the inspection carried out, as the letter cites it."""

    kind: RequiredText
    number: RequiredText
    date: DateField
    issuer: RequiredText
    title: RequiredText


class Inspection(_Strict):
    """The inspection round: plan, team (đoàn kiểm tra), field and overall assessment."""

    plan: Plan
    team: RequiredText
    field: RequiredText
    intro: Text | None = None
    assessment: RequiredText
    #: Hạn khắc phục of every action that gives none of its own (tracking, issue 15).
    deadline: DateField | None = None


def _item_code(value: str) -> str:
    if not re.fullmatch(r"[^\W_][\w./-]{0,39}", value):
        raise ValueError(_("expected a code of letters, digits, '.', '-', '_' or '/', at most 40, no spaces"))
    return value


#: A clerk's own code for an action (mã): letters, digits, ``.``, ``-``, ``_`` and ``/``.
ItemCode = Annotated[str, AfterValidator(_clean_text), AfterValidator(_item_code)]


class Action(_Strict):
    """An action (yêu cầu khắc phục) with its own code (mã) or deadline (hạn khắc phục).

    A plain text is an action too; the mapping form ``{text, id, deadline}`` is for the
    actions a clerk wants to follow up under a code of their own, or by another deadline.
    """

    text: RequiredText
    id: ItemCode | None = None
    deadline: DateField | None = None


def _action_form(value: Any) -> str:
    return "~mapping" if isinstance(value, (dict, Action)) else "~text"


#: An action as a clerk writes it: a text, or a mapping with ``text``, ``id`` and ``deadline``.
ActionItem = Annotated[
    Annotated[str, AfterValidator(_clean_text), AfterValidator(_non_empty), Tag("~text")]
    | Annotated[Action, Tag("~mapping")],
    Discriminator(_action_form),
]


def action_text(item: str | Action) -> str:
    """The text of an action in either form."""
    return item if isinstance(item, str) else item.text


class Unit(_Strict):
    """An inspected unit (đơn vị được kiểm tra), its findings (tồn tại, hạn chế) and actions."""

    name: RequiredText
    short_name: Text | None = None
    findings: list[RequiredText] = []
    actions: list[ActionItem] = []

    @property
    def heading_name(self) -> str:
        """The name in its findings heading: the short name if given."""
        return self.short_name or self.name

    @property
    def has_anything_to_fix(self) -> bool:
        return bool(self.findings or self.actions)


class Signer(_Strict):
    """Who signs (người ký) and with what authority (thẩm quyền ký: KT., TM., TL., TUQ., Q.)."""

    authority: decree30.Authority | None = None
    for_: Text | None = Field(default=None, alias="for")
    title: Text | None = None
    name: RequiredText

    @field_validator("authority", mode="before")
    @classmethod
    def _authority_form(cls, value: Any) -> Any:
        # Clerks write "KT." as often as "KT".
        return vn.nfc(value).rstrip(".").upper() if isinstance(value, str) else value

    @model_validator(mode="after")
    def _authority_needs_for(self) -> Signer:
        if self.authority is not None and not self.for_:
            raise ValueError(_("authority {authority} needs 'for': the title it signs for").format(authority=self.authority))
        if self.authority is None and self.for_:
            raise ValueError(_("'for' is only used with an authority (KT, TM, TL, TUQ, Q)"))
        if self.authority is None and not self.title:
            raise ValueError(_("a signer without authority signs in their own title: give 'title'"))
        if self.authority in ("KT", "TM", "TL", "TUQ") and not self.title:
            raise ValueError(_("authority {authority} needs 'title': the signer's own title").format(authority=self.authority))
        return self

    @property
    def titles(self) -> list[str]:
        """The title lines of the signature block, in capitals."""
        return vn.signature_titles(self.authority, self.for_, self.title)

# --- the sections of the other document kinds (letters/kinds.py) ----------------------------


class Member(_Strict):
    """A member of the inspection team (thành viên Đoàn kiểm tra): name, title, role."""

    name: RequiredText  # "Ông Nguyễn Văn An"
    title: RequiredText  # chức vụ: "Chánh Thanh tra Sở"
    role: RequiredText  # nhiệm vụ trong đoàn: "Trưởng đoàn"


class Decision(_Strict):
    """The decision that sets up the inspection team (Quyết định thành lập Đoàn kiểm tra)."""

    subject: Text | None = None  # after "Về việc"; None: "thành lập <team> <period>"
    authority: Text | None = None  # thẩm quyền ban hành; None: the head's title and the agency
    bases: list[RequiredText] = Field(min_length=1)  # "Căn cứ ..." without the final ";"
    proposer: Text | None = None  # "Theo đề nghị của <proposer>."
    members: list[Member] = Field(min_length=1)
    duties: Text | None = None  # Điều 2; None: the team's duties from the plan
    executors: Text | None = None  # Điều 3: who carries the decision out


class ScheduleRow(_Strict):
    """One line of a plan's schedule (lịch kiểm tra): unit, date, content."""

    unit: RequiredText
    date: RequiredText  # as the plan prints it: "15/3/2021", "tuần 2 tháng 3"
    content: RequiredText


class PlanDocument(_Strict):
    """The inspection plan (Kế hoạch kiểm tra): its purposes, contents, schedule."""

    subject: Text | None = None  # None: "Kiểm tra <field> <period>"
    purposes: list[RequiredText] = Field(min_length=1)  # I. MỤC ĐÍCH, YÊU CẦU
    contents: list[RequiredText] = Field(min_length=1)  # II. NỘI DUNG
    schedule: list[ScheduleRow] = Field(min_length=1)  # III. THỜI GIAN, ĐƠN VỊ, as a table
    organisation: list[RequiredText] = []  # IV. TỔ CHỨC THỰC HIỆN; empty: the team reports back


class Meeting(_Strict):
    """The meeting a Giấy mời invites to (chủ trì, thời gian, địa điểm)."""

    subject: Text | None = None  # None: "Dự họp thông qua kết quả kiểm tra <field> <period>"
    attendees: list[RequiredText] = []  # trân trọng kính mời; empty: the head of every unit
    purpose: RequiredText  # Tới dự
    chair: RequiredText  # Chủ trì
    time: RequiredText  # Thời gian: "08 giờ 00, thứ Năm, ngày 10/6/2021"
    place: RequiredText  # Địa điểm


class FollowUpLetter(_Strict):
    """The follow-up letter a reminder cites: its number and date."""

    number: RequiredText  # "15/SKHCN-TTr"
    date: DateField


class OpenItem(_Strict):
    """What a unit still has to fix, and by when."""

    unit: RequiredText  # a name of units[]
    text: RequiredText
    deadline: DateField | None = None


class Reminder(_Strict):
    """The reminder (công văn đôn đốc khắc phục): the follow-up it cites, what is still open."""

    subject: Text | None = None  # after "V/v"; None: "đôn đốc khắc phục sau kiểm tra <field> <period>"
    follow_up: FollowUpLetter
    open_items: list[OpenItem] = Field(min_length=1)
    new_deadline: DateField | None = None  # report back by this date


class Notice(_Strict):
    """The conclusion notice (Thông báo kết luận kiểm tra); findings and requirements come from the round."""

    subject: Text | None = None  # None: "Kết luận kiểm tra <field> <period>"
    conclusions: list[RequiredText] = []  # after the assessment


class Report(_Strict):
    """The report (Báo cáo kết quả kiểm tra) to the higher body."""

    subject: Text | None = None  # None: "Kết quả kiểm tra <field> <period>"
    recipient: RequiredText  # Kính gửi: the higher body
    general: list[RequiredText] = []  # I. KHÁI QUÁT CHUNG, after the opening
    proposals: list[RequiredText] = Field(min_length=1)  # IV. KIẾN NGHỊ, ĐỀ XUẤT


class InspectionRound(_Strict):
    """One input file: one inspection round and the letter that follows it up."""

    letter: LetterInfo
    agency: Agency
    period: Period
    inspection: Inspection
    units: list[Unit] = Field(min_length=1)
    requirements: list[ActionItem] = []
    requirements_intro: Text | None = None
    closing: Text | None = None
    #: A consolidated letter starts each unit's action with its unit's name (short name if
    #: given), unless the action's text already does; false lists them as written (the seed).
    name_units_in_actions: bool = True
    signer: Signer
    recipients: list[ListItem] | None = None
    cc: list[ListItem] = []
    archive: list[ArchiveCode] = Field(min_length=1)
    # The sections of the other kinds (letter.kind; README: "Document kinds").
    decision: Decision | None = None
    plan: PlanDocument | None = None
    meeting: Meeting | None = None
    reminder: Reminder | None = None
    notice: Notice | None = None
    report: Report | None = None

    @model_validator(mode="after")
    def _open_items_name_units(self) -> InspectionRound:
        names = {u.name for u in self.units}
        for index, item in enumerate(self.reminder.open_items if self.reminder else []):
            if item.unit not in names:
                raise ValueError(f"reminder.open_items[{index}].unit: " + _("{unit!r} is not a name of units[]").format(unit=item.unit))
        return self

    @model_validator(mode="after")
    def _unit_names_unique(self) -> InspectionRound:
        seen: dict[str, int] = {}
        for index, unit in enumerate(self.units):
            if unit.name in seen:
                raise ValueError(f"units[{index}].name: " + _("{name!r} is already {other}; each unit appears once").format(
                    name=unit.name, other=shown_path(("units", seen[unit.name]))))
            seen[unit.name] = index
        if self.recipients is not None and not self.recipients:
            raise ValueError("recipients: " + _("give at least one, or null for every unit"))
        return self

    @property
    def symbol(self) -> str:
        """The ký hiệu of its letters: ``SKHCN-TTr``."""
        return vn.symbol(self.agency.code, self.agency.unit)

    @property
    def kinh_gui(self) -> list[str]:
        """Recipients of the consolidated letter: as given, or every unit's full name."""
        return list(self.recipients) if self.recipients is not None else [u.name for u in self.units]


def list_warnings(round_: InspectionRound) -> list[str]:
    """One line per recipient or cc item holding "; ": most likely several items typed in one,
    which the letter would print as one line."""
    lines = []
    for name in ("recipients", "cc"):
        for index, item in enumerate(getattr(round_, name) or []):
            if "; " in item:
                lines.append(_(
                    "{field}: {item!r} holds \"; \": is it several items? Give each its own line"
                    " (in Excel: Alt+Enter inside the cell; in YAML: its own \"- \" entry)"
                ).format(field=shown_path((name, index)), item=item))
    return lines


def validate_data(
    data: Any, source: str, limits: Limits | None = None, *, lines: Callable[[], dict[tuple[int | str, ...], int]] | None = None,
    consume: bool = False,
) -> InspectionRound:
    """Validate parsed data (from YAML, JSON or a workbook) into an :class:`InspectionRound`.

    Raises :class:`InputError` listing every problem with its field path. ``limits`` (the
    defaults when None) bound the length of each text. ``lines`` gives the line of each field
    in the file (:func:`letter_gen.inputs.yaml_reader.field_lines`), asked only for a problem.
    With ``consume`` the caller gives ``data`` away: each unit (đơn vị) is validated on its own
    and its raw data replaced by its model at once, so a round of 100,000 units is never held
    twice (raw and validated). A unit that fails stays raw and is named by the round's
    validation, as without it.
    """
    if not isinstance(data, dict):
        raise InputError(_("{source}: expected a mapping with letter, agency, period, ... at the top").format(source=source))
    context = {"limits": limits or DEFAULTS}
    units = data.get("units")
    if consume and isinstance(units, list):
        for index, unit in enumerate(units):
            # A unit that fails stays raw: the round's validation below names it by its place.
            if isinstance(unit, dict):
                with contextlib.suppress(ValidationError):
                    units[index] = Unit.model_validate(unit, context=context)
    try:
        return InspectionRound.model_validate(data, context=context)
    except ValidationError as err:
        found = lines() if lines is not None and language() != "en" else {}
        errors = sorted(err.errors(), key=lambda e: line_of(tuple(e["loc"]), found) or 0)  # top to bottom of the file
        problems = [describe_error(e, data, found) for e in errors]
        raise InputError(_("{source}: {n} problem(s) in the input").format(source=source, n=len(problems)), problems=problems) from err


def field_path(loc: tuple[int | str, ...]) -> str:
    """``('units', 2, 'findings', 0)`` → ``units[2].findings[0]``."""
    path = ""
    for part in loc:
        if isinstance(part, str) and part.startswith("~"):
            continue  # which form of a field pydantic tried (an action's text or mapping form)
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            part = "for" if part == "for_" else part
            path += f".{part}" if path else part
    return path


def line_of(loc: tuple[int | str, ...], lines: dict[tuple[int | str, ...], int] | None) -> int | None:
    """The line of a field in its file, or of the nearest section holding it (a missing field)."""
    if not lines:
        return None
    clean = tuple("for" if p == "for_" else p for p in loc if not (isinstance(p, str) and p.startswith("~")))
    return next((lines[clean[:n]] for n in range(len(clean), 0, -1) if clean[:n] in lines), None)


def shown_path(loc: tuple[int | str, ...], data: Any = None, lines: dict[tuple[int | str, ...], int] | None = None) -> str:
    """A field's path as the clerk reads it in a message. In English the contract's own path
    (``units[2].findings[0]``, as the README writes it); in Vietnamese the YAML keys with the
    items counted from 1 as a clerk counts them, a unit named by its name when ``data`` (the
    input as read) holds it: ``units → đơn vị thứ 3 (Chi cục …) → findings → mục thứ 1``, after
    the line of the field (or of the section it is missing from) when ``lines`` has it."""
    if language() == "en":
        return field_path(loc)
    line = line_of(loc, lines)
    parts: list[str] = []
    node = data
    parent: int | str | None = None
    for part in loc:
        if isinstance(part, str) and part.startswith("~"):
            continue
        if isinstance(part, int):
            unit = node[part] if parent == "units" and isinstance(node, list) and 0 <= part < len(node) else None
            # as read (a dict), or already validated one by one (a Unit model) in a big round
            name = unit.get("name") if isinstance(unit, dict) else getattr(unit, "name", None)
            if parent == "units":
                shown = _("unit {number}").format(number=part + 1)
                parts.append(f"{shown} ({name})" if isinstance(name, str) and name.strip() else shown)
            else:
                parts.append(_("item {number}").format(number=part + 1))
            node = node[part] if isinstance(node, list) and 0 <= part < len(node) else None
        else:
            part = "for" if part == "for_" else part
            parts.append(part)
            node = node.get(part) if isinstance(node, dict) else None
        parent = part
    shown = " → ".join(parts)
    return _("line {line}: {field}").format(line=line, field=shown) if line is not None and shown else shown


_MESSAGES = {
    "extra_forbidden": N_("unknown field (a typo?); see the README for the fields of this section"),
    "missing": N_("required field is missing"),
    "string_type": N_("expected text"),
    "int_type": N_("expected a whole number"),
    "int_parsing": N_("expected a whole number"),
    "float_type": N_("expected a number"),
    "float_parsing": N_("expected a number"),
    "bool_type": N_("expected true or false"),
    "bool_parsing": N_("expected true or false"),
    "greater_than": N_("must be 1 or more"),
    "date_type": N_("expected a date such as 05/07/2021 or 2021-07-05"),
    "date_from_datetime_parsing": N_("expected a real date such as 05/07/2021 or 2021-07-05"),
    "date_from_datetime_inexact": N_("expected a date without a time of day"),
    "date_parsing": N_("expected a real date such as 05/07/2021 or 2021-07-05"),
    "list_type": N_("expected a list"),
    "dict_type": N_("expected a section with its own fields"),
    "model_type": N_("expected a section with its own fields"),
    "model_attributes_type": N_("expected a section with its own fields"),
    "too_short": N_("must not be empty"),
    "union_tag_invalid": N_("expected a text, or a section with its own fields"),
}


#: A check of the whole round names the field it is about first: "units[2].name: ...".
LEADING_PATH = re.compile(r"^([a-z_]+(?:\[\d+\]|\.[a-z_]+)*): ")


def parse_path(path: str) -> tuple[int | str, ...]:
    """``units[2].findings[0]`` → ``('units', 2, 'findings', 0)`` (:func:`field_path` read back)."""
    return tuple(int(part) if part.isdigit() else part for part in re.findall(r"[a-z_]+|\d+", path))


def describe_error(error: Any, data: Any = None, lines: dict[tuple[int | str, ...], int] | None = None) -> str:
    """One line for one pydantic error: the field (named as :func:`shown_path` does, from
    ``data``, the input as read, and ``lines``, its fields' lines), what is wrong, what was given."""
    loc, message = error_parts(error)
    path = shown_path(loc, data, lines)
    return f"{path}: {message}" if path else message


def error_parts(error: Any) -> tuple[tuple[int | str, ...], str]:
    """The field of one pydantic error (its ``loc``, ``[key]`` and the forms pydantic tried
    left as they are) and what is wrong with it, in the clerk's words, with what was given."""
    loc = tuple(error["loc"])
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind == "value_error":
        message = str(error["msg"]).removeprefix("Value error, ")
    elif kind == "literal_error":
        expected = str(ctx.get("expected", ""))
        items, last = expected.rpartition(" or ")[::2]  # pydantic joins the values with an English "or"
        if items:
            expected = _("{items} or {last}").format(items=items, last=last)
        message = _("expected one of {expected}").format(expected=expected)
    elif kind == "string_pattern_mismatch":
        message = _("expected letters and digits only (no spaces, '/', '-' or '.')")
    elif kind == "less_than_equal":
        message = _("must be at most {limit}").format(limit=ctx.get("le", ""))
    elif kind == "greater_than_equal":
        message = _("must be at least {limit}").format(limit=ctx.get("ge", ""))
    elif kind in _MESSAGES:
        message = _(_MESSAGES[kind])
    else:  # a check pydantic makes that this contract does not expect: its own words
        message = str(error["msg"])
    if loc and loc[-1] == "[key]":
        loc = loc[:-1]
    if not loc and kind == "value_error" and (leading := LEADING_PATH.match(message)):
        loc, message = parse_path(leading.group(1)), message[leading.end():]
    given = error.get("input")
    if kind not in ("missing", "model_type") and isinstance(given, (str, int, float)) and not isinstance(given, bool):
        if isinstance(given, str) and given.strip():  # an empty field: "(got '')" adds nothing
            message = _("{message} (got {value})").format(message=message, value=repr(given[:60] + "…" if len(given) > 60 else given))
        elif not isinstance(given, str):
            message = _("{message} (got {value})").format(message=message, value=given)
    return loc, message
