"""Tesseract, run as a program on one page image: its words, their boxes and confidences, read from hOCR.

The `tesseract` program is called directly (a page in as PNG on standard input, hOCR out on standard output),
one thread per page: on a small machine Tesseract's own threads make a page several times slower.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass, replace

from pipeline.errors import MissingToolError, PipelineError

LANGUAGE = "eng"
PACKAGES = "apt-get install tesseract-ocr tesseract-ocr-eng"
PAGE_SECONDS = 600.0  # one page may take Tesseract this long before it is stopped (isolation stops it sooner)
PAGE = "3"  # Tesseract's page segmentation for a page: find its blocks of text itself (the rules are gone)
BLOCK = "6"  # and for a part of a page read again: one block of text
_LINES = {"ocr_line", "ocr_header", "ocr_caption", "ocr_textfloat"}
_NUMBER = r"(-?\d+(?:\.\d+)?)"


@dataclass(frozen=True, slots=True)
class SeenWord:
    """One word Tesseract read, in pixels: its ink box, its line's baseline under it and type size (ascender
    to descender), and its confidence, 0-1."""

    text: str
    x0: int
    top: int
    x1: int
    bottom: int
    baseline: float
    size: float
    confidence: float
    first: bool = False  # the first word of its line, where a label is printed


def find_tesseract(name: str | None) -> str:
    """Given the file being read, return the path of the `tesseract` program with English installed, or raise
    MissingToolError naming the packages to install."""
    found = shutil.which("tesseract")
    if found is None:
        raise MissingToolError(name, f"--ocr needs Tesseract, which is not installed: {PACKAGES}")
    try:
        listed = subprocess.run([found, "--list-langs"], capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.SubprocessError) as error:
        raise MissingToolError(name, f"--ocr needs Tesseract, which would not run ({error}): {PACKAGES}") from None
    if LANGUAGE not in (listed.stdout + listed.stderr).split():
        raise MissingToolError(name, f"--ocr needs Tesseract's English data, which is not installed: {PACKAGES}")
    return found


def read_hocr(tesseract: str, png: bytes, dpi: int, name: str, mode: str = PAGE) -> str:
    """Given the program, a page image (or part of one) as PNG, its DPI and Tesseract's page segmentation mode,
    return Tesseract's hOCR for it."""
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    command = [tesseract, "stdin", "stdout", "-l", LANGUAGE, "--dpi", str(dpi), "--psm", mode, "hocr"]
    try:
        done = subprocess.run(command, input=png, capture_output=True, timeout=PAGE_SECONDS, env=env, check=False)
    except subprocess.TimeoutExpired:
        raise PipelineError(name, f"Tesseract took over {PAGE_SECONDS:.0f} s on one page and was stopped") from None
    except OSError as error:
        raise MissingToolError(name, f"Tesseract would not run ({error}): {PACKAGES}") from None
    if done.returncode != 0:
        why = (done.stderr.decode(errors="replace").strip().splitlines() or ["no message"])[-1]
        raise PipelineError(name, f"Tesseract failed on a page ({why})")
    return done.stdout.decode("utf-8", errors="replace")


def _title(element: ET.Element) -> dict[str, list[float]]:
    """Given an hOCR element, return its title's properties: "bbox 1 2 3 4; x_wconf 96" -> {"bbox": [1, 2, 3, 4]...}."""
    props: dict[str, list[float]] = {}
    for part in element.get("title", "").split(";"):
        key, *values = part.split() or [""]
        if key:
            props[key] = [float(v) for v in values if re.fullmatch(_NUMBER, v)]
    return props


def hocr_to_words(hocr: str) -> list[SeenWord]:
    """Given Tesseract's hOCR, return its words with their boxes, each line's type box and the confidences."""
    root = ET.fromstring(hocr)
    words: list[SeenWord] = []
    for line in root.iter():
        if line.get("class") not in _LINES:
            continue
        props = _title(line)
        x0, _, _, y1 = props["bbox"]
        slope, offset = (props.get("baseline") or [0.0, 0.0])[:2]
        size = (props.get("x_size") or [y1 - props["bbox"][1]])[0]
        first = True
        for word in line.iter():
            if word.get("class") != "ocrx_word":
                continue
            text = "".join(word.itertext()).strip()
            if not text:
                continue
            wp = _title(word)
            bx0, by0, bx1, by1 = (int(v) for v in wp["bbox"])
            baseline = y1 + offset + slope * ((bx0 + bx1) / 2 - x0)
            words.append(
                SeenWord(
                    text=text,
                    x0=bx0,
                    top=by0,
                    x1=bx1,
                    bottom=by1,
                    baseline=baseline,
                    size=size,
                    confidence=max(0.0, min(1.0, (wp.get("x_wconf") or [0.0])[0] / 100)),
                    first=first,
                )
            )
            first = False
    return words


def shift(word: SeenWord, dx: int, dy: int) -> SeenWord:
    """Given a word read in a part of a page and where that part's top-left corner is, return it on the page."""
    return replace(
        word, x0=word.x0 + dx, x1=word.x1 + dx, top=word.top + dy, bottom=word.bottom + dy, baseline=word.baseline + dy
    )
