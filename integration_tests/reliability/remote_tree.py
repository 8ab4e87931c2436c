"""The files of a workspace directory, read back through the Workspace API (real SDK, real TLS)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from databricks.sdk import WorkspaceClient
from databricks.sdk.errors import NotFound
from databricks.sdk.service.workspace import ExportFormat, ObjectType

from integration_tests.local_workspace_process import RunningWorkspace
from source_databricks.code.config import MANIFEST_NAME


@contextmanager
def workspace_client(workspace: RunningWorkspace) -> Iterator[WorkspaceClient]:
    """A PAT client trusting the workspace's CA (for as long as the block lasts)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("REQUESTS_CA_BUNDLE", str(workspace.ca_file))
        yield WorkspaceClient(host=workspace.url, token=workspace.token, auth_type="pat")


def remote_tree(client: WorkspaceClient, root: str) -> dict[str, bytes] | None:
    """Every file below `root` (relative path → content), the sync manifest left out; None when
    `root` does not exist."""
    try:
        items = list(client.workspace.list(root, recursive=True))
    except NotFound:
        return None
    found: dict[str, bytes] = {}
    for item in items:
        if item.object_type == ObjectType.DIRECTORY:
            continue
        relative = item.path.removeprefix(f"{root}/")
        if relative != MANIFEST_NAME:
            found[relative] = client.workspace.download(item.path, format=ExportFormat.RAW).read()
    return found


def local_tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}
