from __future__ import annotations

import errno
import logging
import time
from pathlib import Path

import pytest
from airbyte_cdk.models import FailureType
from airbyte_cdk.utils.traced_exception import AirbyteTracedException
from databricks.sdk.errors import PermissionDenied

from source_databricks.code.config import SyncOptions
from source_databricks.code.sync import sync_project
from unit_tests.code.fake_remote import FakeRemote
from unit_tests.code.test_scan import make_tree

LOGGER = logging.getLogger("test")
PROJECT = {
    ".gitignore": "data/\n",
    "pkg/__init__.py": "",
    "pkg/transform.py": "def f(): return 1\n",
    "data/big.csv": "x" * 100,
    "README.md": "hi",
}


def sync(root: Path, remote: FakeRemote, **options: object):
    return sync_project(remote, root.resolve(), SyncOptions(**options), LOGGER)


def test_first_sync_then_nothing_then_one_change(tmp_path: Path) -> None:
    root, remote = make_tree(tmp_path, PROJECT), FakeRemote()
    first = sync(root, remote)
    assert (first.files_sent, first.files_unchanged, first.files_total) == (4, 0, 4)
    assert set(remote.tree()) == {".gitignore", "pkg/__init__.py", "pkg/transform.py", "README.md"}
    remote.calls.clear()
    again = sync(root, remote)
    assert (again.files_sent, again.files_deleted, again.files_unchanged) == (0, 0, 4)
    assert remote.calls == [("read_manifest", ".airbyte-sync-manifest.json")]
    (root / "pkg/transform.py").write_text("def f(): return 2\n")
    remote.calls.clear()
    changed = sync(root, remote)
    assert (changed.files_sent, changed.bytes_sent) == (1, 18)
    assert remote.count("upload") == 3  # the interim manifest, the file, the manifest
    assert remote.tree()["pkg/transform.py"] == b"def f(): return 2\n"


def test_deleted_files_and_directories_are_deleted_remotely(tmp_path: Path) -> None:
    root, remote = make_tree(tmp_path, {**PROJECT, "old/x.py": ""}), FakeRemote()
    sync(root, remote)
    (root / "README.md").unlink()
    (root / "old/x.py").unlink()
    (root / "old").rmdir()
    summary = sync(root, remote)
    assert summary.files_deleted == 2
    assert set(remote.tree()) == {".gitignore", "pkg/__init__.py", "pkg/transform.py"}
    assert not any(d.endswith("/old") for d in remote.dirs)


class FlakyRemote(FakeRemote):
    """Lets `allowed` uploads through, then fails every upload (a workspace gone away)."""

    def __init__(self, allowed: int) -> None:
        super().__init__()
        self.allowed = allowed

    def upload(self, relative: str, content: bytes) -> None:
        with self.lock:
            self.allowed -= 1
            failing = self.allowed < 0
        if failing:
            raise TimeoutError("Timed out after 0:00:30")
        super().upload(relative, content)


@pytest.mark.parametrize("allowed", [0, 1, 2, 3])
def test_after_an_interrupted_sync_no_file_in_flight_is_trusted(tmp_path: Path, allowed) -> None:
    root, remote = make_tree(tmp_path, {"a.py": "a = 1\n", "b.py": "b = 1\n"}), FakeRemote()
    sync(root, remote)
    (root / "a.py").write_text("a = 2\n")
    (root / "c.py").write_text("c = 1\n")
    flaky = FlakyRemote(allowed)
    flaky.files, flaky.dirs = dict(remote.files), set(remote.dirs)
    with pytest.raises(AirbyteTracedException) as raised:
        sync(root, flaky)
    assert raised.value.failure_type == FailureType.transient_error
    # Whatever landed, the user reverts a.py and drops c.py before the next sync.
    (root / "a.py").write_text("a = 1\n")
    (root / "c.py").unlink()
    remote.files, remote.dirs = flaky.files, flaky.dirs
    sync(root, remote)
    assert remote.tree() == {"a.py": b"a = 1\n", "b.py": b"b = 1\n"}


def test_size_limits_fail_before_anything_is_sent(tmp_path: Path) -> None:
    root = make_tree(tmp_path, {"small.py": "x", "big.bin": "x" * 3000, "mid.bin": "x" * 2000})
    remote = FakeRemote()
    with pytest.raises(AirbyteTracedException) as raised:
        sync(root, remote, max_file_size_mb=0.0015)
    assert raised.value.failure_type == FailureType.config_error
    assert "big.bin (0.00 MB), mid.bin" in raised.value.message
    assert "max_file_size_mb = 0.0015 MB" in raised.value.message
    with pytest.raises(AirbyteTracedException, match=r"add up to 0\.01 MB, over max_size_mb"):
        sync(root, remote, max_size_mb=0.004)
    assert remote.calls == []


def test_sync_errors_say_what_to_fix(tmp_path: Path) -> None:
    class Denied(FakeRemote):
        def mkdirs(self, relative: str) -> None:
            raise PermissionDenied("User cannot write to /Users/other")

    with pytest.raises(AirbyteTracedException) as raised:
        sync(make_tree(tmp_path, PROJECT), Denied())
    assert raised.value.failure_type == FailureType.config_error
    assert "Permission denied while trying to create directories" in raised.value.message


def test_resync_of_5000_unchanged_files_is_fast(tmp_path: Path) -> None:
    root = make_tree(tmp_path, {f"pkg{i % 50}/m{i}.py": f"x = {i}\n" for i in range(5000)})
    remote = FakeRemote()
    sync(root, remote)
    started = time.perf_counter()
    summary = sync(root, remote)
    assert summary.files_unchanged == 5000 and summary.files_sent == 0
    assert time.perf_counter() - started < 2.0


def test_an_unreadable_file_is_a_config_error_before_anything_is_sent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, remote = make_tree(tmp_path, PROJECT), FakeRemote()
    locked = (root / "pkg/transform.py").resolve()

    def guarded(path, *args, **kwargs):
        if Path(path) == locked:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return open(path, *args, **kwargs)

    monkeypatch.setattr("source_databricks.code.plan.open", guarded, raising=False)
    with pytest.raises(AirbyteTracedException) as raised:
        sync(root, remote)
    assert raised.value.failure_type == FailureType.config_error
    assert f"Cannot read {locked} in the project (Permission denied)" in raised.value.message
    assert remote.count("upload") == remote.count("mkdirs") == 0
