"""Typed configuration of the optional `code_execution` object.

Sync options come from two places: the project's `pyproject.toml` table
`[tool.source-databricks.sync]` gives the project's defaults, and any option set in the
connection config wins over it. Options set in neither take the defaults below.

The remote directory defaults to `/Workspace/Users/<current user>/.airbyte/<project name>`,
where the project name is `[project].name` of the project's `pyproject.toml`, else the
directory's name.
"""

from __future__ import annotations

import posixpath
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

# The Workspace API refuses imports over 10 MB; files are uploaded whole through it.
WORKSPACE_IMPORT_LIMIT_MB = 10.0
MANIFEST_NAME = ".airbyte-sync-manifest.json"


def _within_import_limit(value: float | None) -> float | None:
    if value is not None and value > WORKSPACE_IMPORT_LIMIT_MB:
        raise ValueError(
            f"the Workspace API imports files of at most {WORKSPACE_IMPORT_LIMIT_MB:g} MB"
        )
    return value


class Command(BaseModel):
    """One command of the run, executed in order in the shared execution context."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    language: Literal["python", "sql"]
    code: str = Field(min_length=1)
    timeout_seconds: int = Field(default=3600, ge=1)


class SyncOptions(BaseModel):
    """How the local project is mirrored into the remote directory."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = True
    use_gitignore: bool = True
    exclude: tuple[str, ...] = ()
    max_size_mb: float = Field(default=100.0, gt=0)
    max_file_size_mb: float = Field(default=WORKSPACE_IMPORT_LIMIT_MB, gt=0)

    _within_import_limit = field_validator("max_file_size_mb")(_within_import_limit)

    @property
    def max_size_bytes(self) -> int:
        return int(self.max_size_mb * 1_000_000)

    @property
    def max_file_size_bytes(self) -> int:
        return int(self.max_file_size_mb * 1_000_000)


class SyncOverrides(BaseModel):
    """Sync options as written in the connection config: only those set there override."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool | None = None
    use_gitignore: bool | None = None
    exclude: tuple[str, ...] | None = None
    max_size_mb: float | None = Field(default=None, gt=0)
    max_file_size_mb: float | None = Field(default=None, gt=0)

    _within_import_limit = field_validator("max_file_size_mb")(_within_import_limit)

    def explicit(self) -> dict:
        return self.model_dump(exclude_none=True)


class CodeExecutionConfig(BaseModel):
    """The `code_execution` object of the connection config (see spec.json)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    cluster_id: str = Field(min_length=1)
    project_dir: str = Field(min_length=1)
    remote_dir: str | None = None
    sync: SyncOverrides = SyncOverrides()
    commands: tuple[Command, ...] = Field(min_length=1)
    on_error: Literal["stop", "continue"] = "stop"
    start_cluster: bool = True
    install_requirements: bool = False
    cluster_start_timeout_minutes: int = Field(default=20, ge=1)

    @field_validator("remote_dir")
    @classmethod
    def _remote_dir_is_absolute(cls, value: str | None) -> str | None:
        return None if value is None or not value.strip() else workspace_api_path(value)


def workspace_api_path(path: str) -> str:
    """The Workspace API form of a workspace path: absolute, normalized, without `/Workspace`.

    Raises ValueError for relative paths, `..` components and the workspace root.
    """
    path = path.strip()
    if not path.startswith("/"):
        raise ValueError("expected an absolute workspace path such as /Users/me@example.com/x")
    if ".." in path.split("/"):
        raise ValueError("a workspace path may not contain '..'")
    normal = posixpath.normpath(path)
    if normal == "/Workspace" or normal.startswith("/Workspace/"):
        normal = normal[len("/Workspace") :] or "/"
    if normal.count("/") < 2:
        raise ValueError("expected a directory below a workspace folder, e.g. /Users/<you>/x")
    return normal


def cluster_path(api_path: str) -> str:
    """Where a cluster sees a workspace path on its file system (`/Workspace/...`)."""
    return f"/Workspace{api_path}"
