"""Checking every signature of a signed letter, in the clerk's words (pyHanko's validator).

For each signature: whose it is (the signer's, the agency's, or another), who signed (the
certificate's name and organisation), when (the time the signer's computer gave, and the
time stamp's time when there is one), whether it covers the whole document, whether the
document is intact or was modified after signing, and whether the certificate leads to a
trusted root. Revocation (CRL, OCSP) is not fetched: the check works offline.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from letter_gen import vn
from letter_gen.i18n import _, os_reason
from letter_gen.signing.errors import VerificationError
from letter_gen.signing.sign import AGENCY_FIELD, ATTACHMENT_FIELD, SIGNER_FIELD


@dataclass(frozen=True)
class SignatureReport:
    """One signature of a file, as a clerk needs to know it."""

    field: str
    role: str
    signed_by: str
    signed_at: datetime | None
    timestamp: datetime | None
    whole_document: bool
    intact: bool
    trusted: bool
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.intact and self.trusted and self.whole_document

    def lines(self) -> list[str]:
        when = _("signed on {when}").format(when=_format_time(self.signed_at)) if self.signed_at else _("no signing time")
        lines = [f"{self.role}: {self.signed_by}, {when}"]
        if self.timestamp:
            lines.append("  " + _("time stamp: {when}").format(when=_format_time(self.timestamp)))
        lines.append("  " + (_("covers the whole document") if self.whole_document else _(
            "does NOT cover the whole document: content was added after this signature")))
        lines.append("  " + (_("intact: not modified since it was signed") if self.intact else _(
            "MODIFIED after signing: this is not the document that was signed")))
        if self.trusted:
            lines.append("  " + _("trusted: the certificate leads to a trusted root"))
        elif not self.intact:
            lines.append("  " + _("trust not checked: the signature does not match the document"))
        else:
            lines.append("  " + _(
                "NOT trusted: the certificate does not lead to a trusted root (give the CA's root with --trust ROOT.pem)"))
        if self.problem:
            lines.append("  " + self.problem)
        return lines


@dataclass(frozen=True)
class FileReport:
    """Every signature of one file."""

    path: Path
    signatures: tuple[SignatureReport, ...]
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None and bool(self.signatures) and all(s.ok for s in self.signatures)

    def lines(self) -> list[str]:
        if self.problem:
            return [f"{self.path}: {self.problem}"]
        if not self.signatures:
            return [f"{self.path}: " + _("no signature")]
        verdict = _("every signature is intact and trusted") if self.ok else _("NOT every signature is intact and trusted")
        head = f"{self.path}: " + _("{n} signature(s), {verdict}").format(n=len(self.signatures), verdict=verdict)
        return [head, *("  " + line for s in self.signatures for line in s.lines())]


def verify_files(paths: Sequence[Path], trust: Sequence[Path] = ()) -> list[FileReport]:
    """Verify every signature of every file; ``trust`` are root certificates (PEM or DER)
    to trust besides none: without them no signature is trusted."""
    roots = [_load_certificate(path) for path in trust]
    return [verify_file(Path(path), roots) for path in paths]


def verify_file(path: Path, roots: Sequence[Any]) -> FileReport:
    """Every signature of one file (see :func:`verify_files`)."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        data = path.read_bytes()
    except OSError as err:
        return FileReport(path, (), _("the file cannot be read ({why})").format(why=os_reason(err)))
    try:
        signatures = PdfFileReader(io.BytesIO(data), strict=False).embedded_signatures
    except Exception as err:  # pyHanko's reader raises several kinds for a damaged file
        return FileReport(path, (), _("not a PDF that can be read, or damaged ({err})").format(err=err))
    return FileReport(path, tuple(_report(sig, roots) for sig in signatures))


def _report(embedded: Any, roots: Sequence[Any]) -> SignatureReport:
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    field = embedded.field_name or ""
    role = {
        SIGNER_FIELD: _("the signer's signature"), AGENCY_FIELD: _("the agency's signature (seal)"),
        ATTACHMENT_FIELD: _("the agency's signature (attachment)"),
    }.get(field, _("signature \"{field}\"").format(field=field))
    signed_by = _certificate_name(embedded)
    context = ValidationContext(trust_roots=list(roots), allow_fetching=False, revocation_mode="soft-fail")
    try:
        status = validate_pdf_signature(embedded, context)
    except Exception as err:  # a damaged signature or document: report it, never a traceback
        return SignatureReport(field, role, signed_by, embedded.self_reported_timestamp, None, False, False, False,
                               _("the signature could not be checked: {err}").format(err=err))
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE or (
        status.coverage == SignatureCoverageLevel.ENTIRE_REVISION and bool(status.docmdp_ok)
    )
    intact = bool(status.intact and status.valid) and status.docmdp_ok is not False
    timestamp = status.timestamp_validity.timestamp if status.timestamp_validity is not None else None
    return SignatureReport(field, role, signed_by, status.signer_reported_dt, timestamp, whole, intact, bool(status.trusted))


def _certificate_name(embedded: Any) -> str:
    try:
        subject = embedded.signer_cert.subject.native
    except Exception:  # a damaged signature may have no readable certificate
        return _("unknown signer")
    name = subject.get("common_name", "")
    organisation = subject.get("organization_name", "")
    return f"{name} ({organisation})" if organisation and organisation != name else name or _("unknown signer")


def _load_certificate(path: Path) -> Any:
    from asn1crypto import pem, x509

    try:
        data = path.read_bytes()
        if pem.detect(data):
            _kind, _headers, data = pem.unarmor(data)
        certificate = x509.Certificate.load(data)
        certificate.native  # noqa: B018 - parse now, to report a bad file here
    except OSError as err:
        raise VerificationError(_("{path}: the root certificate cannot be read ({why})").format(path=path, why=os_reason(err))) from err
    except Exception as err:  # asn1crypto raises ValueError and others for bad data
        raise VerificationError(_("{path}: not a certificate (expected a PEM or DER root certificate)").format(path=path)) from err
    return certificate


def _format_time(when: datetime) -> str:
    local = when.astimezone(vn.VIETNAM_TIME)
    offset = local.strftime("%z")
    return f"{local:%Y-%m-%d %H:%M:%S}{offset[:3]}:{offset[3:]}"
