"""Workspace API 2.0 and context-scoped %pip through databricks-sdk over HTTPS."""

from __future__ import annotations

import base64
import time
import zipfile
from pathlib import Path

import pytest
from databricks.sdk.errors import BadRequest, ResourceAlreadyExists, ResourceDoesNotExist
from databricks.sdk.service.compute import Language
from databricks.sdk.service.workspace import ImportFormat, ObjectType
from databricks.sdk.service.workspace import Language as NotebookLanguage

from integration_tests.local_workspace.sdk_fixtures import sdk_workspace, w  # noqa: F401
from local_workspace.rest.cluster_registry import ALL_PURPOSE_ID


@pytest.fixture(scope="module")
def home(w):  # noqa: F811
    return f"/Users/{w.current_user.me().user_name}"


def test_import_rules(w, home):  # noqa: F811
    w.workspace.mkdirs(f"{home}/rules")
    w.workspace.upload(f"{home}/rules/nb.py", b"print(1)", language=NotebookLanguage.PYTHON)
    w.workspace.upload(f"{home}/rules/mod.py", b"X = 1\n", format=ImportFormat.AUTO)
    header = b"# Databricks notebook source\nprint(2)\n"
    w.workspace.upload(f"{home}/rules/auto_nb.py", header, format=ImportFormat.AUTO)
    w.workspace.upload(f"{home}/rules/raw.py", header, format=ImportFormat.RAW)
    kinds = {o.path.rsplit("/", 1)[1]: o.object_type for o in w.workspace.list(f"{home}/rules")}
    assert kinds == {
        "nb": ObjectType.NOTEBOOK,
        "mod.py": ObjectType.FILE,
        "auto_nb": ObjectType.NOTEBOOK,
        "raw.py": ObjectType.FILE,
    }
    exported = w.workspace.export(f"{home}/rules/nb")
    assert base64.b64decode(exported.content) == b"# Databricks notebook source\nprint(1)"
    assert w.workspace.download(f"{home}/rules/mod.py").read() == b"X = 1\n"


def test_errors(w, home):  # noqa: F811
    w.workspace.mkdirs(f"{home}/errs")
    w.workspace.upload(f"{home}/errs/a.txt", b"a", format=ImportFormat.AUTO)
    with pytest.raises(ResourceAlreadyExists):
        w.workspace.upload(f"{home}/errs/a.txt", b"b", format=ImportFormat.AUTO)
    with pytest.raises(ResourceDoesNotExist):
        w.workspace.upload(f"{home}/missing/a.txt", b"b", format=ImportFormat.AUTO)
    with pytest.raises(ResourceAlreadyExists):
        w.workspace.mkdirs(f"{home}/errs/a.txt/sub")
    with pytest.raises(BadRequest) as raised:
        w.workspace.delete(f"{home}/errs")
    assert raised.value.error_code == "DIRECTORY_NOT_EMPTY"
    with pytest.raises(BadRequest) as raised:
        w.workspace.upload(
            f"{home}/errs/big.bin", b"x" * (10 * 1024 * 1024 + 1), format=ImportFormat.AUTO
        )
    assert "MAX_NOTEBOOK_SIZE_EXCEEDED" in (raised.value.error_code or "")
    w.workspace.delete(f"{home}/errs", recursive=True)
    with pytest.raises(ResourceDoesNotExist):
        w.workspace.get_status(f"{home}/errs")


def test_thousand_small_files_are_quick(w, home):  # noqa: F811
    w.workspace.mkdirs(f"{home}/many")
    started = time.monotonic()
    for i in range(1000):
        w.workspace.upload(f"{home}/many/f{i}.py", f"V = {i}\n".encode(), format=ImportFormat.AUTO)
    uploaded = time.monotonic()
    statuses = [w.workspace.get_status(f"{home}/many/f{i}.py") for i in range(0, 1000, 10)]
    listed = list(w.workspace.list(f"{home}/many"))
    assert len(listed) == 1000 and all(s.size for s in statuses)
    assert uploaded - started < 15, f"1000 uploads took {uploaded - started:.1f} s"


def test_pip_install_is_scoped_to_the_context(w, tmp_path):  # noqa: F811
    wheel = _wheel(tmp_path, "lw_pip_probe", "0.1.0", "VALUE = 'installed'\n")
    one = w.command_execution.create_and_wait(cluster_id=ALL_PURPOSE_ID, language=Language.PYTHON)
    two = w.command_execution.create_and_wait(cluster_id=ALL_PURPOSE_ID, language=Language.PYTHON)
    try:
        installed = _run(w, one.id, f"%pip install --no-index {wheel}")
        assert "Successfully installed lw-pip-probe-0.1.0" in installed.data
        assert _run(w, one.id, "import lw_pip_probe\nlw_pip_probe.VALUE").data.endswith(
            "'installed'\n"
        )
        assert "ModuleNotFoundError" in _run(w, two.id, "import lw_pip_probe").summary
    finally:
        for context in (one, two):
            w.command_execution.destroy(cluster_id=ALL_PURPOSE_ID, context_id=context.id)


def _run(w, context_id, command):  # noqa: F811
    return w.command_execution.execute_and_wait(
        cluster_id=ALL_PURPOSE_ID, context_id=context_id, language=Language.PYTHON, command=command
    ).results


def _wheel(directory: Path, name: str, version: str, source: str) -> Path:
    """A minimal pure-Python wheel, built by hand (no network, no build backend)."""
    dist = f"{name}-{version}.dist-info"
    files = {
        f"{name}/__init__.py": source,
        f"{dist}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n",
        f"{dist}/WHEEL": "Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    files[f"{dist}/RECORD"] = "".join(f"{path},,\n" for path in [*files, f"{dist}/RECORD"])
    path = directory / f"{name}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as archive:
        for member, text in files.items():
            archive.writestr(member, text)
    return path


def test_dotfiles_are_listed_like_any_file(w, home):  # noqa: F811
    w.workspace.mkdirs(f"{home}/dots")
    w.workspace.upload(f"{home}/dots/.gitignore", b"data/\n", format=ImportFormat.AUTO)
    assert {o.path for o in w.workspace.list(f"{home}/dots")} == {f"{home}/dots/.gitignore"}
