"""What every ``briefing`` command shares: the error edge and the common options.

:class:`BriefingGroup` is the one place where a :class:`~briefing.errors.BriefingError` (or an
unusable file, or a bug) becomes Chinese lines on stderr and an exit code; the commands only raise.
Here too are the Chinese usage line of every command (:func:`command`), the ``--config`` option,
the whole-number type, and the few ways of printing that several task modules use.

Importing this module makes click speak Chinese (:mod:`briefing.clizh`) before any command or
option is built, so it imports nothing heavier than click.
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from briefing import clizh
from briefing.errors import BriefingError

clizh.install()

CONFIG_HELP = "简报配置文件，默认是当前文件夹下的 briefing.yaml"
WEEK_HELP = "周次，例如 2023-W17；默认是本周（周五起算刚结束的这一周，见配置 switch_day）"


class BriefingCommand(click.Command):
    """A command whose usage line reads in Chinese."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("options_metavar", "[选项]")
        super().__init__(*args, **kwargs)


def command():
    """The decorator that makes a function a ``briefing`` command (registered in :mod:`briefing.cli`)."""
    return click.command(cls=BriefingCommand)


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


def config_option(function):
    """``--config 文件``: the bureau's briefing.yaml."""
    return click.option("--config", "config", type=click.Path(dir_okay=False, path_type=Path), metavar="文件",
                        default="briefing.yaml", help=CONFIG_HELP)(function)


def say_week(week, typed: str | None) -> None:
    """Name the week a command chose by default, in Chinese (on stderr: stdout may be a file
    or a pipe); a week typed with --week needs no saying."""
    if not typed:
        click.echo(f"周次：{week.label}（本周，按今天的日期和 switch_day 确定；其他周用 --week 指定）", err=True)


def yellow(line: str) -> None:
    """A line to check, in yellow on stderr."""
    click.secho(line, fg="yellow", err=True)


def emit(text: str, output: Path | None, overwrite: bool = True) -> None:
    """Show ``text``, or write it to ``output`` (atomically) and show the path."""
    if output is None:
        click.echo(text, nl=False)
        return
    if not overwrite and output.exists():
        raise BriefingError(f"{output} 已存在，没有覆盖（它可能是已经填好的周报）。请换一个文件名，或先删除它")
    from briefing.workspace.files import write_text

    write_text(output, text)
    click.echo(str(output))
