"""The XML namespaces of a Word .docx (Office Open XML) and the zip records of its package,
declared once for every module.

``W`` WordprocessingML, ``A`` DrawingML, ``WP`` DrawingML placed in a document, ``MC`` markup
compatibility (``AlternateContent``), ``V`` VML (legacy shapes), ``R`` relationships.
"""

from __future__ import annotations

import struct

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
V = "urn:schemas-microsoft-com:vml"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def clark(namespace: str, tag: str) -> str:
    """The Clark name lxml uses: ``clark(W, "p")`` → ``{http://...main}p``."""
    return f"{{{namespace}}}{tag}"


# The zip records of a package (APPNOTE 4.3.7, 4.3.12, 4.3.16); zipfile keeps its own private.
# A local header: signature, version needed, flags, method, time, date, crc-32, compressed and
# uncompressed sizes, name and extra lengths.
LOCAL_HEADER = struct.Struct("<4s5H3L2H")
LOCAL_SIGNATURE = b"PK\x03\x04"
# A central-directory record: signature, version made by, version needed, flags, method, time,
# date, crc-32, the two sizes, name, extra and comment lengths, disk, internal and external
# attributes, the offset of its local header.
CENTRAL_RECORD = struct.Struct("<4s6H3L5H2L")
CENTRAL_SIGNATURE = b"PK\x01\x02"
# The end record: signature, disk, the directory's disk, entries here and in all, the
# directory's size and offset, comment length.
END_RECORD = struct.Struct("<4s4H2LH")
END_SIGNATURE = b"PK\x05\x06"
