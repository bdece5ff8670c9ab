"""Reading generated letters back, for the tests."""

from __future__ import annotations

import io
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.text import WD_ALIGN_PARAGRAPH

from letter_gen.inputs.model import validate_data
from letter_gen.letters.bundled import template_path
from letter_gen.letters.compose import compose
from letter_gen.letters.render import PreparedTemplate

_prepared: dict[str, PreparedTemplate] = {}


def prepared() -> PreparedTemplate:
    if "follow-up" not in _prepared:
        _prepared["follow-up"] = PreparedTemplate(template_path("follow-up"))
    return _prepared["follow-up"]


def render_data(data: dict, mode: str = "consolidated", unit: int | None = None) -> DocumentObject:
    """Validate data, compose and render it, and open the letter with python-docx."""
    content = compose(validate_data(data, "test"), mode, unit)  # type: ignore[arg-type]
    return Document(io.BytesIO(prepared().render(content)))


def body_paragraphs(doc: DocumentObject) -> list[str]:
    """The body (ô 6): the justified paragraphs outside the tables."""
    return [p.text for p in doc.paragraphs if p.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY]


def all_text(doc: DocumentObject) -> str:
    """Every paragraph's text, in the tables too, one per line."""
    texts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                texts.extend(p.text for p in cell.paragraphs)
    return "\n".join(texts)


def seed_body(seed_path: Path) -> list[str]:
    """The seed letter's body paragraphs, from the first "Thực hiện" to the end before Nơi nhận."""
    lines = [line.strip() for line in seed_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    start = next(i for i, line in enumerate(lines) if line.startswith("Thực hiện"))
    end = lines.index("Nơi nhận:")
    return lines[start:end]


DELETE = object()


def set_path(data: dict, path: str | tuple, value: object) -> None:
    """Set (or with DELETE remove) the field at ``units.0.findings.0`` or ``("units", 0, "findings", 0)``."""
    keys = [int(k) if k.isdigit() else k for k in path.split(".")] if isinstance(path, str) else list(path)
    *parents, last = keys
    for key in parents:
        data = data[key]
    if value is DELETE:
        del data[last]
    else:
        data[last] = value
