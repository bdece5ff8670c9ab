"""The ``letter-gen`` command: a thin click layer over :mod:`letter_gen.output.writer` and friends.

Only this module imports click. Every :class:`~letter_gen.errors.LetterGenError` becomes a
message on stderr and its exit code in one place (:class:`_Group`); a traceback reaching a
clerk is a bug.

Commands import the library inside their bodies, on purpose: ``letter-gen --help`` must start
fast (under 0.3 s, see bench/run.py), and the library brings lxml, python-docx, docxtpl, Jinja,
pydantic and openpyxl, which only the command that runs needs.
"""

from __future__ import annotations

import atexit
import contextlib
import datetime as dt
import gc
import inspect
import json
import os
import signal
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click
import click.core
import click.decorators
import click.exceptions
import click.formatting
import click.parser
import click.termui
import click.types
import click.utils

from letter_gen.errors import LetterGenError, UsageError
from letter_gen.i18n import N_, _, click_gettext, click_ngettext, local_number, ngettext
from letter_gen.interrupts import Interrupted, stop_on_signals
from letter_gen.interrupts import check as check_stopped
from letter_gen.register.where import RegisterLocation, locate, stray_old_register
from letter_gen.vn import MAX_LETTER_NUMBER

# click's own words (Usage:, Options:, "Missing option", "Show this message and exit.") come
# from the stdlib's gettext, whose language only the environment decides; they are read from
# letter_gen's catalog of click's messages instead, so they follow the clerk's language too.
for _module in (click.core, click.decorators, click.exceptions, click.formatting, click.parser, click.termui, click.types, click.utils):
    if hasattr(_module, "_"):
        _module._ = click_gettext  # type: ignore[attr-defined]
    if hasattr(_module, "ngettext"):
        _module.ngettext = click_ngettext  # type: ignore[attr-defined]


#: An option's placeholder by its value's type, when it names none itself (click shows the type's
#: name, or a date's strptime formats).
_METAVARS = {"text": N_("TEXT"), "datetime": N_("DATE"), "integer": N_("NUMBER"), "integer range": N_("NUMBER")}


def _localize(command: click.Command) -> None:
    """Put the help texts of ``command`` and its subcommands in the clerk's language.

    Help texts are English msgids (docstrings and ``help=N_(...)``); the English ones are kept
    on the objects so the language can change between two invocations (tests do)."""
    msgids = command.__dict__.setdefault("_msgids", (command.help, command.short_help))
    command.help, command.short_help = (_(inspect.cleandoc(text)) if text else text for text in msgids)
    command._help_option = None  # click keeps the --help option, with its text, once made
    command.options_metavar = _("[OPTIONS]")  # the usage line: click's words, none of them gettext's
    if isinstance(command, click.Group):
        command.subcommand_metavar = _("COMMAND [ARGS]...")
    for param in command.params:
        if isinstance(param, click.Option):
            msgid = param.__dict__.setdefault("_msgid", param.help)
            param.help = _(msgid) if msgid else msgid
            # an option's placeholder in the clerk's words: DATE, not "[%d/%m/%Y|%Y-%m-%d]"
            shown = param.__dict__.setdefault("_metavar_msgid", param.metavar or _METAVARS.get(param.type.name))
            if shown:
                param.metavar = _(shown)
        elif isinstance(param, click.Argument):
            # an argument's placeholder too: "Thiếu tham số 'TỆP_DỮ_LIỆU'", not 'INPUT'
            shown = param.__dict__.setdefault("_metavar_msgid", param.metavar)
            if shown:
                param.metavar = _(shown)
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            _localize(sub)


