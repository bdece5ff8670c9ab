"""Excel workbooks for clerks (bảng tính Excel): one inspection round in four sheets.

A clerk keeps the round in a workbook made by :func:`write_workbook` (blank: ``letter-gen
excel-template``; filled: ``letter-gen convert``); :func:`load_round` reads it back into the
same contract-shaped data as a YAML file and validates it with the same model, so the three
formats accept exactly the same rounds. Every problem names the sheet, row and column of the
cell (ô) it came from and the contract field path (``units[2].findings[0]``).

Sheets (trang tính):

- ``Đợt kiểm tra`` (the round): one row per field; column C holds the contract path and is
  what the reader goes by, so rows may be moved or inserted. Nơi nhận (``cc``) and Kính gửi
  (``recipients``) are one item per line inside their cell; Lưu (``archive``) is comma
  separated.
- ``Đơn vị`` (units): STT, Tên đơn vị, Tên viết tắt.
- ``Tồn tại - Khắc phục`` (findings and actions): Tên đơn vị, Loại, Nội dung, and for an
  action its Mã (code) and Hạn khắc phục (deadline), both optional; in letter order.
- ``Yêu cầu chung`` (general requirements): STT, Nội dung, Mã, Hạn khắc phục.

The other documents of a round (``letter.kind``) read their scalar fields and text lists from
sections of ``Đợt kiểm tra`` (a section left empty is no section), and their tables from three
more sheets, each optional on reading (a workbook made before them still reads):

- ``Thành viên đoàn`` (``decision.members``): STT, Họ và tên, Chức vụ, Nhiệm vụ trong đoàn.
- ``Lịch kiểm tra`` (``plan.schedule``): STT, Đơn vị được kiểm tra, Thời gian, Nội dung kiểm tra.
- ``Việc chưa khắc phục`` (``reminder.open_items``): Tên đơn vị, Nội dung, Hạn khắc phục.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import io
import math
import re
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

from openpyxl import Workbook, load_workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.styles import Alignment, Color, Font, PatternFill
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet._reader import WorkSheetParser
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from pydantic import ValidationError

from letter_gen import vn
from letter_gen.errors import InputError, OutputError
from letter_gen.fileio import DAMAGED_ZIP, GENERATOR, workbook_written_by_letter_gen, write_bytes_atomic
from letter_gen.i18n import _, local_number, os_reason
from letter_gen.inputs.limits import Limits, byte_size
from letter_gen.inputs.limits import current as current_limits
from letter_gen.inputs.model import InspectionRound, clean_data, error_parts, field_path, validate_data

ROUND_SHEET = "Đợt kiểm tra"
UNITS_SHEET = "Đơn vị"
ITEMS_SHEET = "Tồn tại - Khắc phục"
REQUIREMENTS_SHEET = "Yêu cầu chung"
SHEETS = (ROUND_SHEET, UNITS_SHEET, ITEMS_SHEET, REQUIREMENTS_SHEET)
#: The sheets of the other kinds' tables; a workbook without them (made before they were) still reads.
MEMBERS_SHEET = "Thành viên đoàn"
SCHEDULE_SHEET = "Lịch kiểm tra"
OPEN_ITEMS_SHEET = "Việc chưa khắc phục"
#: Each table sheet of a kind: the list it fills, its fields (one a column) and the column of the first.
KIND_SHEETS: dict[str, tuple[str, tuple[str, ...], int]] = {
    MEMBERS_SHEET: ("decision.members", ("name", "title", "role"), 2),
    SCHEDULE_SHEET: ("plan.schedule", ("unit", "date", "content"), 2),
    OPEN_ITEMS_SHEET: ("reminder.open_items", ("unit", "text", "deadline"), 1),
}
ALL_SHEETS = (*SHEETS, *KIND_SHEETS)
#: The input section each kind reads (letters/kinds.py says the same; inputs may not import letters).
KIND_SECTIONS = {"team-decision": "decision", "plan": "plan", "invitation": "meeting", "reminder": "reminder",
                 "conclusion-notice": "notice", "report": "report"}

#: The Loại (type) of a row of ``Tồn tại - Khắc phục``, and the list it goes to.
FINDING, ACTION = "Tồn tại", "Khắc phục"
_ITEM_LISTS = {"tồn tại": "findings", "finding": "findings", "khắc phục": "actions", "action": "actions"}

DATE_FORMAT = "dd/mm/yyyy"
#: Rows of the list sheets covered by data validations in a new workbook.
_MAX_ROWS = 1000
#: The most characters one Excel cell holds.
_CELL_LIMIT = 32767

Kind = Literal["text", "int", "bool", "date", "lines", "codes", "part", "day"]


@dataclass(frozen=True)
class _Field:
    """One row of ``Đợt kiểm tra``: contract path, Vietnamese label, hint, value kind."""

    path: str
    label: str
    hint: str = ""
    kind: Kind = "text"
    choices: str | None = None  # a data-validation list formula


def _list(*values: str) -> str:
    return '"' + ",".join(values) + '"'


_SECTIONS: tuple[tuple[str, tuple[_Field, ...]], ...] = (
    ("CÔNG VĂN", (
        _Field("letter.kind", "Loại văn bản", "follow-up: công văn khắc phục sau kiểm tra; reminder: công văn đôn đốc;"
               " team-decision: quyết định thành lập đoàn; plan: kế hoạch; invitation: giấy mời;"
               " conclusion-notice: thông báo kết luận; report: báo cáo (xem README)",
               choices=_list("follow-up", "reminder", "team-decision", "plan", "invitation", "conclusion-notice", "report")),
        _Field("letter.number", "Số", "để trống = bản dự thảo (Số:   /SKHCN-TTr)", "int"),
        _Field("letter.date", "Ngày ban hành", "dd/mm/yyyy; để trống = bản dự thảo", "date"),
        _Field("letter.subject", "Trích yếu (V/v)", "in sau chữ “V/v”, ví dụ: khắc phục tồn tại, hạn chế sau kiểm tra CCHC"),
        _Field("letter.urgency", "Độ khẩn", "để trống, KHẨN, THƯỢNG KHẨN hoặc HỎA TỐC",
               choices=_list(*vn.URGENCIES)),
    )),
    ("CƠ QUAN BAN HÀNH", (
        _Field("agency.parent", "Cơ quan chủ quản", "có thể để trống"),
        _Field("agency.name", "Tên cơ quan ban hành", "mẫu công văn viết in hoa"),
        _Field("agency.code", "Chữ viết tắt cơ quan", "chữ và số, ví dụ SKHCN"),
        _Field("agency.place", "Địa danh", "ví dụ Bà Rịa - Vũng Tàu"),
        _Field("agency.unit", "Đơn vị soạn thảo", "chữ và số; ký hiệu = SKHCN-TTr"),
    )),
    ("KỲ BÁO CÁO", (
        _Field("period.year", "Năm", "", "int"),
        _Field("period.quarter", "Quý", "I-IV hoặc 1-4; chỉ điền một trong quý, 6 tháng, tháng", "part",
               _list("I", "II", "III", "IV", "1", "2", "3", "4")),
        _Field("period.half", "6 tháng", "1 = 6 tháng đầu năm, 2 = 6 tháng cuối năm", "part",
               _list("1", "2")),
        _Field("period.month", "Tháng", "1-12", "int", _list(*map(str, range(1, 13)))),
    )),
    ("KẾ HOẠCH KIỂM TRA", (
        _Field("inspection.plan.kind", "Loại văn bản", "ví dụ Kế hoạch, Quyết định"),
        _Field("inspection.plan.number", "Số, ký hiệu", "ví dụ 09/KH-SKHCN"),
        _Field("inspection.plan.date", "Ngày ban hành kế hoạch", "dd/mm/yyyy", "date"),
        _Field("inspection.plan.issuer", "Cơ quan ban hành kế hoạch"),
        _Field("inspection.plan.title", "Tên kế hoạch",
               "in sau “Thực hiện [Kế hoạch] số … ngày … của [cơ quan] về ”, ví dụ: kế hoạch kiểm tra CCHC năm 2021"),
    )),
    ("NỘI DUNG", (
        _Field("inspection.team", "Đoàn kiểm tra", "in trong câu mở đầu: “…, [Đoàn kiểm tra] đã tiến hành kiểm tra …”"),
        _Field("inspection.field", "Lĩnh vực kiểm tra",
               "in sau “đã tiến hành kiểm tra ” và “hoàn thành tốt các nhiệm vụ ”, ví dụ: công tác CCHC"),
        _Field("inspection.intro", "Đoạn mở đầu (thay mẫu)",
               "để trống = câu của mẫu: “Thực hiện [Kế hoạch] số … ngày … của [cơ quan] về [tên kế hoạch],"
               " [Đoàn kiểm tra] đã tiến hành kiểm tra [lĩnh vực] tại …”"),
        _Field("inspection.assessment", "Đánh giá chung",
               "in sau “Qua kiểm tra các nội dung trong kế hoạch, ”; khi có tồn tại, câu cố định “Tuy nhiên qua công tác"
               " kiểm tra vẫn phát hiện một số công việc chưa thực hiện hoặc thực hiện nhưng chưa đạt yêu cầu. Cụ thể:”"
               " tự động theo sau: không tự viết câu “Tuy nhiên…”"),
        _Field("requirements_intro", "Câu dẫn yêu cầu chung (thay mẫu)",
               "để trống = câu của mẫu: “Để đảm bảo hoàn thành tốt các nhiệm vụ [lĩnh vực], [cơ quan] yêu cầu các đơn vị"
               " có liên quan nghiêm túc thực hiện những nội dung như sau:”"),
        _Field("closing", "Đoạn kết (thay mẫu)",
               "để trống = câu của mẫu: “Các đơn vị nghiêm túc tổ chức, phân công thực hiện khắc phục những thiếu sót đã"
               " chỉ ra, đồng thời tập trung hoàn thành các nội dung nêu trên./.”"),
    )),
    ("NGƯỜI KÝ", (
        _Field("signer.authority", "Thẩm quyền ký", "KT, TM, TL, TUQ, Q; để trống = thủ trưởng ký",
               choices=_list(*vn.AUTHORITIES)),
        _Field("signer.for", "Ký thay cho", "chức danh thủ trưởng (KT.), tập thể (TM.)"),
        _Field("signer.title", "Chức vụ người ký", "ví dụ Phó Giám đốc"),
        _Field("signer.name", "Họ và tên người ký"),
    )),
    ("NƠI GỬI, NƠI NHẬN", (
        _Field("recipients", "Kính gửi", "mỗi dòng một nơi (Alt+Enter xuống dòng), không cần gạch đầu dòng và dấu “;”;"
               " để trống = mọi đơn vị", "lines"),
        _Field("cc", "Nơi nhận (sau “Như trên”)", "mỗi dòng một nơi (Alt+Enter xuống dòng), không cần “- ” và “;”;"
               " “- Như trên;” và “- Lưu: …” tự thêm", "lines"),
        _Field("archive", "Lưu", "cách nhau bởi dấu phẩy, ví dụ VT, TTr, CCHC; in thành “- Lưu: VT, TTr, CCHC.”", "codes"),
    )),
    ("THEO DÕI KHẮC PHỤC", (
        _Field("inspection.deadline", "Hạn khắc phục (chung)",
               "dd/mm/yyyy; hạn của mọi yêu cầu không ghi hạn riêng; để trống = không ghi hạn", "date"),
        _Field("name_units_in_actions", "Ghi tên đơn vị trước yêu cầu riêng",
               "TRUE = công văn chung ghi “- [tên đơn vị]: …” trước mỗi yêu cầu riêng của đơn vị (trừ khi câu đã"
               " bắt đầu bằng tên đơn vị); FALSE = giữ nguyên câu; để trống = TRUE", "bool", choices=_list("TRUE", "FALSE")),
    )),
    # The other documents of the round (letter.kind): each section is read only when filled in.
    ("QUYẾT ĐỊNH THÀNH LẬP ĐOÀN KIỂM TRA (team-decision; thành viên đoàn ở trang “Thành viên đoàn”)", (
        _Field("decision.subject", "Trích yếu quyết định",
               "in sau “Về việc ” dưới chữ QUYẾT ĐỊNH; để trống = “thành lập Đoàn kiểm tra [lĩnh vực] [kỳ]”"),
        _Field("decision.authority", "Thẩm quyền ban hành",
               "in hoa trên các căn cứ, ví dụ Giám đốc Sở Khoa học và Công nghệ; để trống = [Ký thay cho] + [Tên cơ quan]"),
        _Field("decision.bases", "Căn cứ ban hành",
               "mỗi dòng một căn cứ (Alt+Enter xuống dòng), bắt đầu bằng “Căn cứ”, không cần dấu “;”: dấu “;” và dấu “.”"
               " ở dòng cuối tự thêm; nếu không căn cứ nào nêu số kế hoạch kiểm tra, dòng “Căn cứ [Kế hoạch] số … ngày …"
               " của … về …” tự thêm", "lines"),
        _Field("decision.proposer", "Theo đề nghị của",
               "in thành “Theo đề nghị của [..].” sau các căn cứ, ví dụ Chánh Thanh tra Sở; có thể để trống"),
        _Field("decision.duties", "Nhiệm vụ của Đoàn (Điều 2)",
               "để trống = câu của mẫu: “Đoàn kiểm tra có nhiệm vụ kiểm tra [lĩnh vực] tại các đơn vị theo [Kế hoạch]"
               " số … ngày … của …; báo cáo kết quả kiểm tra về … Đoàn kiểm tra tự giải thể sau khi hoàn thành nhiệm vụ.”"),
        _Field("decision.executors", "Trách nhiệm thi hành (Điều 3)",
               "in sau “Quyết định này có hiệu lực kể từ ngày ký.” và trước “chịu trách nhiệm thi hành Quyết định này.”;"
               " để trống = “Chánh Văn phòng Sở, Thủ trưởng các đơn vị có liên quan và các ông (bà) có tên tại Điều 1”"),
    )),
    ("KẾ HOẠCH KIỂM TRA (plan; lịch kiểm tra ở trang “Lịch kiểm tra”)", (
        _Field("plan.subject", "Trích yếu kế hoạch", "in dưới chữ KẾ HOẠCH; để trống = “Kiểm tra [lĩnh vực] [kỳ]”"),
        _Field("plan.purposes", "I. Mục đích, yêu cầu",
               "mỗi dòng một ý (Alt+Enter xuống dòng), in thành “- …”; không cần gạch đầu dòng", "lines"),
        _Field("plan.contents", "II. Nội dung kiểm tra",
               "mỗi dòng một nội dung, in thành “- …”; mục III là bảng lịch kiểm tra, sau câu “[Đoàn kiểm tra] làm việc"
               " tại các đơn vị theo lịch sau:”", "lines"),
        _Field("plan.organisation", "IV. Tổ chức thực hiện",
               "mỗi dòng một việc, in thành “- …”; để trống = ba việc của mẫu (Đoàn thông báo lịch, đơn vị chuẩn bị"
               " hồ sơ, Đoàn báo cáo kết quả về Giám đốc Sở)", "lines"),
    )),
    ("GIẤY MỜI (invitation)", (
        _Field("meeting.subject", "Trích yếu giấy mời",
               "in dưới chữ GIẤY MỜI; để trống = “Dự họp thông qua kết quả kiểm tra [lĩnh vực] [kỳ]”"),
        _Field("meeting.attendees", "Kính mời",
               "mỗi dòng một người hoặc đơn vị, in sau “[Tên cơ quan] trân trọng kính mời:”; để trống = “Đại diện"
               " lãnh đạo [tên đơn vị]” cho mọi đơn vị", "lines"),
        _Field("meeting.purpose", "Tới dự", "in sau “Tới dự:”, ví dụ Cuộc họp thông qua kết quả kiểm tra …"),
        _Field("meeting.chair", "Chủ trì", "in sau “Chủ trì:”, ví dụ Ông Trần Duy Tâm Thanh, Phó Giám đốc Sở"),
        _Field("meeting.time", "Thời gian", "in sau “Thời gian:”, như sẽ in, ví dụ 08 giờ 00, thứ Hai, ngày 29/3/2021"),
        _Field("meeting.place", "Địa điểm", "in sau “Địa điểm:”, ví dụ Phòng họp tầng 3, Sở Khoa học và Công nghệ"),
    )),
    ("CÔNG VĂN ĐÔN ĐỐC (reminder; việc chưa khắc phục ở trang “Việc chưa khắc phục”)", (
        _Field("reminder.subject", "Trích yếu (V/v) công văn đôn đốc",
               "in sau “V/v”; để trống = “đôn đốc khắc phục sau kiểm tra [lĩnh vực] [kỳ]”"),
        _Field("reminder.follow_up.number", "Số, ký hiệu công văn khắc phục",
               "công văn được nhắc lại, ví dụ 15/SKHCN-TTr: “Ngày …, [cơ quan] đã ban hành Công văn số …”"),
        _Field("reminder.follow_up.date", "Ngày công văn khắc phục", "dd/mm/yyyy", "date"),
        _Field("reminder.new_deadline", "Hạn báo cáo mới",
               "dd/mm/yyyy; in thành “… báo cáo kết quả (kèm theo minh chứng) về [cơ quan] trước ngày …”; có thể để trống",
               "date"),
    )),
    ("THÔNG BÁO KẾT LUẬN KIỂM TRA (conclusion-notice)", (
        _Field("notice.subject", "Trích yếu thông báo",
               "in dưới chữ THÔNG BÁO; để trống = “Kết luận kiểm tra [lĩnh vực] [kỳ]”"),
        _Field("notice.conclusions", "II. Kết luận (thêm)",
               "mỗi dòng một kết luận, in thành “- …” sau câu “Qua kiểm tra, [Đánh giá chung].”; tồn tại và yêu cầu"
               " lấy từ các trang khác; có thể để trống", "lines"),
    )),
    ("BÁO CÁO KẾT QUẢ KIỂM TRA (report)", (
        _Field("report.subject", "Trích yếu báo cáo", "in dưới chữ BÁO CÁO; để trống = “Kết quả kiểm tra [lĩnh vực] [kỳ]”"),
        _Field("report.recipient", "Kính gửi (cơ quan cấp trên)", "ví dụ Ủy ban nhân dân tỉnh Bà Rịa - Vũng Tàu"),
        _Field("report.general", "I. Khái quát chung",
               "mỗi dòng một đoạn, in trước câu “[Đoàn kiểm tra] đã kiểm tra [số] đơn vị: …”; có thể để trống", "lines"),
        _Field("report.proposals", "IV. Kiến nghị, đề xuất", "mỗi dòng một kiến nghị, in thành “- …”", "lines"),
    )),
)
_FIELDS = {f.path: f for _, fields in _SECTIONS for f in fields}
#: Whole-number fields and the range Excel lets a clerk type (the model checks again).
_WHOLE_RANGES: dict[str, tuple[int, int | None]] = {"letter.number": (1, None), "period.year": (1945, 2200)}

#: Column headings of each sheet: (Vietnamese heading, contract name on its second line).
_HEADINGS: dict[str, tuple[tuple[str, str], ...]] = {
    ROUND_SHEET: (("Mục", "nội dung cần điền"), ("Giá trị", "điền vào cột này"), ("Trường", "tên trường: không sửa"),
                  ("Hướng dẫn", "cách điền, câu cố định đi kèm")),
    UNITS_SHEET: (("STT", "số thứ tự"), ("Tên đơn vị", "tên đầy đủ, in ở Kính gửi"),
                  ("Tên viết tắt", "in ở tiêu đề từng đơn vị; có thể để trống")),
    ITEMS_SHEET: (("Tên đơn vị", "chọn trong trang “Đơn vị”"), ("Loại", f"{FINDING} hoặc {ACTION}"),
                  ("Nội dung", "mỗi dòng một tồn tại hoặc một việc cần khắc phục"),
                  ("Mã", "mã việc khắc phục để theo dõi; có thể để trống"), ("Hạn khắc phục", "ngày dd/mm/yyyy; có thể để trống")),
    REQUIREMENTS_SHEET: (("STT", "số thứ tự"), ("Nội dung", "yêu cầu chung cho mọi đơn vị"),
                         ("Mã", "mã để theo dõi; có thể để trống"), ("Hạn khắc phục", "ngày dd/mm/yyyy; có thể để trống")),
    MEMBERS_SHEET: (("STT", "số thứ tự dưới Điều 1"), ("Họ và tên", "có Ông, Bà: Ông Nguyễn Văn An"),
                    ("Chức vụ", "ví dụ Chánh Thanh tra Sở"),
                    ("Nhiệm vụ trong đoàn", "Trưởng đoàn, Thành viên…; in “1. [Họ và tên], [Chức vụ] - [Nhiệm vụ];”")),
    SCHEDULE_SHEET: (("STT", "số thứ tự trong bảng mục III"), ("Đơn vị được kiểm tra", "tên như in trong bảng"),
                     ("Thời gian", "như sẽ in: 15/3/2021 hoặc tuần 2 tháng 3"),
                     ("Nội dung kiểm tra", "ví dụ Toàn bộ nội dung tại mục II")),
    OPEN_ITEMS_SHEET: (("Tên đơn vị", "chọn trong trang “Đơn vị”"),
                       ("Nội dung", "việc còn chưa khắc phục; in thành “- … (thời hạn: …);”"),
                       ("Hạn khắc phục", "ngày dd/mm/yyyy; có thể để trống")),
}
_WIDTHS = {ROUND_SHEET: (34, 80, 24, 48), UNITS_SHEET: (6, 60, 30),
           ITEMS_SHEET: (48, 13, 100, 12, 14), REQUIREMENTS_SHEET: (6, 110, 12, 14),
           MEMBERS_SHEET: (6, 36, 40, 40), SCHEDULE_SHEET: (6, 50, 24, 60), OPEN_ITEMS_SHEET: (48, 100, 14)}
_LETTERS = "ABCDE"
#: The columns of each sheet the reader reads: not STT, the labels or the hints of the first sheet.
_READ_COLUMNS: dict[str, tuple[int, ...]] = {
    ROUND_SHEET: (2, 3), UNITS_SHEET: (2, 3), ITEMS_SHEET: (1, 2, 3, 4, 5), REQUIREMENTS_SHEET: (2, 3, 4),
    **{sheet: tuple(range(first, first + len(fields))) for sheet, (_path, fields, first) in KIND_SHEETS.items()},
}

_BOLD = Font(bold=True)
_NOTE = Font(italic=True, size=9, color="666666")
_SECTION_FILL = PatternFill("solid", fgColor="DDEBF7")
_HEADER_FILL = PatternFill("solid", fgColor="E7E6E6")
_WRAP = Alignment(wrap_text=True, vertical="top")


# --- writing -------------------------------------------------------------------------------


def write_workbook(path: Path, round: InspectionRound | None = None, *, force: bool = False) -> None:  # noqa: A002
    """Write the clerk's workbook (bảng tính): blank when ``round`` is None, else filled from it.

    Built in memory and written atomically, so a failed run never leaves half a workbook. A
    workbook a clerk has saved (filled in) is never replaced without ``force``.
    """
    book = _build(round)
    book.properties.creator = book.properties.lastModifiedBy = GENERATOR
    buffer = io.BytesIO()
    book.save(buffer)
    write_bytes_atomic(Path(path), buffer.getvalue(), ours=workbook_written_by_letter_gen, force=force)


def _build(round_: InspectionRound | None) -> Workbook:
    data: dict[str, Any] = round_.model_dump(by_alias=True) if round_ is not None else {}
    book = Workbook()
    sheets = [book.active if isinstance(book.active, Worksheet) else book.create_sheet()]
    sheets += [book.create_sheet() for _ in ALL_SHEETS[1:]]
    for ws, title in zip(sheets, ALL_SHEETS):
        ws.title = title
        _write_headings(ws)
    _write_round_sheet(sheets[0], data)
    units: list[dict[str, Any]] = data.get("units", [])
    for index, unit in enumerate(units):
        _write_row(sheets[1], index + 2, [index + 1, unit["name"], unit["short_name"]])
    row = 2
    for unit in units:
        for kind, items in ((FINDING, unit["findings"]), (ACTION, unit["actions"])):
            for item in items:
                _write_row(sheets[2], row, [unit["name"], kind, *_item_cells(item)])
                row += 1
    for index, item in enumerate(data.get("requirements", [])):
        _write_row(sheets[3], index + 2, [index + 1, *_item_cells(item)])
    for ws, column in ((sheets[2], "E"), (sheets[3], "D")):
        for cell in ws[column][1:]:
            cell.number_format = DATE_FORMAT
    for ws, column in ((sheets[2], "D"), (sheets[3], "C")):
        # Mã as Text for every row a clerk types in: Excel makes "1.1" typed there the number 1.1,
        # which the reader refuses (it cannot tell 1.1 from 1.10)
        ws.column_dimensions[column].number_format = "@"
    _add_list_validations(sheets[2])
    for ws in sheets[len(SHEETS):]:
        _write_kind_sheet(ws, data)
    return book


def _write_kind_sheet(ws: Worksheet, data: dict[str, Any]) -> None:
    """A kind's table (thành viên đoàn, lịch kiểm tra, việc chưa khắc phục), one row per item."""
    path, fields, first = KIND_SHEETS[ws.title]
    for index, item in enumerate(_lookup(data, path) or []):
        cells = [_to_cell_value(_Field(path, "", kind="date" if key == "deadline" else "text"), item.get(key))
                 for key in fields]
        _write_row(ws, index + 2, [index + 1, *cells] if first == 2 else cells)
    if ws.title == SCHEDULE_SHEET:
        for cell in ws["C"][1:]:
            cell.number_format = "@"  # "15/3/2021" stays as the plan prints it, not an Excel date
    if ws.title == OPEN_ITEMS_SHEET:
        for cell in ws["C"][1:]:
            cell.number_format = DATE_FORMAT
        unit = _list_validation(f"'{UNITS_SHEET}'!$B$2:$B${_MAX_ROWS}", f"Chọn một đơn vị của trang “{UNITS_SHEET}”")
        ws.add_data_validation(unit)
        unit.add(f"A2:A{_MAX_ROWS}")


