"""Read inspection inputs (YAML, JSON, Excel) into validated models.

The reader of each format only parses; :func:`letter_gen.model.validate_data` decides
what is valid, so the three formats accept exactly the same rounds.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from .errors import InputError
from .model import InspectionRound, clean_data, validate_data

#: File suffixes read as inspection inputs.
YAML_SUFFIXES = (".yaml", ".yml")
INPUT_SUFFIXES = (*YAML_SUFFIXES, ".json", ".xlsx")


class _TextDateLoader(yaml.SafeLoader):
    """A safe YAML loader that leaves dates as text.

    PyYAML turns ``2021-02-30`` into a traceback; as text it reaches the model, which
    reports it with its field path like any other bad value.
    """


_TextDateLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_input(path: Path | str, *, clean_text: bool = False, changes: list[str] | None = None) -> InspectionRound:
    """Read and validate one inspection input; raise :class:`InputError` naming file and field.

    With ``clean_text`` the characters a letter cannot carry (control characters) are removed
    instead of refused, and one line per field changed is appended to ``changes``.
    """
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        from .excel import load_round  # openpyxl is heavy: only for workbooks

        return load_round(path, clean_text=clean_text, changes=changes)
    data = read_data(path)
    if clean_text:
        data, cleaned = clean_data(data)
        if changes is not None:
            changes.extend(f"{path}: {line}" for line in cleaned)
    return validate_data(data, str(path))


def read_data(path: Path) -> Any:
    """The raw data of an input file, before validation."""
    suffix = path.suffix.lower()
    if suffix not in INPUT_SUFFIXES:
        raise InputError(f"{path}: not an inspection input; expected a .yaml, .yml, .json or .xlsx file")
    if suffix == ".xlsx":
        from .excel import read_workbook  # openpyxl is heavy: only for workbooks

        return read_workbook(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as err:
        raise InputError(f"{path}: no such file") from err
    except IsADirectoryError as err:
        raise InputError(f"{path}: is a folder, expected a file") from err
    except UnicodeDecodeError as err:
        raise InputError(f"{path}: not UTF-8 text (byte {err.start}); save it as UTF-8") from err
    except OSError as err:
        raise InputError(f"{path}: cannot read ({err.strerror})") from err
    if suffix == ".json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as err:
            raise InputError(f"{path}: line {err.lineno}, column {err.colno}: invalid JSON ({err.msg})") from err
    try:
        return yaml.load(text, Loader=_TextDateLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise InputError(f"{path}: {where}invalid YAML ({err.problem})") from err
    except yaml.YAMLError as err:
        raise InputError(f"{path}: invalid YAML ({err})") from err


def find_inputs(paths: list[Path]) -> list[Path]:
    """Input files named directly or found (sorted, recursively) in the given folders."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                sorted(p for p in path.rglob("*") if p.suffix.lower() in INPUT_SUFFIXES and not p.name.startswith((".", "~$")))
            )
        else:
            found.append(path)
    return found


def save_round(round_: InspectionRound, path: Path) -> None:
    """Write a round as YAML, JSON or an Excel workbook, by the file's suffix (``letter-gen convert``)."""
    from .fileio import write_text_atomic

    suffix = path.suffix.lower()
    if suffix not in INPUT_SUFFIXES:
        raise InputError(f"{path}: cannot write this kind of file; expected .yaml, .yml, .json or .xlsx")
    if suffix == ".xlsx":
        from .excel import write_workbook

        write_workbook(path, round_)
        return
    data = round_.model_dump(mode="json", by_alias=True)
    if suffix == ".json":
        write_text_atomic(path, json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    else:
        write_text_atomic(path, yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100))
