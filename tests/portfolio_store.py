"""The three-plan store the portfolio tests share: the 2015 Kent plan (two revisions) as Commissioning, and two
renderings of the 2014 plan's truth with every recommendation rewritten (Highways, one revision; Libraries, two),
so the three plans' texts differ while owner names and IDs are shared across them."""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.ingest import ingest_file
from pipeline.store import Store
from tests.conftest import DATA
from tests.renderings import STANDARD, Variant, render

PLANS = ("Commissioning", "Highways", "Libraries")


def _truth(tmp: Path, name: str, title: str, *, later: bool = False) -> Path:
    """The 2014 plan's truth under a new title, every recommendation rewritten; owners kept as they are."""
    truth = json.loads((DATA / "kcc-2014.truth.json").read_text(encoding="utf-8"))
    truth["title"] = title
    for row in truth["rows"]:
        if row["kind"] == "recommendation":
            row["recommendation"] = (
                f"{title}: recommendation {row['number']} asks the service to review item {row['number']}."
            )
            if later and row["number"] == 1:
                row["timescales"] = "December 2016"
    path = tmp / f"{name}.truth.json"
    path.write_text(json.dumps(truth), encoding="utf-8")
    return path


def build_portfolio_store(tmp: Path, url: str | None = None) -> Store:
    """Given a scratch folder (and a store URL, default a SQLite file in it), ingest the three plans and return
    the open store."""
    opened = Store(url or f"sqlite:///{tmp / 'store.db'}")
    for name in ("kcc-2015", "kcc-2015q4"):
        ingest_file(opened, DATA / f"{name}.pdf", plan=PLANS[0])
    variant = Variant("standard", columns=STANDARD)
    highways = render(_truth(tmp, "highways", "Highways Action Plan"), tmp / "highways.pdf", variant)
    ingest_file(opened, highways, plan=PLANS[1], revision_date="2015-03-01")
    for when, later in (("2015-03-01", False), ("2015-09-01", True)):
        truth = _truth(tmp, f"libraries-{when}", "Libraries Action Plan", later=later)
        pdf = render(truth, tmp / f"libraries-{when}.pdf", variant)
        ingest_file(opened, pdf, plan=PLANS[2], revision_date=when)
    return opened
