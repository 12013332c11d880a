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
      briefing build           生成本周简报的征求意见稿（在 output/ 文件夹，不编期号）
      briefing publish         印发本周简报：编期号、生成定稿、留存只读副本
      briefing new 单位 --week 2023-W17 -o 单位.yaml   生成空白周报发给县市
      briefing form 单位 --week 2023-W17   生成填报页面（.html）发给县市
      briefing guide           生成给各单位的《填报说明》
      briefing serve --open    在浏览器里完成以上工作（本机网页）
      briefing ledger          项目台账（每个项目一行，含督办提示）
      briefing project 名称    查看一个项目各周的情况
      briefing trips           外出招商情况上报表
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
    except ValueError as error:
        if "不是有效日期：" in str(error):  # the format is right, a part is not: say which
            why = str(error).split("不是有效日期：", 1)[1]
            raise BriefingError(f"日期 {value} 不存在：{why}", exit_code=2) from None
        raise BriefingError(f"日期“{value}”格式不对，应写成 2023-05-05", exit_code=2) from None


WEEK_HELP = "周次，例如 2023-W17；默认是本周（周五起算刚结束的这一周，见配置 switch_day）"


def _say_week(week, typed: str | None) -> None:
    """Name the week a command chose by default, in Chinese (on stderr: stdout may be a file
    or a pipe); a week typed with --week needs no saying."""
    if not typed:
        click.echo(f"周次：{week.label}（本周，按今天的日期和 switch_day 确定；其他周用 --week 指定）", err=True)


def _yellow(line: str) -> None:
    click.secho(line, fg="yellow", err=True)


def _edition_options(function):
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
    return _config_option(function)


@cli.command()
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
    _say_week(the_week, week)
    notes: list[str] = []
    made = make_draft(ws, week=week and the_week, formats=chosen, date=day, use_cache=not no_cache, note=notes.append,
                      headline=headline, editor_note=editor_note)
    if made.suspicious:
        click.secho(f"请先核对以下 {len(made.suspicious)} 处可疑的数字（印发时需改正或加 --accept-warnings 确认）：",
                    fg="yellow", bold=True, err=True)
        for line in made.suspicious:
            _yellow(f"  {line}")
    for line in notes:
        _yellow(line)
    if made.incomplete:
        _yellow(f"注意：{made.week.text}还没有结束，这份征求意见稿的数字不完整")
    if made.date_note:
        _yellow(made.date_note)
    for path in made.files:
        click.echo(str(path))
    from briefing.actions.diff import difference, latest_publication, summary_line

    if latest_publication(ws, made.week) is not None:
        click.echo(summary_line(difference(ws, made.week, use_cache=not no_cache)))


@cli.command()
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
    _say_week(the_week, week)
    done = run_publish(ws, week=the_week, formats=chosen, date=day, issue=issue, correct=correct,
                       accept_warnings=accept_warnings, use_cache=not no_cache, note=_yellow,
                       headline=headline, editor_note=editor_note)
    for line in done.accepted:
        _yellow(f"已确认的可疑数字：{line}")
    for path in done.files:
        click.echo(str(path))
    p = done.publication
    kind = "更正版" if p.correction else "简报"
    click.echo(f"已印发{the_week.text}{kind}：第{p.issue}期，印发日期 {p.date}；原样副本（只读）在 {p.folder}")


@cli.command()
@_config_option
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


@cli.command()
@_config_option
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
    _say_week(the_week, week)
    click.echo(difference_text(difference(ws, the_week, use_cache=not no_cache, note=_yellow)))


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
    from briefing.forms.blank import blank_report
    from briefing.report.config import load_config

    settings = load_config(config)
    _emit(blank_report(settings, unit, _week_or_this(week, settings)), output, overwrite=False)


def _week_or_this(week: str | None, settings):
    """The week typed on the command line (exit 2 when it is not one), else the reporting week
    (named on stderr)."""
    from briefing.actions.build import normalise_week
    from briefing.weeks import reporting_week, today

    chosen = normalise_week(week) if week else reporting_week(today(), settings.switch_day)
    _say_week(chosen, week)
    return chosen


@cli.command()
@_config_option
@click.option("--week", metavar="周次", help="周次，例如 2023-W17；默认是本周")
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False, path_type=Path), metavar="文件",
              help="写入这个文件（默认是当前文件夹下的“单位-周次-填报.html”）")
