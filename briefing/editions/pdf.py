"""The PDF edition: the Word edition converted by LibreOffice, headless, with a throwaway profile.

:mod:`briefing.editions.pdffonts` puts a font replacement table into that profile (and a
fontconfig rule for the bold masthead face) for the Chinese faces this machine lacks.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Callable

from briefing.editions.pdffonts import plan_replacements, soffice_environment, write_profile
from briefing.errors import BriefingError


def soffice() -> str | None:
    """The LibreOffice executable, if installed."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    for candidate in (r"C:\Program Files\LibreOffice\program\soffice.exe",
                      r"C:\Program Files (x86)\LibreOffice\program\soffice.exe",
                      "/Applications/LibreOffice.app/Contents/MacOS/soffice"):
        if os.path.exists(candidate):
            return candidate
    return None


def docx_to_pdf(docx: bytes, timeout: float = 180, note: Callable[[str], None] | None = None,
                fonts: Path | None = None) -> bytes:
    """Convert a .docx to PDF with LibreOffice (headless, with a throwaway profile).

    Fonts the document names but this machine lacks are replaced by installed Chinese faces
    (see :mod:`briefing.editions.pdffonts`); ``note`` receives one Chinese line per replaced font.
    ``fonts``: a folder kept between runs for standalone copies of collection faces (the
    per-user cache's), so that the PDF names the face it uses.
    """
    exe = soffice()
    if exe is None:
        raise BriefingError("生成 PDF 需要安装 LibreOffice（https://zh-cn.libreoffice.org/），"
                            "安装后重新运行；也可以用 Word/WPS 打开 .docx 另存为 PDF")
    with tempfile.TemporaryDirectory(prefix="briefing-pdf-", ignore_cleanup_errors=True) as tmp:
        work = Path(tmp)
        source = work / "briefing.docx"
        source.write_bytes(docx)
        plan = plan_replacements(docx, copies=fonts)
        write_profile(work / "profile", plan.replace)
        for line in plan.lines:
            if note is not None:
                note(line)
        profile = (work / "profile").as_uri()
        command = [exe, f"-env:UserInstallation={profile}", "--headless", "--norestore",
                   "--convert-to", "pdf", "--outdir", str(work), str(source)]
        try:
            subprocess.run(command, capture_output=True, timeout=timeout, check=False,
                           env=soffice_environment(plan, work))
        except (OSError, subprocess.TimeoutExpired) as error:
            raise BriefingError(f"LibreOffice 转换 PDF 失败：{error}") from None
        result = work / "briefing.pdf"
        if not result.is_file():
            raise BriefingError("LibreOffice 没有生成 PDF。请确认 LibreOffice 能正常打开，或用 Word/WPS 另存为 PDF")
        return result.read_bytes()
