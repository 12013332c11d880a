"""The GET pages: 本周报送 (the board), 上传, 预览 (with 印发), 图表, 台账 (and a project's
history, the ledger workbook), 催报 (preview), a job's progress, downloads of the editions the app lists from ``output/`` and of the read-only copies
the publication record lists in ``output/已印发/``.

Every page with a week shows the reporting week unless the clerk picks another
(``?week=2023-W17``), as every command does without ``--week``.

Handlers are plain functions (Starlette runs them in its thread pool, so a slow read does not
block the server); every library call goes through :mod:`briefing.web.data`.  A
:class:`~briefing.errors.BriefingError` becomes the message page, never a traceback.
"""

from __future__ import annotations

import base64
import functools
from pathlib import Path
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response

from briefing.errors import BriefingError
from briefing.web import data

MEDIA_TYPES = {
    "md": "text/markdown; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}
FORMAT_LABELS = {"docx": "Word（.docx）", "pdf": "PDF（.pdf）", "xlsx": "Excel（.xlsx）", "md": "Markdown（.md）"}


def render(request: Request, template: str, status_code: int = 200, **values) -> Response:
    """A page from ``templates/`` with what every page needs (the CSRF token, the tabs)."""
    state = request.app.state
    token = request.scope.get("csrftoken")
    context = {
        "csrftoken": token() if token else "",
        "tab": template.split(".")[0],
        "bureau": state.bureau,
        "root": str(state.config_path.parent),
        "labels": data.LABELS,
        **values,
    }
    return state.templates.TemplateResponse(request, template, context, status_code=status_code)


def message(request: Request, title: str, text: str, problems=(), status_code: int = 200, back: str = "/") -> Response:
    """The message page: a Chinese explanation, the problems (file:line:col), a way back."""
    return render(request, "message.html", status_code=status_code, title=title, text=text,
                  problems=list(problems), back=back)


def shows_errors(handler):
    """Turn a :class:`BriefingError` raised by ``handler`` into the message page."""
    @functools.wraps(handler)
    def wrapper(request: Request) -> Response:
        try:
            return handler(request)
        except BriefingError as error:
            return message(request, "无法完成", error.message, error.problems,
                           status_code=400 if error.exit_code == 2 else 200)
    return wrapper


def _week(request: Request) -> str | None:
    return data.parse_week(request.query_params.get("week"))


def _config(request: Request) -> Path:
    return request.app.state.config_path


@shows_errors
def board(request: Request) -> Response:
    result = data.board(_config(request), _week(request))
    return render(request, "board.html", board=result, weeks=result.weeks,
                  mail=data.mail_settings(_config(request)), job=request.app.state.jobs.running())


@shows_errors
def upload(request: Request) -> Response:
    results = request.app.state.uploads.get(request.query_params.get("result", ""))
    return render(request, "upload.html", results=results or [], limit=request.app.state.upload_limit)


@shows_errors
def preview(request: Request) -> Response:
    draft = request.query_params.get("view") == "draft"
    result = data.preview(_config(request), _week(request), draft)
    return render(request, "preview.html", preview=result, weeks=result.weeks, formats=FORMAT_LABELS,
                  done=request.query_params.get("done") == "1", draft=draft)


@shows_errors
def charts(request: Request) -> Response:
    result = data.charts(_config(request), _week(request))
    images = {name: "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")
              for name, svg in result.svgs.items()}
    return render(request, "charts.html", charts=result, images=images, weeks=result.weeks)


@shows_errors
def ledger(request: Request) -> Response:
    from briefing.web import ledger as book

    result = book.ledger(_config(request), request.query_params)
    return render(request, "ledger.html", ledger=result, stages=book.STAGES, flags=book.FLAGS,
                  here=str(request.url.path) + (f"?{request.url.query}" if request.url.query else ""))


@shows_errors
def project(request: Request) -> Response:
    from briefing.web import ledger as book

    name = request.query_params.get("name", "")
    stories, notes = book.history(_config(request), name)
    back = request.query_params.get("back", "")
    back = back if back == "/ledger" or back.startswith("/ledger?") else "/ledger"  # only back to the ledger
    return render(request, "project.html", name=name.strip(), stories=stories, notes=notes, back=back)


@shows_errors
def ledger_workbook(request: Request) -> Response:
    """The ledger workbook of a year, made for this download (nothing written to the workspace)."""
    from briefing.web import ledger as book

    name, content = book.workbook(_config(request), request.query_params.get("year", ""))
    return Response(content, media_type=MEDIA_TYPES["xlsx"],
                    headers={"content-disposition": f"attachment; filename*=utf-8''{quote(name)}"})


@shows_errors
def remind(request: Request) -> Response:
    result = data.remind_preview(_config(request), _week(request))
    return render(request, "remind.html", remind=result, week=result.week)


def job(request: Request) -> Response:
    found = request.app.state.jobs.get(request.path_params["job"])
    if found is None:
        return message(request, "找不到这项任务", "服务重新启动后，之前的任务记录就没有了。结果已写入工作目录，可以回到本周报送查看。",
                       status_code=404)
    return render(request, "job.html", job=found)


def job_progress(request: Request) -> Response:
    found = request.app.state.jobs.get(request.path_params["job"])
    if found is None:
        return JSONResponse({"state": "missing"}, status_code=404)
    return JSONResponse(found.as_dict())


def download(request: Request) -> Response:
    """An edition from ``output/``, only if the app lists it (no other path is ever opened)."""
    name = request.path_params["name"]
    listed = data.downloads(_config(request))
    if name not in listed:
        return message(request, "没有这个文件", "只能下载 output 文件夹里生成的简报。请在预览页重新生成后下载。",
                       status_code=404, back="/preview")
    return FileResponse(listed[name], media_type=MEDIA_TYPES[name.rpartition(".")[2]], filename=name,
                        content_disposition_type="attachment")


@shows_errors
def published(request: Request) -> Response:
    """A read-only copy of a published edition, only if the publication record lists it."""
    name = request.path_params["name"]
    path = data.published_file(_config(request), request.path_params["folder"], name)
    if path is None or name.rpartition(".")[2] not in MEDIA_TYPES:
        return message(request, "没有这个文件", "只能下载印发记录里列出的已印发文件。", status_code=404, back="/preview")
    return FileResponse(path, media_type=MEDIA_TYPES[name.rpartition(".")[2]], filename=name,
                        content_disposition_type="attachment")


def not_found(request: Request, exc: Exception) -> Response:
    return message(request, "没有这个页面", "地址可能输错了。", status_code=404)


def server_error(request: Request, exc: Exception) -> Response:
    return message(request, "程序内部错误", f"{type(exc).__name__}: {exc}。请把这条信息和所用的文件发给技术支持。",
                   status_code=500)
