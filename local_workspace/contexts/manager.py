"""All execution contexts of the workspace: create, find, destroy, and stop with the server.

A context needs its cluster RUNNING; job clusters refuse contexts, as on Databricks. When a
cluster terminates or restarts, its contexts are destroyed (their workers killed).
"""

from __future__ import annotations

import os
import secrets
import shutil
import threading
from collections.abc import Callable
from pathlib import Path

from local_workspace.contexts import environment
from local_workspace.contexts.context import ExecutionContext
from local_workspace.contexts.session import ContextSession
from local_workspace.contexts.worker_process import WorkerProcess
from local_workspace.engine import EngineSession
from local_workspace.rest.file_roots import FileRoots

SessionFactory = Callable[[], EngineSession]


class ContextManager:
    """Execution contexts by id; thread-safe."""

    def __init__(self, open_session: SessionFactory, roots: FileRoots) -> None:
        self._open_session = open_session
        self.roots = roots
        self._contexts: dict[str, ExecutionContext] = {}
        self._lock = threading.Lock()

    def create(self, cluster_id: str) -> ExecutionContext:
        """A new context on ``cluster_id`` (blocks while its worker starts, ~0.3 s)."""
        context_id = str(secrets.randbelow(9 * 10**18) + 10**18)
        directory = self.roots.contexts / context_id
        (directory / "driver").mkdir(parents=True)
        python = environment.create(directory / "venv")
        session = ContextSession(self._open_session())
        try:
            context = ExecutionContext(
                context_id, cluster_id, session, self._worker_factory(python, directory)
            )
        except BaseException:
            session.close()
            shutil.rmtree(directory, ignore_errors=True)
            raise
        with self._lock:
            self._contexts[context_id] = context
        return context

    def get(self, context_id: str) -> ExecutionContext | None:
        with self._lock:
            return self._contexts.get(context_id)

    def all(self) -> list[ExecutionContext]:
        with self._lock:
            return list(self._contexts.values())

    def destroy(self, context_id: str) -> bool:
        """Kill the context's worker and remove its files; False if it does not exist."""
        with self._lock:
            context = self._contexts.pop(context_id, None)
        if context is None:
            return False
        context.close()
        shutil.rmtree(self.roots.contexts / context_id, ignore_errors=True)
        return True

    def destroy_cluster_contexts(self, cluster_id: str) -> None:
        """The cluster lost its driver (terminate, restart): all its contexts go."""
        with self._lock:
            ids = [c.id for c in self._contexts.values() if c.cluster_id == cluster_id]
        for context_id in ids:
            self.destroy(context_id)

    def close(self) -> None:
        """Destroy every context (server shutdown)."""
        with self._lock:
            ids = list(self._contexts)
        for context_id in ids:
            self.destroy(context_id)

    def _worker_factory(self, python: Path, directory: Path) -> Callable[[], WorkerProcess]:
        config = {
            "parent_pid": os.getpid(),
            "mounts": self.roots.mounts(),
            "cwd": str(directory / "driver"),
        }
        return lambda: WorkerProcess(python, config, directory / "worker.log")