class _Group(click.Group):
    """Turns library errors into a message and an exit code, for every command, a stop
    (Ctrl-C, SIGTERM, SIGHUP) into one line saying what was done, and speaks the clerk's language."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        _localize(self)
        _starting()
        try:
            return super().main(*args, **kwargs)
        finally:
            _collect_from_here(freeze=False)  # help, a usage error: the command ended before its work started

    def resolve_command(self, ctx: click.Context, args: list[str]) -> tuple[str | None, click.Command | None, list[str]]:
        name, command, rest = super().resolve_command(ctx, args)
        if command is not None and command.name not in _COLLECT_AFTER_THEIR_IMPORTS:
            _collect_from_here()
        return name, command, rest

    def invoke(self, ctx: click.Context) -> Any:
        stop_on_signals()
        try:
            result = super().invoke(ctx)
            check_stopped()  # a stop whose exception a library swallowed still ends the command as one
            return result
        except LetterGenError as err:
            for line in err.lines():
                click.echo(line, err=True)
            sys.exit(err.exit_code)
        except (Interrupted, KeyboardInterrupt) as stop:
            stopped = stop if isinstance(stop, Interrupted) else Interrupted(signal.SIGINT)
            _Progress.close_all()
            click.echo(_("stopped ({signal}): {done}").format(signal=stopped.name, done=_Progress.done_so_far()), err=True)
            sys.exit(stopped.exit_code)


#: The commands that call :func:`_collect_from_here` themselves, once their libraries are
#: imported: ``render`` (one letter, whose start-up is most of its time).
_COLLECT_AFTER_THEIR_IMPORTS = frozenset({"render"})
_collector_resting = False


def _starting() -> None:
    """The process's first command starts: Python's garbage collector rests until its libraries
    are imported. Start-up makes objects that live until the process ends; the collector would
    walk them again and again while they are made, and all of them once more as the process
    ends (together a quarter of ``render``'s time, issue 17), so at the end it ignores them too."""
    global _collector_resting
    if gc.isenabled() and gc.get_freeze_count() == 0:
        gc.disable()
        _collector_resting = True
        atexit.register(gc.freeze)


def _collect_from_here(*, freeze: bool = True) -> None:
    """Start-up is over: what it made is kept out of every later collection (``gc.freeze``), and
    the garbage the command's own work makes is collected as usual. ``freeze=False`` when
    ``main`` returns before the command's work began (help, a usage error): a program calling
    ``main`` (or a test) goes on with the collector on, nothing frozen."""
    global _collector_resting
    if _collector_resting:
        _collector_resting = False
        if freeze:
            gc.freeze()
        gc.enable()


_existing_file = click.Path(exists=True, dir_okay=False, path_type=Path)
_date_type = click.DateTime(formats=["%d/%m/%Y", "%Y-%m-%d"])


class _IssueDate(click.ParamType):
    """An issue date as clerks write it, 05/07/2021, or as ISO, 2021-07-05."""

    name = "date"

    def convert(self, value: Any, param: Any, ctx: Any) -> Any:
        import datetime as dt

        if isinstance(value, dt.datetime):
            return value
        for form in ("%d/%m/%Y", "%Y-%m-%d"):
            with contextlib.suppress(ValueError):
                return dt.datetime.strptime(value.strip(), form)
        self.fail(_("{value!r} is not a date: write it as 05/07/2021 (dd/mm/yyyy) or 2021-07-05").format(value=value), param, ctx)


def _register_flag(help_text: str) -> Any:
    """``--register PATH``; where it defaults to is register/where.py's, never the option's."""
    return click.option("--register", "register_path", type=click.Path(dir_okay=False, path_type=Path), default=None, help=help_text)


_register_option = _register_flag(N_(
    "The outgoing register (sổ đăng ký văn bản đi). Default: LETTER_GEN_REGISTER, else a letter-gen.toml"
    " here or above, else your data folder (letter-gen register where shows it)."
))
_existing_register_option = _register_flag(N_(
    "The outgoing register to read; it must exist. Default: LETTER_GEN_REGISTER, else a letter-gen.toml"
    " here or above, else your data folder (letter-gen register where shows it)."
))


@contextlib.contextmanager
def _register_in_use(option: Path | None, *, creating: bool = True) -> Iterator[RegisterLocation]:
    """The register a command uses; says on stderr when a NEW one is created, and refuses to
    create one while a register left by an older letter_gen in ./data would be forgotten."""
    location = locate(option)
    old = stray_old_register(location)
    existed = location.exists()
    if old is not None:
        adopt = f"letter-gen register adopt {old}"
        if creating and not existed:
            raise UsageError(_(
                "{old} holds the numbers an older letter-gen gave here, but the register in use is now"
                " {register}, which does not exist yet: issuing would start again at 01."
                " Take the old one over first ({adopt}), or name it with --register {old}"
            ).format(old=old, register=location.describe(), adopt=adopt))
        _note(_("{old} is a register an older letter-gen kept here, not the one in use ({register});"
                " to carry its numbers over: {adopt}").format(old=old, register=location.describe(), adopt=adopt))
    try:
        yield location
    finally:
        if not existed and location.exists():
            _note(_("created a NEW register: {register}").format(register=location.describe()))


def _force_option(command: Any) -> Any:
    return click.option(
        "--force", is_flag=True,
        help=N_("Replace a file already there that letter_gen did not write (never an input of this command)."),
    )(command)


def _clean_text_option(command: Any) -> Any:
    return click.option(
        "--clean-text", is_flag=True,
        help=N_("Remove characters a letter cannot carry (control characters) instead of refusing the input; each field changed is named."),
    )(command)


def _template_option(command: Any) -> Any:
    return click.option(
        "--template", "template", type=_existing_file, default=None,
        help=N_("Render with your own docxtpl template (.docx) instead of the bundled one; it is checked first."),
    )(command)


def _output_options(command: Any) -> Any:
    """--pdf, --pdfa and --no-check of render (one letter)."""
    command = click.option("--no-check", "no_check", is_flag=True, help=N_("Write the letter even if it breaks Decree 30's layout rules."))(command)
    command = click.option("--pdfa", is_flag=True, help=N_("Write an archival PDF/A-2b instead of a plain PDF (implies --pdf)."))(command)
    return click.option("--pdf", is_flag=True, help=N_("Also write a PDF beside the .docx (needs LibreOffice)."))(command)


def _batch_output_options(command: Any) -> Any:
    """--pdf, --pdfa and --no-check of batch (many letters)."""
    command = click.option("--no-check", "no_check", is_flag=True, help=N_("Write letters even if they break Decree 30's layout rules."))(command)
    command = click.option("--pdfa", is_flag=True, help=N_("Write archival PDF/A-2b instead of plain PDF (implies --pdf)."))(command)
    return click.option(
        "--pdf", is_flag=True, help=N_("Also write a PDF beside each letter, and OUT/letters.pdf with them all (needs LibreOffice)."),
    )(command)


def _issue_flags_need_issue(issue: bool, issue_date: Any, reissue: bool, allow_future: bool = False) -> None:
    if not issue and (issue_date is not None or reissue or allow_future):
        raise UsageError(_("--date, --reissue and --allow-future only apply with --issue (a draft has no number and no date)"))


def _warn(lines: list[str] | tuple[str, ...]) -> None:
    for line in lines:
        click.echo(_("warning: {message}").format(message=line), err=True)


def _note(line: str) -> None:
    click.echo(_("note: {message}").format(message=line), err=True)


def _issue_options(command: Any) -> Any:
    """--issue, --date and --reissue, shared by render and batch."""
    command = click.option("--reissue", is_flag=True, help=N_("Issue a changed letter again under a new number; the register keeps both."))(command)
    command = click.option(
        "--allow-future", is_flag=True, help=N_("Accept an issue date more than 3 days after today (a letter prepared ahead)."),
    )(command)
    command = click.option(
        "--date", "issue_date", type=_IssueDate(), default=None, metavar=N_("DATE"),
        help=N_("Issue date, 05/07/2021 or 2021-07-05 (default: today); not before the plan's date."),
    )(command)
    command = click.option("--issue", is_flag=True, help=N_("Number the letters from the register (without it: drafts)."))(command)
    return _register_option(command)


#: The kinds, as --kind's help lists them (letters/kinds.py holds the kinds; not imported here: start-up time).
_KIND_HELP = N_(
    "Which document of the round: follow-up, reminder, team-decision, plan, invitation, conclusion-notice"
    " or report (default: the input's letter.kind)."
)


def _kind_option(command: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--kind", default=None, metavar=N_("KIND"), help=_KIND_HELP)(command)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="letter-gen", help=N_("Show the version and exit."))
def main() -> None:
    """Vietnamese official letters (công văn) from inspection results, laid out per Decree 30/2020/NĐ-CP.

    Messages are in Vietnamese; LETTER_GEN_LANG=en gives English.
    """


@main.command(short_help=N_("Write the letter of one input (.docx, and PDF)."))
@click.argument("input_path", metavar=N_("INPUT"), type=_existing_file)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True, help=N_("The .docx to write."))
@click.option(
    "--unit", metavar=N_("UNIT"), default=None,
    help=N_("Write the letter to one unit: its name, its short name, or its number in the input's list of units (from 1)."),
)
@_kind_option
@_issue_options
@_template_option
@_clean_text_option
@_output_options
@_force_option
def render(
    input_path: Path, output: Path, unit: str | None, kind: str | None, issue: bool, issue_date: Any, reissue: bool,
    allow_future: bool,
    register_path: Path | None, template: Path | None, clean_text: bool, pdf: bool, pdfa: bool, no_check: bool, force: bool,
) -> None:
    """Write the letter of one inspection input (YAML, JSON or Excel) to one .docx.

    Without --unit: the consolidated letter to every unit, like the seed letter.
    With --unit: the letter to that unit alone, its findings and actions after the
    general requirements. --unit takes the unit's name or short name (the start of it is
    enough when only one unit starts so) or its number in the input's list of units,
    counting from 1.

    With --kind K: that document of the round (a decision, plan, invitation, notice, report
    or reminder) instead of the input's letter.kind.

    With --issue the letter takes the next number of the agency's sequence from the
    register (or the number it was given before) and the issue date. A letter that breaks
    Decree 30's layout rules is not written (--no-check writes it anyway).

    \b
    Examples:
      letter-gen render data/cchc-2021.yaml -o output/cchc-2021.docx
      letter-gen render data/cchc-2021.yaml -o output/chi-cuc.docx --unit "Chi cục Tiêu chuẩn"
      letter-gen render data/cchc-2021.yaml -o output/cchc-2021-issued.docx --issue --date 05/03/2021
      letter-gen render data/cchc-2021-kinds.yaml --kind team-decision -o output/quyet-dinh.docx
    """
    from letter_gen.output.writer import WriteOptions, render_file

    _collect_from_here()
    _issue_flags_need_issue(issue, issue_date, reissue, allow_future)
    with _register_in_use(register_path) if issue else contextlib.nullcontext() as location:
        options = WriteOptions(
            issue=issue, date=issue_date.date() if issue_date else None, register_path=location.path if location else None,
            reissue=reissue, allow_future=allow_future, check=not no_check, force=force,
        )  # fmt: skip
        letter = render_file(
            input_path, output, unit=unit, kind=kind, options=options, template=template, clean_text=clean_text, pdf=pdf, pdfa=pdfa,
        )
    _warn(letter.warnings)
    asked = issue_date.date() if issue_date else dt.date.today()
    if letter.content.date is not None and letter.content.date != asked:
        _note(_(
            "this letter was issued before as số {number} on {date} and keeps that number and date, not {asked}."
            " To change them, withdraw the number (letter-gen register void {n} --agency {agency} --year {year}"
            " --reason ...) and issue the letter again"
        ).format(number=letter.content.number_line.removeprefix("Số: "), date=f"{letter.content.date:%d/%m/%Y}",
                 asked=f"{asked:%d/%m/%Y}", n=letter.content.number, agency=letter.content.agency_code,
                 year=letter.content.date.year))
    facts = {
        "path": letter.path, "pdf": letter.pdf, "unit": letter.content.unit, "kind": letter.content.kind,
        "number": letter.content.number_line.removeprefix("Số: ") if letter.content.number else None,
    }
    click.echo(_render_line(letter.status == "written", facts))


def _render_line(written: bool, facts: dict[str, Any]) -> str:
    """``wrote out.docx (to Chi cục ..., số 05/SKHCN-TTr) and out.pdf``."""
    what = [_("to {unit}").format(unit=facts["unit"])] if facts["unit"] else []
    if not facts["unit"] and facts.get("kind", "follow-up") == "follow-up":
        what.append(_("to every unit"))  # a decision, plan or report goes to no one unit
    if facts["number"]:
        what.append(_("số {number}").format(number=facts["number"]))
    else:
        what.append(_("a draft"))
    line = (_("wrote {path} ({what})") if written else _("unchanged: {path} ({what})")).format(path=facts["path"], what=", ".join(what))
    if facts["pdf"]:
        line += _(" and {pdf}").format(pdf=facts["pdf"])
    return line


@main.command(short_help=N_("Check an input without writing anything."))
@click.argument("input_path", metavar=N_("INPUT"), type=_existing_file)
@_clean_text_option
def validate(input_path: Path, clean_text: bool) -> None:
    """Check an inspection input against the contract without writing anything.

    Exit code 0 when valid; 1 with one line per problem (field path, and sheet, row and
    column for Excel) when not.

    \b
    Example:
      letter-gen validate data/cchc-2021.yaml
    """
    from letter_gen.output.writer import validate_file

    round_, warnings = validate_file(input_path, clean_text=clean_text)
    _warn(warnings)
    units = len(round_.units)
    click.echo(ngettext("{file}: valid ({n} unit, {period})", "{file}: valid ({n} units, {period})", units).format(
        file=input_path, n=units, period=round_.period.label))


@main.command("excel-template", short_help=N_("Write the blank Excel form of an inspection round."))
@click.argument("output", metavar=N_("FILE.xlsx"), type=click.Path(dir_okay=False, path_type=Path))
@_force_option
def excel_template(output: Path, force: bool) -> None:
    """Write a blank Excel workbook a clerk fills in: one inspection round.

    Sheets: "Đợt kiểm tra" (the round, and a section for each other document of the round),
    "Đơn vị" (units), "Tồn tại - Khắc phục" (one row per finding or action), "Yêu cầu chung"
    (general requirements), and for the other documents "Thành viên đoàn" (the team),
    "Lịch kiểm tra" (the plan's schedule) and "Việc chưa khắc phục" (what a reminder lists).
    render, batch and validate read the filled workbook.

    \b
    Example:
      letter-gen excel-template output/kiem-tra-2021.xlsx
    """
    from letter_gen.inputs.excel import write_workbook

    if output.suffix.lower() != ".xlsx":
        raise UsageError(_("{path}: the workbook must end in .xlsx").format(path=output))
    write_workbook(output, force=force)
    click.echo(_("wrote {path}").format(path=output))


@main.command(short_help=N_("Convert an input between YAML, JSON and Excel."))
@click.argument("input_path", metavar=N_("IN"), type=_existing_file)
@click.argument("output", metavar=N_("OUT"), type=click.Path(dir_okay=False, path_type=Path))
@_clean_text_option
@_force_option
def convert(input_path: Path, output: Path, clean_text: bool, force: bool) -> None:
    """Convert an inspection input between YAML, JSON and Excel (by the file suffixes).

    The input is validated first; the output reads back as the same round.

    \b
    Example:
      letter-gen convert data/cchc-2021.yaml output/cchc-2021.xlsx
    """
    from letter_gen.inputs.formats import load_input, save_round

    if output.absolute() == input_path.absolute() or (output.exists() and output.samefile(input_path)):
        raise UsageError(_("{path}: that is the input file; give another name for the converted copy").format(path=output))
    warnings: list[str] = []
    save_round(load_input(input_path, clean_text=clean_text, changes=warnings), output, force=force)
    _warn(warnings)
    click.echo(_("wrote {path}").format(path=output))


_SIGNER_OPTIONS = (
    click.option("--signer", "signer_p12", type=_existing_file, default=None, help=N_("The signer's certificate, a PKCS#12 file (.p12, .pfx).")),
    click.option("--signature-image", type=_existing_file, default=None, help=N_("The signer's signature: a blue PNG with a transparent background.")),
    click.option("--agency", "agency_p12", type=_existing_file, default=None, help=N_("The agency's certificate, a PKCS#12 file (.p12, .pfx).")),
    click.option("--seal-image", type=_existing_file, default=None, help=N_("The agency's seal: a red PNG with a transparent background, at its real size.")),
    click.option("--pkcs11-lib", type=_existing_file, default=None, help=N_("The token's PKCS#11 library (.so), for certificates on a token.")),
    click.option("--token-label", default=None, help=N_("The signer's token label (with --pkcs11-lib).")),
    click.option("--cert-label", default=None, help=N_("The signer's certificate label on the token.")),
    click.option("--agency-token-label", default=None, help=N_("The agency's token label (with --pkcs11-lib).")),
    click.option("--agency-cert-label", default=None, help=N_("The agency's certificate label on the token.")),
    click.option("--tsa", "tsa_url", default=None, help=N_("A time-stamp server (RFC 3161) URL: signatures carry its trusted time.")),
)
#: The parameter names of the signer's options, as the commands receive them.
_SIGNER_PARAMS = (
    "signer_p12", "signature_image", "agency_p12", "seal_image", "pkcs11_lib", "token_label", "cert_label",
    "agency_token_label", "agency_cert_label", "tsa_url",
)


def _signer_options(command: Any) -> Any:
    """The certificates, images and time-stamp server of sign and batch --sign."""
    for option in reversed(_SIGNER_OPTIONS):
        command = option(command)
    return command


@main.command(short_help=N_("Write every letter of a period into a folder."))
@click.argument("inputs", metavar=N_("INPUT..."), nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--as-of", "as_of", type=_date_type, default=None,
              help=N_("With --kind reminder and no INPUT: the day deadlines are judged by (tracked items)."))
@click.option("--carry-forward", is_flag=True,
              help=N_("List in each unit's letter what is still open from earlier periods' letters (tracked items)."))
@click.option("--new-deadline", "new_deadline", type=_date_type, default=None,
              help=N_("With --kind reminder --as-of: the new deadline the reminders set (default: 15 days after --as-of)."))
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True, help=N_("Folder for the letters and the manifest."))
@click.option("--period", default=None, help=N_("Keep inputs of this period: 2021, 2021-Q2, 2021-H1 or 2021-06."))
@click.option(
    "--mode", type=click.Choice(["consolidated", "per-unit", "both"]), default="both", show_default=True,
    help=N_("One letter per input to all its units, one per unit with something to fix, or both."),
)
@_kind_option
@_issue_options
@click.option("--workers", type=click.IntRange(min=1), default=None, help=N_("Processes rendering letters (default: the number of cores)."))
@_template_option
@_clean_text_option
@_batch_output_options
@click.option(
    "--check-all", is_flag=True,
    help=N_("Check every letter in full against Decree 30 (by default the first letter of each shape is checked in full"
            " and the others verified against it, their words checked)."),
)
@_force_option
@click.option(
    "--sign", "sign_letters", is_flag=True,
    help=N_("Sign every issued letter's PDF (NAME-signed.pdf), with the signer's options below; needs --issue,"
            " implies --pdf (a draft is never signed)."),
)
@_signer_options
def batch(
    inputs: tuple[Path, ...], as_of: Any, carry_forward: bool, new_deadline: Any, out_dir: Path, period: str | None,
    mode: str, kind: str | None, issue: bool, issue_date: Any,
    reissue: bool, allow_future: bool, register_path: Path | None, workers: int | None, template: Path | None,
    clean_text: bool, pdf: bool, pdfa: bool, no_check: bool, check_all: bool, force: bool, sign_letters: bool,
    **signer: Any,
) -> None:
    """Write every letter of a reporting period: files and folders of inputs, mixed.

    Folders are searched for .yaml, .yml, .json and .xlsx files; other files are listed as
    skipped, with the reason. Letters are named from their number (or "draft"), the agency
    code and the unit: 2021-007-STC-ban-qlda-dtxd-tinh.docx. OUT/manifest.json and
    OUT/manifest.csv list them. A bad input is reported and skipped; the exit code is then 1.
    With --pdf, a PDF is written beside each letter and OUT/letters.pdf holds them all, for
    printing.

    With --kind reminder --as-of DATE and no INPUT: one reminder (công văn đôn đốc) to each
    unit with tracked items still open past their deadline (see letter-gen track).

    \b
    Example:
      letter-gen batch data/ --period 2021-Q2 --out output/2021-Q2 --issue --date 05/07/2021
      letter-gen batch data/cchc-2021-kinds.yaml --kind report --out output/bao-cao --issue --date 10/04/2021
      letter-gen batch --kind reminder --as-of 15/05/2021 --out output/don-doc --issue --date 15/05/2021
    """
    from letter_gen.inputs.period import parse_period
    from letter_gen.output.batch import BatchOptions

    _issue_flags_need_issue(issue, issue_date, reissue, allow_future)
    if sign_letters and not issue:
        raise UsageError(_("--sign signs issued letters: add --issue (a draft is never signed)"))
    if not sign_letters and _given_signer_options(signer):
        raise UsageError(_("{options}: these options are for signing; add --sign").format(
            options=", ".join(_given_signer_options(signer))))
    sign_options = _sign_options(**signer, out_dir=out_dir) if sign_letters else None
    tracked = kind == "reminder" and as_of is not None  # reminders from the tracked items, not from inputs
    if tracked and inputs:
        raise UsageError(_("--kind reminder --as-of takes no INPUT: the reminders come from the tracked items"))
    if not tracked and not inputs:
        raise UsageError(_("give the inputs (INPUT...), or --kind reminder --as-of DATE for reminders of tracked items"))
    if sign_letters and tracked:
        raise UsageError(_("--sign does not sign reminders of tracked items yet: sign their PDFs with letter-gen sign"))
    if (as_of or new_deadline) and not tracked:
        raise UsageError(_("--as-of and --new-deadline are for --kind reminder"))
    with _register_in_use(register_path, creating=not tracked) if issue or tracked else contextlib.nullcontext() as location:
        options = BatchOptions(
            out_dir=out_dir,
            mode=mode,  # type: ignore[arg-type]
            kind=None if tracked else kind,
            period=parse_period(period) if period else None,
            issue=issue,
            date=issue_date.date() if issue_date else None,
            register_path=location.path if location else None,
            reissue=reissue,
            allow_future=allow_future,
            workers=workers or os.cpu_count() or 1,
            template=template,
            clean_text=clean_text,
            check=not no_check,
            check_all=check_all,
            pdf=pdf,
            pdfa=pdfa,
            force=force,
            carry_forward=carry_forward,
            sign=sign_options,
        )
        if tracked:
            from letter_gen.output.reminders import run_reminders

            summary = run_reminders(options, as_of.date(), new_deadline=new_deadline.date() if new_deadline else None)
        else:
            summary = _run_batch(inputs, options)
    for skipped in summary.skipped:
        _note(skipped)
    _warn(summary.warnings)
    for failure in summary.failures:
        click.echo(failure, err=True)
    click.echo(_summary_line(summary, period, pdf or pdfa or sign_letters, sign_letters, inputs=not tracked))
    if summary.kept_dates:
        _note(ngettext(
            "{n} letter was issued before and keeps its number and date; to change it, withdraw its number"
            " (letter-gen register void) and issue it again",
            "{n} letters were issued before and keep their numbers and dates; to change one, withdraw its number"
            " (letter-gen register void) and issue it again", summary.kept_dates).format(n=summary.kept_dates))
    if summary.drafts_removed:
        click.echo(ngettext("{n} draft of this folder was replaced by its issued letter",
                            "{n} drafts of this folder were replaced by their issued letters",
                            summary.drafts_removed).format(n=summary.drafts_removed))
    if summary.combined_pdf:
        click.echo(_("all letters in one PDF: {path}").format(path=summary.combined_pdf))
    if summary.combined_removed:
        click.echo(_("{path} was removed: it no longer matched the letters (add --pdf to rebuild it)").format(
            path=out_dir / "letters.pdf"))
    nothing_of_period = bool(period) and summary.inputs_read > 0 and summary.inputs_read == summary.inputs_outside_period
    if period and nothing_of_period:
        click.echo(_(
            "no input is of the period {period}, so no letter was written: an input's period is its"
            " \"period\" (year, and quarter, half or month if any); an input for the whole year belongs"
            " to --period {year} only"
        ).format(period=period, year=period[:4]), err=True)
    if not summary.ok or nothing_of_period:
        sys.exit(1)


