from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import jsonschema
import orjson
import pytest
from databricks.sdk.service.compute import Results

from source_databricks.code.config import CodeExecutionConfig
from source_databricks.code.execution import CommandOutcome
from source_databricks.code.records import (
    MAX_TABLE_ROWS,
    MAX_TEXT_CHARS,
    RECORD_SCHEMA,
    RunInfo,
    command_record,
)
from source_databricks.code.state import current_run, fingerprint
from source_databricks.code.sync import SyncSummary

RUN = RunInfo(
    "run-1", "c1", "ctx1", SyncSummary(enabled=True, remote_dir="/Workspace/x").as_record()
)
START = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
LOGGER = logging.getLogger("test")


def outcome(results: dict | None, status: str = "finished") -> CommandOutcome:
    parsed = Results.from_dict(results) if results else None
    return CommandOutcome(status, parsed, "cmd1", START, START + timedelta(milliseconds=1500))


def record(results: dict | None, status: str = "finished") -> dict:
    data = command_record(RUN, 2, "python", "x", outcome(results, status))
    jsonschema.validate(data, RECORD_SCHEMA)
    return data


def test_the_schema_is_valid_draft_7() -> None:
    jsonschema.Draft7Validator.check_schema(RECORD_SCHEMA)


def test_a_text_result() -> None:
    data = record({"resultType": "text", "data": "Out[1]: 2\n"})
    assert data["text"] == "Out[1]: 2\n" and data["text_truncated"] is False
    assert (data["started_at"], data["duration_ms"]) == ("2026-01-02T03:04:05+00:00", 1500)
    assert (data["table"], data["error"], data["images"]) == (None, None, None)
    assert (data["run_id"], data["command_index"], data["context_id"]) == ("run-1", 2, "ctx1")


def test_long_text_is_capped_and_flagged() -> None:
    data = record({"resultType": "text", "data": "x" * (MAX_TEXT_CHARS + 1)})
    assert len(data["text"]) == MAX_TEXT_CHARS and data["text_truncated"] is True


def test_a_table_result_with_json_types_capped_and_flagged() -> None:
    rows = [[i, "a"] for i in range(MAX_TABLE_ROWS + 5)]
    schema = [{"name": "n", "type": '"long"', "metadata": "{}"},
              {"name": "s", "type": '{"type":"array","elementType":"string"}'}]  # fmt: skip
    data = record({"resultType": "table", "data": rows, "schema": schema, "isJsonSchema": True})
    table = data["table"]
    assert table["columns"][0] == {"name": "n", "type": "long"}
    assert table["columns"][1]["type"] == '{"elementType": "string", "type": "array"}'
    assert (len(table["rows"]), table["row_count"], table["truncated"]) == (1000, 1005, True)


def test_a_table_the_cluster_truncated_is_flagged() -> None:
    data = record({"resultType": "table", "data": [[1]], "schema": [], "truncated": True})
    assert data["table"]["truncated"] is True


def test_an_error_result_loses_its_markup() -> None:
    data = record(
        {
            "resultType": "error",
            "summary": "<span class='ansi-red-fg'>NameError</span>: name &#39;x&#39; "
            "is not defined",
            "cause": "\x1b[0;31mNameError\x1b[0m  Traceback\n"
            '  File "<command-1>", line 1, in <module>',
        },
        status="error",
    )
    assert data["error"]["summary"] == "NameError: name 'x' is not defined"
    assert data["error"]["traceback"].endswith('File "<command-1>", line 1, in <module>')
    assert "\x1b" not in data["error"]["traceback"]


def test_images_and_skipped_commands() -> None:
    assert record({"resultType": "images", "fileNames": ["/plots/a.png"]})["images"] == [
        "/plots/a.png"
    ]
    skipped = command_record(RUN, 3, "sql", "SELECT 1", None)
    jsonschema.validate(skipped, RECORD_SCHEMA)
    assert (skipped["status"], skipped["started_at"], skipped["result_type"]) == (
        "skipped",
        None,
        None,
    )


CONFIG = CodeExecutionConfig.model_validate(
    {"cluster_id": "c1", "project_dir": "/p", "commands": [{"language": "sql", "code": "1"}]}
)


def test_a_run_resumes_only_when_unfinished_and_unchanged() -> None:
    new = current_run(None, CONFIG, LOGGER)
    assert new.done == {} and not new.complete
    progressed = new.with_done(0, "finished").model_dump()
    assert current_run(progressed, CONFIG, LOGGER).run_id == new.run_id
    assert current_run({**progressed, "complete": True}, CONFIG, LOGGER).run_id != new.run_id
    changed = {**progressed, "fingerprint": "other"}
    assert current_run(changed, CONFIG, LOGGER).run_id != new.run_id
    assert current_run({"garbage": 1}, CONFIG, LOGGER).done == {}


@pytest.mark.parametrize("change", [{"on_error": "continue"}, {"cluster_id": "c2"}])
def test_the_fingerprint_follows_what_the_run_executes(change: dict) -> None:
    assert fingerprint(CONFIG.model_copy(update=change)) != fingerprint(CONFIG)


def test_lone_surrogates_become_replacement_characters_and_pairs_their_character() -> None:
    data = record(
        {
            "resultType": "table",
            "data": [["x\ud800y", "\ud83d\ude00"]],
            "schema": [{"name": "n\udcff", "type": '"string"'}],
            "isJsonSchema": True,
        }
    )
    assert data["table"]["rows"] == [["x\ufffdy", "\U0001f600"]]
    assert data["table"]["columns"][0]["name"] == "n\ufffd"
    error = record({"resultType": "error", "summary": "ValueError: bad \udcff", "cause": "\ud800"})
    assert error["error"] == {"summary": "ValueError: bad \ufffd", "traceback": "\ufffd"}
    assert orjson.loads(orjson.dumps(error))["error"]["traceback"] == "\ufffd"
