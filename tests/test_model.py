"""Reading inputs into the validated model (letter_gen.inputs.formats, letter_gen.inputs.model)."""

import json

import pytest

from letter_gen.errors import InputError
from letter_gen.inputs.formats import load_input
from letter_gen.inputs.model import validate_data

from .letters import DELETE, set_path


def problems_of(data, source="in.yaml"):
    with pytest.raises(InputError) as caught:
        validate_data(data, source)
    return caught.value.problems


def test_the_sample_input_loads(seed_data):
    round_ = validate_data(seed_data, "seed")
    assert round_.symbol == "SKHCN-TTr"
    assert [u.name for u in round_.units][1] == "Trung tâm Kỹ thuật Tiêu chuẩn Đo lường Chất lượng"
    assert round_.signer.for_ == "Giám đốc"


def test_a_misspelt_key_is_an_error_with_its_path(seed_data):
    seed_data["units"][2]["findngs"] = seed_data["units"][2].pop("findings")
    assert problems_of(seed_data) == ["units[2].findngs: unknown field (a typo?); see the README for the fields of this section"]


def test_every_text_is_nfc_and_stripped(seed_data):
    seed_data["units"][0]["findings"] = ["  Vie\u0302\u0323t Nam  "]
    round_ = validate_data(seed_data, "seed")
    assert round_.units[0].findings == ["Việt Nam"]


def test_errors_name_every_bad_field(seed_data):
    seed_data["letter"]["number"] = 0
    seed_data["letter"]["subject"] = "   "
    seed_data["inspection"]["plan"]["date"] = "2021-02-30"
    del seed_data["signer"]["name"]
    seed_data["units"][1]["findings"][0] = 42
    assert problems_of(seed_data) == [
        "letter.number: must be 1 or more (got 0)",
        "letter.subject: must not be empty",
        "inspection.plan.date: expected a real date such as 05/07/2021 or 2021-07-05 (got '2021-02-30')",
        "units[1].findings[0]: expected text (got 42)",
        "signer.name: required field is missing",
    ]


def test_an_authority_needs_for(seed_data):
    seed_data["signer"]["for"] = None
    assert problems_of(seed_data) == ["signer: authority KT needs 'for': the title it signs for"]


def test_an_unknown_authority_is_refused(seed_data):
    seed_data["signer"]["authority"] = "PGĐ"
    assert problems_of(seed_data) == ["signer.authority: expected one of 'KT', 'TM', 'TL', 'TUQ' or 'Q' (got 'PGĐ')"]


def test_authority_written_with_a_dot_is_accepted(seed_data):
    seed_data["signer"]["authority"] = "kt."
    assert validate_data(seed_data, "s").signer.authority == "KT"


def test_duplicate_unit_names_are_refused(seed_data):
    seed_data["units"][2]["name"] = seed_data["units"][0]["name"]
    assert problems_of(seed_data) == [
        "units[2].name: 'Chi cục Tiêu chuẩn Đo lường Chất lượng' is already units[0]; each unit appears once"
    ]


def test_at_most_one_of_quarter_half_month(seed_data):
    seed_data["period"] = {"year": 2021, "quarter": 2, "month": 5}
    assert problems_of(seed_data) == ["period: give at most one of quarter, half, month (got quarter, month)"]


def test_a_control_character_is_refused_with_its_field(seed_data):
    seed_data["units"][0]["findings"][0] = "bad\x07bell"
    assert problems_of(seed_data) == [
        "units[0].findings[0]: contains U+0007, a control character a letter cannot carry"
        " (remove it, or run with --clean-text) (got 'bad\\x07bell')"
    ]


def test_a_code_with_a_slash_is_refused(seed_data):
    seed_data["agency"]["code"] = "SKH/CN"
    assert problems_of(seed_data) == ["agency.code: expected letters and digits only (no spaces, '/', '-' or '.') (got 'SKH/CN')"]


def test_no_units_is_refused(seed_data):
    seed_data["units"] = []
    assert problems_of(seed_data) == ["units: must not be empty"]


def test_json_with_the_same_keys_loads_the_same_round(seed_data, tmp_path, write_yaml):
    from_yaml = load_input(write_yaml(seed_data))
    path = tmp_path / "in.json"
    path.write_text(json.dumps(seed_data, ensure_ascii=False), encoding="utf-8")
    assert load_input(path) == from_yaml