def _item_cells(item: Any) -> list[Any]:
    """Nội dung, Mã, Hạn khắc phục of a finding or action (a text, or an action's mapping)."""
    if isinstance(item, str):
        return [item]
    deadline = item.get("deadline")
    return [item["text"], item.get("id"), dt.datetime(deadline.year, deadline.month, deadline.day) if deadline else None]


def _write_headings(ws: Worksheet) -> None:
    for column, ((heading, name), width) in enumerate(zip(_HEADINGS[ws.title], _WIDTHS[ws.title]), 1):
        # Two lines in one cell: the clerk's word in bold, the contract's name small beneath it,
        # so a clerk and the README speak of the same field.
        cell = ws.cell(1, column)
        cell.value = CellRichText(
            TextBlock(InlineFont(b=True), heading),
            TextBlock(InlineFont(i=True, sz=8, color=Color("666666")), f"\n{name}"),
        )
        cell.font, cell.fill, cell.alignment = _BOLD, _HEADER_FILL, _WRAP
        ws.column_dimensions[_LETTERS[column - 1]].width = width
    ws.row_dimensions[1].height = 30
    ws.freeze_panes = "B2" if ws.title == ROUND_SHEET else "A2"


def _write_round_sheet(ws: Worksheet, data: dict[str, Any]) -> None:
    validations: dict[str, DataValidation] = {}
    row = 2
    for section, fields in _SECTIONS:
        ws.cell(row, 1, section).font = _BOLD
        for column in range(1, 5):
            ws.cell(row, column).fill = _SECTION_FILL
        row += 1
        for spec in fields:
            value = _to_cell_value(spec, _lookup(data, spec.path))
            ws.cell(row, 1, spec.label).alignment = _WRAP
            cell = ws.cell(row, 2)
            _set(cell, value)
            cell.alignment = _WRAP
            cell.number_format = {"int": "0", "bool": "General", "date": DATE_FORMAT}.get(spec.kind, "@")
            if spec.choices:
                # Numbers chosen from a list must stay numbers, not text.
                cell.number_format = "General" if spec.kind in ("int", "part") else "@"
                validation = validations.get(spec.choices)
                if validation is None:
                    validation = validations[spec.choices] = _list_validation(spec.choices, spec.hint)
                    ws.add_data_validation(validation)
                validation.add(cell.coordinate)
            if spec.path in _WHOLE_RANGES:
                ws.add_data_validation(_whole_validation(*_WHOLE_RANGES[spec.path], cell.coordinate))
            ws.cell(row, 3, spec.path).font = _NOTE
            note = ws.cell(row, 4, spec.hint)
            note.font, note.alignment = _NOTE, _WRAP
            _fit_height(ws, row, value, 80)
            row += 1


