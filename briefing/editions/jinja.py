"""The editions' one Jinja Environment factory, its filters, and where templates are found.

Templates are looked up in the workspace's ``templates/`` first, then in the defaults shipped
with the package, so a bureau restyles or rewords the briefing without touching code.

Text that units and the bureau typed must display as typed.  The Word edition gets that from
XML autoescape; the Markdown edition (no autoescape) from the text filters (``text``, ``listing``,
``oneline``, ``sentence``, ``clause``, ``cell``), which backslash-escape what CommonMark (and
GFM tables) would read as markup.  They look at the template's autoescape setting, so the shared
``prose.j2`` macros escape for Markdown and not for Word; a third kind of environment
(``markdown=False``, no autoescape) gives plain text, for the Excel workbook.  Backslash escapes, not HTML entities:
the .md is pasted raw into OA and WeChat and should stay readable; Chinese text is unchanged.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateError
from jinja2 import pass_eval_context
from jinja2.nodes import EvalContext
from jinja2.sandbox import SandboxedEnvironment, SecurityError

from briefing import fmt
from briefing.errors import BriefingError
from briefing.figures.regions import without_repeated_province

_CN_DIGITS = "零一二三四五六七八九"


def default_templates() -> Path:
    """The packaged default templates (``briefing/templates`` once installed).

    In a source checkout the package's templates are the repository's top-level
    ``templates/`` folder (setup.cfg maps one onto the other).
    """
    package = Path(__file__).resolve().parent.parent
    installed = package / "templates"
    return installed if installed.is_dir() else package.parent / "templates"


def template_dirs(workspace_templates: Path | None) -> list[Path]:
    """Search path: the workspace's own templates first, then the defaults."""
    dirs = [workspace_templates] if workspace_templates is not None and workspace_templates.is_dir() else []
    return [*dirs, default_templates()]


def find_template(name: str, workspace_templates: Path | None) -> Path:
    """The file a template name resolves to (workspace first)."""
    for folder in template_dirs(workspace_templates):
        if (folder / name).is_file():
            return folder / name
    raise BriefingError(f"找不到模板 {name}")


def cn_number(n: int) -> str:
    """1 → 一, 10 → 十, 21 → 二十一, 105 → 一百零五, 3000 → 三千 (for （一）-style headings)."""
    if n < 10:
        return _CN_DIGITS[n]
    if n < 20:
        return "十" + (_CN_DIGITS[n - 10] if n > 10 else "")
    text, zero = "", False
    for value, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit, n = divmod(n, value)
        if digit:
            text += ("零" if zero and text else "") + _CN_DIGITS[digit] + name
            zero = False
        elif text:
            zero = True
    return text


def oneline(text: str) -> str:
    """Collapse line breaks and runs of spaces (free text inside a sentence)."""
    return re.sub(r"\s*\n\s*", "", str(text)).strip()


def sentence(text: str) -> str:
    """Free text as a sentence: one line, ending in a Chinese full stop if it had none."""
    text = oneline(text)
    return text if not text or text[-1] in "。！？!?.…；;）)”\"" else text + "。"


def clause(text: str) -> str:
    """Free text inside a sentence: one line, without its final full stop."""
    return oneline(text).rstrip("。；;.，,")


# Inline markup anywhere in a line: escapes, code, emphasis, links and images, raw HTML and
# autolinks, GFM strikethrough and table pipes; "&" only where it would start an entity.
_MD_INLINE = re.compile(r"[\\`*_\[\]<|~]|&(?=#?[0-9A-Za-z]+;)")
# Block markup where a line starts: heading, quote, list bullet, setext underline, ordered list.
_MD_LINE_START = re.compile(r"[#>+=-]|[0-9]{1,9}(?=[.)](?:\s|$))")


def markdown_escape(text: str) -> str:
    """One line of text that CommonMark displays exactly as given (backslash escapes)."""
    text = _MD_INLINE.sub(r"\\\g<0>", text)
    start = _MD_LINE_START.match(text)
    if start is not None:  # the text may begin a line (a list item, a paragraph)
        end = start.end()
        text = text[:end] + "\\" + text[end:] if text[:1].isdigit() else "\\" + text
    return text


class Env(SandboxedEnvironment):
    """A sandboxed Environment that knows whether it renders Markdown (see :func:`make_env`).

    Templates live in the workspace, which others may write (a shared folder, a copied
    workspace): Jinja's sandbox refuses what a template could use to reach Python itself
    (underscore attributes such as ``__globals__``, unsafe methods), so a planted template
    can only print, never run code.
    """

    markdown = True


def _literal(eval_ctx: EvalContext, text: str) -> str:
    """``text`` for the edition being rendered: Markdown-escaped unless XML autoescape is on
    (or the environment renders plain text)."""
    return text if eval_ctx.autoescape else literal(text, getattr(eval_ctx.environment, "markdown", True))


def literal(text: str, markdown: bool) -> str:
    """``text`` as typed: Markdown-escaped for the Markdown edition, else unchanged."""
    return markdown_escape(text) if markdown else text


@pass_eval_context
def _text_filter(eval_ctx: EvalContext, value: object) -> str:
    """``text`` (also ``oneline``, ``cell``): free text, a name or a label as typed, on one line."""
    return _literal(eval_ctx, oneline(str(value)))


@pass_eval_context
def _cell_filter(eval_ctx: EvalContext, value: object) -> str:
    """``cell``: a table cell's text; a list (a trip's destinations) joined with 、, as
    :func:`briefing.editions.contents.cell_text` prints it."""
    if isinstance(value, (list, tuple)):
        return _listing_filter(eval_ctx, value)
    return _text_filter(eval_ctx, value)


