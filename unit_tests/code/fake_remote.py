"""An in-memory remote directory with the Workspace API's rules (parents must exist)."""

from __future__ import annotations

import posixpath
import threading

from databricks.sdk.errors import NotFound, ResourceAlreadyExists

from source_databricks.code.config import MANIFEST_NAME
from source_databricks.code.remote import RemoteDir


class FakeRemote(RemoteDir):
    def __init__(self, root: str = "/Users/me@example.com/.airbyte/p") -> None:
        super().__init__(client=None, root=root)  # type: ignore[arg-type]
        self.files: dict[str, bytes] = {}
        self.dirs: set[str] = {posixpath.dirname(root)}
        self.calls: list[tuple[str, str]] = []
        self.lock = threading.Lock()

    def read_manifest(self) -> bytes | None:
        self.calls.append(("read_manifest", MANIFEST_NAME))
        return self.files.get(self.path(MANIFEST_NAME))

    def upload(self, relative: str, content: bytes) -> None:
        path = self.path(relative)
        with self.lock:
            self.calls.append(("upload", relative))
            if posixpath.dirname(path) not in self.dirs:
                raise NotFound(f"parent of {path} does not exist")
            if path in self.dirs:
                raise ResourceAlreadyExists(f"{path} is a directory")
            self.files[path] = content

    def mkdirs(self, relative: str) -> None:
        path = self.path(relative)
        with self.lock:
            self.calls.append(("mkdirs", relative))
            while path not in self.dirs and path != "/":
                if path in self.files:
                    raise ResourceAlreadyExists(f"{path} is a file")
                self.dirs.add(path)
                path = posixpath.dirname(path)

    def delete(self, relative: str) -> None:
        path = self.path(relative)
        with self.lock:
            self.calls.append(("delete", relative))
            self.files = {p: c for p, c in self.files.items() if not _within(p, path)}
            self.dirs = {d for d in self.dirs if not _within(d, path)}

    def tree(self) -> dict[str, bytes]:
        """Relative path -> content of every file but the manifest."""
        prefix = f"{self.root}/"
        return {
            p[len(prefix) :]: c
            for p, c in self.files.items()
            if p.startswith(prefix) and p != self.path(MANIFEST_NAME)
        }

    def count(self, kind: str) -> int:
        return sum(1 for call, _ in self.calls if call == kind)


def _within(path: str, top: str) -> bool:
    return path == top or path.startswith(f"{top}/")
