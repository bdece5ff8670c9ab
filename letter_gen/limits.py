"""How big a template, a letter and a checked file may be, and how much work a template may do.

A clerk's template is a program (Jinja in Word): a slip or a hostile file could loop for hours,
build a string of gigabytes, or carry a 1 GiB picture into every letter. These limits stop such
a template, letter or file with a message that names it, what is wrong and the limit. Each is
far above what a real công văn needs (a consolidated letter to 2,000 units renders a 2 MB
``document.xml`` after about 10,000 loop iterations).
"""

from __future__ import annotations

from collections.abc import Iterable

from letter_gen.i18n import _, local_number

MiB = 1024 * 1024

#: One part of a template (``word/document.xml``, a picture), unpacked: a letterhead image is under 5 MB.
TEMPLATE_PART_BYTES = 32 * MiB
#: Every part of a template together, unpacked.
TEMPLATE_BYTES = 64 * MiB
#: One rendered part of a letter (its ``word/document.xml``), as text.
RENDERED_PART_CHARS = 32 * MiB
#: One letter, every part together (the template's parts and the rendered ones).
LETTER_BYTES = 96 * MiB
#: Loop iterations in the rendering of one part of one letter (every ``{% for %}`` together).
LOOP_ITERATIONS = 1_000_000
#: Items of one ``range(...)`` in a template.
RANGE_ITEMS = 100_000
#: Characters (or items) of one value a template computes: ``'x' * n``, ``s.ljust(n)``, ``a ~ b``...
VALUE_ITEMS = 1_000_000
#: Bits of one whole number a template computes: ``2021 ** 2021`` has 22,000.
NUMBER_BITS = 100_000
#: One part of a .docx that ``letter-gen check`` reads, unpacked: a letter's is under 1 MB.
CHECKED_PART_BYTES = 64 * MiB
#: Every part of a .docx that ``letter-gen check`` reads, together, unpacked.
CHECKED_BYTES = 128 * MiB


def megabytes(size: int) -> str:
    """``1.5 MB``: a size as a clerk reads it."""
    return f"{local_number(size / MiB, ',.1f')} MB"


def oversized_parts(parts: Iterable[tuple[str, int]], part_limit: int, total_limit: int) -> str | None:
    """What is too big in a package whose parts unpack to these sizes (name, bytes), as a
    sentence; None when every part and their total are within the limits."""
    total = 0
    for name, size in parts:
        if size > part_limit:
            return _("{part} unpacks to {size}, more than a part may hold ({limit} at most)").format(
                part=name, size=megabytes(size), limit=megabytes(part_limit)
            )
        total += size
    if total > total_limit:
        return _("its parts unpack to {size}, more than a letter's may ({limit} at most)").format(
            size=megabytes(total), limit=megabytes(total_limit)
        )
    return None
