"""Make sure the configured cluster runs: start it if allowed, wait with progress logs.

Only all-purpose clusters run execution contexts: job, pipeline and SQL clusters are refused
with a config error before anything else happens.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from contextlib import suppress

from airbyte_cdk.models import FailureType
from airbyte_cdk.utils.traced_exception import AirbyteTracedException
from databricks.sdk import WorkspaceClient
from databricks.sdk.errors import DatabricksError, InvalidState
from databricks.sdk.service.compute import ClusterDetails, ClusterSource, State

from source_databricks.code.errors import config_error, translate_sdk_errors

NOT_ALL_PURPOSE = {
    ClusterSource.JOB: "a job cluster",
    ClusterSource.PIPELINE: "a pipeline cluster",
    ClusterSource.PIPELINE_MAINTENANCE: "a pipeline maintenance cluster",
    ClusterSource.SQL: "a SQL warehouse cluster",
    ClusterSource.MODELS: "a model serving cluster",
}
BROKEN = (State.ERROR, State.UNKNOWN)
FIRST_POLL_SECONDS = 0.5
MAX_POLL_SECONDS = 10.0
LOG_EVERY_SECONDS = 15.0


class ClusterWaiter:
    """Polls one cluster until it runs; `sleep` and `clock` are injectable for tests."""

    def __init__(
        self,
        client: WorkspaceClient,
        cluster_id: str,
        logger: logging.Logger,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client, self.cluster_id, self.logger = client, cluster_id, logger
        self.sleep, self.clock = sleep, clock

    def check(self) -> ClusterDetails:
        """The cluster's details, if it exists and can run commands (whatever its state)."""
        details = self._get()
        _refuse_unusable(details)
        return details

    def ensure_running(self, start: bool, timeout_minutes: int) -> ClusterDetails:
        """The cluster's details once RUNNING; a clear error when it cannot get there."""
        details = self._get()
        _refuse_unusable(details)
        started, delay, logged = self.clock(), FIRST_POLL_SECONDS, -LOG_EVERY_SECONDS
        while details.state != State.RUNNING:
            elapsed = self.clock() - started
            self._step(details, start, elapsed > timeout_minutes * 60)
            if elapsed - logged >= LOG_EVERY_SECONDS:
                logged = elapsed
                self.logger.info(f"Waiting for cluster {self._label(details)}: {_state(details)}")
            self.sleep(delay)
            delay = min(delay * 1.5, MAX_POLL_SECONDS)
            details = self._get()
        self.logger.info(f"Cluster {self._label(details)} is running")
        return details

    def _step(self, details: ClusterDetails, start: bool, late: bool) -> None:
        if details.state in BROKEN:
            raise config_error(
                f"Cluster {self._label(details)} is {_state(details)}. Fix or restart it in the "
                "workspace, or set code_execution.cluster_id to another cluster."
            )
        if late:
            raise config_error(
                f"Cluster {self._label(details)} is still {_state(details)} after the "
                "configured code_execution.cluster_start_timeout_minutes. Raise it, or start "
                "the cluster before the sync."
            )
        if details.state == State.TERMINATED:
            self._start(details, start)

    def _start(self, details: ClusterDetails, start: bool) -> None:
        if not start:
            raise config_error(
                f"Cluster {self._label(details)} is terminated and code_execution.start_cluster "
                "is off. Start the cluster, or turn start_cluster on."
            )
        self.logger.info(f"Starting cluster {self._label(details)}")
        # InvalidState: someone else started it meanwhile.
        with translate_sdk_errors(f"start cluster {self.cluster_id}"), suppress(InvalidState):
            self.client.clusters.start(self.cluster_id)

    def _get(self) -> ClusterDetails:
        advice = "Check code_execution.cluster_id (an all-purpose cluster's id)."
        with translate_sdk_errors(f"read cluster {self.cluster_id}", not_found=advice):
            return self.client.clusters.get(self.cluster_id)

    def _label(self, details: ClusterDetails) -> str:
        name = details.cluster_name
        return f"{name} ({self.cluster_id})" if name else self.cluster_id


def stopped_during(
    client: WorkspaceClient, cluster_id: str, during: str
) -> AirbyteTracedException | None:
    """A transient error if the cluster is no longer running; None if it is (or cannot be read).

    A cluster that died under a command (lost driver, cloud failure, someone terminated it) is
    transient: the config was right, and the retry starts the cluster again (or says, with a
    config error, why it cannot) and runs the commands that have no record yet.
    """
    try:
        details = client.clusters.get(cluster_id)
    except (DatabricksError, OSError):
        return None
    if details.state == State.RUNNING:
        return None
    reason = details.termination_reason
    why = [reason.code.value if reason and reason.code else "", details.state_message or ""]
    message = f" ({': '.join(filter(None, why))})" if any(why) else ""
    state = details.state.value if details.state else "in an unknown state"
    return AirbyteTracedException(
        message=f"Cluster {cluster_id} stopped while {during}: it is {state}{message}. The "
        "command that was running may or may not have completed. The next attempt starts the "
        "cluster again (code_execution.start_cluster) and runs the commands that have no record "
        "yet.",
        failure_type=FailureType.transient_error,
    )


def _refuse_unusable(details: ClusterDetails) -> None:
    kind = NOT_ALL_PURPOSE.get(details.cluster_source)  # type: ignore[arg-type]
    if kind:
        raise config_error(
            f"Cluster {details.cluster_id} is {kind}: commands can only run on all-purpose "
            "clusters. Set code_execution.cluster_id to an all-purpose cluster."
        )


def _state(details: ClusterDetails) -> str:
    state = details.state.value if details.state else "in an unknown state"
    return f"{state} ({details.state_message})" if details.state_message else state
