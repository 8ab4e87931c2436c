"""The workspace's clusters and their life cycle, as the Clusters API 2.1 shows them.

States advance lazily: a transition is recorded with its time, and every read moves the
cluster on once its phase has lasted long enough (``ClusterTimings``), so no timer threads run.
Like Databricks, ``start``/``restart``/``delete`` change the state before they return, which the
SDK's waiters rely on (a first poll that still saw TERMINATED would fail them).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from local_workspace.rest.errors import ApiError

PENDING_SECONDS_ENV = "LOCAL_WORKSPACE_CLUSTER_PENDING_SECONDS"
DEFAULT_PENDING_SECONDS = 3.0
ALL_PURPOSE_ID = "0101-000000-localall"
TERMINATED_ID = "0101-000000-localoff"
JOB_CLUSTER_ID = "0101-000000-localjob"
FAILED_STATES = ("TERMINATED", "ERROR")


@dataclass(frozen=True)
class ClusterTimings:
    """How long PENDING/RESTARTING and TERMINATING last (seconds)."""

    pending: float = DEFAULT_PENDING_SECONDS
    terminating: float = 0.5

    @classmethod
    def from_env(cls) -> ClusterTimings:
        """``LOCAL_WORKSPACE_CLUSTER_PENDING_SECONDS`` sets the start-up time (tests: ~0.1)."""
        raw = os.environ.get(PENDING_SECONDS_ENV, "").strip()
        pending = float(raw) if raw else DEFAULT_PENDING_SECONDS
        return cls(pending=pending, terminating=min(pending, 0.5))


@dataclass
class Cluster:
    """One cluster's identity and current phase (epoch ms timestamps, as on the wire)."""

    cluster_id: str
    cluster_name: str
    cluster_source: str
    state: str
    state_since: float = field(default_factory=time.monotonic)
    start_time: int = field(default_factory=lambda: _now_ms())
    terminated_time: int | None = None
    termination_code: str | None = None
    failure: str | None = None  # why it failed (``fail``), its state message until started
    last_restarted_time: int | None = None

    @property
    def is_job_cluster(self) -> bool:
        return self.cluster_source == "JOB"


# (current state, how it ends) for the transient phases.
_NEXT_STATE = {"PENDING": "RUNNING", "RESTARTING": "RUNNING", "TERMINATING": "TERMINATED"}