@pass_eval_context
def _listing_filter(eval_ctx: EvalContext, values: Iterable[object], separator: str = "、") -> str:
    """``listing``: texts as typed, joined with 、 (or ``separator``)."""
    return separator.join(_literal(eval_ctx, oneline(str(value))) for value in values)


@pass_eval_context
def _sentence_filter(eval_ctx: EvalContext, value: object) -> str:
    return _literal(eval_ctx, sentence(str(value)))


@pass_eval_context
def _clause_filter(eval_ctx: EvalContext, value: object) -> str:
    return _literal(eval_ctx, clause(str(value)))


@pass_eval_context
def _places_filter(eval_ctx: EvalContext, destinations: Iterable[object]) -> str:
    """``places``: destinations joined with 、, each province written once ("浙江省杭州市、宁波市")."""
    return "、".join(_literal(eval_ctx, oneline(str(place)))
                    for place in without_repeated_province([oneline(str(place)) for place in destinations]))


@pass_eval_context
def _annotate_filter(eval_ctx: EvalContext, name: object, *notes: object) -> str:
    """``annotate``: ``name（note，note）`` with the notes inside a bracket the name ends with
    (never "项目（二期）（呼图壁县）"); empty notes are left out."""
    note = "，".join(oneline(str(part)) for part in notes if part not in (None, ""))
    return _literal(eval_ctx, fmt.annotate(oneline(str(name)), note))


@pass_eval_context
def _of_unit_filter(eval_ctx: EvalContext, project: object, unit: object) -> str:
    """``of_unit``: a project named with its unit in front ("呼图壁县数据中心项目"), unless its
    name already starts with the unit's."""
    project, unit = oneline(str(project)), oneline(str(unit))
    return _literal(eval_ctx, project if project.startswith(unit) else unit + project)


@pass_eval_context
def _without_unit_filter(eval_ctx: EvalContext, project: object, unit: object) -> str:
    """``without_unit``: a project's name without its unit's name in front, where the unit is
    the subject already ("（三）呼图壁县。…签约风光储一体化项目")."""
    project, unit = oneline(str(project)), oneline(str(unit))
    short = project[len(unit):] if project.startswith(unit) and len(project) > len(unit) + 1 else project
    return _literal(eval_ctx, short)


FILTERS = {
    "money": fmt.money,
    "amount": fmt.amount,
    "points": fmt.points,
    "places": _places_filter,
    "annotate": _annotate_filter,
    "of_unit": _of_unit_filter,
    "without_unit": _without_unit_filter,
    "percent": fmt.percent,
    "percent_abs": fmt.percent_abs,
    "full_date": fmt.full_date,
    "month_day": fmt.month_day,
    "date_range": fmt.date_range,
    "cn_number": cn_number,
    "text": _text_filter,
    "listing": _listing_filter,
    "oneline": _text_filter,
    "sentence": _sentence_filter,
    "clause": _clause_filter,
    "cell": _cell_filter,  # markdown_escape covers a table's "|"
}


def make_env(workspace_templates: Path | None, autoescape: bool = False, markdown: bool = True) -> Env:
    """The one place a Jinja Environment is made: strict, with the briefing's filters.

    ``autoescape`` is on for the Word edition (text goes into XML), off for Markdown and for
    plain text (``markdown=False``: the Excel workbook).
    """
    env = Env(  # compiled templates stay in memory: nothing executable is ever read from disk
        loader=FileSystemLoader([str(d) for d in template_dirs(workspace_templates)]),
        undefined=StrictUndefined,
        autoescape=autoescape,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(FILTERS)
    env.markdown = markdown and not autoescape
    return env


@lru_cache(maxsize=None)
def spec_env(autoescape: bool = False, markdown: bool = True) -> Env:
    """An environment for the strings of :mod:`briefing.editions.spec`, one per kind of output,
    kept for the process: they import nothing (``prose`` is passed in), and compiling them is
    most of what printing a table costs."""
    return make_env(None, autoescape, markdown)


@lru_cache(maxsize=1024)
def compiled_expression(env: Environment, source: str):
    """``env.compile_expression(source)``, compiled once."""
    return env.compile_expression(source, undefined_to_none=False)


@lru_cache(maxsize=1024)
def compiled_template(env: Environment, source: str):
    """``env.from_string(source)``, compiled once."""
    return env.from_string(source)


def template_error(error: TemplateError, template: str | Path | None = None) -> BriefingError:
    """A Chinese message for a mistake in a (probably user-edited) template, naming it.

    ``template`` names the file when Jinja does not know it (docxtpl renders the .docx's XML
    from a string).  A :class:`SecurityError` is the sandbox refusing what a template tried.
    """
    where, line = _failing_template(error)
    where = where or (str(template) if template else "")
    place = f"{where}:{line}: " if where and line else (f"{where}: " if where else "")
    if isinstance(error, SecurityError):
        return BriefingError(f"{place}模板试图使用程序内部的功能，为安全起见已停止生成。"
                             "模板只能使用简报的数据和过滤器；如果模板不是本局修改的，请删除它，改用程序自带的模板")
    return BriefingError(f"{place}模板有误：{error.message}。请检查模板中的变量名和标签是否写对")


def _failing_template(error: TemplateError) -> tuple[str, int | None]:
    """The template file and line of an error: Jinja sets them on syntax errors; for errors
    while rendering they are on the traceback's last frame that is a template."""
    where = getattr(error, "filename", None) or getattr(error, "name", None) or ""
    line = getattr(error, "lineno", None)
    if where:
        return where, line
    frames, tb = [], error.__traceback__
    while tb is not None:
        frames.append(tb)
        tb = tb.tb_next
    for tb in reversed(frames):
        name = tb.tb_frame.f_code.co_filename
        if not name.endswith(".py") and not name.startswith("<"):
            return name, tb.tb_lineno
    return "", None
