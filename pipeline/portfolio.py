"""A council's portfolio: every plan in a store, each at its latest revision, flagged as of one reporting date.

Gathering only: each plan's history is loaded once (`load_history`), its flags worked out at the one reporting
date, and its paper content gathered by the single-plan paper's own `gather_paper` (through
`committee.paper_content`). The exporters lay out what this returns: `export.portfolio_tracker` and
`export.portfolio_paper`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

from pipeline.errors import PipelineError
from pipeline.export.atomic import check_target
from pipeline.history import diff, flags, status_counts
from pipeline.history import previous as previous_revision
from pipeline.ingest import load_history
from pipeline.meta import long_date, reporting_date
from pipeline.paper_content import counts_words
from pipeline.records import PaperContent, Plan, PlanView, Portfolio, PortfolioWritten
from pipeline.store import Store, StoreError, describe_url
from pipeline.words import and_list, plural


def gather_portfolio(
    store: Store,
    *,
    as_of: date | None = None,
    meta: Mapping[str, Any] | None = None,
    include_drafts: bool = False,
    paper: bool = False,
) -> Portfolio:
    """Given a store, return every plan at its latest revision, flagged as of the reporting date: `as_of`, else
    the meeting date in `meta`, else today. `meta`'s plan_name is left out: it names one plan, not several; each
    plan is named by the plan_name of its own last paper, else by its name in the store. With `paper`, each
    plan's section of the paper is gathered too (its content)."""
    settings = {k: v for k, v in (meta or {}).items() if k != "plan_name"}
    when = reporting_date(as_of, settings)
    known = store.plans()
    if not known:
        raise StoreError(describe_url(store.url), "holds no plans yet: run `actionplan ingest FILE` first")
    views = [_plan_view(store, plan, when, settings, include_drafts, paper) for plan in known]
    return Portfolio(when, tuple(views), describe_url(store.url))


def _plan_view(
    store: Store, plan: Plan, as_of: date, meta: dict[str, Any], include_drafts: bool, paper: bool
) -> PlanView:
    revision = store.revision(plan, None, include_drafts=include_drafts)
    history = load_history(store, plan, revision, include_drafts=include_drafts)
    before = previous_revision(history, revision)
    # Named as its own last paper named it, else as the store knows it: a printed title ("Updated Action Plan")
    # does not tell one plan of a portfolio from another.
    named = (store.last_paper_meta(plan.name) or {}).get("plan_name") or plan.name
    content = None
    if paper:
        from pipeline.committee import paper_content

        content = paper_content(store, history, before, as_of=as_of, meta={**meta, "plan_name": named})
    flagged = flags(history, as_of)
    return PlanView(
        plan=plan,
        name=named,
        revision=revision,
        flagged=flagged,
        counts=status_counts([f.record for f in flagged]),
        changes=diff(history, before, revision) if before is not None else None,
        issues=tuple(store.issues(revision)),
        content=content,
    )


def sections(portfolio: Portfolio) -> list[PaperContent]:
    """Given a portfolio gathered with `paper`, return each plan's section of the paper."""
    found = [v.content for v in portfolio.plans]
    if any(c is None for c in found):
        raise ValueError("the portfolio was gathered without its paper's content: gather it with paper=True")
    return [c for c in found if c is not None]


def build_portfolio_paper(
    store: Store,
    out: Path,
    *,
    as_of: date | None = None,
    meta: Mapping[str, Any] | None = None,
    template: Path | None = None,
    include_drafts: bool = False,
    pdf: bool = False,
    pdf_timeout: float | None = None,
) -> PortfolioWritten:
    """Write the portfolio paper: a section per plan (counts, changes, items needing attention) and an appendix
    table of every plan's items needing attention, and with `pdf` a tagged PDF of it through LibreOffice (within
    `pdf_timeout` seconds, default the single paper's); return where they went and notes about the template."""
    from pipeline.export.pdf import PDF_TIMEOUT, docx_to_pdf
    from pipeline.export.portfolio_paper import write_portfolio_paper
    from pipeline.export.template import read_template

    settings = dict(meta or {})
    if template is not None:
        read_template(template)
    check_target(out)
    if pdf:
        check_target(out.with_suffix(".pdf"))
    portfolio = gather_portfolio(store, as_of=as_of, meta=settings, include_drafts=include_drafts, paper=True)
    try:
        path, notes = write_portfolio_paper(
            out,
            sections(portfolio),
            title=str(settings.get("subject") or "Action plans: progress report"),
            summary=str(settings.get("summary") or portfolio_summary(portfolio)),
            template=template,
            styles=settings.get("styles"),
        )
    except (KeyError, ValueError) as error:
        raise PipelineError(str(template or out), f"cannot lay out the paper ({error})") from None
    made = docx_to_pdf(path, path.with_suffix(".pdf"), timeout=pdf_timeout or PDF_TIMEOUT) if pdf else None
    return PortfolioWritten(path, portfolio, tuple(notes), made)


def portfolio_summary(portfolio: Portfolio) -> str:
    """Given the portfolio, return its paper's Summary: the plans, their recommendations by status, and how
    many need attention."""
    contents = sections(portfolio)
    total: Counter[str] = Counter()
    for content in contents:
        total.update(content.counts_now)
    attention = sum(len(c.attention) for c in contents)
    return (
        f"This report sets out progress on {plural(len(contents), 'action plan')} as at "
        f"{long_date(portfolio.as_of)}: {and_list([c.plan_name for c in contents])}. Together they hold "
        f"{plural(sum(total.values()), 'recommendation')}: {counts_words(total)}. "
        f"{plural(attention, 'recommendation')} {'needs' if attention == 1 else 'need'} attention; Appendix A "
        "lists them by plan."
    )
