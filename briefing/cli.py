"""The ``briefing`` command: argument parsing and printing only; the work is in :mod:`briefing.actions`.

Heavy modules (pydantic, jinja2, python-docx) are imported inside the commands so that
``briefing --help`` starts fast.  :class:`BriefingError` is turned into Chinese output and an
exit code in one place, :meth:`BriefingGroup.invoke`.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from briefing import __version__, clizh
from briefing.errors import BriefingError

clizh.install()

CONFIG_HELP = "简报配置文件，默认是当前文件夹下的 briefing.yaml"


class BriefingCommand(click.Command):
    """A command whose usage line reads in Chinese."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("options_metavar", "[选项]")
        super().__init__(*args, **kwargs)


class PositiveInt(click.ParamType):
    """A whole number ≥ 1, with a Chinese message otherwise."""

    name = "正整数"

    def convert(self, value, param, ctx):
        try:
            number = int(str(value).strip())
        except ValueError:
            number = 0
        if number < 1:
            self.fail(f"“{value}”不是正整数，应写成 12 这样的数字", param, ctx)
        return number


class BriefingGroup(click.Group):
    """A group that prints library errors in Chinese, without a traceback."""

    command_class = BriefingCommand

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("options_metavar", "[选项]")
        kwargs.setdefault("subcommand_metavar", "命令 [参数]...")
        super().__init__(*args, **kwargs)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except BriefingError as error:
            for problem in error.problems:
                click.echo(str(problem), err=True)
            click.secho(f"错误：{error.message}", fg="red", err=True)
            ctx.exit(error.exit_code)
        except KeyboardInterrupt:
            click.echo("已取消。", err=True)
            ctx.exit(130)
        except (click.exceptions.Exit, click.ClickException, click.Abort, BrokenPipeError):
            raise
        except OSError as error:  # a folder or file the command needs cannot be used: say which
            if os.environ.get("BRIEFING_DEBUG"):
                raise
            from briefing.workspace.files import reason

            where = error.filename or "工作目录中的文件"
            click.secho(f"错误：无法使用 {where}：{reason(error)}。请检查它是否存在、是否只读或正被其他程序占用，"
                        "处理后重新运行", fg="red", err=True)
            ctx.exit(1)
        except Exception as error:  # a bug, not the user's mistake: keep it to one line
            if os.environ.get("BRIEFING_DEBUG"):
                raise
            click.secho(f"程序内部错误（{type(error).__name__}: {error}）。"
                        "请把这条信息和所用的文件发给技术支持；设置环境变量 BRIEFING_DEBUG=1 可查看详细信息。",
                        fg="red", err=True)
            ctx.exit(3)


def _config_option(function):
    return click.option("--config", "config", type=click.Path(dir_okay=False, path_type=Path), metavar="文件",
                        default="briefing.yaml", help=CONFIG_HELP)(function)


@click.group(cls=BriefingGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="briefing")
def cli() -> None:
    """招商工作简报生成工具：检查各单位报送的周报，汇总后生成 Word 和 Markdown 简报。

    \b
    常用命令：
      briefing init 目录名      新建工作目录（配置、模板、文件夹）
      briefing ingest --imap   收取各单位用邮件报送的报告
      briefing status          查看本周谁已报送、谁未报送
      briefing remind --send   给未报送的单位发催报邮件
      briefing validate        检查报告是否填写正确
      briefing build           生成最新一周的简报（在 output/ 文件夹）
      briefing new 单位 --week 2023-W17 -o 单位.yaml   生成空白周报发给县市
    """


@cli.command()
@_config_option
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path), metavar="[文件或文件夹]...")
def validate(config: Path, paths: tuple[Path, ...]) -> None:
    """检查报告文件，逐条列出错误（文件:行:列: 错误: 说明）。

    可以给出要检查的文件或文件夹，不给时检查配置文件旁的 entries 文件夹。
    全部正确时退出码为 0，有错误时为 1。

    \b
    示例：
      briefing validate
      briefing validate entries/2023-W17
      briefing validate --config D:\\简报\\briefing.yaml 昌吉市.yaml
    """
    from briefing.actions.check import check_reports

    loaded = check_reports(config, paths)
    for problem in loaded.problems:
        click.echo(str(problem))
    if loaded.unread:
        raise BriefingError(f"有 {len(loaded.unread)} 处文件或文件夹无法读取（见上），其中的报告没有检查；"
                            f"其余 {loaded.files} 个文件中 {loaded.bad_files - len({p.path for p in loaded.unread})} 个有错误。"
                            "请处理后重新检查")
    if loaded.errors:
        raise BriefingError(f"检查了 {loaded.files} 个文件，其中 {loaded.bad_files} 个有错误（共 {len(loaded.errors)} 处）")
    if not loaded.files:
        click.echo("没有找到报告文件（.yaml）。各单位的报告应放在 entries 文件夹里。")
        return
    warnings = len(loaded.problems)
    tail = f"没有错误，但有 {warnings} 处提示请核对。" if warnings else "全部正确。"
    click.echo(f"检查了 {loaded.files} 个文件，{tail}")


