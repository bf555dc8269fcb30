"""What every route shares: the app's settings and store, pages rendered from templates, forms checked.

A route takes what it needs from here (`web_of(request)`), calls one library function, and renders.
"""

from __future__ import annotations

import functools
import re
import secrets
import shutil
import tempfile
import threading
import weakref
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

import jinja2
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from pipeline.isolation import Limits
from pipeline.settings import Settings
from pipeline.web.security import CSRF_FIELD, check_csrf, csrf_cookie, csrf_token, set_csrf_cookie

if TYPE_CHECKING:
    from pipeline.store import Store
    from pipeline.web.jobs import Jobs

HERE = Path(__file__).parent
_UNSAFE_NAME = re.compile(r"[^\w.\- ()]+")
COPY_CHUNK = 1024 * 1024


class StoreHolder:
    """The app's one Store (its engine's pool is thread-safe), opened when first needed: a store that is not
    there yet is made only by a request that writes (an upload)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._store: Store | None = None
        self._lock = threading.Lock()

    def get(self, *, create: bool = False) -> Store | None:
        """Return the store; None when it is not there yet and `create` is false."""
        from pipeline.store import MissingStoreError, Store

        with self._lock:
            if self._store is None:
                try:
                    self._store = Store(self.url, create=create)
                except MissingStoreError:
                    if create:
                        raise
                    return None
            return self._store

    def close(self) -> None:
        with self._lock:
            if self._store is not None:
                self._store.close()
                self._store = None


class Outputs:
    """Files made for one request and fetched by a later one (a collect report), kept in the app's folder and
    found by an unguessable id, never by a path from a request."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._found: dict[str, tuple[Path, str]] = {}
        self._lock = threading.Lock()

    def keep(self, path: Path, name: str) -> str:
        """Move a file into the app's folder; return the id it is fetched by, as `name`."""
        ident = secrets.token_urlsafe(18)
        self.folder.mkdir(parents=True, exist_ok=True)
        target = self.folder / ident
        shutil.move(path, target)
        with self._lock:
            self._found[ident] = (target, name)
        return ident

    def get(self, ident: str) -> tuple[Path, str] | None:
        """Given an id from `keep`, return the file and its name, or None."""
        with self._lock:
            return self._found.get(ident)


@dataclass
class Web:
    """The app's state: its store, settings and limits, its templates, upload jobs, and a folder of its own
    for files made for a request (removed when the app stops)."""

    store: StoreHolder
    settings: Settings
    limits: Limits
    isolate: bool
    templates: jinja2.Environment
    jobs: Jobs
    token: str | None
    max_upload_bytes: int
    ocr: bool = False  # scanned pages of an upload are read by OCR (Tesseract is installed)
    secret: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    folder: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="actionplan-web-")))
    outputs: Outputs = field(init=False)

    def __post_init__(self) -> None:
        self.outputs = Outputs(self.folder / "outputs")
        # Removed when the app stops, or at the latest when it is dropped or Python exits.
        self._remove_folder = weakref.finalize(self, shutil.rmtree, self.folder, ignore_errors=True)

    def close(self) -> None:
        """Close the store and remove the app's folder."""
        self.store.close()
        self._remove_folder()

    def scratch(self) -> Path:
        """Return a new empty folder of the app's own, for one request's files."""
        return Path(tempfile.mkdtemp(dir=self.folder))


def web_of(request: Request) -> Web:
    """Given a request, return the app's state."""
    found: Web = request.app.state.web
    return found


def store_or_none(request: Request) -> Store | None:
    """Given a request, return the store, or None when it is not there yet."""
    return web_of(request).store.get()


def store_of(request: Request) -> Store:
    """Given a request, return the store; 404 when it is not there yet (nothing has been uploaded)."""
    found = store_or_none(request)
    if found is None:
        raise HTTPException(404, "There is nothing here yet: upload a plan first.")
    return found


def url_path(request: Request, name: str, /, query: Mapping[str, Any] | None = None, **params: Any) -> str:
    """Given a route name, its path parameters and a query, return the path (a string id quoted)."""
    quoted = {k: quote(v, safe="" if k != "path" else "/") if isinstance(v, str) else v for k, v in params.items()}
    path = str(request.app.url_path_for(name, **quoted))
    kept = {k: v for k, v in (query or {}).items() if v not in (None, "", False)}
    return path + (f"?{urlencode(kept)}" if kept else "")


