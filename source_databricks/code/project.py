"""The local project: its directory, name and the sync options of its `pyproject.toml`."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from airbyte_cdk.models import FailureType
from airbyte_cdk.utils.traced_exception import AirbyteTracedException
from pydantic import ValidationError

from source_databricks.code.config import SyncOptions, SyncOverrides

PYPROJECT_TABLE = "[tool.source-databricks.sync]"


def project_root(project_dir: str) -> Path:
    """The project directory, resolved; a config error when it is not a directory."""
    root = Path(project_dir).expanduser()
    if not root.is_dir():
        raise AirbyteTracedException(
            message=f"code_execution.project_dir {project_dir!r} is not a directory on the "
            "machine running the connector. Check code_execution.project_dir.",
            failure_type=FailureType.config_error,
        )
    try:
        os.scandir(root).close()
    except OSError as error:
        raise AirbyteTracedException(
            message=f"code_execution.project_dir {project_dir!r} cannot be read "
            f"({error.strerror or error}). Give the connector's user read access to it.",
            internal_message=repr(error),
            failure_type=FailureType.config_error,
        ) from error
    return root.resolve()


def project_name(root: Path) -> str:
    """`[project].name` of the project's pyproject.toml, else the directory's name."""
    name = _pyproject(root).get("project", {}).get("name")
    return name if isinstance(name, str) and name.strip() else root.name


def sync_options(root: Path, overrides: SyncOverrides) -> SyncOptions:
    """The project's `[tool.source-databricks.sync]` options, overridden by the connection's."""
    table = _pyproject(root).get("tool", {}).get("source-databricks", {}).get("sync", {})
    from_project = {str(key).replace("-", "_"): value for key, value in table.items()}
    try:
        SyncOptions.model_validate(from_project)
    except ValidationError as error:
        raise _invalid(f"pyproject.toml {PYPROJECT_TABLE}", error) from None
    try:
        return SyncOptions.model_validate({**from_project, **overrides.explicit()})
    except ValidationError as error:
        raise _invalid("code_execution.sync", error) from None


def _pyproject(root: Path) -> dict[str, Any]:
    path = root / "pyproject.toml"
    if not path.is_file():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise AirbyteTracedException(
            message=f"The project's pyproject.toml cannot be read: {error}. Fix the file.",
            failure_type=FailureType.config_error,
        ) from error


def _invalid(where: str, error: ValidationError) -> AirbyteTracedException:
    problems = "; ".join(
        f"{'.'.join(str(p) for p in e['loc']) or 'value'}: {e['msg']}" for e in error.errors()
    )
    return AirbyteTracedException(
        message=f"Invalid sync options in {where}: {problems}",
        failure_type=FailureType.config_error,
    )
