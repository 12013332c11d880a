"""The Word edition: ``templates/briefing.docx`` rendered by docxtpl.

The .docx template carries Jinja tags and imports the same ``prose.j2`` macros as the Markdown
edition, through the same Environment factory, so both editions say the same thing.  Autoescape is
on: report text goes into XML, and docxtpl's XML recovery would silently drop what follows a bare
``&`` or ``<``.  The file's properties describe the issue, not the template: its title and 期号,
the bureau as author, the build time as created and modified.

Its outline and tables are those of :mod:`briefing.editions.spec`, written into the template by
``tools/make_docx_template.py``; the template stays the clerk's to restyle in Word or WPS.  The
charts the config asks for are added to the rendered document (:mod:`briefing.editions.wordcharts`).
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from jinja2 import TemplateError

from briefing.editions.contents import context
from briefing.editions.jinja import find_template, make_env, template_error
from briefing.editions.wordcharts import add_charts
from briefing.errors import BriefingError
from briefing.figures.briefing import Briefing

DOCX_TEMPLATE = "briefing.docx"


def render_docx(b: Briefing, workspace_templates: Path | None) -> bytes:
    """The .docx edition of the briefing, as bytes."""
    from docxtpl import DocxTemplate

    path = find_template(DOCX_TEMPLATE, workspace_templates)
    try:
        template = DocxTemplate(str(path))
        template.render(context(b), jinja_env=make_env(workspace_templates, autoescape=True), autoescape=True)
        add_charts(template.docx, b, b.config.charts)
        describe(template.docx.core_properties, b)
        buffer = io.BytesIO()
        template.save(buffer)
    except TemplateError as error:
        raise template_error(error, path) from None
    except BriefingError:  # a chart without a Chinese font: its own message
        raise
    except Exception as error:  # noqa: BLE001 - not a .docx, or one Word left damaged: say so in Chinese
        raise BriefingError(f"Word 模板 {path} 无法使用（{type(error).__name__}）。它可能不是 .docx 文件或已损坏；"
                            "可以删除它，改用程序自带的模板（briefing init 会再复制一份）") from None
    return buffer.getvalue()


def describe(properties, b: Briefing, now: dt.datetime | None = None) -> None:
    """File properties of the issue: title with 期号, the bureau, the build time, nothing else."""
    now = (now or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc).replace(tzinfo=None, microsecond=0)
    properties.title = f"{b.config.title}（{b.issue_text}）"
    properties.author = b.config.bureau
    properties.last_modified_by = b.config.bureau
    properties.subject = properties.comments = properties.keywords = properties.category = ""
    properties.language = "zh-CN"
    properties.revision = 1
    properties.created = properties.modified = now