def _split_formats(values: tuple[str, ...]) -> list[str] | None:
    from briefing.actions.build import FORMATS

    formats = [part.strip().lower() for value in values for part in value.split(",") if part.strip()]
    for name in formats:
        if name not in FORMATS:
            raise BriefingError(f"不支持的格式“{name}”，可选：{'、'.join(FORMATS)}", exit_code=2)
    return list(dict.fromkeys(formats)) or None


def _parse_day(value: str | None):
    if value is None:
        return None
    from briefing.report.fields import parse_date

    try:
        return parse_date(value)
    except ValueError:
        raise BriefingError(f"日期“{value}”格式不对，应写成 2023-05-05", exit_code=2) from None


@cli.command()
@_config_option
@click.option("--entries", type=click.Path(file_okay=False, path_type=Path), metavar="文件夹",
              help="报告文件夹，默认是配置文件旁的 entries")
@click.option("--week", metavar="周次", help="周次，例如 2023-W17；默认是报告中最新的一周")
@click.option("--format", "formats", multiple=True, metavar="格式",
              help="输出格式：md、docx、xlsx、pdf（需安装 LibreOffice），可重复或用逗号分隔；默认 md、docx、xlsx")
@click.option("--output", type=click.Path(file_okay=False, path_type=Path), metavar="文件夹",
              help="输出文件夹，默认是配置文件旁的 output")
@click.option("--issue", type=PositiveInt(), metavar="期号", help="期号；默认自动按年顺延，重新生成同一周时沿用原期号")
@click.option("--date", "date", metavar="日期", help="印发日期，例如 2023-05-05，默认今天")
@click.option("--headline", metavar="标题", help="简报标题（报头红线下的一行）；默认按本周数字自动生成")
@click.option("--note", "editor_note", metavar="编者按", help="编者按，印在标题下面；默认没有")
@click.option("--no-cache", is_flag=True, help="不使用缓存，重新读取全部报告（一般不需要）")
def build(config: Path, entries: Path | None, week: str | None, formats: tuple[str, ...],
          output: Path | None, issue: int | None, date: str | None, headline: str | None,
          editor_note: str | None, no_cache: bool) -> None:
    """汇总报告，生成一周的招商工作简报，并列出生成的文件。

    有报告填写错误时不生成简报，而是列出错误（退出码 1）。

    \b
    示例：
      briefing build
      briefing build --week 2023-W17 --format docx
      briefing build --week 2023-W17 --date 2023-05-05 --issue 12
      briefing build --headline "全州招商引资工作持续推进" --note "……"
    """
    from briefing.actions.build import build as run_build
    from briefing.workspace.layout import open_workspace

    chosen = _split_formats(formats)
    day = _parse_day(date)
    ws = open_workspace(config, entries, output)
    for path in run_build(ws, week=week, formats=chosen, issue=issue, date=day, use_cache=not no_cache,
                          note=lambda line: click.secho(line, fg="yellow", err=True),
                          headline=headline, editor_note=editor_note):
        click.echo(str(path))


@cli.command()
@click.option("--sample", is_flag=True, help="同时放入示例报告（昌吉州的几周数据），可直接试用 briefing build")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path), metavar="文件夹")
def init(sample: bool, folder: Path) -> None:
    """新建一个工作目录：配置文件、可修改的模板、报告和输出文件夹。

    \b
    生成的内容：
      briefing.yaml   带注释的配置文件，按本局情况修改
      templates/      简报模板（Word 版式 briefing.docx、措辞 prose.j2），可在 Word 中改样式
      entries/        各单位的周报放这里
      output/         生成的简报
      docs/           使用说明：填报说明（可转发给各县市）、配置说明、邮件报送

    \b
    示例：
      briefing init 招商简报
      briefing init --sample 试用
    """
    from briefing.actions.scaffold import init_workspace

    for path in init_workspace(folder, sample=sample):
        click.echo(str(path))
    click.echo(f"已创建工作目录 {folder}。下一步：修改 {folder / 'briefing.yaml'}，然后在该目录运行 briefing build")


