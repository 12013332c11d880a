"""Commands that make and issue the weekly briefing: ``build`` (the draft for comment), ``publish``
(the numbered final version), ``numbers`` (the issues of a year) and ``diff`` (what changed since
publishing).

The options the draft and the final version share are :func:`_edition_options`; the work is in
:mod:`briefing.actions.build`, :mod:`briefing.actions.publish` and :mod:`briefing.actions.diff`,
imported inside the commands.
"""

from __future__ import annotations

from pathlib import Path

import click

from briefing.cli.edge import PositiveInt, WEEK_HELP, command, config_option, say_week, yellow
from briefing.errors import BriefingError


def _split_formats(values: tuple[str, ...]) -> list[str] | None:
    """The formats of ``--format`` (repeated or comma-separated), in order, once each; None for the default."""
    from briefing.actions.build import FORMATS

    formats = [part.strip().lower() for value in values for part in value.split(",") if part.strip()]
    for name in formats:
        if name not in FORMATS:
            raise BriefingError(f"不支持的格式“{name}”，可选：{'、'.join(FORMATS)}", exit_code=2)
    return list(dict.fromkeys(formats)) or None


def _parse_day(value: str | None):
    """The date of ``--date``; a bad one is a usage error (exit 2) saying what is wrong."""
    if value is None:
        return None
    from briefing.report.fields import parse_date

    try:
        return parse_date(value)
    except ValueError as error:
        if "不是有效日期：" in str(error):  # the format is right, a part is not: say which
            why = str(error).split("不是有效日期：", 1)[1]
            raise BriefingError(f"日期 {value} 不存在：{why}", exit_code=2) from None
        raise BriefingError(f"日期“{value}”格式不对，应写成 2023-05-05", exit_code=2) from None


def _edition_options(function):
    """The options ``build`` and ``publish`` share."""
    function = click.option("--note", "editor_note", metavar="编者按",
                            help="编者按，印在标题下面；默认用配置的 editor_note，没有则不印")(function)
    function = click.option("--headline", metavar="标题",
                            help="简报标题（报头红线下的一行）；默认用配置的 headline，没有则按本周数字自动生成")(function)
    function = click.option("--no-cache", is_flag=True, help="不使用缓存，重新读取全部报告（一般不需要）")(function)
    function = click.option("--date", "date", metavar="日期", help="印发日期，例如 2023-05-05")(function)
    function = click.option("--output", type=click.Path(file_okay=False, path_type=Path), metavar="文件夹",
                            help="输出文件夹，默认是配置文件旁的 output")(function)
    function = click.option("--format", "formats", multiple=True, metavar="格式",
                            help="输出格式：md、docx、xlsx、pdf（需安装 LibreOffice），可重复或用逗号分隔；默认 md、docx、xlsx")(function)
    function = click.option("--week", metavar="周次", help=WEEK_HELP)(function)
    function = click.option("--entries", type=click.Path(file_okay=False, path_type=Path), metavar="文件夹",
                            help="报告文件夹，默认是配置文件旁的 entries")(function)
    return config_option(function)


@command()
@_edition_options
def build(config: Path, entries: Path | None, week: str | None, formats: tuple[str, ...],
          output: Path | None, date: str | None, no_cache: bool, headline: str | None,
          editor_note: str | None) -> None:
    """生成一周简报的征求意见稿（不编期号，不占用期号），并列出生成的文件。

    文件名带“征求意见稿”，报头的期号空着（“第　期（征求意见稿）”）。定稿后用 briefing publish 印发。
    有报告填写错误时不生成，而是列出错误（退出码 1）；可疑的数字（如金额单位可能写错）先用黄色列出，请核对。
    印发日期默认今天；两周以前的周次默认用该周后的周一。

    \b
    示例：
      briefing build
      briefing build --week 2023-W17 --format docx
      briefing build --headline "全州招商引资工作持续推进" --note "……"
    """
    from briefing.actions.build import chosen_week, make_draft
    from briefing.workspace.layout import open_workspace

    chosen = _split_formats(formats)
    day = _parse_day(date)
    ws = open_workspace(config, entries, output)
    the_week = chosen_week(ws, week)
    say_week(the_week, week)
    notes: list[str] = []
    made = make_draft(ws, week=week and the_week, formats=chosen, date=day, use_cache=not no_cache, note=notes.append,
                      headline=headline, editor_note=editor_note)
    if made.suspicious:
        click.secho(f"请先核对以下 {len(made.suspicious)} 处可疑的数字（印发时需改正或加 --accept-warnings 确认）：",
                    fg="yellow", bold=True, err=True)
        for line in made.suspicious:
            yellow(f"  {line}")
    for line in notes:
        yellow(line)
    if made.incomplete:
        yellow(f"注意：{made.week.text}还没有结束，这份征求意见稿的数字不完整")
    if made.date_note:
        yellow(made.date_note)
    for path in made.files:
        click.echo(str(path))
    from briefing.actions.diff import difference, latest_publication, summary_line

    if latest_publication(ws, made.week) is not None:
        click.echo(summary_line(difference(ws, made.week, use_cache=not no_cache)))


