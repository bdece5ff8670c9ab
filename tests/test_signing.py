"""Signed letters (issue 16): PAdES signatures of signer and agency, placed as Decree 30 says,
verified in the clerk's words and by pyHanko's own validator.

A throwaway CA (root, signer, agency, time-stamp authority) is made here with
``cryptography``; nothing goes to the network. A PKCS#11 token is a SoftHSM2 token in a
temporary folder.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import http.server
import io
import math
import os
import re
import shutil
import subprocess
import threading
from pathlib import Path
from typing import Any, Iterator

import pytest
from click.testing import CliRunner
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from PIL import Image, ImageDraw

from letter_gen.cli import main
from letter_gen.output.writer import WriteOptions, render_file
from letter_gen.signing import Pkcs11, Pkcs12, SignOptions, sign_attachment, sign_letters
from letter_gen.signing.appearance import MM_PER_POINT
from letter_gen.signing.errors import CredentialError, ImageError, NotIssuedError
from letter_gen.signing.placement import find_signature_block
from letter_gen.signing.verify import verify_files

from .conftest import SAMPLE

PASSWORD = b"mat-khau"
SIGNATURE_DPI = 150
SEAL_DPI = 200
SEAL_MM = 38.0
SOFTHSM_LIB = next((p for p in ("/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so")
                    if Path(p).is_file()), None)


# --- the throwaway CA ---------------------------------------------------------------------


def _name(common_name: str) -> x509.Name:
    return x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Sở Khoa học và Công nghệ"),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ])


def _issue(subject: str, issuer: tuple[x509.Certificate, Any] | None, *, ca: bool = False, tsa: bool = False) -> tuple[x509.Certificate, Any]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = dt.datetime.now(dt.timezone.utc)
    issuer_name, issuer_key = (issuer[0].subject, issuer[1]) if issuer else (_name(subject), key)
    builder = (
        x509.CertificateBuilder().subject_name(_name(subject)).issuer_name(issuer_name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False)
    )
    if ca:
        builder = builder.add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
    elif tsa:
        builder = builder.add_extension(x509.KeyUsage(True, False, False, False, False, False, False, False, False), critical=True)
        builder = builder.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
    else:
        builder = builder.add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True)
    return builder.sign(issuer_key, hashes.SHA256()), key


class CA:
    def __init__(self, folder: Path) -> None:
        self.root = _issue("Test Root CA (letter_gen)", None, ca=True)
        self.signer = _issue("Trần Duy Tâm Thanh", self.root)
        self.agency = _issue("Sở Khoa học và Công nghệ tỉnh Bà Rịa - Vũng Tàu", self.root)
        self.tsa = _issue("Test TSA (letter_gen)", self.root, tsa=True)
        self.root_pem = folder / "root.pem"
        self.root_pem.write_bytes(self.root[0].public_bytes(serialization.Encoding.PEM))
        self.signer_p12 = self._p12(folder / "signer.p12", *self.signer)
        self.agency_p12 = self._p12(folder / "agency.p12", *self.agency)

    def _p12(self, path: Path, cert: x509.Certificate, key: Any) -> Path:
        path.write_bytes(pkcs12.serialize_key_and_certificates(
            b"cert", key, cert, [self.root[0]], serialization.BestAvailableEncryption(PASSWORD)))
        return path


# --- images and letters -------------------------------------------------------------------


def _signature_png(path: Path, dpi: int = SIGNATURE_DPI, alpha: bool = True) -> Path:
    width, height = round(45 / 25.4 * dpi), round(18 / 25.4 * dpi)
    image = Image.new("RGBA" if alpha else "RGB", (width, height), (0, 0, 0, 0) if alpha else (255, 255, 255))
    points = [(x, height / 2 + height / 3 * math.sin(x / 15) * math.cos(x / 41)) for x in range(6, width - 6, 2)]
    ImageDraw.Draw(image).line(points, fill=(20, 40, 190, 255), width=max(2, dpi // 40))
    image.save(path, dpi=(dpi, dpi))
    return path


def _seal_png(path: Path, dpi: int = SEAL_DPI) -> Path:
    size = round(SEAL_MM / 25.4 * dpi)
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    red = (215, 25, 32, 255)
    draw.ellipse((2, 2, size - 3, size - 3), outline=red, width=dpi // 25)
    draw.ellipse((size // 6, size // 6, size - size // 6, size - size // 6), outline=red, width=dpi // 60)
    draw.regular_polygon((size / 2, size / 2, size / 7), 5, fill=red)
    image.save(path, dpi=(dpi, dpi))
    return path


@pytest.fixture(scope="module")
def kit(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The CA, the images and the sample letter issued and drafted as PDF (LibreOffice)."""
    folder = tmp_path_factory.mktemp("signing")
    issued = render_file(SAMPLE, folder / "issued.docx", options=WriteOptions(issue=True, register_path=folder / "reg.sqlite", date=dt.date(2021, 3, 5)), pdf=True)
    draft = render_file(SAMPLE, folder / "draft.docx", pdf=True)
    return {
        "folder": folder, "ca": CA(folder), "issued": issued.pdf, "draft": draft.pdf,
        "signature": _signature_png(folder / "chu-ky.png"), "seal": _seal_png(folder / "dau.png"),
    }


