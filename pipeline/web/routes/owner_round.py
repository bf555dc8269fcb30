"""Page: Owner round. Owner workbooks out (all as one zip, or one owner's), returned workbooks back in (read
each in a child process within the CLI's limits, into a draft), the collect report, and approving the draft."""

from __future__ import annotations

import io
import shutil
import zipfile
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from pipeline.errors import PipelineError
from pipeline.records import Plan
from pipeline.store import StoreError
from pipeline.web.routes.plans import plan_of
from pipeline.web.state import (
    bytes_response,
    download_name,
    form_date,
    form_int,
    form_post,
    form_text,
    not_found,
    render,
    save_uploads,
    store_of,
    tidy_paths,
    uploads_of,
    url_path,
    web_of,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbooks_response(files: Sequence[tuple[str, Path]], owner: str, zip_name: str, where: str) -> Response:
    """Given the owner workbooks written (owner key, path), the owner asked for ("" for all) and the zip's name,
    return that owner's workbook, or every workbook as one zip; 404 when no such owner has one (`where` says
    where none was found, such as "in this revision")."""
    if owner:
        path = next((p for key, p in files if key == owner), None)
        if path is None:
            raise not_found(f"No owner of that name has open recommendations {where}.")
        return bytes_response(path.read_bytes(), download_name(path.stem, ".xlsx"), XLSX)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for _, path in files:
            archive.write(path, path.name)
    return bytes_response(buffer.getvalue(), download_name(zip_name, ".zip"), "application/zip")


def round_defaults(meta: dict[str, Any]) -> dict[str, str]:
    """The workbook form's first values (reporting date, return-by date, contact), from the meta of a paper."""
    from pipeline.meta import contact_of

    name, email = contact_of(meta)
    contact = f"{name} <{email}>" if name and email else name or email
    when = {k: v.isoformat() for k, v in meta.items() if k in ("meeting_date", "return_by") and isinstance(v, date)}
    return {"as_of": when.get("meeting_date", ""), "return_by": when.get("return_by", ""), "contact": contact}


def _render_round(request: Request, plan: Plan, *, status: int = 200, error: str | None = None) -> Response:
    from pipeline.browse import round_overview

    store = store_of(request)
    try:
        overview = round_overview(store, plan)
    except StoreError as problem:
        return render(request, "round.html", status=status, plan=plan, overview=None, error=error or problem.message)
    meta = store.last_paper_meta(plan.name) or {}
    approved = form_text(request.query_params, "approved")
    return render(
        request,
        "round.html",
        status=status,
        plan=plan,
        overview=overview,
        values=round_defaults(meta),
        error=error,
        approved=approved,
    )


def round_page(request: Request) -> Response:
    return _render_round(request, plan_of(request))


def owner_workbooks(request: Request) -> Response:
    """Every owner's workbook as one zip, or one owner's workbook (`owner`), made for this request."""
    from pipeline.update_round import make_owner_workbooks
    from pipeline.update_round.workbooks import parse_contact

    plan = plan_of(request)
    store = store_of(request)
    web = web_of(request)
    query = request.query_params
    contact_text = form_text(query, "contact")
    try:
        contact = parse_contact(contact_text) if contact_text else None
    except ValueError as error:
        return _render_round(request, plan, status=400, error=str(error))
    folder = web.scratch()
    try:
        books = make_owner_workbooks(
            store,
            folder / "owners",
            plan=plan.name,
            as_of=form_date(query, "as_of", "reporting date"),
            meta=store.last_paper_meta(plan.name) or {},
            return_by=form_date(query, "return_by", "return-by date"),
            contact=contact,
            include_complete=form_text(query, "include_complete") == "yes",
            settings=web.settings,
        )
        return workbooks_response(
            books.files, form_text(query, "owner"), f"owner-workbooks-{books.revision.label}", "in this revision"
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)


async def collect(request: Request, form: FormData) -> Response:
    """Read the returned workbooks sent into a draft, and show the collect report."""
    plan = plan_of(request)

    def refused(message: str) -> Response:
        return _render_round(request, plan, status=400, error=message)

    return await read_returns(request, form, plan=plan, refused=refused)


async def read_returns(
    request: Request, form: FormData, *, plan: Plan | None, refused: Callable[[str], Response]
) -> Response:
    """Read the returned workbooks of a form's `returns` field into drafts (one a plan they answer) and show the
    collect report; `plan` is the plan whose round page it came from (None: the page of every plan). A form
    with no workbook, or returns that cannot be collected, get `refused` with one line saying why."""
    from pipeline.update_round import collect_returns

    web = web_of(request)
    files = uploads_of(form, "returns")
    if not files:
        return refused("Choose at least one returned workbook (.xlsx).")
    folder = web.scratch()
    saved = await save_uploads(files, folder, suffix=".xlsx")
    report = folder / "collect-report.xlsx"
    try:
        done = await run_in_threadpool(
            collect_returns, store_of(request), [p for _, p in saved], report, settings=web.settings
        )
    except PipelineError as error:
        shutil.rmtree(folder, ignore_errors=True)
        return refused(tidy_paths(str(error), saved))
    failed = [tidy_paths(message, saved) for message in done.failed]
    name = f"collect-report-{plan.name if plan else 'every-plan'}"
    kept = web.outputs.keep(report, download_name(name, ".xlsx")) if done.report else None
    shutil.rmtree(folder, ignore_errors=True)
    # Returns over several plans make a draft of each: each is checked and approved on its own plan's pages.
    plans = {p.name: p for p in store_of(request).plans()}
    drafts = [(plans[d.plan], d) for d in done.drafts if d.plan in plans]
    return render(request, "collect.html", plan=plan, done=done, drafts=drafts, failed=failed, report_id=kept)


def collect_report(request: Request) -> Response:
    """A collect report written for an earlier request, by its id."""
    found = web_of(request).outputs.get(request.path_params["report_id"])
    if found is None:
        raise not_found("That report is no longer here: collect the workbooks again to write it.")
    path, name = found
    return bytes_response(path.read_bytes(), name, XLSX)


async def approve(request: Request, form: FormData) -> Response:
    """Publish a draft of owner returns."""
    from pipeline.browse import revision_by_id
    from pipeline.update_round import approve_draft

    plan = plan_of(request)
    store = store_of(request)
    try:
        draft = revision_by_id(store, plan, form_int(form, "revision"))
        published = await run_in_threadpool(approve_draft, store, draft.label, plan.name)
    except PipelineError as error:
        return _render_round(request, plan, status=400, error=error.message)
    target = url_path(request, "round", {"approved": published.label}, plan_id=plan.id)
    return RedirectResponse(target, status_code=303)


routes = [
    Route("/plans/{plan_id:int}/round", round_page, name="round"),
    Route("/plans/{plan_id:int}/round/workbooks", owner_workbooks, name="owner_workbooks"),
    Route("/plans/{plan_id:int}/round/collect", form_post(collect), methods=["POST"], name="collect"),
    Route("/plans/{plan_id:int}/round/reports/{report_id}", collect_report, name="collect_report"),
    Route("/plans/{plan_id:int}/round/approve", form_post(approve), methods=["POST"], name="approve"),
]