def _summary_line(summary: Any, period: str | None, pdfs: bool = False, signed: bool = False, inputs: bool = True) -> str:
    """``42 written, 42 newly issued, 0 unchanged (skipped), 0 failed; 3 inputs read; 1.2 s``
    (without the inputs for documents made from the tracked items)."""
    parts = [
        _("{written} written, {issued} newly issued, {unchanged} unchanged (skipped), {failed} failed").format(
            written=summary.written, issued=summary.issued, unchanged=summary.unchanged, failed=summary.failed),
    ]
    if inputs:
        parts.append(ngettext("{n} input read", "{n} inputs read", summary.inputs_read).format(n=summary.inputs_read))
    if period and inputs:
        parts[-1] += _(", {n} outside {period}").format(n=summary.inputs_outside_period, period=period)
    if pdfs:
        parts.append(ngettext("{n} PDF made", "{n} PDFs made", summary.pdfs).format(n=summary.pdfs))
    if signed:
        parts.append(ngettext("{n} letter signed", "{n} letters signed", summary.signed).format(n=summary.signed))
    return "; ".join([*parts, f"{local_number(summary.seconds, '.1f')} s"])


def _run_batch(inputs: tuple[Path, ...], options: Any) -> Any:
    from letter_gen.output.batch import run_batch

    progress = _Progress()
    try:
        return run_batch(list(inputs), options, on_letter=progress.step, on_total=progress.start)
    finally:
        progress.finish()


