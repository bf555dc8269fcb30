"""The HTTP layer's defences, as ASGI middleware and two small checks.

- `SecurityHeaders`: every response says what a browser may do with it (no inline script, no framing).
- `AccessGate`: on a local address, only requests naming that address (no DNS rebinding); elsewhere, only
  requests with the token (from `?token=`, which sets a cookie, a cookie, or an `Authorization: Bearer` header).
- `BodyLimit`: a request body over the limit is refused with 413 before, or as soon as, it is read.
- `csrf_token` / `check_csrf`: every form carries a token tied to a cookie of the browser's own.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qsl, urlencode

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
TOKEN_COOKIE = "actionplan_token"
CSRF_COOKIE = "actionplan_csrf"
CSRF_FIELD = "csrf_token"

SECURITY_HEADERS = {
    "content-security-policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=()",
}


def is_local(host: str) -> bool:
    """Whether a listening address is this machine only."""
    return host.strip("[]") in LOCAL_HOSTS


class SecurityHeaders:
    """Add SECURITY_HEADERS to every HTTP response, and `Cache-Control: no-store` to pages and downloads."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = str(scope.get("path", "")).startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.decode("latin-1") not in SECURITY_HEADERS]
                headers += [(k.encode("latin-1"), v.encode("latin-1")) for k, v in SECURITY_HEADERS.items()]
                if not static and not any(k.lower() == b"cache-control" for k, _ in headers):
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


class AccessGate:
    """Let a request through only from where it may come: on a local address, with a Host header naming this
    machine; with a token, carrying it. A token in the query string is swapped for a cookie by a redirect, so
    it does not stay in the address bar or the history."""

    def __init__(self, app: ASGIApp, *, token: str | None, local: bool) -> None:
        self.app = app
        self.token = token
        self.local = local

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        if self.local and (request.url.hostname or "") not in LOCAL_HOSTS:
            await PlainTextResponse("This address is not served here: use http://127.0.0.1/", 400)(scope, receive, send)
            return
        if self.token is None:
            await self.app(scope, receive, send)
            return
        given = request.query_params.get("token")
        if given is not None and self._same(given) and request.method in ("GET", "HEAD"):
            query = urlencode([(k, v) for k, v in parse_qsl(request.url.query) if k != "token"])
            target = request.url.path + (f"?{query}" if query else "")
            redirect = RedirectResponse(target, status_code=303)
            redirect.set_cookie(TOKEN_COOKIE, self.token, httponly=True, samesite="strict", path="/")
            await redirect(scope, receive, send)
            return
        bearer = request.headers.get("authorization", "")
        held = request.cookies.get(TOKEN_COOKIE) or (bearer[7:] if bearer.lower().startswith("bearer ") else "")
        if not held or not self._same(held):
            await PlainTextResponse(
                "Not allowed: open the address printed by `actionplan serve`, with its token.", 401
            )(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def _same(self, given: str) -> bool:
        assert self.token is not None
        return hmac.compare_digest(given.encode("utf-8"), self.token.encode("utf-8"))


class _TooLarge(Exception):
    pass


class BodyLimit:
    """Refuse a request body larger than `max_bytes` with 413: at once from its Content-Length, else when the
    bytes read pass the limit."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = Headers(scope=scope).get("content-length", "")
        if length.isdigit() and int(length) > self.max_bytes:
            await self._refuse(scope, receive, send)
            return
        seen = 0
        started = False

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise _TooLarge
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except _TooLarge:
            if started:
                raise
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        mb = self.max_bytes / (1024 * 1024)
        text = f"Too large: this server takes at most {mb:.0f} MB in one upload. Send fewer or smaller files."
        await PlainTextResponse(text, 413)(scope, receive, send)


def csrf_cookie(request: Request) -> tuple[str, bool]:
    """Given a request, return the browser's CSRF cookie value, and whether it is new (to be set)."""
    held = request.cookies.get(CSRF_COOKIE, "")
    if len(held) >= 32 and held.replace("-", "").replace("_", "").isalnum():
        return held, False
    return secrets.token_urlsafe(32), True


def csrf_token(secret: bytes, cookie: str) -> str:
    """Given the app's secret and the browser's CSRF cookie, return the token its forms carry."""
    return hmac.new(secret, cookie.encode("utf-8"), hashlib.sha256).hexdigest()


def check_csrf(secret: bytes, request: Request, given: Any) -> bool:
    """Whether a form's CSRF token matches the browser's cookie."""
    cookie = request.cookies.get(CSRF_COOKIE, "")
    if not cookie or not isinstance(given, str) or not given:
        return False
    return hmac.compare_digest(csrf_token(secret, cookie), given)


def set_csrf_cookie(response: Response, cookie: str) -> None:
    """Set the browser's CSRF cookie (not readable by script, sent only by this site's own pages)."""
    response.set_cookie(CSRF_COOKIE, cookie, httponly=True, samesite="strict", path="/")