def _options(kit: dict[str, Any], out: Path, **changes: Any) -> SignOptions:
    ca = kit["ca"]
    values: dict[str, Any] = dict(
        signer=Pkcs12(ca.signer_p12, PASSWORD), signature_image=kit["signature"],
        agency=Pkcs12(ca.agency_p12, PASSWORD), seal_image=kit["seal"], out_dir=out,
    )
    values.update(changes)
    return SignOptions(**values)


@pytest.fixture(scope="module")
def signed(kit: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample letter signed by signer and agency."""
    [result] = sign_letters([kit["issued"]], _options(kit, tmp_path_factory.mktemp("signed")))
    assert result.ok, result.error
    return result.path


def _widget_rects(pdf: Path) -> dict[str, tuple[float, float, float, float]]:
    from pypdf import PdfReader

    rects = {}
    for page in PdfReader(pdf).pages:
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            if annot.get("/FT") == "/Sig":
                rects[str(annot["/T"])] = tuple(float(v) for v in annot["/Rect"])
    return rects


# --- signing and verifying ----------------------------------------------------------------


def test_an_issued_letter_signed_by_signer_and_agency_verifies_as_intact_and_trusted(kit, signed):
    [report] = verify_files([signed], [kit["ca"].root_pem])
    assert report.ok
    assert [s.field for s in report.signatures] == ["Signer", "Agency"]
    assert all(s.intact and s.trusted and s.whole_document for s in report.signatures)
    assert report.signatures[0].signed_by == "Trần Duy Tâm Thanh (Sở Khoa học và Công nghệ)"


def test_pyhankos_own_validator_finds_both_signatures_valid_and_the_second_an_allowed_addition(kit, signed):
    from pyhanko.keys import load_cert_from_pemder
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    with signed.open("rb") as handle:
        reader = PdfFileReader(handle)
        statuses = [
            validate_pdf_signature(sig, ValidationContext(trust_roots=[load_cert_from_pemder(str(kit["ca"].root_pem))]))
            for sig in reader.embedded_signatures
        ]
        subfilters = [str(sig.sig_object["/SubFilter"]) for sig in reader.embedded_signatures]
    assert all(s.bottom_line for s in statuses)
    assert subfilters == ["/ETSI.CAdES.detached", "/ETSI.CAdES.detached"]  # PAdES
    assert statuses[0].coverage == SignatureCoverageLevel.ENTIRE_REVISION
    assert statuses[0].modification_level <= ModificationLevel.FORM_FILLING
    assert statuses[1].coverage == SignatureCoverageLevel.ENTIRE_FILE


def test_the_signature_image_is_centred_between_the_title_and_the_name(kit, signed):
    block = find_signature_block(kit["issued"])
    x0, y0, x1, y1 = _widget_rects(signed)["Signer"]
    title_bottom, name_top = block.titles[-1].box.y0, block.name.box.y1
    assert (x0 + x1) / 2 == pytest.approx(block.centre_x, abs=0.5)
    assert (y0 + y1) / 2 == pytest.approx((title_bottom + name_top) / 2, abs=0.5)
    assert name_top < (y0 + y1) / 2 < title_bottom
    assert (x1 - x0) * MM_PER_POINT == pytest.approx(45, abs=0.3)  # real size from the PNG's 150 dpi


def test_the_seal_covers_the_left_third_of_the_signature_image_at_its_real_size(signed):
    rects = _widget_rects(signed)
    sx0, sy0, sx1, sy1 = rects["Signer"]
    cx0, cy0, cx1, cy1 = rects["Agency"]
    assert cx1 == pytest.approx(sx0 + (sx1 - sx0) / 3, abs=0.5)
    assert cx0 < sx0
    assert (cy0 + cy1) / 2 == pytest.approx((sy0 + sy1) / 2, abs=0.5)
    assert (cx1 - cx0) * MM_PER_POINT == pytest.approx(SEAL_MM, abs=0.3)


def test_the_images_keep_their_colours_full_opacity_and_no_frame(signed):
    from pyhanko.pdf_utils.reader import PdfFileReader

    with signed.open("rb") as handle:
        for sig in PdfFileReader(handle).embedded_signatures:
            appearance = sig.sig_field["/AP"]["/N"].get_object()
            content = appearance.data
            assert b" re S" not in content  # no border drawn
            states = appearance["/Resources"].get("/ExtGState", {})
            assert all(float(state.get_object().get("/ca", 1)) == 1.0 for state in states.values())


def test_one_byte_changed_after_signing_is_reported_as_modified(kit, signed, tmp_path):
    data = bytearray(signed.read_bytes())
    where = data.index(b"/Producer") + 12
    data[where] ^= 0x01
    changed = tmp_path / "changed.pdf"
    changed.write_bytes(bytes(data))
    result = CliRunner().invoke(main, ["verify", str(changed), "--trust", str(kit["ca"].root_pem)])
    assert result.exit_code == 1
    assert result.output.count("MODIFIED after signing: this is not the document that was signed") == 2
    [report] = verify_files([changed], [kit["ca"].root_pem])
    assert not any(s.intact for s in report.signatures)


def test_verify_through_the_command_says_intact_and_trusted_and_exits_0(kit, signed):
    result = CliRunner().invoke(main, ["verify", str(signed), "--trust", str(kit["ca"].root_pem)])
    assert result.exit_code == 0, result.output
    assert f"{signed}: 2 signature(s), every signature is intact and trusted" in result.output
    assert "the agency's signature (seal): Sở Khoa học và Công nghệ tỉnh Bà Rịa - Vũng Tàu (Sở Khoa học và Công nghệ)" in result.output


def test_without_the_trusted_root_the_signatures_are_not_trusted_and_verify_exits_1(signed):
    result = CliRunner().invoke(main, ["verify", str(signed)])
    assert result.exit_code == 1
    assert "NOT trusted: the certificate does not lead to a trusted root" in result.output
    assert "Traceback" not in result.output


def test_an_unsigned_letter_has_no_signature_and_verify_exits_1(kit):
    result = CliRunner().invoke(main, ["verify", str(kit["issued"])])
    assert result.exit_code == 1
    assert result.output == f"{kit['issued']}: no signature\n"


def test_the_sign_command_signs_with_passwords_from_the_environment(kit, tmp_path):
    ca = kit["ca"]
    result = CliRunner().invoke(main, [
        "sign", str(kit["issued"]), "--signer", str(ca.signer_p12), "--signature-image", str(kit["signature"]),
        "--agency", str(ca.agency_p12), "--seal-image", str(kit["seal"]), "--out", str(tmp_path),
    ], env={"LETTER_GEN_SIGNER_PASSWORD": PASSWORD.decode(), "LETTER_GEN_AGENCY_PASSWORD": PASSWORD.decode()})
    assert result.exit_code == 0, result.output
    signed = tmp_path / "issued-signed.pdf"
    assert result.output.startswith(f"wrote {signed} (signed ")
    assert PASSWORD.decode() not in result.output
    assert verify_files([signed], [ca.root_pem])[0].ok


def test_the_sign_command_asks_for_a_password_it_is_not_given(kit, tmp_path):
    ca = kit["ca"]
    result = CliRunner().invoke(main, [
        "sign", str(kit["issued"]), "--signer", str(ca.signer_p12), "--signature-image", str(kit["signature"]),
        "--out", str(tmp_path),
    ], input=PASSWORD.decode() + "\n", env={"LETTER_GEN_SIGNER_PASSWORD": None})
    assert result.exit_code == 0, result.output
    assert f"Password of {ca.signer_p12}" in result.output
    assert PASSWORD.decode() not in result.output
    assert [s.field for s in verify_files([tmp_path / "issued-signed.pdf"], [ca.root_pem])[0].signatures] == ["Signer"]


def test_a_draft_is_refused_and_nothing_is_written(kit, tmp_path):
    ca = kit["ca"]
    result = CliRunner().invoke(main, [
        "sign", str(kit["draft"]), "--signer", str(ca.signer_p12), "--signature-image", str(kit["signature"]),
        "--out", str(tmp_path),
    ], env={"LETTER_GEN_SIGNER_PASSWORD": PASSWORD.decode()})
    assert result.exit_code == 1
    assert result.output == (
        f"{kit['draft']}: this letter is a draft (its Số line or date is blank); only an issued letter is signed:"
        " issue it first (letter-gen render ... --issue --pdf)\n"
    )
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(NotIssuedError):
        from letter_gen.signing.placement import document_number

        document_number(kit["draft"])


def test_a_wrong_password_names_the_certificate_file(kit, tmp_path):
    options = _options(kit, tmp_path, signer=Pkcs12(kit["ca"].signer_p12, b"sai"))
    with pytest.raises(CredentialError, match=re.escape(f"{kit['ca'].signer_p12}: wrong password")):
        sign_letters([kit["issued"]], options)


def test_a_signature_image_without_a_transparent_background_is_refused(kit, tmp_path):
    opaque = _signature_png(tmp_path / "opaque.png", alpha=False)
    with pytest.raises(ImageError, match="has no transparent background"):
        sign_letters([kit["issued"]], _options(kit, tmp_path, signature_image=opaque))


def test_an_image_without_its_resolution_is_placed_at_96_dpi_with_a_warning(kit, tmp_path):
    plain = tmp_path / "no-dpi.png"
    with Image.open(kit["signature"]) as image:
        image.save(plain)  # no pHYs chunk
    [result] = sign_letters([kit["issued"]], _options(kit, tmp_path, signature_image=plain, agency=None, seal_image=None))
    assert result.ok
    assert any("does not record its resolution; it is placed at 96 dpi" in w for w in result.warnings)
    x0, _, x1, _ = _widget_rects(result.path)["Signer"]
    with Image.open(plain) as image:
        assert (x1 - x0) == pytest.approx(image.width * 72 / 96, abs=0.5)


def test_sign_letters_reports_the_signed_files_sha256_and_time_for_the_batch(kit, tmp_path):
    import hashlib

    results = sign_letters([kit["issued"], kit["draft"]], _options(kit, tmp_path))
    assert [r.ok for r in results] == [True, False]
    assert results[0].sha256 == hashlib.sha256(results[0].path.read_bytes()).hexdigest()
    assert results[0].signed_at is not None and results[0].signed_at.utcoffset() == dt.timedelta(hours=7)
    assert results[0].signatures == ("Signer", "Agency")


def test_an_attachment_carries_the_agencys_line_at_the_top_right_of_page_1(kit, tmp_path):
    attachment = tmp_path / "phu-luc.pdf"
    shutil.copy(kit["draft"], attachment)  # any PDF will do as an attachment
    result = sign_attachment(attachment, kit["issued"], _options(kit, tmp_path))
    assert result.ok
    text = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", str(result.path), "-"], capture_output=True, text=True).stdout
    first = re.search(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', text)
    assert first is not None
    local = result.signed_at
    assert local is not None
    # poppler reads the line as one word (pyHanko spaces it with TJ offsets)
    assert first.group(4).replace(" ", "") == f"01/SKHCN-TTr;{local:%Y-%m-%d};{local:%H:%M:%S}+07:00"
    assert float(first.group(2)) < 30  # in the top margin, above the header
    assert float(first.group(3)) == pytest.approx(595.3 - 15 / MM_PER_POINT, abs=1.5)  # at the right margin
    assert float(first.group(1)) > 595.3 / 2  # on the right
    [report] = verify_files([result.path], [kit["ca"].root_pem])
    assert report.ok and [s.field for s in report.signatures] == ["AgencyAttachment"]


def test_a_pdfa_letter_stays_pdfa_after_signing(kit, tmp_path):
    from letter_gen.libreoffice import declares_pdfa2 as is_pdfa

    letter = render_file(SAMPLE, tmp_path / "a.docx", options=WriteOptions(issue=True, register_path=kit["folder"] / "reg.sqlite", date=dt.date(2021, 3, 5)), pdf=True, pdfa=True)
    assert is_pdfa(letter.pdf)
    [result] = sign_letters([letter.pdf], _options(kit, tmp_path))
    assert result.ok
    assert is_pdfa(result.path)
    assert result.path.read_bytes().startswith(letter.pdf.read_bytes())  # incremental: the original bytes untouched


# --- a PKCS#11 token (SoftHSM2) -----------------------------------------------------------


@pytest.fixture
def token(kit, tmp_path, monkeypatch) -> Iterator[Pkcs11]:
    if SOFTHSM_LIB is None or shutil.which("softhsm2-util") is None:
        pytest.skip("softhsm2 is not installed (bash scripts/setup.sh installs it)")
    import pkcs11
    from pkcs11 import Attribute, ObjectClass
    from pkcs11.util.rsa import decode_rsa_private_key
    from pkcs11.util.x509 import decode_x509_certificate

    (tmp_path / "tokens").mkdir()
    conf = tmp_path / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {tmp_path / 'tokens'}\nobjectstore.backend = file\n")
    monkeypatch.setenv("SOFTHSM2_CONF", str(conf))
    subprocess.run(["softhsm2-util", "--init-token", "--free", "--label", "ky-so", "--so-pin", "0000", "--pin", "1234"],
                   check=True, capture_output=True)
    cert, key = kit["ca"].signer
    lib = pkcs11.lib(SOFTHSM_LIB)
    with lib.get_token(token_label="ky-so").open(rw=True, user_pin="1234") as session:
        der_key = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption())
        session.create_object({**decode_rsa_private_key(der_key), Attribute.TOKEN: True, Attribute.LABEL: "nguoi-ky",
                               Attribute.ID: b"\x01", Attribute.SIGN: True, Attribute.PRIVATE: True})
        session.create_object({**decode_x509_certificate(cert.public_bytes(serialization.Encoding.DER)),
                               Attribute.TOKEN: True, Attribute.LABEL: "nguoi-ky", Attribute.ID: b"\x01"})
        assert ObjectClass.CERTIFICATE
    yield Pkcs11(Path(SOFTHSM_LIB), "ky-so", "nguoi-ky", "1234")


def test_a_letter_signed_with_a_softhsm2_token_verifies(kit, token, tmp_path):
    result = CliRunner().invoke(main, [
        "sign", str(kit["issued"]), "--pkcs11-lib", str(token.library), "--token-label", token.token_label,
        "--cert-label", token.cert_label, "--signature-image", str(kit["signature"]), "--out", str(tmp_path),
    ], input="1234\n")
    assert result.exit_code == 0, result.output
    assert 'PIN of token "ky-so"' in result.output
    assert "1234" not in result.output
    [report] = verify_files([tmp_path / "issued-signed.pdf"], [kit["ca"].root_pem])
    assert report.ok
    assert report.signatures[0].signed_by.startswith("Trần Duy Tâm Thanh")


def test_a_wrong_pin_is_named_and_nothing_is_signed(kit, token, tmp_path):
    wrong = Pkcs11(token.library, token.token_label, token.cert_label, "9999")
    with pytest.raises(CredentialError, match='token "ky-so", certificate "nguoi-ky": the token could not be opened \\(wrong PIN\\)'):
        sign_letters([kit["issued"]], _options(kit, tmp_path, signer=wrong, agency=None, seal_image=None))
    assert not (tmp_path / "issued-signed.pdf").exists()


# --- a time-stamp server (RFC 3161) on localhost ------------------------------------------


@pytest.fixture
def tsa_url(kit) -> Iterator[str]:
    from asn1crypto import keys, tsp
    from asn1crypto import x509 as asn1_x509
    from pyhanko.sign.timestamps import DummyTimeStamper

    cert, key = kit["ca"].tsa
    stamper = DummyTimeStamper(
        tsa_cert=asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)),
        tsa_key=keys.PrivateKeyInfo.load(key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())),
    )

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the http.server API
            request = tsp.TimeStampReq.load(self.rfile.read(int(self.headers["Content-Length"])))
            body = stamper.request_tsa_response(request).dump()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


def test_signatures_carry_the_time_stamp_servers_time(kit, tsa_url, tmp_path):
    [result] = sign_letters([kit["issued"]], _options(kit, tmp_path, tsa_url=tsa_url))
    assert result.ok, result.error
    [report] = verify_files([result.path], [kit["ca"].root_pem])
    assert report.ok
    assert all(s.timestamp is not None for s in report.signatures)
    assert abs(report.signatures[0].timestamp - dt.datetime.now(dt.timezone.utc)) < dt.timedelta(minutes=5)


def test_an_unreachable_time_stamp_server_is_named(kit, tmp_path):
    [result] = sign_letters([kit["issued"]], _options(kit, tmp_path, tsa_url="http://127.0.0.1:9/tsa"))
    assert not result.ok
    assert result.error.startswith(f"{kit['issued']}: the time-stamp server http://127.0.0.1:9/tsa did not give a time stamp")


# --- batch --sign (issue 16 item 3) -------------------------------------------------------


def _batch_sign_args(kit: dict[str, Any]) -> list[str]:
    ca = kit["ca"]
    return ["--sign", "--signer", str(ca.signer_p12), "--signature-image", str(kit["signature"]),
            "--agency", str(ca.agency_p12), "--seal-image", str(kit["seal"])]


def test_batch_sign_writes_signed_pdfs_that_validate_and_records_them_in_manifest_and_register(kit, tmp_path):
    from pyhanko.keys import load_cert_from_pemder
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    from letter_gen.output.manifest import manifest_csv_rows, read_manifest
    from letter_gen.register.store import Register

    out, register = tmp_path / "out", tmp_path / "reg.sqlite"
    result = CliRunner().invoke(main, [
        "batch", str(SAMPLE), "--mode", "per-unit", "--out", str(out), "--issue", "--date", "05/03/2021",
        "--register", str(register), "--workers", "1", *_batch_sign_args(kit),
    ], env={"LETTER_GEN_SIGNER_PASSWORD": PASSWORD.decode(), "LETTER_GEN_AGENCY_PASSWORD": PASSWORD.decode()})
    assert result.exit_code == 0, result.output
    assert PASSWORD.decode() not in result.output
    rows = read_manifest(out)
    assert rows and all(row["number"] is not None for row in rows)
    assert f"{len(rows)} letters signed" in result.output or f"{len(rows)} letter signed" in result.output
    roots = [load_cert_from_pemder(str(kit["ca"].root_pem))]
    for row in rows:
        signed = out / row["signed"]
        assert signed.name == Path(row["pdf"]).stem + "-signed.pdf"
        assert hashlib.sha256(signed.read_bytes()).hexdigest() == row["signed_sha256"]
        assert dt.datetime.fromisoformat(row["signed_at"]).utcoffset() == dt.timedelta(hours=7)
        with signed.open("rb") as handle:
            reader = PdfFileReader(handle)
            statuses = [validate_pdf_signature(sig, ValidationContext(trust_roots=roots)) for sig in reader.embedded_signatures]
        assert len(statuses) == 2 and all(s.bottom_line for s in statuses)
    csv_rows = manifest_csv_rows(out)
    assert [r["signed_sha256"] for r in csv_rows] == [r["signed_sha256"] for r in rows]
    with Register(register) as reg:
        entries = {e.number: e for e in reg.entries()}
    for row in rows:
        entry = entries[row["number"]]
        assert (entry.signed_sha256, entry.signed_at) == (row["signed_sha256"], row["signed_at"])
        assert f"ký số {row['signed_at']}" in entry.remarks
    listed = CliRunner().invoke(main, ["register", "list", "--register", str(register)])
    assert f"ký số {rows[0]['signed_at']}" in listed.output


def test_batch_sign_of_drafts_is_refused_as_misuse(kit, tmp_path):
    result = CliRunner().invoke(main, ["batch", str(SAMPLE), "--out", str(tmp_path / "out"), *_batch_sign_args(kit)],
                                env={"LETTER_GEN_SIGNER_PASSWORD": PASSWORD.decode(), "LETTER_GEN_AGENCY_PASSWORD": PASSWORD.decode()})
    assert result.exit_code == 2, result.output
    assert "--issue" in result.output
    assert not (tmp_path / "out").exists()


def test_batch_signer_options_without_sign_are_misuse(kit, tmp_path):
    result = CliRunner().invoke(main, ["batch", str(SAMPLE), "--out", str(tmp_path / "out"), "--signer", str(kit["ca"].signer_p12)])
    assert result.exit_code == 2, result.output
    assert "--sign" in result.output
