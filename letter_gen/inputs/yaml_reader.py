"""YAML inputs read from libyaml's event stream straight into plain data, within limits.

PyYAML's usual path builds a node for every value (with two marks each) and then the data:
on a 100,000-unit round that is gigabytes, and its pure-Python parser takes a minute. Here
libyaml's C parser (PyYAML's ``CParser``; the pure-Python parser only when PyYAML was built
without libyaml) gives events, and one pass turns them into dicts, lists and scalars, so the
file is parsed once and only the data stays in memory.

The pass is also where a hostile file is stopped: aliases (``*name``) are counted and the
size of the data after their expansion is summed as it grows, so an alias bomb is refused
after a few events instead of filling the memory of the steps that copy the data (the model,
``--clean-text``). Its rules, the same as the YAML loader it replaces:

- a key given twice is refused (the second would silently drop the first); merge keys
  (``<<: *base``) merge, and the mapping's own keys win over merged ones;
- dates stay text (``2021-02-30`` reaches the model, which names the field);
- only the tags of plain data are allowed (``!!str``, ``!!int``, ``!!float``, ``!!bool``,
  ``!!null``, ``!!map``, ``!!seq``): ``!!binary``, ``!!timestamp``, ``!!set`` and custom
  tags are refused by line;
- a key must be a scalar, and an alias may not refer to the node that holds it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.events import (
    AliasEvent,
    DocumentEndEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
    StreamStartEvent,
)
from yaml.nodes import ScalarNode

from letter_gen.i18n import N_, _, local_number
from letter_gen.inputs.limits import Limits

#: Whether PyYAML's libyaml parser (C) is there; without it the pure-Python parser is ~15× slower.
WITH_LIBYAML: bool = bool(getattr(yaml, "__with_libyaml__", False))

_TAG = "tag:yaml.org,2002:"
_STR, _NULL, _BOOL, _INT, _FLOAT = (_TAG + n for n in ("str", "null", "bool", "int", "float"))
#: The kinds of value a tag asks for, as a message names them.
_KINDS = {_BOOL: N_("true/false value"), _INT: N_("whole number"), _FLOAT: N_("number")}
_MAP, _SEQ, _MERGE = _TAG + "map", _TAG + "seq", _TAG + "merge"
_TIMESTAMP = _TAG + "timestamp"


class YamlProblem(Exception):
    """Raised when a YAML file is refused; ``mark`` is where (0-based line and column)."""

    def __init__(self, message: str, mark: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.mark = mark


class _Resolver(yaml.resolver.Resolver):
    """YAML 1.1's implicit types of a plain scalar, dates excepted: they stay text."""


_Resolver.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _TIMESTAMP]
    for first, resolvers in yaml.resolver.Resolver.yaml_implicit_resolvers.items()
}


class _PyParser(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser):
    """PyYAML's pure-Python parser: the events of libyaml's, 10-15x slower (no libyaml only)."""

    def __init__(self, source: bytes) -> None:
        yaml.reader.Reader.__init__(self, source)
        yaml.scanner.Scanner.__init__(self)  # type: ignore[no-untyped-call]
        yaml.parser.Parser.__init__(self)  # type: ignore[no-untyped-call]


def _parser(source: bytes, with_libyaml: bool = WITH_LIBYAML) -> Any:
    if with_libyaml:
        from yaml._yaml import CParser

        return CParser(source)
    return _PyParser(source)


class _Frame:
    """A mapping or sequence being read: its items so far and where its size started."""

    __slots__ = ("items", "is_mapping", "anchor", "start", "key", "key_mark", "has_key", "merges")

    def __init__(self, is_mapping: bool, anchor: str | None, start: int) -> None:
        self.is_mapping = is_mapping
        self.items: Any = {} if is_mapping else []
        self.anchor = anchor
        self.start = start
        self.key: Any = None
        self.key_mark: Any = None
        self.has_key = False
        self.merges: list[dict[Any, Any]] = []


_MERGE_KEY = object()  # the key ``<<``
_BUILDING = object()  # an anchor whose node is not finished: an alias to it refers to itself


