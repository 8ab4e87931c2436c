"""Where the workspace's file systems live under the data dir, and their paths in a context.

<data dir>/workspace/   the Workspace tree (/Users/..., /Shared/...), /Workspace/... in contexts
<data dir>/dbfs/        DBFS (/tmp/x via the DBFS API), /dbfs/... in contexts
<data dir>/volumes/     Unity Catalog volumes, /Volumes/<catalog>/<schema>/<volume>/...
<data dir>/contexts/    one directory per execution context (venv, scratch, log)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class FileRoots:
    """The local directories behind the workspace's file systems."""

    base: Path

    @property
    def workspace(self) -> Path:
        return self.base / "workspace"

    @property
    def dbfs(self) -> Path:
        return self.base / "dbfs"

    @property
    def volumes(self) -> Path:
        return self.base / "volumes"

    @property
    def contexts(self) -> Path:
        return self.base / "contexts"

    def mounts(self) -> dict[str, str]:
        """Virtual prefix → local directory, as execution contexts see them."""
        return {
            "/Workspace": str(self.workspace),
            "/dbfs": str(self.dbfs),
            "/Volumes": str(self.volumes),
        }