def _emit(text: str, output: Path | None, overwrite: bool = True) -> None:
    """Show ``text``, or write it to ``output`` (atomically) and show the path."""
    if output is None:
        click.echo(text, nl=False)
        return
    if not overwrite and output.exists():
        raise BriefingError(f"{output} 已存在，没有覆盖（它可能是已经填好的周报）。请换一个文件名，或先删除它")
    from briefing.workspace.files import write_text

    write_text(output, text)
    click.echo(str(output))


@cli.command()
@_config_option
@click.option("--week", metavar="周次", help="周次，例如 2023-W17；默认是本周")
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False, path_type=Path), metavar="文件",
              help="写入这个文件（默认显示在屏幕上）")
@click.argument("unit", metavar="单位")
def new(config: Path, week: str | None, output: Path | None, unit: str) -> None:
    """生成某个单位某一周的空白周报，每一项都有中文说明和示例，发给县市填写。

    \b
    示例：
      briefing new 昌吉市 --week 2023-W17
      briefing new 昌吉市 --week 2023-W17 -o 昌吉市.yaml
    """
    from briefing.actions.build import normalise_week
    from briefing.forms.blank import blank_report
    from briefing.report.config import load_config
    from briefing.weeks import current_week

    settings = load_config(config)
    chosen = normalise_week(week) if week else current_week()
    _emit(blank_report(settings, unit, chosen), output, overwrite=False)


@cli.command()
@_config_option
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False, path_type=Path), metavar="文件",
              help="写入这个文件（默认显示在屏幕上）")
def schema(config: Path, output: Path | None) -> None:
    """输出周报的 JSON Schema（含本局的单位和产业链），供 VS Code 等编辑器边写边检查。

    在周报第一行写“# yaml-language-server: $schema=report.schema.json”即可启用。

    \b
    示例：
      briefing schema -o report.schema.json
    """
    import json

    from briefing.forms.schema import report_schema
    from briefing.report.config import load_config

    _emit(json.dumps(report_schema(load_config(config)), ensure_ascii=False, indent=2) + "\n", output)


@cli.command()
@_config_option
@click.option("--entries", type=click.Path(file_okay=False, path_type=Path), metavar="文件夹",
              help="报告文件夹，默认是配置文件旁的 entries")
@click.option("--imap", "use_imap", is_flag=True, help="从 briefing.yaml 中 mail.imap 设置的邮箱收取新邮件")
@click.option("--reply", is_flag=True, help="给每位发件人发送回执（用 mail.smtp 的设置）")
@click.option("--vouch", "vouched", multiple=True, type=click.Path(path_type=Path), metavar="邮件.eml",
              help="经办人已核实、担保可信的一封邮件（可多次使用）：其中转发的原邮件，按原发件人判断报送单位")
@click.argument("sources", nargs=-1, type=click.Path(path_type=Path), metavar="[邮件文件或文件夹]...")
def ingest(config: Path, entries: Path | None, use_imap: bool, reply: bool, vouched: tuple[Path, ...],
           sources: tuple[Path, ...]) -> None:
    """导入各单位用电子邮件报送的报告：取出 .yaml 附件，检查后按内容存入 entries/周次/单位.yaml。

    可以给出 .eml 邮件文件、mbox 邮箱文件或 Maildir 邮件文件夹；用 --imap 直接收取邮箱。

    报告只认邮件本身的发件人：发件邮箱须在 briefing.yaml 的 senders 中登记为该单位的报送邮箱，
    转发邮件里原发件人的地址不算（谁都能伪造）。别人转给您、您已向报送单位核实过的邮件，
    存成 .eml 文件后用 --vouch 导入：这时按转发的原邮件的发件人判断单位，导入记录中注明经办人担保。

    每封邮件的原件都保存在 archive/mail/，结果记入 .briefing/ingest.jsonl；同样的邮件导入两次不会重复入库。

    邮箱密码（授权码）默认从环境变量 BRIEFING_IMAP_PASSWORD、BRIEFING_SMTP_PASSWORD 读取，没有时提示输入。
    设置方法见 docs/邮件报送.md。

    \b
    示例：
      briefing ingest 收件箱.mbox
      briefing ingest D:\\邮件\\呼图壁县第17周.eml
      briefing ingest --imap --reply
      briefing ingest --vouch 转发的呼图壁县周报.eml
    """
    from briefing.actions.ingest import run
    from briefing.mail.smtp import password_for
    from briefing.mail.summary import summary
    from briefing.workspace.layout import open_workspace

    if not sources and not use_imap and not vouched:
        raise BriefingError("请指定要导入的邮件文件、mbox 文件或 Maildir 文件夹，或用 --imap 从邮箱收取", exit_code=2)
    ws = open_workspace(config, entries)
    ask = (lambda label: click.prompt(label, hide_input=True, err=True)) if sys.stdin.isatty() else None
    mail = ws.config.mail
    imap_password = password_for(mail.imap, ask) if use_imap and mail.imap else None
    smtp_password = password_for(mail.smtp, ask) if reply and mail.smtp and mail.smtp.user else None
    result = run(ws, sources, use_imap=use_imap, imap_password=imap_password, reply=reply,
                 smtp_password=smtp_password, progress=_progress, vouched=vouched)
    for warning in result.warnings:
        click.secho(f"注意：{warning}", fg="yellow", err=True)
    click.echo(summary(result))


