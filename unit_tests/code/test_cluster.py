from __future__ import annotations

import logging

import pytest
import requests_mock
from airbyte_cdk.models import FailureType
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from source_databricks.code.cluster import ClusterWaiter
from unit_tests.code.sdk_mock import api, mocked_client

GET = api("/api/2.1/clusters/get")
START = api("/api/2.1/clusters/start")


def cluster(state: str, source: str = "UI", message: str = "") -> dict:
    return {"json": {"cluster_id": "c1", "cluster_name": "dev", "state": state,
                     "cluster_source": source, "state_message": message}}  # fmt: skip


@pytest.fixture
def mock():
    with requests_mock.Mocker() as mocker:
        yield mocker


def waiter(mock, clock=None) -> ClusterWaiter:
    ticks = iter(range(0, 10_000, 30))
    return ClusterWaiter(
        mocked_client(mock),
        "c1",
        logging.getLogger("test"),
        sleep=lambda seconds: None,
        clock=clock or (lambda: float(next(ticks))),
    )


def test_a_running_cluster_is_used_as_is(mock) -> None:
    mock.get(GET, [cluster("RUNNING")])
    assert waiter(mock).ensure_running(start=True, timeout_minutes=20).cluster_name == "dev"
    assert [r.path for r in mock.request_history[1:]] == ["/api/2.1/clusters/get"]


def test_a_terminated_cluster_is_started_and_waited_for(mock, caplog) -> None:
    mock.get(GET, [cluster("TERMINATED"), cluster("PENDING", message="Starting"),
                   cluster("RUNNING")])  # fmt: skip
    mock.post(START, json={})
    caplog.set_level(logging.INFO)
    waiter(mock).ensure_running(start=True, timeout_minutes=20)
    started = [r for r in mock.request_history if r.path == "/api/2.1/clusters/start"]
    assert [r.json() for r in started] == [{"cluster_id": "c1"}]
    assert "Starting cluster dev (c1)" in caplog.text
    assert "Waiting for cluster dev (c1): PENDING (Starting)" in caplog.text


def test_a_start_that_raced_another_one_is_fine(mock) -> None:
    mock.get(GET, [cluster("TERMINATED"), cluster("RUNNING")])
    mock.post(START, status_code=400, json={"error_code": "INVALID_STATE", "message": "running"})
    waiter(mock).ensure_running(start=True, timeout_minutes=20)


@pytest.mark.parametrize(
    ("answers", "start", "message"),
    [
        ([cluster("TERMINATED")], False, "start_cluster is off"),
        ([cluster("ERROR", message="Driver lost")], True, r"is ERROR \(Driver lost\)"),
        ([cluster("RUNNING", source="JOB")], True, "is a job cluster"),
        ([cluster("RUNNING", source="PIPELINE")], True, "is a pipeline cluster"),
        ([cluster("PENDING")], True, "still PENDING after"),
    ],
)
def test_unusable_clusters_are_config_errors(mock, answers, start, message) -> None:
    mock.get(GET, answers)
    with pytest.raises(AirbyteTracedException, match=message) as raised:
        waiter(mock).ensure_running(start=start, timeout_minutes=1)
    assert raised.value.failure_type == FailureType.config_error


@pytest.mark.parametrize(
    ("status", "body", "message"),
    [
        (403, {"error_code": "PERMISSION_DENIED", "message": "no access"}, "Permission denied"),
        (400, {"error_code": "INVALID_PARAMETER_VALUE", "message": "Cluster c1 does not exist"},
         r"Check code_execution\.cluster_id"),
        (401, {"error_code": "UNAUTHENTICATED", "message": "bad token"}, "refused the credentials"),
        (403, {"error_code": "PERMISSION_DENIED", "message": "Invalid access token"},
         r"refused the credentials .* expired or was revoked"),
    ],
)  # fmt: skip
def test_api_errors_say_what_to_fix(mock, status, body, message) -> None:
    mock.get(GET, status_code=status, json=body)
    with pytest.raises(AirbyteTracedException, match=message) as raised:
        waiter(mock).ensure_running(start=True, timeout_minutes=1)
    assert raised.value.failure_type == FailureType.config_error


def test_a_server_error_is_a_system_error(mock) -> None:
    mock.get(GET, status_code=500, json={"error_code": "INTERNAL_ERROR", "message": "oops"})
    with pytest.raises(AirbyteTracedException, match="returned an error") as raised:
        waiter(mock).ensure_running(start=True, timeout_minutes=1)
    assert raised.value.failure_type == FailureType.system_error
