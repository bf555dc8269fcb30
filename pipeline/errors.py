"""The one exception hierarchy for bad inputs and environment (never for bad data).

PipelineError                  exit code 2 unless a subclass says otherwise
 ├── InputError                the file given cannot be used (a PDF, a --template that is not a .docx)
 │    ├── NotAPdfError         not a PDF at all (HTML page, Word file, image, empty)
 │    ├── DamagedPdfError      truncated or corrupt PDF
 │    ├── EncryptedPdfError    needs a password (or the one given is wrong)
 │    ├── NoTextLayerError     pages are images only: needs OCR
 │    ├── NoTableError         a readable PDF with no action-plan table in it
 │    ├── LimitError           over a time, memory, page or size limit (isolation.py)
 │    ├── NoSourceError        the store keeps no copy of a revision's PDF to draw (page_images.py)
 │    ├── NoPageError          a page the PDF does not have (page_images.py)
 │    └── WorkbookError        a returned owner workbook cannot be used (returns.py)
 ├── ConfigError               the configuration or meta file is unreadable, or a key has a wrong value
 ├── OutputError               an output cannot be written (or would replace a link, folder or device)
 ├── StoreError                the store cannot be opened or used: not SQLite, damaged, another
 │                             application's database, in memory (store.py)
 └── MissingToolError          a system program is not installed (LibreOffice: soffice.py; Tesseract: ocr/tesseract.py)

The CLI catches PipelineError once and prints `str(error)`: one line that names
the file and says what to do.
"""

from __future__ import annotations


class PipelineError(Exception):
    """Base of every error the user can act on; its message is one line."""

    exit_code = 2

    def __init__(self, path: str | None, message: str) -> None:
        self.path = path
        self.message = message
        super().__init__(f"{path}: {message}" if path else message)

    def __reduce__(self) -> tuple[type[PipelineError], tuple[str | None, str]]:
        # So the error crosses from the child process that read the file, intact.
        return (self.__class__, (self.path, self.message))


class InputError(PipelineError):
    """The input file cannot be used."""


class NotAPdfError(InputError):
    """The file is not a PDF."""


class DamagedPdfError(InputError):
    """The PDF is truncated or corrupt."""


class EncryptedPdfError(InputError):
    """The PDF needs a password to open."""


class NoTextLayerError(InputError):
    """The PDF has pages but no text: it is a scan or made of images."""


class NoTableError(InputError):
    """The PDF has text but no action-plan table."""


class ConfigError(PipelineError):
    """The configuration file cannot be used."""


class OutputError(PipelineError):
    """An output file cannot be written."""


class MissingToolError(PipelineError):
    """A system program the command needs is not installed."""
