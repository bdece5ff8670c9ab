"""The Jinja sandbox letters render in: no Python internals, and bounded work.

Jinja's :class:`~jinja2.sandbox.SandboxedEnvironment` keeps a template away from Python's
internals; :class:`LetterSandbox` also bounds what a template may compute (the numbers are in
:mod:`letter_gen.limits`):

- every ``{% for %}`` counts its iterations against one budget per rendered part, so nested
  ``range(99999)`` loops stop after a second, not hours later;
- ``**``, ``*``, ``+`` and ``%`` refuse results too big (``year ** year ** year``, ``'x' * 300000000``,
  a ``%`` format wider than a value may be) *before* computing them;
- every call and filter refuses a size or count argument too big (``s.ljust(n)``,
  ``s|center(n)``), or two arguments that would multiply into too big a result
  (``s.replace(a, b)``, ``sep.join(items)``), and any result too big;
- ``namespace()`` attributes hold no value too big (doubling a string in a loop), and
  ``lipsum`` (pages of filler text) is not offered.

Jinja folds constant expressions while compiling; with the operators intercepted and the
filters checked, ``{{ 'x' * 300000000 }}`` can no longer run then, during ``from_string``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from jinja2 import nodes
from jinja2.sandbox import SandboxedEnvironment, SecurityError
from jinja2.utils import Namespace

from letter_gen import limits
from letter_gen.i18n import N_, _, local_number


def _a_call() -> str:
    return _("a call in the template")


class LimitError(SecurityError):
    """Raised when a template computes more than :mod:`letter_gen.limits` allows."""


#: What a limit is about, as the clerk reads it; worked out only when a limit is passed (every
#: call and filter of every letter is checked, and translating each time cost more than the check).
_What = Callable[[], str]


def _too_big(what: _What, size: int, limit: int, unit: str = N_("characters")) -> LimitError:
    return LimitError(
        _("{what} would make {size} {unit}, more than a template may ({limit} at most)").format(
            what=what(), size=local_number(size, ","), unit=_(unit), limit=local_number(limit, ",")
        )
    )


def _size(value: Any) -> int | None:
    """The length of a text or collection, or the value of a whole number; None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return abs(value)
    if isinstance(value, (str, bytes, list, tuple, dict, set, frozenset, range)):
        return len(value)
    return None


def _check_arguments(what: _What, values: Iterable[Any]) -> None:
    """Refuse a size or count too big, or two sizes whose product would be."""
    sizes = sorted(s for s in (_size(v) for v in values) if s is not None)
    if sizes and sizes[-1] > limits.VALUE_ITEMS:
        raise _too_big(what, sizes[-1], limits.VALUE_ITEMS)
    if len(sizes) > 1 and sizes[-1] * sizes[-2] > 16 * limits.VALUE_ITEMS:
        raise _too_big(what, sizes[-1] * sizes[-2], 16 * limits.VALUE_ITEMS)


def _check_result(what: _What, value: Any) -> Any:
    if isinstance(value, (str, bytes, list, tuple, dict, set)) and len(value) > limits.VALUE_ITEMS:
        raise _too_big(what, len(value), limits.VALUE_ITEMS)
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > limits.NUMBER_BITS:
        raise _too_big(what, value.bit_length(), limits.NUMBER_BITS, N_("bits"))
    return value


_FORMAT_WIDTH = re.compile(r"%[-#0 +]*(\d*)(?:\.(\d+))?")


def _checked_binop(operator: str, left: Any, right: Any) -> Any:
    """``left operator right`` when its result stays within the limits, else :class:`LimitError`."""
    def what() -> str:
        return _("'{operator}' in the template").format(operator=operator)

    ints = all(isinstance(v, int) and not isinstance(v, bool) for v in (left, right))
    if operator == "**" and ints and abs(left) > 1 and right > 0:
        bits = left.bit_length() * right
        if bits > limits.NUMBER_BITS:
            raise _too_big(what, bits, limits.NUMBER_BITS, N_("bits"))
    elif operator == "*" and ints:
        if left.bit_length() + right.bit_length() > limits.NUMBER_BITS:
            raise _too_big(what, left.bit_length() + right.bit_length(), limits.NUMBER_BITS, N_("bits"))
    elif operator == "*":
        sizes = [_size(v) for v in (left, right)]
        if None not in sizes:
            product = sizes[0] * sizes[1]  # type: ignore[operator]
            if product > limits.VALUE_ITEMS:
                raise _too_big(what, product, limits.VALUE_ITEMS)
    elif operator == "+" and not ints:
        sizes = [_size(v) for v in (left, right)]
        if None not in sizes and sizes[0] + sizes[1] > limits.VALUE_ITEMS:  # type: ignore[operator]
            raise _too_big(what, sizes[0] + sizes[1], limits.VALUE_ITEMS)  # type: ignore[operator]
    elif operator == "%" and isinstance(left, str):
        widths = [int(n) for m in _FORMAT_WIDTH.finditer(left) for n in m.groups() if n]
        arguments = right if isinstance(right, tuple) else (right,)
        _check_arguments(what, [*widths, *(a for a in arguments if isinstance(a, int))])
    return _check_result(what, _BINOPS[operator](left, right))


