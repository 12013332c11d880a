"""The ``briefing`` command: argument parsing and printing only; the work is in :mod:`briefing.actions`.

The commands live in modules by task, and are gathered into the one :func:`cli` group here:

- :mod:`briefing.cli.reports`: ``init``, ``validate``, ``new``, ``form``, ``guide``, ``schema``
- :mod:`briefing.cli.build`: ``build``, ``publish``, ``numbers``, ``diff``
- :mod:`briefing.cli.mail`: ``ingest``, ``status``, ``remind``
- :mod:`briefing.cli.ledger`: ``ledger``, ``project``, ``trips``
- :mod:`briefing.cli.web`: ``serve``

What they share is in :mod:`briefing.cli.edge`: :class:`BriefingError` is turned into Chinese
output and an exit code in one place, :meth:`~briefing.cli.edge.BriefingGroup.invoke`.  Heavy
modules (pydantic, jinja2, python-docx) are imported inside the commands so that
``briefing --help`` starts fast.  A new command goes into the module of its task (or a new one)
and into :data:`COMMANDS`.
"""

from __future__ import annotations

import os
import sys

import click

from briefing import __version__
from briefing.cli import build, ledger, mail, reports, web
from briefing.cli.edge import BriefingGroup

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


# In the order they were first written (``briefing --help`` lists them alphabetically).
COMMANDS = (reports.validate, build.build, build.publish, build.numbers, build.diff, reports.init, reports.new,
            reports.form, reports.guide, reports.schema, mail.ingest, mail.status, mail.remind, web.serve,
            ledger.ledger, ledger.project, ledger.trips)
for _command in COMMANDS:
    cli.add_command(_command)


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