@cli.command()
@_config_option
@click.option("--week", metavar="周次", help="周次，例如 2023-W17；默认是报告中最新的一周")
@click.option("--missing", is_flag=True, help="只列出未报送的单位名称，每行一个（供脚本使用）")
def status(config: Path, week: str | None, missing: bool) -> None:
    """查看各单位某一周的报送情况：是否报送、何时由谁报送、记录条数、有无错误、是否迟报更正。

    退出码总是 0。

    \b
    示例：
      briefing status
      briefing status --week 2023-W17
      briefing status --week 2023-W17 --missing
    """
    from briefing.actions.build import normalise_week
    from briefing.actions.status import status_table, week_status
    from briefing.workspace.layout import open_workspace

    result = week_status(open_workspace(config), normalise_week(week) if week else None)
    if missing:
        for line in result.unread:  # the list may be incomplete: say why, apart from the list
            click.secho(line, fg="yellow", err=True)
        for unit in result.missing:
            click.echo(unit)
    else:
        click.echo(status_table(result))


@cli.command()
@_config_option
@click.option("--week", metavar="周次", help="周次，例如 2023-W17；默认是报告中最新的一周")
@click.option("--send", is_flag=True, help="真正发送（不加时只显示将要发送的内容）")
def remind(config: Path, week: str | None, send: bool) -> None:
    """催报：给未报送的单位发一封礼貌的中文提醒邮件，附上该周的空白周报。

    不加 --send 时只预览，不发送。收件地址取自 briefing.yaml 的 senders，发件服务器取自 mail.smtp。

    \b
    示例：
      briefing remind --week 2023-W17
      briefing remind --week 2023-W17 --send
    """
    from briefing.actions.build import normalise_week
    from briefing.actions.remind import reminders, send_reminders
    from briefing.actions.status import week_status
    from briefing.mail.smtp import password_for
    from briefing.workspace.layout import open_workspace

    ws = open_workspace(config)
    due = reminders(ws, week_status(ws, normalise_week(week) if week else None))
    if not due:
        click.echo("所有单位都已报送，无需催报。")
        return
    if not send:
        for reminder in due:
            target = "、".join(reminder.to) if reminder.to else "（没有登记邮箱，请电话催报）"
            click.echo(f"{reminder.unit}：{target}")
        click.echo("")
        click.echo(f"主题：{due[0].message['Subject']}")
        click.echo(due[0].message.get_body().get_content().rstrip())
        click.echo("")
        click.echo(f"以上是预览（共 {len(due)} 个单位），没有发送。确认无误后加 --send 发送。")
        return
    smtp = ws.config.mail.smtp if ws.config.mail else None
    ask = (lambda label: click.prompt(label, hide_input=True, err=True)) if sys.stdin.isatty() else None
    password = password_for(smtp, ask) if smtp and smtp.user else None
    for unit, outcome in send_reminders(ws, due, password):
        click.echo(f"{unit}：{outcome}")


def _progress(total: int, label: str):
    """A progress bar on stderr for ``briefing ingest``, when stderr is a terminal."""
    from contextlib import contextmanager

    @contextmanager
    def bar():
        if not sys.stderr.isatty():
            yield lambda: None
            return
        with click.progressbar(length=total, label=label, file=sys.stderr, show_pos=True) as progress:
            yield lambda: progress.update(1)

    return bar()


def main() -> None:
    """Console-script entry point."""
    for stream in (sys.stdout, sys.stderr):
        try:  # a GBK console or a redirect on Chinese Windows: never die on a character it lacks
            stream.reconfigure(errors="replace")
        except (AttributeError, ValueError):
            pass
    try:
        cli(prog_name="briefing")
    except BrokenPipeError:  # e.g. `briefing status | head`
        try:
            sys.stdout = open(os.devnull, "w")
        except OSError:
            pass
        sys.exit(0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