def _write_row(ws: Worksheet, row: int, values: list[Any]) -> None:
    for column, value in enumerate(values, 1):
        cell = ws.cell(row, column)
        _set(cell, value)
        cell.alignment = _WRAP
    text = {ITEMS_SHEET: 2, REQUIREMENTS_SHEET: 1, OPEN_ITEMS_SHEET: 1}.get(ws.title, len(values) - 1)  # the long text's column
    _fit_height(ws, row, values[text], _WIDTHS[ws.title][text])


def _add_list_validations(items: Worksheet) -> None:
    unit = _list_validation(f"'{UNITS_SHEET}'!$B$2:$B${_MAX_ROWS}", f"Chọn một đơn vị của trang “{UNITS_SHEET}”")
    kind = _list_validation(_list(FINDING, ACTION), f"{FINDING} (hạn chế) hoặc {ACTION} (yêu cầu)")
    for validation, column in ((unit, "A"), (kind, "B")):
        items.add_data_validation(validation)
        validation.add(f"{column}2:{column}{_MAX_ROWS}")


def _list_validation(formula: str, prompt: str) -> DataValidation:
    validation = DataValidation(type="list", formula1=formula, allow_blank=True,
                                showErrorMessage=True, showInputMessage=bool(prompt))
    validation.error = "Chọn một giá trị trong danh sách"
    validation.prompt = prompt or None
    return validation


