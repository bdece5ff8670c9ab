"""What the other documents of an inspection round say: the reminder, the decision that sets
up the team, the plan, the invitation, the conclusion notice and the report.

Each function turns a validated round into a :class:`LetterContent`, as :func:`compose.compose`
does for the follow-up letter; :mod:`letter_gen.letters.kinds` chooses one by ``letter.kind``.
Where the decree's form allows, the words come from the round's own data (its units, findings,
actions, plan and team), so a round needs only the few fields each kind adds.
"""

from __future__ import annotations

from dataclasses import replace

from letter_gen import decree30, vn
from letter_gen.inputs.model import InspectionRound, Unit, action_text
from letter_gen.letters.compose import (
    LetterContent,
    Mode,
    Paragraph,
    compose,
    intro_paragraph,
    names_unit,
    with_body_end,
)

_ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")


def _sentence_case(text: str) -> str:
    return text[:1].upper() + text[1:]


def section_heading(number: int, title: str) -> Paragraph:
    """A Roman-numbered section heading (``I. MỤC ĐÍCH, YÊU CẦU``), bold."""
    return Paragraph(f"{_ROMAN[number - 1]}. {vn.upper(title)}", heading=True)


def _dashes(texts: list[str]) -> list[Paragraph]:
    return [Paragraph(f"- {vn.with_final_stop(t) if t[-1:] not in ';.:' else t}") for t in texts]


def _about(round_: InspectionRound) -> str:
    """What the round is about: ``công tác CCHC năm 2021``."""
    return f"{round_.inspection.field} {round_.period.label}"


def titled(
    round_: InspectionRound,
    form: decree30.DocumentForm,
    subject: str,
    body: list[Paragraph],
    *,
    kind: str,
    noi_nhan: list[str],
    recipients: tuple[str, ...] = (),
    body_after: list[Paragraph] | None = None,
    **parts: object,
) -> LetterContent:
    """A document with a title block (ô 5a): the follow-up's header and signature, its own
    title, trích yếu, ký hiệu, recipients and Nơi nhận."""
    base = compose(round_, "consolidated")
    symbol = f"{form.abbreviation}-{round_.agency.code}" if form.abbreviation else round_.symbol
    kinh_gui = vn.kinh_gui_lines(list(recipients)) if recipients else []
    if body_after:  # a table between: the line that introduces it keeps with it
        after = with_body_end(body_after)
        body = [*body[:-1], replace(body[-1], keep_with_next=True)]
    else:
        body, after = with_body_end(body), []
    return replace(
        base,
        kind=kind,
        mode="consolidated",
        unit=None,
        symbol=symbol,
        number_line=vn.number_line(round_.letter.number, symbol),
        subject=subject,
        subject_line=subject,
        recipients=tuple(recipients),
        kinh_gui_single=kinh_gui[0] if len(kinh_gui) == 1 else None,
        kinh_gui_lines=tuple(kinh_gui[1:]),
        body=tuple(body),
        body_after=tuple(after),
        noi_nhan=tuple(noi_nhan),
        title=form.title,
        **parts,  # type: ignore[arg-type]
    )


def noi_nhan_items(first: list[str], round_: InspectionRound) -> list[str]:
    """Nơi nhận items: ``first`` (``Như Điều 3``, ``Như trên``, the units), the cc, then Lưu."""
    items = [*first, *(vn.without_final_punctuation(c) for c in round_.cc)]
    return [f"- {item};" for item in items] + [f"- Lưu: {', '.join(round_.archive)}."]


# --- công văn đôn đốc (reminder) ---------------------------------------------------------------


