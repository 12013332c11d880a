"""The Word edition: ``templates/briefing.docx`` rendered by docxtpl, and PDF through LibreOffice.

The .docx template carries Jinja tags and imports the same ``prose.j2`` macros as the Markdown
edition, through the same Environment factory, so both editions say the same thing.  Autoescape is
on: report text goes into XML, and docxtpl's XML recovery would silently drop what follows a bare
``&`` or ``<``.  The file's properties describe the issue, not the template: its title and 期号,
the bureau as author, the build time as created and modified.

The PDF comes from LibreOffice, headless, with a throwaway profile; :mod:`briefing.pdffonts`
puts a font replacement table into that profile (and a fontconfig rule for the bold masthead face)
for the Chinese faces this machine lacks.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Callable

from jinja2 import TemplateError

from briefing.aggregate import Briefing
from briefing.errors import BriefingError
from briefing.pdffonts import plan_replacements, soffice_environment, write_profile
from briefing.render import context, find_template, make_env, template_error

DOCX_TEMPLATE = "briefing.docx"


def render_docx(b: Briefing, workspace_templates: Path | None) -> bytes:
    """The .docx edition of the briefing, as bytes."""
    from docxtpl import DocxTemplate

    path = find_template(DOCX_TEMPLATE, workspace_templates)
    try:
        template = DocxTemplate(str(path))
        template.render(context(b), jinja_env=make_env(workspace_templates, autoescape=True), autoescape=True)
        describe(template.docx.core_properties, b)
        buffer = io.BytesIO()
        template.save(buffer)
    except TemplateError as error:
        raise template_error(error) from None
    except Exception as error:  # noqa: BLE001 - not a .docx, or one Word left damaged: say so in Chinese
        raise BriefingError(f"Word 模板 {path} 无法使用（{type(error).__name__}）。它可能不是 .docx 文件或已损坏；"
                            "可以删除它，改用程序自带的模板（briefing init 会再复制一份）") from None
    return buffer.getvalue()


def describe(properties, b: Briefing, now: dt.datetime | None = None) -> None:
    """File properties of the issue: title with 期号, the bureau, the build time, nothing else."""
    now = (now or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc).replace(tzinfo=None, microsecond=0)
    properties.title = f"{b.config.title}（第{b.issue}期）"
    properties.author = b.config.bureau
    properties.last_modified_by = b.config.bureau
    properties.subject = properties.comments = properties.keywords = properties.category = ""
    properties.language = "zh-CN"
    properties.revision = 1
    properties.created = properties.modified = now


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


def docx_to_pdf(docx: bytes, timeout: float = 180, note: Callable[[str], None] | None = None) -> bytes:
    """Convert a .docx to PDF with LibreOffice (headless, with a throwaway profile).

    Fonts the document names but this machine lacks are replaced by installed Chinese faces
    (see :mod:`briefing.pdffonts`); ``note`` receives one Chinese line per replaced font.
    """
    exe = soffice()
    if exe is None:
        raise BriefingError("生成 PDF 需要安装 LibreOffice（https://zh-cn.libreoffice.org/），"
                            "安装后重新运行；也可以用 Word/WPS 打开 .docx 另存为 PDF")
    with tempfile.TemporaryDirectory(prefix="briefing-pdf-", ignore_cleanup_errors=True) as tmp:
        work = Path(tmp)
        source = work / "briefing.docx"
        source.write_bytes(docx)
        fonts = plan_replacements(docx)
        write_profile(work / "profile", fonts.replace)
        for line in fonts.lines:
            if note is not None:
                note(line)
        profile = (work / "profile").as_uri()
        command = [exe, f"-env:UserInstallation={profile}", "--headless", "--norestore",
                   "--convert-to", "pdf", "--outdir", str(work), str(source)]
        try:
            subprocess.run(command, capture_output=True, timeout=timeout, check=False,
                           env=soffice_environment(fonts, work))
        except (OSError, subprocess.TimeoutExpired) as error:
            raise BriefingError(f"LibreOffice 转换 PDF 失败：{error}") from None
        result = work / "briefing.pdf"
        if not result.is_file():
            raise BriefingError("LibreOffice 没有生成 PDF。请确认 LibreOffice 能正常打开，或用 Word/WPS 另存为 PDF")
        return result.read_bytes()
