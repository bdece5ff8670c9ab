"""The XML namespaces of a Word .docx (Office Open XML), declared once for every module.

``W`` WordprocessingML, ``A`` DrawingML, ``WP`` DrawingML placed in a document, ``MC`` markup
compatibility (``AlternateContent``), ``V`` VML (legacy shapes), ``R`` relationships.
"""

from __future__ import annotations

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
V = "urn:schemas-microsoft-com:vml"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def clark(namespace: str, tag: str) -> str:
    """The Clark name lxml uses: ``clark(W, "p")`` → ``{http://...main}p``."""
    return f"{{{namespace}}}{tag}"
