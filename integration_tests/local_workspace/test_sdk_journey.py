"""Issue 5's "done when": the code-execution journey with databricks-sdk alone."""

from __future__ import annotations

import io
import os
import time

import pytest
from databricks.sdk.errors import NotFound
from databricks.sdk.service.compute import CommandStatus, Language, State
from databricks.sdk.service.workspace import ImportFormat

from integration_tests.local_workspace.sdk_fixtures import sdk_workspace, w  # noqa: F401
from local_workspace.rest.cluster_registry import TERMINATED_ID


def test_start_upload_run_python_and_sql_in_one_session_cancel_and_destroy(w):  # noqa: F811
    # Given a terminated cluster, when it is started and waited for, then it runs.
    assert w.clusters.get(TERMINATED_ID).state == State.TERMINATED
    w.clusters.ensure_cluster_is_running(TERMINATED_ID)
    assert w.clusters.get(TERMINATED_ID).state == State.RUNNING

    # A small project, one file over 1 MB.
    project = f"/Users/{w.current_user.me().user_name}/journey"
    w.workspace.mkdirs(f"{project}/helpers")
    files = {
        "helpers/__init__.py": b"",
        "helpers/greet.py": b"def greet(name):\n    return f'hello {name}'\n",
        "data/blob.bin": os.urandom(1_500_000),
    }
    w.workspace.mkdirs(f"{project}/data")
    for name, content in files.items():
        w.workspace.upload(f"{project}/{name}", io.BytesIO(content), format=ImportFormat.AUTO)
    assert w.workspace.get_status(f"{project}/data/blob.bin").size == 1_500_000

    run = _runner(w, TERMINATED_ID)
    # Python imports the uploaded module through /Workspace paths.
    text = run(
        Language.PYTHON,
        f"import os, sys\nsys.path.insert(0, '/Workspace{project}')\n"
        f"os.chdir('/Workspace{project}')\n"
        "from helpers.greet import greet\n"
        "print(greet('cluster'), len(open('data/blob.bin', 'rb').read()))",
    )
    assert text.results.data == "hello cluster 1500000\n"

    # SQL makes a temp view; Python reads it through spark, in the same session.
    sql = run(Language.SQL, "CREATE OR REPLACE TEMP VIEW journey_v AS SELECT 7 AS n, 'x' AS s")
    assert sql.results.result_type.value == "table"
    read = run(Language.PYTHON, "[tuple(r) for r in spark.table('journey_v').collect()]")
    assert read.results.data == "Out[2]: [(7, 'x')]\n"

    # A long command is cancelled; the context keeps working.
    context_id = run.context_id
    long = w.command_execution.execute(
        cluster_id=TERMINATED_ID,
        context_id=context_id,
        language=Language.PYTHON,
        command="import time\nwhile True:\n    time.sleep(0.01)",
    ).response
    time.sleep(0.3)
    cancelled = w.command_execution.cancel_and_wait(
        cluster_id=TERMINATED_ID, context_id=context_id, command_id=long.id
    )
    assert cancelled.status == CommandStatus.CANCELLED
    assert run(Language.PYTHON, "greet('again')").results.data == "Out[4]: 'hello again'\n"

    w.command_execution.destroy(cluster_id=TERMINATED_ID, context_id=context_id)
    with pytest.raises(NotFound):
        w.command_execution.context_status(cluster_id=TERMINATED_ID, context_id=context_id)


def _runner(w, cluster_id):  # noqa: F811
    context = w.command_execution.create_and_wait(cluster_id=cluster_id, language=Language.PYTHON)

    def run(language, command):
        response = w.command_execution.execute_and_wait(
            cluster_id=cluster_id, context_id=context.id, language=language, command=command
        )
        assert response.status == CommandStatus.FINISHED, response
        assert response.results.result_type.value != "error", response.results.cause
        return response

    run.context_id = context.id
    return run
