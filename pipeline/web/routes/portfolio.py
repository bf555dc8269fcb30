"""Page: Every plan. The master tracker, the committee paper and the owner round over every plan in the store,
each at its latest revision: owner workbooks out (all as one zip, or one owner's), returned workbooks back in
(each row to its own plan's draft), and each draft approved on its own plan's round."""

from __future__ import annotations

import shutil
from datetime import date
from typing import TYPE_CHECKING

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from pipeline.errors import PipelineError
from pipeline.web.routes.owner_round import XLSX, collect_report, read_returns, round_defaults, workbooks_response
from pipeline.web.routes.paper import DOCX
from pipeline.web.state import (
    bytes_response,
    download_name,
    form_date,
    form_post,
    form_text,
    render,
    save_uploads,
    store_of,
    store_or_none,
    uploads_of,
    web_of,
)

if TYPE_CHECKING:
    from pipeline.store import Store

PAPER_FIELDS = ("subject", "summary")  # the meta keys the portfolio paper's form asks for
SHARED = ("as_of", "return_by", "contact")  # the forms' first values, where the plans' last papers agree


def _defaults(store: Store) -> dict[str, str]:
    """The forms' first values: the reporting date, return-by date and contact the plans' last papers agree on
    (one value among those that give it); the reporting date else today."""
    each = [round_defaults(store.last_paper_meta(plan.name) or {}) for plan in store.plans()]
    values = {}
    for key in SHARED:
        given = {d[key] for d in each if d[key]}
        values[key] = given.pop() if len(given) == 1 else ""
    values["as_of"] = values["as_of"] or date.today().isoformat()
    return values


def _render_portfolio(
    request: Request,
    *,
    values: dict[str, str] | None = None,
    status: int = 200,
    problem: tuple[str, str] | None = None,
) -> Response:
    """The page; `problem` is (the form it is about, one line saying what is wrong), shown beside that form."""
    from pipeline.browse import round_overview, summarise_plans
    from pipeline.export.pdf import find_soffice

    store = store_or_none(request)
    summaries = summarise_plans(store) if store is not None else []
    if store is None or not summaries:
        return render(request, "portfolio.html", status=status, summaries=[], problem=problem)
    # Each owner with open recommendations, and the plans they answer for, in the store's order of plans.
    owners: dict[str, list[str]] = {}
    for summary in summaries:
        if summary.latest is not None:
            for owner in round_overview(store, summary.plan).owners:
                owners.setdefault(owner, []).append(summary.plan.name)
    return render(
        request,
        "portfolio.html",
        status=status,
        summaries=summaries,
        owners=owners,
        values={**_defaults(store), **{k: v for k, v in (values or {}).items() if v}},
        can_pdf=find_soffice() is not None,
        problem=problem,
    )


def portfolio_page(request: Request) -> Response:
    return _render_portfolio(request)


def portfolio_tracker(request: Request) -> Response:
    """The master tracker over every plan, written for this request."""
    from pipeline.update_round.workbooks import make_portfolio_tracker

    store = store_of(request)
    query = request.query_params
    folder = web_of(request).scratch()
    try:
        as_of = form_date(query, "as_of", "reporting date")
        written = make_portfolio_tracker(store, folder / "tracker.xlsx", as_of=as_of, meta={})
        data = written.path.read_bytes()
    except PipelineError as error:
        values = {"as_of": form_text(query, "as_of")}
        return _render_portfolio(request, values=values, status=400, problem=("tracker", error.message))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    name = download_name(f"tracker-every-plan-{written.portfolio.as_of.isoformat()}", ".xlsx")
    return bytes_response(data, name, XLSX)


async def portfolio_paper(request: Request, form: FormData) -> Response:
    """The committee paper over every plan, as .docx or .pdf, written for this request from the form's details."""
    from pipeline.meta import check_meta
    from pipeline.portfolio import build_portfolio_paper

    values = {key: form_text(form, key) for key in ("as_of", *PAPER_FIELDS)}
    store = store_of(request)
    folder = web_of(request).scratch()
    out = folder / "portfolio-paper.docx"
    try:
        meta = check_meta({k: values[k] for k in PAPER_FIELDS if values[k]}, "the paper form")
        as_of = form_date(form, "as_of", "reporting date")
        sent = await save_uploads(uploads_of(form, "template")[:1], folder, suffix=".docx")
        template = sent[0][1] if sent else None  # checked by build_portfolio_paper as the CLI's --template is
        as_pdf = form_text(form, "format") == "pdf"
        written = await run_in_threadpool(
            build_portfolio_paper, store, out, as_of=as_of, meta=meta, template=template, pdf=as_pdf
        )
        made = written.pdf if as_pdf and written.pdf is not None else written.path
        data = made.read_bytes()
    except PipelineError as error:
        return _render_portfolio(request, values=values, status=400, problem=("paper", error.message))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    name = download_name(f"committee-paper-every-plan-{written.portfolio.as_of.isoformat()}", made.suffix)
    return bytes_response(data, name, "application/pdf" if made.suffix == ".pdf" else DOCX)


def portfolio_workbooks(request: Request) -> Response:
    """Every owner's workbook over every plan as one zip, or one owner's workbook (`owner`)."""
    from pipeline.update_round.workbooks import make_portfolio_owner_workbooks, parse_contact

    store = store_of(request)
    web = web_of(request)
    query = request.query_params
    values = {key: form_text(query, key) for key in SHARED}
    try:
        contact = parse_contact(values["contact"]) if values["contact"] else None
    except ValueError as error:
        return _render_portfolio(request, values=values, status=400, problem=("send", str(error)))
    folder = web.scratch()
    try:
        books = make_portfolio_owner_workbooks(
            store,
            folder / "owners",
            as_of=form_date(query, "as_of", "reporting date"),
            meta={},
            return_by=form_date(query, "return_by", "return-by date"),
            contact=contact,
            include_complete=form_text(query, "include_complete") == "yes",
            settings=web.settings,
        )
        stamp = books.as_of.isoformat() if books.as_of else ""
        owner = form_text(query, "owner")
        return workbooks_response(books.files, owner, f"owner-workbooks-every-plan-{stamp}", "in any plan")
    except PipelineError as error:
        return _render_portfolio(request, values=values, status=400, problem=("send", error.message))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


async def portfolio_collect(request: Request, form: FormData) -> Response:
    """Read returned workbooks (of one plan or of every plan) into a draft of each plan they answer."""

    def refused(message: str) -> Response:
        return _render_portfolio(request, status=400, problem=("collect", message))

    return await read_returns(request, form, plan=None, refused=refused)


routes = [
    Route("/portfolio", portfolio_page, name="portfolio"),
    Route("/portfolio/tracker", portfolio_tracker, name="portfolio_tracker"),
    Route("/portfolio/paper", form_post(portfolio_paper), methods=["POST"], name="portfolio_paper"),
    Route("/portfolio/workbooks", portfolio_workbooks, name="portfolio_workbooks"),
    Route("/portfolio/collect", form_post(portfolio_collect), methods=["POST"], name="portfolio_collect"),
    Route("/portfolio/reports/{report_id}", collect_report, name="portfolio_report"),
]
