"""One returned row at a time: whether its workbook's marker vouches for it, which record it answers, and
the update its cells make (with the cells refused and why).

A row goes to at most one record: the one with its ID whose fingerprint the marker sheet holds and whose
text the row still shows. The marker's fingerprints are signed with the store's secret (HMAC); workbooks
handed out before signing hold plain fingerprints and are collected, marked unsigned.
"""

from __future__ import annotations

import hmac
from collections.abc import Sequence
from dataclasses import replace
from typing import Literal

from pipeline.export.cells import cell_text
from pipeline.export.owner_marker import FORMAT_VERSION, marker_signature, portfolio_signature, row_print
from pipeline.export.owner_workbook import (
    COMMENTS,
    EVIDENCE,
    PROGRESS_UPDATE,
    PROPOSED_STATUS,
    REASON,
    REVISED_TIMESCALE,
)
from pipeline.export.text import sentence_case
from pipeline.matching import record_fingerprint, squash
from pipeline.meta import long_date
from pipeline.normalise import read_status, read_timescale
from pipeline.records import Record, Update
from pipeline.returns import ReturnedRow, ReturnedWorkbook
from pipeline.settings import Settings
from pipeline.statuses import parse_status, vocabulary_word

Marker = Literal["signed", "unsigned", "edited"]
UPDATE_FIELDS = ("progress", "status", "timescale", "reason", "evidence", "comments")
FORMULA_REASON = (
    "a formula: collect reads what was typed, never a formula or its result; type the words, date or link themselves"
)


def marker_state(wb: ReturnedWorkbook, key: bytes) -> Marker:
    """Given a returned workbook and the store's secret, say whether its marker sheet is signed (and vouched
    for by the signature), unsigned (a workbook handed out before signing), or edited."""
    if not wb.signature:
        return "unsigned" if wb.version in ("", FORMAT_VERSION) and not wb.parts else "edited"  # a signature removed
    if wb.parts:  # a workbook over several plans: the signature vouches for every plan its rows answer
        answers = [(p.plan, p.revision, p.revision_sha256) for p in wb.parts]
        expected = portfolio_signature(key, owner=wb.owner, answers=answers)
    else:
        expected = marker_signature(
            key, plan=wb.plan, revision=wb.revision, revision_sha256=wb.revision_sha256, owner=wb.owner
        )
    return "signed" if hmac.compare_digest(expected, wb.signature) else "edited"


def route_row(
    row: ReturnedRow, candidates: Sequence[tuple[int, Record]], wb: ReturnedWorkbook, key: bytes | None
) -> tuple[int | None, str]:
    """Given a returned row and the records with its ID (position, record), return the position of the one
    record it answers, or None and why it is stale. `key` is the store's secret for a signed workbook."""
    held = wb.fingerprints.get(row.id, ())
    vouched = [
        (pos, rec)
        for pos, rec in candidates
        if any(
            hmac.compare_digest(
                p,
                row_print(
                    key, record_fingerprint(rec), plan=wb.plan, revision=wb.revision, owner=wb.owner, ident=rec.id
                ),
            )
            for p in held
        )
    ]
    if not vouched:
        if key is not None and any(row.context_fingerprint == record_fingerprint(r, cell_text) for _, r in candidates):
            return None, (
                "its fingerprint in the hidden marker sheet does not match this owner's workbook for this revision "
                "(the marker was edited, or the row was copied from another workbook): not applied; check with the owner"
            )
        return None, (
            "the plan's own text in this row was changed, or the row is from another version: check with the owner"
        )
    shown = [(pos, rec) for pos, rec in vouched if row.context_fingerprint == record_fingerprint(rec, cell_text)]
    if not shown:
        return None, "the plan's own text in this row was changed: check with the owner"
    if len(shown) > 1:
        return None, (
            f"{len(shown)} recommendations share ID {row.id} and the same text in this revision: "
            "cannot tell which one is meant; ingest the plan again to give them distinct IDs"
        )
    return shown[0][0], ""


def _canonical_status(text: str, settings: Settings) -> tuple[str, str] | None:
    """Given a typed status, return (the vocabulary's own words, value), forgiving case and spacing."""
    reading = parse_status(text, settings.statuses, settings.rag_words, settings.rag_values)
    if reading.value in ("unknown", "not_reported"):
        return None
    return vocabulary_word(text, reading.value, settings.statuses), reading.value


def check_row(
    row: ReturnedRow, owner: str, source: str, today: str, settings: Settings
) -> tuple[Update, list[tuple[str, str, str]]]:
    """Given a returned row, return the update its inputs make and the cells rejected (column, value, why)."""
    inputs = row.inputs
    rejected = [(column, formula, FORMULA_REASON) for column, formula in row.formulas.items()]
    status = inputs.get(PROPOSED_STATUS, "")
    if status:
        canonical = _canonical_status(status, settings)
        if canonical is None:
            words = ", ".join(w for ws in settings.statuses.values() for w in ws[:1])
            rejected.append((PROPOSED_STATUS, status, f"not a status in the list ({words})"))
            status = ""
        else:
            status = canonical[0]
    timescale = inputs.get(REVISED_TIMESCALE, "")
    reason = inputs.get(REASON, "")
    if timescale:
        if read_timescale(timescale, settings).rule is None:
            rejected.append(
                (
                    REVISED_TIMESCALE,
                    timescale,
                    "cannot be read as a date or period (write e.g. 'March 2016', 'Q3 2016/17', '31/3/16')",
                )
            )
            timescale = ""
        elif not reason:
            rejected.append((REVISED_TIMESCALE, timescale, "a reason for the new timescale is required"))
            timescale = ""
    update = Update(
        owner=owner,
        date=today,
        progress=inputs.get(PROGRESS_UPDATE, ""),
        status=status,
        timescale=timescale,
        reason=reason if timescale else "",
        evidence=inputs.get(EVIDENCE, ""),
        comments=inputs.get(COMMENTS, ""),
        source=source,
    )
    return update, rejected


def says_anything(update: Update) -> bool:
    """Given an update, say whether it changes anything (a reason alone does not)."""
    return any((update.progress, update.status, update.timescale, update.evidence, update.comments))


def same_update(a: Update, b: Update) -> bool:
    """Given two updates, say whether they say the same (white space aside), wherever and whenever they came."""
    return all(squash(getattr(a, f)) == squash(getattr(b, f)) for f in UPDATE_FIELDS)


def described(update: Update) -> str:
    """Given an update, return where it came from and what it said, in one line for the report."""
    said = "; ".join(f"{f}: “{getattr(update, f)}”" for f in UPDATE_FIELDS if getattr(update, f))
    return f"{update.source.split('#')[0]} (collected {long_date(update.date)}): {sentence_case(said)}"


def apply_update(
    rec: Record, update: Update, settings: Settings, status: bool = True, timescale: bool = True
) -> Record:
    """Given a record and an update, return the record with it applied (status and timescale only when
    not held back by a conflict) and the update kept as proposed."""
    progress = rec.progress
    if update.progress:
        line = f"{update.date} – {update.owner}: {update.progress}"
        progress = f"{progress}\n\n{line}" if progress.strip() else line
    return replace(
        rec,
        progress=progress,
        status=read_status(update.status, settings) if update.status and status else rec.status,
        timescale=read_timescale(update.timescale, settings) if update.timescale and timescale else rec.timescale,
        updates=(*rec.updates, update),
    )