class _Progress:
    """Progress bars on a terminal (letters, then PDFs), nothing when output is redirected;
    and what was done so far, for the line printed when a batch is stopped."""

    _current: _Progress | None = None

    def __init__(self) -> None:
        self._bars: dict[str, Any] = {}
        self._total = 0
        self.written = self.issued = self.pdfs = 0
        _Progress._current = self

    def start(self, total: int) -> None:
        self._total = total
        self._bar(N_("letters"))

    def _bar(self, label: str) -> Any:
        if label not in self._bars and sys.stderr.isatty() and self._total:
            for bar in self._bars.values():
                bar.render_finish()
            self._bars[label] = click.progressbar(length=self._total, label=_(label), file=sys.stderr)
            self._bars[label].__enter__()
        return self._bars.get(label)

    def step(self, event: Any) -> None:
        if event.status == "pdf":
            self.pdfs += 1
            bar = self._bar(N_("PDF"))
        else:
            self.written += event.status == "written"
            self.issued += bool(event.newly_issued)
            bar = self._bars.get("letters")
        if bar is not None:
            bar.update(1)

    def finish(self) -> None:
        for bar in self._bars.values():
            bar.__exit__(None, None, None)
        self._bars = {}

    @classmethod
    def close_all(cls) -> None:
        if cls._current is not None:
            cls._current.finish()

    @classmethod
    def done_so_far(cls) -> str:
        """``75 letters written, 121 numbers taken, 0 PDFs; every number is in the register...``."""
        now = cls._current
        if now is None:
            return _("nothing was left half-written; run the same command again")
        return _(
            "{written} letters written, {issued} numbers taken, {pdfs} PDFs made; nothing was"
            " left half-written and every number taken is in the register: run the same command again to"
            " finish the batch (letters already numbered keep their numbers)"
        ).format(written=now.written, issued=now.issued, pdfs=now.pdfs)


