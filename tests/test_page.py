"""A finished page (issue 11 item 6): balanced V/v and agency lines, the V/v length warning."""

import pytest
from click.testing import CliRunner
from docx import Document

from letter_gen.cli import main

from .letters import body_paragraphs, render_data


@pytest.fixture
def runner():
    return CliRunner()


LONG_SUBJECT = (
    "khắc phục tồn tại, hạn chế sau kiểm tra công tác cải cách hành chính năm 2021"
    " tại các đơn vị thuộc Sở KH&CN"
)


def header_lines(doc, starts: str) -> list[str]:
    """The lines (at the rendered line breaks) of the header paragraph starting with ``starts``."""
    cells = doc.tables[0]._cells
    text = next(p.text for c in cells for p in c.paragraphs if p.text.startswith(starts))
    return text.split("\n")


def test_a_long_subject_breaks_into_balanced_lines_never_leaving_a_word_or_two_alone(seed_data):
    seed_data["letter"]["subject"] = LONG_SUBJECT
    lines = header_lines(render_data(seed_data), "V/v")
    assert len(lines) == 3
    assert " ".join(lines) == f"V/v {LONG_SUBJECT}"
    assert len(lines[-1].split()) >= 3
    assert "Sở KH&CN" in lines[-1]


def test_a_long_parent_agency_breaks_before_the_place_name_not_inside_it(seed_data):
    seed_data["agency"]["parent"] = "Ủy ban nhân dân tỉnh Bà Rịa - Vũng Tàu"
    lines = header_lines(render_data(seed_data), "ỦY BAN")
    assert lines == ["ỦY BAN NHÂN DÂN TỈNH", "BÀ RỊA - VŨNG TÀU"]


def test_a_city_name_stays_whole_in_the_agency_name(seed_data):
    seed_data["agency"]["name"] = "Sở Khoa học và Công nghệ Thành phố Hồ Chí Minh"
    lines = header_lines(render_data(seed_data), "SỞ KHOA")
    assert lines[-1] == "THÀNH PHỐ HỒ CHÍ MINH"


def test_a_subject_longer_than_four_lines_is_a_warning_naming_its_field(runner, tmp_path, seed_data, write_yaml):
    seed_data["letter"]["subject"] = " ".join([LONG_SUBJECT] * 2)
    source = write_yaml(seed_data)
    for args in (["validate", str(source)], ["render", str(source), "-o", str(tmp_path / "x.docx")]):
        result = runner.invoke(main, args)
        assert result.exit_code == 0, result.output
        assert (
            f"warning: {source}: letter.subject: the V/v takes 6 lines under the Số line, more than 4;"
            " shorten the subject\n"
        ) in result.stderr
    assert Document(str(tmp_path / "x.docx")).tables


def test_the_sample_subject_gives_no_warning(runner, tmp_path, seed_data, write_yaml):
    result = runner.invoke(main, ["validate", str(write_yaml(seed_data))])
    assert result.exit_code == 0, result.output
    assert "letter.subject" not in result.stderr


def test_a_consolidated_letter_names_the_unit_of_each_of_its_actions(seed_data):
    del seed_data["name_units_in_actions"]
    seed_data["units"][0]["actions"].append({"text": "Ký hợp đồng với ngân hàng.", "deadline": "2021-06-30"})
    body = body_paragraphs(render_data(seed_data))
    chi_cuc = [p for p in body if "lấy ý kiến khách hàng về kết quả" in p and p.startswith("- ")]
    assert chi_cuc == [
        "- Chi cục Tiêu chuẩn Đo lường Chất lượng: Thực hiện tốt công tác lấy ý kiến khách hàng về kết quả thực hiện"
        " giải quyết thủ tục hành chính; hoàn thành xử lý hồ sơ trực tuyến mức độ 4 của một số thủ tục có thu phí."
    ]
    assert (
        "- Chi cục Tiêu chuẩn Đo lường Chất lượng: Ký hợp đồng với ngân hàng (hạn khắc phục: trước ngày 30/06/2021)."
        in body
    )
    # The short name when the unit has one; an action already naming its unit is left as it is.
    assert any(p.startswith("- Trung tâm Kỹ thuật TĐC: Trung tâm Kỹ thuật TCĐLCL đã có") for p in body)
    assert any(p.startswith("- Trung tâm Thông tin và Ứng dụng KH&CN tiến hành xây dựng") for p in body)
    # The general requirements name no unit.
    assert any(p.startswith("- Thủ trưởng đơn vị tiếp tục tuyên truyền") for p in body)


def test_the_per_unit_letter_does_not_name_its_own_unit_before_each_action(seed_data):
    del seed_data["name_units_in_actions"]
    body = body_paragraphs(render_data(seed_data, "per-unit", 0))
    assert any(p.startswith("- Thực hiện tốt công tác lấy ý kiến khách hàng") for p in body)
