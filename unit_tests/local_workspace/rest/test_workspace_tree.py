from __future__ import annotations

import pytest

from local_workspace.rest.errors import ApiError
from local_workspace.rest.workspace_files import _import_target
from local_workspace.rest.workspace_tree import WorkspaceTree, normalize

HEADER = b"# Databricks notebook source\n"


@pytest.mark.parametrize(
    ("path", "fields", "content", "expected"),
    [
        ("/p/nb.py", {"language": "PYTHON"}, b"x", ("/p/nb", "PYTHON")),
        ("/p/q.sql", {"format": "SOURCE", "language": "SQL"}, b"x", ("/p/q", "SQL")),
        ("/p/a.py", {"format": "AUTO"}, b"x = 1", ("/p/a.py", None)),
        ("/p/a.py", {"format": "AUTO"}, HEADER + b"x", ("/p/a", "PYTHON")),
        ("/p/a.py", {"format": "RAW"}, HEADER + b"x", ("/p/a.py", None)),
        ("/p/data.csv", {"format": "AUTO"}, b"a,b", ("/p/data.csv", None)),
    ],
)
def test_import_rules(path, fields, content, expected):
    assert _import_target(path, fields, content) == expected


def test_source_without_language_is_invalid():
    with pytest.raises(ApiError) as raised:
        _import_target("/p/data.csv", {}, b"x")
    assert raised.value.error_code == "INVALID_PARAMETER_VALUE"


@pytest.mark.parametrize(
    ("raw", "expected"), [("/Workspace/Users/a", "/Users/a"), ("/Users//a/", "/Users/a")]
)
def test_normalize(raw, expected):
    assert normalize(raw) == expected


@pytest.mark.parametrize("raw", ["Users/a", "/Users/../etc", "", "/a/b.__notebook__.py"])
def test_normalize_rejects(raw):
    with pytest.raises(ApiError):
        normalize(raw)


def test_notebooks_and_files_side_by_side(tmp_path):
    tree = WorkspaceTree(tmp_path)
    tree.ensure_dirs("/p")
    tree.write("/p/nb", b"print(1)", "PYTHON", overwrite=False)
    tree.write("/p/nb.py", b"x = 1", None, overwrite=False)
    kinds = {o.path: (o.object_type, o.language) for o in tree.children(tree.get("/p"))}
    assert kinds == {"/p/nb": ("NOTEBOOK", "PYTHON"), "/p/nb.py": ("FILE", None)}
    with pytest.raises(ApiError, match="already exists"):
        tree.write("/p/nb", b"again", None, overwrite=False)
    tree.write("/p/nb", b"now a file", None, overwrite=True)
    assert tree.get("/p/nb").object_type == "FILE"