def _whole_validation(low: int, high: int | None, ref: str) -> DataValidation:
    validation = DataValidation(type="whole", operator="between" if high else "greaterThanOrEqual",
                                formula1=str(low), formula2=str(high) if high else None,
                                allow_blank=True, showErrorMessage=True, sqref=ref)
    validation.error = f"Nhập số nguyên từ {low}" + (f" đến {high}" if high else " trở lên")
    return validation


def _set(cell: Any, value: Any) -> None:
    if isinstance(value, str) and len(value) > _CELL_LIMIT:
        raise OutputError(f"{cell.parent.title}!{cell.coordinate}: {len(value)} characters;"
                          f" an Excel cell holds at most {_CELL_LIMIT}")
    cell.value = value
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # a text, not a formula Excel would compute


def _fit_height(ws: Worksheet, row: int, value: Any, width: int) -> None:
    # Excel does not grow a row for wrapped text it did not type itself: estimate the lines.
    if isinstance(value, str) and value:
        lines = sum(max(1, math.ceil(len(line) * 1.1 / width)) for line in value.split("\n"))
        if lines > 1:
            ws.row_dimensions[row].height = 15 * min(lines, 25)


def _lookup(data: dict[str, Any], path: str) -> Any:
    value: Any = data
    for key in path.split("."):
        value = value.get(key) if isinstance(value, dict) else None
    return value


def _to_cell_value(spec: _Field, value: Any) -> Any:
    if value is None or value == []:
        return None
    if spec.kind == "date":
        return dt.datetime(value.year, value.month, value.day)  # a real Excel date
    if spec.kind == "lines":
        return "\n".join(value)
    if spec.kind == "codes":
        return ", ".join(value)
    return value


