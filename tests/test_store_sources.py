"""What the store keeps for the pages a person looks at: the PDF each revision was read from (once per SHA-256,
dropped when no revision is left that was read from it), the meta settings each committee paper was made with,
and the page images drawn from the kept PDFs.

On SQLite always, on PostgreSQL when one is configured (ACTIONPLAN_TEST_PG_URL)."""

from __future__ import annotations

import hashlib
import io
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from PIL import Image

from pipeline import page_images
from pipeline import store as store_module
from pipeline.cli import main
from pipeline.committee import build_paper
from pipeline.errors import ConfigError, DamagedPdfError, InputError
from pipeline.ingest import ingest_batch, ingest_extraction, ingest_file
from pipeline.meta import META_DATES, check_meta, load_meta
from pipeline.page_images import BOX_COLOUR, NoPageError, NoSourceError, page_image, pdf_revision
from pipeline.records import BBox, NewRevision, Revision
from pipeline.store import Store, StoreError
from tests.conftest import DATA, shared_extraction

PLAN = "Appendix 1: Updated Action Plan"  # the plan kcc-2015.pdf and kcc-2015q4.pdf are stored as
KCC_2015 = (DATA / "kcc-2015.pdf").read_bytes()
KCC_2015Q4 = (DATA / "kcc-2015q4.pdf").read_bytes()
A4_LANDSCAPE = (1263, 893)  # 841.89 × 595.30 points at 1.5 pixels a point


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def kept(store: Store) -> dict[str, tuple[str, int]]:
    """Return {SHA-256: (file name, size)} for every PDF the store keeps."""
    sources = store_module.metadata.tables["sources"]
    with store.engine.connect() as conn:
        return {
            r.sha256: (r.name, r.size)
            for r in conn.execute(sa.select(sources.c.sha256, sources.c.name, sources.c.size))
        }


# ------------------------------------------------------------------ the PDFs kept


def test_ingest_keeps_each_pdf_once_by_its_sha256(url: str) -> None:
    store = Store(url)
    first = ingest_file(store, DATA / "kcc-2015.pdf").revision
    assert store.source_bytes(first.sha256) == KCC_2015
    again = ingest_file(store, DATA / "kcc-2015.pdf")
    assert again.already_stored and "nothing changed" in again.plan_note
    copy = ingest_file(store, DATA / "kcc-2015.pdf", plan="A copy of the plan")  # the same file, another plan
    assert not copy.already_stored and copy.revision.plan == "A copy of the plan"
    ingest_file(store, DATA / "kcc-2015q4.pdf")
    assert kept(store) == {
        sha(KCC_2015): ("kcc-2015.pdf", len(KCC_2015)),
        sha(KCC_2015Q4): ("kcc-2015q4.pdf", len(KCC_2015Q4)),
    }
    assert store.source_bytes("0" * 64) is None
    store.close()


