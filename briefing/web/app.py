"""The application factory and the server behind ``briefing serve``.

Starlette + uvicorn: a small, well-kept ASGI pair; Starlette brings routing, Jinja2 templates
(which the briefing already uses), static files without directory listings, multipart uploads
with count and size limits, and a test client; uvicorn is its standard server.  The server binds
127.0.0.1 unless ``--host`` is given (with a warning), and the socket is bound here, before the
server starts, so a port in use is a Chinese message and never a second bind.
"""

from __future__ import annotations

import socket
import sys
import threading
import webbrowser
from pathlib import Path

from briefing.errors import BriefingError

HERE = Path(__file__).resolve().parent
LOOPBACK = "127.0.0.1"


def allowed_hosts(host: str, port: int) -> list[str]:
    """The ``Host`` headers this server answers to (see :mod:`briefing.web.guard`)."""
    hosts = [f"127.0.0.1:{port}", f"localhost:{port}"]
    if host not in (LOOPBACK, "localhost"):
        names = {host}
        if host in ("0.0.0.0", "::", ""):  # every interface: the machine's own names and addresses
            names = {socket.gethostname(), socket.getfqdn()}
            try:
                names |= {info[4][0] for info in socket.getaddrinfo(socket.gethostname(), None)}
            except OSError:
                pass
        hosts += [f"[{name}]:{port}" if ":" in name else f"{name}:{port}" for name in sorted(names)]
    return hosts


def create_app(config_path: Path, host: str = LOOPBACK, port: int = 8765, max_body: int | None = None):
    """The web app for the workspace of ``config_path``, answering to ``host:port``."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined
    from starlette.applications import Starlette
    from starlette.routing import Mount, Route
    from starlette.staticfiles import StaticFiles
    from starlette.templating import Jinja2Templates

    from briefing.fmt import amount
    from briefing.web import data, forms, pages
    from briefing.web.guard import MAX_BODY, protect
    from briefing.web.jobs import Jobs

    config_path = Path(config_path).resolve()
    ws = data.workspace(config_path)  # a config error stops the server before it starts
    posts = [Route("/upload", forms.upload, methods=["POST"]), Route("/build", forms.build, methods=["POST"]),
             Route("/publish", forms.publish, methods=["POST"]),
             Route("/remind", forms.remind, methods=["POST"]), Route("/mail", forms.import_mail, methods=["POST"])]
    routes = [
        Route("/", pages.board, methods=["GET"]),
        Route("/upload", pages.upload, methods=["GET"]),
        Route("/preview", pages.preview, methods=["GET"]),
        Route("/charts", pages.charts, methods=["GET"]),
        Route("/ledger", pages.ledger, methods=["GET"]),
        Route("/ledger/project", pages.project, methods=["GET"]),
        Route("/ledger/workbook", pages.ledger_workbook, methods=["GET"]),
        Route("/remind", pages.remind, methods=["GET"]),
        Route("/jobs/{job}", pages.job, methods=["GET"]),
        Route("/jobs/{job}/progress", pages.job_progress, methods=["GET"]),
        Route("/download/{name}", pages.download, methods=["GET"]),
        Route("/published/{folder}/{name}", pages.published, methods=["GET"]),
        *posts,
        Mount("/static", StaticFiles(directory=HERE / "static", follow_symlink=False), name="static"),
    ]
    app = Starlette(routes=routes, exception_handlers={404: pages.not_found, 500: pages.server_error})
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["amount"] = amount  # 亿元 in a table: two decimals, half up, from the Decimal (never a float)
    app.state.templates = Jinja2Templates(env=env)
    app.state.config_path = config_path
    app.state.bureau = ws.config.bureau
    app.state.jobs = Jobs()
    app.state.uploads = {}
    app.state.upload_limit = min(ws.config.mail.attachment_limit, 5 * 1024 * 1024)
    return protect(app, allowed_hosts(host, port), port, max_body or MAX_BODY)


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    if sys.platform != "win32":  # on Windows this would let a second server share the port
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        if error.errno in (98, 48, 10048):  # EADDRINUSE on Linux, macOS, Windows
            raise BriefingError(f"端口 {port} 已被占用（可能已经打开过一个 briefing serve）。"
                                f"可以直接打开 http://127.0.0.1:{port}/，或用 --port 换一个端口", exit_code=2) from None
        raise BriefingError(f"无法在 {host}:{port} 上启动：{error.strerror or error}", exit_code=2) from None
    sock.listen(64)
    sock.set_inheritable(True)
    return sock


def serve(config_path: Path, host: str = LOOPBACK, port: int = 8765, open_browser: bool = False,
          say=print) -> None:
    """Run the web app until Ctrl+C."""
    import uvicorn

    app = create_app(config_path, host, port)
    sock = _bind(host, port)
    url = f"http://127.0.0.1:{port}/" if host in (LOOPBACK, "0.0.0.0") else f"http://{host}:{port}/"
    say(f"简报网页已启动：{url}  （工作目录 {Path(config_path).resolve().parent}；按 Ctrl+C 停止）")
    if open_browser:
        threading.Timer(0.8, webbrowser.open, [url]).start()
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off", server_header=False)
    server = uvicorn.Server(config)
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
