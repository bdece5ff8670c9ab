"""Every document of an inspection round: each kind composes, renders from the bundled sample,
passes ``check``, and one mutation per kind-specific rule is caught."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from docx import Document
from docx.document import Document as DocumentObject

from letter_gen import decree30 as D
from letter_gen.checking.rules import check_bytes, check_docx
from letter_gen.cli import main
from letter_gen.errors import InputError, UsageError
from letter_gen.inputs.formats import load_input
from letter_gen.letters import kinds
from letter_gen.letters.build_kinds import BUILDERS
from letter_gen.letters.bundled import template_path
from letter_gen.letters.render import PreparedTemplate
from letter_gen.register.issuing import KIND_LABELS, letter_key, sequence_of
from letter_gen.register.store import Register

ROOT = Path(__file__).resolve().parent.parent
KINDS_SAMPLE = ROOT / "data" / "cchc-2021-kinds.yaml"
TITLED = [k for k in kinds.KINDS if kinds.KINDS[k].form.title]


@pytest.fixture(scope="module")
def sample() -> Any:
    return load_input(KINDS_SAMPLE)


def rendered(round_: Any, kind: str) -> bytes:
    content = kinds.compose(kinds.with_kind(round_, kind))
    return PreparedTemplate(template_path(kind)).render(content)


# --- the registry -----------------------------------------------------------------------------


def test_every_kind_has_a_form_a_compose_function_a_template_builder_and_a_register_label() -> None:
    assert set(kinds.KINDS) == {"follow-up", *BUILDERS}
    for kind in kinds.KINDS.values():
        assert kind.form in D.FORMS.values()
        assert KIND_LABELS[kind.id] == kind.form.name
    assert KIND_LABELS["team-decision"] == "Quyết định" and KIND_LABELS["reminder"] == "Công văn"


@pytest.mark.parametrize("kind", sorted(BUILDERS))
def test_the_committed_template_is_what_the_script_builds(kind: str) -> None:
    import zipfile

    built = zipfile.ZipFile(io.BytesIO(BUILDERS[kind]()))
    committed = zipfile.ZipFile(template_path(kind))
    assert sorted(built.namelist()) == sorted(committed.namelist())
    for name in built.namelist():
        assert built.read(name) == committed.read(name), f"{kind}: {name} differs: run python -m letter_gen.letters.rebuild"


@pytest.mark.parametrize(
    ("kind", "number_line"),
    [("follow-up", "Số:      /SKHCN-TTr"), ("reminder", "Số:      /SKHCN-TTr"), ("team-decision", "Số:      /QĐ-SKHCN"),
     ("plan", "Số:      /KH-SKHCN"), ("invitation", "Số:      /GM-SKHCN"), ("conclusion-notice", "Số:      /TB-SKHCN"),
     ("report", "Số:      /BC-SKHCN")],
)  # fmt: skip
def test_each_kind_carries_its_abbreviation_before_the_agency_code(sample: Any, kind: str, number_line: str) -> None:
    assert kinds.compose(kinds.with_kind(sample, kind)).number_line == number_line


def test_an_unknown_kind_is_refused_naming_the_kinds(sample: Any) -> None:
    with pytest.raises(UsageError, match="unknown kind 'memo'; the kinds are follow-up, reminder, team-decision"):
        kinds.with_kind(sample, "memo")


def test_a_kind_without_its_section_is_refused_with_the_field(seed_data: dict[str, Any]) -> None:
    from letter_gen.inputs.model import validate_data

    round_ = kinds.with_kind(validate_data(seed_data, "in.yaml"), "team-decision")
    with pytest.raises(InputError, match=r"in.yaml: decision: required for a team-decision"):
        kinds.require_section(round_, "in.yaml")


def test_a_follow_up_keeps_its_register_key_and_other_kinds_get_their_own(sample: Any) -> None:
    follow = kinds.compose(sample)
    decision = kinds.compose(kinds.with_kind(sample, "team-decision"))
    assert letter_key("x.yaml", sample, follow) == "SKHCN|năm 2021|09/KH-SKHCN|x|consolidated|*"
    assert letter_key("x.yaml", sample, decision) == "SKHCN|năm 2021|09/KH-SKHCN|x|consolidated|*|team-decision"


def test_a_kind_takes_the_agency_sequence_unless_configured_its_own() -> None:
    assert sequence_of("SKHCN", "team-decision") == "SKHCN"
    assert sequence_of("SKHCN", "team-decision", {"team-decision": "QĐ"}) == "SKHCN/QĐ"


# --- what each kind says ------------------------------------------------------------------------


def test_the_decision_has_its_bases_proposer_decides_and_articles(sample: Any) -> None:
    content = kinds.compose(kinds.with_kind(sample, "team-decision"))
    assert content.title == "QUYẾT ĐỊNH" and content.subject.startswith("Về việc thành lập")
    assert content.issuing_authority == "GIÁM ĐỐC SỞ KHOA HỌC VÀ CÔNG NGHỆ"
    bases = [p.text for p in content.body if p.style == "basis"]
    assert all(b.endswith(";") for b in bases[:-1]) and bases[-1] == "Theo đề nghị của Chánh Thanh tra Sở."
    assert any("Kế hoạch số 09/KH-SKHCN" in b for b in bases)  # the plan is a basis
    assert [p.lead for p in content.body if p.lead] == ["Điều 1.", "Điều 2.", "Điều 3."]
    assert content.noi_nhan[0] == "- Như Điều 3;" and content.kinh_gui_single is None and not content.kinh_gui_lines


def test_the_decision_reads_as_decree_30s_form_takes_effect_and_names_the_team_once(sample: Any) -> None:
    content = kinds.compose(kinds.with_kind(sample, "team-decision"))
    assert content.subject == "Về việc thành lập Đoàn kiểm tra công tác CCHC năm 2021"
    articles = {p.lead: p.text for p in content.body if p.lead}
    assert articles["Điều 1."].startswith("Thành lập Đoàn kiểm tra công tác CCHC năm 2021 tại Chi cục")
    assert " và Trung tâm Thông tin và Ứng dụng KH&CN (sau đây gọi là Đoàn kiểm tra), gồm" in articles["Điều 1."]
    assert articles["Điều 2."].startswith("Đoàn kiểm tra có nhiệm vụ kiểm tra công tác CCHC")
    assert articles["Điều 3."].startswith("Quyết định này có hiệu lực kể từ ngày ký. Chánh Văn phòng Sở")
    assert articles["Điều 3."].endswith("chịu trách nhiệm thi hành Quyết định này./.")
    bases = [p.text for p in content.body if p.style == "basis"]
    assert bases[0].startswith("Căn cứ Quyết định số 12/2016/QĐ-UBND") and "Kế hoạch số 09/KH-SKHCN" in bases[1]


def test_the_notice_names_a_unit_before_its_action_only_where_the_round_asks(sample: Any) -> None:
    def requirement_lines(round_: Any) -> list[str]:
        body = [p.text for p in kinds.compose(kinds.with_kind(round_, "conclusion-notice")).body]
        return [t for t in body[body.index("III. YÊU CẦU") + 1:] if t.startswith("- ")]

    assert not any(line.startswith("- Trung tâm Thông tin và Ứng dụng KH&CN: ") for line in requirement_lines(sample))
    named = requirement_lines(sample.model_copy(update={"name_units_in_actions": True}))
    assert named[-3].startswith("- Chi cục Tiêu chuẩn Đo lường Chất lượng: Thực hiện tốt")
    assert named[-2].startswith("- Trung tâm Kỹ thuật TĐC: Trung tâm Kỹ thuật TCĐLCL")
    # The action already begins with its unit's name: not said twice.
    assert named[-1].startswith("- Trung tâm Thông tin và Ứng dụng KH&CN tiến hành")


def test_the_reminder_cites_the_follow_up_and_lists_only_what_is_open(sample: Any) -> None:
    content = kinds.compose(kinds.with_kind(sample, "reminder"))
    text = "\n".join(p.text for p in content.body)
    assert "Công văn số 15/SKHCN-TTr" in text and "05/04/2021" in text
    assert "(thời hạn: 31/05/2021)" in text and "trước ngày 15/06/2021" in text
    assert content.recipients == ("Chi cục Tiêu chuẩn Đo lường Chất lượng", "Trung tâm Thông tin và Ứng dụng KH&CN")
    assert kinds.letters_of(kinds.with_kind(sample, "reminder"), "per-unit") == [("per-unit", 0), ("per-unit", 2)]


def test_the_report_summarises_findings_per_unit_in_a_table(sample: Any) -> None:
    content = kinds.compose(kinds.with_kind(sample, "report"))
    assert content.kinh_gui_single == "Kính gửi: Ủy ban nhân dân tỉnh Bà Rịa - Vũng Tàu."
    assert content.table_rows[-1] == ("", "Tổng cộng", "3", "3")
    assert [p.text for p in content.body_after if p.heading][-2:] == ["III. KẾT LUẬN", "IV. KIẾN NGHỊ, ĐỀ XUẤT"]
    assert content.body_after[-1].text.endswith("./.")


def test_the_plan_schedule_is_a_table_and_other_kinds_are_one_document_a_round(sample: Any) -> None:
    plan = kinds.with_kind(sample, "plan")
    assert [row[2] for row in kinds.compose(plan).table_rows] == ["15/3/2021", "17/3/2021", "19/3/2021"]
    assert kinds.letters_of(plan, "both") == [("consolidated", None)]


# --- rendered and checked ------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(kinds.KINDS))
def test_every_kind_renders_from_the_sample_and_passes_the_check(sample: Any, kind: str) -> None:
    data = rendered(sample, kind)
    assert [str(f) for f in check_bytes(data, f"{kind}.docx")] == []


@pytest.mark.parametrize("kind", ["plan", "report"])
def test_a_table_row_never_breaks_across_pages_its_headings_repeat_and_headings_keep_with_their_text(
    sample: Any, kind: str
) -> None:
    from docx.oxml.ns import qn

    doc = _doc(rendered(sample, kind))
    table = doc.tables[1]  # after the header's
    properties = [row._tr.trPr for row in table.rows]
    assert all(p is not None and p.find(qn("w:cantSplit")) is not None for p in properties)
    assert properties[0].find(qn("w:tblHeader")) is not None
    assert all(p.find(qn("w:tblHeader")) is None for p in properties[1:])
    body = [p for p in doc.paragraphs if p.text.strip()]
    headings = [p for p in body if p.text[:3] in ("I. ", "II.", "III", "IV.") or p.text[:2] in ("1.", "2.", "3.")]
    assert headings and all(p.paragraph_format.keep_with_next for p in headings)
    introduces = next(p for p in body if p.text.endswith(("theo lịch sau:", "như bảng sau:")))
    assert introduces.paragraph_format.keep_with_next  # the line that introduces the table stays with it
    closing = [p for p in body if p.text.endswith("./.")]
    assert closing and closing[0].paragraph_format.keep_with_next


def test_the_plans_signature_never_stands_alone_on_its_last_page(sample: Any, tmp_path: Path) -> None:
    """Plans of every length around the page break (LibreOffice lays them out): the last page
    always holds body lines above Nơi nhận and the signature."""
    from letter_gen.checking.rules import check_files

    step = "Các đơn vị được kiểm tra chuẩn bị báo cáo tự kiểm tra, hồ sơ, tài liệu liên quan và gửi về Đoàn trước ngày làm việc"
    paths = []
    for count in range(0, 9):
        plan = sample.plan.model_copy(update={"organisation": [f"{step} (bước {n})" for n in range(1, count + 1)]})
        round_ = kinds.with_kind(sample.model_copy(update={"plan": plan}), "plan")
        path = tmp_path / f"plan-{count}.docx"
        path.write_bytes(rendered(round_, "plan"))
        paths.append(path)
    for path, findings in zip(paths, check_files(paths, pdf=True)):
        assert [f.rule for f in findings] == [], (path.name, findings)


def test_a_follow_up_renders_as_before_from_the_kinds_sample(sample: Any) -> None:
    from letter_gen.letters.compose import compose

    plain = load_input(ROOT / "data" / "cchc-2021.yaml")
    assert compose(sample).content_hash() == compose(plain).content_hash()


def _doc(data: bytes) -> DocumentObject:
    return Document(io.BytesIO(data))


def _save(doc: DocumentObject, path: Path) -> Path:
    doc.save(str(path))
    return path


def _paragraph(doc: DocumentObject, start: str) -> Any:
    return next(p for p in doc.paragraphs if p.text.startswith(start))


def _title_not_bold(doc: DocumentObject) -> None:
    for run in _paragraph(doc, "QUYẾT ĐỊNH").runs:
        run.font.bold = False


def _subject_with_vv(doc: DocumentObject) -> None:
    paragraph = _paragraph(doc, "Về việc")
    paragraph.runs[0].text = "V/v " + paragraph.runs[0].text


def _no_can_cu_semicolon(doc: DocumentObject) -> None:
    run = _paragraph(doc, "Căn cứ Quyết định").runs[-1]
    run.text = run.text.rstrip(";")


def _dieu_not_bold(doc: DocumentObject) -> None:
    _paragraph(doc, "Điều 2.").runs[0].font.bold = False


def _authority_not_bold(doc: DocumentObject) -> None:
    for run in _paragraph(doc, "GIÁM ĐỐC SỞ").runs:
        run.font.bold = False


def _decides_left(doc: DocumentObject) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    _paragraph(doc, "QUYẾT ĐỊNH:").alignment = WD_ALIGN_PARAGRAPH.LEFT


def _wrong_symbol(doc: DocumentObject) -> None:
    for table in doc.tables[:1]:
        for cell in table._cells:
            for p in cell.paragraphs:
                for run in p.runs:
                    run.text = run.text.replace("/QĐ-SKHCN", "/SKHCN-TTr")


def _kinh_gui_in_a_plan(doc: DocumentObject) -> None:
    """A plan addressed like a công văn: "Kính gửi:" before its first section."""
    section = _paragraph(doc, "I. ")
    kinh = section.insert_paragraph_before("Kính gửi: Các đơn vị trực thuộc Sở.")
    kinh.paragraph_format.alignment = section.paragraph_format.alignment


def _section_not_bold(doc: DocumentObject) -> None:
    for run in _paragraph(doc, "II. NỘI DUNG").runs:
        run.font.bold = False


def _no_place_line(doc: DocumentObject) -> None:
    paragraph = _paragraph(doc, "Địa điểm:")
    paragraph._p.getparent().remove(paragraph._p)


#: One mutation per kind-specific rule: (kind, edit, the rule it breaks).
MUTATIONS: dict[str, tuple[str, Callable[[DocumentObject], None], str]] = {
    "title not bold": ("team-decision", _title_not_bold, "title"),
    "V/v before the trích yếu": ("team-decision", _subject_with_vv, "title-block"),
    "Căn cứ without its ;": ("team-decision", _no_can_cu_semicolon, "can-cu"),
    "Điều not bold": ("team-decision", _dieu_not_bold, "dieu"),
    "authority not bold": ("team-decision", _authority_not_bold, "issuing-authority"),
    "QUYẾT ĐỊNH: left": ("team-decision", _decides_left, "decides"),
    "a công văn's ký hiệu": ("team-decision", _wrong_symbol, "kind-symbol"),
    "a plan addressed with Kính gửi": ("plan", _kinh_gui_in_a_plan, "kind-parts"),
    "section heading not bold": ("plan", _section_not_bold, "sections"),
    "no Địa điểm": ("invitation", _no_place_line, "invitation-parts"),
}


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_a_kind_breaking_one_of_its_rules_is_flagged_with_that_rule(sample: Any, tmp_path: Path, name: str) -> None:
    kind, edit, rule = MUTATIONS[name]
    doc = _doc(rendered(sample, kind))
    edit(doc)
    findings = check_docx(_save(doc, tmp_path / f"{kind}.docx"))
    assert {f.rule for f in findings} == {rule}, [str(f) for f in findings]


def test_every_kind_rule_is_documented_and_tested() -> None:
    # The title block's sizes are the title rule's (one table entry serves công văn and kinds alike).
    assert {rule for _, _, rule in MUTATIONS.values()} == set(D.KIND_RULES) | {"title"}


# --- the commands ---------------------------------------------------------------------------------


def test_render_kind_writes_that_document_and_says_so(tmp_path: Path) -> None:
    out = tmp_path / "qd.docx"
    result = CliRunner().invoke(main, ["render", str(KINDS_SAMPLE), "--kind", "team-decision", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output == f"wrote {out} (a draft)\n"
    assert "QUYẾT ĐỊNH" in [p.text for p in Document(str(out)).paragraphs]


def test_render_unit_of_a_one_document_kind_is_misuse(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["render", str(KINDS_SAMPLE), "--kind", "plan", "--unit", "0", "-o", str(tmp_path / "k.docx")])
    assert result.exit_code == 2
    assert "--unit 0: a plan (Kế hoạch kiểm tra) is one document for the whole round; leave out --unit" in result.output


def test_batch_kind_writes_a_kind_for_every_round_and_numbers_them_in_the_register(tmp_path: Path) -> None:
    register = tmp_path / "so.sqlite"
    out = tmp_path / "out"
    args = ["batch", str(KINDS_SAMPLE), "--kind", "team-decision", "--out", str(out), "--issue", "--date", "2021-03-01",
            "--register", str(register)]  # fmt: skip
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    again = CliRunner().invoke(main, [*args[:3], "report", *args[4:]])
    assert again.exit_code == 0, again.output
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert sorted((row["number"], row["symbol"], row["kind"]) for row in manifest) == [
        (1, "QĐ-SKHCN", "team-decision"), (2, "BC-SKHCN", "report")]
    with Register(register) as reg:
        entries = reg.entries(year=2021)
    assert [(e.number_text, e.title.split(" ")[0]) for e in entries] == [("01/QĐ-SKHCN", "Quyết"), ("02/BC-SKHCN", "Báo")]
    assert {p.name for p in out.glob("*.docx")} == {
        "2021-001-SKHCN-team-decision-tong-hop-cchc-2021-kinds.docx", "2021-002-SKHCN-report-tong-hop-cchc-2021-kinds.docx",
    }  # fmt: skip


def test_a_kind_given_its_own_sequence_in_letter_gen_toml_is_numbered_in_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "letter-gen.toml").write_text('[sequences]\nteam-decision = "QĐ"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    register = tmp_path / "so.sqlite"
    for kind, name in (("follow-up", "cv.docx"), ("team-decision", "qd.docx")):
        result = CliRunner().invoke(main, ["render", str(KINDS_SAMPLE), "--kind", kind, "-o", name, "--issue",
                                           "--date", "2021-03-01", "--register", str(register)])  # fmt: skip
        assert result.exit_code == 0, result.output
    with Register(register) as reg:
        assert [(e.agency, e.number_text) for e in reg.entries(year=2021)] == [
            ("SKHCN", "01/SKHCN-TTr"), ("SKHCN/QĐ", "01/QĐ-SKHCN"),
        ]  # fmt: skip
