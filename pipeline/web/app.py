"""The app factory: routes, templates, static files and the defences, over one store."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from pipeline.errors import PipelineError
from pipeline.isolation import Limits
from pipeline.settings import Settings, default_settings
from pipeline.web.jobs import Jobs
from pipeline.web.security import SECURITY_HEADERS, AccessGate, BodyLimit, SecurityHeaders, is_local
from pipeline.web.state import HERE, StoreHolder, Web, render
from pipeline.web.templating import make_templates

MAX_UPLOAD_MB = 100  # one request's files together
TITLES = {
    400: "Cannot do that",
    401: "Not allowed",
    403: "Form not accepted",
    404: "Page not found",
    405: "Not allowed here",
    413: "Too large",
}


def _can_ocr() -> bool:
    """Whether Tesseract (with English) is installed, so scanned uploads can be read."""
    from pipeline.errors import PipelineError
    from pipeline.ocr.tesseract import find_tesseract

    try:
        find_tesseract(None)
    except PipelineError:
        return False
    return True


def create_app(
    store_url: str,
    *,
    token: str | None = None,
    host: str = "127.0.0.1",
    settings: Settings | None = None,
    limits: Limits | None = None,
    isolate: bool = True,
    max_upload_mb: int = MAX_UPLOAD_MB,
    ocr: bool | None = None,
) -> Starlette:
    """Given a store (a file path or database URL), return the web app over it.

    On a local `host` (127.0.0.1, localhost, ::1) no token is needed, and only requests naming that host are
    served; on any other, every request needs `token` (one is made when none is given: `app.state.web.token`).
    Uploads are limited to `max_upload_mb` a request and read within `limits` (the CLI's, by default).
    The store is opened when first needed; a store that is not there yet is made by the first upload.
    Scanned pages of an upload are read by OCR when `ocr` is true, or (None) when Tesseract is installed.
    """
    from pipeline.store import StoreError, describe_url, is_in_memory
    from pipeline.store import store_url as url_of

    url = url_of(store_url)
    if is_in_memory(url):
        raise StoreError(describe_url(url), "is an in-memory database: it would keep nothing; give a file or a URL")
    local = is_local(host)
    if not local and not token:
        token = secrets.token_urlsafe(24)
    holder = StoreHolder(url)
    holder.get()  # a store that cannot be used is refused now, with its one-line reason
    web = Web(
        store=holder,
        settings=settings or default_settings(),
        limits=limits or Limits(),
        isolate=isolate,
        templates=make_templates(),
        jobs=Jobs(),
        token=token,
        max_upload_bytes=max_upload_mb * 1024 * 1024,
        ocr=_can_ocr() if ocr is None else ocr,
    )

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        yield
        web.close()

    from pipeline.web.routes import all_routes

    app = Starlette(
        routes=[*all_routes(), Mount("/static", StaticFiles(directory=HERE / "static"), name="static")],
        middleware=[
            Middleware(SecurityHeaders),
            Middleware(AccessGate, token=token, local=local),
            Middleware(BodyLimit, max_bytes=web.max_upload_bytes),
        ],
        exception_handlers={
            HTTPException: _http_error,
            PipelineError: _pipeline_error,
            Exception: _server_error,
        },
        lifespan=lifespan,
    )
    app.state.web = web
    return app


def _error_page(request: Request, status: int, message: str) -> Response:
    title = TITLES.get(status, "Something went wrong")
    try:
        return render(request, "error.html", status=status, title=title, message=message)
    except Exception:  # the page itself failed: say it in plain text
        return PlainTextResponse(f"{title}: {message}", status)


async def _http_error(request: Request, exc: Any) -> Response:
    assert isinstance(exc, HTTPException)
    message = exc.detail if exc.detail and exc.detail != _default_detail(exc.status_code) else ""
    if exc.status_code == 405:
        message = "This page cannot be used that way: go back and use its form."
    return _error_page(request, exc.status_code, message or "There is no such page here.")


def _default_detail(status: int) -> str:
    from http import HTTPStatus

    return HTTPStatus(status).phrase


async def _pipeline_error(request: Request, exc: Any) -> Response:
    assert isinstance(exc, PipelineError)
    return _error_page(request, 400, str(exc))


async def _server_error(request: Request, exc: Any) -> Response:
    # The outermost handler runs outside the middleware: the headers are added here.
    response = _error_page(
        request, 500, "An unexpected error stopped this page; nothing was changed by it. Try again, or report it."
    )
    response.headers.update(SECURITY_HEADERS)
    return response