def test_cli_ingest_keeps_the_pdfs(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    out = CliRunner().invoke(main, ["ingest", str(DATA / "kcc-2015.pdf"), str(DATA / "kcc-2015q4.pdf"), "--store", url])
    assert out.exit_code == 0, out.output
    store = Store(url, create=False)
    r1, r2 = store.revisions(store.resolve_plan(None))
    assert store.source_bytes(r1.sha256) == KCC_2015 and store.source_bytes(r2.sha256) == KCC_2015Q4
    store.close()


def test_ingest_batch_says_each_page_read(tmp_path: Path) -> None:
    seen: list[tuple[str, int, int]] = []
    files = [DATA / "kcc-2014.pdf", DATA / "kcc-2015.pdf"]
    store = Store(f"sqlite:///{tmp_path / 's.db'}")
    results = ingest_batch(
        store, files, jobs=2, on_page=lambda path, done, total: seen.append((path.name, done, total))
    )
    assert all(not isinstance(done, Exception) for _, done in results)
    for name, pages in (("kcc-2014.pdf", 10), ("kcc-2015.pdf", 25)):
        assert [(d, t) for n, d, t in seen if n == name] == [(d, pages) for d in range(1, pages + 1)]
    store.close()


@pytest.mark.parametrize("how", ["changed", "gone"])
def test_a_file_changed_or_gone_after_it_was_read_is_stored_without_its_pdf(how: str, tmp_path: Path) -> None:
    read = tmp_path / "kcc-2015.pdf"
    if how == "changed":
        read.write_bytes(KCC_2015 + b"\n% saved again\n")
    store = Store(f"sqlite:///{tmp_path / 's.db'}")
    done = ingest_extraction(store, shared_extraction("kcc-2015"), read)
    assert not done.already_stored and len(store.records(done.revision)) == 27
    assert done.plan_note.endswith("so its pages cannot be shown") and "its PDF was not kept" in done.plan_note
    assert kept(store) == {}
    with pytest.raises(NoSourceError):
        page_image(store, done.revision, 1, cache_dir=tmp_path / "pages")
    store.close()


def test_bytes_that_are_not_the_file_read_are_refused(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 's.db'}")
    new = NewRevision("T", "a.pdf", sha(KCC_2015), 25, (), (), source_bytes=KCC_2015Q4)
    with pytest.raises(StoreError, match="not the file that was read"):
        store.add_revision("Plan", None, new)
    assert store.plans() == [] and kept(store) == {}
    store.close()


# ------------------------------------------------------------------ removing drops the PDFs no revision uses


def test_removing_revisions_drops_the_pdfs_no_revision_left_uses(url: str) -> None:
    store = Store(url)
    ingest_file(store, DATA / "kcc-2015.pdf")
    ingest_file(store, DATA / "kcc-2015q4.pdf")
    ingest_file(store, DATA / "kcc-2015.pdf", plan="A copy of the plan")
    plan = store.resolve_plan(PLAN)
    store.remove(store.removal(plan, "r2"))
    assert set(kept(store)) == {sha(KCC_2015)}
    store.remove(store.removal(plan))  # the plan goes, but the copy was read from the same file
    assert set(kept(store)) == {sha(KCC_2015)}
    store.remove(store.removal(store.resolve_plan("A copy of the plan")))
    assert kept(store) == {} and store.source_bytes(sha(KCC_2015)) is None
    store.close()


def test_replacing_a_revision_drops_the_pdf_it_was_read_from(url: str) -> None:
    store = Store(url)
    ingest_file(store, DATA / "kcc-2015.pdf", label="2015-07")
    ingest_file(store, DATA / "kcc-2015.pdf", label="2015-07", replace=True)  # the same file again: still kept
    assert set(kept(store)) == {sha(KCC_2015)}
    ingest_file(store, DATA / "kcc-2015q4.pdf", label="2015-07", replace=True)
    assert set(kept(store)) == {sha(KCC_2015Q4)}
    store.close()


# ------------------------------------------------------------------ a store made by the version before


def test_a_store_made_by_version_6_is_upgraded_and_its_pdfs_kept_again(tmp_path: Path) -> None:
    # tests/data/stores/store-v6.db was written by the code of the previous schema (version 6): see its README.
    copy = tmp_path / "store-v6.db"
    shutil.copy(DATA / "stores" / "store-v6.db", copy)
    store = Store(f"sqlite:///{copy}", create=False)
    with store.engine.connect() as conn:
        version = conn.execute(sa.text("select value from meta where key='schema_version'")).scalar()
        tables = set(sa.inspect(conn).get_table_names())
    assert version == str(store_module.SCHEMA_VERSION) == "8" and {"sources", "paper_metas"} <= tables
    plan = store.resolve_plan(None)
    r1, r2 = store.revisions(plan)
    assert (r1.source, r2.source) == ("kcc-2015.pdf", "kcc-2015q4.pdf")
    assert store.source_bytes(r1.sha256) is None and store.source_bytes(r2.sha256) is None and kept(store) == {}
    with pytest.raises(NoSourceError, match="the store keeps no copy of the PDF revision r2 was read from") as caught:
        page_image(store, r2, 1, cache_dir=tmp_path / "pages")
    assert str(caught.value).startswith("kcc-2015q4.pdf: ") and "\n" not in str(caught.value)
    assert store.last_paper_meta(plan.name) is None
    docx, _, _ = build_paper(store, tmp_path / "paper.docx", meta={"meeting_date": "2016-01-21"})
    assert docx.exists() and store.last_paper_meta(plan.name) == {"meeting_date": date(2016, 1, 21)}
    again = ingest_file(store, DATA / "kcc-2015q4.pdf")  # the same file again keeps its PDF, and changes nothing else
    assert again.already_stored and again.revision.label == "r2" and "its PDF is now kept too" in again.plan_note
    assert store.source_bytes(r2.sha256) == KCC_2015Q4 and store.source_bytes(r1.sha256) is None
    assert Image.open(io.BytesIO(page_image(store, r2, 1, cache_dir=tmp_path / "pages"))).size == A4_LANDSCAPE
    store.remove(store.removal(plan, "r2"))
    assert kept(store) == {}
    store.close()


def test_keep_source_keeps_only_what_a_revision_was_read_from(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 's.db'}")
    assert not store.keep_source("kcc-2015.pdf", KCC_2015)  # no revision read from it: nothing kept
    assert kept(store) == {}
    store.close()


# ------------------------------------------------------------------ the meta of each paper


PAPER_META = """\
to = "Cabinet Committee – 21 January 2016"
from = ["Head of Policy", "Corporate Director"]
subject = "Commissioning action plan: progress"
meeting_date = 2016-01-21
return_by = "2016-01-15"
contact = ["A. Officer", "a.officer@example.gov.uk"]

[styles]
h1 = "Heading 1"
"""


def test_the_paper_keeps_its_meta_and_the_next_starts_from_it(url: str, tmp_path: Path) -> None:
    store = Store(url)
    ingest_file(store, DATA / "kcc-2015.pdf")
    ingest_file(store, DATA / "kcc-2015q4.pdf")
    build_paper(store, tmp_path / "none.docx")
    assert store.last_paper_meta(PLAN) is None  # no meta given: none kept
    path = tmp_path / "paper.toml"
    path.write_text(PAPER_META, encoding="utf-8")
    build_paper(store, tmp_path / "paper.docx", meta_path=path)
    last = store.last_paper_meta(PLAN)
    assert last == load_meta(path)
    assert last is not None and {k: type(last[k]) for k in META_DATES} == dict.fromkeys(META_DATES, date)
    form = {**last, "subject": "Commissioning action plan: spring", "meeting_date": "2016-04-21"}
    build_paper(store, tmp_path / "next.docx", meta=form)
    assert store.last_paper_meta(PLAN) == {**last, "subject": form["subject"], "meeting_date": date(2016, 4, 21)}
    build_paper(store, tmp_path / "again.docx")  # a paper made without meta leaves the last one as it was
    assert store.last_paper_meta(PLAN) == {**last, "subject": form["subject"], "meeting_date": date(2016, 4, 21)}
    with pytest.raises(ConfigError, match="not both"):
        build_paper(store, tmp_path / "both.docx", meta_path=path, meta=form)
    assert not (tmp_path / "both.docx").exists()
    store.close()


def test_a_form_with_a_bad_date_makes_no_paper_and_keeps_no_meta(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 's.db'}")
    ingest_file(store, DATA / "kcc-2015.pdf")
    with pytest.raises(ConfigError, match="meeting_date"):
        build_paper(store, tmp_path / "paper.docx", meta={"meeting_date": "2016-02-30"})
    assert not (tmp_path / "paper.docx").exists() and store.last_paper_meta(PLAN) is None
    store.close()


def test_paper_meta_round_trips_and_goes_with_its_plan(url: str) -> None:
    store = Store(url)
    ingest_file(store, DATA / "kcc-2015.pdf")
    meta: dict[str, Any] = {
        "meeting_date": date(2016, 1, 21),
        "to": ["Cabinet Committee", "21 January 2016"],
        "styles": {"h1": "Heading 1"},
        "summary": "Line one.\nLine two – with a dash.",
    }
    store.save_paper_meta(PLAN, {"subject": "An older paper"})
    store.save_paper_meta(PLAN, meta, revision="r1")
    assert store.last_paper_meta(PLAN) == meta
    assert store.last_paper_meta("No such plan") is None
    with pytest.raises(StoreError, match="no plan named 'No such plan'"):
        store.save_paper_meta("No such plan", meta)
    plan = store.resolve_plan(PLAN)
    store.remove(store.removal(plan))
    logged = [e for e in store.removals() if e.kind == "plan"]
    assert logged[0].held["paper_meta"]["meeting_date"] == "2016-01-21"  # in the log, as it was kept
    ingest_file(store, DATA / "kcc-2015.pdf")  # the plan made again starts with no paper meta
    assert store.last_paper_meta(PLAN) is None
    store.close()


@pytest.mark.parametrize(
    ("form", "words"),
    [
        ({"meeting_date": "2016-02-30"}, 'meeting_date "2016-02-30" is not a date'),
        ({"return_by": "next Friday"}, 'return_by "next Friday" is not a date'),
        ({"meeting_date": 20160121}, "meeting_date should be a date"),
        ({"subject": ["a", "b"]}, "subject should be text in quotes"),
        ({"colour": "red"}, "unknown keys colour"),
    ],
)
def test_check_meta_refuses_a_form_as_it_refuses_a_file(form: dict[str, Any], words: str, tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        check_meta(form, "the paper form")
    said = str(caught.value)
    assert said.startswith("the paper form: ") and words in said and "\n" not in said
    path = tmp_path / "meta.toml"
    value = next(iter(form.values()))
    toml = f'"{value}"' if isinstance(value, str) else str(value).replace("'", '"')
    path.write_text(f"{next(iter(form))} = {toml}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as from_file:
        load_meta(path)
    assert words in str(from_file.value)


def test_check_meta_reads_a_form_as_it_reads_a_file() -> None:
    form = {"meeting_date": " 2016-01-21 ", "to": "Cabinet\r\nCommittee\x00", "contact": ["A. Officer", "a@x.gov.uk"]}
    assert check_meta(form, "the paper form") == {
        "meeting_date": date(2016, 1, 21),
        "to": "Cabinet\nCommittee",
        "contact": ["A. Officer", "a@x.gov.uk"],
    }
    checked = check_meta(form, "the paper form")
    assert check_meta(checked, "again") == checked  # what it returns passes again, as the last paper's meta does


# ------------------------------------------------------------------ page images


@pytest.fixture
def stored(tmp_path: Path) -> Store:
    store = Store(f"sqlite:///{tmp_path / 's.db'}")
    ingest_file(store, DATA / "kcc-2015.pdf")
    return store


def _pixel(png: bytes, x: float, y: float, scale: float = 1.5) -> tuple[int, ...]:
    with Image.open(io.BytesIO(png)) as image:
        found = image.convert("RGB").getpixel((round(x * scale), round(y * scale)))
    assert isinstance(found, tuple)
    return found


def test_a_page_image_outlines_the_records_box(stored: Store, tmp_path: Path) -> None:
    (revision,) = stored.revisions(stored.resolve_plan(None))
    first = stored.records(revision)[0]
    (box,) = first.bboxes
    png = page_image(stored, revision, 1, boxes=first.bboxes, cache_dir=tmp_path / "pages")
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    with Image.open(io.BytesIO(png)) as image:
        assert image.size == A4_LANDSCAPE
    middle_x, middle_y = (box.x0 + box.x1) / 2, (box.top + box.bottom) / 2
    inside = 1 / 1.5  # one pixel inside the edge: the outline is drawn inside the box
    for x, y in ((box.x0 + inside, middle_y), (box.x1 - inside, middle_y), (middle_x, box.top + inside)):
        assert _pixel(png, x, y) == BOX_COLOUR
    plain = page_image(stored, revision, 1, cache_dir=tmp_path / "pages")
    assert _pixel(plain, box.x0 + inside, middle_y) != BOX_COLOUR
    assert _pixel(png, middle_x, middle_y) == _pixel(plain, middle_x, middle_y)  # the page shows through


def test_each_page_shows_only_its_own_part_of_a_record(stored: Store, tmp_path: Path) -> None:
    (revision,) = stored.revisions(stored.resolve_plan(None))
    spanning = next(r for r in stored.records(revision) if len(r.pages) > 1)
    for page in spanning.pages:
        png = page_image(stored, revision, page, boxes=spanning.bboxes, cache_dir=tmp_path / "pages")
        for box in spanning.bboxes:
            middle_y = (box.top + box.bottom) / 2
            outlined = _pixel(png, box.x0 + 1 / 1.5, middle_y) == BOX_COLOUR
            assert outlined == (box.page == page)


def test_a_drawn_page_is_kept_and_drawn_again_from_the_cache(
    stored: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (revision,) = stored.revisions(stored.resolve_plan(None))
    cache = tmp_path / "pages"
    first = page_image(stored, revision, 2, cache_dir=cache, scale=1.0)
    cached = cache / f"{revision.sha256}-2-1.png"
    assert cached.read_bytes() == first and [p.name for p in cache.iterdir()] == [cached.name]

    def no_drawing(*_args: object, **_kwargs: object) -> bytes:
        raise AssertionError("drawn again")

    monkeypatch.setattr(page_images, "run_isolated", no_drawing)
    assert page_image(stored, revision, 2, cache_dir=cache, scale=1.0) == first
    with Image.open(io.BytesIO(first)) as image:
        assert image.size == (842, 596)  # 841.89 × 595.30 points, rounded up
    with pytest.raises(AssertionError, match="drawn again"):  # another scale is another image
        page_image(stored, revision, 2, cache_dir=cache, scale=2.0)


@pytest.mark.parametrize("page", [0, 26, -1])
def test_a_page_the_pdf_does_not_have_is_a_clear_error(page: int, stored: Store, tmp_path: Path) -> None:
    (revision,) = stored.revisions(stored.resolve_plan(None))
    with pytest.raises(NoPageError, match=f"kcc-2015.pdf: has no page {page}: its pages are 1 to 25"):
        page_image(stored, revision, page, cache_dir=tmp_path / "pages")
    assert not (tmp_path / "pages").exists()


def _stored_as(store: Store, data: bytes, pages: int = 1) -> Revision:
    """Store `data` as the PDF of a revision with no records (as a hostile file that was read would be)."""
    return store.add_revision(
        "Hostile", None, NewRevision("Hostile", "hostile.pdf", sha(data), pages, (), (), source_bytes=data)
    )


def test_a_pdf_of_garbage_is_a_clear_error(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 's.db'}")
    revision = _stored_as(store, b"%PDF-1.7\n" + bytes(range(256)) * 40 + b"\n%%EOF\n")
    with pytest.raises(DamagedPdfError) as caught:
        page_image(store, revision, 1, cache_dir=tmp_path / "pages")
    said = str(caught.value)
    assert said.startswith("hostile.pdf: cannot be drawn") and "\n" not in said
    assert not (tmp_path / "pages").exists()  # nothing cached
    store.close()


def test_a_page_too_large_to_draw_is_refused_before_it_is_drawn(tmp_path: Path) -> None:
    import pypdfium2

    pdf = pypdfium2.PdfDocument.new()
    pdf.new_page(14400, 14400)  # 200 inches square: 466 million pixels at 1.5 a point
    out = io.BytesIO()
    pdf.save(out)
    pdf.close()
    store = Store(f"sqlite:///{tmp_path / 's.db'}")
    revision = _stored_as(store, out.getvalue())
    with pytest.raises(InputError, match=r"hostile.pdf: page 1 is too large to draw \(14400 × 14400 points\)"):
        page_image(store, revision, 1, cache_dir=tmp_path / "pages")
    store.close()


def test_owner_returns_show_the_pdf_they_were_collected_against(stored: Store, tmp_path: Path) -> None:
    plan = stored.resolve_plan(None)
    (base,) = stored.revisions(plan)
    records = stored.records(base)
    draft = stored.add_revision(
        plan.name,
        "r1-returns",
        NewRevision(base.title, "Policy.xlsx", "f" * 64, base.pages, base.columns, records, kind="owner-returns"),
        draft=True,
        base=base.label,
    )
    assert pdf_revision(stored, draft) == base
    boxes = records[0].bboxes
    shown = page_image(stored, draft, 1, boxes=boxes, cache_dir=tmp_path / "pages")
    assert shown == page_image(stored, base, 1, boxes=boxes, cache_dir=tmp_path / "pages")


# A page whose media box does not start at 0, 0, with "Hi" printed near its top-left corner.
OFFSET_PAGE = b"""%PDF-1.4
1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj
2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj
3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [50 100 250 200] /Contents 4 0 R
  /Resources << /Font << /F1 5 0 R >> >> >> endobj
4 0 obj << /Length 34 >> stream
BT /F1 10 Tf 60 180 Td (Hi) Tj ET
endstream endobj
5 0 obj << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> endobj
trailer << /Root 1 0 R >>
%%EOF
"""


def test_boxes_land_where_the_extractor_measured_them_on_a_page_not_at_0_0() -> None:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(OFFSET_PAGE)) as pdf:
        chars = pdf.pages[0].chars
    x0, x1 = min(c["x0"] for c in chars), max(c["x1"] for c in chars)
    top, bottom = min(c["top"] for c in chars), max(c["bottom"] for c in chars)
    assert top < 0  # measured down from the media box's height above y = 0: the page's corner is at x 50, top -100
    scale = 4.0

    def pixels(x: float, y: float) -> tuple[int, int]:
        return round((x - 50) * scale), round((y + 100) * scale)

    plain = page_images.render_page(OFFSET_PAGE, 1, scale, "offset.pdf")
    with Image.open(io.BytesIO(plain)) as image:
        grey = image.convert("L")
    assert grey.size == (800, 400)

    def darkest(x_from: float, x_to: float) -> int:
        low = grey.crop((*pixels(x_from, top), *pixels(x_to, bottom))).getextrema()[0]
        assert isinstance(low, int)
        return low

    assert darkest(x0, x1) < 100  # the word's box holds its ink
    assert darkest(x1 + 5, x1 + 40) > 250  # beside it, none
    outlined = page_images.draw_boxes(plain, [BBox(1, x0, top, x1, bottom)], scale=scale)
    with Image.open(io.BytesIO(outlined)) as image:
        left, middle = pixels(x0, (top + bottom) / 2)
        assert image.convert("RGB").getpixel((left + 1, middle)) == BOX_COLOUR
