"""Translation hook for messages a clerk reads.

Every user-facing message is wrapped in :func:`_`. For now it returns the English text as
it is; gettext catalogs (Vietnamese first) come later and will be plugged in here without
touching the callers.
"""

from __future__ import annotations


def _(message: str) -> str:
    """Return ``message`` in the clerk's language (English until the catalogs exist)."""
    return message
