"""The ``letter-gen`` command: a thin click layer over :mod:`letter_gen.pipeline` and friends.

Only this module imports click. Every :class:`~letter_gen.errors.LetterGenError` becomes a
message on stderr and its exit code in one place (:class:`_Group`); a traceback reaching a
clerk is a bug.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from .errors import LetterGenError


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


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="letter-gen")
def main() -> None:
    """Vietnamese official letters (công văn) from inspection results, laid out per Decree 30/2020/NĐ-CP."""


@main.command()
@click.argument("input_path", metavar="INPUT", type=_existing_file)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True, help="The .docx to write.")
@click.option("--unit", type=click.IntRange(min=0), default=None, help="Write the per-unit letter of units[N] (from 0).")
def render(input_path: Path, output: Path, unit: int | None) -> None:
    """Write the letter of one inspection input (YAML, JSON or Excel).

    Without --unit: the consolidated letter to every unit, like the seed letter.
    With --unit N: the letter to units[N] alone, its findings and actions after the
    general requirements.

    Example:

        letter-gen render data/cchc-2021.yaml -o output/cchc-2021.docx
    """
    from .pipeline import render_file

    letter = render_file(input_path, output, unit=unit)
    click.echo(f"wrote {letter.path}")


@main.command()
@click.argument("input_path", metavar="INPUT", type=_existing_file)
def validate(input_path: Path) -> None:
    """Check an inspection input against the contract without writing anything.

    Exit code 0 when valid; 1 with one line per problem (field path, and sheet, row and
    column for Excel) when not.

    Example:

        letter-gen validate data/cchc-2021.yaml
    """
    from .pipeline import validate_file

    round_ = validate_file(input_path)
    click.echo(f"{input_path}: valid ({len(round_.units)} units, {round_.period.label})")
