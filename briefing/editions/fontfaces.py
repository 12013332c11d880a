"""Standalone copies of the collection faces the PDF edition is set in, so that the PDF names them right.

Debian's Noto CJK fonts are collections (``.ttc``): one file holds the JP, KR, SC, TC and HK
faces.  Each face has its own character map (so SC text gets SC glyph forms) but they share
one CFF table, whose font names say "CJKjp"; LibreOffice embeds a face under its CFF name, so
a PDF set in Noto Serif CJK SC lists ``NotoSerifCJKjp-Regular``.  A reader who checks the
fonts of a Chinese government document sees a Japanese face.

So each face the PDF uses is copied out of its collection, once, into the per-user cache
folder (``fonts/`` there): its tables unchanged (fontTools copies them as they are), except
the names.  In the CFF's Name and String INDEX the collection's PostScript name (e.g.
``NotoSerifCJKjp-Regular``, also the prefix of its sub-font names) becomes the face's own
(``NotoSerifCJKsc-Regular``): a replacement of the same length, so no offset moves.  The
family gets the suffix :data:`SUFFIX`, so fontconfig never mistakes the copy for the
collection's face; :mod:`briefing.editions.pdffonts` points LibreOffice's replacement table at
the copy and gives it a fontconfig file that adds the folder.

fontTools is needed for this (``pip install "briefing[pdf]"``); without it, or when a copy
cannot be made, the collection's face is used as before (same glyphs, the "CJKjp" name) and
the clerk is told once.  A copy is remade when its collection file changes.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import NamedTuple

SUFFIX = " Briefing"
"""Appended to the family name of a copied face."""
COLLECTIONS = (".ttc", ".otc")


class Face(NamedTuple):
    """One face of an installed font file, as fontconfig lists it."""

    file: Path
    index: int
    family: str
    style: str
    postscript: str


def faces_of(family: str) -> list[Face]:
    """The installed faces of ``family`` (every style), from ``fc-list``."""
    exe = shutil.which("fc-list")
    if exe is None:
        return []
    try:
        out = subprocess.run([exe, f":family={family}", "--format", "%{file}|%{index}|%{style[0]}|%{postscriptname}\\n"],
                             capture_output=True, text=True, encoding="utf-8", errors="replace", timeout=60,
                             check=False).stdout
    except (OSError, subprocess.TimeoutExpired):
        return []
    faces = []
    for line in out.splitlines():
        parts = line.split("|")
        if len(parts) == 4 and parts[1].isdigit() and parts[3]:
            faces.append(Face(Path(parts[0]), int(parts[1]), family, parts[2], parts[3]))
    return faces


def needs_copy(face: Face) -> bool:
    """Whether the face lives in a collection behind its first face (whose names the CFF carries)."""
    return face.file.suffix.lower() in COLLECTIONS and face.index > 0


def _index_range(data: bytes, start: int) -> tuple[int, int]:
    """(start of the data, end) of the CFF INDEX at ``start``; and the INDEX's end is the second."""
    count = int.from_bytes(data[start:start + 2], "big")
    if count == 0:
        return start + 2, start + 2
    size = data[start + 2]
    offsets = start + 3
    last = int.from_bytes(data[offsets + count * size:offsets + (count + 1) * size], "big")
    first_data = offsets + (count + 1) * size - 1
    return first_data + 1, first_data + last


def rename_cff(data: bytes, old: str, new: str) -> bytes:
    """The CFF table with ``old`` replaced by ``new`` in its Name INDEX and String INDEX (the
    font's and its sub-fonts' names); both names must have the same length, so no offset moves."""
    if len(old) != len(new):
        raise ValueError("names of different lengths")
    header_size = data[2]
    name_start, name_end = _index_range(data, header_size)
    _, top_end = _index_range(data, name_end)        # the Top DICT INDEX follows the Name INDEX
    string_start, string_end = _index_range(data, top_end)
    patched = bytearray(data)
    for start, end in ((name_start, name_end), (string_start, string_end)):
        patched[start:end] = bytes(patched[start:end]).replace(old.encode("ascii"), new.encode("ascii"))
    return bytes(patched)


def _cff_name(data: bytes) -> str:
    """The first name of the CFF's Name INDEX (the font's PostScript name)."""
    start = data[2]
    size = data[start + 2]
    first = int.from_bytes(data[start + 3 + size:start + 3 + 2 * size], "big")   # offset of the second entry
    data_start, _ = _index_range(data, start)
    return data[data_start:data_start + first - 1].decode("ascii", "replace")


def copy_face(face: Face, folder: Path) -> Path:
    """The face as a standalone OpenType file in ``folder`` (made if missing or older than its
    collection); raises ImportError without fontTools, OSError/ValueError when it cannot be made."""
    target = folder / f"{face.postscript}.otf"
    if target.is_file() and target.stat().st_mtime >= face.file.stat().st_mtime:
        return target
    from fontTools.ttLib import TTFont
    from fontTools.ttLib.tables.DefaultTable import DefaultTable

    font = TTFont(str(face.file), fontNumber=face.index, lazy=True, recalcBBoxes=False, recalcTimestamp=False)
    if "CFF " in font.reader:
        raw = font.reader["CFF "]
        old = _cff_name(raw)
        table = DefaultTable("CFF ")
        table.data = rename_cff(raw, old, face.postscript) if len(old) == len(face.postscript) else raw
        font["CFF "] = table
    for record in font["name"].names:
        if record.nameID in (1, 4, 16):
            text = record.toUnicode()
            if face.family in text:
                record.string = text.replace(face.family, face.family + SUFFIX)
    folder.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=folder, suffix=".part")
    os.close(handle)
    try:
        font.save(temporary)
        os.replace(temporary, target)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return target


def standalone_family(family: str, folder: Path | None) -> tuple[str, list[str]]:
    """The family to name in LibreOffice's replacement table for ``family``: its copy's (every
    style copied into ``folder``), else ``family`` itself; and lines for the clerk."""
    if folder is None:
        return family, []
    faces = [face for face in faces_of(family) if needs_copy(face)]
    if not faces:
        return family, []
    try:
        for face in faces:
            copy_face(face, folder)
    except ImportError:
        return family, [f"PDF 中“{family}”取自字体集文件，字体名称会显示为日文字体（字形是简体中文）；"
                        f"安装 fonttools 后改用单独的简体中文字体文件：pip install \"briefing[pdf]\""]
    except (OSError, ValueError) as error:
        return family, [f"PDF 中“{family}”无法另存为单独的字体文件（{error}），使用字体集文件中的字体"]
    return family + SUFFIX, []