@main.group(short_help=N_("The outgoing register (sổ văn bản đi) and its numbers."))
def register() -> None:
    """The outgoing register (sổ đăng ký văn bản đi): where, adopt, list, reserve, unreserve, void, export, backup."""


@register.command("where", short_help=N_("Show which register is in use here."))
@_register_option
def register_where(register_path: Path | None) -> None:
    """Show which register the commands use here, and how it was found.

    The order: --register, then LETTER_GEN_REGISTER, then register = "..." in a
    letter-gen.toml in this folder or one above it, then your data folder.

    \b
    Example:
      letter-gen register where
    """
    from letter_gen.register.store import Register

    location = locate(register_path)
    click.echo(location.describe())
    if not location.exists():
        click.echo(_("it does not exist yet: the first --issue creates it"))
    else:
        with Register(location.path, read_only=True) as book:
            entries = book.entries()
            backup = book.last_backup()
        click.echo(ngettext("{n} line; last backup: {backup}", "{n} lines; last backup: {backup}", len(entries)).format(
            n=len(entries), backup=backup or _("never")))
    old = stray_old_register(location)
    if old is not None:
        _note(_("{old} is a register an older letter-gen kept here; to carry its numbers over:"
                " letter-gen register adopt {old}").format(old=old))


@register.command("adopt", short_help=N_("Take over an older register as the one in use."))
@click.argument("old", metavar=N_("OLD.sqlite"), type=_existing_file)
@_register_option
def register_adopt(old: Path, register_path: Path | None) -> None:
    """Take over a register kept elsewhere (e.g. ./data/register.sqlite of an older letter-gen)
    as the register in use, when there is none yet; the old file is left as it was.

    \b
    Example:
      letter-gen register adopt data/register.sqlite
    """
    from letter_gen.register.store import Register

    location = locate(register_path)
    if location.exists():
        raise UsageError(_(
            "{register} already exists; registers are not merged. Use the old one with"
            " --register {old} (or LETTER_GEN_REGISTER), or move the new one away first"
        ).format(register=location.describe(), old=old))
    with Register(old, read_only=True) as book:
        book.backup(location.path)
    click.echo(_("the register in use is now {register}, a copy of {old}").format(register=location.describe(), old=old))


@register.command("list", short_help=N_("Print the register, one line per number."))
@click.option("--year", type=int, default=None, help=N_("Only this year."))
@click.option("--agency", default=None, help=N_("Only this agency code (e.g. SKHCN), in any case."))
@_existing_register_option
def register_list(year: int | None, agency: str | None, register_path: Path | None) -> None:
    """Print the register, one line per number (a voided number says so, when and why).

    The register must exist (the first render --issue or batch --issue creates it).

    \b
    Example:
      letter-gen register list --year 2021 --agency SKHCN
    """
    from letter_gen.register.store import Register

    location = locate(register_path)
    with Register(location.path, read_only=True) as book:
        entries = book.entries(year=year, agency=agency)
        backup = book.last_backup()
    if not entries:
        if year and agency:
            click.echo(_("the register has no letters for {year} of {agency}").format(year=year, agency=agency))
        elif year:
            click.echo(_("the register has no letters for {year}").format(year=year))
        elif agency:
            click.echo(_("the register has no letters of {agency}").format(agency=agency))
        else:
            click.echo(_("the register has no letters"))
    for entry in entries:
        when = entry.date.strftime("%d/%m/%Y") if entry.date else ""
        click.echo("\t".join(filter(None, [entry.number_text, when, entry.title, entry.remarks])))
    backup_text = backup or _("never, see letter-gen register backup")
    click.echo(_("({register}; last backup: {backup})").format(register=location.describe(), backup=backup_text), err=True)


@register.command("reserve", short_help=N_("Account for numbers given outside letter_gen."))
@click.option("--agency", required=True, help=N_("The agency code (e.g. SKHCN)."))
@click.option("--year", type=click.IntRange(1900, 9999), required=True, help=N_("The year of the sequence."))
@click.option("--upto", type=click.IntRange(min=1, max=MAX_LETTER_NUMBER), required=True, help=N_("The last number given outside letter_gen."))
@click.option("--note", default=None, help=N_("Why (e.g. 'issued by hand before 1 July')."))
@_register_option
def register_reserve(agency: str, year: int, upto: int, note: str | None, register_path: Path | None) -> None:
    """Account for numbers issued elsewhere in the agency: numbering goes on after --upto.

    \b
    Example:
      letter-gen register reserve --agency SKHCN --year 2021 --upto 120
    """
    from letter_gen.register.store import Register

    with _register_in_use(register_path) as location, Register(location.path) as book:
        reserved = book.reserve(agency, year, upto, note)
        following = book.next_number(agency, year)
    if reserved is None:
        click.echo(_("nothing to reserve: numbers up to {upto} are already taken; the next is {next}").format(upto=upto, next=following))
    else:
        click.echo(_("reserved {first}–{upto} of {agency} {year}; the next number is {next}").format(
            first=reserved.first, upto=reserved.upto, agency=agency, year=year, next=following))


@register.command("unreserve", short_help=N_("Undo the last reservation."))
@click.option("--agency", required=True, help=N_("The agency code (e.g. SKHCN)."))
@click.option("--year", type=click.IntRange(1900, 9999), required=True, help=N_("The year of the sequence."))
@_existing_register_option
def register_unreserve(agency: str, year: int, register_path: Path | None) -> None:
    """Undo the last reservation (a slip in --upto), while no letter was numbered after it.

    \b
    Example:
      letter-gen register unreserve --agency SKHCN --year 2021
    """
    from letter_gen.register.store import Register

    with Register(locate(register_path).path, must_exist=True) as book:
        undone = book.unreserve(agency, year)
        following = book.next_number(agency, year)
    if undone is None:
        click.echo(_("{agency} {year} has no reservation to undo").format(agency=agency, year=year))
    else:
        click.echo(_("undid the reservation {first}–{upto} of {agency} {year}; the next number is {next}").format(
            first=undone.first, upto=undone.upto, agency=agency, year=year, next=following))


