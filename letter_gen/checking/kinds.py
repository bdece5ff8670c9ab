"""The kinds of administrative document (thể loại văn bản hành chính, Decree 30, Phụ lục III)
and which parts each one has.

A công văn has a ``V/v`` trích yếu and ``Kính gửi``; every other kind has a title block instead
(its name centred in capitals, the trích yếu under it, a rule under that), and only tờ trình
and báo cáo address a ``Kính gửi``. :func:`kind_of` decides the kind from the title line under
the header, else from the ký hiệu's first group (``12/QĐ-UBND``). A centred capital title that is
no kind of the decree (``PHIẾU TRÌNH``, an internal routing form) gives a :class:`Kind` with
``decree=False``: such forms are not checked against Phụ lục I beyond the page and header.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from letter_gen import vn


@dataclass(frozen=True)
class Kind:
    """One kind of document: ``title`` as printed (empty for a công văn), its ký hiệu
    abbreviation, and whether it has Kính gửi ("required", "optional", "none")."""

    id: str
    title: str
    abbreviation: str
    kinh_gui: str = "none"
    decree: bool = True

    @property
    def has_subject_line(self) -> bool:
        """A ``V/v`` trích yếu under the Số line: the công văn's alone."""
        return self.id == "cong-van"

    @property
    def has_title_block(self) -> bool:
        return self.decree and self.id != "cong-van"

    @property
    def has_authority_line(self) -> bool:
        """A line naming who decides (``CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH …``) under the title block."""
        return self.id in ("quyet-dinh", "nghi-quyet")


CONG_VAN = Kind("cong-van", "", "", kinh_gui="required")

#: Phụ lục III: the kinds of administrative document and their abbreviations.
KINDS: tuple[Kind, ...] = (
    CONG_VAN,
    Kind("nghi-quyet", "NGHỊ QUYẾT", "NQ"),
    Kind("quyet-dinh", "QUYẾT ĐỊNH", "QĐ"),
    Kind("chi-thi", "CHỈ THỊ", "CT"),
    Kind("quy-che", "QUY CHẾ", "QC"),
    Kind("quy-dinh", "QUY ĐỊNH", "QyĐ"),
    Kind("thong-cao", "THÔNG CÁO", "TC"),
    Kind("thong-bao", "THÔNG BÁO", "TB"),
    Kind("huong-dan", "HƯỚNG DẪN", "HD"),
    Kind("chuong-trinh", "CHƯƠNG TRÌNH", "CTr"),
    Kind("ke-hoach", "KẾ HOẠCH", "KH"),
    Kind("phuong-an", "PHƯƠNG ÁN", "PA"),
    Kind("de-an", "ĐỀ ÁN", "ĐA"),
    Kind("du-an", "DỰ ÁN", "DA"),
    Kind("bao-cao", "BÁO CÁO", "BC", kinh_gui="optional"),
    Kind("bien-ban", "BIÊN BẢN", "BB"),
    Kind("to-trinh", "TỜ TRÌNH", "TTr", kinh_gui="required"),
    Kind("hop-dong", "HỢP ĐỒNG", "HĐ"),
    Kind("cong-dien", "CÔNG ĐIỆN", "CĐ"),
    Kind("ban-ghi-nho", "BẢN GHI NHỚ", "GN"),
    Kind("ban-thoa-thuan", "BẢN THỎA THUẬN", "TTh"),
    Kind("giay-uy-quyen", "GIẤY ỦY QUYỀN", "GUQ"),
    Kind("giay-moi", "GIẤY MỜI", "GM"),
    Kind("giay-gioi-thieu", "GIẤY GIỚI THIỆU", "GGT"),
    Kind("giay-nghi-phep", "GIẤY NGHỈ PHÉP", "GNP"),
    Kind("phieu-gui", "PHIẾU GỬI", "PG"),
    Kind("phieu-chuyen", "PHIẾU CHUYỂN", "PC"),
    Kind("phieu-bao", "PHIẾU BÁO", "PB"),
    Kind("ket-luan", "KẾT LUẬN", "KL"),  # not in Phụ lục III; practice writes KL
)


def _plain(text: str) -> str:
    return " ".join(vn.without_marks(text).upper().split())


_BY_TITLE = {_plain(k.title): k for k in KINDS if k.title}
_BY_ABBREVIATION = {k.abbreviation.casefold(): k for k in KINDS if k.abbreviation}


def by_title(text: str) -> Kind | None:
    """The kind whose name the title line reads (``QUYẾT ĐỊNH``), or None."""
    return _BY_TITLE.get(_plain(text).rstrip(":. "))


def by_symbol(number_line: str | None) -> Kind | None:
    """The kind named by the ký hiệu's first group: ``Số: 12/QĐ-UBND`` → quyết định."""
    m = re.search(r"/\s*([^\s/-]+)", number_line or "")
    return _BY_ABBREVIATION.get(m.group(1).casefold()) if m else None


def not_a_decree_kind(title: str) -> Kind:
    """A form the decree does not list (``PHIẾU TRÌNH``): named by its title."""
    return Kind("form", title, "", kinh_gui="optional", decree=False)


def looks_like_title(text: str) -> bool:
    """A short capital line that could name a kind: ``PHIẾU TRÌNH``, not ``I. MỤC ĐÍCH``."""
    words = text.split()
    return (
        0 < len(words) <= 4
        and text == vn.upper(text)
        and any(c.isalpha() for c in text)
        and not re.match(r"^([IVXLC]+|\d+)[.)]", text)
    )
