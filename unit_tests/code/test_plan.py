from __future__ import annotations

import logging
from pathlib import Path

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from source_databricks.code.plan import (
    Entry,
    file_hashes,
    is_safe,
    make_plan,
    parse_manifest,
    render_manifest,
)
from source_databricks.code.scan import LocalFile

LOGGER = logging.getLogger("test")


def files_of(tree: dict[str, str]) -> tuple[list[LocalFile], dict[str, Entry]]:
    files = [LocalFile(p, Path("/nowhere"), len(t)) for p, t in sorted(tree.items())]
    return files, {p: Entry(f"h-{t}", len(t)) for p, t in tree.items()}


def test_first_sync_uploads_everything_and_creates_the_deepest_directories() -> None:
    files, local = files_of({"a.py": "1", "pkg/m.py": "2", "pkg/sub/n.py": "3", "x/y.txt": "4"})
    plan = make_plan(files, local, None)
    assert [f.path for f in plan.uploads] == ["a.py", "pkg/m.py", "pkg/sub/n.py", "x/y.txt"]
    assert plan.mkdirs == ("pkg/sub", "x")
    assert plan.deletes == ()


def test_first_sync_of_flat_or_empty_projects_creates_the_remote_directory() -> None:
    assert make_plan(*files_of({"a.py": "1"}), None).mkdirs == ("",)
    assert make_plan(*files_of({}), None).mkdirs == ("",)


def test_unchanged_project_plans_nothing() -> None:
    files, local = files_of({"a.py": "1", "pkg/m.py": "2"})
    plan = make_plan(files, local, dict(local))
    assert (plan.uploads, plan.deletes, plan.mkdirs, plan.unchanged) == ((), (), (), 2)


def test_one_change_is_one_upload() -> None:
    files, local = files_of({"a.py": "1", "pkg/m.py": "2"})
    _, before = files_of({"a.py": "1", "pkg/m.py": "old"})
    plan = make_plan(files, local, before)
    assert [f.path for f in plan.uploads] == ["pkg/m.py"]
    assert (plan.deletes, plan.mkdirs, plan.unchanged) == ((), (), 1)


def test_removed_directories_are_deleted_once_at_their_top() -> None:
    files, local = files_of({"a.py": "1", "pkg/keep.py": "k"})
    _, before = files_of(
        {"a.py": "1", "gone.py": "g", "pkg/keep.py": "k", "pkg/old/x.py": "", "old/y/z.py": ""}
    )
    assert make_plan(files, local, before).deletes == ("gone.py", "old", "pkg/old")


def test_a_file_replaced_by_a_directory_and_back() -> None:
    files, local = files_of({"a/b.py": "1", "c": "2"})
    _, before = files_of({"a": "0", "c/d.py": "3"})
    plan = make_plan(files, local, before)
    assert plan.deletes == ("a", "c")
    assert plan.mkdirs == ("a",)
    assert sorted(f.path for f in plan.uploads) == ["a/b.py", "c"]


def test_manifest_round_trip_and_unsafe_entries_dropped() -> None:
    _, local = files_of({"a.py": "1", "données/é x.py": "2"})
    assert parse_manifest(render_manifest(local), LOGGER) == local
    entry = {"sha256": "h", "size": 1}
    raw = orjson.dumps({"format": 1, "files": {"../x": entry, "ok": entry}})
    assert parse_manifest(raw, LOGGER) == {"ok": Entry("h", 1)}


def test_unreadable_manifest_means_everything_is_sent_again() -> None:
    for raw in (b"not json", b"[]", b'{"format": 99, "files": {}}', b'{"format": 1}'):
        assert parse_manifest(raw, LOGGER) == {}
    assert parse_manifest(None, LOGGER) is None


def test_is_safe() -> None:
    assert is_safe("a/b c/d.py")
    for bad in ("", "/abs", "a/../b", "..", "a//b", "./a", "a\\b", 5, "a\x00"):
        assert not is_safe(bad)


def test_file_hashes_are_sha256(tmp_path: Path) -> None:
    (tmp_path / "f").write_bytes(b"abc")
    hashes = file_hashes([LocalFile("f", tmp_path / "f", 3)])
    assert hashes["f"].sha256.startswith("ba7816bf")


# Property: applying the plan to a remote holding the previous tree yields exactly the new one.
TREES = st.dictionaries(
    st.lists(st.sampled_from(["a", "b", "c"]), min_size=1, max_size=3).map("/".join),
    st.sampled_from(["1", "2"]),
    max_size=8,
)


def valid(tree: dict[str, str]) -> dict[str, str]:
    return {p: t for p, t in tree.items() if not any(o.startswith(f"{p}/") for o in tree)}


@settings(max_examples=300, deadline=None)
@given(before=TREES.map(valid), after=TREES.map(valid))
def test_applying_the_plan_reproduces_the_local_tree(before: dict, after: dict) -> None:
    from unit_tests.code.fake_remote import FakeRemote

    remote = FakeRemote()
    remote.mkdirs("")
    for path, text in _apply(remote, {}, before).items():
        assert remote.tree()[path] == text.encode()
    _apply(remote, before, after)
    assert remote.tree() == {p: t.encode() for p, t in after.items()}


def _apply(remote, before: dict, after: dict) -> dict:
    files, local = files_of(after)
    plan = make_plan(files, local, files_of(before)[1] if before else None)
    for path in plan.deletes:
        remote.delete(path)
    for path in plan.mkdirs:
        remote.mkdirs(path)
    for file in plan.uploads:
        remote.upload(file.path, after[file.path].encode())
    return after
