"""The certificates that sign: a PKCS#12 file (.p12, .pfx) or a PKCS#11 token (USB token, HSM).

Passwords and PINs are handed in by the caller (the CLI prompts for them or reads an
environment variable); they are never written anywhere, nor shown in a message.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Union

from letter_gen.i18n import _, os_reason
from letter_gen.signing.errors import CredentialError


@dataclass(frozen=True)
class Pkcs12:
    """A certificate and its private key in a PKCS#12 file."""

    path: Path
    password: bytes | None = field(default=None, repr=False)

    def describe(self) -> str:
        return str(self.path)


@dataclass(frozen=True)
class Pkcs11:
    """A certificate and its private key on a PKCS#11 token, found by their labels."""

    library: Path
    token_label: str
    cert_label: str
    pin: str = field(default="", repr=False)

    def describe(self) -> str:
        return _("token \"{token}\", certificate \"{cert}\"").format(token=self.token_label, cert=self.cert_label)


Credential = Union[Pkcs12, Pkcs11]


@contextlib.contextmanager
def open_signer(credential: Credential) -> Iterator[Any]:
    """A pyHanko signer for the credential; a token's session is closed on leaving."""
    if isinstance(credential, Pkcs12):
        yield _pkcs12_signer(credential)
        return
    session = _open_token(credential)
    try:
        from pyhanko.sign.pkcs11 import PKCS11Signer

        signer = PKCS11Signer(session, cert_label=credential.cert_label, key_label=credential.cert_label)
        try:
            signer.signing_cert  # noqa: B018 - load the certificate now, to report a wrong label here
        except Exception as err:  # python-pkcs11 and pyHanko raise many kinds
            raise CredentialError(_(
                "{what}: no certificate with its private key under this label on the token ({err})"
            ).format(what=credential.describe(), err=_pkcs11_reason(err))) from err
        yield signer
    finally:
        with contextlib.suppress(Exception):
            session.close()


def _pkcs12_signer(credential: Pkcs12) -> Any:
    from pyhanko.sign.signers import SimpleSigner

    try:
        data = credential.path.read_bytes()
    except OSError as err:
        raise CredentialError(_("{path}: the certificate file cannot be read ({why})").format(
            path=credential.path, why=os_reason(err))) from err
    try:
        signer = SimpleSigner.load_pkcs12_data(data, other_certs=(), passphrase=credential.password)
    except (ValueError, TypeError) as err:
        raise CredentialError(_(
            "{path}: wrong password, or not a PKCS#12 certificate file (.p12, .pfx) with a private key"
        ).format(path=credential.path)) from err
    if signer is None or getattr(signer, "signing_cert", None) is None:
        raise CredentialError(_("{path}: the file holds no certificate with its private key").format(path=credential.path))
    return signer


def _open_token(credential: Pkcs11) -> Any:
    try:
        from pyhanko.config.pkcs11 import TokenCriteria
        from pyhanko.sign.pkcs11 import open_pkcs11_session
    except ImportError as err:
        raise CredentialError(_("signing with a token needs python-pkcs11: pip install 'pyhanko[pkcs11]'")) from err
    if not credential.library.is_file():
        raise CredentialError(_("{lib}: the token's PKCS#11 library is not there (the .so file of the token's driver)").format(
            lib=credential.library))
    try:
        return open_pkcs11_session(
            str(credential.library), token_criteria=TokenCriteria(label=credential.token_label), user_pin=credential.pin,
        )
    except Exception as err:  # python-pkcs11 raises a class per PKCS#11 return code
        raise CredentialError(_("{what}: the token could not be opened ({err})").format(
            what=credential.describe(), err=_pkcs11_reason(err))) from err


def _pkcs11_reason(err: Exception) -> str:
    name = type(err).__name__
    reasons = {
        "PinIncorrect": _("wrong PIN"),
        "PinLocked": _("the PIN is locked; ask the certificate's issuer to unlock it"),
        "NoSuchToken": _("no token with this label is plugged in"),
        "NoSuchKey": _("no private key with this label"),
        "MultipleObjectsReturned": _("several objects have this label"),
    }
    if name in reasons:
        return reasons[name]
    text = str(err).strip()
    if "No token" in text:
        return _("no token with this label is plugged in")
    return text or name
