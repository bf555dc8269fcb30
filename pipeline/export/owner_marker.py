"""The hidden marker sheet of an owner workbook, and the signatures that vouch for it.

The marker says what the workbook answers (plan, revision, the source's SHA-256, owner) and holds a
fingerprint of each row's context. Given the store's secret, the facts and each fingerprint are signed
(HMAC-SHA256, bound to plan, revision, owner and ID); without one the fingerprints are plain (format 1).
A workbook over several plans (format 3) records plan, revision and source on every row, and its signature
vouches for the owner and every (plan, revision, source) its rows answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from openpyxl import Workbook

from pipeline.cleaning import clean_text
from pipeline.export.cells import BOLD, put
from pipeline.history import under_parents
from pipeline.matching import signed_fingerprint
from pipeline.records import Flagged, Revision

ID = "ID"  # the first column of the fingerprint table, as of the Updates sheet
META_SHEET = "_actionplan"
MARKER = "actionplan owner workbook"
FORMAT_VERSION = "1"  # plain fingerprints: workbooks handed out before they were signed
SIGNED_FORMAT_VERSION = "2"
PORTFOLIO_FORMAT_VERSION = "3"  # rows of several plans: plan, revision and source on every marker row
SIGNATURE = "signature"  # the marker fact that holds the signature of the other facts


@dataclass(frozen=True)
class PlanRows:
    """One plan's share of an owner's workbook: the revision its rows answer, the owner's open rows in it and,
    for reference, their complete or closed ones."""

    revision: Revision
    flagged: Sequence[Flagged]
    completed: Sequence[Flagged] = ()


def _bound(*parts: str) -> tuple[str, ...]:
    """Each part as the marker sheet gives it back when read (cleaned, trimmed), so both sides sign the same."""
    return tuple(clean_text(p).strip() for p in parts)


def row_print(key: bytes | None, fingerprint: str, *, plan: str, revision: str, owner: str, ident: str) -> str:
    """Given the store's secret (None: unsigned) and a row's fingerprint, return what the marker sheet holds
    for that row: the fingerprint signed and bound to the plan, revision, owner and ID."""
    if key is None:
        return fingerprint
    return signed_fingerprint(key, fingerprint, *_bound(plan, revision, owner, ident))


def marker_signature(key: bytes, *, plan: str, revision: str, revision_sha256: str, owner: str) -> str:
    """Given the store's secret and the marker's facts, return the signature that vouches for them."""
    return signed_fingerprint(key, SIGNED_FORMAT_VERSION, *_bound(plan, revision, revision_sha256, owner))


def portfolio_signature(key: bytes, *, owner: str, answers: Sequence[tuple[str, str, str]]) -> str:
    """Given the store's secret, the owner and every (plan, revision, revision SHA-256) a workbook over several
    plans answers (in any order, repeats ignored), return the signature that vouches for them."""
    facts = [part for answer in sorted({_bound(*a) for a in answers}) for part in answer]
    return signed_fingerprint(key, PORTFOLIO_FORMAT_VERSION, *_bound(owner), *facts)


def write_marker_sheet(
    wb: Workbook,
    parts: Sequence[PlanRows],
    owner: str,
    as_of: date,
    signing_key: bytes | None,
    *,
    portfolio: bool,
) -> None:
    """The hidden marker sheet: what the workbook answers, signed, and each row's fingerprint (and, in a
    workbook over several plans, each row's plan, revision and source)."""
    meta = wb.create_sheet(META_SHEET)
    stamp = [["as_of", as_of.isoformat()], ["generated_at", datetime.now().isoformat(timespec="seconds")]]
    table = [ID, "fingerprint"]
    if portfolio:
        if signing_key is None:
            raise ValueError("a workbook over several plans is always signed: give the store's secret")
        answers = [(p.revision.plan, p.revision.label, p.revision.sha256) for p in parts]
        facts = [[MARKER, PORTFOLIO_FORMAT_VERSION], ["owner", owner], *stamp]
        facts.append([SIGNATURE, portfolio_signature(signing_key, owner=owner, answers=answers)])
        table += ["plan", "revision", "revision_sha256"]
    else:
        revision = parts[0].revision
        facts = [
            [MARKER, FORMAT_VERSION if signing_key is None else SIGNED_FORMAT_VERSION],
            ["plan", revision.plan],
            ["revision", revision.label],
            ["revision_sha256", revision.sha256],
            ["owner", owner],
            *stamp,
        ]
        if signing_key is not None:
            signature = marker_signature(
                signing_key,
                plan=revision.plan,
                revision=revision.label,
                revision_sha256=revision.sha256,
                owner=owner,
            )
            facts.append([SIGNATURE, signature])
    for i, (key, value) in enumerate(facts, start=1):
        put(meta, i, 1, key)
        put(meta, i, 2, value)
    for j, header in enumerate(table, start=1):
        put(meta, len(facts) + 2, j, header).font = BOLD
    row = len(facts) + 3
    for part in parts:
        rev = part.revision
        for r in under_parents(part.flagged):
            printed = row_print(signing_key, r.fingerprint, plan=rev.plan, revision=rev.label, owner=owner, ident=r.id)
            cells = [r.id, printed] + ([rev.plan, rev.label, rev.sha256] if portfolio else [])
            for j, value in enumerate(cells, start=1):
                put(meta, row, j, value)
            row += 1
    meta.sheet_state = "hidden"
    meta.protection.sheet = True
