"""The ``letter-gen`` command: a thin click layer over :mod:`letter_gen.output.writer` and friends.

Only this module imports click. Every :class:`~letter_gen.errors.LetterGenError` becomes a
message on stderr and its exit code in one place (:class:`_Group`); a traceback reaching a
clerk is a bug.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from letter_gen.errors import LetterGenError
from letter_gen.register.store import DEFAULT_REGISTER  # sqlite3 and csv only: cheap at start-up


class _Group(click.Group):
    """Turns library errors into a message and an exit code, for every command."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except LetterGenError as err:
            for line in err.lines():
                click.echo(line, err=True)
            sys.exit(err.exit_code)


_existing_file = click.Path(exists=True, dir_okay=False, path_type=Path)


def _register_option(command: Any) -> Any:
    return click.option(
        "--register",
        "register_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=DEFAULT_REGISTER,
        show_default=True,
        envvar="LETTER_GEN_REGISTER",
        callback=lambda _ctx, _param, value: value.expanduser() if value else value,
        help="The outgoing register (sổ văn bản đi), an SQLite file created on first use"
        " (or set LETTER_GEN_REGISTER, so every folder uses the same one).",
    )(command)


def _clean_text_option(command: Any) -> Any:
    return click.option(
        "--clean-text", is_flag=True,
        help="Remove characters a letter cannot carry (control characters) instead of refusing the input; each field changed is named.",
    )(command)


def _template_option(command: Any) -> Any:
    return click.option(
        "--template", "template", type=_existing_file, default=None,
        help="Render with your own docxtpl template (.docx) instead of the bundled one; it is checked first.",
    )(command)


def _output_options(command: Any) -> Any:
    """--pdf, --pdfa and --no-check, shared by render and batch."""
    command = click.option("--no-check", "no_check", is_flag=True, help="Write letters even if they break Decree 30's layout rules.")(command)
    command = click.option("--pdfa", is_flag=True, help="Write archival PDF/A-2b instead of plain PDF (implies --pdf).")(command)
    return click.option("--pdf", is_flag=True, help="Also write a PDF beside each .docx (needs LibreOffice).")(command)


def _issue_flags_need_issue(issue: bool, issue_date: Any, reissue: bool) -> None:
    if not issue and (issue_date is not None or reissue):
        from letter_gen.errors import UsageError

        raise UsageError("--date and --reissue only apply with --issue (a draft has no number and no date)")


def _warn(lines: list[str] | tuple[str, ...]) -> None:
    for line in lines:
        click.echo(f"warning: {line}", err=True)


def _issue_options(command: Any) -> Any:
    """--issue, --date and --reissue, shared by render and batch."""
    command = click.option("--reissue", is_flag=True, help="Issue a changed letter again under a new number; the register keeps both.")(command)
    command = click.option(
        "--date", "issue_date", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, help="Issue date YYYY-MM-DD (default: today)."
    )(command)
    command = click.option("--issue", is_flag=True, help="Number the letters from the register (without it: drafts).")(command)
    return _register_option(command)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="letter-gen")
def main() -> None:
    """Vietnamese official letters (công văn) from inspection results, laid out per Decree 30/2020/NĐ-CP."""


@main.command()
@click.argument("input_path", metavar="INPUT", type=_existing_file)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True, help="The .docx to write.")
@click.option("--unit", type=click.IntRange(min=0), default=None, help="Write the per-unit letter of units[N] (from 0).")
@_issue_options
@_template_option
@_clean_text_option
@_output_options
def render(
    input_path: Path, output: Path, unit: int | None, issue: bool, issue_date: Any, reissue: bool, register_path: Path,
    template: Path | None, clean_text: bool, pdf: bool, pdfa: bool, no_check: bool,
) -> None:
    """Write the letter of one inspection input (YAML, JSON or Excel).

    Without --unit: the consolidated letter to every unit, like the seed letter.
    With --unit N: the letter to units[N] alone, its findings and actions after the
    general requirements.

    With --issue the letter takes the next number of the agency's sequence from the
    register (or the number it was given before) and the issue date. A letter that breaks
    Decree 30's layout rules is not written (--no-check writes it anyway).

    Example:

        letter-gen render data/cchc-2021.yaml -o output/cchc-2021.docx
    """
    from letter_gen.output.writer import WriteOptions, render_file

    _issue_flags_need_issue(issue, issue_date, reissue)
    options = WriteOptions(
        issue=issue, date=issue_date.date() if issue_date else None, register_path=register_path,
        reissue=reissue, check=not no_check,
    )  # fmt: skip
    letter = render_file(
        input_path, output, unit=unit, options=options, template=template, clean_text=clean_text, pdf=pdf, pdfa=pdfa,
    )
    _warn(letter.warnings)
    number = f" as số {letter.content.number_line.removeprefix('Số: ')}" if letter.content.number else ""
    verb = "wrote" if letter.status == "written" else "unchanged:"
    click.echo(f"{verb} {letter.path}{number}" + (f" and {letter.pdf}" if letter.pdf else ""))


