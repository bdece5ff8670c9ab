"""Read inspection inputs (YAML, JSON, Excel) into validated models.

The reader of each format only parses; :func:`letter_gen.inputs.model.validate_data` decides
what is valid, so the three formats accept exactly the same rounds.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

from letter_gen.errors import InputError
from letter_gen.fileio import write_text_atomic
from letter_gen.inputs.model import InspectionRound, clean_data, validate_data

#: File suffixes read as inspection inputs.
YAML_SUFFIXES = (".yaml", ".yml")
INPUT_SUFFIXES = (*YAML_SUFFIXES, ".json", ".xlsx")


class _TextDateLoader(yaml.SafeLoader):
    """A safe YAML loader that leaves dates as text.

    PyYAML turns ``2021-02-30`` into a traceback; as text it reaches the model, which
    reports it with its field path like any other bad value.
    """


def _unique_mapping(loader: _TextDateLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    """A mapping that refuses a key given twice: the second would silently drop the first."""
    loader.flatten_mapping(node)  # YAML merge keys (<<: *base) first, as PyYAML does
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(None, None, "a key must be a plain name, not a list or mapping", key_node.start_mark) from None
        if key in seen:
            raise yaml.constructor.ConstructorError(None, None, f"the key {key!r} is given twice", key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_TextDateLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _unique_mapping)


def _unique_json_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    twice = sorted(key for key, count in Counter(key for key, _ in pairs).items() if count > 1)
    if twice:
        raise ValueError(f"the key {twice[0]!r} is given twice")
    return dict(pairs)


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
        from letter_gen.inputs.excel import load_round  # openpyxl is heavy: only for workbooks

        return load_round(path, clean_text=clean_text, changes=changes)
    data = read_data(path, clean_text=clean_text, changes=changes)
    if clean_text:
        data, cleaned = clean_data(data)
        if changes is not None:
            changes.extend(f"{path}: {line}" for line in cleaned)
    return validate_data(data, str(path))


def read_data(path: Path, *, clean_text: bool = False, changes: list[str] | None = None) -> Any:
    """The raw data of an input file, before validation.

    A character XML cannot carry typed raw into the file (not as an escape) stops the YAML
    reader itself; it is named by line and column, or removed with ``clean_text``.
    """
    suffix = path.suffix.lower()
    if suffix not in INPUT_SUFFIXES:
        raise InputError(f"{path}: not an inspection input; expected a .yaml, .yml, .json or .xlsx file")
    if suffix == ".xlsx":
        from letter_gen.inputs.excel import read_workbook  # openpyxl is heavy: only for workbooks

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
    text = _raw_controls(path, text, clean_text, changes)
    if suffix == ".json":
        try:
            return json.loads(text, object_pairs_hook=_unique_json_object)
        except json.JSONDecodeError as err:
            raise InputError(f"{path}: line {err.lineno}, column {err.colno}: invalid JSON ({err.msg})") from err
        except ValueError as err:
            raise InputError(f"{path}: {err}") from err
        except RecursionError as err:
            raise InputError(f"{path}: invalid JSON (nested too deeply)") from err
    try:
        return yaml.load(text, Loader=_TextDateLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise InputError(f"{path}: {where}invalid YAML ({err.problem})") from err
    except yaml.YAMLError as err:
        raise InputError(f"{path}: invalid YAML ({err})") from err
    except RecursionError as err:
        raise InputError(f"{path}: invalid YAML (an alias refers to itself)") from err


def _raw_controls(path: Path, text: str, clean_text: bool, changes: list[str] | None) -> str:
    found = []
    for line_number, line in enumerate(text.split("\n"), start=1):
        for match in _RAW_CONTROL.finditer(line):
            found.append(f"line {line_number}, column {match.start() + 1}: U+{ord(match.group()):04X}")
    if not found:
        return text
    if not clean_text:
        raise InputError(
            f"{path}: {len(found)} control character(s) a letter cannot carry (remove them, or run with --clean-text)",
            problems=found,
        )
    if changes is not None:
        changes.extend(f"{path}: {where}: removed" for where in found)
    return _RAW_CONTROL.sub("", text)


_RAW_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def find_inputs(paths: list[Path], *, skip: Path | None = None) -> list[Path]:
    """Input files named directly or found (sorted, recursively) in the given folders, each
    once; hidden files, Excel's lock files, manifests and the folder ``skip`` (a batch's own
    output) are left out."""
    found: list[Path] = []
    seen: set[Path] = set()
    skipped = skip.resolve() if skip else None

    def wanted(p: Path) -> bool:
        return (
            p.suffix.lower() in INPUT_SUFFIXES
            and not p.name.startswith((".", "~$", "manifest."))
            and not any(part.startswith(".") for part in p.parts[len(path.parts):-1])
            and (skipped is None or skipped == path.resolve() or skipped not in p.resolve().parents)
        )

    for path in paths:
        candidates = sorted(p for p in path.rglob("*") if wanted(p)) if path.is_dir() else [path]
        for candidate in candidates:
            if candidate.resolve() not in seen:
                seen.add(candidate.resolve())
                found.append(candidate)
    return found


def save_round(round_: InspectionRound, path: Path, *, force: bool = False) -> None:
    """Write a round as YAML, JSON or an Excel workbook, by the file's suffix (``letter-gen convert``).

    A file already there is replaced only if letter_gen wrote it (or with ``force``).
    """
    suffix = path.suffix.lower()
    if suffix not in INPUT_SUFFIXES:
        raise InputError(f"{path}: cannot write this kind of file; expected .yaml, .yml, .json or .xlsx")
    if suffix == ".xlsx":
        from letter_gen.inputs.excel import write_workbook  # openpyxl is heavy: only for workbooks

        write_workbook(path, round_, force=force)
        return
    data = round_.model_dump(mode="json", by_alias=True)
    if suffix == ".json":
        write_text_atomic(path, json.dumps(data, ensure_ascii=False, indent=2) + "\n", ours=lambda _: False, force=force)
    else:
        text = YAML_MARK + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
        write_text_atomic(path, text, ours=lambda old: old.startswith(YAML_MARK.encode()), force=force)


#: The first line of a YAML file ``letter-gen convert`` wrote (so a re-run may replace it).
YAML_MARK = "# Written by letter-gen convert; an inspection round (see the README).\n"
