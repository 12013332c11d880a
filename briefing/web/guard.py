"""What every request passes before the application sees it.

Threat model (also in the README): the page runs on the clerk's machine for the clerk's own
browser.  What it must resist is *other web pages* that browser opens: a page on the internet
(or on another local port) that submits a form or a script request to ``127.0.0.1:8765`` to
upload, publish or send mail in the clerk's name (CSRF), or that gets a hostname it controls
resolved to 127.0.0.1 so that its scripts can read the page (DNS rebinding).  So:

* the ``Host`` header must name this server (``127.0.0.1:PORT``, ``localhost:PORT``, or the
  ``--host`` given): a rebinding page's requests carry its own hostname and are refused;
* a state-changing request (anything but GET and HEAD) must come from this server's own
  pages: a foreign ``Origin`` (or ``Referer``, when a browser sends no Origin), ``Origin: null``
  and ``Sec-Fetch-Site: cross-site``/``same-site`` (another port of localhost) are refused;
* and it must carry the CSRF token (:class:`Csrf`: a random cookie and its HMAC in every form,
  with a key made afresh by each server process);
* request bodies are limited (:data:`MAX_BODY`), so an upload cannot fill the disk or memory;
* every response forbids framing, sniffing and any script, style or image not from this server.

Refusals are short Chinese pages; nothing is read from the body of a refused request.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from html import escape
from typing import Iterable
from urllib.parse import parse_qs, urlsplit

MAX_BODY = 32 * 1024 * 1024
"""Largest request body (bytes): many reports at once, far below what could hurt the machine."""

SAFE_METHODS = frozenset(("GET", "HEAD"))
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")


def _page(status: int, title: str, text: str) -> tuple[int, bytes]:
    body = (f"<!doctype html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><title>{escape(title)}</title>"
            f"<link rel=\"stylesheet\" href=\"/static/app.css\"><main><h1>{escape(title)}</h1>"
            f"<div class=\"box error-box\"><p>{escape(text)}</p></div><p><a href=\"/\">返回本周报送</a></p></main></html>")
    return status, body.encode("utf-8")


async def _refuse(send, status: int, title: str, text: str) -> None:
    status, body = _page(status, title, text)
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/html; charset=utf-8"), (b"content-length", str(len(body)).encode()),
                            (b"cache-control", b"no-store"), (b"content-security-policy", CSP.encode()),
                            (b"x-frame-options", b"DENY"), (b"x-content-type-options", b"nosniff"),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


class BodyTooLarge(Exception):
    """Raised from ``receive`` when a body passes :data:`MAX_BODY`."""


class Guard:
    """ASGI middleware: Host, Origin and body-size checks, and security headers (see the module)."""

    def __init__(self, app, hosts: Iterable[str], max_body: int = MAX_BODY):
        self.app = app
        self.hosts = frozenset(host.lower() for host in hosts)
        self.origins = frozenset(f"http://{host}" for host in self.hosts)
        self.max_body = max_body

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        if headers.get("host", "").lower() not in self.hosts:
            await _refuse(send, 421, "地址不对", "这个页面只能用 http://127.0.0.1 加端口号打开（如 http://127.0.0.1:8765/）。")
            return
        if scope["method"] not in SAFE_METHODS:
            reason = self._foreign(headers)
            if reason:
                await _refuse(send, 403, "已拒绝", reason)
                return
            length = headers.get("content-length", "")
            if length.isdigit() and int(length) > self.max_body:
                await _refuse(send, 413, "文件太大", f"一次上传的内容不能超过 {self.max_body // 1024 // 1024} MB，请分几次上传。")
                return
        received = 0

        async def counted():
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    raise BodyTooLarge
            return message

        started = False

        async def secured(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                extra = [(b"content-security-policy", CSP.encode()), (b"x-frame-options", b"DENY"),
                         (b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"same-origin"),
                         (b"cross-origin-opener-policy", b"same-origin"),
                         (b"cross-origin-resource-policy", b"same-origin")]
                names = {name.lower() for name, _ in message.get("headers", [])}
                message = {**message, "headers": [*message.get("headers", []),
                                                   *((k, v) for k, v in extra if k not in names)]}
                if b"cache-control" not in names:
                    message["headers"].append((b"cache-control", b"no-store"))
            await send(message)

        try:
            await self.app(scope, counted, secured)
        except BodyTooLarge:
            if not started:
                await _refuse(send, 413, "文件太大",
                              f"一次上传的内容不能超过 {self.max_body // 1024 // 1024} MB，请分几次上传。")

    def _foreign(self, headers: dict[str, str]) -> str | None:
        """Why a state-changing request does not come from this server's pages, or ``None``."""
        fetch_site = headers.get("sec-fetch-site")
        if fetch_site in ("cross-site", "same-site"):
            return "这个请求来自其他网站或其他端口的页面，为安全起见已拒绝。请在本页面上操作。"
        origin = headers.get("origin")
        if origin is not None:
            if origin.lower() not in self.origins:
                return "这个请求来自其他网站的页面，为安全起见已拒绝。请在本页面上操作。"
            return None
        referer = headers.get("referer")
        if referer:
            parts = urlsplit(referer)
            if f"{parts.scheme}://{parts.netloc}".lower() not in self.origins:
                return "这个请求来自其他网站的页面，为安全起见已拒绝。请在本页面上操作。"
        return None  # no Origin and no Referer (not a browser, or one that sends neither): the token decides


