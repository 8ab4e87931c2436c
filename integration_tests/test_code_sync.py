"""Project sync against the real local workspace, through the real databricks-sdk."""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

import pytest
from airbyte_cdk.utils.traced_exception import AirbyteTracedException
from databricks.sdk.errors import NotFound
from databricks.sdk.service.workspace import ObjectType

from integration_tests.local_workspace.sdk_fixtures import sdk_workspace, w  # noqa: F401
from source_databricks.code.config import MANIFEST_NAME, SyncOptions
from source_databricks.code.remote import RemoteDir
from source_databricks.code.sync import sync_project
from unit_tests.code.test_scan import make_tree

LOGGER = logging.getLogger("test_code_sync")


@pytest.fixture
def remote(w, request) -> RemoteDir:  # noqa: F811
    me = w.current_user.me().user_name
    return RemoteDir(w, f"/Users/{me}/.airbyte/{request.node.name[:40]}")


def remote_files(remote: RemoteDir, dotfiles: tuple[str, ...] = ()) -> set[str]:
    """Files below the remote directory. The local workspace's `list` leaves out names
    starting with a dot, so those given are looked up one by one."""
    prefix = f"{remote.root}/"
    listed = {
        o.path.removeprefix(prefix)
        for o in remote.client.workspace.list(remote.root, recursive=True)
    }
    return listed | {name for name in (MANIFEST_NAME, *dotfiles) if exists(remote, name)}


def exists(remote: RemoteDir, name: str) -> bool:
    try:
        return remote.client.workspace.get_status(remote.path(name)).object_type == ObjectType.FILE
    except NotFound:
        return False


def sync(root: Path, remote: RemoteDir, **options):
    return sync_project(remote, root.resolve(), SyncOptions(**options), LOGGER)


def test_sync_resync_nothing_one_change_and_deletes(tmp_path: Path, remote: RemoteDir) -> None:
    big = os.urandom(1_500_000)
    root = make_tree(tmp_path, {"pkg/__init__.py": "", "pkg/mod.py": "X = 1\n", "a b/é.sql": ""})
    (root / "blob.bin").write_bytes(big)
    (root / "nb.py").write_text("# Databricks notebook source\nprint(1)\n")
    first = sync(root, remote)
    assert (first.files_sent, first.bytes_sent) == (5, 1_500_000 + 6 + 38)
    files = remote_files(remote)
    assert files == {
        ".airbyte-sync-manifest.json", "a b/é.sql", "blob.bin", "nb.py", "pkg/__init__.py",
        "pkg/mod.py",
    }  # fmt: skip
    assert remote.client.workspace.download(remote.path("blob.bin")).read() == big
    status = remote.client.workspace.get_status(remote.path("nb.py"))
    assert status.object_type == ObjectType.FILE  # never a notebook

    again = sync(root, remote)
    assert (again.files_sent, again.files_deleted, again.files_unchanged) == (0, 0, 5)

    (root / "pkg/mod.py").write_text("X = 2\n")
    changed = sync(root, remote)
    assert (changed.files_sent, changed.files_unchanged) == (1, 4)
    assert remote.client.workspace.download(remote.path("pkg/mod.py")).read() == b"X = 2\n"

    (root / "blob.bin").unlink()
    for name in ("pkg/mod.py", "pkg/__init__.py"):
        (root / name).unlink()
    (root / "pkg").rmdir()
    deleted = sync(root, remote)
    assert deleted.files_deleted == 2  # blob.bin and the pkg directory
    assert remote_files(remote) == {".airbyte-sync-manifest.json", "a b/é.sql", "nb.py"}
    with pytest.raises(NotFound):
        remote.client.workspace.get_status(remote.path("pkg"))


def test_gitignore_negation_and_nested_files(tmp_path: Path, remote: RemoteDir) -> None:
    root = make_tree(
        tmp_path,
        {
            ".gitignore": "*.csv\n!keep.csv\ndata/\n",
            "keep.csv": "k",
            "drop.csv": "d",
            "data/x.py": "",
            "src/.gitignore": "local_*.py\n!*.csv\n",
            "src/local_settings.py": "",
            "src/inner.csv": "",
            "src/m.py": "",
        },
    )
    sync(root, remote)
    assert sorted(remote_files(remote, (".gitignore", "src/.gitignore"))) == [
        ".airbyte-sync-manifest.json", ".gitignore", "keep.csv", "src/.gitignore",
        "src/inner.csv", "src/m.py",
    ]  # fmt: skip


def test_size_limits_fail_before_any_upload(tmp_path: Path, remote: RemoteDir) -> None:
    root = make_tree(tmp_path, {"ok.py": ""})
    (root / "huge.bin").write_bytes(b"\0" * 2_000_000)
    with pytest.raises(AirbyteTracedException, match=r"huge\.bin \(2\.00 MB\)"):
        sync(root, remote, max_file_size_mb=1)
    with pytest.raises(NotFound):
        remote.client.workspace.get_status(remote.root)


def test_resync_of_5000_unchanged_files_sends_nothing_in_under_2_s(
    tmp_path: Path, remote: RemoteDir
) -> None:
    root = make_tree(tmp_path, {f"pkg{i % 50}/m{i}.py": f"x = {i}\n" for i in range(5000)})
    started = time.perf_counter()
    first = sync(root, remote)
    first_seconds = time.perf_counter() - started
    started = time.perf_counter()
    again = sync(root, remote)
    seconds = time.perf_counter() - started
    (root / "pkg7/m7.py").write_text("x = 'changed'\n")
    started = time.perf_counter()
    one = sync(root, remote)
    one_seconds = time.perf_counter() - started
    LOGGER.warning(
        f"5,000 files: first sync {first_seconds:.2f} s, unchanged {seconds:.3f} s, "
        f"one change {one_seconds:.3f} s"
    )
    assert first.files_sent == 5000
    assert (again.files_sent, again.files_unchanged) == (0, 5000)
    assert seconds < 2.0
    assert one.files_sent == 1
