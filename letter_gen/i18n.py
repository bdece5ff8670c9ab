"""Translation of the messages a clerk reads.

Messages are written in English and wrapped in :func:`_`; a gettext catalog (Vietnamese first)
is to come, and will plug in here without touching the callers.
"""

from __future__ import annotations


def _(message: str) -> str:
    """The message in the clerk's language; today the English text itself."""
    return message
