"""Measuring a PDF page the way a reader with a ruler would, with poppler's command-line tools.

``words`` reads text boxes from ``pdftotext -bbox``; ``bars`` finds horizontal dark strokes
(rules, table borders, the dashes of a page number) in a greyscale rendering by ``pdftoppm``;
``runs`` tells which embedded font each piece of text is set in (``pdftohtml -xml``).
Every length is in millimetres from the top-left corner of the page.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from pathlib import Path
from typing import NamedTuple

MM_PER_POINT = 25.4 / 72
WORD = re.compile(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')


class Word(NamedTuple):
    left: float
    top: float
    right: float
    bottom: float
    text: str


class Bar(NamedTuple):
    top: float
    bottom: float
    left: float
    right: float

    @property
    def thickness(self) -> float:
        return self.bottom - self.top

    @property
    def width(self) -> float:
        return self.right - self.left


def words(pdf: Path) -> list[list[Word]]:
    """The words of every page, page by page."""
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [[Word(*(float(v) * MM_PER_POINT for v in m.groups()[:4]), m.group(5)) for m in WORD.finditer(page)]
            for page in out.split("<page ")[1:]]


def lines(page: list[Word]) -> list[str]:
    """The text of each line of a page (words at the same height joined), top to bottom."""
    rows: dict[int, list[Word]] = {}
    for word in page:
        rows.setdefault(round(word.top * 2), []).append(word)
    return ["".join(w.text for w in sorted(row, key=lambda w: w.left)) for _, row in sorted(rows.items())]


def bars(pdf: Path, page: int, min_length: float, top: float = 0, bottom: float = 297, dpi: int = 508) -> list[Bar]:
    """Horizontal dark strokes at least ``min_length`` mm long between ``top`` and ``bottom``."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["pdftoppm", "-gray", "-r", str(dpi), "-f", str(page), "-l", str(page), str(pdf),
                        f"{tmp}/page"], check=True)
        [image] = Path(tmp).glob("page*.pgm")
        data = image.read_bytes()
    magic, size, _, pixels = data.split(b"\n", 3)
    assert magic == b"P5"
    width, height = map(int, size.split())
    per_mm = dpi / 25.4
    dark = bytes(0x31 if value < 128 else 0x30 for value in range(256))
    run = re.compile(rb"1{%d,}" % int(min_length * per_mm))
    found: list[list[int]] = []  # [first row, last row, left, right] in pixels
    for y in range(int(top * per_mm), min(height, int(bottom * per_mm))):
        for m in run.finditer(pixels[y * width:(y + 1) * width].translate(dark)):
            for bar in found:
                if bar[1] == y - 1 and abs(bar[2] - m.start()) <= per_mm and abs(bar[3] - m.end()) <= per_mm:
                    bar[1] = y
                    break
            else:
                found.append([y, y, m.start(), m.end()])
    return [Bar(a / per_mm, (b + 1) / per_mm, c / per_mm, d / per_mm) for a, b, c, d in found]


def fonts(pdf: Path) -> list[str]:
    """The font names ``pdffonts`` lists (subset prefixes removed)."""
    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    return [line.split()[0].split("+")[-1] for line in out.splitlines()[2:] if line.strip()]



class Run(NamedTuple):
    text: str
    font: str       # the embedded font's name, without the subset prefix
    size: float     # points
    bold: bool


def runs(pdf: Path, page: int) -> list[Run]:
    """The text runs of a page with their fonts (from ``pdftohtml -xml``)."""
    out = subprocess.run(["pdftohtml", "-xml", "-stdout", "-i", "-f", str(page), "-l", str(page), str(pdf)],
                         capture_output=True, text=True, check=True).stdout
    specs = {m.group(1): (m.group(3).split("+")[-1], float(m.group(2)))
             for m in re.finditer(r'<fontspec id="(\d+)" size="([\d.]+)" family="([^"]+)"', out)}
    found = []
    for m in re.finditer(r'<text [^>]*font="(\d+)">(.*?)</text>', out):
        font, size = specs[m.group(1)]
        text = re.sub(r"<[^>]+>", "", m.group(2))
        found.append(Run(text, font, size * 72 / 108, "<b>" in m.group(2)))  # pdftohtml draws at 1.5 × 72 dpi
    return found