@register.command("void", short_help=N_("Withdraw an issued number (thu hồi số)."))
@click.argument("number", metavar=N_("NUMBER"), type=click.IntRange(1, MAX_LETTER_NUMBER))
@click.option("--agency", required=True, help=N_("The agency code (e.g. SKHCN)."))
@click.option("--year", type=click.IntRange(1900, 9999), required=True, help=N_("The year of the number."))
@click.option("--reason", required=True, help=N_("Why the number is withdrawn (kept in the register)."))
@_existing_register_option
def register_void(number: int, agency: str, year: int, reason: str, register_path: Path | None) -> None:
    """Withdraw an issued number (thu hồi, hủy số): it stays in the register, marked void
    with the reason and time, and is never given again. The letter can then be issued anew
    under a new number and date.

    \b
    Example:
      letter-gen register void 5 --agency SKHCN --year 2021 --reason "ghi sai ngày ban hành"
    """
    from letter_gen.register.store import Register

    with Register(locate(register_path).path, must_exist=True) as book:
        entry = book.void(agency, year, number, reason)
    click.echo(_("số {number} of {date} is void: {reason}; issue the letter again to give it a new number").format(
        number=entry.number_text, date=f"{entry.date:%d/%m/%Y}", reason=reason))


@register.command("export", short_help=N_("Write the register as Excel or CSV (Phụ lục IV)."))
@click.option("--xlsx", "xlsx_path", type=click.Path(dir_okay=False, path_type=Path), default=None, help=N_("Write an Excel workbook, ready to print and bind."))
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, path_type=Path), default=None, help=N_("Write a CSV file (UTF-8)."))
@click.option("--year", type=int, default=None, help=N_("Only this year."))
@click.option("--agency", default=None, help=N_("Only this agency code."))
@_existing_register_option
@_force_option
def register_export(
    xlsx_path: Path | None, csv_path: Path | None, year: int | None, agency: str | None, register_path: Path | None, force: bool,
) -> None:
    """Write the register with the columns of Phụ lục IV (sổ đăng ký văn bản đi).

    The register must exist (the first render --issue or batch --issue creates it).

    \b
    Example:
      letter-gen register export --xlsx output/so-van-ban-di-2021.xlsx --year 2021
    """
    from letter_gen.register.export import export_csv, export_xlsx
    from letter_gen.register.store import Register

    if (xlsx_path is None) == (csv_path is None):
        raise UsageError(_("register export: give exactly one of --xlsx FILE or --csv FILE"))
    target = xlsx_path or csv_path
    assert target is not None
    location = locate(register_path)
    if target.absolute() == location.path.absolute():
        raise UsageError(_("{path}: that is the register itself; give another file name for the export").format(path=target))
    with Register(location.path, read_only=True) as book:
        entries = book.entries(year=year, agency=agency)
    if xlsx_path:
        export_xlsx(entries, xlsx_path, year=year, agency=agency, force=force)
    else:
        export_csv(entries, target, force=force)
    click.echo(_("wrote {path}").format(path=target))


@register.command("backup", short_help=N_("Write a consistent copy of the register."))
@click.argument("destination", metavar=N_("DEST.sqlite"), type=click.Path(dir_okay=False, path_type=Path))
@_existing_register_option
def register_backup(destination: Path, register_path: Path | None) -> None:
    """Write a consistent copy of the register (safe while others issue numbers).

    \b
    Example:
      letter-gen register backup /mnt/backup/so-di-2021-12-31.sqlite
    """
    from letter_gen.register.store import Register

    location = locate(register_path)
    with Register(location.path, must_exist=True) as book:
        book.backup(destination)
    click.echo(_("backed up {register} to {path}").format(register=location.path, path=destination))


@main.group(short_help=N_("Follow up: what units fixed, reminders, the status report."))
def track() -> None:
    """Follow up across periods: what each unit has fixed, reminders, the status report."""


@track.command("export", short_help=N_("Write a period's open items to a status workbook."))
@click.argument("output", metavar=N_("FILE.xlsx"), type=click.Path(dir_okay=False, path_type=Path))
@click.option("--period", required=True, help=N_("Items asked in this period: 2021, 2021-Q1, 2021-H1 or 2021-03."))
@click.option("--unit", metavar=N_("UNIT"), default=None, help=N_("Only this unit: its name as in the letters, in any case, or the start of it."))
@_register_option
@_force_option
def track_export(output: Path, period: str, unit: str | None, register_path: Path | None, force: bool) -> None:
    """Write the open items of a period to a status workbook for the units to fill.

    One sheet per unit; the grey columns are letter_gen's, the yellow ones the unit's
    (Tình trạng from a list, real dates). Read it back with letter-gen track import.

    \b
    Example:
        letter-gen track export --period 2021-Q1 output/theo-doi-quy-1.xlsx
    """
    from letter_gen.inputs.period import parse_period
    from letter_gen.register.store import Register
    from letter_gen.tracking.status import export_status

    with Register(locate(register_path).path, read_only=True) as book:
        count = export_status(book, output, period=parse_period(period), period_text=period, unit=unit, force=force)
    click.echo(ngettext("wrote {path}: {n} open item", "wrote {path}: {n} open items", count).format(path=output, n=count))


@track.command("import", short_help=N_("Record the status a unit filled in."))
@click.argument("workbook", metavar=N_("FILE.xlsx"), type=_existing_file)
@_register_option
def track_import(workbook: Path, register_path: Path | None) -> None:
    """Record the status a unit filled in a workbook of letter-gen track export.

    Every row is checked first (sheet, row, column of each problem); unknown items and
    impossible dates are refused and then nothing is recorded. Importing the same file
    again changes nothing. Each change is kept in the history, with the file's sha256.

    \b
    Example:
        letter-gen track import theo-doi-quy-1-chi-cuc.xlsx
    """
    from letter_gen.register.store import Register
    from letter_gen.tracking.status import change_line, import_status

    with Register(locate(register_path).path, must_exist=True) as book:
        result = import_status(book, workbook)
    for change in result.changes:
        click.echo(change_line(change))
    items = len({c.ref for c in result.changes})
    click.echo(", ".join([
        ngettext("{path}: {n} row read", "{path}: {n} rows read", result.rows).format(path=workbook, n=result.rows),
        ngettext("{n} item changed", "{n} items changed", items).format(n=items),
        ngettext("{n} change recorded", "{n} changes recorded", len(result.changes)).format(n=len(result.changes)),
    ]))