@main.command()
@click.argument("input_path", metavar="INPUT", type=_existing_file)
@_clean_text_option
def validate(input_path: Path, clean_text: bool) -> None:
    """Check an inspection input against the contract without writing anything.

    Exit code 0 when valid; 1 with one line per problem (field path, and sheet, row and
    column for Excel) when not.

    Example:

        letter-gen validate data/cchc-2021.yaml
    """
    from letter_gen.output.writer import validate_file

    round_, warnings = validate_file(input_path, clean_text=clean_text)
    _warn(warnings)
    units = len(round_.units)
    click.echo(f"{input_path}: valid ({units} unit{'' if units == 1 else 's'}, {round_.period.label})")


@main.command("excel-template")
@click.argument("output", metavar="FILE.xlsx", type=click.Path(dir_okay=False, path_type=Path))
def excel_template(output: Path) -> None:
    """Write a blank Excel workbook a clerk fills in: one inspection round.

    Sheets: "Đợt kiểm tra" (the round), "Đơn vị" (units), "Tồn tại - Khắc phục" (one row per
    finding or action) and "Yêu cầu chung" (general requirements). render, batch and
    validate read the filled workbook.

    Example:

        letter-gen excel-template output/kiem-tra-2021.xlsx
    """
    from letter_gen.inputs.excel import write_workbook
    from letter_gen.errors import UsageError

    if output.suffix.lower() != ".xlsx":
        raise UsageError(f"{output}: the workbook must end in .xlsx")
    write_workbook(output)
    click.echo(f"wrote {output}")


@main.command()
@click.argument("input_path", metavar="IN", type=_existing_file)
@click.argument("output", metavar="OUT", type=click.Path(dir_okay=False, path_type=Path))
@_clean_text_option
def convert(input_path: Path, output: Path, clean_text: bool) -> None:
    """Convert an inspection input between YAML, JSON and Excel (by the file suffixes).

    The input is validated first; the output reads back as the same round.

    Example:

        letter-gen convert data/cchc-2021.yaml output/cchc-2021.xlsx
    """
    from letter_gen.inputs.formats import load_input, save_round

    warnings: list[str] = []
    save_round(load_input(input_path, clean_text=clean_text, changes=warnings), output)
    _warn(warnings)
    click.echo(f"wrote {output}")


@main.command()
@click.argument("inputs", metavar="INPUT...", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True, help="Folder for the letters and the manifest.")
@click.option("--period", default=None, help="Keep inputs of this period: 2021, 2021-Q2, 2021-H1 or 2021-06.")
@click.option(
    "--mode", type=click.Choice(["consolidated", "per-unit", "both"]), default="both", show_default=True,
    help="One letter per input to all its units, one per unit with something to fix, or both.",
)
@_issue_options
@click.option("--workers", type=click.IntRange(min=1), default=None, help="Processes rendering letters (default: the number of cores).")
@_template_option
@_clean_text_option
@_output_options
@click.option("--check-all", is_flag=True, help="Check every letter against Decree 30, not the first of each input and mode.")
def batch(
    inputs: tuple[Path, ...], out_dir: Path, period: str | None, mode: str, issue: bool, issue_date: Any,
    reissue: bool, register_path: Path, workers: int | None, template: Path | None, clean_text: bool,
    pdf: bool, pdfa: bool, no_check: bool, check_all: bool,
) -> None:
    """Write every letter of a reporting period: files and folders of inputs, mixed.

    Letters are named from their number (or "draft"), the agency code and the unit:
    007-STC-ban-qlda-dtxd-tinh.docx. OUT/manifest.json and OUT/manifest.csv list them.
    A bad input is reported and skipped; the exit code is then 1. With --pdf, a PDF is
    written beside each letter and OUT/letters.pdf holds them all, for printing.

    Example:

        letter-gen batch data/ --period 2021-Q2 --out output/2021-Q2 --issue --date 2021-07-05
    """
    import os

    from letter_gen.output.batch import BatchOptions, parse_period, run_batch

    _issue_flags_need_issue(issue, issue_date, reissue)

    options = BatchOptions(
        out_dir=out_dir,
        mode=mode,  # type: ignore[arg-type]
        period=parse_period(period) if period else None,
        issue=issue,
        date=issue_date.date() if issue_date else None,
        register_path=register_path,
        reissue=reissue,
        workers=workers or os.cpu_count() or 1,
        template=template,
        clean_text=clean_text,
        check=not no_check,
        check_all=check_all,
        pdf=pdf,
        pdfa=pdfa,
    )
    progress = _Progress()
    summary = run_batch(list(inputs), options, on_letter=progress.step, on_total=progress.start)
    progress.finish()
    _warn(summary.warnings)
    for failure in summary.failures:
        click.echo(failure, err=True)
    click.echo(
        f"{summary.written} written, {summary.issued} newly issued, {summary.unchanged} unchanged (skipped),"
        f" {summary.failed} failed; {summary.inputs_read} input{'' if summary.inputs_read == 1 else 's'} read"
        + (f", {summary.inputs_outside_period} outside {period}" if period else "")
        + f"; {summary.seconds:.1f} s"
    )
    if summary.combined_pdf:
        click.echo(f"all letters in one PDF: {summary.combined_pdf}")
    if not summary.ok:
        sys.exit(1)


