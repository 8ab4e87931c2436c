"""The remote directory, through the Workspace API of the Databricks SDK.

Files are imported with format RAW, so every file stays a workspace file: an import as SOURCE
(or AUTO, for a `.py` with a notebook header) would make a notebook that `import` cannot load.
The SDK never retries an import (its form body is not a stream it can rewind), so uploads retry
transient failures here, within the budget the SDK gives its other calls; an import overwrites,
so sending it again is safe.
"""

from __future__ import annotations

import contextlib
import posixpath
from collections.abc import Callable
from datetime import timedelta

import requests
from databricks.sdk import WorkspaceClient
from databricks.sdk.errors import NotFound, TemporarilyUnavailable, TooManyRequests
from databricks.sdk.retries import retried
from databricks.sdk.service.workspace import ExportFormat, ImportFormat

from source_databricks.auth import SDK_RETRY_SECONDS
from source_databricks.code.config import MANIFEST_NAME
from source_databricks.code.plan import is_safe

RAW = ImportFormat.RAW
TRANSIENT = (TemporarilyUnavailable, TooManyRequests, requests.ConnectionError, requests.Timeout)


class EscapingPath(ValueError):
    """A relative path that would leave the remote directory."""


class RemoteDir:
    """One workspace directory (Workspace API form, e.g. `/Users/me@x.com/.airbyte/p`)."""

    def __init__(self, client: WorkspaceClient, root: str) -> None:
        self.client = client
        self.root = root

    def path(self, relative: str) -> str:
        """The workspace path of `relative`; EscapingPath if it would leave the directory."""
        if relative == "":
            return self.root
        joined = posixpath.normpath(posixpath.join(self.root, relative))
        if not is_safe(relative) or not joined.startswith(f"{self.root}/"):
            raise EscapingPath(f"{relative!r} is not a path inside {self.root}")
        return joined

    def read_manifest(self) -> bytes | None:
        try:
            return self.client.workspace.download(
                self.path(MANIFEST_NAME), format=ExportFormat.RAW
            ).read()
        except NotFound:
            return None

    def write_manifest(self, content: bytes) -> None:
        self.upload(MANIFEST_NAME, content)

    def upload(self, relative: str, content: bytes) -> None:
        path = self.path(relative)
        _with_retries(
            lambda: self.client.workspace.upload(path, content, format=RAW, overwrite=True)
        )

    def mkdirs(self, relative: str) -> None:
        self.client.workspace.mkdirs(self.path(relative))

    def delete(self, relative: str) -> None:
        """Delete a file or a whole directory; one already gone is fine."""
        with contextlib.suppress(NotFound):
            self.client.workspace.delete(self.path(relative), recursive=True)


@retried(on=TRANSIENT, timeout=timedelta(seconds=SDK_RETRY_SECONDS))
def _with_retries(call: Callable[[], None]) -> None:
    call()
