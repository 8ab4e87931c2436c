"""The command_results stream in process, against the local workspace through the real SDK."""

from __future__ import annotations

import json
import logging
import shutil
import textwrap
from pathlib import Path
from typing import Any

import pytest
from airbyte_cdk.models import AirbyteMessage, Type
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from integration_tests.local_workspace.sdk_fixtures import sdk_workspace, w  # noqa: F401
from local_workspace.rest.cluster_registry import ALL_PURPOSE_ID, JOB_CLUSTER_ID, TERMINATED_ID
from source_databricks.code.config import CodeExecutionConfig
from source_databricks.code.stream import CodeExecutionStream
from unit_tests.code.test_scan import make_tree

LOGGER = logging.getLogger("test_code_execution")
PROJECT = {
    "pipeline/__init__.py": "",
    "pipeline/transform.py": "def double(rows):\n    return [(k, v * 2) for k, v in rows]\n",
}


def stream(w, project: Path, commands: list[dict], **config: Any) -> CodeExecutionStream:  # noqa: F811
    settings = {"cluster_id": ALL_PURPOSE_ID, "project_dir": str(project), "commands": commands}
    return CodeExecutionStream(CodeExecutionConfig.model_validate(settings | config), lambda: w)


def read(code_stream: CodeExecutionStream, state: dict | None = None) -> list[AirbyteMessage]:
    return list(code_stream.read(None, state, LOGGER))  # type: ignore[arg-type]


def records(messages: list[AirbyteMessage]) -> list[dict]:
    return [m.record.data for m in messages if m.type == Type.RECORD]


def states(messages: list[AirbyteMessage]) -> list[dict]:
    return [m.state.stream.stream_state.__dict__ for m in messages if m.type == Type.STATE]


def py(code: str, **extra: Any) -> dict:
    return {"language": "python", "code": textwrap.dedent(code), **extra}


def sql(code: str) -> dict:
    return {"language": "sql", "code": code}


def test_sql_and_python_share_the_session_and_import_the_project(w, tmp_path: Path) -> None:  # noqa: F811
    project = make_tree(tmp_path, PROJECT)
    commands = [
        sql(
            "CREATE OR REPLACE TEMP VIEW src AS SELECT * FROM VALUES ('a', 1), ('b', 2) AS t(k, v)"
        ),
        py("""
            from pipeline.transform import double
            rows = [tuple(r) for r in spark.table('src').collect()]
            spark.createDataFrame(double(rows), 'k string, v long').createOrReplaceTempView('out')
            print(sorted(double(rows)))
        """),
        sql("SELECT k, v FROM out ORDER BY k"),
    ]
    messages = read(stream(w, project, commands))
    made, python, table = records(messages)
    assert [r["status"] for r in (made, python, table)] == ["finished"] * 3
    assert python["text"] == "[('a', 2), ('b', 4)]\n"
    assert table["result_type"] == "table"
    assert table["table"]["rows"] == [["a", 2], ["b", 4]]
    assert [c["name"] for c in table["table"]["columns"]] == ["k", "v"]
    assert table["sync"]["files_sent"] == 2 and table["context_id"]
    final = states(messages)[-1]
    assert final["complete"] is True and final["done"] == {
        "0": "finished",
        "1": "finished",
        "2": "finished",
    }


def test_a_failing_command_has_its_traceback_and_stops_the_run(w, tmp_path: Path) -> None:  # noqa: F811
    project = make_tree(tmp_path, PROJECT)
    commands = [py("def boom():\n    raise ValueError('bad input')\nboom()"), py("print('never')")]
    failed, skipped = records(read(stream(w, project, commands)))
    assert failed["status"] == "error"
    assert failed["error"]["summary"] == "ValueError: bad input"
    assert "line 2, in boom" in failed["error"]["traceback"]
    assert skipped["status"] == "skipped" and skipped["started_at"] is None
    carry_on = records(read(stream(w, project, commands, on_error="continue")))
    assert [r["status"] for r in carry_on] == ["error", "finished"]


def test_a_command_past_its_timeout_is_cancelled(w, tmp_path: Path) -> None:  # noqa: F811
    project = make_tree(tmp_path, PROJECT)
    commands = [
        py("import time\nwhile True:\n    time.sleep(0.01)", timeout_seconds=1),
        py("print('still usable')"),
    ]
    timed_out, after = records(read(stream(w, project, commands, on_error="continue")))
    assert timed_out["status"] == "timed_out"
    assert 1000 <= timed_out["duration_ms"] < 30_000
    assert after["text"] == "still usable\n"


def test_a_retried_attempt_does_not_rerun_finished_commands(w, tmp_path: Path) -> None:  # noqa: F811
    project = make_tree(tmp_path, PROJECT)
    commands = [py("print(1)"), py("print(2)")]
    code_stream = stream(w, project, commands)
    first = read(code_stream)
    after_first_command = states(first)[0]
    resumed = records(read(code_stream, after_first_command))
    assert [r["command_index"] for r in resumed] == [1]
    assert resumed[0]["run_id"] == records(first)[0]["run_id"]
    fresh = records(read(code_stream, states(first)[-1]))
    assert [r["command_index"] for r in fresh] == [0, 1]
    assert fresh[0]["run_id"] != records(first)[0]["run_id"]


def test_a_terminated_cluster_is_started(w, tmp_path: Path) -> None:  # noqa: F811
    project = make_tree(tmp_path, PROJECT)
    w.clusters.delete(TERMINATED_ID)  # terminate it, whatever an earlier test did
    done = records(read(stream(w, project, [py("print(3)")], cluster_id=TERMINATED_ID)))
    assert done[0]["text"] == "3\n"


def test_job_clusters_and_unknown_clusters_are_config_errors(w, tmp_path: Path) -> None:  # noqa: F811
    project = make_tree(tmp_path, PROJECT)
    with pytest.raises(AirbyteTracedException, match="is a job cluster"):
        read(stream(w, project, [py("1")], cluster_id=JOB_CLUSTER_ID))
    with pytest.raises(AirbyteTracedException, match=r"Check code_execution\.cluster_id"):
        read(stream(w, project, [py("1")], cluster_id="0000-nope"))


EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "orders-pipeline"


def test_the_example_project_builds_its_table_with_sql_and_python(w, tmp_path: Path) -> None:  # noqa: F811
    project = tmp_path / "orders-pipeline"
    shutil.copytree(EXAMPLE, project)
    (project / "data").mkdir()
    (project / "data" / "orders.csv").write_text("local only\n")
    (project / "models" / "big.bin").write_bytes(b"\0" * 12_000_000)  # over the 10 MB limit
    commands = json.loads((project / "commands.json").read_text())
    messages = read(stream(w, project, commands))
    results = records(messages)
    assert [r["status"] for r in results] == ["finished"] * 4, results
    assert results[2]["text"] == "main.analytics.daily_revenue\n"
    assert results[3]["table"]["rows"] == [
        ["2026-01-01", "ada", 120.5, 1],
        ["2026-01-01", "bob", 80.0, 1],
        ["2026-01-02", "ada", 10.0, 1],
        ["2026-01-02", "bob", 55.25, 1],
    ]
    synced = results[0]["sync"]
    assert synced["files_total"] == synced["files_sent"] == 11  # no data/, *.bin or scratch/