# --- reading -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Where:
    """Where a value came from, or should be: sheet, row, column (and its row label)."""

    sheet: str
    row: int = 0
    column: int = 0
    label: str = ""
    text: str = ""  # a free description, when there is no cell

    def __str__(self) -> str:
        sheet = _('sheet "{sheet}"').format(sheet=self.sheet) if self.sheet else ""
        if not self.row and not self.text:
            return sheet
        if self.text:
            return f"{sheet}, {self.text}" if self.sheet else self.text
        where = _("{sheet}, row {row}").format(sheet=sheet, row=self.row) + (f" ({self.label})" if self.label else "")
        if self.column:
            heading = _HEADINGS[self.sheet][self.column - 1][0]
            where += _(", column {column} ({heading})").format(column=_LETTERS[self.column - 1], heading=heading)
        return where

    @property
    def order(self) -> tuple[int, int, int]:
        return (ALL_SHEETS.index(self.sheet) if self.sheet in ALL_SHEETS else -1, self.row, self.column)


_ABSENT = object()
_Row = tuple[int, list[Any]]  # (row number, cell values)
_PATH = re.compile(r"[a-z_]+(\.[a-z_]+)*")
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_VN_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


def load_round(
    path: Path, *, clean_text: bool = False, changes: list[str] | None = None, limits: Limits | None = None,
    kind: str | None = None,
) -> InspectionRound:
    """Read a clerk's workbook into a validated :class:`InspectionRound` (kết quả kiểm tra).

    Raises :class:`InputError` listing every problem, each with its sheet, row, column and
    contract field path. With ``clean_text``, characters a letter cannot carry are removed
    and each field changed is appended to ``changes``. ``limits`` bound the file, its
    unzipped XML, its rows and its texts (default: this run's). ``kind`` is the document to be
    written (``--kind``; default: the workbook's ``letter.kind``): its table sheet always counts,
    another kind's only when that kind's section is filled in on ``Đợt kiểm tra``.
    """
    path = Path(path)
    limits = limits or current_limits()
    reader = _Reader(path, limits, kind)
    data = reader.read()
    if clean_text:
        data, cleaned = clean_data(data)
        if changes is not None:
            changes.extend(f"{path}: {line}" for line in cleaned)
    try:
        round_ = validate_data(data, str(path), limits)
    except InputError as err:
        reader.add_model_problems(err)
    else:
        if not reader.problems:
            return round_
    raise reader.error()


def read_workbook(path: Path, *, limits: Limits | None = None) -> dict[str, Any]:
    """The contract-shaped data of a workbook, before validation (as ``read_data`` gives YAML).

    Prefer :func:`load_round`: only it can name the cell of a problem the model finds.
    """
    reader = _Reader(Path(path), limits or current_limits())
    data = reader.read()
    if reader.problems:
        raise reader.error()
    return data


def check_workbook_size(path: Path, limits: Limits) -> None:
    """Refuse a workbook too big to read, from its size and its zip directory, before parsing.

    An .xlsx is a zip of XML parts; a 300 KB file can hold a part that unzips to 300 MB (one
    shared string repeated). The directory states each part's unzipped size, and reading a
    part stops at that size, so summing them bounds what openpyxl will read.
    """
    size = path.stat().st_size
    if size > limits.input_bytes:
        raise InputError(_(
            "{path}: the file is {size}; an input file may be at most {most}"
            " (a round of 10,000 units is a few MB); to read a bigger one, set {variable}"
        ).format(path=path, size=byte_size(size), most=byte_size(limits.input_bytes), variable=Limits.variable("input_bytes")))
    with zipfile.ZipFile(path) as archive:
        parts = [(info.file_size, info.filename) for info in archive.infolist()
                 if info.filename.lower().endswith((".xml", ".rels"))]
    unzipped = sum(part_size for part_size, _name in parts)
    if unzipped > limits.workbook_xml_bytes:
        biggest = max(parts)[1]
        raise InputError(_(
            "{path}: the workbook unzips to {size} of XML ({biggest} the most), more than"
            " the {most} an input may hold; a round of 10,000 units is a few MB"
            " (to read a bigger one, set {variable})"
        ).format(path=path, size=byte_size(unzipped), biggest=biggest, most=byte_size(limits.workbook_xml_bytes),
                 variable=Limits.variable("workbook_xml_bytes")))


def _not_a_workbook(path: Path) -> str:
    """Why a file given as a workbook cannot be read, told by what the file really is, so the
    clerk knows what to do: a Word letter or a Calc sheet named .xlsx, an old .xls or a workbook
    with a password (Excel saves both in the older OLE format), or a workbook damaged or cut short
    (a copy stopped half-way)."""
    try:
        with path.open("rb") as file:
            head = file.read(8)
    except OSError:
        head = b""
    damaged = _("{path}: the Excel workbook is damaged or incomplete (a copy stopped half-way?):"
                " copy it again from where it came from, or open it in Excel and save it again").format(path=path)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return _("{path}: an old Excel file (.xls) or a workbook protected by a password, not an Excel workbook"
                 " (.xlsx): open it in Excel and save it as Excel Workbook (.xlsx), without a password").format(path=path)
    if not head.startswith(b"PK"):
        return _("{path}: not an Excel workbook (.xlsx)").format(path=path)
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            mimetype = archive.read("mimetype")[:100] if "mimetype" in names else b""
    except DAMAGED_ZIP + (OSError,):
        return damaged
    if "word/document.xml" in names:
        return _("{path}: a Word document (.docx) with the name of a workbook, not an Excel workbook (.xlsx):"
                 " give the workbook of the round (letter-gen excel-template writes a blank one)").format(path=path)
    if b"opendocument.spreadsheet" in mimetype:
        return _("{path}: a LibreOffice Calc spreadsheet (.ods) with the name of a workbook: open it in Calc or"
                 " Excel and save it as Excel Workbook (.xlsx)").format(path=path)
    if "xl/workbook.xml" in names:
        return damaged
    return _("{path}: not an Excel workbook (.xlsx)").format(path=path)


