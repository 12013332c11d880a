"""Commands about the reports themselves: the workspace they go into (``init``), what units are sent
to fill in (``new``, ``form``, ``guide``, ``schema``) and the check of what they sent (``validate``).

Each command parses its arguments, calls :mod:`briefing.actions` or :mod:`briefing.forms`, and
prints; the libraries are imported inside the commands so that ``briefing --help`` stays fast.
"""

from __future__ import annotations

from pathlib import Path

import click

from briefing.cli.edge import command, config_option, emit, say_week
from briefing.errors import BriefingError


@command()
@config_option
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


@command()
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


@command()
@config_option
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
    emit(blank_report(settings, unit, _week_or_this(week, settings)), output, overwrite=False)


def _week_or_this(week: str | None, settings):
    """The week typed on the command line (exit 2 when it is not one), else the reporting week
    (named on stderr)."""
    from briefing.actions.build import normalise_week
    from briefing.weeks import reporting_week, today

    chosen = normalise_week(week) if week else reporting_week(today(), settings.switch_day)
    say_week(chosen, week)
    return chosen


@command()
@config_option
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


@command()
@config_option
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


@command()
@config_option
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

    emit(json.dumps(report_schema(load_config(config)), ensure_ascii=False, indent=2) + "\n", output)
