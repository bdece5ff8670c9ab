"""A YAML slip is named in a clerk's terms, at the line where it is (issue 11)."""

from __future__ import annotations

import pytest

from letter_gen.errors import InputError
from letter_gen.inputs.formats import read_data

SLIPS = [
    ("a tab", "letter:\n  kind: follow-up\n\tsubject: x\n", "line 3: a tab is used for indentation; use spaces"),
    # libyaml names no tab when the tab follows a quoted text
    ("a tab after a quoted text", 'agency:\n  name: "Sở"\n\tcode: SKHCN\n', "line 3: a tab is used for indentation; use spaces"),
    ("a text beginning with @", "letter:\n  subject: @khắc phục\n",
     'line 2, column 12: a text cannot begin with "@"; put the text in quotes'),
    ("an unclosed quote", 'letter:\n  subject: "khắc phục\n  urgency: null\nagency:\n  name: "Sở"\n',
     "line 2: a quote opened on this line is not closed; end the text with the same quote"),
    ("an unclosed quote at the end", 'letter:\n  kind: follow-up\ncc: ["a", "b]\n',
     "line 3: a quote opened on this line is not closed; end the text with the same quote"),
    ("a missing colon", "letter:\n  kind: follow-up\n  number null\n  subject: x\n", "line 3: a colon (:) is missing after the field name"),
    ("an indentation that does not match", "letter:\n  kind: follow-up\n subject: x\n",
     "line 3: the indentation does not match the lines above; indent the fields of one section by the same number of spaces"),
    ("a colon inside a value", "letter:\n  subject: V/v: khắc phục\n",
     "line 2, column 15: a colon (:) where YAML does not expect one; indent this line like the fields around it,"
     " or put a text that contains ': ' in quotes"),
]


@pytest.mark.parametrize(("slip", "text", "line"), SLIPS, ids=[s[0] for s in SLIPS])
def test_a_yaml_slip_is_named_at_its_line(tmp_path, slip, text, line):
    path = tmp_path / "in.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_data(path)
    assert caught.value.message == f"{path}: {line}"


def test_a_text_quoted_over_two_lines_is_not_blamed_for_a_later_slip(tmp_path):
    path = tmp_path / "in.yaml"
    path.write_text('letter:\n  subject: "khắc phục\n    sau kiểm tra"\n  kind: follow-up\n urgency: null\n', encoding="utf-8")
    with pytest.raises(InputError, match="line 5: the indentation does not match"):
        read_data(path)


JSON_SLIPS = [
    ("a missing comma", '{\n  "letter": {"kind": "follow-up"\n  "subject": "x"}\n}\n',
     "line 3, column 3: a comma (,) is missing between two items"),
    ("a comma after the last item", '{\n  "cc": ["a", "b",]\n}\n',
     "line 2, column 19: a value is missing here (is a comma left after the last item?)"),
    ("an unclosed quote", '{\n  "letter": {\n    "subject": "khắc phục\n  }\n}\n',
     "line 3, column 26: a text not closed on its line (a quote \" is missing), or a tab or line break typed inside it"
     " (write \\t or \\n)"),
]


@pytest.mark.parametrize(("slip", "text", "line"), JSON_SLIPS, ids=[s[0] for s in JSON_SLIPS])
def test_a_json_slip_is_named_at_its_line(tmp_path, slip, text, line):
    path = tmp_path / "in.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_data(path)
    assert caught.value.message == f"{path}: {line}"
