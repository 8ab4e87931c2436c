from __future__ import annotations

import logging
import os
import signal

import pytest
import requests_mock
from airbyte_cdk.models import FailureType
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from source_databricks.code.execution import ExecutionSession, Interrupted, sigterm_interrupts
from unit_tests.code.sdk_mock import api, mocked_client

CREATE = api("/api/1.2/contexts/create")
CONTEXT_STATUS = api("/api/1.2/contexts/status")
DESTROY = api("/api/1.2/contexts/destroy")
EXECUTE = api("/api/1.2/commands/execute")
STATUS = api("/api/1.2/commands/status")
CANCEL = api("/api/1.2/commands/cancel")
CLUSTER = api("/api/2.1/clusters/get")
RUNNING = {"json": {"id": "cmd1", "status": "Running"}}
LOGGER = logging.getLogger("test")


@pytest.fixture
def mock():
    with requests_mock.Mocker() as mocker:
        mocker.post(CREATE, json={"id": "ctx1"})
        mocker.get(CONTEXT_STATUS, [{"json": {"id": "ctx1", "status": "Pending"}},
                                    {"json": {"id": "ctx1", "status": "Running"}}])  # fmt: skip
        mocker.post(DESTROY, json={})
        mocker.post(EXECUTE, json={"id": "cmd1"})
        mocker.post(CANCEL, json={})
        mocker.get(CLUSTER, json={"cluster_id": "c1", "state": "RUNNING"})
        yield mocker


def session(mock, sleep=lambda seconds: None) -> ExecutionSession:
    clock = iter(range(10_000))
    return ExecutionSession(
        mocked_client(mock), "c1", LOGGER, sleep=sleep, clock=lambda: float(next(clock))
    )


def calls(mock, path: str) -> list[dict]:
    return [r.json() for r in mock.request_history if r.path == path and r.method == "POST"]


def test_a_command_runs_until_finished_and_the_context_is_destroyed(mock) -> None:
    finished = {"id": "cmd1", "status": "Finished",
                "results": {"resultType": "text", "data": "hi\n"}}  # fmt: skip
    mock.get(STATUS, [RUNNING, RUNNING, {"json": finished}])
    with session(mock) as s:
        outcome = s.run("sql", "SELECT 1", 60)
    assert (outcome.status, outcome.results.data, s.context_id) == ("finished", "hi\n", "ctx1")
    assert calls(mock, "/api/1.2/commands/execute") == [
        {"clusterId": "c1", "contextId": "ctx1", "command": "SELECT 1", "language": "sql"}
    ]
    assert calls(mock, "/api/1.2/contexts/destroy") == [{"clusterId": "c1", "contextId": "ctx1"}]


def test_user_errors_are_error_outcomes(mock) -> None:
    error = {"id": "cmd1", "status": "Finished",
             "results": {"resultType": "error", "summary": "NameError", "cause": "tb"}}  # fmt: skip
    mock.get(STATUS, json=error)
    with session(mock) as s:
        assert s.run("python", "x", 60).status == "error"


def test_past_its_timeout_a_command_is_cancelled(mock) -> None:
    mock.get(STATUS, [RUNNING] * 5 + [{"json": {"id": "cmd1", "status": "Cancelled"}}])
    with session(mock) as s:
        outcome = s.run("python", "while True: pass", 3)
    assert outcome.status == "timed_out"
    assert calls(mock, "/api/1.2/commands/cancel") == [
        {"clusterId": "c1", "contextId": "ctx1", "commandId": "cmd1"}
    ]


def test_a_command_that_finishes_while_being_cancelled_counts_as_finished(mock) -> None:
    done = {"id": "cmd1", "status": "Finished", "results": {"resultType": "text", "data": ""}}
    mock.get(STATUS, [RUNNING] * 3 + [{"json": done}])
    with session(mock) as s:
        assert s.run("python", "slow()", 1).status == "finished"


def test_a_command_cancelled_by_someone_else_is_cancelled(mock) -> None:
    mock.get(STATUS, json={"id": "cmd1", "status": "Cancelled"})
    with session(mock) as s:
        assert s.run("python", "x", 60).status == "cancelled"


