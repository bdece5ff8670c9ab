"""The inspection round as typed, validated data (kết quả kiểm tra, one file = one round).

The models follow ``inspection-input.md``: unknown keys are errors, every text is NFC and
stripped, and a text that XML cannot carry is refused with its field path. Nothing is
rendered from an input that does not validate.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    PositiveInt,
    Tag,
    ValidationError,
    field_validator,
    model_validator,
)

from letter_gen import decree30, vn
from letter_gen.errors import InputError

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
        return remove_illegal_characters(data), [f"{field_path(path) or '(top level)'}: removed {', '.join(bad)}"]
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


def _clean_text(value: str) -> str:
    # "\r\n" from Windows or Excel is one line break, not two.
    value = vn.nfc(value.replace("\r\n", "\n").replace("\r", "\n"))
    bad = illegal_characters(value)
    if bad:
        raise ValueError(
            f"contains {', '.join(bad)}, a control character a letter cannot carry"
            " (remove it, or run with --clean-text)"
        )
    return value


def _non_empty(value: str) -> str:
    if not value:
        raise ValueError("must not be empty")
    return value


def _date_not_number(value: Any) -> Any:
    # pydantic would read 0 as 1 January 1970: a date is written YYYY-MM-DD.
    if isinstance(value, (int, float)):
        raise ValueError("expected a date YYYY-MM-DD")
    return value


#: A date of the input: YYYY-MM-DD text (or a real date from a workbook), never a number.
DateField = Annotated[dt.date, BeforeValidator(_date_not_number)]

#: Any text of the input: NFC, stripped, XML-safe.
Text = Annotated[str, AfterValidator(_clean_text)]
#: A text that must say something.
RequiredText = Annotated[str, AfterValidator(_clean_text), AfterValidator(_non_empty)]
#: A code inside a ký hiệu (SKHCN, TTr, VT): letters and digits only.
Code = Annotated[str, AfterValidator(_clean_text), Field(pattern=r"^[^\W_]+$")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class LetterInfo(_Strict):
    """The letter itself: template kind, số (number), ngày (date), trích yếu (subject), độ khẩn."""

    kind: Literal["follow-up"] = "follow-up"
    number: PositiveInt | None = None
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

    @field_validator("number", mode="before")
    @classmethod
    def _number_not_bool(cls, value: Any) -> Any:
        if isinstance(value, bool):
            raise ValueError(f"expected a whole number (got {value})")
        return value


class Agency(_Strict):
    """The issuing agency (cơ quan ban hành) and its parent (cơ quan chủ quản)."""

    parent: Text | None = None
    name: RequiredText
    code: Code
    place: RequiredText
    unit: Code | None = None


class Period(_Strict):
    """The reporting period (kỳ báo cáo): a year, or one quarter, half or month of it."""

    year: int = Field(ge=1945, le=2200)
    quarter: int | None = Field(default=None, ge=1, le=4)
    half: int | None = Field(default=None, ge=1, le=2)
    month: int | None = Field(default=None, ge=1, le=12)

    @model_validator(mode="after")
    def _at_most_one_part(self) -> Period:
        parts = [n for n in ("quarter", "half", "month") if getattr(self, n) is not None]
        if len(parts) > 1:
            raise ValueError(f"give at most one of quarter, half, month (got {', '.join(parts)})")
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
        raise ValueError("expected a code of letters, digits, '.', '-', '_' or '/', at most 40, no spaces")
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
            raise ValueError(f"authority {self.authority} needs 'for': the title it signs for")
        if self.authority is None and self.for_:
            raise ValueError("'for' is only used with an authority (KT, TM, TL, TUQ, Q)")
        if self.authority is None and not self.title:
            raise ValueError("a signer without authority signs in their own title: give 'title'")
        if self.authority in ("KT", "TM", "TL", "TUQ") and not self.title:
            raise ValueError(f"authority {self.authority} needs 'title': the signer's own title")
        return self

    @property
    def titles(self) -> list[str]:
        """The title lines of the signature block, in capitals."""
        return vn.signature_titles(self.authority, self.for_, self.title)


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
    signer: Signer
    recipients: list[RequiredText] | None = None
    cc: list[RequiredText] = []
    archive: list[Code] = Field(min_length=1)

    @model_validator(mode="after")
    def _unit_names_unique(self) -> InspectionRound:
        seen: dict[str, int] = {}
        for index, unit in enumerate(self.units):
            if unit.name in seen:
                raise ValueError(
                    f"units[{index}].name: {unit.name!r} is already units[{seen[unit.name]}];"
                    " each unit appears once"
                )
            seen[unit.name] = index
        if self.recipients is not None and not self.recipients:
            raise ValueError("recipients: give at least one, or null for every unit")
        return self

    @property
    def symbol(self) -> str:
        """The ký hiệu of its letters: ``SKHCN-TTr``."""
        return vn.symbol(self.agency.code, self.agency.unit)

    @property
    def kinh_gui(self) -> list[str]:
        """Recipients of the consolidated letter: as given, or every unit's full name."""
        return list(self.recipients) if self.recipients is not None else [u.name for u in self.units]


def validate_data(data: Any, source: str) -> InspectionRound:
    """Validate parsed data (from YAML, JSON or a workbook) into an :class:`InspectionRound`.

    Raises :class:`InputError` listing every problem with its field path.
    """
    if not isinstance(data, dict):
        raise InputError(f"{source}: expected a mapping with letter, agency, period, ... at the top")
    try:
        return InspectionRound.model_validate(data)
    except ValidationError as err:
        problems = [describe_error(e) for e in err.errors()]
        raise InputError(f"{source}: {len(problems)} problem(s) in the input", problems=problems) from err


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


_MESSAGES = {
    "extra_forbidden": "unknown field (a typo?); see the README for the fields of this section",
    "missing": "required field is missing",
    "string_type": "expected text",
    "int_type": "expected a whole number",
    "int_parsing": "expected a whole number",
    "greater_than": "must be 1 or more",
    "date_type": "expected a date YYYY-MM-DD",
    "date_from_datetime_parsing": "expected a real date YYYY-MM-DD",
    "date_parsing": "expected a real date YYYY-MM-DD",
    "list_type": "expected a list",
    "model_type": "expected a section with its own fields",
    "too_short": "must not be empty",
}


def describe_error(error: Any) -> str:
    """One line for one pydantic error: the field path, what is wrong, what was given."""
    loc = tuple(error["loc"])
    kind = error["type"]
    if kind == "value_error":
        message = str(error["msg"]).removeprefix("Value error, ")
    elif kind == "literal_error":
        message = f"expected one of {error['ctx']['expected']}"
    elif kind == "string_pattern_mismatch":
        message = "expected letters and digits only (no spaces, '/', '-' or '.')"
    elif kind in ("less_than_equal", "greater_than_equal"):
        message = str(error["msg"]).lower()
    else:
        message = _MESSAGES.get(kind, str(error["msg"]))
    if loc and loc[-1] == "[key]":
        loc = loc[:-1]
    path = field_path(loc)
    given = error.get("input")
    shown = ""
    if kind not in ("missing", "model_type") and isinstance(given, (str, int, float)) and not isinstance(given, bool):
        if isinstance(given, str) and not given.strip():
            shown = ""  # the clerk sees an empty field; "(got '')" adds nothing
        elif isinstance(given, str):
            shown = f" (got {given[:60] + '…' if len(given) > 60 else given!r})"
        else:
            shown = f" (got {given})"
    return f"{path}: {message}{shown}" if path else f"{message}{shown}"
