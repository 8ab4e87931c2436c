"""Mirror the local project into its remote workspace directory, sending only what changed.

scan (gitignore, excludes, symlinks) → size limits (nothing uploaded when exceeded) → content
hashes → plan against the remote manifest → delete, mkdirs, an interim manifest marking the
files about to be sent as pending, upload (bounded parallelism, with progress) → write the new
manifest last. An interrupted sync is redone by the next one, which trusts no file that was in
flight: it sends it again, or deletes it if it is gone locally by then.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass
from pathlib import Path

from source_databricks.code.config import SyncOptions, cluster_path
from source_databricks.code.errors import translate_sdk_errors
from source_databricks.code.limits import check_limits, megabytes
from source_databricks.code.plan import (
    Manifest,
    SyncPlan,
    file_hashes,
    interim_manifest,
    make_plan,
    parse_manifest,
    render_manifest,
)
from source_databricks.code.remote import RemoteDir
from source_databricks.code.scan import LocalFile, scan_project, unreadable

UPLOAD_WORKERS = 8
PROGRESS_EVERY_SECONDS = 2.0


@dataclass(frozen=True)
class SyncSummary:
    """What a sync did; part of every command record of the run."""

    enabled: bool
    remote_dir: str
    files_total: int = 0
    files_sent: int = 0
    files_deleted: int = 0
    files_unchanged: int = 0
    bytes_total: int = 0
    bytes_sent: int = 0
    duration_ms: int = 0

    def as_record(self) -> dict:
        return asdict(self)


def sync_project(
    remote: RemoteDir, root: Path, options: SyncOptions, logger: logging.Logger
) -> SyncSummary:
    """Sync `root` into `remote`; a config error before any upload when a limit is exceeded."""
    started = time.perf_counter()
    files = scan_project(root, options, logger)
    check_limits(files, options)
    with translate_sdk_errors(f"read the sync manifest in {remote.root}"):
        previous = parse_manifest(remote.read_manifest(), logger)
    plan = make_plan(files, _hashes(files), previous)
    logger.info(
        f"Syncing {root} to {cluster_path(remote.root)}: {len(plan.uploads)} to send "
        f"({megabytes(plan.upload_bytes)}), {len(plan.deletes)} to delete, "
        f"{plan.unchanged} unchanged"
    )
    _apply(remote, plan, previous, logger)
    summary = _summary(remote, files, plan, time.perf_counter() - started)
    logger.info(f"Sync finished in {summary.duration_ms / 1000:.2f} s: {summary}")
    return summary


def _apply(
    remote: RemoteDir, plan: SyncPlan, previous: Manifest | None, logger: logging.Logger
) -> None:
    first = previous is None
    with ThreadPoolExecutor(UPLOAD_WORKERS, thread_name_prefix="sync") as pool:
        with translate_sdk_errors(f"delete removed files in {remote.root}"):
            _run_all(pool, remote.delete, plan.deletes)
        with translate_sdk_errors(f"create directories in {remote.root}"):
            _run_all(pool, remote.mkdirs, plan.mkdirs)
        if plan.uploads:
            with translate_sdk_errors(f"write the sync manifest in {remote.root}"):
                remote.write_manifest(render_manifest(interim_manifest(previous, plan)))
        progress = _Progress(plan, logger)
        with translate_sdk_errors(f"upload files to {remote.root}"):
            _run_all(pool, lambda f: progress.done(_upload(remote, f)), plan.uploads)
    if first or plan.uploads or plan.deletes:
        with translate_sdk_errors(f"write the sync manifest in {remote.root}"):
            remote.write_manifest(render_manifest(plan.manifest))


def _hashes(files: list[LocalFile]) -> Manifest:
    try:
        return file_hashes(files)
    except OSError as error:
        raise unreadable(error.filename or "a file", error) from error


def _upload(remote: RemoteDir, file: LocalFile) -> LocalFile:
    remote.upload(file.path, file.source.read_bytes())
    return file


def _run_all(pool: ThreadPoolExecutor, work: Callable, items: Iterable) -> None:
    """Run `work` on every item; the first failure cancels what has not started and is raised."""
    futures = [pool.submit(work, item) for item in items]
    try:
        for future in as_completed(futures):
            future.result()
    finally:
        for future in futures:
            future.cancel()


class _Progress:
    """Logs files and bytes sent so far, at most every PROGRESS_EVERY_SECONDS and at the end."""

    def __init__(self, plan: SyncPlan, logger: logging.Logger) -> None:
        self.total_files, self.total_bytes = len(plan.uploads), plan.upload_bytes
        self.files = self.bytes = 0
        self.logger = logger
        self.lock = threading.Lock()
        self.last = time.monotonic()

    def done(self, file: LocalFile) -> None:
        with self.lock:
            self.files += 1
            self.bytes += file.size
            now = time.monotonic()
            if self.files == self.total_files or now - self.last >= PROGRESS_EVERY_SECONDS:
                self.last = now
                self.logger.info(
                    f"Uploaded {self.files}/{self.total_files} files, "
                    f"{megabytes(self.bytes)} of {megabytes(self.total_bytes)}"
                )


def _summary(remote: RemoteDir, files: list[LocalFile], plan: SyncPlan, seconds: float):
    return SyncSummary(
        enabled=True,
        remote_dir=cluster_path(remote.root),
        files_total=len(files),
        files_sent=len(plan.uploads),
        files_deleted=len(plan.deletes),
        files_unchanged=plan.unchanged,
        bytes_total=sum(f.size for f in files),
        bytes_sent=plan.upload_bytes,
        duration_ms=round(seconds * 1000),
    )
