"""Which register a command uses (sổ đăng ký văn bản đi), found the same way from any folder.

The order, first found wins: ``--register``; the ``LETTER_GEN_REGISTER`` environment variable;
``register = "..."`` in a ``letter-gen.toml`` in the working folder or any folder above it (an
office keeps one beside its letters; a relative path is read from the file's folder); else the
user's data folder (``~/.local/share/letter-gen/register.sqlite`` on Linux, the usual places on
Windows and macOS). Never a path relative to where the command happens to run.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from letter_gen.i18n import _, N_, os_reason
from letter_gen.errors import UsageError

ENVIRONMENT_VARIABLE = "LETTER_GEN_REGISTER"
CONFIG_NAME = "letter-gen.toml"
#: Where versions before 0.2 kept the register: relative to the folder the command ran in.
OLD_DEFAULT = Path("data") / "register.sqlite"


@dataclass(frozen=True)
class RegisterLocation:
    """The register in use and how it was found."""

    path: Path
    source: str  #: "--register", "LETTER_GEN_REGISTER", the config file's path, or "user data folder"

    def describe(self) -> str:
        """``/home/vt/.local/share/letter-gen/register.sqlite (the user's data folder)``."""
        return _("{path} (from {source})").format(path=self.path, source=_(self.source))

    def exists(self) -> bool:
        """Whether the register's file is there; :class:`UsageError` naming where the path came
        from when it cannot even be looked for (a name too long, a path through a file)."""
        try:
            return self.path.exists()
        except OSError as err:
            raise UsageError(_("{register}: cannot use this path for the register ({why})").format(
                register=self.describe(), why=os_reason(err))) from err


def user_register() -> Path:
    """The register of the user's data folder, shared by every folder the user works in."""
    import platformdirs  # only when the register is looked for

    return platformdirs.user_data_path("letter-gen", appauthor=False) / "register.sqlite"


def locate(option: Path | None, *, cwd: Path | None = None, environ: Mapping[str, str] | None = None) -> RegisterLocation:
    """The register a command uses: ``--register``, then the environment, then the nearest
    ``letter-gen.toml``, then the user's data folder."""
    environ = os.environ if environ is None else environ
    if option is not None:
        return RegisterLocation(Path(option).expanduser().absolute(), "--register")
    if environ.get(ENVIRONMENT_VARIABLE):
        return RegisterLocation(Path(environ[ENVIRONMENT_VARIABLE]).expanduser().absolute(), ENVIRONMENT_VARIABLE)
    config = find_config(cwd or Path.cwd())
    if config is not None:
        value = read_config(config).get("register")
        if value is not None:
            if not isinstance(value, str) or not value.strip():
                raise UsageError(_('{config}: register: expected the register\'s path as text, e.g. register = "so-di.sqlite"').format(config=config))
            path = Path(value).expanduser()
            return RegisterLocation((path if path.is_absolute() else config.parent / path).absolute(), str(config))
    return RegisterLocation(user_register(), N_("the user's data folder"))


def find_config(start: Path) -> Path | None:
    """The nearest ``letter-gen.toml`` in ``start`` or a folder above it."""
    for folder in (start.absolute(), *start.absolute().parents):
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return candidate
    return None


def read_config(path: Path) -> dict[str, object]:
    """A ``letter-gen.toml``'s settings; a file that is not TOML is named with the line at fault."""
    import tomllib  # only when there is such a file: most commands start without one

    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as err:
        raise UsageError(_("{path}: not a valid settings file ({err})").format(path=path, err=err)) from err
    except OSError as err:
        raise UsageError(_("{path}: cannot read it ({why})").format(path=path, why=os_reason(err))) from err


def stray_old_register(location: RegisterLocation, cwd: Path | None = None) -> Path | None:
    """``./data/register.sqlite`` left by an older letter_gen when it is not the register in use:
    its numbers would otherwise be forgotten (``letter-gen register adopt`` takes it over)."""
    old = ((cwd or Path.cwd()) / OLD_DEFAULT).absolute()
    if old.is_file() and old.resolve() != location.path.resolve():
        return old
    return None


def sequences(cwd: Path | None = None) -> dict[str, str]:
    """The kinds numbered in a sequence of their own, from the nearest ``letter-gen.toml``::

        [sequences]
        team-decision = "QĐ"

    By default (no such table) every kind takes its number from the agency's one sequence."""
    config = find_config(cwd or Path.cwd())
    if config is None:
        return {}
    table = read_config(config).get("sequences", {})
    if not isinstance(table, dict) or not all(isinstance(v, str) and v.strip() for v in table.values()):
        raise UsageError(_('{config}: [sequences]: expected kind = "sequence name" lines, e.g. team-decision = "QĐ"').format(
            config=config))  # fmt: skip
    from letter_gen.letters.kinds import KINDS  # the input model behind it: not for `letter-gen --help`

    unknown = sorted(set(table) - set(KINDS))
    if unknown:
        raise UsageError(_("{config}: [sequences]: {names}: not a kind; the kinds are {kinds}").format(
            config=config, names=", ".join(unknown), kinds=", ".join(KINDS)))  # fmt: skip
    return {kind: value.strip() for kind, value in table.items()}
