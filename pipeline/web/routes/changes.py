"""Page: Changes between any two revisions of a plan, grouped by kind, in words."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from pipeline.browse import changes_between, group_changes
from pipeline.store import StoreError
from pipeline.web.routes.plans import plan_of
from pipeline.web.state import form_int, not_found, render, store_of


def changes_page(request: Request) -> Response:
    plan = plan_of(request)
    store = store_of(request)
    query = request.query_params
    try:
        found = changes_between(store, plan, old_id=form_int(query, "old"), new_id=form_int(query, "new"))
    except StoreError:
        raise not_found("This plan has no such revision.") from None
    revisions = store.revisions(plan, include_drafts=True)
    sections = group_changes(found) if found is not None else ()
    return render(request, "changes.html", plan=plan, revisions=revisions, diff=found, sections=sections)


routes = [Route("/plans/{plan_id:int}/changes", changes_page, name="changes")]
