"""The Workspace tree on disk: directories, workspace files and notebooks.

Workspace path ``/Users/me/p/a.py`` is the file ``<root>/Users/me/p/a.py``, which execution
contexts see as ``/Workspace/Users/me/p/a.py``. A notebook ``/Users/me/nb`` is stored as
``<root>/Users/me/nb.__notebook__.<lang>``: beside the files, so directory operations stay
plain file-system operations, yet never importable as a Python module (a notebook is not one on
Databricks either). Object ids are inode numbers: stable while the object exists, no index.
"""

from __future__ import annotations

import os
import shutil
import stat
from dataclasses import dataclass
from pathlib import Path

from local_workspace.data_dir import write_atomic
from local_workspace.rest.errors import ApiError

NOTEBOOK_MARK = ".__notebook__."
LANGUAGES = {"PYTHON": "py", "SQL": "sql", "SCALA": "scala", "R": "r"}
HEADERS = {
    "PYTHON": "# Databricks notebook source",
    "SQL": "-- Databricks notebook source",
    "SCALA": "// Databricks notebook source",
    "R": "# Databricks notebook source",
}


@dataclass(frozen=True)
class WorkspaceObject:
    """One object: its workspace path, type and the local file behind it."""

    path: str
    object_type: str  # DIRECTORY, FILE, NOTEBOOK
    local: Path
    language: str | None = None


class WorkspaceTree:
    """Workspace objects under ``root``."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def ensure_dirs(self, *paths: str) -> None:
        for path in paths:
            self.local(normalize(path)).mkdir(parents=True, exist_ok=True)

    def local(self, path: str) -> Path:
        return self.root / path.lstrip("/") if path != "/" else self.root

    def find(self, path: str) -> WorkspaceObject | None:
        """The object at ``path`` (already normalized), or None."""
        local = self.local(path)
        try:
            mode = local.stat().st_mode
        except (FileNotFoundError, NotADirectoryError):
            return self._notebook(path, local)
        kind = "DIRECTORY" if stat.S_ISDIR(mode) else "FILE"
        return WorkspaceObject(path, kind, local)

    def get(self, path: str) -> WorkspaceObject:
        found = self.find(path)
        if found is None:
            raise ApiError("RESOURCE_DOES_NOT_EXIST", f"Path ({path}) doesn't exist.")
        return found

    def children(self, directory: WorkspaceObject) -> list[WorkspaceObject]:
        base = directory.path.rstrip("/")
        objects = []
        with os.scandir(directory.local) as entries:
            for entry in entries:
                if not _is_partial_write(entry.name):  # dotfiles are listed, as on Databricks
                    objects.append(_object_of(base, entry))
        return objects

    def write(self, obj_path: str, content: bytes, language: str | None, overwrite: bool) -> None:
        """Create or replace a file (``language`` None) or a notebook at ``obj_path``."""
        self._require_parent(obj_path)
        existing = self.find(obj_path)
        if existing is not None and (not overwrite or existing.object_type == "DIRECTORY"):
            raise ApiError("RESOURCE_ALREADY_EXISTS", f"Path ({obj_path}) already exists.")
        if existing is not None:
            existing.local.unlink()  # a file may become a notebook and back
        target = self.local(obj_path)
        if language is not None:
            target = target.with_name(target.name + NOTEBOOK_MARK + LANGUAGES[language])
        write_atomic(target, content)

    def mkdirs(self, path: str) -> None:
        for parent in [*reversed(Path(path).parents), Path(path)]:
            found = self.find(str(parent))
            if found is not None and found.object_type != "DIRECTORY":
                raise ApiError(
                    "RESOURCE_ALREADY_EXISTS",
                    f"Cannot create directory {path}: {parent} is a {found.object_type.lower()}",
                )
        self.local(path).mkdir(parents=True, exist_ok=True)

    def delete(self, path: str, recursive: bool) -> None:
        found = self.get(path)
        if found.object_type != "DIRECTORY":
            found.local.unlink()
        elif recursive:
            shutil.rmtree(found.local)
        elif any(os.scandir(found.local)):
            raise ApiError("DIRECTORY_NOT_EMPTY", f"Folder ({path}) is not empty.")
        else:
            found.local.rmdir()

    def _require_parent(self, path: str) -> None:
        parent = str(Path(path).parent)
        found = self.find(parent)
        if found is None or found.object_type != "DIRECTORY":
            raise ApiError(
                "RESOURCE_DOES_NOT_EXIST", f"The parent folder ({parent}) does not exist."
            )

    def _notebook(self, path: str, local: Path) -> WorkspaceObject | None:
        for language, suffix in LANGUAGES.items():
            candidate = local.with_name(local.name + NOTEBOOK_MARK + suffix)
            if candidate.is_file():
                return WorkspaceObject(path, "NOTEBOOK", candidate, language)
        return None


def _object_of(base: str, entry: os.DirEntry) -> WorkspaceObject:
    local = Path(entry.path)
    name, mark, suffix = entry.name.partition(NOTEBOOK_MARK)
    if mark and entry.is_file():
        language = next((k for k, v in LANGUAGES.items() if v == suffix), "PYTHON")
        return WorkspaceObject(f"{base}/{name}", "NOTEBOOK", local, language)
    kind = "DIRECTORY" if entry.is_dir() else "FILE"
    return WorkspaceObject(f"{base}/{entry.name}", kind, local)


def normalize(path: str | None) -> str:
    """An absolute workspace path without ``/Workspace``; INVALID_PARAMETER_VALUE if bad."""
    if not path or not path.startswith("/"):
        raise ApiError("INVALID_PARAMETER_VALUE", f"Path ({path}) must be absolute")
    if path == "/Workspace" or path.startswith("/Workspace/"):
        path = path[len("/Workspace") :] or "/"
    parts = [p for p in path.split("/") if p]
    if any(p in (".", "..") or NOTEBOOK_MARK in p for p in parts):
        raise ApiError("INVALID_PARAMETER_VALUE", f"Path ({path}) is not a valid workspace path")
    return "/" + "/".join(parts)


def _is_partial_write(name: str) -> bool:
    """write_atomic's temporary file (`.<name>.<pid>.tmp`), never a workspace object."""
    return name.startswith(".") and name.endswith(".tmp")
