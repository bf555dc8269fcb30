"""Page: Upload a revision. One or more PDFs are read (each in a child process within the CLI's limits) and
stored in order; the page shows the pages read while it works (with JavaScript), then what was stored, the
issues found and the changes, or each bad file's one-line reason."""

from __future__ import annotations

import re
import shutil
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from pipeline.errors import PipelineError
from pipeline.web.jobs import Job, UploadOutcome
from pipeline.web.state import (
    Web,
    form_post,
    form_text,
    not_found,
    render,
    save_uploads,
    store_or_none,
    uploads_of,
    url_path,
    web_of,
)

if TYPE_CHECKING:
    from pipeline.store import Store


def run_upload(web: Web, job: Job, folder: Path, *, plan: str | None, revision_date: str | None) -> None:
    """Read and store a job's files in order, noting pages read as it goes; then record each file's outcome."""
    from pipeline.browse import group_changes
    from pipeline.history import status_counts
    from pipeline.ingest import ingest_batch

    def opened() -> Store:
        made = web.store.get(create=True)
        assert made is not None  # with create, a store is made or an error raised
        return made

    try:
        results = ingest_batch(
            opened,
            [f.path for f in job.files],
            plan=plan,
            revision_date=revision_date,
            settings=web.settings,
            limits=web.limits,
            isolate=web.isolate,
            ocr=web.ocr,
            on_extracted=job.file_read,
            on_page=job.page_read,
        )
        outcomes = []
        for progress, (_, got) in zip(job.files, results, strict=True):
            if isinstance(got, PipelineError):
                outcomes.append(UploadOutcome(progress.name, error=_for_the_page(got.message)))
            else:
                changes = group_changes(got.diff) if got.diff is not None else ()
                counts = status_counts(got.extraction.records)
                outcomes.append(UploadOutcome(progress.name, got, changes, counts=counts))
        job.finish(outcomes)
    except PipelineError as error:
        job.finish([], str(error))
    except Exception as error:  # the job runs on its own: a bug must still end it, with a word on the page
        job.finish([], f"unexpected error ({type(error).__name__}); nothing more was stored")
        raise
    finally:
        shutil.rmtree(folder, ignore_errors=True)


_CLI_OCR = re.compile(r"read it again with --ocr(?:, after installing Tesseract \([^)]*\))?")


def _for_the_page(message: str) -> str:
    """A reader's one-line reason as the page says it: a scan's "read it again with --ocr" (a command-line
    option) becomes what to do for the page (this app reads scans once Tesseract is installed)."""
    return _CLI_OCR.sub(
        "scanned plans are read here once the OCR program Tesseract is installed "
        "(apt-get install tesseract-ocr tesseract-ocr-eng) and actionplan serve is started again",
        message,
    )


def upload_page(request: Request) -> Response:
    store = store_or_none(request)
    plans = store.plans() if store is not None else []
    return render(request, "upload.html", plans=plans, error=None, values={}, ocr=web_of(request).ocr)


async def upload_post(request: Request, form: FormData) -> Response:
    web = web_of(request)
    files = uploads_of(form, "files")
    values = {"plan": form_text(form, "plan"), "revision_date": form_text(form, "revision_date")}
    if not files:
        store = store_or_none(request)
        plans = store.plans() if store is not None else []
        return render(
            request,
            "upload.html",
            status=400,
            plans=plans,
            values=values,
            error="Choose at least one PDF file to upload.",
            ocr=web.ocr,
        )
    folder = web.scratch()
    saved = await save_uploads(files, folder, suffix=".pdf")
    job = web.jobs.new(saved)
    plan = values["plan"] or None
    when = values["revision_date"] or None
    if "application/json" in request.headers.get("accept", ""):
        worker = threading.Thread(
            target=run_upload, args=(web, job, folder), kwargs={"plan": plan, "revision_date": when}, daemon=True
        )
        worker.start()
        return JSONResponse(
            {
                "job": job.id,
                "progress": url_path(request, "upload_progress", job_id=job.id),
                "result": url_path(request, "upload_job", job_id=job.id),
            },
            status_code=202,
        )
    await run_in_threadpool(run_upload, web, job, folder, plan=plan, revision_date=when)
    return _result(request, job)


def _result(request: Request, job: Job) -> Response:
    store = store_or_none(request)
    plan_ids = {p.name: p.id for p in store.plans()} if store is not None else {}
    return render(request, "upload_result.html", job=job, plan_ids=plan_ids)


def _job(request: Request) -> Job:
    found = web_of(request).jobs.get(request.path_params["job_id"])
    if found is None:
        raise not_found("There is no such upload here: it may have been a while ago; see the plans instead.")
    return found


def upload_job(request: Request) -> Response:
    job = _job(request)
    if not job.finished:
        return render(request, "upload_wait.html", job=job)
    return _result(request, job)


def upload_progress(request: Request) -> Response:
    job = _job(request)
    return JSONResponse({**job.progress(), "result": url_path(request, "upload_job", job_id=job.id)})


routes = [
    Route("/upload", upload_page, name="upload"),
    Route("/upload", form_post(upload_post), methods=["POST"], name="upload_post"),
    Route("/upload/jobs/{job_id}", upload_job, name="upload_job"),
    Route("/upload/jobs/{job_id}/progress", upload_progress, name="upload_progress"),
]
