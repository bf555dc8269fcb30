"""The app's routes, one module a page (or a few pages that belong together). Each route parses the request,
calls one library function and renders a template."""

from __future__ import annotations

from starlette.routing import BaseRoute

from pipeline.web.routes import changes, downloads, owner_round, paper, plans, portfolio, upload


def all_routes() -> list[BaseRoute]:
    """Return every page's routes."""
    return [
        *plans.routes,
        *changes.routes,
        *upload.routes,
        *owner_round.routes,
        *paper.routes,
        *downloads.routes,
        *portfolio.routes,
    ]
