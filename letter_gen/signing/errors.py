"""Errors of signing and verifying letters; each names the file and what was expected."""

from __future__ import annotations

from letter_gen.errors import LetterGenError, UsageError


class SigningError(LetterGenError):
    """Raised when a letter cannot be signed (its layout, the images, the signing itself)."""


class NotIssuedError(SigningError):
    """Raised when the letter to sign is a draft: it has no number or no date yet."""


class SignatureBlockNotFound(SigningError):
    """Raised when the signature block (chức vụ and họ tên of the signer) is not in the PDF."""


class ImageError(SigningError):
    """Raised when a signature or seal image is not a transparent PNG that can be placed."""


class CredentialError(SigningError):
    """Raised when a certificate (PKCS#12 file or token) cannot be opened or used."""


class SigningUsageError(UsageError):
    """Raised when the signing options do not go together (exit code 2)."""


class VerificationError(LetterGenError):
    """Raised when a file cannot be read for verification at all (not a PDF, unreadable)."""