def test_a_broken_yaml_file_names_line_and_column(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("letter:\n  kind: [follow-up\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"bad.yaml: line 3, column 1: invalid YAML"):
        load_input(path)


def test_a_file_of_another_kind_is_refused(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match="expected a .yaml, .yml, .json or .xlsx file"):
        load_input(path)


def test_a_top_level_list_is_refused(tmp_path):
    path = tmp_path / "list.yaml"
    path.write_text("- a\n- b\n", encoding="utf-8")
    with pytest.raises(InputError, match="expected a mapping"):
        load_input(path)


# Every kind of invalid input the README's table lists, with the exact line a clerk reads.
INVALID_CASES = [
    ("wrong type", ("units", 1, "findings", 0), 42, "units[1].findings[0]: expected text (got 42)"),
    ("unknown key", ("units", 2, "findngs"), ["x"], "units[2].findngs: unknown field (a typo?); see the README for the fields of this section"),
    ("missing required field", ("signer", "name"), DELETE, "signer.name: required field is missing"),
    ("impossible date", ("inspection", "plan", "date"), "2021-02-30", "inspection.plan.date: expected a real date such as 05/07/2021 or 2021-07-05 (got '2021-02-30')"),
    ("number 0", ("letter", "number"), 0, "letter.number: must be 1 or more (got 0)"),
    ("negative number", ("letter", "number"), -3, "letter.number: must be 1 or more (got -3)"),
    ("unknown authority", ("signer", "authority"), "PGĐ", "signer.authority: expected one of 'KT', 'TM', 'TL', 'TUQ' or 'Q' (got 'PGĐ')"),
    ("authority without for", ("signer", "for"), None, "signer: authority KT needs 'for': the title it signs for"),
    ("duplicate unit names", ("units", 2, "name"), "Chi cục Tiêu chuẩn Đo lường Chất lượng",
     "units[2].name: 'Chi cục Tiêu chuẩn Đo lường Chất lượng' is already units[0]; each unit appears once"),
    ("empty subject", ("letter", "subject"), "", "letter.subject: must not be empty"),
    ("control character", ("units", 0, "findings", 0), "a\x07b",
     "units[0].findings[0]: contains U+0007, a control character a letter cannot carry (remove it, or run with --clean-text) (got 'a\\x07b')"),
    ("two parts of a year", ("period",), {"year": 2021, "quarter": 2, "month": 5}, "period: give at most one of quarter, half, month (got quarter, month)"),
    ("a year typed yes/no", ("period", "year"), True, "period.year: expected a year such as 2021 (got True)"),
    ("a number past the register's", ("letter", "number"), 12345678901234567890123456789012,
     "letter.number: expected a whole number from 1 to 99,999 (got 12345678901234567890123456789012)"),
]


@pytest.mark.parametrize(("case", "path", "value", "message"), INVALID_CASES, ids=[c[0] for c in INVALID_CASES])
def test_each_invalid_input_gets_its_documented_message(seed_data, case, path, value, message):
    from .conftest import ROOT

    if case == "unknown key":
        seed_data["units"][2].pop("findings")
    set_path(seed_data, path, value)
    assert problems_of(seed_data) == [message]
    assert message.replace("|", "\\|") in (ROOT / "README.md").read_text(encoding="utf-8"), "README's table is out of date"


def test_a_key_given_twice_is_refused_in_yaml_and_json(tmp_path):
    twice = tmp_path / "twice.yaml"
    twice.write_text("letter:\n  subject: a\n  subject: b\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"line 3, column 3: the key 'subject' is given twice"):
        load_input(twice)
    twice_json = tmp_path / "twice.json"
    twice_json.write_text('{"letter": {"subject": "a", "subject": "b"}}', encoding="utf-8")
    with pytest.raises(InputError, match="the key 'subject' is given twice"):
        load_input(twice_json)


def test_a_raw_control_character_in_a_yaml_file_is_named_by_line_and_column(tmp_path, seed_data, write_yaml):
    path = write_yaml(seed_data)
    path.write_text(path.read_text(encoding="utf-8").replace("Chưa quan tâm", "Chưa\x07 quan tâm"), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_input(path)
    assert caught.value.problems[0].endswith(": U+0007") and caught.value.problems[0].startswith("line ")
    changes: list[str] = []
    round_ = load_input(path, clean_text=True, changes=changes)
    assert round_.units[1].findings[0].startswith("Chưa quan tâm") and changes[0].endswith("U+0007: removed")


def test_loosely_typed_numbers_and_dates_are_refused(seed_data):
    seed_data["letter"]["number"] = True
    seed_data["letter"]["date"] = 0
    assert problems_of(seed_data) == [
        "letter.number: expected a whole number (got True)",
        "letter.date: expected a date such as 05/07/2021 or 2021-07-05 (got 0)",
    ]


def test_urgency_typed_with_the_other_tone_mark_placement_is_the_same_word(seed_data):
    seed_data["letter"]["urgency"] = "hoả tốc"
    assert validate_data(seed_data, "t").letter.urgency == "HỎA TỐC"


def test_yaml_merge_keys_still_merge_and_a_list_as_a_key_is_refused(tmp_path):
    from letter_gen.inputs.formats import read_data

    merged = tmp_path / "merged.yaml"
    merged.write_text("base: &b {code: SKHCN}\nagency:\n  <<: *b\n  name: Sở\n", encoding="utf-8")
    assert read_data(merged)["agency"] == {"code": "SKHCN", "name": "Sở"}
    odd = tmp_path / "odd.yaml"
    odd.write_text("? [a, b]\n: 1\n", encoding="utf-8")
    with pytest.raises(InputError, match="a key must be a plain name"):
        load_input(odd)


def test_a_round_given_away_is_validated_unit_by_unit_and_gives_the_same_round(seed_data):
    import copy

    from letter_gen.inputs.model import Unit

    kept = validate_data(copy.deepcopy(seed_data), "t")
    given = copy.deepcopy(seed_data)
    assert validate_data(given, "t", consume=True) == kept
    assert all(isinstance(unit, Unit) for unit in given["units"])  # each raw unit let go once validated


def test_a_bad_unit_of_a_round_given_away_is_named_by_its_place_as_before(seed_data):
    seed_data["units"][1]["name"] = "   "
    seed_data["units"][2]["name"] = seed_data["units"][0]["name"]
    with pytest.raises(InputError) as err:
        validate_data(seed_data, "t", consume=True)
    assert [p.split(":")[0] for p in err.value.problems] == ["units[1].name"]
