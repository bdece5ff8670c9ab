"""YAML syntax errors said in a clerk's terms, at the line to mend.

libyaml names the token it stumbled on, often lines after the slip: a quote left open swallows
the lines below it until the next quote, and the error lands there. The common slips — a tab
in the indentation, a quote not closed, a missing colon, an indentation that does not match —
are recognised from the parser's problem and the text, and named at the line where they are.
"""

from __future__ import annotations

import re

import yaml

from letter_gen.i18n import _

# A value that starts with a quote: after "key: " or "- ".
_QUOTED_VALUE = re.compile(r"""^\s*(?:-\s+|[^\s#'"][^#'"]*?:\s+)(["'])(.*)$""")


def explain(err: yaml.MarkedYAMLError, raw: bytes) -> str:
    """``line 12: a tab is used for indentation; use spaces`` (no file name), for one error."""
    problem = err.problem or ""
    mark = err.problem_mark
    if mark is None:
        return _('invalid YAML ({problem})').format(problem=problem)
    line, column = mark.line + 1, mark.column + 1
    lines = raw.decode("utf-8", "replace").split("\n")
    text = lines[mark.line] if mark.line < len(lines) else ""
    at = text[mark.column:mark.column + 1]
    # libyaml says "found character that cannot start any token" for a tab after a quoted text
    if "tab" in problem or "'\\t'" in problem or at == "\t":
        if not text[:mark.column].strip(" \t"):
            return _('line {line}: a tab is used for indentation; use spaces').format(line=line)
        return _('line {line}, column {column}: a tab where YAML expects a space; use spaces').format(line=line, column=column)
    if err.context == "while scanning a quoted scalar" and err.context_mark is not None:
        return _unclosed(err.context_mark.line + 1)
    opened = _unclosed_quote(lines, mark.line)
    if opened is not None:
        return _unclosed(opened)
    if "could not find expected ':'" in problem and err.context_mark is not None:
        return _('line {line}: a colon (:) is missing after the field name').format(line=err.context_mark.line + 1)
    if "mapping values are not allowed" in problem:
        return _("line {line}, column {column}: a colon (:) where YAML does not expect one; indent this line like the fields around it, or put a text that contains ': ' in quotes").format(line=line, column=column)
    if "cannot start any token" in problem and at.strip():
        return _('line {line}, column {column}: a text cannot begin with "{character}"; put the text in quotes').format(
            line=line, column=column, character=at)
    if "did not find expected key" in problem or "expected <block end>" in problem or "expected '-'" in problem:
        return _('line {line}: the indentation does not match the lines above; indent the fields of one section by the same number of spaces').format(line=line)
    return _('line {line}, column {column}: invalid YAML ({problem})').format(line=line, column=column, problem=problem)


def _unclosed(line: int) -> str:
    return _('line {line}: a quote opened on this line is not closed; end the text with the same quote').format(line=line)


def _unclosed_quote(lines: list[str], error_line: int) -> int | None:
    """The line (1-based) of a quote that opens a value and runs on to the error (0-based
    ``error_line``): a text quoted over several lines that closes before it is no culprit."""
    number = 0
    while number <= error_line and number < len(lines):
        match = _QUOTED_VALUE.match(lines[number])
        if match is None or _closing(match.group(1), match.group(2)):
            number += 1
            continue
        closed_on = next((n for n in range(number + 1, len(lines)) if _closing(match.group(1), lines[n])), None)
        if closed_on is None or closed_on >= error_line:
            return number + 1
        number = closed_on + 1
    return None


def _closing(quote: str, text: str) -> bool:
    """Whether ``text`` holds the quote that ends a text opened with ``quote``."""
    if quote == "'":
        return "'" in text.replace("''", "")  # '' is a quote inside a single-quoted text
    return re.search(r'(?<!\\)(?:\\\\)*"', text) is not None
