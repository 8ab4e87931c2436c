"""Clusters, SCIM Me and the Command Execution API 1.2 through databricks-sdk over HTTPS."""

from __future__ import annotations

import time

import pytest
from databricks.sdk.errors import BadRequest, InvalidParameterValue, ResourceDoesNotExist
from databricks.sdk.service.compute import CommandStatus, Language, State

from integration_tests.local_workspace.sdk_fixtures import sdk_workspace, w  # noqa: F401
from local_workspace.rest.cluster_registry import ALL_PURPOSE_ID, JOB_CLUSTER_ID, TERMINATED_ID


@pytest.fixture(scope="module")
def context(w):  # noqa: F811
    """A Python context on the all-purpose cluster, shared by this module's tests."""
    created = w.command_execution.create_and_wait(
        cluster_id=ALL_PURPOSE_ID, language=Language.PYTHON
    )
    yield created.id
    w.command_execution.destroy(cluster_id=ALL_PURPOSE_ID, context_id=created.id)


def run(w, context_id, command, language=Language.PYTHON):  # noqa: F811
    response = w.command_execution.execute_and_wait(
        cluster_id=ALL_PURPOSE_ID, context_id=context_id, language=language, command=command
    )
    return response.status, response.results.as_dict() if response.results else None


def test_me_and_workspace_id(w, sdk_workspace):  # noqa: F811
    assert w.current_user.me().user_name == "local.user@example.com"
    assert w.get_workspace_id() == int(sdk_workspace.data_dir.workspace_id())


def test_seeded_clusters_and_missing_cluster(w):  # noqa: F811
    clusters = {c.cluster_id: c for c in w.clusters.list()}
    assert clusters[ALL_PURPOSE_ID].state == State.RUNNING
    assert clusters[JOB_CLUSTER_ID].cluster_source.value == "JOB"
    with pytest.raises(ResourceDoesNotExist):
        w.clusters.get("0000-000000-missing0")


def test_start_of_a_running_cluster_is_invalid_state(w):  # noqa: F811
    with pytest.raises(BadRequest) as raised:
        w.clusters.start(ALL_PURPOSE_ID)
    assert raised.value.error_code == "INVALID_STATE"


def test_job_cluster_and_unsupported_language_refuse_contexts(w):  # noqa: F811
    with pytest.raises(InvalidParameterValue, match="job cluster"):
        w.command_execution.create(cluster_id=JOB_CLUSTER_ID, language=Language.PYTHON)
    with pytest.raises(InvalidParameterValue, match="scala"):
        w.command_execution.create(cluster_id=ALL_PURPOSE_ID, language=Language.SCALA)


def test_state_persists_and_last_expression_is_shown(w, context):  # noqa: F811
    assert run(w, context, "import math\nanswer = 41")[1] == {"resultType": "text"}  # data ""
    status, results = run(w, context, "print('out')\nmath.floor(answer + 1.5)")
    assert status == CommandStatus.FINISHED
    assert results["data"].startswith("out\nOut[") and results["data"].endswith("]: 42\n")


def test_user_errors_are_finished_with_the_traceback(w, context):  # noqa: F811
    status, results = run(w, context, "def f():\n    return 1 / 0\nf()")
    assert status == CommandStatus.FINISHED
    assert results["resultType"] == "error"
    assert "ZeroDivisionError" in results["summary"]
    assert "line 2, in f" in results["cause"] and "Traceback" in results["cause"]


def test_sys_exit_and_a_crash_leave_the_server_alive(w, context):  # noqa: F811
    assert "SystemExit" in run(w, context, "import sys\nsys.exit(3)")[1]["summary"]
    status, results = run(w, context, "import os\nos._exit(9)")
    assert status == CommandStatus.FINISHED and "exit code 9" in results["summary"]
    assert run(w, context, "1 + 1")[1]["data"].endswith(": 2\n")  # a fresh worker


def test_output_is_bounded(w, context):  # noqa: F811
    results = run(w, context, "print('x' * (3 * 1024 * 1024))")[1]
    assert results["truncated"] is True
    assert len(results["data"]) < 1024 * 1024 + 200
    assert "max output size exceeded" in results["data"]


def test_sql_and_python_share_one_session(w, context):  # noqa: F811
    run(w, context, "CREATE OR REPLACE TEMP VIEW sql_v AS SELECT 1 AS a", Language.SQL)
    python = (
        "df = spark.createDataFrame([(2, 'b'), (3, 'c')], 'a INT, s STRING')\n"
        "df.createOrReplaceTempView('py_v')\n"
        "df.write.mode('overwrite').saveAsTable('main.default.py_t')\n"
        "spark.table('sql_v').collect()[0].a"
    )
    assert run(w, context, python)[1]["data"].endswith(": 1\n")
    _, results = run(w, context, "SELECT a, s FROM py_v ORDER BY a", Language.SQL)
    assert results["data"] == [[2, "b"], [3, "c"]]
    assert [c["type"] for c in results["schema"]] == ['"integer"', '"string"']
    display = run(w, context, "display(spark.sql('SELECT count(*) AS n FROM main.default.py_t'))")
    assert display[1]["data"] == [[2]]


def test_spark_errors_and_unsupported_api(w, context):  # noqa: F811
    summary = run(w, context, "spark.table('no_such_table')")[1]["summary"]
    assert "AnalysisException" in summary and "TABLE_OR_VIEW_NOT_FOUND" in summary
    summary = run(w, context, "spark.read")[1]["summary"]
    assert "NotImplementedError" in summary and "SparkSession.read" in summary


def test_contexts_are_isolated(w, context):  # noqa: F811
    other = w.command_execution.create_and_wait(cluster_id=ALL_PURPOSE_ID, language=Language.PYTHON)
    try:
        run(w, context, "shared_name = 'mine'")
        assert "NameError" in run(w, other.id, "shared_name")[1]["summary"]
    finally:
        w.command_execution.destroy(cluster_id=ALL_PURPOSE_ID, context_id=other.id)


def test_cancel_escalates_to_kill_when_interrupts_are_swallowed(w, context):  # noqa: F811
    code = "import time\nwhile True:\n    try:\n        time.sleep(1)\n"
    code += "    except KeyboardInterrupt:\n        pass"
    command = w.command_execution.execute(
        cluster_id=ALL_PURPOSE_ID, context_id=context, language=Language.PYTHON, command=code
    ).response
    time.sleep(0.2)
    started = time.monotonic()
    result = w.command_execution.cancel_and_wait(
        cluster_id=ALL_PURPOSE_ID, context_id=context, command_id=command.id
    )
    assert result.status == CommandStatus.CANCELLED
    assert time.monotonic() - started < 10
    assert run(w, context, "'alive'")[1]["data"].endswith("'alive'\n")


def test_terminating_a_cluster_destroys_its_contexts(w):  # noqa: F811
    w.clusters.ensure_cluster_is_running(TERMINATED_ID)
    created = w.command_execution.create_and_wait(
        cluster_id=TERMINATED_ID, language=Language.PYTHON
    )
    w.clusters.delete_and_wait(TERMINATED_ID)
    with pytest.raises(ResourceDoesNotExist):
        w.command_execution.context_status(cluster_id=TERMINATED_ID, context_id=created.id)
    with pytest.raises(BadRequest, match="TERMINATED"):
        w.command_execution.create(cluster_id=TERMINATED_ID, language=Language.PYTHON)
