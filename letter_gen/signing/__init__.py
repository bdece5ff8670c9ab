"""Signed electronic letters as Decree 30 lays them out (Điều 5; Phụ lục I, II.7.d and II.8).

- :mod:`.placement`: where the signature block is, from the PDF's text positions;
- :mod:`.appearance`: the signature image, the seal and the attachment's text line;
- :mod:`.credentials`: PKCS#12 files and PKCS#11 tokens;
- :mod:`.sign`: PAdES signatures of the signer and the agency (pyHanko);
- :mod:`.verify`: every signature of a file, in the clerk's words.
"""

from __future__ import annotations

import logging

# pyHanko logs every untrusted path with a traceback (and fontTools its subsetting); with no logging configured Python would
# print those to a clerk's terminal. A NullHandler keeps them for applications that log.
for _logger in ("pyhanko", "pyhanko_certvalidator", "fontTools"):
    logging.getLogger(_logger).addHandler(logging.NullHandler())

from letter_gen.signing.credentials import Credential, Pkcs11, Pkcs12
from letter_gen.signing.sign import SignedResult, SignOptions, sign_attachment, sign_letters, signed_path

__all__ = [
    "Credential", "Pkcs11", "Pkcs12", "SignOptions", "SignedResult", "sign_attachment", "sign_letters", "signed_path",
]
