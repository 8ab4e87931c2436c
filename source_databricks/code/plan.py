"""The sync plan: what to upload, delete and create, from content hashes and the remote manifest.

The manifest (`.airbyte-sync-manifest.json` in the remote directory) records the path, SHA-256
and size of every file the last sync left there. It is the connector's only knowledge of the
remote side: a file changed in the workspace by hand is not noticed until its local copy changes.
"""

from __future__ import annotations

import hashlib
import logging
import posixpath
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import orjson

from source_databricks.code.scan import LocalFile

MANIFEST_FORMAT = 1


@dataclass(frozen=True)
class Entry:
    sha256: str
    size: int


Manifest = dict[str, Entry]
# The entry of a file being uploaded: what the remote holds there is unknown until the sync ends.
# It equals no local file, so the next sync sends the file again, or deletes it if it is gone.
PENDING = Entry(sha256="", size=-1)


@dataclass(frozen=True)
class SyncPlan:
    """Deletes first (topmost paths, files or directories), then mkdirs, then uploads."""

    uploads: tuple[LocalFile, ...]
    deletes: tuple[str, ...]
    mkdirs: tuple[str, ...]
    unchanged: int
    manifest: Manifest

    @property
    def upload_bytes(self) -> int:
        return sum(f.size for f in self.uploads)


def file_hashes(files: Iterable[LocalFile]) -> Manifest:
    """The manifest the project's files would leave remotely."""
    found: Manifest = {}
    for file in files:
        with open(file.source, "rb") as handle:
            digest = hashlib.file_digest(handle, "sha256").hexdigest()
        found[file.path] = Entry(digest, file.size)
    return found


def make_plan(files: Sequence[LocalFile], local: Manifest, remote: Manifest | None) -> SyncPlan:
    """Upload new and changed files, delete what is gone locally, create missing directories."""
    previous = remote or {}
    uploads = tuple(f for f in files if previous.get(f.path) != local[f.path])
    old_dirs = _directories(previous) | ({""} if remote is not None else set())
    new_dirs = _directories(local) | {""}
    return SyncPlan(
        uploads=uploads,
        deletes=_deletes(previous.keys() - local.keys(), old_dirs - new_dirs),
        mkdirs=_leaves(new_dirs - old_dirs) if uploads or remote is None else (),
        unchanged=len(files) - len(uploads),
        manifest=local,
    )


def interim_manifest(remote: Manifest | None, plan: SyncPlan) -> Manifest:
    """The manifest that is true while `plan`'s uploads run (its deletes are done by then):
    unchanged files as they are, the files being uploaded pending."""
    unchanged = {p: e for p, e in (remote or {}).items() if plan.manifest.get(p) == e}
    return unchanged | {f.path: PENDING for f in plan.uploads}


def parse_manifest(raw: bytes | None, logger: logging.Logger) -> Manifest | None:
    """The remote manifest; None when there is none (a first sync). Unusable entries are dropped."""
    if raw is None:
        return None
    try:
        document = orjson.loads(raw)
        entries = document["files"] if document.get("format") == MANIFEST_FORMAT else None
        return {p: Entry(e["sha256"], int(e["size"])) for p, e in entries.items() if is_safe(p)}
    except (orjson.JSONDecodeError, AttributeError, KeyError, TypeError, ValueError):
        logger.warning("The remote sync manifest is unreadable: every file is uploaded again")
        return {}


def render_manifest(manifest: Manifest) -> bytes:
    files = {p: {"sha256": e.sha256, "size": e.size} for p, e in sorted(manifest.items())}
    return orjson.dumps({"format": MANIFEST_FORMAT, "files": files}, option=orjson.OPT_INDENT_2)


def is_safe(path: object) -> bool:
    """A relative POSIX path that stays inside the directory it is joined to."""
    if not isinstance(path, str) or not path or path.startswith("/") or "\\" in path:
        return False
    parts = path.split("/")
    return all(part not in ("", ".", "..") for part in parts) and "\x00" not in path


def _directories(manifest: Iterable[str]) -> set[str]:
    found: set[str] = set()
    for path in manifest:
        parent = posixpath.dirname(path)
        while parent and parent not in found:
            found.add(parent)
            parent = posixpath.dirname(parent)
    return found


def _deletes(files: set[str], directories: set[str]) -> tuple[str, ...]:
    """Topmost vanished directories (deleted recursively) and the vanished files outside them."""
    top = {d for d in directories if posixpath.dirname(d) not in directories}
    inside = tuple(f"{d}/" for d in top)
    loose = {f for f in files if not f.startswith(inside)}
    return tuple(sorted(top | loose))


def _leaves(directories: set[str]) -> tuple[str, ...]:
    """The directories no other one lies below; creating them (mkdir -p) creates all."""
    parents = _directories(directories) | ({""} if len(directories) > 1 else set())
    return tuple(sorted(directories - parents))
