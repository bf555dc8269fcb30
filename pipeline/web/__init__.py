"""web: the quarterly round in a browser (`actionplan serve`), over the same library as the CLI.

An ASGI app (Starlette) served by uvicorn: server-rendered Jinja2 pages that work with JavaScript off, one
small script for upload progress, and no logic of its own beyond the HTTP layer: each route parses the
request, calls one library function (most through `pipeline.browse`) and renders a template.

    app.py         the factory, `create_app(store_url, token=..., host=...)`
    security.py    security headers, the token and host gate, the upload size limit, CSRF tokens
    state.py       what routes share: the store, rendering, checked forms, uploads saved by safe names
    jobs.py        uploads being read, with their progress
    routes/        one module a page: plans, changes, upload, owner_round, paper, downloads
    templates/     the pages (Jinja2, autoescaped)
    static/        site.css and site.js
"""

from __future__ import annotations

from pipeline.web.app import create_app

__all__ = ["create_app"]