def reminder(round_: InspectionRound, mode: Mode = "consolidated", unit_index: int | None = None) -> LetterContent:
    """The reminder: cites the follow-up letter, lists only what is still open, with deadlines."""
    section = round_.reminder
    assert section is not None
    units = [round_.units[unit_index]] if mode == "per-unit" and unit_index is not None else open_units(round_)
    base = compose(round_, "consolidated")
    agency = round_.agency.name
    follow_up = section.follow_up
    who = "đơn vị" if len(units) == 1 else "các đơn vị"
    body = [
        Paragraph(
            f"Ngày {vn.short_date(follow_up.date)}, {agency} đã ban hành Công văn số {follow_up.number}"
            f" {_asking(round_.letter.subject, who, round_)}."
        ),
        Paragraph(f"Đến nay, {who} vẫn chưa hoàn thành khắc phục những nội dung sau:"),
    ]
    for number, unit in enumerate(units, start=1):
        items = [i for i in section.open_items if i.unit == unit.name]
        if len(units) > 1:
            body.append(Paragraph(f"{number}. {unit.heading_name}", heading=True))
        for item in items:
            text = vn.without_final_punctuation(item.text)
            deadline = f" (thời hạn: {vn.short_date(item.deadline)})" if item.deadline else ""
            body.append(Paragraph(f"- {text}{deadline};"))
    last = body[-1]
    body[-1] = replace(last, text=last.text[:-1] + ".")
    by = f" trước ngày {vn.short_date(section.new_deadline)}" if section.new_deadline else ""
    body.append(
        Paragraph(
            f"{agency} đề nghị {'đơn vị' if len(units) == 1 else 'các đơn vị'} khẩn trương hoàn thành khắc phục"
            f" các nội dung trên và báo cáo kết quả (kèm theo minh chứng) về {agency}{by}."
        )
    )
    recipients = [u.name for u in units]
    subject = section.subject or f"đôn đốc khắc phục sau kiểm tra {_about(round_)}"
    kinh_gui = vn.kinh_gui_lines(recipients)
    return replace(
        base,
        kind="reminder",
        mode=mode,
        unit=units[0].name if mode == "per-unit" else None,
        subject=subject,
        subject_line=f"V/v {subject}",
        recipients=tuple(recipients),
        kinh_gui_single=kinh_gui[0] if len(kinh_gui) == 1 else None,
        kinh_gui_lines=tuple(kinh_gui[1:]),
        body=tuple(with_body_end(body)),
    )


def _asking(subject: str, who: str, round_: InspectionRound) -> str:
    """What the cited follow-up letter asked: its V/v when that already says it (no "khắc phục" twice)."""
    if "khắc phục" in subject.lower():
        return f"về việc {subject}"
    return f"về việc {subject}, yêu cầu {who} khắc phục những tồn tại, hạn chế qua kiểm tra {_about(round_)}"


def open_units(round_: InspectionRound) -> list[Unit]:
    """The units with something still open, in the order of units[]."""
    names = {i.unit for i in round_.reminder.open_items} if round_.reminder else set()
    return [u for u in round_.units if u.name in names]


# --- quyết định thành lập Đoàn kiểm tra (team-decision) ---------------------------------------


def team_decision(round_: InspectionRound, mode: Mode = "consolidated", unit_index: int | None = None) -> LetterContent:
    """Mẫu 1.2: the authority line, Căn cứ, Theo đề nghị, QUYẾT ĐỊNH:, Điều 1–3."""
    section = round_.decision
    assert section is not None
    form = decree30.FORMS["quyết định"]
    ins, plan = round_.inspection, round_.inspection.plan
    head = round_.signer.for_ or round_.signer.title or ""
    authority = section.authority or f"{head} {round_.agency.name}"
    bases = [f"Căn cứ {vn.without_final_punctuation(b).removeprefix('Căn cứ ')}" for b in section.bases]
    if not any(plan.number in b for b in bases):
        bases.append(f"Căn cứ {plan.kind} số {plan.number} ngày {vn.short_date(plan.date)} của {plan.issuer} về {plan.title}")
    lines = [*bases, *([f"Theo đề nghị của {vn.without_final_punctuation(section.proposer)}"] if section.proposer else [])]
    body = [Paragraph(f"{line};", style="basis") for line in lines[:-1]]
    body.append(Paragraph(f"{lines[-1]}.", style="basis"))
    body.append(Paragraph(form.title + ":" if form.title else "", style="center"))
    names = [u.name for u in round_.units]
    where = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} và {names[-1]}"
    body.append(Paragraph(
        f"Thành lập Đoàn kiểm tra {_about(round_)} tại {where} (sau đây gọi là Đoàn kiểm tra), gồm các ông (bà)"
        " có tên sau:", lead="Điều 1."
    ))  # fmt: skip
    for number, member in enumerate(section.members, start=1):
        end = "." if number == len(section.members) else ";"
        body.append(Paragraph(f"{number}. {member.name}, {member.title} - {member.role}{end}"))
    duties = section.duties or (
        f"Đoàn kiểm tra có nhiệm vụ kiểm tra {ins.field} tại các đơn vị theo {plan.kind} số {plan.number}"
        f" ngày {vn.short_date(plan.date)} của {plan.issuer}; báo cáo kết quả kiểm tra về {head} {round_.agency.name}."
        " Đoàn kiểm tra tự giải thể sau khi hoàn thành nhiệm vụ."
    )
    body.append(Paragraph(vn.with_final_stop(duties), lead="Điều 2."))
    executors = section.executors or "Chánh Văn phòng Sở, Thủ trưởng các đơn vị có liên quan và các ông (bà) có tên tại Điều 1"
    # Mẫu 1.2: the last article says when the decision takes effect and who carries it out.
    body.append(Paragraph(
        f"Quyết định này có hiệu lực kể từ ngày ký. {vn.without_final_punctuation(executors)} chịu trách nhiệm thi hành"
        " Quyết định này.", lead="Điều 3."
    ))  # fmt: skip
    subject = section.subject or f"thành lập Đoàn kiểm tra {_about(round_)}"
    return titled(
        round_, form, f"Về việc {subject.removeprefix('Về việc ')}", body, kind="team-decision",
        noi_nhan=noi_nhan_items(["Như Điều 3"], round_), issuing_authority=vn.upper(authority),
    )  # fmt: skip