class ClusterRegistry:
    """All clusters; thread-safe. ``on_stop(cluster_id)`` runs when a cluster loses its driver."""

    def __init__(self, timings: ClusterTimings, on_stop: Callable[[str], None] = lambda _: None):
        self.timings = timings
        self.on_stop = on_stop
        self._lock = threading.Lock()
        self._clusters = {c.cluster_id: c for c in seed_clusters()}

    def get(self, cluster_id: str) -> Cluster:
        """The cluster, advanced to its current state; RESOURCE_DOES_NOT_EXIST if unknown."""
        with self._lock:
            cluster = self._find(cluster_id)
            self._advance(cluster)
            return cluster

    def all(self) -> list[Cluster]:
        with self._lock:
            for cluster in self._clusters.values():
                self._advance(cluster)
            return list(self._clusters.values())

    def start(self, cluster_id: str) -> None:
        """TERMINATED → PENDING; any other state is INVALID_STATE, as on Databricks."""
        with self._lock:
            cluster = self._find(cluster_id)
            self._advance(cluster)
            _require_state(cluster, "TERMINATED", "start")
            cluster.start_time, cluster.terminated_time = _now_ms(), None
            cluster.termination_code, cluster.failure = None, None
            _enter(cluster, "PENDING")

    def restart(self, cluster_id: str) -> None:
        """RUNNING → RESTARTING; the driver's state (contexts) is lost."""
        with self._lock:
            cluster = self._find(cluster_id)
            self._advance(cluster)
            _require_state(cluster, "RUNNING", "restart")
            cluster.last_restarted_time = _now_ms()
            _enter(cluster, "RESTARTING")
        self.on_stop(cluster_id)

    def terminate(self, cluster_id: str) -> None:
        """Any live state → TERMINATING (then TERMINATED); idempotent on a stopped cluster."""
        with self._lock:
            cluster = self._find(cluster_id)
            self._advance(cluster)
            if cluster.state in ("TERMINATING", "TERMINATED"):
                return
            cluster.termination_code, cluster.failure = "USER_REQUEST", None
            _enter(cluster, "TERMINATING")
        self.on_stop(cluster_id)

    def fail(self, cluster_id: str, state: str, code: str, message: str) -> None:
        """The cluster dies at once (a lost driver, a cloud failure): its contexts go with it.

        ``state`` TERMINATED is how Databricks reports such a death today (a termination
        reason with an error type); ERROR is the older state for a cluster that broke.
        """
        if state not in FAILED_STATES:
            raise ApiError("INVALID_PARAMETER_VALUE", f"state must be one of {FAILED_STATES}")
        with self._lock:
            cluster = self._find(cluster_id)
            self._advance(cluster)
            if cluster.state in ("TERMINATING", *FAILED_STATES):
                raise ApiError(
                    "INVALID_STATE", f"Cluster {cluster_id} is {cluster.state}: nothing to fail"
                )
            cluster.termination_code, cluster.failure = code, message
            cluster.terminated_time = _now_ms()
            _enter(cluster, state)
        self.on_stop(cluster_id)

    def require_running(self, cluster_id: str) -> Cluster:
        """The cluster if it can run commands now; otherwise the error Databricks gives."""
        cluster = self.get(cluster_id)
        if cluster.state in ("PENDING", "RESTARTING"):
            # The SDK retries messages naming ClusterNotReadyException, so clients wait it out.
            raise ApiError(
                "INVALID_STATE",
                f"ClusterNotReadyException: cluster {cluster_id} is {cluster.state}, not RUNNING",
            )
        if cluster.state != "RUNNING":
            raise ApiError(
                "INVALID_STATE",
                f"Cluster {cluster_id} is in state {cluster.state}; start it before running "
                "commands on it",
            )
        return cluster

    def _find(self, cluster_id: str) -> Cluster:
        cluster = self._clusters.get(cluster_id)
        if cluster is None:
            raise ApiError("RESOURCE_DOES_NOT_EXIST", f"Cluster {cluster_id} does not exist")
        return cluster

    def _advance(self, cluster: Cluster) -> None:
        duration = self.timings.terminating if cluster.state == "TERMINATING" else None
        duration = self.timings.pending if duration is None else duration
        if cluster.state in _NEXT_STATE and time.monotonic() - cluster.state_since >= duration:
            _enter(cluster, _NEXT_STATE[cluster.state])
            if cluster.state == "TERMINATED":
                cluster.terminated_time = _now_ms()


def seed_clusters() -> list[Cluster]:
    """An all-purpose cluster (running), a terminated one, and a job cluster (running)."""
    terminated = Cluster(TERMINATED_ID, "Local terminated cluster", "UI", "TERMINATED")
    terminated.terminated_time, terminated.termination_code = _now_ms(), "INACTIVITY"
    return [
        Cluster(ALL_PURPOSE_ID, "Local all-purpose cluster", "UI", "RUNNING"),
        terminated,
        Cluster(JOB_CLUSTER_ID, "job-1-run-1", "JOB", "RUNNING"),
    ]


def _enter(cluster: Cluster, state: str) -> None:
    cluster.state, cluster.state_since = state, time.monotonic()


def _require_state(cluster: Cluster, expected: str, action: str) -> None:
    if cluster.state != expected:
        raise ApiError(
            "INVALID_STATE",
            f"Cluster {cluster.cluster_id} is in unexpected state {cluster.state}; "
            f"{action} needs a {expected} cluster",
        )


def _now_ms() -> int:
    return int(time.time() * 1000)
