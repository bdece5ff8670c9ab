"""The bundled templates (mẫu văn bản), package data found by every kind of install.

They live in ``letter_gen/letters/templates/`` (the repository's top-level ``templates/`` is a
link to it) and are read through :mod:`importlib.resources`, so ``pip install --user`` and
``--target`` find them as well as an editable install does.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

#: Paragraph styles the builder gives the header's rules; the renderer sets their indents per letter.
AGENCY_RULE_STYLE = "AgencyRule"
MOTTO_RULE_STYLE = "MottoRule"
#: The rule under the trích yếu of a document with a title block (quyết định, kế hoạch, ...).
TITLE_RULE_STYLE = "TitleRule"


def templates_dir() -> Path:
    """The folder of the bundled templates (a real folder: letter_gen is never installed zipped)."""
    return Path(str(resources.files("letter_gen.letters") / "templates"))


def template_path(kind: str) -> Path:
    """The bundled template of a letter kind: ``follow-up`` → ``templates/follow-up.docx``."""
    return templates_dir() / f"{kind}.docx"