def test_sigterm_cancels_the_running_command_and_destroys_the_context(mock) -> None:
    mock.get(STATUS, [RUNNING, RUNNING, {"json": {"id": "cmd1", "status": "Cancelled"}}])
    sent = []

    def terminate_once(seconds: float) -> None:
        if not sent and calls(mock, "/api/1.2/commands/execute"):
            sent.append(True)
            os.kill(os.getpid(), signal.SIGTERM)

    before = signal.getsignal(signal.SIGTERM)
    with pytest.raises(Interrupted), sigterm_interrupts(), session(mock, terminate_once) as s:
        s.run("python", "while True: pass", 60)
    assert signal.getsignal(signal.SIGTERM) is before
    assert len(calls(mock, "/api/1.2/commands/cancel")) == 1
    assert len(calls(mock, "/api/1.2/contexts/destroy")) == 1


def test_a_context_in_error_is_a_clear_error_and_destroy_failures_do_not_mask_it(mock) -> None:
    mock.get(CONTEXT_STATUS, json={"id": "ctx1", "status": "Error"})
    mock.post(DESTROY, status_code=500, json={"error_code": "INTERNAL_ERROR", "message": "x"})
    with pytest.raises(AirbyteTracedException, match="did not start"), session(mock):
        pass


def test_an_unsupported_language_is_a_system_error_from_the_cluster(mock) -> None:
    body = {"error_code": "INVALID_PARAMETER_VALUE", "message": "bad language"}
    mock.post(EXECUTE, status_code=400, json=body)
    with pytest.raises(AirbyteTracedException, match="bad language"), session(mock) as s:
        s.run("python", "x", 60)
    assert len(calls(mock, "/api/1.2/contexts/destroy")) == 1


DIED = {
    "cluster_id": "c1",
    "state": "TERMINATED",
    "state_message": "The driver became unreachable",
    "termination_reason": {"code": "DRIVER_UNREACHABLE", "type": "SERVICE_FAULT"},
}


def test_a_command_whose_cluster_died_under_it_is_a_transient_error(mock) -> None:
    results = {"resultType": "error", "summary": "Fatal error: exit code -9"}
    fatal = {"id": "cmd1", "status": "Finished", "results": results}
    mock.get(STATUS, json=fatal)
    mock.get(CLUSTER, json=DIED)
    with pytest.raises(AirbyteTracedException) as raised, session(mock) as s:
        s.run("python", "x", 60, "command 2")
    assert raised.value.failure_type == FailureType.transient_error
    assert raised.value.message.startswith(
        "Cluster c1 stopped while command 2 ran: it is TERMINATED (DRIVER_UNREACHABLE: The "
        "driver became unreachable)."
    )


def test_a_context_gone_with_its_cluster_is_a_transient_error(mock) -> None:
    gone = {"error_code": "RESOURCE_DOES_NOT_EXIST", "message": "Context ctx1 does not exist"}
    mock.get(STATUS, status_code=404, json=gone)
    mock.get(CLUSTER, json={**DIED, "state": "ERROR"})
    with pytest.raises(AirbyteTracedException) as raised, session(mock) as s:
        s.run("python", "x", 60)
    assert raised.value.failure_type == FailureType.transient_error
    assert "stopped while a command ran: it is ERROR" in raised.value.message


def test_a_failing_command_on_a_running_cluster_is_the_commands_error(mock) -> None:
    gone = {"error_code": "RESOURCE_DOES_NOT_EXIST", "message": "Context ctx1 does not exist"}
    mock.get(STATUS, status_code=404, json=gone)
    with pytest.raises(AirbyteTracedException) as raised, session(mock) as s:
        s.run("python", "x", 60)
    assert raised.value.failure_type == FailureType.system_error
    assert "Context ctx1 does not exist" in raised.value.message


def test_a_cluster_that_stopped_before_the_context_started_is_a_transient_error(mock) -> None:
    refused = {"error_code": "INVALID_STATE", "message": "Cluster c1 is in state TERMINATED"}
    mock.post(CREATE, status_code=400, json=refused)
    mock.get(CLUSTER, json=DIED)
    with pytest.raises(AirbyteTracedException) as raised, session(mock):
        pass
    assert raised.value.failure_type == FailureType.transient_error
    assert "stopped while its execution context started" in raised.value.message
