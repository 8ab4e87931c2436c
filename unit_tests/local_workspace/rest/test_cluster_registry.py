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
