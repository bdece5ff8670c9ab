"""Read inspection inputs (YAML, JSON, Excel) into validated models.

The reader of each format only parses; :func:`letter_gen.inputs.model.validate_data` decides
what is valid, so the three formats accept exactly the same rounds.
"""

from __future__ import annotations

import codecs
import json
import os
import re
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

from letter_gen.errors import InputError
from letter_gen.fileio import save_as_hint, write_text_atomic
from letter_gen.i18n import N_, _, os_reason
from letter_gen.inputs import yaml_reader, yaml_syntax
from letter_gen.inputs.limits import MB, Limits, byte_size
from letter_gen.inputs.limits import current as current_limits
from letter_gen.inputs.model import InspectionRound, clean_data, validate_data

#: File suffixes read as inspection inputs.
YAML_SUFFIXES = (".yaml", ".yml")
INPUT_SUFFIXES = (*YAML_SUFFIXES, ".json", ".xlsx")


class _TextDateLoader(yaml.SafeLoader):
    """A safe ``yaml.load`` loader that leaves dates as text and refuses a key given twice.

    For tests and tools that load a trusted file with ``yaml.load``; inputs themselves are read
    by :mod:`letter_gen.inputs.yaml_reader` (libyaml's events, within limits). PyYAML turns
    ``2021-02-30`` into a traceback; as text it reaches the model, which names the field.
    """