class _Reader:
    """Reads the four sheets into contract data, remembering the cell of every field path."""

    def __init__(self, path: Path, limits: Limits, kind: str | None = None) -> None:
        self.path = path
        self.limits = limits
        self.kind = kind  # the document to be written (loại văn bản), when the command chose it
        self.cells: dict[str, _Where] = {}
        self.problems: list[tuple[tuple[int, int, int], str]] = []
        self.bad: set[str] = set()  # paths already reported: the model's word on them is noise
        self.uncalculated: set[tuple[str, int, int]] = set()  # cells reported by their own line: formulas never calculated, Excel errors
        # Those cells' own lines by sheet, said only of a sheet that is read (another kind's table is not)
        self.cell_lines: dict[str, list[tuple[_Where, str]]] = {}

    def error(self) -> InputError:
        lines = [text for _order, text in sorted(self.problems, key=lambda p: p[0])]
        return InputError(_("{source}: {n} problem(s) in the input").format(source=self.path, n=len(lines)), problems=lines)

    def problem(self, where: _Where, path: str, message: str) -> None:
        if (where.sheet, where.row, where.column) in self.uncalculated:
            return  # an empty formula: the cell's own line says what to do
        self.problems.append((where.order, self._line(where, path, message)))

    def _line(self, where: _Where, path: str, message: str) -> str:
        """One problem line: file, cell, field, what is wrong. The Vietnamese line names the cell
        by its sheet, row and column headings only, as the clerk sees them; the English one adds
        the contract's field path."""
        if str(where) and path:
            return _("{file}: {where}: {path}: {message}").format(file=self.path.name, where=where, path=path, message=message)
        if str(where) or path:
            return f"{self.path.name}: {where or path}: {message}"
        return f"{self.path.name}: {message}"

    def read(self) -> dict[str, Any]:
        """The contract-shaped data of the workbook; problems are collected, not raised."""
        with warnings.catch_warnings():
            # openpyxl warns of Excel features it drops on reading: nothing a clerk can mend,
            # and the library never prints.
            warnings.simplefilter("ignore")
            files = contextlib.ExitStack()  # the file is closed even when openpyxl stops half-way through it
            try:
                check_workbook_size(self.path, self.limits)
                book = load_workbook(files.enter_context(self.path.open("rb")), read_only=True, data_only=True)
            except FileNotFoundError as err:
                raise InputError(_("{path}: no such file").format(path=self.path)) from err
            except IsADirectoryError as err:
                raise InputError(_("{path}: is a folder, expected a file").format(path=self.path)) from err
            # Not a zip, not an Office zip, or broken XML inside (lxml's errors are SyntaxErrors),
            # or damaged bytes.
            except DAMAGED_ZIP + (InvalidFileException, KeyError, SyntaxError, TypeError, ValueError) as err:
                files.close()
                raise InputError(_not_a_workbook(self.path)) from err
            except OSError as err:
                files.close()
                if err.errno is None:  # openpyxl's "no valid workbook part": a zip, but no workbook in it
                    raise InputError(_not_a_workbook(self.path)) from err
                raise InputError(_("{path}: cannot read this file ({err})").format(path=self.path, err=os_reason(err))) from err
            try:
                sheets = self._sheet_rows(book)
            # IndexError: a cell naming a shared text the workbook does not hold
            except DAMAGED_ZIP + (KeyError, IndexError, SyntaxError, TypeError, ValueError, OSError) as err:
                raise InputError(_("{path}: not an Excel workbook (.xlsx), or a damaged one").format(path=self.path)) from err
            finally:
                book.close()
                files.close()
        return self._to_data(sheets)

    def _sheet_rows(self, book: Any) -> dict[str, list[_Row] | None]:
        """The non-empty rows of each of the four sheets; None for a sheet that is missing."""
        by_name = {vn.nfc(name).casefold(): name for name in book.sheetnames}
        sheets: dict[str, list[_Row] | None] = {}
        for sheet, owns in zip(SHEETS, ("letter", "units", "units[].findings", "requirements")):
            name = by_name.get(sheet.casefold())
            if name is None:
                has = ", ".join(f'"{n}"' for n in book.sheetnames)
                self.problem(_Where(sheet), owns,
                             _("the sheet is missing (the workbook has {sheets}); start from letter-gen excel-template").format(sheets=has))
                sheets[sheet] = None
            else:
                sheets[sheet] = list(self._data_rows(book[name], sheet))
        for sheet in KIND_SHEETS:  # optional: a workbook made before the kinds had tables reads as before
            name = by_name.get(sheet.casefold())
            sheets[sheet] = list(self._data_rows(book[name], sheet)) if name is not None else None
        return sheets

    def _data_rows(self, ws: Any, sheet: str) -> Iterator[tuple[int, list[Any]]]:
        """(row number, values) of each row under the heading that is not wholly empty.

        Every row the sheet holds is read, whatever used range (``<dimension>``) the file
        states: a stale one would otherwise drop the rows typed below it, silently. The cells
        holding a formula are noted in the same pass (:class:`_SheetParser`), so the file is
        read once, formulas or not.
        """
        width = len(_HEADINGS[sheet])
        read = _READ_COLUMNS[sheet]
        last_row = self.limits.sheet_rows + 1  # the heading, then the rows
        book = ws.parent
        with ws._get_source() as source:  # openpyxl's own way to a read-only sheet's XML
            parser = _SheetParser(source, ws._shared_strings, data_only=True, epoch=book.epoch,
                                  date_formats=book._date_formats, timedelta_formats=book._timedelta_formats)
            last = 1  # the heading's row
            for number, row in parser.parse():
                if number <= last:
                    continue  # the heading, or a row stored again or out of order: openpyxl's rows skip it too
                last = number
                cells: list[Any] = [None] * width
                for cell in row:
                    if cell["column"] <= width:
                        cells[cell["column"] - 1] = cell["value"]
                formulas = parser.formula_cells  # of the rows parsed so far, this one included
                # Only the columns read: an STT or a hint column may hold a broken formula unharmed
                empty_formulas = [c for c in read if cells[c - 1] is None and (number, c) in formulas] if formulas else []
                errors = {c: parser.error_cells[(number, c)] for c in read
                          if (number, c) in parser.error_cells} if parser.error_cells else {}
                if all(_blank(v) for v in cells) and not empty_formulas and not errors:
                    continue
                if number > last_row:
                    raise InputError(_(
                        '{path}: sheet "{sheet}", row {row}: more than {most} rows;'
                        " a round of 10,000 units fits in far fewer (to read more, set {variable})"
                    ).format(path=self.path, sheet=sheet, row=number, most=f"{self.limits.sheet_rows:,}",
                             variable=Limits.variable("sheet_rows")))
                lines = self.cell_lines.setdefault(sheet, [])
                for column, shown in errors.items():
                    lines.append((_Where(sheet, number, column), _(
                        "the cell shows Excel's error {error} instead of a value: correct the formula"
                        " or type the value, then save the file again").format(error=shown)))
                    self.uncalculated.add((sheet, number, column))
                for column in empty_formulas:
                    if column in errors:
                        continue
                    lines.append((_Where(sheet, number, column), _(
                        "a formula Excel has not calculated yet (the file was made by a program):"
                        " open the file in Excel and save it again, so the formula's value is saved")))
                    self.uncalculated.add((sheet, number, column))
                yield number, cells

    def _cell_lines(self, sheet: str, labels: dict[int, str] | None = None) -> None:
        """Report the formula cells of a sheet that is read (Excel errors, formulas never calculated),
        on the first sheet with the row's label, as its other lines have it."""
        for where, message in self.cell_lines.pop(sheet, []):
            if labels and where.row in labels:
                where = replace(where, label=labels[where.row])
            self.problems.append((where.order, self._line(where, "", message)))

    def _to_data(self, sheets: dict[str, list[_Row] | None]) -> dict[str, Any]:
        data: dict[str, Any] = {}
        round_rows, unit_rows = sheets[ROUND_SHEET], sheets[UNITS_SHEET]
        self._cell_lines(ROUND_SHEET, {number: _row_label(label, key) for number, (label, _value, key, *_hint) in round_rows or []})
        for sheet in SHEETS[1:]:
            self._cell_lines(sheet)
        if round_rows is None:
            self.bad.update({f.path.split(".")[0] for f in _FIELDS.values()})
        else:
            self._read_round(round_rows, data)
        if unit_rows is None:
            self.bad.add("units")  # and its findings cannot be matched to units: say nothing of them
        else:
            data["units"] = self._read_units(unit_rows)
            self._read_items(sheets[ITEMS_SHEET] or [], data["units"])
        data["requirements"] = self._read_list(sheets[REQUIREMENTS_SHEET] or [], REQUIREMENTS_SHEET, "requirements")
        kind = self.kind if self.kind is not None else _lookup(data, "letter.kind")
        chosen = KIND_SECTIONS.get(kind.strip()) if isinstance(kind, str) else None
        for sheet, rows in sheets.items():
            # Another kind's rows count only with its section filled in on the first sheet: rows
            # left over on "Việc chưa khắc phục" do not make a follow-up letter a reminder.
            if sheet in KIND_SHEETS and rows and KIND_SHEETS[sheet][0].split(".")[0] in (chosen, *data):
                self._cell_lines(sheet)
                self._read_kind_sheet(sheet, rows, data)
        # The chosen kind's section, even with nothing filled in: the model then names each
        # missing field by its row, not the section as a whole.
        if chosen is not None:
            data.setdefault(chosen, {})
        return data

    def _read_kind_sheet(self, sheet: str, rows: list[_Row], data: dict[str, Any]) -> None:
        path, fields, first = KIND_SHEETS[sheet]
        items: list[dict[str, Any]] = []
        for number, values in rows:
            cells = values[first - 1:first - 1 + len(fields)]
            if all(_blank(v) for v in cells):
                continue  # STT alone: a row numbered in advance
            base = f"{path}[{len(items)}]"
            self.cells[base] = _Where(sheet, number)
            item: dict[str, Any] = {}
            for offset, (key, value) in enumerate(zip(fields, cells)):
                where = self.cells[f"{base}.{key}"] = _Where(sheet, number, first + offset)
                kind: Kind = "date" if key == "deadline" else "day" if sheet == SCHEDULE_SHEET and key == "date" else "text"
                converted = self._convert(value, kind, where, f"{base}.{key}")
                if converted is not _ABSENT:
                    item[key] = converted
            items.append(item)
        if not _put(data, path, items):
            self.problem(_Where(sheet, rows[0][0]), path, _("conflicts with a row of column C of the first sheet"))

    def _read_round(self, rows: list[_Row], data: dict[str, Any]) -> None:
        seen: dict[str, int] = {}
        for number, (label, value, key, *_hint) in rows:
            if _blank(key):
                continue  # a section heading or a note
            path = str(key).strip()
            spec = _FIELDS.get(path)
            shown = _row_label(label, key)
            if not _PATH.fullmatch(path) or path.split(".")[0] in ("units", "requirements"):
                self.problem(_Where(ROUND_SHEET, number, 3, shown), path,
                             _("not a field of this sheet; column C must keep the field names of the template"))
                continue
            if path in seen:
                self.problem(_Where(ROUND_SHEET, number, 3, shown), path, _("given twice (also row {row})").format(row=seen[path]))
                continue
            seen[path] = number
            where = self.cells[path] = _Where(ROUND_SHEET, number, 2, shown)
            converted = self._convert(value, spec.kind if spec else "text", where, path)
            if converted is _ABSENT:
                if path.split(".")[0] not in KIND_SECTIONS.values():  # a kind's section is there only when filled
                    _section(data, path)  # so a missing field is named by itself, not its section
                continue
            if isinstance(converted, list):
                for index in range(len(converted)):
                    self.cells[f"{path}[{index}]"] = where
            if not _put(data, path, converted):
                self.problem(where, path, _("conflicts with another row of column C"))

    def _read_units(self, rows: list[_Row]) -> list[dict[str, Any]]:
        units: list[dict[str, Any]] = []
        for number, (_stt, name, short_name) in rows:
            if _blank(name) and _blank(short_name):
                continue  # STT alone: a row numbered in advance
            base = f"units[{len(units)}]"
            unit: dict[str, Any] = {"findings": [], "actions": []}
            for key, value, column in (("name", name, 2), ("short_name", short_name, 3)):
                where = self.cells[f"{base}.{key}"] = _Where(UNITS_SHEET, number, column)
                converted = self._convert(value, "text", where, f"{base}.{key}")
                if converted is not _ABSENT:
                    unit[key] = converted
            units.append(unit)
        return units

    def _read_items(self, rows: list[_Row], units: list[dict[str, Any]]) -> None:
        index_of: dict[str, int] = {}
        for position, unit in enumerate(units):
            if isinstance(unit.get("name"), str):
                index_of.setdefault(vn.nfc(unit["name"]), position)
        for number, (unit_name, kind, text, code, deadline) in rows:
            if _blank(unit_name):
                self.problem(_Where(ITEMS_SHEET, number, 1), "units[].name",
                             _('empty; choose the unit from sheet "{sheet}"').format(sheet=UNITS_SHEET))
                continue
            index = index_of.get(vn.nfc(_plain(unit_name)))
            if index is None:
                if not any(sheet == UNITS_SHEET for sheet, _row, _column in self.uncalculated):  # else: that formula's line
                    self.problem(_Where(ITEMS_SHEET, number, 1), "units[].name", _unit_mismatch(_plain(unit_name), units))
                continue
            items = _ITEM_LISTS.get(vn.nfc(_plain(kind)).casefold()) if not _blank(kind) else None
            if items is None:
                wanted = _('expected "{finding}" (a finding) or "{action}" (an action)').format(finding=FINDING, action=ACTION)
                if not _blank(kind):
                    wanted = _("{message} (got {value})").format(message=wanted, value=repr(_plain(kind)))
                self.problem(_Where(ITEMS_SHEET, number, 2), f"units[{index}]", wanted)
                continue
            path = f"units[{index}].{items}[{len(units[index][items])}]"
            if items == "findings" and not (_blank(code) and _blank(deadline)):
                self.problem(_Where(ITEMS_SHEET, number, 4 if not _blank(code) else 5), path,
                             _('only an action ("{action}") has a code and a deadline; leave them empty for a finding').format(action=ACTION))
            units[index][items].append(self._item(ITEMS_SHEET, number, 3, path, text, code, deadline))

    def _item(self, sheet: str, number: int, column: int, path: str, text: Any, code: Any, deadline: Any) -> Any:
        """A finding or action of one row: its text, or with a code or deadline the mapping
        ``{text, id, deadline}``. An empty text stays so the model says "must not be empty" at its cell."""
        where = self.cells[path] = _Where(sheet, number, column)
        converted = self._convert(text, "text", where, path)
        text = "" if converted is _ABSENT else converted
        if _blank(code) and _blank(deadline):
            return text
        item: dict[str, Any] = {"text": text}
        self.cells[f"{path}.text"] = where
        fields: tuple[tuple[str, Any, Kind, int], ...] = (("id", code, "text", 1), ("deadline", deadline, "date", 2))
        for key, value, kind, offset in fields:
            at = self.cells[f"{path}.{key}"] = _Where(sheet, number, column + offset)
            converted = self._convert(value, kind, at, f"{path}.{key}")
            if converted is not _ABSENT:
                item[key] = converted
        return item

    def _read_list(self, rows: list[_Row], sheet: str, name: str) -> list[Any]:
        items: list[Any] = []
        for number, (_stt, text, code, deadline) in rows:
            if _blank(text) and _blank(code) and _blank(deadline):
                continue  # STT alone: a row numbered in advance
            path = f"{name}[{len(items)}]"
            items.append(self._item(sheet, number, 2, path, text, code, deadline))
        return items

    def _convert(self, value: Any, kind: Kind, where: _Where, path: str) -> Any:
        """The contract value of one cell, or ``_ABSENT`` (empty, or a problem reported)."""
        if _blank(value):
            return _ABSENT
        try:
            return _CONVERTERS[kind](value)
        except ValueError as err:
            self.problem(where, path, str(err))
            self.bad.add(path)
            return _ABSENT

    def add_model_problems(self, err: InputError) -> None:
        cause = err.__cause__
        if not isinstance(cause, ValidationError):  # not from pydantic: no field to point at
            for line in err.problems or [err.message]:
                self.problems.append(((-1, 0, 0), f"{self.path.name}: {line}"))
            return
        for error in cause.errors():
            loc, message = error_parts(error)
            path = field_path(loc)
            if any(path == b or path.startswith((b + ".", b + "[")) for b in self.bad):
                continue
            where = self._where(path)
            if (where.sheet, where.row, where.column) in self.uncalculated:
                continue  # its cell holds a formula never calculated: that line says what to do
            self.problems.append((where.order, self._line(where, path, message)))

    def _where(self, path: str) -> _Where:
        """The cell of ``path``; else the rows of its fields; else where it should be."""
        if path in self.cells:
            return self.cells[path]
        below = [w for p, w in self.cells.items() if p.startswith((path + ".", path + "["))]
        if below:
            rows = sorted({w.row for w in below if w.sheet == below[0].sheet})
            text = _("row {row}").format(row=rows[0]) if len(rows) == 1 else _("rows {first}-{last}").format(first=rows[0], last=rows[-1])
            return _Where(below[0].sheet, rows[0], text=text)
        top = re.split(r"[.\[]", path)[0]
        for sheet, (listed, _fields, _first) in KIND_SHEETS.items():
            if path == listed or path.startswith(listed + "["):
                return _Where(sheet, 2, text="from row 2")
        if top == "units":
            return _Where(UNITS_SHEET, 2, text=_("from row 2"))
        if top == "requirements":
            return _Where(REQUIREMENTS_SHEET, 2, text=_("from row 2"))
        if not path:
            return _Where("")
        label = f" ({_FIELDS[path].label})" if path in _FIELDS else ""
        return _Where(ROUND_SHEET, text=_("no row with {path}{label} in column C").format(path=path, label=label))


