"""Hostile input: arbitrary Unicode in every text field renders exactly, or is refused by name."""

from __future__ import annotations

import copy
import io
import json
import unicodedata
import zipfile

import pytest
from docx import Document
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from letter_gen import vn
from letter_gen.errors import InputError
from letter_gen.inputs.formats import load_input
from letter_gen.inputs.model import validate_data
from letter_gen.letters.compose import compose

from .letters import body_paragraphs, prepared, set_path
from .rounds import make_round

W_T = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}t"
ILLEGAL = "".join(chr(c) for c in range(0x20) if chr(c) not in "\t\n\r") + "\ufffe\uffff"
SPECIALS = ["&", "<", ">", '"', "'", "{{", "}}", "{%", "%}", "{#", "#}", "{_{", "%_}", "{{ 7*7 }}", "{%p if x %}",
            "\t", "\n", "  ", "KH&CN", "Việt Nam", unicodedata.normalize("NFD", "Hạnh phúc"), "ß", "ﬁ", "\u2028", "😀"]
safe_characters = st.characters(blacklist_categories=("Cs",), blacklist_characters=ILLEGAL + "\r")
text = (
    st.lists(st.one_of(st.text(safe_characters, max_size=12), st.sampled_from(SPECIALS)), min_size=1, max_size=8)
    .map("".join)
    .filter(lambda t: vn.nfc(t) != "")
)
long_text = st.text(st.sampled_from("aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạ &<>{}%\n\t"), min_size=600, max_size=2500).filter(
    lambda t: vn.nfc(t) != ""
)
paragraph_text = st.one_of(text, text, text, long_text)

settings.register_profile("hostile", deadline=None, max_examples=60, suppress_health_check=[HealthCheck.too_slow])


def expected(value: str) -> str:
    """What a text becomes when read in: NFC, stripped."""
    return vn.nfc(value)


def by_line(text: str) -> str:
    """A body text as the letter shows it: each line its own paragraph, the empty ones left out."""
    return "\n".join(line.strip(" ") for line in text.split("\n") if line.strip())


def letter_parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zipped:
        return {name: zipped.read(name) for name in zipped.namelist()}


@settings(settings.get_profile("hostile"))
@given(
    findings=st.lists(paragraph_text, min_size=1, max_size=3),
    actions=st.lists(paragraph_text, max_size=2),
    requirements=st.lists(paragraph_text, max_size=2),
    unit_name=text,
    subject=text,
    agency_name=text,
    signer_name=text,
    assessment=paragraph_text,
)
def test_any_text_renders_exactly_into_a_valid_letter(findings, actions, requirements, unit_name, subject, agency_name, signer_name, assessment):
    data = make_round(units=2, seed=3)
    data["units"][0].update(name=unit_name, findings=findings, actions=actions)
    data["units"][1]["name"] = "Đơn vị thứ hai"
    data["requirements"] = requirements
    data["letter"]["subject"] = subject
    data["agency"]["name"] = agency_name
    data["signer"]["name"] = signer_name
    data["inspection"]["assessment"] = assessment
    if expected(unit_name) == "Đơn vị thứ hai":
        return
    round_ = validate_data(copy.deepcopy(data), "hostile")
    for mode, unit in (("consolidated", None), ("per-unit", 0)):
        raw = prepared().render(compose(round_, mode, unit))
        for name, part in letter_parts(raw).items():
            if name.endswith(".xml") or name.endswith(".rels"):
                root = etree.fromstring(part)  # strict XML: no recovery
                # Word shows a newline or tab inside w:t as a space: they must be w:br and w:tab.
                assert not any(c in (t.text or "") for t in root.iter(W_T) for c in "\n\t")
        doc = Document(io.BytesIO(raw))
        # A line break in a body text starts a new paragraph: the texts are looked for, line by
        # line, in the body's paragraphs one per line.
        body = "\n" + "\n".join(body_paragraphs(doc)) + "\n"

        def shown(text: str, body: str = body) -> bool:
            return f"\n{by_line(text)}\n" in body or f"\n{by_line(vn.body_end(text))}\n" in body

        wanted_findings = [expected(f) for f in findings]
        if mode == "consolidated" and len(wanted_findings) == 1:
            assert shown(wanted_findings[0])
        else:
            for finding in wanted_findings:
                assert shown(f"- {finding}")
        for action in actions:
            named = f"- {expected(unit_name)}: {expected(action)}"  # a consolidated letter names the unit
            assert shown(f"- {expected(action)}") or shown(named)
        for requirement in requirements:
            assert shown(f"- {expected(requirement)}")
        assert f"\n{by_line(f'Qua kiểm tra các nội dung trong kế hoạch, {expected(assessment)}')}" in body
        header = doc.tables[0]
        # Long lines are broken into balanced lines: "\n" where a space was.
        agency, subject_line = header.rows[0].cells[0].paragraphs[1].text, header.rows[1].cells[0].paragraphs[-1].text
        assert agency.replace("\n", " ") == vn.upper(expected(agency_name)).replace("\n", " ")
        assert subject_line.replace("\n", " ") == f"V/v {expected(subject)}".replace("\n", " ")
        assert doc.tables[1].rows[0].cells[1].paragraphs[-1].text == expected(signer_name)
        if mode == "per-unit":
            kinh_gui = next(p.text for p in doc.paragraphs if p.text.startswith("Kính gửi: "))
            assert kinh_gui == vn.kinh_gui_lines([expected(unit_name)])[0]


FIELDS = ["letter.subject", "agency.name", "units.0.name", "units.0.findings.0", "requirements.0", "signer.name", "cc.0"]


def dotted_to_field_path(path: str) -> str:
    out = ""
    for part in path.split("."):
        out += f"[{part}]" if part.isdigit() else (f".{part}" if out else part)
    return out


@settings(deadline=None, max_examples=40)
@given(field=st.sampled_from(FIELDS), bad=st.sampled_from(list(ILLEGAL) + ["\ud800", "\udfff"]), before=text, after=text)
def test_a_character_xml_cannot_carry_is_refused_with_its_field_path(field, bad, before, after):
    data = make_round(units=1)
    data["requirements"] = ["Yêu cầu."]
    value = f"{before}{bad}{after}"
    set_path(data, field, value)
    with pytest.raises(InputError) as caught:
        validate_data(data, "in.yaml")
    assert any(p.startswith(f"{dotted_to_field_path(field)}: contains U+{ord(bad):04X}") for p in caught.value.problems)


def test_clean_text_removes_the_characters_and_names_each_field(tmp_path):
    data = make_round(units=1)
    data["units"][0]["findings"] = ["Một\x07 tồn tại\x1b."]
    data["letter"]["subject"] = "khắc phục\x00 sau kiểm tra"
    path = tmp_path / "dirty.json"
    path.write_text(json.dumps(data, ensure_ascii=True), encoding="utf-8")
    with pytest.raises(InputError):
        load_input(path)
    changes: list[str] = []
    round_ = load_input(path, clean_text=True, changes=changes)
    assert changes == [
        f"{path}: letter.subject: removed U+0000",
        f"{path}: units[0].findings[0]: removed U+0007, U+001B",
    ]
    assert round_.units[0].findings == ["Một tồn tại."]
    assert round_.letter.subject == "khắc phục sau kiểm tra"


def test_a_lone_surrogate_from_json_is_refused_with_its_field(tmp_path):
    data = make_round(units=1)
    path = tmp_path / "surrogate.json"
    path.write_text(json.dumps(data).replace('"name": "Nguy', '"name": "\\ud800Nguy'), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_input(path)
    assert caught.value.problems[0].startswith("signer.name: contains U+D800")