class _Progress:
    """A progress bar on a terminal; nothing when output is redirected."""

    def __init__(self) -> None:
        self._bar: Any = None

    def start(self, total: int) -> None:
        if sys.stderr.isatty() and total:
            self._bar = click.progressbar(length=total, label="letters", file=sys.stderr)
            self._bar.__enter__()

    def step(self, _event: Any) -> None:
        if self._bar is not None:
            self._bar.update(1)

    def finish(self) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)


@main.group()
def register() -> None:
    """The outgoing register (sổ đăng ký văn bản đi): list, reserve, export."""


@register.command("list")
@click.option("--year", type=int, default=None, help="Only this year.")
@click.option("--agency", default=None, help="Only this agency code (e.g. SKHCN).")
@_register_option
def register_list(year: int | None, agency: str | None, register_path: Path) -> None:
    """Print the register, one line per number.

    Example:

        letter-gen register list --year 2021 --agency SKHCN
    """
    from letter_gen.register.store import Register

    with Register(register_path, must_exist=True) as book:
        entries = book.entries(year=year, agency=agency)
    if not entries:
        click.echo("the register has no letters" + (f" for {year}" if year else "") + (f" of {agency}" if agency else ""))
    for entry in entries:
        when = entry.date.strftime("%d/%m/%Y") if entry.date else ""
        click.echo("\t".join(filter(None, [entry.number_text, when, entry.title, entry.remarks])))


@register.command("reserve")
@click.option("--agency", required=True, help="The agency code (e.g. SKHCN).")
@click.option("--year", type=int, required=True, help="The year of the sequence.")
@click.option("--upto", type=click.IntRange(min=1), required=True, help="The last number given outside letter_gen.")
@click.option("--note", default=None, help="Why (e.g. 'issued by hand before 1 July').")
@_register_option
def register_reserve(agency: str, year: int, upto: int, note: str | None, register_path: Path) -> None:
    """Account for numbers issued elsewhere in the agency: numbering goes on after --upto.

    Example:

        letter-gen register reserve --agency SKHCN --year 2021 --upto 120
    """
    from letter_gen.register.store import Register

    with Register(register_path) as book:
        reserved = book.reserve(agency, year, upto, note)
        following = book.next_number(agency, year)
    if reserved is None:
        click.echo(f"nothing to reserve: numbers up to {upto} are already taken; the next is {following}")
    else:
        click.echo(f"reserved {reserved.first}–{reserved.upto} of {agency} {year}; the next number is {following}")