@track.command("list", short_help=N_("Print the tracked items."))
@click.option("--overdue", is_flag=True, help=N_("Only open items past their deadline."))
@click.option("--as-of", "as_of", type=_date_type, default=None, help=N_("The day to judge deadlines by (default: today)."))
@click.option("--period", default=None, help=N_("Only items asked in this period: 2021, 2021-Q1, ..."))
@click.option("--unit", metavar=N_("UNIT"), default=None, help=N_("Only this unit: its name as in the letters, in any case, or the start of it."))
@_register_option
def track_list(overdue: bool, as_of: Any, period: str | None, unit: str | None, register_path: Path | None) -> None:
    """Print the tracked items: code, unit, status, deadline, source letter, text.

    \b
    Example:
        letter-gen track list --overdue --as-of 15/05/2021
    """
    import datetime as dt

    from letter_gen.inputs.period import parse_period
    from letter_gen.register.store import Register
    from letter_gen.tracking.status import list_items

    day = as_of.date() if as_of else dt.date.today()
    with Register(locate(register_path).path, read_only=True) as book:
        items = list_items(book, as_of=day, overdue=overdue, period=parse_period(period) if period else None, unit=unit)
    for item in items:
        due = item.due.strftime("%d/%m/%Y") if item.due else "-"
        late = _(" (overdue)") if item.overdue(day) else ""
        click.echo("\t".join([item.ref, item.unit, item.status + late, due, item.letter_text, item.text]))
    if overdue:
        line = ngettext("{n} overdue item on {day}", "{n} overdue items on {day}", len(items))
    else:
        line = ngettext("{n} item on {day}", "{n} items on {day}", len(items))
    click.echo(line.format(n=len(items), day=day.strftime("%d/%m/%Y")), err=True)


@track.command("report", short_help=N_("Write the status report (báo cáo) of a period."))
@click.option("--period", required=True, help=N_("Items asked in this period: 2021, 2021-Q1, ..."))
@click.option("--as-of", "as_of", type=_date_type, required=True, help=N_("The day the report is made up to."))
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True,
              help=N_("Folder for the report and the manifest."))
@click.option("--to", "recipient", default=None,
              help=N_("Kính gửi: who the report goes to (default: the round's report.recipient, else its agency.parent)."))
@click.option("--xlsx", "xlsx", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help=N_("Also write the figures as a workbook, for your own use."))
@_issue_options
@click.option("--pdf", is_flag=True, help=N_("Also write a PDF beside the report (needs LibreOffice)."))
@_force_option
def track_report(period: str, as_of: Any, out_dir: Path, recipient: str | None, xlsx: Path | None, issue: bool,
                 issue_date: Any, reissue: bool, allow_future: bool, register_path: Path | None, pdf: bool,
                 force: bool) -> None:
    """Write the status report (báo cáo kết quả khắc phục) of a period, as a Decree 30 báo cáo.

    Per unit: the items asked, done, in progress, not started, not done and overdue (past
    the letter's deadline), what is still open and the proposals, with a summary table; one
    report per agency, written like any letter (numbered with --issue, checked, in the
    manifest). --xlsx also writes the summary table and the open items as a workbook.

    \b
    Example:
        letter-gen track report --period 2021-Q1 --as-of 30/06/2021 --out output/bao-cao --issue --date 01/07/2021
    """
    from letter_gen.inputs.period import parse_period
    from letter_gen.output.batch import BatchOptions
    from letter_gen.output.reminders import run_report
    from letter_gen.tracking.report import check_report_xlsx_name, write_report_xlsx

    _issue_flags_need_issue(issue, issue_date, reissue, allow_future)
    if xlsx is not None:
        check_report_xlsx_name(xlsx)
    wanted = parse_period(period)
    with _register_in_use(register_path, creating=False) as location:
        options = BatchOptions(
            out_dir=out_dir, issue=issue, date=issue_date.date() if issue_date else None, register_path=location.path,
            reissue=reissue, allow_future=allow_future, pdf=pdf, force=force,
        )
        summary, documents = run_report(options, wanted, as_of.date(), recipient=recipient)
    for failure in summary.failures:
        click.echo(failure, err=True)
    for document in documents:
        for unit in document.report.units:
            click.echo(_("{unit}: {asked} asked, {done} done, {in_progress} in progress, {not_started} not started,"
                         " {not_done} not done, {overdue} overdue").format(
                unit=unit.unit, asked=unit.asked, done=unit.done, in_progress=unit.in_progress,
                not_started=unit.not_started, not_done=unit.not_done, overdue=unit.overdue))
    click.echo(_summary_line(summary, None, pdf, inputs=False))
    if summary.drafts_removed:
        click.echo(ngettext("{n} draft of this folder was replaced by its issued letter",
                            "{n} drafts of this folder were replaced by their issued letters",
                            summary.drafts_removed).format(n=summary.drafts_removed))
    if xlsx is not None and documents:
        from letter_gen.tracking.report import StatusReport

        whole = StatusReport(documents[0].report.period, as_of.date(),
                             tuple(u for d in documents for u in d.report.units), ())
        write_report_xlsx(xlsx, whole, force=force)
        click.echo(_("wrote {path}").format(path=xlsx))
    if not summary.ok:
        sys.exit(1)


@main.command(short_help=N_("Convert letters (.docx) to PDF with LibreOffice."))
@click.argument("letters", metavar=N_("FILE.docx..."), nargs=-1, required=True, type=_existing_file)
@click.option("--pdfa", is_flag=True, help=N_("Write archival PDF/A-2b."))
@click.option("--workers", type=click.IntRange(min=1), default=None, help=N_("LibreOffice processes side by side (default: the number of cores)."))
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None, help=N_("Folder for the PDFs (default: beside each letter)."))
@_force_option
def pdf(letters: tuple[Path, ...], pdfa: bool, workers: int | None, out_dir: Path | None, force: bool) -> None:
    """Convert existing letters (.docx) to PDF with LibreOffice, many per LibreOffice run.

    A letter that cannot be converted is named with the reason; the others are converted.
    Files that are not .docx are refused before LibreOffice starts.

    \b
    Example:
      letter-gen pdf output/2021-Q2/*.docx
    """
    from letter_gen.libreoffice import convert_files, refuse_non_docx

    refuse_non_docx(list(letters))
    results = convert_files(list(letters), workers=workers, pdfa=pdfa, out_dir=out_dir, force=force)
    failed = [r for r in results if r.pdf is None]
    for result in results:
        if result.pdf is not None:
            click.echo(_("wrote {path}").format(path=result.pdf))
    for result in failed:
        click.echo(result.error, err=True)
    if failed:
        sys.exit(1)


@main.command(short_help=N_("Check letters (.docx) against Decree 30."))
@click.argument("letters", metavar=N_("FILE.docx..."), nargs=-1, required=True, type=_existing_file)
@click.option("--pdf", "laid_out", is_flag=True, help=N_("Also lay the pages out with LibreOffice and check them."))
@click.option("--json", "as_json", is_flag=True, help=N_("Print the findings as JSON."))
def check(letters: tuple[Path, ...], laid_out: bool, as_json: bool) -> None:
    """Check công văn (.docx) against Decree 30/2020/NĐ-CP, ours or typed in Word.

    Prints every finding with where it is and what the rule wants; exit code 0 when
    every letter is clean, 1 when not.

    \b
    Example:
      letter-gen check output/cchc-2021.docx --pdf
    """
    from letter_gen.checking.rules import check_files

    results = check_files(list(letters), pdf=laid_out)  # a file that is not a letter: its error, the others checked
    if as_json:
        click.echo(json.dumps(
            [{"file": str(path), "error": found.message} if isinstance(found, LetterGenError) else
             {"file": str(path), "findings": [{"rule": f.rule, "where": f.where, "message": f.message} for f in found]}
             for path, found in zip(letters, results)],
            ensure_ascii=False, indent=2,
        ))  # fmt: skip
    else:
        for path, found in zip(letters, results):
            if isinstance(found, LetterGenError):
                for line in found.lines():
                    click.echo(line, err=True)
                continue
            if found:
                click.echo(ngettext("{file}: {n} finding", "{file}: {n} findings", len(found)).format(file=path, n=len(found)))
            else:
                click.echo(_("{file}: follows Decree 30").format(file=path))
            for finding in found:
                click.echo(f"  {finding}")
    if any(results):
        sys.exit(1)


