"""Owner keys and owner workbooks: one owner however the plan spells them, one file each, all or nothing."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from pipeline.errors import OutputError
from pipeline.extraction import extract_plan
from pipeline.normalise import interpret
from pipeline.owners import fold, owner_files, unify_keys
from pipeline.records import Issue, NewRevision, Record
from pipeline.settings import load_settings
from pipeline.store import Store
from pipeline.update_round import make_owner_workbooks
from tests.conftest import DATA

# Owners that differ only by case, punctuation or script, and names Windows reserves.
OWNERS = [
    ("Policy",),
    ("POLICY",),
    ("Policy Team",),
    ("Policy-Team",),
    ("Finance & Resources",),
    ("Finance / Resources",),
    ("السياسات العامة",),
    ("政策チーム",),
    ("財務チーム",),
    ("CON",),
    ("nul",),
    ("Ｐｏｌｉｃｙ",),
]


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Policy", "POLICY", True),
        ("Policy", "  policy ", True),
        ("Policy", "Ｐｏｌｉｃｙ", True),
        ("Policy Team", "Policy-Team", False),
        ("Finance & Resources", "Finance / Resources", False),
        ("政策チーム", "財務チーム", False),
    ],
)
def test_fold_forgives_case_spacing_and_width_only(a: str, b: str, same: bool) -> None:
    assert (fold(a) == fold(b)) is same


def test_the_spelling_most_used_is_the_key() -> None:
    canonical = unify_keys([("POLICY",), ("Policy",), ("Policy", "Procurement"), ("PROCUREMENT",)])
    assert canonical == {
        "POLICY": "Policy",
        "Policy": "Policy",
        "Procurement": "Procurement",
        "PROCUREMENT": "Procurement",
    }


def test_file_names_are_unique_by_construction() -> None:
    keys = [
        "Policy Team",
        "Policy-Team",
        "Finance & Resources",
        "Finance / Resources",
        "CON",
        "nul",
        "政策チーム",
        "財務チーム",
        "../..",
    ]
    names = owner_files(keys)
    assert len(set(names.values())) == len(keys)
    assert names["政策チーム"] == "政策チーム.xlsx"
    stems = [n.removesuffix(".xlsx") for n in names.values()]
    assert not any(stem.lower() in {"con", "nul", "owner"} for stem in stems)
    assert names == owner_files(list(reversed(keys)))  # stable whatever the order


def _store_with_owners(tmp_path: Path) -> tuple[Store, list[Record]]:
    settings = load_settings()
    extraction = extract_plan(DATA / "kcc-2014.pdf")
    records = [replace(r, owners=OWNERS[i % len(OWNERS)]) for i, r in enumerate(extraction.records)]
    read = [interpret(r, settings) for r in records]
    canonical = unify_keys([r.owner_keys for r in read])
    read = [replace(r, owner_keys=tuple(dict.fromkeys(canonical[k] for k in r.owner_keys))) for r in read]
    store = Store(f"sqlite:///{tmp_path / 'store.db'}")
    source = extraction.source
    store.add_revision(
        "Owners plan", "r1", NewRevision(source.title, "owners.pdf", "0" * 64, source.pages, source.columns, read)
    )
    return store, read


def test_every_owner_gets_a_workbook_with_all_their_rows(tmp_path: Path) -> None:
    store, records = _store_with_owners(tmp_path)
    written = make_owner_workbooks(store, tmp_path / "owners").files
    keys = {k for r in records for k in r.owner_keys}
    assert len(keys) == len(OWNERS) - 2  # "POLICY" and the full-width "Ｐｏｌｉｃｙ" are the owner "Policy"
    files = sorted((tmp_path / "owners").glob("*.xlsx"))
    assert len(files) == len(written) == len(keys)
    for key, path in written:
        book = openpyxl.load_workbook(path, read_only=True)
        ids = {str(row[0]) for row in book.worksheets[0].iter_rows(values_only=True) if row and row[0]}
        book.close()
        want = {r.id for r in records if key in r.owner_keys}
        assert want <= ids, key
    store.close()


def test_owner_workbooks_are_written_all_or_none(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store, _ = _store_with_owners(tmp_path)
    out = tmp_path / "owners"
    # A disk that fills part-way through writing: the folder is left with no new workbooks at all.
    from pipeline.export import owner_workbook

    original = owner_workbook.write_owner_workbook
    written: list[Path] = []

    def write_then_fail(path: Path, *args: Any, **kwargs: Any) -> tuple[Path, list[Issue]]:
        if len(written) == 3:
            raise OSError(28, "No space left on device")
        written.append(path)
        return original(path, *args, **kwargs)

    monkeypatch.setattr("pipeline.update_round.workbooks.write_owner_workbook", write_then_fail)
    with pytest.raises(OutputError, match="nothing was written"):
        make_owner_workbooks(store, out)
    assert not list(out.glob("*.xlsx"))
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".owners.")]  # no staging folder left
    store.close()