_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_INLINE, _TEXT, _FORMULA = f"{_MAIN}is", f"{_MAIN}t", f"{_MAIN}f"


class _SheetParser(WorkSheetParser):
    """openpyxl's parser of a sheet's rows (values as Excel saved them), with two changes.

    A plain inline string (``<is><t>…</t></is>``: openpyxl writes every text so, hence every
    workbook of ``excel-template`` and ``convert`` not saved again in Excel) is taken from its
    ``<t>``; openpyxl builds its rich-text objects for it, 5 µs a cell, 40% of reading a
    3,000-unit workbook. Anything else (rich text, phonetic runs) is openpyxl's. And the cells
    holding a formula (``<f>``) are noted as they pass, for those never calculated.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.formula_cells: set[tuple[int, int]] = set()  # (row, column)
        self.error_cells: dict[tuple[int, int], str] = {}  # (row, column): "#N/A", "#REF!"…

    def parse_cell(self, element: Any) -> dict[str, Any]:
        inline = element.find(_INLINE) if element.get("t") == "inlineStr" else None
        if inline is not None and len(inline) == 1 and inline[0].tag == _TEXT:
            element.remove(inline)  # openpyxl then reads only the cell's place and style
            cell: dict[str, Any] = super().parse_cell(element)
            cell["value"], cell["data_type"] = inline[0].text or "", "s"
        else:
            cell = super().parse_cell(element)
        if element.find(_FORMULA) is not None:
            self.formula_cells.add((cell["row"], cell["column"]))
        if cell.get("data_type") == "e":  # Excel's error value (#N/A, #REF!): no text of the clerk's
            self.error_cells[(cell["row"], cell["column"])] = str(cell["value"])
            cell["value"] = None
        return cell


def _unit_mismatch(name: str, units: list[dict[str, Any]]) -> str:
    """Why a unit name on the items sheet matches no unit of the Đơn vị sheet, and the nearest
    names: an invisible double space, another case, the unit's short name, a near spelling."""
    full = [u["name"] for u in units if isinstance(u.get("name"), str)]
    message = _('{name!r} matches no unit of sheet "{sheet}"').format(name=name, sheet=UNITS_SHEET)

    def squeeze(text: str) -> str:
        return " ".join(vn.nfc(text).split())

    for unit in full:
        if squeeze(unit) == squeeze(name):
            return _("{message}: it has a double space or a space at its start or end, which the cell does not show;"
                     ' type it as on sheet "{sheet}": {unit!r}').format(message=message, sheet=UNITS_SHEET, unit=unit)
    for unit in full:
        if squeeze(unit).casefold() == squeeze(name).casefold():
            return _('{message}: only capital and small letters differ; type it as on sheet "{sheet}": {unit!r}').format(
                message=message, sheet=UNITS_SHEET, unit=unit)
    for unit in units:
        short = unit.get("short_name")
        if isinstance(short, str) and isinstance(unit.get("name"), str) and squeeze(short).casefold() == squeeze(name).casefold():
            return _("{message}: it is the short name of {unit!r}; this column takes the unit's full name as on sheet"
                     ' "{sheet}" (the short name has its own column there)').format(message=message, unit=unit["name"], sheet=UNITS_SHEET)
    keys = {vn.without_marks(squeeze(unit)).casefold(): unit for unit in full}
    close = difflib.get_close_matches(vn.without_marks(squeeze(name)).casefold(), list(keys), n=3, cutoff=0.6)
    if close:
        names = [repr(keys[c]) for c in close]
        some = _("{some} or {last}").format(some=", ".join(names[:-1]), last=names[-1]) if len(names) > 1 else names[0]
        return _("{message}; did you mean {names}?").format(message=message, names=some)
    return message


