"""Page: Downloads. The master tracker of a revision, and its records as CSV or JSON."""

from __future__ import annotations

import shutil
from datetime import date

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from pipeline.records import Plan, Revision
from pipeline.store import StoreError
from pipeline.web.routes.plans import plan_of
from pipeline.web.state import (
    bytes_response,
    download_name,
    form_date,
    form_int,
    form_text,
    not_found,
    render,
    store_of,
    web_of,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RECORD_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json"}


def _revision(request: Request, plan: Plan) -> Revision:
    from pipeline.browse import revision_by_id

    try:
        return revision_by_id(store_of(request), plan, form_int(request.query_params, "revision"))
    except StoreError:
        raise not_found("This plan has no such revision.") from None


def downloads_page(request: Request) -> Response:
    plan = plan_of(request)
    store = store_of(request)
    when = (store.last_paper_meta(plan.name) or {}).get("meeting_date")
    return render(
        request,
        "downloads.html",
        plan=plan,
        revisions=store.revisions(plan, include_drafts=True),
        latest=_revision(request, plan),
        as_of=when.isoformat() if isinstance(when, date) else "",
    )


def tracker(request: Request) -> Response:
    """The master tracker of a revision, written for this request."""
    from pipeline.update_round import make_tracker

    plan = plan_of(request)
    store = store_of(request)
    revision = _revision(request, plan)
    folder = web_of(request).scratch()
    try:
        written = make_tracker(
            store,
            folder / "tracker.xlsx",
            plan=plan.name,
            label=revision.label,
            as_of=form_date(request.query_params, "as_of", "reporting date"),
            meta=store.last_paper_meta(plan.name) or {},
            include_drafts=revision.draft,
        )
        data = written.path.read_bytes()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return bytes_response(data, download_name(f"tracker-{plan.name}-{revision.label}", ".xlsx"), XLSX)


def records_file(request: Request) -> Response:
    """A revision's records as CSV or JSON, as `actionplan extract` writes them."""
    from pipeline.browse import revision_extraction
    from pipeline.export.recordfile import render_extraction

    plan = plan_of(request)
    fmt = form_text(request.query_params, "format") or "csv"
    if fmt not in RECORD_TYPES:
        raise not_found("Records can be downloaded as CSV or JSON.")
    revision = _revision(request, plan)
    text = render_extraction(revision_extraction(store_of(request), revision), fmt)
    name = download_name(f"records-{plan.name}-{revision.label}", f".{fmt}")
    return bytes_response(text.encode("utf-8"), name, RECORD_TYPES[fmt])


routes = [
    Route("/plans/{plan_id:int}/downloads", downloads_page, name="downloads"),
    Route("/plans/{plan_id:int}/downloads/tracker", tracker, name="tracker"),
    Route("/plans/{plan_id:int}/downloads/records", records_file, name="records_file"),
]
