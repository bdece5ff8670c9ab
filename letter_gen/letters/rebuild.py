"""Rebuild every committed template: ``python -m letter_gen.letters.rebuild``.

The follow-up letter's (:mod:`letter_gen.letters.build`) and each other kind's
(:mod:`letter_gen.letters.build_kinds`); a test fails when a committed file differs from its build.
"""

from __future__ import annotations

import sys

from letter_gen.letters.build import FOLLOW_UP, build_follow_up
from letter_gen.letters.build_kinds import BUILDERS
from letter_gen.letters.bundled import template_path


def main(argv: list[str] | None = None) -> int:
    """Write each template into ``letter_gen/letters/templates/`` and say which."""
    for kind, build in {FOLLOW_UP: build_follow_up, **BUILDERS}.items():
        target = template_path(kind)
        target.parent.mkdir(exist_ok=True)
        target.write_bytes(build())
        print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