# --- kế hoạch kiểm tra (plan) ---------------------------------------------------------------------

SCHEDULE_HEADER = ("STT", "Đơn vị được kiểm tra", "Thời gian", "Nội dung kiểm tra")


def plan(round_: InspectionRound, mode: Mode = "consolidated", unit_index: int | None = None) -> LetterContent:
    """Mẫu 1.4: sections I. MỤC ĐÍCH, YÊU CẦU; II. NỘI DUNG; III. the schedule as a table; IV. TỔ CHỨC THỰC HIỆN."""
    section = round_.plan
    assert section is not None
    ins = round_.inspection
    body = [
        section_heading(1, "Mục đích, yêu cầu"), *_dashes(section.purposes),
        section_heading(2, "Nội dung kiểm tra"), *_dashes(section.contents),
        section_heading(3, "Thời gian, đơn vị được kiểm tra"),
        Paragraph(f"{ins.team} làm việc tại các đơn vị theo lịch sau:"),
    ]  # fmt: skip
    organisation = section.organisation or [
        f"{ins.team} chủ động liên hệ, thông báo lịch làm việc cụ thể đến các đơn vị được kiểm tra",
        "Thủ trưởng các đơn vị được kiểm tra chuẩn bị đầy đủ hồ sơ, tài liệu và bố trí cán bộ làm việc với Đoàn",
        f"Kết thúc đợt kiểm tra, {ins.team} tổng hợp, báo cáo kết quả về Giám đốc Sở",
    ]
    after = [section_heading(4, "Tổ chức thực hiện"), *_dashes(organisation)]
    rows = tuple((str(n), r.unit, r.date, r.content) for n, r in enumerate(section.schedule, start=1))
    subject = section.subject or _sentence_case(f"kiểm tra {_about(round_)}")
    return titled(
        round_, decree30.FORMS["kế hoạch"], subject, body, kind="plan", noi_nhan=noi_nhan_items([u.name for u in round_.units], round_),
        table_header=SCHEDULE_HEADER, table_rows=rows, body_after=after,
    )  # fmt: skip


# --- giấy mời (invitation) ------------------------------------------------------------------------


def invitation(round_: InspectionRound, mode: Mode = "consolidated", unit_index: int | None = None) -> LetterContent:
    """Mẫu 1.7: ``... trân trọng kính mời:``; ``Tới dự:``; Chủ trì, Thời gian, Địa điểm."""
    meeting = round_.meeting
    assert meeting is not None
    attendees = meeting.attendees or [f"Đại diện lãnh đạo {u.name}" for u in round_.units]
    body = [Paragraph(f"{round_.agency.name} trân trọng kính mời:")]
    body += [Paragraph(line) for line in vn.dash_list([vn.without_final_punctuation(a) for a in attendees], last=".")]
    body += [
        Paragraph(vn.with_final_stop(meeting.purpose), lead="Tới dự:"),
        Paragraph(vn.with_final_stop(meeting.chair), lead="Chủ trì:"),
        Paragraph(vn.with_final_stop(meeting.time), lead="Thời gian:"),
        Paragraph(vn.with_final_stop(meeting.place), lead="Địa điểm:"),
        Paragraph("Rất mong quý đại biểu tham dự đúng thời gian."),
    ]
    subject = meeting.subject or f"Dự họp thông qua kết quả kiểm tra {_about(round_)}"
    return titled(
        round_, decree30.FORMS["giấy mời"], subject, body, kind="invitation",
        noi_nhan=noi_nhan_items(["Như trên"], round_),
    )  # fmt: skip


# --- thông báo kết luận kiểm tra (conclusion-notice) -------------------------------------------