def _unique_mapping(loader: _TextDateLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    """A mapping that refuses a key given twice: the second would silently drop the first."""
    loader.flatten_mapping(node)  # YAML merge keys (<<: *base) first, as PyYAML does
    seen: set[Any] = set()
    for key_node, _value in node.value:
        key = loader.construct_object(key_node, deep=deep)
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(None, None, _("a key must be a plain name, not a list or mapping"), key_node.start_mark) from None
        if key in seen:
            raise yaml.constructor.ConstructorError(None, None, _("the key {data!r} is given twice").format(data=key), key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_TextDateLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _unique_mapping)


def _unique_json_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    twice = sorted(key for key, count in Counter(key for key, _ in pairs).items() if count > 1)
    if twice:
        raise ValueError(_("the key {data!r} is given twice").format(data=twice[0]))
    return dict(pairs)


_TextDateLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_input(
    path: Path | str, *, clean_text: bool = False, changes: list[str] | None = None, limits: Limits | None = None,
    kind: str | None = None,
) -> InspectionRound:
    """Read and validate one inspection input; raise :class:`InputError` naming file and field.

    With ``clean_text`` the characters a letter cannot carry (control characters) are removed
    instead of refused, and one line per field changed is appended to ``changes``. ``limits``
    bound its size (default: this run's, see :mod:`letter_gen.inputs.limits`). ``kind``, the
    document the command writes (``--kind``), decides which of a workbook's table sheets count.
    """
    path = Path(path)
    limits = limits or current_limits()
    if path.suffix.lower() == ".xlsx":
        from letter_gen.inputs.excel import load_round  # openpyxl is heavy: only for workbooks

        return load_round(path, clean_text=clean_text, changes=changes, limits=limits, kind=kind)
    data = read_data(path, clean_text=clean_text, changes=changes, limits=limits)
    if clean_text:
        data, cleaned = clean_data(data)
        if changes is not None:
            changes.extend(f"{path}: {line}" for line in cleaned)
    # The lines of the fields are read again only when a problem is to be shown; data is ours:
    # its units are let go as they validate.
    return validate_data(data, str(path), limits, lines=lambda: yaml_reader.field_lines(path.read_bytes()), consume=True)


def read_data(
    path: Path, *, clean_text: bool = False, changes: list[str] | None = None, limits: Limits | None = None
) -> Any:
    """The raw data of an input file, before validation, read within ``limits`` (default: this run's).

    A character XML cannot carry typed raw into the file (not as an escape) stops the YAML
    reader itself; it is named by line and column, or removed with ``clean_text``.
    """
    suffix = path.suffix.lower()
    if suffix not in INPUT_SUFFIXES:
        hint = save_as_hint(path)  # an .xls, .csv or .doc a clerk holds: say how to make the .xlsx
        if hint:
            raise InputError(_("{path}: {hint}").format(path=path, hint=hint))
        raise InputError(_('{path}: not an inspection input; expected a .yaml, .yml, .json or .xlsx file').format(path=path))
    limits = limits or current_limits()
    if suffix == ".xlsx":
        from letter_gen.inputs.excel import read_workbook  # openpyxl is heavy: only for workbooks

        return read_workbook(path, limits=limits)
    raw = read_bytes(path, limits)
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or _looks_utf16(raw[:64]):
        # Notepad's "Unicode": every other byte 0, which would read as thousands of control characters
        raise InputError(_("{path}: saved as UTF-16 (\"Unicode\") text; save it again as UTF-8"
                           " (in Notepad: File, Save As, Encoding UTF-8)").format(path=path))
    raw = _raw_controls(path, raw, clean_text, changes)
    _check_utf8(path, raw)
    if suffix == ".json":
        return _load_json(path, raw)
    return _load_yaml(path, raw, limits)


def _looks_utf16(sample: bytes) -> bool:
    """Text saved as UTF-16 without its byte order mark: every other byte 0."""
    halves = (sample[0::2], sample[1::2])
    return len(sample) >= 8 and any(half.count(0) > 0.75 * len(half) for half in halves)


def read_bytes(path: Path, limits: Limits) -> bytes:
    """The bytes of an input file, refused before reading when bigger than ``limits.input_bytes``."""
    try:
        with path.open("rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            raw = handle.read(limits.input_bytes + 1) if size <= limits.input_bytes else b""
    except FileNotFoundError as err:
        raise InputError(_('{path}: no such file').format(path=path)) from err
    except IsADirectoryError as err:
        raise InputError(_('{path}: is a folder, expected a file').format(path=path)) from err
    except OSError as err:
        raise InputError(_('{path}: cannot read ({strerror})').format(path=path, strerror=os_reason(err))) from err
    if size > limits.input_bytes or len(raw) > limits.input_bytes:
        raise InputError(_('{path}: the file is {value}; an input file may be at most {value2} (a round of 10,000 units is a few MB); to read a bigger one, set {value3}').format(path=path, value=byte_size(max(size, len(raw))), value2=byte_size(limits.input_bytes), value3=Limits.variable('input_bytes')))
    return raw


def _check_utf8(path: Path, raw: bytes, chunk: int = MB) -> None:
    """Refuse a file that is not UTF-8, a chunk at a time (the text itself is not kept)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    for offset in range(0, len(raw), chunk):
        try:
            decoder.decode(raw[offset:offset + chunk], final=offset + chunk >= len(raw))
        except UnicodeDecodeError as err:
            raise InputError(_('{path}: not UTF-8 text (byte {byte}); save it as UTF-8').format(path=path, byte=offset + err.start)) from err


def _load_json(path: Path, raw: bytes) -> Any:
    try:
        return json.loads(raw.removeprefix(codecs.BOM_UTF8).decode("utf-8"), object_pairs_hook=_unique_json_object)
    except json.JSONDecodeError as err:
        said = next((_(words) for start, words in _JSON_SLIPS.items() if err.msg.startswith(start)), None)
        what = said or _('invalid JSON ({msg})').format(msg=err.msg)
        raise InputError(f"{path}: " + _('line {lineno}, column {colno}: ').format(lineno=err.lineno, colno=err.colno) + what) from err
    except ValueError as err:
        raise InputError(f"{path}: {err}") from err
    except RecursionError as err:
        raise InputError(_('{path}: invalid JSON (nested too deeply)').format(path=path)) from err


#: json's messages for the common slips, in a clerk's terms.
_JSON_SLIPS = {
    "Expecting ',' delimiter": N_("a comma (,) is missing between two items"),
    "Expecting property name enclosed in double quotes": N_(
        "expected a field name in double quotes (is a comma left after the last item?)"),
    "Expecting value": N_("a value is missing here (is a comma left after the last item?)"),
    "Expecting ':' delimiter": N_("a colon (:) is missing after the field name"),
    "Unterminated string starting at": N_("a quote opened here is not closed; end the text with \""),
    "Invalid control character at": N_(
        "a text not closed on its line (a quote \" is missing), or a tab or line break typed inside it (write \\t or \\n)"),
}


def _load_yaml(path: Path, raw: bytes, limits: Limits) -> Any:
    try:
        return yaml_reader.load(raw, limits)
    except yaml_reader.YamlProblem as err:
        raise InputError(f"{path}: {_where(err.mark)}{err.message}") from err
    except yaml.MarkedYAMLError as err:
        raise InputError(f"{path}: {yaml_syntax.explain(err, raw)}") from err
    except yaml.YAMLError as err:
        raise InputError(f"{path}: " + _('invalid YAML ({err})').format(err=err)) from err
    except RecursionError as err:
        raise InputError(f"{path}: " + _("invalid YAML (nested too deeply)")) from err


def _where(mark: Any) -> str:
    return _('line {line}, column {column}: ').format(line=mark.line + 1, column=mark.column + 1) if mark is not None else ""


def _raw_controls(path: Path, raw: bytes, clean_text: bool, changes: list[str] | None) -> bytes:
    """Control characters typed raw into the file, by line and column (UTF-8 never uses these
    bytes inside another character, so the bytes can be searched)."""
    found = []
    line, line_start, scanned = 1, 0, 0
    for match in _RAW_CONTROL.finditer(raw):
        line += raw.count(b"\n", scanned, match.start())
        scanned = match.start()
        line_start = raw.rfind(b"\n", 0, match.start()) + 1
        column = len(raw[line_start:match.start()].decode("utf-8", "replace")) + 1
        found.append(_('line {line}, column {column}: U+{value:04X}').format(line=line, column=column, value=ord(match.group())))
    if not found:
        return raw
    if not clean_text:
        raise InputError(
            _('{path}: {count} control character(s) a letter cannot carry (remove them, or run with --clean-text)').format(path=path, count=len(found)),
            problems=found,
        )
    if changes is not None:
        changes.extend(_('{path}: {where}: removed').format(path=path, where=where) for where in found)
    return _RAW_CONTROL.sub(b"", raw)


_RAW_CONTROL = re.compile(b"[\x00-\x08\x0b\x0c\x0e-\x1f]")


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
        raise InputError(_("{path}: cannot write this kind of file; expected .yaml, .yml, .json or .xlsx").format(path=path))
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
