"""Generated inspection rounds with realistic Vietnamese text, for batch tests and the benchmark."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import yaml

UNIT_KINDS = ["Phòng", "Trung tâm", "Chi cục", "Ban Quản lý dự án", "Trường", "Bệnh viện", "Văn phòng"]
UNIT_FIELDS = [
    "Kế hoạch - Tài chính", "Tổ chức cán bộ", "Quản lý chất lượng", "Thông tin và Ứng dụng KH&CN",
    "Đầu tư xây dựng", "Pháp chế", "Kiểm định kỹ thuật", "Tiêu chuẩn Đo lường", "Dịch vụ công",
]
FINDINGS = [
    "Chưa cập nhật đầy đủ hồ sơ thủ tục hành chính trên Cổng dịch vụ công của tỉnh",
    "Việc lấy ý kiến khách hàng về kết quả giải quyết thủ tục hành chính đạt hiệu quả chưa cao",
    "Chưa sử dụng chữ ký số trên phần mềm quản lý văn bản iDesk theo quy định",
    "Báo cáo định kỳ công tác cải cách hành chính hàng quý còn chậm so với thời hạn",
    "Chưa niêm yết công khai quy trình nội bộ giải quyết thủ tục hành chính tại bộ phận một cửa",
]
ACTIONS = [
    "Rà soát, cập nhật đầy đủ hồ sơ và hoàn thành trước ngày 30 của tháng tiếp theo",
    "Triển khai sử dụng chữ ký số cho toàn bộ văn bản đi theo đúng quy định",
    "Chấn chỉnh việc gửi báo cáo định kỳ, bảo đảm đúng thời hạn & đủ nội dung",
]


def make_round(
    *,
    agency: str = "STC",
    agency_name: str = "Sở Tài chính",
    year: int = 2021,
    quarter: int | None = None,
    units: int = 5,
    seed: int = 1,
    prefix: str = "",
) -> dict[str, Any]:
    """A valid inspection round with ``units`` inspected units (most with something to fix)."""
    rng = random.Random(seed)
    period: dict[str, Any] = {"year": year}
    if quarter:
        period["quarter"] = quarter
    unit_list = []
    for index in range(units):
        name = f"{prefix}{rng.choice(UNIT_KINDS)} {rng.choice(UNIT_FIELDS)} số {index + 1}"
        nothing = index % 7 == 6
        unit_list.append(
            {
                "name": name,
                "findings": [] if nothing else [f"{f}." for f in rng.sample(FINDINGS, rng.randint(1, 3))],
                "actions": [] if nothing else [f"{a}." for a in rng.sample(ACTIONS, rng.randint(0, 2))],
            }
        )
    return {
        "letter": {"kind": "follow-up", "number": None, "date": None, "urgency": None,
                   "subject": f"khắc phục tồn tại sau kiểm tra công tác CCHC {'quý ' + str(quarter) + ' ' if quarter else ''}năm {year}"},
        "agency": {"parent": "UBND tỉnh Bà Rịa - Vũng Tàu", "name": agency_name, "code": agency, "place": "Bà Rịa - Vũng Tàu", "unit": "TTr"},
        "period": period,
        "inspection": {
            "plan": {"kind": "Kế hoạch", "number": f"12/KH-{agency}", "date": f"{year}-01-15",
                     "issuer": agency_name, "title": f"kế hoạch kiểm tra công tác CCHC năm {year}"},
            "team": f"Đoàn kiểm tra CCHC của {agency_name}",
            "field": "công tác CCHC",
            "assessment": "nhìn chung các đơn vị đã thực hiện cơ bản đầy đủ các nhiệm vụ được giao",
        },
        "units": unit_list,
        "requirements": ["Thủ trưởng các đơn vị quán triệt, tổ chức thực hiện nghiêm các nội dung khắc phục."],
        "signer": {"authority": "KT", "for": "Giám đốc", "title": "Phó Giám đốc", "name": "Nguyễn Văn An"},
        "cc": ["Giám đốc Sở (b/c)"],
        "archive": ["VT", "TTr"],
    }


def write_round(path: Path, data: dict[str, Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path
