"""The POST handlers: upload reports, build a draft edition for download, publish (印发) a
week, send reminders, import mail.

Each is a plain form post answered by a redirect (303) to a page, so everything works without
JavaScript and a reload never repeats an action.  The CSRF token and the Origin check have
been passed before a handler runs (:mod:`briefing.web.guard`).  File names sent by the browser
are only shown, never used as paths: where a report goes is decided by its content, as in
``ingest``.
"""

from __future__ import annotations

import re
import secrets
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from briefing.errors import BriefingError
from briefing.web import data
from briefing.web.pages import message

MAX_FILES = 100
"""Reports in one upload (a prefecture has a few dozen units)."""
KEEP_RESULTS = 20
_SHOWN_NAME = re.compile(r"[\x00-\x1f\x7f<>]")


def _see(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def shown_name(raw: str | None, index: int) -> str:
    """A browser's file name, for display only: no folder part, no control characters, short."""
    name = (raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = _SHOWN_NAME.sub("", name).strip()[:80]
    return name or f"第{index}个文件"


async def _form(request: Request):
    try:
        return await request.form(max_files=MAX_FILES, max_fields=20, max_part_size=64 * 1024)
    except HTTPException as error:
        detail = str(error.detail)
        if "Too many files" in detail:
            raise BriefingError(f"一次最多上传 {MAX_FILES} 个文件，请分几次上传", exit_code=2) from None
        raise BriefingError("上传的内容无法读取，请回到上传页重新选择文件", exit_code=2) from None


def _failed(request: Request, error: BriefingError, back: str) -> Response:
    return message(request, "无法完成", error.message, error.problems,
                   status_code=400 if error.exit_code == 2 else 200, back=back)


async def upload(request: Request) -> Response:
    """Validate each file; store the valid ones as ``ingest`` does; show what became of each."""
    limit = request.app.state.upload_limit
    try:
        form = await _form(request)
        files: list[tuple[str, bytes]] = []
        too_large: list[str] = []
        for index, item in enumerate(form.getlist("reports"), 1):
            if not isinstance(item, UploadFile) or (not item.filename and not item.size):
                continue
            name = shown_name(item.filename, index)
            if item.size is not None and item.size > limit:
                too_large.append(name)
                continue
            files.append((name, await item.read(limit + 1)))
        await form.close()
        if not files and not too_large:
            raise BriefingError("没有选择文件。请点“选择文件”选好各单位的 .yaml 报告后再上传", exit_code=2)
        results = await run_in_threadpool(data.store_uploads, request.app.state.config_path, files) if files else []
    except BriefingError as error:
        return _failed(request, error, "/upload")
    for name in too_large:
        results.append(data.Upload(name, "error", message=f"文件超过 {limit // 1024 // 1024} MB，不像是一份周报，没有读取"))
    key = secrets.token_urlsafe(9)
    store = request.app.state.uploads
    store[key] = results
    for old in list(store)[:-KEEP_RESULTS]:
        del store[old]
    return _see(f"/upload?result={key}")


async def build(request: Request) -> Response:
    """``briefing build --format F`` for the week, then the file itself."""
    form = await request.form(max_files=0, max_fields=10)
    week_text, ext = str(form.get("week", "")), str(form.get("format", ""))
    back = f"/preview?week={quote(week_text)}"
    try:
        week = data.parse_week(week_text)
        name, _ = await run_in_threadpool(data.build_edition, request.app.state.config_path, week, ext)
    except BriefingError as error:
        return _failed(request, error, back)
    return _see(f"/download/{quote(name)}")


async def publish(request: Request) -> Response:
    """``briefing publish`` (``--correct`` when asked, ``--accept-warnings`` when the clerk ticked
    确认这些数字无误) for the week the preview showed, then the preview of the published week."""
    form = await request.form(max_files=0, max_fields=20)
    week_text = str(form.get("week", ""))
    back = f"/preview?week={quote(week_text)}"
    correct = form.get("correct") == "1"
    try:
        week = data.parse_week(week_text)
        if week is None:
            raise BriefingError("缺少周次，请回到预览页重新操作", exit_code=2)
        if correct and form.get("confirm_correct") != "1":
            raise BriefingError("更正会以原期号再印发一次（标题加“（更正）”，原版保留）。请勾选“确认印发更正版”后再提交",
                                exit_code=2)
        issue_text = str(form.get("issue", "")).strip()
        issue = int(issue_text) if issue_text.isdigit() else None
        day = data.parse_day(str(form.get("date", "")))
        await run_in_threadpool(data.publish_week, request.app.state.config_path, week, str(form.get("seen", "")),
                                issue, day, correct, form.get("accept_warnings") == "1", form.get("pdf") == "1")
    except BriefingError as error:
        return _failed(request, error, back)
    return _see(f"{back}&done=1")


async def remind(request: Request) -> Response:
    """``briefing remind --send`` as a job."""
    form = await request.form(max_files=0, max_fields=10)
    password = str(form.get("password", "")) or None
    config = request.app.state.config_path
    try:
        week = data.parse_week(str(form.get("week", "")))
        if week is None:
            raise BriefingError("缺少周次，请回到催报页重新操作", exit_code=2)

        def work(job) -> str:
            job.label = "正在发送催报邮件…"
            outcomes = data.remind_send(config, week, password)
            if not outcomes:
                return "所有单位都已报送，无需催报。"
            return "\n".join(f"{unit}：{outcome}" for unit, outcome in outcomes)

        job = request.app.state.jobs.start(f"催报 {week.text}", work)
    except BriefingError as error:
        return _failed(request, error, "/remind")
    return _see(f"/jobs/{job.id}")


async def import_mail(request: Request) -> Response:
    """``briefing ingest --imap [--reply]`` as a job with progress."""
    form = await request.form(max_files=0, max_fields=10)
    imap_password = str(form.get("imap_password", "")) or None
    smtp_password = str(form.get("smtp_password", "")) or None
    reply = form.get("reply") == "1"
    config = request.app.state.config_path

    def work(job) -> str:
        job.label = "正在连接邮箱…"
        return data.import_mail(config, imap_password, reply, smtp_password, job.progress)

    try:
        job = request.app.state.jobs.start("收取邮件", work)
    except BriefingError as error:
        return _failed(request, error, "/")
    return _see(f"/jobs/{job.id}")
