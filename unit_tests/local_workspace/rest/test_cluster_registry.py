from __future__ import annotations

import time

import pytest

from local_workspace.rest.cluster_registry import (
    ALL_PURPOSE_ID,
    JOB_CLUSTER_ID,
    TERMINATED_ID,
    ClusterRegistry,
    ClusterTimings,
)
from local_workspace.rest.errors import ApiError


@pytest.fixture
def stopped() -> list[str]:
    return []


@pytest.fixture
def registry(stopped) -> ClusterRegistry:
    return ClusterRegistry(ClusterTimings(pending=0.05, terminating=0.05), stopped.append)


def test_seeded_clusters(registry):
    states = {c.cluster_id: (c.state, c.cluster_source) for c in registry.all()}
    assert states == {
        ALL_PURPOSE_ID: ("RUNNING", "UI"),
        TERMINATED_ID: ("TERMINATED", "UI"),
        JOB_CLUSTER_ID: ("RUNNING", "JOB"),
    }


def test_start_is_pending_at_once_then_running(registry):
    registry.start(TERMINATED_ID)
    assert registry.get(TERMINATED_ID).state == "PENDING"
    time.sleep(0.06)
    assert registry.get(TERMINATED_ID).state == "RUNNING"


def test_start_of_a_running_cluster_is_invalid_state(registry):
    with pytest.raises(ApiError) as raised:
        registry.start(ALL_PURPOSE_ID)
    assert raised.value.error_code == "INVALID_STATE"


def test_restart_and_terminate_stop_the_driver(registry, stopped):
    registry.restart(ALL_PURPOSE_ID)
    assert registry.get(ALL_PURPOSE_ID).state == "RESTARTING"
    registry.terminate(JOB_CLUSTER_ID)
    assert registry.get(JOB_CLUSTER_ID).state == "TERMINATING"
    time.sleep(0.06)
    assert registry.get(JOB_CLUSTER_ID).state == "TERMINATED"
    assert stopped == [ALL_PURPOSE_ID, JOB_CLUSTER_ID]


def test_pending_cluster_is_not_ready_with_a_retryable_message(registry):
    registry.start(TERMINATED_ID)
    with pytest.raises(ApiError, match="ClusterNotReadyException"):
        registry.require_running(TERMINATED_ID)


def test_unknown_cluster(registry):
    with pytest.raises(ApiError) as raised:
        registry.get("nope")
    assert (raised.value.error_code, raised.value.status_code) == ("RESOURCE_DOES_NOT_EXIST", 404)


def test_pending_seconds_from_env(monkeypatch):
    monkeypatch.setenv("LOCAL_WORKSPACE_CLUSTER_PENDING_SECONDS", "0.25")
    assert ClusterTimings.from_env().pending == 0.25


@pytest.mark.parametrize("state", ["TERMINATED", "ERROR"])
def test_a_failed_cluster_stops_at_once_with_its_reason(registry, stopped, state):
    registry.fail(ALL_PURPOSE_ID, state, "DRIVER_UNREACHABLE", "driver lost")
    cluster = registry.get(ALL_PURPOSE_ID)
    assert (cluster.state, cluster.termination_code, cluster.failure) == (
        state,
        "DRIVER_UNREACHABLE",
        "driver lost",
    )
    assert stopped == [ALL_PURPOSE_ID]
    with pytest.raises(ApiError, match="start it"):
        registry.require_running(ALL_PURPOSE_ID)
    with pytest.raises(ApiError) as raised:
        registry.fail(ALL_PURPOSE_ID, state, "DRIVER_UNREACHABLE", "again")
    assert raised.value.error_code == "INVALID_STATE"


def test_a_cluster_failed_as_terminated_starts_again_without_its_failure(registry):
    registry.fail(ALL_PURPOSE_ID, "TERMINATED", "DRIVER_UNREACHABLE", "driver lost")
    registry.start(ALL_PURPOSE_ID)
    time.sleep(0.06)
    cluster = registry.get(ALL_PURPOSE_ID)
    assert (cluster.state, cluster.termination_code, cluster.failure) == ("RUNNING", None, None)


def test_a_cluster_in_error_is_terminated_then_started(registry):
    registry.fail(ALL_PURPOSE_ID, "ERROR", "DRIVER_UNREACHABLE", "driver lost")
    with pytest.raises(ApiError):
        registry.start(ALL_PURPOSE_ID)
    registry.terminate(ALL_PURPOSE_ID)
    time.sleep(0.06)
    registry.start(ALL_PURPOSE_ID)
    assert registry.get(ALL_PURPOSE_ID).state == "PENDING"


def test_only_terminated_or_error_are_failures(registry):
    with pytest.raises(ApiError) as raised:
        registry.fail(ALL_PURPOSE_ID, "RUNNING", "X", "y")
    assert raised.value.error_code == "INVALID_PARAMETER_VALUE"
