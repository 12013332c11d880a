"""Commands over the whole year's projects: ``ledger`` (the project ledger, one row a project),
``project`` (one project's story week by week) and ``trips`` (the table of investment-promotion trips).

The figures come from :mod:`briefing.actions.ledger`, the workbooks from
:mod:`briefing.editions.ledger_xlsx`, both imported inside the commands.
"""

from __future__ import annotations

from pathlib import Path

import click

from briefing.cli.edge import PositiveInt, command, config_option, emit, yellow


@command()
@config_option
@click.option("--year", type=PositiveInt(), metavar="年份", help="年份，例如 2023；默认是最新报告所在的年份")
@click.option("--format", "form", type=click.Choice(["xlsx", "md"]), default="xlsx", show_default=True,
              metavar="格式", help="输出格式：xlsx（Excel）或 md（Markdown）")
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False, path_type=Path), metavar="文件",
              help="写入这个文件；默认写到配置文件旁的 output 文件夹（md 格式不给时显示在屏幕上）")
def ledger(config: Path, year: int | None, form: str, output: Path | None) -> None:
    """项目台账：每个项目一行，列出单位、投资方、产业链、签约、开工、投产的周次、各周到位资金和督办提示。

    督办提示：重点项目签约超过 ledger.overdue_weeks 周（默认 12）仍未开工；项目连续 ledger.stale_weeks 周
    （默认 8）没有报告（已投产的除外）。同一项目在不同周、不同单位的报告按项目编码或名称合并为一行。

    \b
    示例：
      briefing ledger
      briefing ledger --year 2023 -o 项目台账.xlsx
      briefing ledger --format md
    """
    from briefing.actions.ledger import LEDGER_TITLE, year_ledger
    from briefing.editions.ledger_xlsx import ledger_markdown, ledger_xlsx
    from briefing.workspace.files import write_bytes
    from briefing.workspace.layout import open_workspace

    ws = open_workspace(config)
    table = year_ledger(ws, year, note=yellow)
    title = LEDGER_TITLE
    if form == "md":
        emit(ledger_markdown(table, title), output)
        return
    target = output or ws.output / f"{title}-{table.year}.xlsx"
    click.echo(str(write_bytes(target, ledger_xlsx(table, title), () if output else ws.inside)))


@command()
@config_option
@click.argument("name", metavar="项目名称或编码")
def project(config: Path, name: str) -> None:
    """查看一个项目的来龙去脉：各周的签约、增资、阶段和到位资金，以及出自哪个文件哪一行。

    \b
    示例：
      briefing project 硅基新材料项目
      briefing project CJ2023-0158
    """
    from briefing.actions.ledger import project_story
    from briefing.workspace.layout import open_workspace

    for line in project_story(open_workspace(config), name, note=yellow):
        click.echo(line)


@command()
@config_option
@click.option("--from", "first", metavar="周次", help="起始周次，例如 2023-W01；默认是当年第1周")
@click.option("--to", "last", metavar="周次", help="结束周次，例如 2023-W17；默认是报告中最新的一周")
@click.option("--format", "form", type=click.Choice(["xlsx"]), default="xlsx", show_default=True, metavar="格式",
              help="输出格式（目前只有 xlsx）")
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False, path_type=Path), metavar="文件",
              help="写入这个文件；默认写到配置文件旁的 output 文件夹")
def trips(config: Path, first: str | None, last: str | None, form: str, output: Path | None) -> None:
    """外出招商情况上报表：各单位领导带队外出招商，每次一行（单位、序号、带队领导、职务、起止时间、天数、
    目的地、拜访企业、对接洽谈项目数、成果）。

    \b
    示例：
      briefing trips --from 2023-W14 --to 2023-W17
      briefing trips -o 外出招商情况上报表.xlsx
    """
    from briefing.actions.ledger import trips_rows
    from briefing.editions.ledger_xlsx import trips_xlsx
    from briefing.workspace.files import write_bytes
    from briefing.workspace.layout import open_workspace

    ws = open_workspace(config)
    start, end, rows = trips_rows(ws, first, last)
    title = f"外出招商情况上报表（{start}至{end}）"
    target = output or ws.output / f"外出招商情况上报表-{start}-{end}.xlsx"
    click.echo(str(write_bytes(target, trips_xlsx(rows, title), () if output else ws.inside)))
    if not rows:
        click.secho(f"{start}至{end}没有外出招商记录，表格只有表头。", fg="yellow", err=True)