@click.argument("unit", metavar="[单位]", required=False)
def form(config: Path, week: str | None, output: Path | None, unit: str | None) -> None:
    """生成填报页面：一个 .html 文件，县市用浏览器打开即可逐项填写周报，保存的文件可直接报送。

    页面不联网、不需要安装任何软件；单位和周次已填好（不给单位时在页面上选择），填错的地方当场提示，与 briefing validate 的说法一致。可以作为邮件附件发给各单位。

    \b
    示例：
      briefing form 昌吉市 --week 2023-W17
      briefing form --week 2023-W17 -o 周报填报.html
    """
    from briefing.forms.blank import canonical_unit
    from briefing.forms.form import form_file_name, form_html
    from briefing.report.config import load_config
    from briefing.workspace.files import write_text

    settings = load_config(config)
    chosen = _week_or_this(week, settings)
    name = canonical_unit(settings, unit) if unit else None
    path = output or Path(form_file_name(name, chosen))
    write_text(path, form_html(settings, name, chosen))
    click.echo(str(path))


@cli.command()
@_config_option
@click.option("--week", metavar="周次", help="示例里用的周次，例如 2023-W17；默认是本周")
@click.option("-o", "--output", "output", type=click.Path(file_okay=False, path_type=Path), metavar="文件夹",
              help="写入这个文件夹（默认是当前文件夹）")
@click.argument("unit", metavar="[单位]", required=False)
def guide(config: Path, week: str | None, output: Path | None, unit: str | None) -> None:
    """生成给各单位的《填报说明》（Markdown 和 Word 两份），内容按本局的配置写，可直接转发。

    说明里有两种填写方法（填报页面、记事本）、填好的示例、各项含义和报送邮箱。给出单位时，示例和文件名用这个单位。

    \b
    示例：
      briefing guide
      briefing guide 昌吉市 -o 发各单位
    """
    from briefing.actions.guide import write_guide
    from briefing.report.config import load_config

    settings = load_config(config)
    for path in write_guide(settings, unit, _week_or_this(week, settings), output or Path(".")):
        click.echo(str(path))


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
@click.option("--undo", is_flag=True, help="撤销上一次导入：删除它存入和存档的文件，放回被替换的旧版本（之后有改动时拒绝）")
@click.option("--vouch", "vouched", multiple=True, type=click.Path(path_type=Path), metavar="邮件.eml",
              help="经办人已核实、担保可信的一封邮件（可多次使用）：其中转发的原邮件，按原发件人判断报送单位")