_BINOPS: dict[str, Callable[[Any, Any], Any]] = {
    "**": lambda a, b: a**b, "*": lambda a, b: a * b, "+": lambda a, b: a + b, "%": lambda a, b: a % b,
}  # fmt: skip


def constant_value(node: nodes.Expr) -> Any:
    """The value of an expression of constants, computed within the limits (:class:`LimitError`
    when too big); :class:`jinja2.nodes.Impossible` when it is not made of constants."""
    if isinstance(node, nodes.BinExpr) and node.operator in _BINOPS:
        return _checked_binop(node.operator, constant_value(node.left), constant_value(node.right))
    if isinstance(node, (nodes.Const, nodes.Tuple, nodes.List)):
        return node.as_const()
    raise nodes.Impossible()


def _checked_filter(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(function)  # keeps Jinja's pass_context / pass_environment marks
    def checked(*args: Any, **kwargs: Any) -> Any:
        def what() -> str:
            return _("the filter '{name}'").format(name=name)

        _check_arguments(what, [*args, *kwargs.values()])
        return _check_result(what, function(*args, **kwargs))

    return checked


class _BoundedNamespace(Namespace):
    """``namespace()``: its attributes hold no value too big (a string doubled in a loop)."""

    def __setitem__(self, name: str, value: Any) -> None:
        _check_result(lambda: _("namespace attribute '{name}'").format(name=name), value)
        super().__setitem__(name, value)


def _range(*args: int) -> range:
    items = range(*args)
    if len(items) > limits.RANGE_ITEMS:
        raise _too_big(lambda: "range()", len(items), limits.RANGE_ITEMS, N_("items"))
    return items


class LetterSandbox(SandboxedEnvironment):
    """The sandbox of :func:`letter_gen.letters.render.make_environment`, with bounded work."""

    intercepted_binops = frozenset(_BINOPS)

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.filters = {name: _checked_filter(name, f) for name, f in self.filters.items()}
        self.globals.update(range=_range, namespace=_BoundedNamespace)
        self.globals.pop("lipsum", None)
        self.iterations = 0

    def start_part(self) -> None:
        """A new budget of loop iterations, for one part of one letter."""
        self.iterations = 0

    def counted(self, iterable: Iterable[Any]) -> Iterator[Any]:
        """The items of a ``{% for %}``, counted against the part's budget."""
        for item in iterable:
            self.iterations += 1
            if self.iterations > limits.LOOP_ITERATIONS:
                raise LimitError(
                    _("the template's loops ran {count} times, more than a letter may ({limit} at most)").format(
                        count=local_number(self.iterations, ","), limit=local_number(limits.LOOP_ITERATIONS, ",")
                    )
                )
            yield item

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        return _checked_binop(operator, left, right)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805 (Jinja's signature)
        what = _a_call
        receiver = getattr(__obj, "__self__", None)  # 'x'.ljust(n): the text is an argument too
        _check_arguments(what, [*args, *kwargs.values(), *([receiver] if _size(receiver) is not None else [])])
        return _check_result(what, super().call(__context, __obj, *args, **kwargs))

    def _generate(self, source: nodes.Template, name: str | None, filename: str | None, defer_init: bool = False) -> str:
        for loop in source.find_all(nodes.For):  # every loop's items go through counted()
            loop.iter = nodes.Call(
                nodes.EnvironmentAttribute("counted", lineno=loop.lineno), [loop.iter], [], None, None, lineno=loop.lineno
            )
        return super()._generate(source, name, filename, defer_init=defer_init)