class _Builder:
    """Turns the events of one document into data, counting aliases and the expanded size."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.total = 0  # characters and items read so far, aliases expanded
        self.aliases = 0
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.stack: list[_Frame] = []
        self.resolver = _Resolver()
        self.constructor = SafeConstructor()
        self.root: Any = None

    def grow(self, size: int, mark: Any) -> None:
        self.total += size
        if self.total > self.limits.expanded_chars:
            if self.aliases:
                message = _("the data grows past {most} characters (its aliases expanded); an inspection round is far smaller"
                            " (the limit is {variable})")
            else:
                message = _("the data grows past {most} characters (the most an input holds); an inspection round is far smaller"
                            " (the limit is {variable})")
            raise YamlProblem(message.format(most=f"{self.limits.expanded_chars:,}", variable=Limits.variable("expanded_chars")), mark)

    def scalar(self, event: ScalarEvent) -> None:
        value, tag = event.value, event.tag
        if tag is None or tag == "!":
            tag = self.resolver.resolve(ScalarNode, value, event.implicit)
        self.grow(len(value) + 1, event.start_mark)
        if tag == _STR:
            data: Any = value
        elif tag == _NULL:
            data = None
        elif tag == _MERGE:  # ``<<``: a merge as a key, else the text itself
            data = _MERGE_KEY if self.expects_key() else value
        elif tag in (_BOOL, _INT, _FLOAT):
            try:
                data = self.constructor.yaml_constructors[tag](self.constructor, ScalarNode(tag, value))
            except (ValueError, KeyError):
                raise YamlProblem(_("{value!r} is not a valid {kind}").format(value=value, kind=_(_KINDS[tag])), event.start_mark) from None
        else:
            raise _tag_problem(tag, event.start_mark)
        self.anchor(event.anchor, data, len(value) + 1)
        self.add(data, event.start_mark)

    def alias(self, event: AliasEvent) -> None:
        anchored = self.anchors.get(event.anchor or "")
        if anchored is None:
            raise YamlProblem(_('the alias *{anchor} names no anchor &{anchor} above it').format(anchor=event.anchor), event.start_mark)
        if anchored[0] is _BUILDING:
            raise YamlProblem(_('the alias *{anchor} refers to the very node that holds it').format(anchor=event.anchor), event.start_mark)
        self.aliases += 1
        if self.aliases > self.limits.aliases:
            raise YamlProblem(_('more than {aliases} aliases (*name); an inspection round needs far fewer (the limit is {value})').format(aliases=local_number(self.limits.aliases, ","), value=Limits.variable('aliases')), event.start_mark)
        data, size = anchored
        self.grow(size, event.start_mark)
        self.add(data, event.start_mark)

    def start(self, event: MappingStartEvent | SequenceStartEvent, is_mapping: bool) -> None:
        tag = event.tag
        if tag not in (None, "!", _MAP if is_mapping else _SEQ):
            raise _tag_problem(tag, event.start_mark)
        if self.expects_key():
            raise YamlProblem(_("a key must be a plain name, not a list or mapping"), event.start_mark)
        self.grow(1, event.start_mark)
        if event.anchor is not None:
            self.anchors[event.anchor] = (_BUILDING, 0)
        self.stack.append(_Frame(is_mapping, event.anchor, self.total - 1))

    def end(self, event: MappingEndEvent | SequenceEndEvent) -> None:
        frame = self.stack.pop()
        data = frame.items
        if frame.merges:
            merged: dict[Any, Any] = {}
            for mapping in reversed(frame.merges):  # the first mapping named wins, as in PyYAML
                merged.update(mapping)
            merged.update(data)
            data = merged
        self.anchor(frame.anchor, data, self.total - frame.start)
        self.add(data, event.start_mark)

    def anchor(self, name: str | None, data: Any, size: int) -> None:
        if name is not None:
            self.anchors[name] = (data, size)

    def expects_key(self) -> bool:
        return bool(self.stack) and self.stack[-1].is_mapping and not self.stack[-1].has_key

    def add(self, data: Any, mark: Any) -> None:
        if not self.stack:
            self.root = data
            return
        frame = self.stack[-1]
        if not frame.is_mapping:
            frame.items.append(data)
        elif not frame.has_key:
            try:
                hash(data)
            except TypeError:
                raise YamlProblem(_("a key must be a plain name, not a list or mapping"), mark) from None
            if data is not _MERGE_KEY and data in frame.items:
                raise YamlProblem(_('the key {data!r} is given twice').format(data=data), mark)
            frame.key, frame.key_mark, frame.has_key = data, mark, True
        else:
            if frame.key is _MERGE_KEY:
                frame.merges.extend(_merged(data, frame.key_mark))
            else:
                frame.items[frame.key] = data
            frame.has_key = False


def _merged(data: Any, mark: Any) -> list[dict[Any, Any]]:
    if isinstance(data, dict):
        return [data]
    if isinstance(data, list) and all(isinstance(item, dict) for item in data):
        return list(data)
    raise YamlProblem(_("a merge key (<<) takes a mapping, or a list of mappings, to merge"), mark)


def _tag_problem(tag: str, mark: Any) -> YamlProblem:
    shown = "!!" + tag.removeprefix(_TAG) if tag.startswith(_TAG) else tag
    return YamlProblem(_('the tag {shown} is not allowed in an inspection input; write the value as plain text, a number, true/false or a list, without a tag').format(shown=shown), mark)


def _line_of(event: Any) -> int:
    mark = event.start_mark
    return mark.line + 1 if mark is not None else 0


def field_lines(source: bytes) -> dict[tuple[int | str, ...], int]:
    """The line (from 1) of every field and list item of a YAML (or JSON) document, by its path
    (``('units', 1, 'name')``), so a problem can name the line to mend. Read again only when an
    input has a problem; ``{}`` for a text the parser refuses (its own error says where)."""
    lines: dict[tuple[int | str, ...], int] = {}
    stack: list[list[Any]] = []  # per open node: [path, is_mapping, key, key line, next index]
    parser = _parser(source)
    try:
        while not isinstance(event := parser.get_event(), StreamEndEvent):
            if isinstance(event, (MappingEndEvent, SequenceEndEvent)):
                stack.pop()
                continue
            if not isinstance(event, (ScalarEvent, AliasEvent, MappingStartEvent, SequenceStartEvent)):
                continue
            path: tuple[int | str, ...] = ()
            if stack:
                top = stack[-1]
                if top[1] and top[2] is None:  # a key: its line is the field's
                    top[2], top[3] = getattr(event, "value", ""), _line_of(event)
                    continue
                if top[1]:
                    path, line = (*top[0], top[2]), top[3]
                    top[2] = None
                else:
                    path, line = (*top[0], top[4]), _line_of(event)
                    top[4] += 1
                lines.setdefault(path, line)
            if isinstance(event, (MappingStartEvent, SequenceStartEvent)):
                stack.append([path, isinstance(event, MappingStartEvent), None, 0, 0])
    except yaml.YAMLError:
        return {}
    finally:
        dispose = getattr(parser, "dispose", None)
        if dispose is not None:
            dispose()
    return lines


def load(source: bytes, limits: Limits, *, with_libyaml: bool = WITH_LIBYAML) -> Any:
    """The data of one YAML document (``None`` for an empty file).

    Raises :class:`YamlProblem` for a refused file and ``yaml.MarkedYAMLError`` for one
    that is not YAML at all.
    """
    parser = _parser(source, with_libyaml)
    builder = _Builder(limits)
    handlers: dict[type, Callable[[Any], None]] = {
        ScalarEvent: builder.scalar,
        AliasEvent: builder.alias,
        MappingStartEvent: lambda e: builder.start(e, True),
        SequenceStartEvent: lambda e: builder.start(e, False),
        MappingEndEvent: builder.end,
        SequenceEndEvent: builder.end,
    }
    documents = 0
    try:
        while True:
            event = parser.get_event()
            handler = handlers.get(type(event))
            if handler is not None:
                handler(event)
            elif isinstance(event, DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise YamlProblem(_("a second document (---) in the file; an input is one document"), event.start_mark)
            elif isinstance(event, StreamEndEvent):
                return builder.root
            elif not isinstance(event, (StreamStartEvent, DocumentEndEvent)):  # pragma: no cover
                raise YamlProblem(_('unexpected {__name__}').format(__name__=type(event).__name__), event.start_mark)
    finally:
        dispose = getattr(parser, "dispose", None)
        if dispose is not None:
            dispose()