@register.command("export")
@click.option("--xlsx", "xlsx_path", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Write an Excel workbook, ready to print and bind.")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Write a CSV file (UTF-8).")
@click.option("--year", type=int, default=None, help="Only this year.")
@click.option("--agency", default=None, help="Only this agency code.")
@_register_option
def register_export(xlsx_path: Path | None, csv_path: Path | None, year: int | None, agency: str | None, register_path: Path) -> None:
    """Write the register with the columns of Phụ lục IV (sổ đăng ký văn bản đi).

    Example:

        letter-gen register export --xlsx output/so-van-ban-di-2021.xlsx --year 2021
    """
    from letter_gen.errors import UsageError
    from letter_gen.register.store import Register

    if (xlsx_path is None) == (csv_path is None):
        raise UsageError("register export: give exactly one of --xlsx FILE or --csv FILE")
    with Register(register_path, must_exist=True) as book:
        if xlsx_path:
            book.export_xlsx(xlsx_path, year=year, agency=agency)
        else:
            assert csv_path is not None
            book.export_csv(csv_path, year=year, agency=agency)
    click.echo(f"wrote {xlsx_path or csv_path}")


@main.command()
@click.argument("letters", metavar="FILE.docx...", nargs=-1, required=True, type=_existing_file)
@click.option("--pdfa", is_flag=True, help="Write archival PDF/A-2b.")
@click.option("--workers", type=click.IntRange(min=1), default=None, help="LibreOffice processes side by side (default: the number of cores).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None, help="Folder for the PDFs (default: beside each letter).")
def pdf(letters: tuple[Path, ...], pdfa: bool, workers: int | None, out_dir: Path | None) -> None:
    """Convert existing letters to PDF with LibreOffice, many per LibreOffice run.

    A letter that cannot be converted is named with the reason; the others are converted.

    Example:

        letter-gen pdf output/2021-Q2/*.docx
    """
    from letter_gen.libreoffice import convert_files

    results = convert_files(list(letters), workers=workers, pdfa=pdfa, out_dir=out_dir)
    failed = [r for r in results if r.pdf is None]
    for result in results:
        if result.pdf is not None:
            click.echo(f"wrote {result.pdf}")
    for result in failed:
        click.echo(result.error, err=True)
    if failed:
        sys.exit(1)


@main.command()
@click.argument("letters", metavar="FILE.docx...", nargs=-1, required=True, type=_existing_file)
@click.option("--pdf", "laid_out", is_flag=True, help="Also lay the pages out with LibreOffice and check them.")
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON.")
def check(letters: tuple[Path, ...], laid_out: bool, as_json: bool) -> None:
    """Check công văn (.docx) against Decree 30/2020/NĐ-CP, ours or typed in Word.

    Prints every finding with where it is and what the rule wants; exit code 0 when
    every letter is clean, 1 when not.

    Example:

        letter-gen check output/cchc-2021.docx --pdf
    """
    import json

    from letter_gen.checking.rules import check_files

    results = check_files(list(letters), pdf=laid_out)
    if as_json:
        click.echo(json.dumps(
            [{"file": str(path), "findings": [{"rule": f.rule, "where": f.where, "message": f.message} for f in found]}
             for path, found in zip(letters, results)],
            ensure_ascii=False, indent=2,
        ))
    else:
        for path, found in zip(letters, results):
            click.echo(f"{path}: " + ("follows Decree 30" if not found else f"{len(found)} finding(s)"))
            for finding in found:
                click.echo(f"  {finding}")
    if any(results):
        sys.exit(1)


@main.group()
def template() -> None:
    """Your own docxtpl templates: check one, list the variables."""


@template.command("check")
@click.argument("path", metavar="FILE.docx", type=_existing_file)
def template_check(path: Path) -> None:
    """Report a template's problems before any render: unknown variables, Jinja syntax
    errors, tags split across Word runs, unbalanced {%p %} blocks, unescaped data.

    Exit code 1 when a problem would stop rendering; split tags are warnings.

    Example:

        letter-gen template check my-template.docx
    """
    from letter_gen.letters.template_check import BLOCKING, check_template

    problems = check_template(path)
    for problem in problems:
        click.echo(("" if problem.kind in BLOCKING else "warning: ") + str(problem))
    if not problems:
        click.echo(f"{path}: no problems found")
    if any(p.kind in BLOCKING for p in problems):
        sys.exit(1)


@template.command("vars")
def template_vars() -> None:
    """List every variable a template can use, with its meaning.

    Example:

        letter-gen template vars
    """
    from letter_gen.letters.template_check import template_variables

    for name, meaning in template_variables():
        click.echo(f"{name}\t{meaning}")


def _credential(kind: str, p12: Path | None, library: Path | None, token_label: str | None, cert_label: str | None) -> Any:
    """A PKCS#12 file (password from LETTER_GEN_<KIND>_PASSWORD or asked) or a token (PIN asked)."""
    import os

    from letter_gen.errors import UsageError
    from letter_gen.signing import Pkcs11, Pkcs12

    if p12 is not None and (token_label or cert_label):
        raise UsageError(f"give the {kind}'s certificate as a PKCS#12 file or as a token, not both")
    if p12 is not None:
        password = os.environ.get(f"LETTER_GEN_{kind.upper()}_PASSWORD")
        if password is None:
            password = click.prompt(f"Password of {p12}", hide_input=True, default="", show_default=False, err=True)
        return Pkcs12(p12, password.encode() if password else None)
    if token_label or cert_label:
        if not (library and token_label and cert_label):
            raise UsageError(f"the {kind}'s token needs --pkcs11-lib, its token label and its certificate label")
        pin = click.prompt(f"PIN of token \"{token_label}\"", hide_input=True, err=True)
        return Pkcs11(library, token_label, cert_label, pin)
    return None


@main.command()
@click.argument("pdfs", metavar="FILE.pdf...", nargs=-1, required=True, type=_existing_file)
@click.option("--signer", "signer_p12", type=_existing_file, default=None, help="The signer's certificate, a PKCS#12 file (.p12, .pfx).")
@click.option("--signature-image", type=_existing_file, default=None, help="The signer's signature: a blue PNG with a transparent background.")
@click.option("--agency", "agency_p12", type=_existing_file, default=None, help="The agency's certificate, a PKCS#12 file (.p12, .pfx).")
@click.option("--seal-image", type=_existing_file, default=None, help="The agency's seal: a red PNG with a transparent background, at its real size.")
@click.option("--pkcs11-lib", type=_existing_file, default=None, help="The token's PKCS#11 library (.so), for certificates on a token.")
@click.option("--token-label", default=None, help="The signer's token label (with --pkcs11-lib).")
@click.option("--cert-label", default=None, help="The signer's certificate label on the token.")
@click.option("--agency-token-label", default=None, help="The agency's token label (with --pkcs11-lib).")
@click.option("--agency-cert-label", default=None, help="The agency's certificate label on the token.")
@click.option("--tsa", "tsa_url", default=None, help="A time-stamp server (RFC 3161) URL: signatures carry its trusted time.")
@click.option("--attachment-of", type=_existing_file, default=None, help="Sign FILE.pdf as an attachment of this issued letter (agency only).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None, help="Folder for the signed files (default: beside each file).")
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

    Example:

    \b
        letter-gen sign output/01-SKHCN.pdf --signer ky.p12 --signature-image chu-ky.png \\
            --agency so.p12 --seal-image dau.png
        letter-gen sign --attachment-of output/01-SKHCN.pdf phu-luc.pdf --agency so.p12
    """
    from letter_gen.signing import SignOptions, sign_attachment, sign_letters

    signer = None if attachment_of else _credential("signer", signer_p12, pkcs11_lib, token_label, cert_label)
    agency = _credential("agency", agency_p12, pkcs11_lib, agency_token_label, agency_cert_label)
    options = SignOptions(signer, signature_image, agency, seal_image, tsa_url, out_dir)
    if attachment_of:
        results = [sign_attachment(pdf, attachment_of, options) for pdf in pdfs]
    else:
        results = sign_letters(list(pdfs), options)
    _warn(list(dict.fromkeys(w for r in results for w in r.warnings)))
    for result in results:
        if result.ok:
            when = f" (signed {result.signed_at.isoformat(sep=' ')})" if result.signed_at else ""
            click.echo(f"wrote {result.path}{when}")
        else:
            click.echo(result.error, err=True)
    if not all(r.ok for r in results):
        sys.exit(1)


@main.command()
@click.argument("pdfs", metavar="FILE.pdf...", nargs=-1, required=True, type=_existing_file)
@click.option("--trust", "trust", multiple=True, type=_existing_file, help="A root certificate (PEM or DER) to trust; repeatable.")
def verify(pdfs: tuple[Path, ...], trust: tuple[Path, ...]) -> None:
    """Check every signature of signed letters: whose, when, whether it covers the whole
    document, intact or modified after signing, trusted or not.

    Exit code 0 only when every signature of every file is intact and trusted.
    Revocation is not checked online.

    Example:

    \b
        letter-gen verify output/01-SKHCN-signed.pdf --trust ca-root.pem
    """
    from letter_gen.signing.verify import verify_files

    reports = verify_files(list(pdfs), list(trust))
    for report in reports:
        for line in report.lines():
            click.echo(line)
    if not all(r.ok for r in reports):
        sys.exit(1)