def conclusion_notice(round_: InspectionRound, mode: Mode = "consolidated", unit_index: int | None = None) -> LetterContent:
    """Mẫu 1.4: findings per unit, conclusions, requirements; to the inspected units through Nơi nhận."""
    notice = round_.notice
    assert notice is not None
    agency = round_.agency.name
    body = [
        intro_paragraph(round_, "các đơn vị trực thuộc"),
        Paragraph(f"{agency} thông báo kết luận kiểm tra như sau:"),
        section_heading(1, "Kết quả kiểm tra"),
    ]
    for number, unit in enumerate(round_.units, start=1):
        body.append(Paragraph(f"{number}. {unit.heading_name}", heading=True))
        body += _dashes(unit.findings) if unit.findings else [Paragraph("Không phát hiện tồn tại, hạn chế.")]
    body.append(section_heading(2, "Kết luận"))
    body.append(Paragraph(f"Qua kiểm tra, {vn.with_final_stop(round_.inspection.assessment)}"))
    body += _dashes(notice.conclusions)
    body.append(section_heading(3, "Yêu cầu"))
    body += _dashes([action_text(r) for r in round_.requirements])
    # Each unit's action named by its unit, as in the follow-up letter: not when the round says
    # not to, nor when the action already begins with the unit's name.
    body += _dashes([
        vn.without_final_punctuation(action_text(a)) if not round_.name_units_in_actions or names_unit(action_text(a), u)
        else f"{u.heading_name}: {vn.without_final_punctuation(action_text(a))}"
        for u in round_.units for a in u.actions
    ])
    body.append(Paragraph(f"Các đơn vị báo cáo kết quả khắc phục (kèm theo minh chứng) về {agency}."))
    subject = notice.subject or _sentence_case(f"kết luận kiểm tra {_about(round_)}")
    return titled(
        round_, decree30.FORMS["thông báo"], subject, body, kind="conclusion-notice", noi_nhan=noi_nhan_items([u.name for u in round_.units], round_),
    )  # fmt: skip


# --- báo cáo kết quả kiểm tra (report) ---------------------------------------------------------

SUMMARY_HEADER = ("STT", "Đơn vị được kiểm tra", "Tồn tại, hạn chế", "Yêu cầu khắc phục")


def report(round_: InspectionRound, mode: Mode = "consolidated", unit_index: int | None = None) -> LetterContent:
    """Mẫu 1.4, to the higher body (Kính gửi): general, results per unit with a summary
    table, conclusions, proposals."""
    section = round_.report
    assert section is not None
    ins = round_.inspection
    units = round_.units
    body = [
        intro_paragraph(round_, f"{len(units)} đơn vị trực thuộc"),
        Paragraph(f"{round_.agency.name} báo cáo kết quả kiểm tra như sau:"),
        section_heading(1, "Khái quát chung"),
        *[Paragraph(vn.with_final_stop(g)) for g in section.general],
        Paragraph(f"{ins.team} đã kiểm tra {len(units)} đơn vị: {', '.join(u.name for u in units)}."),
        section_heading(2, "Kết quả kiểm tra tại các đơn vị"),
        Paragraph("Số tồn tại, hạn chế và yêu cầu khắc phục tại từng đơn vị như bảng sau:"),
    ]
    rows = tuple((str(n), u.name, str(len(u.findings)), str(len(u.actions))) for n, u in enumerate(units, start=1))
    total = ("", "Tổng cộng", str(sum(len(u.findings) for u in units)), str(sum(len(u.actions) for u in units)))
    after: list[Paragraph] = []
    for number, unit in enumerate(units, start=1):
        after.append(Paragraph(f"{number}. {unit.heading_name}", heading=True))
        after += _dashes(unit.findings) if unit.findings else [Paragraph("Không phát hiện tồn tại, hạn chế.")]
    after.append(section_heading(3, "Kết luận"))
    after.append(Paragraph(f"Qua kiểm tra, {vn.with_final_stop(ins.assessment)}"))
    after.append(section_heading(4, "Kiến nghị, đề xuất"))
    after += _dashes(section.proposals)
    after.append(Paragraph(f"Trên đây là báo cáo kết quả kiểm tra {_about(round_)} của {round_.agency.name}."))
    subject = section.subject or _sentence_case(f"kết quả kiểm tra {_about(round_)}")
    return titled(
        round_, decree30.FORMS["báo cáo"], subject, body, kind="report", recipients=(section.recipient,),
        noi_nhan=noi_nhan_items(["Như trên"], round_), table_header=SUMMARY_HEADER, table_rows=(*rows, total),
        body_after=after,
    )  # fmt: skip