class Csrf:
    """ASGI middleware: the CSRF token, once for every state-changing request.

    A signed double-submit token: the browser holds a random cookie (``HttpOnly``,
    ``SameSite=Strict``, named after the port so two servers do not clash); the pages carry
    HMAC(key, cookie) in their forms (``csrftoken``) and the script in the ``X-CSRF-Token``
    header; the key is made afresh by each server process.  A page elsewhere can neither read
    the cookie nor compute the HMAC, and a cookie planted by another local port is useless
    without it.  (asgi-csrf does the same, but its multipart parser no longer works with the
    python-multipart that Starlette needs.)  The body is read here, bounded by :class:`Guard`,
    and replayed to the application.
    """

    def __init__(self, app, port: int):
        self.app = app
        self.cookie = f"briefing_csrf_{port}"
        self.key = secrets.token_bytes(32)

    def token(self, cookie: str) -> str:
        return hmac.new(self.key, cookie.encode("ascii"), hashlib.sha256).hexdigest()

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cookie = _cookie(scope, self.cookie)
        fresh = cookie is None
        if fresh:
            cookie = secrets.token_urlsafe(32)
        if scope["method"] not in SAFE_METHODS:
            body, receive = await _buffer(receive)
            supplied = _header(scope, "x-csrf-token") or await _form_token(scope, body)
            if fresh or not supplied or not hmac.compare_digest(supplied, self.token(cookie)):
                await _refuse(send, 403, "页面已过期",
                              "这个表单缺少或带错了安全令牌（页面打开太久、服务重新启动过，或请求不是从本页面发出的），"
                              "没有执行。请回到页面，刷新后重新操作。")
                return
        scope = {**scope, "csrftoken": lambda: self.token(cookie)}

        async def with_cookie(message):
            if fresh and message["type"] == "http.response.start":
                value = f"{self.cookie}={cookie}; Path=/; HttpOnly; SameSite=Strict".encode("ascii")
                message = {**message, "headers": [*message.get("headers", []), (b"set-cookie", value)]}
            await send(message)

        await self.app(scope, receive, with_cookie)


_COOKIE_VALUE = re.compile(r"[A-Za-z0-9_-]{20,100}")


def _header(scope, name: str) -> str | None:
    wanted = name.encode("latin-1")
    for key, value in scope.get("headers", []):
        if key.lower() == wanted:
            return value.decode("latin-1")
    return None


def _cookie(scope, name: str) -> str | None:
    """The value of cookie ``name`` if it is one this server could have set."""
    for header in (v.decode("latin-1") for k, v in scope.get("headers", []) if k.lower() == b"cookie"):
        for part in header.split(";"):
            key, _, value = part.strip().partition("=")
            if key == name and _COOKIE_VALUE.fullmatch(value):
                return value
    return None


async def _buffer(receive):
    """The whole request body, and a ``receive`` that gives it again."""
    chunks, more = [], True
    while more:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        more = message.get("more_body", False)
    body = b"".join(chunks)
    sent = False

    async def replay():
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()
    return body, replay


async def _form_token(scope, body: bytes) -> str | None:
    """The ``csrftoken`` field of a form body (URL-encoded or multipart), if any."""
    kind = (_header(scope, "content-type") or "").split(";")[0].strip().lower()
    if kind == "application/x-www-form-urlencoded":
        values = parse_qs(body.decode("latin-1"), max_num_fields=100).get("csrftoken")
        return values[0] if values else None
    if kind != "multipart/form-data":
        return None
    from starlette.requests import Request

    async def once():
        return {"type": "http.request", "body": body, "more_body": False}

    try:  # the application applies its own limits on count and size when it reads the form
        form = await Request({**scope, "app": None}, once).form(max_files=float("inf"), max_fields=1000)
    except Exception:  # noqa: BLE001 - a body that cannot be parsed carries no token
        return None
    value = form.get("csrftoken")
    await form.close()
    return value if isinstance(value, str) else None


def protect(app, hosts: Iterable[str], port: int, max_body: int = MAX_BODY):
    """``app`` behind the CSRF token check and the :class:`Guard` (outermost)."""
    return Guard(Csrf(app, port), hosts, max_body)
