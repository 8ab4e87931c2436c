from __future__ import annotations

import errno
import io
import logging
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from airbyte_cdk.models import FailureType
from airbyte_cdk.utils.traced_exception import AirbyteTracedException
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from source_databricks.code.config import SyncOptions
from source_databricks.code.scan import scan_project

LOGGER = logging.getLogger("test")


def make_tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def scanned(root: Path, **options: object) -> list[str]:
    return [f.path for f in scan_project(root.resolve(), SyncOptions(**options), LOGGER)]


def test_files_come_sorted_with_posix_paths_and_sizes(tmp_path: Path) -> None:
    make_tree(tmp_path, {"b.py": "x", "pkg/__init__.py": "", "pkg/sub/m.py": "abc"})
    files = scan_project(tmp_path.resolve(), SyncOptions(), LOGGER)
    assert [(f.path, f.size) for f in files] == [
        ("b.py", 1),
        ("pkg/__init__.py", 0),
        ("pkg/sub/m.py", 3),
    ]


def test_git_and_databricks_directories_and_the_manifest_are_always_excluded(
    tmp_path: Path,
) -> None:
    make_tree(
        tmp_path,
        {
            ".git/config": "",
            ".databricks/state.json": "",
            "sub/.git": "gitdir: ../.git/modules/sub",
            "sub/a.py": "",
            ".airbyte-sync-manifest.json": "{}",
            "keep.py": "",
        },
    )
    assert scanned(tmp_path, use_gitignore=False) == ["keep.py", "sub/a.py"]


def test_gitignore_negation_and_nested_files(tmp_path: Path) -> None:
    make_tree(
        tmp_path,
        {
            ".gitignore": "*.log\n!keep.log\ndata/\n/build\n",
            "a.log": "",
            "keep.log": "",
            "data/raw.csv": "",
            "build/x.py": "",
            "src/build/y.py": "",
            "src/.gitignore": "!*.log\nsecret.txt\n",
            "src/debug.log": "",
            "src/secret.txt": "",
            "src/mod.py": "",
            "src/deeper/secret.txt": "",
        },
    )
    assert scanned(tmp_path) == [
        ".gitignore",
        "keep.log",
        "src/.gitignore",
        "src/build/y.py",
        "src/debug.log",
        "src/mod.py",
    ]


def test_nothing_below_an_ignored_directory_is_re_included(tmp_path: Path) -> None:
    make_tree(tmp_path, {".gitignore": "data/\n!data/keep.csv\n", "data/keep.csv": ""})
    assert scanned(tmp_path) == [".gitignore"]


def test_use_gitignore_false_syncs_ignored_files(tmp_path: Path) -> None:
    make_tree(tmp_path, {".gitignore": "*.log\n", "a.log": ""})
    assert scanned(tmp_path, use_gitignore=False) == [".gitignore", "a.log"]


def test_excludes_win_over_gitignore_negations(tmp_path: Path) -> None:
    make_tree(
        tmp_path,
        {".gitignore": "!*.csv\n", "x.csv": "", "notebooks/n.py": "", "ok.py": ""},
    )
    assert scanned(tmp_path, exclude=("*.csv", "notebooks/")) == [".gitignore", "ok.py"]


def test_symlinks_outside_the_project_are_not_followed(tmp_path: Path) -> None:
    outside = make_tree(tmp_path / "outside", {"secret.txt": "s", "dir/x.py": ""})
    root = make_tree(tmp_path / "project", {"pkg/real.py": "r"})
    (root / "secret.txt").symlink_to(outside / "secret.txt")
    (root / "outdir").symlink_to(outside / "dir")
    (root / "dangling").symlink_to(tmp_path / "nothing")
    (root / "inside.py").symlink_to(root / "pkg" / "real.py")
    (root / "pkg" / "loop").symlink_to(root / "pkg")
    (root / "alias").symlink_to(root / "pkg")
    files = scan_project(root.resolve(), SyncOptions(), LOGGER)
    assert [f.path for f in files] == ["alias/real.py", "inside.py", "pkg/real.py"]
    assert {f.source for f in files} == {(root / "pkg" / "real.py").resolve()}


