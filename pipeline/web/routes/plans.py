"""Pages: Plans (every plan at a glance), Plan (its revisions and records), Record, and a record's page images."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from pipeline.browse import (
    FLAG_WORDS,
    RecordFilter,
    browse_records,
    plan_by_id,
    revision_by_id,
    summarise_plans,
    view_record,
)
from pipeline.records import BBox, Plan
from pipeline.statuses import VALUES
from pipeline.store import StoreError
from pipeline.web.state import form_date, form_int, form_text, not_found, render, store_of, store_or_none, web_of


def plan_of(request: Request) -> Plan:
    """Given a request naming a plan by id in its path, return the plan; 404 when there is none."""
    try:
        return plan_by_id(store_of(request), request.path_params["plan_id"])
    except StoreError:
        raise not_found("There is no such plan here.") from None


def plans_page(request: Request) -> Response:
    store = store_or_none(request)
    when = form_date(request.query_params, "as_of", "reporting date")
    summaries = summarise_plans(store, as_of=when) if store is not None else []
    return render(request, "plans.html", summaries=summaries, as_of=when)


def _filters(request: Request) -> RecordFilter:
    query = request.query_params
    status, flag = form_text(query, "status"), form_text(query, "flag")
    return RecordFilter(
        status=status if status in VALUES else None,
        owner=form_text(query, "owner") or None,
        theme=form_text(query, "theme") or None,
        flag=flag if flag in FLAG_WORDS else None,
        text=form_text(query, "q")[:200] or None,
    )


def plan_page(request: Request) -> Response:
    plan = plan_of(request)
    query = request.query_params
    when = form_date(query, "as_of", "reporting date")
    try:
        page = browse_records(
            store_of(request),
            plan,
            revision_id=form_int(query, "revision"),
            filters=_filters(request),
            as_of=when,
            page=form_int(query, "page") or 1,
        )
    except StoreError:
        raise not_found("This plan has no such revision.") from None
    as_of_value = when.isoformat() if when else ""
    return render(request, "plan.html", view=page, flag_words=FLAG_WORDS, as_of_value=as_of_value)


def record_page(request: Request) -> Response:
    plan = plan_of(request)
    query = request.query_params
    try:
        view = view_record(
            store_of(request),
            plan,
            request.path_params["record_id"],
            revision_id=form_int(query, "revision"),
            as_of=form_date(query, "as_of", "reporting date"),
        )
    except StoreError:
        raise not_found("This plan has no such revision.") from None
    if view is None:
        raise not_found("This revision has no recommendation with that id.")
    return render(request, "record.html", view=view)


def page_image(request: Request) -> Response:
    """A page of a revision's source PDF as PNG, with a record's boxes drawn on it: by ids, never by path."""
    from pipeline.errors import InputError
    from pipeline.page_images import page_image as draw_page

    plan = plan_of(request)
    store = store_of(request)
    try:
        revision = revision_by_id(store, plan, request.path_params["revision_id"])
    except StoreError:
        raise not_found() from None
    wanted = form_text(request.query_params, "record")
    boxes: tuple[BBox, ...] = ()
    if wanted:
        record = next((r for r in store.records(revision) if r.id == wanted), None)
        if record is None:
            raise not_found("This revision has no recommendation with that id.")
        boxes = record.bboxes
    cache = web_of(request).folder / "pages"
    try:
        png = draw_page(store, revision, request.path_params["page"], boxes=boxes, cache_dir=cache)
    except InputError as error:  # no such page, or the PDF was not kept
        raise not_found(error.message) from None
    return Response(png, media_type="image/png", headers={"cache-control": "private, max-age=3600"})


routes = [
    Route("/", plans_page, name="plans"),
    Route("/plans/{plan_id:int}", plan_page, name="plan"),
    Route("/plans/{plan_id:int}/records/{record_id}", record_page, name="record"),
    Route("/plans/{plan_id:int}/revisions/{revision_id:int}/pages/{page:int}.png", page_image, name="page_image"),
]