def render(request: Request, template: str, /, *, status: int = 200, **context: Any) -> HTMLResponse:
    """Given a request, a template name and what it shows, return the page; forms on it carry a CSRF token."""
    web = web_of(request)
    cookie, new = csrf_cookie(request)

    def url(name: str, /, query: Mapping[str, Any] | None = None, **params: Any) -> str:
        return url_path(request, name, query, **params)

    page = web.templates.get_template(template).render(
        request=request,
        url=url,
        csrf_field=CSRF_FIELD,
        csrf_token=csrf_token(web.secret, cookie),
        **context,
    )
    response = HTMLResponse(page, status_code=status)
    if new:
        set_csrf_cookie(response, cookie)
    return response


async def checked_form(request: Request) -> FormData:
    """Given a POST, return its form once its CSRF token is checked (403 without a good one)."""
    web = web_of(request)
    form = await request.form(max_files=200, max_fields=400)  # a body that is no form: 400 from Starlette
    if not check_csrf(web.secret, request, form.get(CSRF_FIELD)):
        await form.close()
        raise HTTPException(403, "This form has expired or did not come from this site: reload the page and try again.")
    return form


FormEndpoint = Callable[[Request, FormData], Awaitable[Response]]


def form_post(endpoint: FormEndpoint) -> Callable[[Request], Awaitable[Response]]:
    """Make a POST route of an endpoint that takes the request and its form: the form's CSRF token is checked
    first (403 without a good one), and its uploaded files are closed when the endpoint is done. Every POST
    route is made with this."""

    @functools.wraps(endpoint)
    async def post(request: Request) -> Response:
        form = await checked_form(request)
        try:
            return await endpoint(request, form)
        finally:
            await form.close()

    return post


def safe_name(name: str, fallback: str) -> str:
    """Given a file name sent by a browser, return its last part with only safe characters (never a path)."""
    last = re.split(r"[\\/]", name or "")[-1].strip().lstrip(".")
    cleaned = _UNSAFE_NAME.sub("_", last)[:120].strip()
    return cleaned or fallback


async def save_uploads(files: list[UploadFile], folder: Path, *, suffix: str) -> list[tuple[str, Path]]:
    """Write uploaded files into a folder of their own each (names made safe); return (name as sent, path)."""
    saved = []
    for n, upload in enumerate(files):
        name = safe_name(upload.filename or "", f"file-{n + 1}{suffix}")
        target = folder / str(n) / name
        target.parent.mkdir()
        with target.open("wb") as out:
            while chunk := await upload.read(COPY_CHUNK):
                await run_in_threadpool(out.write, chunk)
        saved.append((name, target))
    return saved


def uploads_of(form: FormData, field_name: str) -> list[UploadFile]:
    """Given a form, return the files sent in one field (a field left empty sends none)."""
    return [f for f in form.getlist(field_name) if isinstance(f, UploadFile) and (f.filename or f.size)]


def form_text(form: FormData | Mapping[str, Any], key: str) -> str:
    """Given a form (or query) and a key, return its text stripped ("" when missing or a file)."""
    value = form.get(key)
    return value.strip() if isinstance(value, str) else ""


def form_date(form: FormData | Mapping[str, Any], key: str, what: str) -> date | None:
    """Given a form (or query), a key and what it is called, return its date; 400 naming it when not a date."""
    text = form_text(form, key)
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise HTTPException(400, f"The {what} {text!r} is not a date: write it as YYYY-MM-DD.") from None


def form_int(form: FormData | Mapping[str, Any], key: str) -> int | None:
    """Given a form (or query) and a key, return its whole number, None when missing; 404 when not a number
    (it names something that is not there)."""
    text = form_text(form, key)
    if not text:
        return None
    if not text.isdigit() or len(text) > 18:
        raise HTTPException(404, "There is no such page here.")
    return int(text)


def download_name(stem: str, suffix: str) -> str:
    """Given a name and a suffix, return a file name safe for a Content-Disposition header (ASCII)."""
    from pipeline.owners import slug

    return f"{slug(stem)}{suffix}"


def attachment(filename: str) -> dict[str, str]:
    """Given a safe file name, return the header that makes a browser save it."""
    return {"content-disposition": f'attachment; filename="{filename}"'}


def not_found(what: str = "There is no such page here.") -> HTTPException:
    """Return the 404 for something a request names that is not there."""
    return HTTPException(404, what)


def bytes_response(data: bytes, filename: str, media_type: str) -> Response:
    """Given a file's bytes, its safe name and type, return it as a download."""
    return Response(data, media_type=media_type, headers=attachment(filename))


def tidy_paths(message: str, saved: list[tuple[str, Path]]) -> str:
    """Given a message about uploaded files, return it naming each file as sent, not by where it was saved."""
    for name, path in saved:
        message = message.replace(str(path), name)
    return message
