"""Text from outside (a PDF, a returned workbook, a meta file) without what no output accepts. Pure."""

from __future__ import annotations

import re

# NUL and the other C0 controls but tab and line breaks, DEL, and the C1 controls: XML (Word, Excel) and
# PostgreSQL refuse them, and no reader sees them.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def clean_text(text: str) -> str:
    """Given text, return it without NUL and every other control character (tabs and line breaks stay)."""
    return _CONTROL.sub("", text)
