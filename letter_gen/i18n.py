"""Translation of the messages a clerk reads.

``_`` marks every user-facing message; it returns the English text for now. A gettext
catalog (Vietnamese first) is to come: only this module will change.
"""

from __future__ import annotations


def _(message: str) -> str:
    """The message in the clerk's language (English until the gettext catalog comes)."""
    return message
