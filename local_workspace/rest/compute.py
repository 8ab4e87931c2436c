"""The workspace's compute: clusters and the execution contexts running on them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from local_workspace.contexts.manager import ContextManager, SessionFactory
from local_workspace.rest.cluster_registry import ClusterRegistry, ClusterTimings
from local_workspace.rest.file_roots import FileRoots


@dataclass
class Compute:
    """Clusters plus contexts; a cluster that stops takes its contexts with it."""

    clusters: ClusterRegistry
    contexts: ContextManager

    @classmethod
    def create(
        cls, data_dir: Path, open_session: SessionFactory, timings: ClusterTimings | None = None
    ) -> Compute:
        """``open_session`` opens an engine session for each new context."""
        contexts = ContextManager(open_session, FileRoots(data_dir))
        clusters = ClusterRegistry(timings or ClusterTimings.from_env())
        clusters.on_stop = contexts.destroy_cluster_contexts
        return cls(clusters, contexts)

    def close(self) -> None:
        """Kill every context's worker (server shutdown)."""
        self.contexts.close()
