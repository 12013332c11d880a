"""The Markdown edition: ``templates/briefing.md.j2`` laying out the outline and tables of the
spec (evaluated by :mod:`briefing.editions.contents`), with the wording of ``prose.j2``.

Text typed by units and the bureau is backslash-escaped where CommonMark would read it as
markup (see :mod:`briefing.editions.jinja`), so the .md, pasted raw into OA or WeChat, shows
it as typed.
"""

from __future__ import annotations

import re
from pathlib import Path

from jinja2 import TemplateError

from briefing.editions.contents import context, evaluator, front, notes, outline, tables
from briefing.editions.jinja import make_env, template_error
from briefing.editions.spec import APPENDIX
from briefing.figures.briefing import Briefing

MARKDOWN_TEMPLATE = "briefing.md.j2"


def render_markdown(b: Briefing, workspace_templates: Path | None) -> str:
    """The Markdown edition of the briefing."""
    env = make_env(workspace_templates)
    try:
        names = context(b)
        ev = evaluator(b, markdown=True, prose=env.get_template("prose.j2").make_module(),
                       rounding_note=names["rounding_note"])
        headline, editor_note = front(ev)
        text = env.get_template(MARKDOWN_TEMPLATE).render(
            **names, headline=headline, editor_note=editor_note, outline=outline(ev), appendix=APPENDIX,
            tables=tables(ev), notes=notes(ev))
    except TemplateError as error:
        raise template_error(error) from None
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