@command()
@_edition_options
@click.option("--issue", type=PositiveInt(), metavar="期号", help="指定期号（只能用本年还没有用过的）；默认自动取下一个")
@click.option("--correct", is_flag=True, help="更正已印发的一周：期号不变，标题加“（更正）”，原版和更正版都保留")
@click.option("--accept-warnings", "accept_warnings", is_flag=True,
              help="已核对可疑的数字（金额单位、同比超过±500%、一周到位资金超过全年目标），确认照常印发")
def publish(config: Path, entries: Path | None, week: str | None, formats: tuple[str, ...], output: Path | None,
            date: str | None, no_cache: bool, headline: str | None, editor_note: str | None, issue: int | None,
            correct: bool, accept_warnings: bool) -> None:
    """印发一周的简报：按印发顺序编本年的下一个期号，生成定稿，并在 output/已印发/ 留存只读的原样副本。

    期号一经印发就不再改变，也不会重复使用（删除文件或征求意见稿都不影响）。
    同一周再次印发需加 --correct（更正版）。有可疑的数字时不印发，核对后加 --accept-warnings。
    还没有结束的一周不能印发。印发日期默认今天。

    \b
    示例：
      briefing publish
      briefing publish --week 2023-W17 --date 2023-05-05
      briefing publish --week 2023-W17 --correct
    """
    from briefing.actions.build import chosen_week
    from briefing.actions.publish import publish as run_publish
    from briefing.workspace.layout import open_workspace

    chosen = _split_formats(formats)
    day = _parse_day(date)
    ws = open_workspace(config, entries, output)
    the_week = chosen_week(ws, week)
    say_week(the_week, week)
    done = run_publish(ws, week=the_week, formats=chosen, date=day, issue=issue, correct=correct,
                       accept_warnings=accept_warnings, use_cache=not no_cache, note=yellow,
                       headline=headline, editor_note=editor_note)
    for line in done.accepted:
        yellow(f"已确认的可疑数字：{line}")
    for path in done.files:
        click.echo(str(path))
    p = done.publication
    kind = "更正版" if p.correction else "简报"
    click.echo(f"已印发{the_week.text}{kind}：第{p.issue}期，印发日期 {p.date}；原样副本（只读）在 {p.folder}")


@command()
@config_option
@click.option("--year", type=PositiveInt(), metavar="年份", help="年份，默认是本周所在的年份")
def numbers(config: Path, year: int | None) -> None:
    """列出一年已印发的各期简报：期号、周次、印发日期、副本位置。

    \b
    示例：
      briefing numbers
      briefing numbers --year 2023
    """
    from briefing.actions.publish import numbers as list_numbers
    from briefing.workspace.layout import open_workspace

    year, lines = list_numbers(open_workspace(config), year)
    if not lines:
        click.echo(f"{year}年还没有印发过简报。印发用 briefing publish")
        return
    click.echo(f"{year}年已印发 {len({line.issue for line in lines})} 期：")
    for line in lines:
        click.echo(f"第{line.issue}期  {line.week}  {line.date}  {line.what}")


@command()
@config_option
@click.option("--week", metavar="周次", help=WEEK_HELP)
@click.option("--no-cache", is_flag=True, help="不使用缓存，重新读取全部报告（一般不需要）")
def diff(config: Path, week: str | None, no_cache: bool) -> None:
    """列出一周的简报与已印发版本的不同：哪些数字、哪些句子变了，印发后哪些报告有变动（单位、文件、收到时间）。

    \b
    示例：
      briefing diff
      briefing diff --week 2023-W17
    """
    from briefing.actions.build import chosen_week
    from briefing.actions.diff import difference, difference_text
    from briefing.workspace.layout import open_workspace

    ws = open_workspace(config)
    the_week = chosen_week(ws, week)
    say_week(the_week, week)
    click.echo(difference_text(difference(ws, the_week, use_cache=not no_cache, note=yellow)))
