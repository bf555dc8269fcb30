"""The council's Word template (--template), checked before python-docx and lxml read a byte of it."""

from __future__ import annotations

from pathlib import Path

from pipeline.archives import ArchiveLimits, archive_parts, bomb_reason, has_macros
from pipeline.errors import InputError

MAX_TEMPLATE_BYTES = 50 * 2**20
TEMPLATE_ARCHIVE = ArchiveLimits(parts=2000, expanded=200 * 2**20)


def read_template(path: Path) -> bytes:
    """Given a --template path, return its bytes once they are known to be a Word .docx of a sane size.

    Like returned workbooks, the template is judged by its first bytes and its zip sizes before lxml
    parses a byte, so a zip bomb, a PDF or a .doc is one clear error instead of gigabytes or a traceback.
    """
    name = str(path)
    try:
        if path.stat().st_size > MAX_TEMPLATE_BYTES:
            raise InputError(
                name, f"is larger than {MAX_TEMPLATE_BYTES // 2**20} MB: check it is the council's template"
            )
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(name, "template not found: give a .docx file") from None
    except IsADirectoryError:
        raise InputError(name, "is a folder: give the template's .docx file") from None
    except OSError as error:
        raise InputError(name, f"the template cannot be read ({error.strerror})") from None
    if not data.startswith(b"PK\x03\x04"):
        looks = (
            "empty"
            if not data.strip()
            else "a PDF"
            if data.startswith(b"%PDF")
            else "an old .doc file or a password-protected document"
            if data.startswith(b"\xd0\xcf\x11\xe0")
            else "something else"
        )
        raise InputError(
            name, f"is {looks}, not a Word .docx template: open it in Word and save it as a Word Document (.docx)"
        )
    members = archive_parts(data)
    if members is None:
        raise InputError(name, "is a damaged .docx (not a complete zip archive): save the template again")
    bomb = bomb_reason(members, TEMPLATE_ARCHIVE)
    if bomb is not None:
        raise InputError(name, bomb)
    names = {m.filename for m in members}
    if "word/document.xml" not in names:
        raise InputError(name, "is a zip file but not a Word document (perhaps a workbook): give the template's .docx")
    if has_macros(names):
        raise InputError(name, "contains macros (.docm): save the template as a plain Word Document (.docx)")
    return data
