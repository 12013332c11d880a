"""``briefing serve``: the local web page (:mod:`briefing.web`), loopback only unless ``--host``
says otherwise, with a warning then."""

from __future__ import annotations

from pathlib import Path

import click

from briefing.cli.edge import command, config_option


@command()
@config_option
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
