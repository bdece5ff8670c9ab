"""The clerk's language: Vietnamese by default, English on request.

Every message a clerk reads is an English msgid wrapped in :func:`_` (or :func:`ngettext`
for a number of things); the translations live in gettext catalogs,
``letter_gen/locale/<lang>/LC_MESSAGES/letter_gen.po``, compiled to ``.mo`` beside them
(``pybabel compile -d letter_gen/locale -D letter_gen``; a test fails when the ``.mo`` is
older than the ``.po`` or a msgid is missing from it).

The language is read from the environment at each message, so a test (or a clerk) can
switch it: ``LETTER_GEN_LANG`` (``vi`` or ``en``) first; else the first of ``LANGUAGE``,
``LC_ALL``, ``LC_MESSAGES`` and ``LANG`` that is set decides English when it starts with
``en``; anything else, ``C``, ``POSIX`` or nothing at all, means Vietnamese: the clerks
this tool is for read Vietnamese first, and their machines often say ``C.UTF-8``.
"""

from __future__ import annotations

import errno
import gettext as _gettext
import os
from pathlib import Path

DOMAIN = "letter_gen"
LOCALE_DIR = Path(__file__).with_name("locale")
LANGUAGES = ("vi", "en")

#: click's own messages (Usage:, Options:, "Missing option") have their own catalog, made from
#: click's sources, so the clerk reads them in the same language.
CLICK_DOMAIN = "click"

_catalogs: dict[tuple[str, str], _gettext.NullTranslations] = {}


_VARIABLES = ("LETTER_GEN_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")
try:  # the variables' names as os.environ's own table keys them (bytes on POSIX)
    _KEYS: tuple[object, ...] | None = tuple(os.environ.encodekey(name) for name in _VARIABLES)  # type: ignore[attr-defined]
except AttributeError:
    _KEYS = None
_decided: dict[tuple[object, ...], str] = {}


def language() -> str:
    """``"vi"`` or ``"en"``, from the environment (see the module's docstring)."""
    # Asked at every message (checking a letter asks ~20 times). os.environ.get costs an exception
    # per unset variable, so the decision is kept per set of values, read from os.environ's own
    # table: a change of LETTER_GEN_LANG still shows at the next message.
    data = getattr(os.environ, "_data", None)
    if _KEYS is None or not isinstance(data, dict):
        return _decide()
    values = tuple([data.get(key) for key in _KEYS])
    found = _decided.get(values)
    if found is None:
        if len(_decided) > 64:
            _decided.clear()
        found = _decided[values] = _decide()
    return found


def _decide() -> str:
    chosen = os.environ.get("LETTER_GEN_LANG", "").strip().lower()
    if chosen:
        return "en" if chosen.startswith("en") else "vi"
    for variable in _VARIABLES[1:]:
        value = os.environ.get(variable, "")
        if value:
            return "en" if value.split(":")[0].lower().startswith("en") else "vi"
    return "vi"


def catalog(lang: str | None = None, domain: str = DOMAIN) -> _gettext.NullTranslations:
    """The translations of ``lang`` (default: the current language); English is the msgids."""
    key = (lang or language(), domain)
    found = _catalogs.get(key)
    if found is None:
        found = _catalogs[key] = _gettext.translation(domain, LOCALE_DIR, languages=[key[0]], fallback=True)
    return found


def _(message: str) -> str:
    """``message`` in the clerk's language."""
    return catalog().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of ``singular``/``plural`` for ``n`` things, in the clerk's language."""
    return catalog().ngettext(singular, plural, n)


_VIETNAMESE_NUMBERS = str.maketrans({",": ".", ".": ","})


def local_number(value: float, spec: str = "g") -> str:
    """``value`` written as the clerk's language writes numbers, after the format ``spec``
    (``".1f"``, ``"g"``, ``","``): Vietnamese puts a comma before decimals and points between
    thousands (17,6 mm; 300.000 ký tự), English the other way round."""
    shown = format(value, spec)
    return shown.translate(_VIETNAMESE_NUMBERS) if language() == "vi" else shown


def click_gettext(message: str) -> str:
    """One of click's own messages in the clerk's language."""
    return catalog(domain=CLICK_DOMAIN).gettext(message)


def click_ngettext(singular: str, plural: str, n: int) -> str:
    """One of click's own messages about ``n`` things in the clerk's language."""
    return catalog(domain=CLICK_DOMAIN).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark ``message`` for the catalog without translating it yet (module constants, help
    texts): it is translated where it is shown, with :func:`_`."""
    return message


# The system's own words for what stopped a file operation (strerror) are English: the common
# ones are said in the clerk's language, by errno.
_OS_REASONS = {
    errno.EACCES: N_("no permission"),
    errno.EPERM: N_("no permission"),
    errno.EROFS: N_("the disk is read-only"),
    errno.ENOSPC: N_("the disk is full"),
    errno.EDQUOT: N_("the disk quota is used up"),
    errno.ENOENT: N_("no such file or folder"),
    errno.ENOTDIR: N_("part of the path is a file, not a folder"),
    errno.EISDIR: N_("that is a folder"),
    errno.EEXIST: N_("something of that name is already there"),
    errno.ENAMETOOLONG: N_("the name is too long"),
    errno.EMFILE: N_("too many files open"),
    errno.EIO: N_("the disk could not be read or written"),
    errno.EBUSY: N_("the file is in use"),
    errno.ELOOP: N_("too many symbolic links"),
}


def os_reason(err: OSError) -> str:
    """Why a file operation failed, in the clerk's language (the system's words for a rare one)."""
    reason = _OS_REASONS.get(err.errno) if err.errno is not None else None
    if reason is not None:
        return _(reason)
    return err.strerror or str(err)


def extract_with_docstrings(fileobj, keywords, comment_tags, options):  # type: ignore[no-untyped-def]
    """A Babel extractor: the ``_()``, ``N_()`` and ``ngettext()`` calls of a file, and the
    docstrings of its click commands and groups (their ``--help``), cleaned as click shows them. Named in ``babel.cfg``; imports Babel, a development tool, only when it runs."""
    import ast
    import inspect

    from babel.messages.extract import extract_python

    source = fileobj.read()
    yield from extract_python(_io_bytes(source), keywords, comment_tags, options)
    tree = ast.parse(source.decode(options.get("encoding", "utf-8")) if isinstance(source, bytes) else source)
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and any(_is_click_command(d) for d in node.decorator_list):
            doc = ast.get_docstring(node, clean=False)
            if doc:
                yield node.body[0].lineno, "", inspect.cleandoc(doc), ["click help of the command " + node.name]


def _is_click_command(decorator: object) -> bool:
    """``@main.command(...)``, ``@register.command("where")``, ``@click.group(...)``."""
    import ast

    return isinstance(decorator, ast.Call) and getattr(decorator.func, "attr", None) in ("command", "group")


def _io_bytes(data: bytes | str):  # type: ignore[no-untyped-def]
    import io

    return io.BytesIO(data if isinstance(data, bytes) else data.encode("utf-8"))