@click.argument("sources", nargs=-1, type=click.Path(path_type=Path), metavar="[邮件文件或文件夹]...")
def ingest(config: Path, entries: Path | None, use_imap: bool, reply: bool, undo: bool, vouched: tuple[Path, ...],
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
      briefing ingest --undo
    """
    from briefing.actions.ingest import run
    from briefing.mail.smtp import password_for
    from briefing.mail.summary import summary
    from briefing.workspace.layout import open_workspace

    if undo:
        if sources or use_imap or vouched or reply:
            raise BriefingError("--undo 只撤销上一次导入，不能同时导入或发回执", exit_code=2)
        from briefing.mail.undo import undo_last
        from briefing.workspace.layout import open_workspace

        done = undo_last(open_workspace(config, entries))
        click.echo(f"已撤销上一次导入（批次 {done.run}，{done.messages} 封邮件）：删除 {len(done.deleted)} 个文件，"
                   f"放回 {len(done.restored)} 个被替换的旧版本。")
        for path in done.restored:
            click.echo(f"  放回 {path}")
        if done.imap:
            click.echo("注意：邮箱服务器上的邮件仍保持已导入的标记（或已移到的邮件夹），没有改动。需要重新导入时，"
                       "在邮箱里去掉标记（或移回收件箱）后运行 briefing ingest --imap，见 docs/邮件报送.md")
        return
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
@click.option("--week", metavar="周次", help=WEEK_HELP)
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
    from briefing.actions.build import chosen_week
    from briefing.actions.status import status_table, week_status
    from briefing.workspace.layout import open_workspace

    ws = open_workspace(config)
    the_week = chosen_week(ws, week)
    _say_week(the_week, week)
    result = week_status(ws, the_week)
    if missing:
        for line in result.unread:  # the list may be incomplete: say why, apart from the list
            click.secho(line, fg="yellow", err=True)
        for unit in result.missing:
            click.echo(unit)
    else:
        click.echo(status_table(result))


@cli.command()
@_config_option
@click.option("--week", metavar="周次", help=WEEK_HELP)
@click.option("--send", is_flag=True, help="真正发送（不加时只显示将要发送的内容）")
def remind(config: Path, week: str | None, send: bool) -> None:
    """催报：给未报送的单位发一封礼貌的中文提醒邮件，附上该周的填报页面和空白周报。

    不加 --send 时只预览，不发送。收件地址取自 briefing.yaml 的 senders，发件服务器取自 mail.smtp。

    \b
    示例：
      briefing remind --week 2023-W17
      briefing remind --week 2023-W17 --send
    """
    from briefing.actions.build import chosen_week
    from briefing.actions.remind import reminders, send_reminders
    from briefing.actions.status import week_status
    from briefing.mail.smtp import password_for
    from briefing.workspace.layout import open_workspace

    ws = open_workspace(config)
    the_week = chosen_week(ws, week)
    _say_week(the_week, week)
    due = reminders(ws, week_status(ws, the_week))
    if not due:
        click.echo(f"{the_week.text}所有单位都已报送，无需催报。")
        return
    smtp = ws.config.mail.smtp if ws.config.mail else None
    if not send:
        for reminder in due:
            target = "、".join(reminder.to) if reminder.to else "（没有登记邮箱，请电话催报）"
            click.echo(f"{reminder.unit}：{target}")
        click.echo("")
        click.echo(f"主题：{due[0].message['Subject']}")
        click.echo(due[0].message.get_body().get_content().rstrip())
        click.echo("")
        if smtp is None:
            click.echo(f"以上是预览（共 {len(due)} 个单位），没有发送。briefing.yaml 中还没有配置发件服务器 mail.smtp，"
                       "现在无法发送邮件：请先按 docs/邮件报送.md 配置，或直接电话催报。")
        else:
            click.echo(f"以上是预览（共 {len(due)} 个单位），没有发送。确认无误后加 --send 发送。")
        return
    ask = (lambda label: click.prompt(label, hide_input=True, err=True)) if sys.stdin.isatty() else None
    password = password_for(smtp, ask) if smtp and smtp.user else None
    for unit, outcome in send_reminders(ws, due, password):
        click.echo(f"{unit}：{outcome}")


@cli.command()
@_config_option
@click.option("--port", type=click.IntRange(1, 65535), default=8765, show_default=True, metavar="端口",
              help="网页的端口号")
@click.option("--open", "open_browser", is_flag=True, help="启动后用默认浏览器打开网页")
@click.option("--host", metavar="地址",
              help="监听的地址，默认只有本机（127.0.0.1）能打开；给出其他地址会让别的电脑也能打开，请慎用")
def serve(config: Path, port: int, open_browser: bool, host: str | None) -> None:
    """在本机打开简报网页：谁已报送、上传报告、预览和下载简报、催报、收取邮件、图表。

    网页只在本机（http://127.0.0.1:8765/）打开，别的电脑访问不到；关闭命令行窗口或按 Ctrl+C 即停止。

    \b
    示例：
      briefing serve --open
      briefing serve --port 8800
    """
    from briefing.web.app import LOOPBACK, serve as run

    if host and host not in (LOOPBACK, "localhost"):
        click.secho(f"警告：--host {host} 让本机以外的电脑也可能打开这个网页。网页没有登录密码，"
                    "能打开它的人都能查看和上传报告、生成简报、发送催报邮件。只在可信的内部网络中这样用，"
                    "用完及时关闭；一般情况下不要加 --host。", fg="red", err=True)
    run(config, host or LOOPBACK, port, open_browser, say=click.echo)


@cli.command()
@_config_option
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
    table = year_ledger(ws, year, note=lambda line: click.secho(line, fg="yellow", err=True))
    title = LEDGER_TITLE
    if form == "md":
        _emit(ledger_markdown(table, title), output)
        return
    target = output or ws.output / f"{title}-{table.year}.xlsx"
    click.echo(str(write_bytes(target, ledger_xlsx(table, title), () if output else ws.inside)))


@cli.command()
@_config_option
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

    for line in project_story(open_workspace(config), name, note=lambda line: click.secho(line, fg="yellow", err=True)):
        click.echo(line)


@cli.command()
@_config_option
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
        _quiet_exit()
    except SystemExit as done:
        if type(sys.stdout).__name__ == "_PacifyFlushWrapper":  # click met a closed pipe (and exits 1)
            _quiet_exit()
        raise done


def _quiet_exit() -> None:
    """End with exit 0 and nothing more when the reader of our output went away (``| head -1``):
    not an error of the command.  Output still buffered goes to the null device."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.__stdout__.fileno())
    except (OSError, AttributeError, ValueError):
        pass
    sys.exit(0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
