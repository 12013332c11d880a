"""Commands about the units' reporting by e-mail: ``ingest`` (take reports in from mail, or undo the
last intake), ``status`` (who has reported this week) and ``remind`` (mail those who have not).

Passwords are asked for only on a terminal; the work is in :mod:`briefing.actions` and
:mod:`briefing.mail`, imported inside the commands.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from briefing.cli.edge import WEEK_HELP, command, config_option, say_week
from briefing.errors import BriefingError


@command()
@config_option
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


@command()
@config_option
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
    say_week(the_week, week)
    result = week_status(ws, the_week)
    if missing:
        for line in result.unread:  # the list may be incomplete: say why, apart from the list
            click.secho(line, fg="yellow", err=True)
        for unit in result.missing:
            click.echo(unit)
    else:
        click.echo(status_table(result))


@command()
@config_option
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
    say_week(the_week, week)
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
