"""Signing issued letters: PAdES signatures of the signer, then of the agency (pyHanko).

The signer's signature is made first, with the signature image as its visible appearance
where the decree puts it (found from the letter's own text, :mod:`.placement`); the agency's
follows as a second, incremental signature whose appearance is the seal over the left third
of the signature image, so the first signature stays valid. An attachment in its own file
carries the agency's signature alone, as a text line at the top right of page 1.

A signed letter is written beside the letter (or into ``out_dir``) as ``<name>-signed.pdf``;
the letter itself is never changed.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from letter_gen import vn
from letter_gen.errors import LetterGenError
from letter_gen.fileio import write_bytes_atomic
from letter_gen.i18n import _, os_reason
from letter_gen.signing import appearance
from letter_gen.signing.appearance import Picture, load_picture
from letter_gen.signing.credentials import Credential, open_signer
from letter_gen.signing.errors import SigningError, SigningUsageError
from letter_gen.signing.placement import Box, document_number, find_signature_block, read_pages

SIGNER_FIELD = "Signer"
AGENCY_FIELD = "Agency"
ATTACHMENT_FIELD = "AgencyAttachment"
SIGNED_SUFFIX = "-signed"


@dataclass(frozen=True)
class SignOptions:
    """Who signs and how. ``signer`` with ``signature_image`` is required for letters; the
    agency (``agency`` with ``seal_image``) is optional for letters and required alone for
    attachments."""

    signer: Credential | None = None
    signature_image: Path | None = None
    agency: Credential | None = None
    seal_image: Path | None = None
    tsa_url: str | None = None
    out_dir: Path | None = None


@dataclass(frozen=True)
class SignedResult:
    """One file signed (``path`` set) or refused (``error`` says why, naming the file)."""

    source: Path
    path: Path | None = None
    sha256: str | None = None
    signed_at: datetime | None = None
    signatures: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass
class _Session:
    """Signers opened once for many files (a token's PIN is entered once)."""

    options: SignOptions
    stack: contextlib.ExitStack
    signer: Any = None
    agency: Any = None
    signature: Picture | None = None
    seal: Picture | None = None
    warnings: list[str] = field(default_factory=list)


def signed_path(source: Path, out_dir: Path | None) -> Path:
    """Where the signed copy of ``source`` goes: ``<name>-signed.pdf``."""
    return (out_dir or source.parent) / f"{source.stem}{SIGNED_SUFFIX}.pdf"


def sign_letters(pdf_paths: Sequence[Path], options: SignOptions) -> list[SignedResult]:
    """Sign every issued letter of ``pdf_paths``: the signer's signature with its image, then
    the agency's with the seal, if given. A letter that cannot be signed (a draft, no
    signature block) is reported in its result and the others are signed.

    Problems with the options themselves (an image, a certificate, a PIN) raise before any
    file is signed.
    """
    with contextlib.ExitStack() as stack:
        session = open_session(options, stack)
        return [_sign_one(Path(pdf), session) for pdf in pdf_paths]


def open_session(options: SignOptions, stack: contextlib.ExitStack) -> _Session:
    """The images loaded and the credentials opened once, for many letters (``batch --sign``);
    closed with ``stack``. Problems with the options raise here, before any file is signed."""
    if options.signer is None or options.signature_image is None:
        raise SigningUsageError(_("signing a letter needs the signer's certificate (--signer or a token) and --signature-image"))
    if (options.agency is None) != (options.seal_image is None):
        raise SigningUsageError(_("the agency's signature needs both its certificate (--agency or a token) and --seal-image"))
    return _open_session(options, stack)


def sign_with_session(pdf: Path, session: _Session) -> SignedResult:
    """Sign one issued letter with a session of :func:`open_session`."""
    return _sign_one(Path(pdf), session)


def sign_attachment(pdf: Path, letter_pdf: Path, options: SignOptions) -> SignedResult:
    """Sign an attachment (a separate file of letter ``letter_pdf``) with the agency's
    signature: no image, the line ``số và ký hiệu; date; hh:mm:ss+07:00`` at the top right
    of page 1, Times New Roman 10 pt, black."""
    if options.agency is None:
        raise SigningUsageError(_("an attachment is signed by the agency: give its certificate (--agency or a token)"))
    number = document_number(letter_pdf)
    pages = read_pages(pdf)
    _refuse_signed(pdf)
    sample = appearance.attachment_text(number, datetime(2000, 10, 10, 10, 10, 10, tzinfo=vn.VIETNAM_TIME))
    box = appearance.attachment_box(pages[0].width, pages[0].height, appearance.text_width(sample) + 4)
    with open_signer(options.agency) as agency:
        data = _sign_bytes(
            pdf, _read(pdf), agency, ATTACHMENT_FIELD, 0, box, appearance.attachment_style(number), options.tsa_url,
            _("the agency's signature"),
        )
    return _write(pdf, data, options.out_dir, (ATTACHMENT_FIELD,), [])


def _open_session(options: SignOptions, stack: contextlib.ExitStack) -> _Session:
    session = _Session(options, stack)
    assert options.signer is not None and options.signature_image is not None
    session.signature = load_picture(options.signature_image, _("signature image"))
    session.warnings += _dpi_warnings(session.signature, _("signature image"))
    if options.seal_image is not None:
        session.seal = load_picture(options.seal_image, _("seal image"))
        session.warnings += _dpi_warnings(session.seal, _("seal image"))
    session.signer = stack.enter_context(open_signer(options.signer))
    if options.agency is not None:
        session.agency = stack.enter_context(open_signer(options.agency))
    return session


def _sign_one(pdf: Path, session: _Session) -> SignedResult:
    try:
        pages = read_pages(pdf)
        document_number(pdf, pages)
        block = find_signature_block(pdf, pages)
        _refuse_signed(pdf)
        assert session.signature is not None
        signature_box = appearance.signature_box(block, session.signature)
        data = _sign_bytes(
            pdf, _read(pdf), session.signer, SIGNER_FIELD, block.page, signature_box,
            appearance.image_style(session.signature), session.options.tsa_url, _("the signer's signature"),
        )
        fields: tuple[str, ...] = (SIGNER_FIELD,)
        if session.agency is not None and session.seal is not None:
            data = _sign_bytes(
                pdf, data, session.agency, AGENCY_FIELD, block.page, appearance.seal_box(signature_box, session.seal),
                appearance.image_style(session.seal), session.options.tsa_url, _("the agency's signature"),
            )
            fields += (AGENCY_FIELD,)
        return _write(pdf, data, session.options.out_dir, fields, session.warnings)
    except LetterGenError as err:
        return SignedResult(pdf, error="\n".join(err.lines()))


def _read(pdf: Path) -> bytes:
    try:
        return pdf.read_bytes()
    except OSError as err:
        raise SigningError(_("{pdf}: the file cannot be read ({why})").format(pdf=pdf, why=os_reason(err))) from err


def _refuse_signed(pdf: Path) -> None:
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        with pdf.open("rb") as handle:
            signed = bool(PdfFileReader(handle, strict=False).embedded_signatures)
    except Exception as err:  # pyHanko's reader raises several kinds for a damaged file
        raise SigningError(_("{pdf}: this is not a PDF that can be signed ({err})").format(pdf=pdf, err=err)) from err
    if signed:
        raise SigningError(_("{pdf}: this file is already signed; sign the letter's unsigned PDF").format(pdf=pdf))


def _sign_bytes(
    pdf: Path, data: bytes, signer: Any, field_name: str, page: int, box: Box, style: Any, tsa_url: str | None, what: str,
) -> bytes:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.sign.timestamps import HTTPTimeStamper, TimestampRequestError

    meta = signers.PdfSignatureMetadata(
        field_name=field_name, md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES,
    )
    pdf_signer = signers.PdfSigner(
        meta, signer=signer, timestamper=HTTPTimeStamper(tsa_url, timeout=30) if tsa_url else None, stamp_style=style,
        new_field_spec=fields.SigFieldSpec(field_name, on_page=page, box=box.as_tuple()),  # type: ignore[arg-type]
    )
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
        output = pdf_signer.sign_pdf(writer)
    except TimestampRequestError as err:
        raise SigningError(_("{pdf}: the time-stamp server {url} did not give a time stamp ({err})").format(
            pdf=pdf, url=tsa_url, err=err)) from err
    except LetterGenError:
        raise
    except Exception as err:  # pyHanko, the token and asyncio raise many kinds
        raise SigningError(_("{pdf}: {what} could not be made ({err})").format(pdf=pdf, what=what, err=err)) from err
    return bytes(output.getvalue())


def _write(source: Path, data: bytes, out_dir: Path | None, fields: tuple[str, ...], warnings: list[str]) -> SignedResult:
    path = signed_path(source, out_dir)
    write_bytes_atomic(path, data)
    return SignedResult(
        source, path, hashlib.sha256(data).hexdigest(), _signing_time(data), fields, tuple(warnings),
    )


def _signing_time(data: bytes) -> datetime | None:
    from pyhanko.pdf_utils.reader import PdfFileReader

    signatures = PdfFileReader(io.BytesIO(data), strict=False).embedded_signatures
    when = signatures[-1].self_reported_timestamp if signatures else None
    return when.astimezone(vn.VIETNAM_TIME) if when else None


def _dpi_warnings(picture: Picture, what: str) -> list[str]:
    if picture.dpi_recorded:
        return []
    width, height = picture.size_mm
    return [_(
        "{path}: the {what} does not record its resolution; it is placed at {dpi:g} dpi, {w:.0f} × {h:.0f} mm"
        " (save it with its real resolution to print it at its real size)"
    ).format(path=picture.path, what=what, dpi=appearance.DEFAULT_DPI, w=width, h=height)]