def _row_label(label: Any, key: Any) -> str:
    """The label of a row of the first sheet as messages name it: column A, else the field's own."""
    if not _blank(label):
        return str(label).strip()
    spec = _FIELDS.get(str(key).strip()) if not _blank(key) else None
    return spec.label if spec else ""


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _shown(value: Any) -> Any:
    """A cell's value for a message, a date as Excel shows it (``09/02/2021``, not Python's
    ``2021-02-09 00:00:00``); numbers and texts as they are."""
    if isinstance(value, dt.datetime):
        day = vn.short_date(value.date())
        return day if value.time() == dt.time() else f"{day} {value:%H:%M}"
    if isinstance(value, dt.date):
        return vn.short_date(value)
    if isinstance(value, dt.time):
        return f"{value:%H:%M}"
    return value if isinstance(value, (int, float, str)) else str(value)


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        raise ValueError(_("expected text (got {value})").format(value="TRUE" if value else "FALSE"))
    if isinstance(value, str):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a plan number typed as 9 is "9", not "9.0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        # Excel shows it in the cell's format (85%, 1,5) and saves only the number (0.85, 1.5):
        # written as saved, the letter would say what the clerk never typed.
        raise ValueError(_(
            "expected text, Excel made it a number ({value}); format the cell as Text and type it again"
            " as the letter should say it"
        ).format(value=local_number(value, "g")))
    if isinstance(value, (dt.date, dt.time)):
        raise ValueError(_("expected text, Excel made it a date or time ({value}); format the cell as Text").format(value=_shown(value)))
    raise ValueError(_("expected text (got {value})").format(value=repr(value)))


def _plain(value: Any) -> str:
    """A cell as text for matching and messages; never fails."""
    try:
        return _as_text(value)
    except ValueError:
        return str(value)


def _as_int(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    if isinstance(value, (dt.date, dt.time)):  # a year cell formatted as a date shows 01/01/2021
        raise ValueError(_(
            "expected a whole number, Excel made it a date or time ({value}); format the cell as Number and type it again"
        ).format(value=_shown(value)))
    shown = _shown(value)
    raise ValueError(_("expected a whole number (got {value})").format(value=repr(shown)))


def _as_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = value.strip().casefold() if isinstance(value, str) else None
    if text in ("true", "có", "x", "1"):
        return True
    if text in ("false", "không", "0"):
        return False
    shown = _shown(value)
    raise ValueError(_("expected TRUE or FALSE (got {value})").format(value=repr(shown)))


def _as_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        iso, vn_date = _ISO_DATE.fullmatch(text), _VN_DATE.fullmatch(text)
        parts = iso.groups() if iso else vn_date.groups()[::-1] if vn_date else None
        if parts:
            year, month, day = map(int, parts)
            try:
                return dt.date(year, month, day)
            except ValueError:
                raise ValueError(_("not a real date (got {value})").format(value=repr(text))) from None
    shown = _shown(value)
    raise ValueError(_("expected a date dd/mm/yyyy (got {value})").format(value=repr(shown)))


def _as_day(value: Any) -> str:
    """A day as a plan prints it (``15/3/2021``, ``tuần 2 tháng 3``): text, or the date Excel made of it."""
    if isinstance(value, (dt.date, dt.datetime)):
        return f"{value.day}/{value.month}/{value.year}"
    return _as_text(value)


def _as_lines(value: Any) -> list[str]:
    lines = [line.strip() for line in re.split(r"\r\n|\r|\n", _as_text(value))]
    return [line for line in lines if line]


def _as_codes(value: Any) -> list[str]:
    codes = [code.strip() for code in re.split(r"[,;\n]", _as_text(value).strip().rstrip("."))]
    return [code for code in codes if code]


def _as_part(value: Any) -> int:
    """A quarter or half of the year as clerks write it: 2, "2", "II", "Quý II", "quý 2"."""
    if isinstance(value, str):
        return vn.parse_period_part(value)
    return _as_int(value)


_CONVERTERS: dict[str, Any] = {
    "text": _as_text, "int": _as_int, "bool": _as_bool, "date": _as_date, "lines": _as_lines, "codes": _as_codes,
    "part": _as_part, "day": _as_day,
}


def _put(data: dict[str, Any], path: str, value: Any) -> bool:
    """Set ``letter.number`` in nested dicts; False if another row already holds a part of it."""
    section = _section(data, path)
    last = path.rpartition(".")[2]
    if section is None or isinstance(section.get(last), dict):
        return False
    section[last] = value
    return True


def _section(data: dict[str, Any], path: str) -> dict[str, Any] | None:
    """The dict that holds ``path``'s last key, made if needed; None if a value is in the way."""
    for key in path.split(".")[:-1]:
        data = data.setdefault(key, {})
        if not isinstance(data, dict):
            return None
    return data

