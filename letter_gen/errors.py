"""One exception family for the whole pipeline.

Every error a clerk can meet subclasses :class:`LetterGenError`; it carries the exit
code the CLI returns and a message that names the file, the field and what was expected.
The CLI catches the base class in exactly one place.
"""

from __future__ import annotations


class LetterGenError(Exception):
    """Base of every error letter_gen raises on purpose. Exit code 1."""

    exit_code = 1

    def __init__(self, message: str, *, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        #: One line per problem (e.g. one per invalid field), shown after the message.
        self.problems = problems or []

    def lines(self) -> list[str]:
        """The message and each problem, as lines a clerk reads."""
        return [self.message, *(f"  {p}" for p in self.problems)]


class InputError(LetterGenError):
    """Raised when an inspection input cannot be read or does not follow the contract."""


class TemplateError(LetterGenError):
    """Raised when a docx template cannot be loaded, prepared or rendered."""


class RegisterError(LetterGenError):
    """Raised when the outgoing register (sổ đăng ký văn bản đi) refuses an operation."""


class MissingRegisterError(RegisterError):
    """No register where one was named or is needed: a misuse, like a missing file (exit 2)."""

    exit_code = 2


class ConversionError(LetterGenError):
    """Raised when LibreOffice is missing or cannot convert a letter to PDF."""


class NonConformingError(LetterGenError):
    """Raised when a letter breaks Decree 30's layout rules and is therefore not written."""


class OutputError(LetterGenError):
    """Raised when a file cannot be written (disk full, read-only folder): a batch stops."""


class ExistingFileError(OutputError):
    """Raised when a file letter_gen did not write is where it would write (``--force`` replaces it)."""


class ExistingLetterError(ExistingFileError):
    """Raised when an issued letter with other content is already where a letter would go."""


class UsageError(LetterGenError):
    """Raised when a command is called the wrong way. Exit code 2."""

    exit_code = 2
