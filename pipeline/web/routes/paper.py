"""Page: Committee paper. A form of the round's details (filled in from the last paper), the paper as Word or
PDF, and closing the recommendations the committee agreed are complete."""

from __future__ import annotations

import re
import shutil
from collections.abc import Mapping
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from pipeline.errors import PipelineError
from pipeline.records import Plan, Revision
from pipeline.store import StoreError
from pipeline.web.paper_form import form_to_meta, meta_fields, meta_to_values
from pipeline.web.routes.plans import plan_of
from pipeline.web.state import (
    bytes_response,
    download_name,
    form_int,
    form_post,
    form_text,
    not_found,
    render,
    save_uploads,
    store_of,
    uploads_of,
    url_path,
    web_of,
)

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _render_paper(
    request: Request,
    plan: Plan,
    *,
    values: Mapping[str, str] | None = None,
    status: int = 200,
    error: str | None = None,
    close_error: str | None = None,
) -> Response:
    from pipeline.browse import closable
    from pipeline.export.pdf import find_soffice

    store = store_of(request)
    if values is None:
        values = meta_to_values(store.last_paper_meta(plan.name))
    return render(
        request,
        "paper.html",
        status=status,
        plan=plan,
        fields=meta_fields(),
        values=values,
        revisions=store.revisions(plan, include_drafts=True),
        can_pdf=find_soffice() is not None,
        closable=closable(store, plan),
        closed=store.closures(plan),
        error=error,
        close_error=close_error,
        closed_now=form_text(request.query_params, "closed"),
    )


def paper_page(request: Request) -> Response:
    return _render_paper(request, plan_of(request))


def _chosen(request: Request, plan: Plan, form: Mapping[str, Any], key: str) -> Revision | None:
    from pipeline.browse import revision_by_id

    ident = form_int(form, key)
    if ident is None:
        return None
    try:
        return revision_by_id(store_of(request), plan, ident)
    except StoreError:
        raise not_found("This plan has no such revision.") from None


async def paper_post(request: Request, form: FormData) -> Response:
    """The paper, written for this request from the form's details, as .docx or .pdf."""
    from pipeline.committee import build_paper
    from pipeline.meta import check_meta

    plan = plan_of(request)
    values = {f.key: form_text(form, f.key) if f.kind != "lines" else str(form.get(f.key) or "") for f in meta_fields()}
    store = store_of(request)
    try:
        meta = check_meta(form_to_meta(form), "the paper form")
    except PipelineError as error:
        return _render_paper(request, plan, values=values, status=400, error=error.message)
    as_pdf = form_text(form, "format") == "pdf"
    chosen = [_chosen(request, plan, form, key) for key in ("revision", "since")]
    label, since = (r.label if r is not None else None for r in chosen)
    drafts = any(r is not None and r.draft for r in chosen)  # as the CLI: drafts only when one is asked for
    folder = web_of(request).scratch()
    out = folder / "committee-paper.docx"
    try:
        sent = await save_uploads(uploads_of(form, "template")[:1], folder, suffix=".docx")
        template = sent[0][1] if sent else None  # checked by build_paper as the CLI's --template is
        docx, pdf, _notes = await run_in_threadpool(
            build_paper, store, out, plan=plan.name, label=label, since=since, meta=meta, pdf=as_pdf,
            include_drafts=drafts, template=template,
        )  # fmt: skip
        written = pdf if as_pdf and pdf is not None else docx
        data = written.read_bytes()
    except PipelineError as error:
        return _render_paper(request, plan, values=values, status=400, error=error.message)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    name = download_name(f"committee-paper-{plan.name}", written.suffix)
    return bytes_response(data, name, "application/pdf" if written.suffix == ".pdf" else DOCX)


async def close(request: Request, form: FormData) -> Response:
    """Record that the committee agreed the recommendations ticked (or typed) are complete and closed."""
    from pipeline.committee import close_records

    plan = plan_of(request)
    ticked = [v for v in form.getlist("ids") if isinstance(v, str)]
    typed = [v for v in re.split(r"[\s,;]+", form_text(form, "more_ids")) if v]
    ids = list(dict.fromkeys(ticked + typed))
    agreed = form_text(form, "agreed")
    if not ids or not agreed:
        missing = "tick or type the recommendations to close" if not ids else "say where and when the committee agreed"
        return _render_paper(request, plan, status=400, close_error=f"Nothing was closed: {missing}.")
    try:
        await run_in_threadpool(close_records, store_of(request), ids, agreed, plan=plan.name)
    except PipelineError as error:
        return _render_paper(request, plan, status=400, close_error=error.message)
    target = url_path(request, "paper", {"closed": ", ".join(ids)}, plan_id=plan.id)
    return RedirectResponse(target + "#close", status_code=303)


routes = [
    Route("/plans/{plan_id:int}/paper", paper_page, name="paper"),
    Route("/plans/{plan_id:int}/paper", form_post(paper_post), methods=["POST"], name="paper_post"),
    Route("/plans/{plan_id:int}/close", form_post(close), methods=["POST"], name="close"),
]