def test_unicode_and_space_names(tmp_path: Path) -> None:
    make_tree(tmp_path, {"données/ma table.py": "", "日本/ファイル 1.sql": ""})
    assert scanned(tmp_path) == ["données/ma table.py", "日本/ファイル 1.sql"]


# Property: the scan keeps exactly the files git itself does not ignore.
NAMES = st.sampled_from(["a", "b", "data", "x.log", "keep.log", "m.py", "tmp"])
PATTERNS = st.sampled_from(
    ["*.log", "!keep.log", "data/", "/a", "tmp", "!tmp", "b/", "!m.py", "*.py", "!b/", "a/*"]
)


@st.composite
def projects(draw: st.DrawFn) -> dict[str, str]:
    paths = draw(st.lists(st.lists(NAMES, min_size=1, max_size=3), min_size=1, max_size=12))
    files = {"/".join([*p[:-1], f"f_{p[-1]}" if len(p) > 1 else p[-1]]): "" for p in paths}
    dirs = sorted({"/".join(p[:-1]) for p in paths})
    for directory in draw(st.lists(st.sampled_from(dirs), max_size=3, unique=True)):
        lines = draw(st.lists(PATTERNS, min_size=1, max_size=4))
        files[f"{directory}/.gitignore".lstrip("/")] = "\n".join(lines) + "\n"
    return _without_file_dir_clashes(files)


def _without_file_dir_clashes(files: dict[str, str]) -> dict[str, str]:
    prefixes = {"/".join(p.split("/")[:i]) for p in files for i in range(1, p.count("/") + 1)}
    return {p: t for p, t in files.items() if p not in prefixes}


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(files=projects())
def test_scan_agrees_with_git(tmp_path_factory: pytest.TempPathFactory, files: dict) -> None:
    root = make_tree(tmp_path_factory.mktemp("p"), files)
    assert scanned(root) == _git_kept(root)


def _git_kept(root: Path) -> list[str]:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    subprocess.run(["git", "init", "-q", str(root)], check=True, env=env)
    listed = subprocess.run(
        ["git", "ls-files", "--others", "--exclude-standard", "-z"],
        cwd=root,
        check=True,
        capture_output=True,
        env=env,
    ).stdout.decode()
    return sorted(p for p in listed.split("\0") if p)


def refuse(monkeypatch: pytest.MonkeyPatch, module, function: str, target: Path) -> None:
    """`module.function` fails with EACCES for `target` (as for a chmod 000 path, even as root)."""
    real = getattr(module, function)

    def guarded(path, *args, **kwargs):
        if Path(path) == target:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(module, function, guarded)


def test_an_unreadable_directory_is_a_config_error_not_a_skip(tmp_path, monkeypatch) -> None:
    # Skipped, its files would be deleted remotely as if they were gone.
    make_tree(tmp_path, {"a.py": "", "secret/b.py": ""})
    refuse(monkeypatch, os, "scandir", tmp_path / "secret")
    with pytest.raises(AirbyteTracedException) as raised:
        scanned(tmp_path)
    assert raised.value.failure_type == FailureType.config_error
    assert f"Cannot read {tmp_path / 'secret'} in the project (Permission denied)" in str(
        raised.value.message
    )


def test_an_unreadable_gitignore_is_a_config_error(tmp_path, monkeypatch) -> None:
    # Ignored, the files it keeps local (say, .env) would be uploaded.
    make_tree(tmp_path, {".gitignore": ".env\n", ".env": "TOKEN=x"})
    refuse(monkeypatch, io, "open", tmp_path / ".gitignore")
    with pytest.raises(AirbyteTracedException, match=r"Cannot read .*\.gitignore"):
        scanned(tmp_path)


def test_an_ignored_unreadable_directory_is_never_read(tmp_path, monkeypatch) -> None:
    make_tree(tmp_path, {".gitignore": "cache/\n", "a.py": "", "cache/x": ""})
    refuse(monkeypatch, os, "scandir", tmp_path / "cache")
    assert scanned(tmp_path) == [".gitignore", "a.py"]