@main.group(short_help=N_("Your own templates: check one, list the variables."))
def template() -> None:
    """Your own docxtpl templates: check one, list the variables."""


@template.command("check", short_help=N_("Report a template's problems before any render."))
@click.argument("path", metavar=N_("FILE.docx"), type=_existing_file)
def template_check(path: Path) -> None:
    """Report a template's problems before any render: unknown variables, Jinja syntax
    errors, tags split across Word runs, unbalanced {%p %} blocks, unescaped data.

    Exit code 1 when a problem would stop rendering; split tags are warnings.

    \b
    Example:
      letter-gen template check my-template.docx
    """
    from letter_gen.letters.template_check import BLOCKING, check_template

    problems = check_template(path)
    for problem in problems:
        click.echo(str(problem) if problem.kind in BLOCKING else _("warning: {message}").format(message=problem))
    if not problems:
        click.echo(_("{file}: no problems found").format(file=path))
    if any(p.kind in BLOCKING for p in problems):
        sys.exit(1)


@template.command("vars", short_help=N_("List every variable a template can use."))
def template_vars() -> None:
    """List every variable a template can use, with its meaning.

    \b
    Example:
      letter-gen template vars
    """
    from letter_gen.letters.template_check import template_variables

    for name, meaning in template_variables():
        click.echo(f"{name}\t{meaning}")


def _credential(kind: str, p12: Path | None, library: Path | None, token_label: str | None, cert_label: str | None) -> Any:
    """A PKCS#12 file (password from LETTER_GEN_<KIND>_PASSWORD or asked) or a token (PIN asked)."""
    from letter_gen.signing import Pkcs11, Pkcs12

    if p12 is not None and (token_label or cert_label):
        raise UsageError(_("give the signer's certificate as a PKCS#12 file or as a token, not both") if kind == "signer"
                         else _("give the agency's certificate as a PKCS#12 file or as a token, not both"))
    if p12 is not None:
        password = os.environ.get(f"LETTER_GEN_{kind.upper()}_PASSWORD")
        if password is None:
            password = click.prompt(_("Password of {path}").format(path=p12), hide_input=True, default="", show_default=False, err=True)
        return Pkcs12(p12, password.encode() if password else None)
    if token_label or cert_label:
        if not (library and token_label and cert_label):
            raise UsageError(_("the signer's token needs --pkcs11-lib, its token label and its certificate label") if kind == "signer"
                             else _("the agency's token needs --pkcs11-lib, its token label and its certificate label"))
        pin = click.prompt(_("PIN of token \"{label}\"").format(label=token_label), hide_input=True, err=True)
        return Pkcs11(library, token_label, cert_label, pin)
    return None


def _given_signer_options(values: dict[str, Any]) -> list[str]:
    """The signer's options given on the command line (for batch without --sign)."""
    return ["--" + name.replace("_p12", "").replace("_url", "").replace("_", "-") for name in _SIGNER_PARAMS if values.get(name)]


def _sign_options(
    signer_p12: Path | None, signature_image: Path | None, agency_p12: Path | None, seal_image: Path | None,
    pkcs11_lib: Path | None, token_label: str | None, cert_label: str | None, agency_token_label: str | None,
    agency_cert_label: str | None, tsa_url: str | None, *, out_dir: Path | None = None, with_signer: bool = True,
) -> Any:
    """The SignOptions of the signer's options; passwords and PINs asked here (:func:`_credential`)."""
    from letter_gen.signing import SignOptions

    signer = _credential("signer", signer_p12, pkcs11_lib, token_label, cert_label) if with_signer else None
    agency = _credential("agency", agency_p12, pkcs11_lib, agency_token_label, agency_cert_label)
    return SignOptions(signer, signature_image, agency, seal_image, tsa_url, out_dir)


@main.command(short_help=N_("Sign issued letters (PDF): signer, then seal."))
@click.argument("pdfs", metavar=N_("FILE.pdf..."), nargs=-1, required=True, type=_existing_file)
@_signer_options
@click.option("--attachment-of", type=_existing_file, default=None, help=N_("Sign FILE.pdf as an attachment of this issued letter (agency only)."))
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None, help=N_("Folder for the signed files (default: beside each file)."))
def sign(
    pdfs: tuple[Path, ...], signer_p12: Path | None, signature_image: Path | None, agency_p12: Path | None,
    seal_image: Path | None, pkcs11_lib: Path | None, token_label: str | None, cert_label: str | None,
    agency_token_label: str | None, agency_cert_label: str | None, tsa_url: str | None, attachment_of: Path | None,
    out_dir: Path | None,
) -> None:
    """Sign issued letters (PDF) as Decree 30 lays them out: the signer's PAdES signature
    with the signature image between the title and the name, then the agency's with the
    seal over the left third of the signature image. Drafts are refused.

    Writes NAME-signed.pdf beside each letter (or into --out). PKCS#12 passwords are asked,
    or read from LETTER_GEN_SIGNER_PASSWORD and LETTER_GEN_AGENCY_PASSWORD; a token's PIN is
    always asked. With --attachment-of LETTER.pdf, each FILE.pdf is an attachment: the
    agency signs it with the line "số và ký hiệu; date; time" at the top right of page 1.

    \b
    Examples:
      letter-gen sign output/01-SKHCN.pdf --signer ky.p12 --signature-image chu-ky.png --agency so.p12 --seal-image dau.png
      letter-gen sign --attachment-of output/01-SKHCN.pdf phu-luc.pdf --agency so.p12
    """
    from letter_gen.signing import sign_attachment, sign_letters

    options = _sign_options(
        signer_p12, signature_image, agency_p12, seal_image, pkcs11_lib, token_label, cert_label, agency_token_label,
        agency_cert_label, tsa_url, out_dir=out_dir, with_signer=attachment_of is None,
    )
    if attachment_of:
        results = [sign_attachment(pdf, attachment_of, options) for pdf in pdfs]
    else:
        results = sign_letters(list(pdfs), options)
    _warn(list(dict.fromkeys(w for r in results for w in r.warnings)))
    for result in results:
        if result.ok:
            if result.signed_at:
                click.echo(_("wrote {path} (signed {when})").format(path=result.path, when=result.signed_at.isoformat(sep=" ")))
            else:
                click.echo(_("wrote {path}").format(path=result.path))
        else:
            click.echo(result.error, err=True)
    if not all(r.ok for r in results):
        sys.exit(1)


@main.command(short_help=N_("Check the signatures of signed letters."))
@click.argument("pdfs", metavar=N_("FILE.pdf..."), nargs=-1, required=True, type=_existing_file)
@click.option("--trust", "trust", multiple=True, type=_existing_file, help=N_("A root certificate (PEM or DER) to trust; repeatable."))
def verify(pdfs: tuple[Path, ...], trust: tuple[Path, ...]) -> None:
    """Check every signature of signed letters: whose, when, whether it covers the whole
    document, intact or modified after signing, trusted or not.

    Exit code 0 only when every signature of every file is intact and trusted.
    Revocation is not checked online.

    \b
    Example:
      letter-gen verify output/01-SKHCN-signed.pdf --trust ca-root.pem
    """
    from letter_gen.signing.verify import verify_files

    reports = verify_files(list(pdfs), list(trust))
    for report in reports:
        for line in report.lines():
            click.echo(line)
    if not all(r.ok for r in reports):
        sys.exit(1)
