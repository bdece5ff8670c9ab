"""What each letter says (letter_gen.letters.compose), checked on the rendered letter."""

import pytest

from letter_gen.inputs.model import validate_data
from letter_gen.letters.compose import compose, letters_of

from .conftest import SEED_LETTER
from .letters import all_text, body_paragraphs, render_data, seed_body

# The two slips that cchc-2021.yaml mends, and the decree's "./." where the seed has "./".
SEED_MENDS = {
    "2. Trung tâm Trung tâm Kỹ thuật TĐC": "2. Trung tâm Kỹ thuật TĐC",
    "trong tác cải cách hành chính": "trong công tác cải cách hành chính",
    "CBCCVC năm 2021./": "CBCCVC năm 2021./.",
}


def mended_seed_body():
    body = seed_body(SEED_LETTER)
    for slip, mended in SEED_MENDS.items():
        body = [p.replace(slip, mended) if not p.endswith("./.") else p for p in body]
    return body


def test_the_sample_letter_holds_every_body_paragraph_of_the_seed_word_for_word(seed_data):
    assert body_paragraphs(render_data(seed_data)) == mended_seed_body()


def test_kinh_gui_of_the_sample_lists_the_seed_recipients_in_order(seed_data):
    paragraphs = [p.text for p in render_data(seed_data).paragraphs]
    start = paragraphs.index("Kính gửi:")
    assert paragraphs[start : start + 4] == [
        "Kính gửi:",
        "- Chi cục Tiêu chuẩn Đo lường Chất lượng;",
        "- Trung tâm Thông tin và Ứng dụng KH&CN;",
        "- Trung tâm Kỹ thuật Tiêu chuẩn Đo lường Chất lượng.",
    ]


def test_the_per_unit_letter_puts_the_units_findings_and_actions_after_the_general_requirements(seed_data):
    body = body_paragraphs(render_data(seed_data, "per-unit", 2))
    assert body[0].endswith("đã tiến hành kiểm tra công tác CCHC tại Trung tâm Thông tin và Ứng dụng KH&CN.")
    general = [i for i, p in enumerate(body) if p.startswith("- Thủ trưởng") or p.startswith("- Đảm bảo chế độ")]
    finding = next(i for i, p in enumerate(body) if "Trung tâm chưa xây dựng các giao diện Web" in p)
    action = next(i for i, p in enumerate(body) if "tiến hành xây dựng các giao diện Web" in p)
    assert max(general) < finding < action
    # Only this unit's findings.
    assert not any("Chi cục chưa thực hiện ký hợp đồng" in p for p in body)
    assert body[-1].endswith("./.")


def test_the_per_unit_letter_is_sent_to_that_unit_alone(seed_data):
    doc = render_data(seed_data, "per-unit", 0)
    assert "Kính gửi: Chi cục Tiêu chuẩn Đo lường Chất lượng." in [p.text for p in doc.paragraphs]
    assert "Kính gửi:" not in [p.text for p in doc.paragraphs]


def test_a_unit_with_nothing_to_fix_gets_no_section_and_no_letter(seed_data):
    seed_data["units"].insert(1, {"name": "Văn phòng Sở", "findings": [], "actions": []})
    seed_data["recipients"] = None
    round_ = validate_data(seed_data, "t")
    body = body_paragraphs(render_data(seed_data))
    assert not any("Văn phòng Sở" in p for p in body)
    assert [p for p in body if p[:2] in ("1.", "2.", "3.", "4.")] == [
        "1. Chi cục Tiêu chuẩn Đo lường Chất lượng",
        "2. Trung tâm Kỹ thuật TĐC",
        "3. Trung tâm Thông tin và Ứng dụng KH&CN",
    ]
    assert letters_of(round_, "per-unit") == [("per-unit", 0), ("per-unit", 2), ("per-unit", 3)]
    # Null recipients: every unit, the one without findings too (it was inspected).
    assert "- Văn phòng Sở;" in all_text(render_data(seed_data))


def test_several_findings_of_a_unit_become_a_dash_list(seed_data):
    seed_data["units"][0]["findings"] = ["Thứ nhất.", "Thứ hai."]
    body = body_paragraphs(render_data(seed_data))
    i = body.index("1. Chi cục Tiêu chuẩn Đo lường Chất lượng")
    assert body[i + 1 : i + 3] == ["- Thứ nhất.", "- Thứ hai."]


def test_default_sentences_when_the_overrides_are_null(seed_data):
    seed_data["requirements_intro"] = None
    seed_data["closing"] = None
    body = body_paragraphs(render_data(seed_data))
    assert (
        "Để đảm bảo hoàn thành tốt các nhiệm vụ công tác CCHC, Sở Khoa học và Công nghệ yêu cầu các đơn vị"
        " có liên quan nghiêm túc thực hiện những nội dung như sau:"
    ) in body
    assert body[-1] == (
        "Các đơn vị nghiêm túc tổ chức, phân công thực hiện khắc phục những thiếu sót đã chỉ ra,"
        " đồng thời tập trung hoàn thành các nội dung nêu trên./."
    )


def test_an_intro_override_replaces_the_opening_paragraph(seed_data):
    seed_data["inspection"]["intro"] = "Mở đầu riêng."
    assert body_paragraphs(render_data(seed_data))[0] == "Mở đầu riêng."


def test_no_findings_at_all_drops_the_cu_the_sentence(seed_data):
    for unit in seed_data["units"]:
        unit["findings"] = []
    body = body_paragraphs(render_data(seed_data))
    assert body[1].endswith("Bộ chỉ số CCHC năm 2021.")
    assert not any(p.startswith("1.") for p in body)


def test_the_content_hash_ignores_number_and_date_but_not_words(seed_data):
    round_ = validate_data(seed_data, "t")
    draft = compose(round_)
    import datetime as dt

    issued = draft.issued(7, dt.date(2021, 4, 1), round_.agency.place)
    assert issued.number_line == "Số: 07/SKHCN-TTr"
    assert issued.place_date == "Bà Rịa - Vũng Tàu, ngày 01 tháng 4 năm 2021"
    assert issued.content_hash() == draft.content_hash()
    seed_data["units"][0]["findings"] = ["Khác."]
    assert compose(validate_data(seed_data, "t")).content_hash() != draft.content_hash()


def test_compose_refuses_a_unit_index_out_of_range(seed_data):
    with pytest.raises(IndexError):
        compose(validate_data(seed_data, "t"), "per-unit", 9)


def test_both_modes_do_not_send_a_single_unit_two_letters(seed_data):
    seed_data["units"] = seed_data["units"][:1]
    seed_data["recipients"] = None
    assert letters_of(validate_data(seed_data, "t"), "both") == [("consolidated", None)]
    assert letters_of(validate_data(seed_data, "t"), "per-unit") == [("per-unit", 0)]


def test_a_recipient_written_with_a_final_stop_is_still_the_units_only_letter(seed_data):
    seed_data["units"] = seed_data["units"][:1]
    seed_data["recipients"] = [seed_data["units"][0]["name"] + "."]
    assert letters_of(validate_data(seed_data, "t"), "both") == [("consolidated", None)]
