"""The `command_results` record: one per command, and its exact JSON schema.

Command output is capped so one record stays small: text at MAX_TEXT_CHARS, a table at
MAX_TABLE_ROWS rows. `text_truncated` / `table.truncated` say when something was cut, by the
cluster (its own output limits) or here. A lone surrogate (Python's stand-in for an undecodable
byte, or an escape in the code) cannot be written as UTF-8, so it is emitted as U+FFFD; a
surrogate pair becomes the character it encodes.
"""

from __future__ import annotations

import contextlib
import html
import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from databricks.sdk.service.compute import Results, ResultType

MAX_TEXT_CHARS = 100_000
MAX_TABLE_ROWS = 1_000
# Databricks colours error summaries with <span class='ansi-…'> tags and tracebacks with ANSI.
HTML_SPAN = re.compile(r"</?span\b[^>]*>")
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


@dataclass(frozen=True)
class RunInfo:
    """What every record of one run shares."""

    run_id: str
    cluster_id: str
    context_id: str | None
    sync: dict[str, Any]


def command_record(
    run: RunInfo, index: int, language: str, code: str, outcome: Any | None
) -> dict[str, Any]:
    """The record of one command; `outcome` None means it was skipped."""
    record = {
        "run_id": run.run_id,
        "command_index": index,
        "language": language,
        "code": code,
        "status": outcome.status if outcome else "skipped",
        "command_id": outcome.command_id if outcome else None,
        "started_at": _time(outcome.started_at) if outcome else None,
        "finished_at": _time(outcome.finished_at) if outcome else None,
        "duration_ms": _duration(outcome.started_at, outcome.finished_at) if outcome else None,
        "cluster_id": run.cluster_id,
        "context_id": run.context_id,
        "sync": run.sync,
    }
    return _valid_unicode(record | result_fields(outcome.results if outcome else None))


def _valid_unicode(value: Any) -> Any:
    """`value` with every string encodable as UTF-8 (lone surrogates → U+FFFD)."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
        return value
    if isinstance(value, dict):
        return {_valid_unicode(k): _valid_unicode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_valid_unicode(item) for item in value]
    return value


def result_fields(results: Results | None) -> dict[str, Any]:
    """result_type, text, table, error and images from the cluster's `results` object."""
    kind = results.result_type if results else None
    text = results.data if kind == ResultType.TEXT and isinstance(results.data, str) else None
    return {
        "result_type": kind.value if kind else None,
        "text": text[:MAX_TEXT_CHARS] if text is not None else None,
        "text_truncated": bool(text is not None and len(text) > MAX_TEXT_CHARS),
        "table": _table(results) if kind == ResultType.TABLE else None,
        "error": _error(results) if kind == ResultType.ERROR else None,
        "images": _images(results) if kind in (ResultType.IMAGE, ResultType.IMAGES) else None,
    }


def _table(results: Results) -> dict[str, Any]:
    rows = results.data if isinstance(results.data, list) else []
    return {
        "columns": [_column(c, results.is_json_schema) for c in results.schema or []],
        "rows": rows[:MAX_TABLE_ROWS],
        "row_count": len(rows),
        "truncated": bool(results.truncated) or len(rows) > MAX_TABLE_ROWS,
    }


def _column(column: dict[str, Any], is_json: bool | None) -> dict[str, str]:
    kind = column.get("type")
    if is_json and isinstance(kind, str):
        with contextlib.suppress(ValueError):
            kind = json.loads(kind)
    text = kind if isinstance(kind, str) else json.dumps(kind, sort_keys=True)
    return {"name": str(column.get("name", "")), "type": text}


def _error(results: Results) -> dict[str, Any]:
    summary = html.unescape(HTML_SPAN.sub("", ANSI.sub("", results.summary or ""))).strip()
    cause = ANSI.sub("", results.cause) if results.cause else None
    return {"summary": summary or None, "traceback": cause}


def _images(results: Results) -> list[str]:
    return list(results.file_names or ([results.file_name] if results.file_name else []))


def _time(moment: datetime) -> str:
    return moment.isoformat()


def _duration(started: datetime, finished: datetime) -> int:
    return round((finished - started).total_seconds() * 1000)


def _nullable(kind: str, **extra: Any) -> dict[str, Any]:
    return {"type": ["null", kind], **extra}


TIMESTAMP = {"format": "date-time", "airbyte_type": "timestamp_with_timezone"}
SYNC_SCHEMA = {
    "type": "object",
    "properties": {
        "enabled": {"type": "boolean"},
        "remote_dir": {"type": "string"},
        **{
            name: {"type": "integer"}
            for name in (
                "files_total",
                "files_sent",
                "files_deleted",
                "files_unchanged",
                "bytes_total",
                "bytes_sent",
                "duration_ms",
            )
        },
    },
}
TABLE_SCHEMA = {
    "type": ["null", "object"],
    "properties": {
        "columns": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"name": {"type": "string"}, "type": {"type": "string"}},
            },
        },
        "rows": {"type": "array", "items": {"type": "array"}},
        "row_count": {"type": "integer"},
        "truncated": {"type": "boolean"},
    },
}
ERROR_SCHEMA = {
    "type": ["null", "object"],
    "properties": {"summary": _nullable("string"), "traceback": _nullable("string")},
}
RECORD_SCHEMA = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "type": "object",
    "required": ["run_id", "command_index", "language", "code", "status", "cluster_id", "sync"],
    "properties": {
        "run_id": {"type": "string"},
        "command_index": {"type": "integer"},
        "language": {"type": "string", "enum": ["python", "sql"]},
        "code": {"type": "string"},
        "status": {
            "type": "string",
            "enum": ["finished", "error", "cancelled", "timed_out", "skipped"],
        },
        "command_id": _nullable("string"),
        "started_at": _nullable("string", **TIMESTAMP),
        "finished_at": _nullable("string", **TIMESTAMP),
        "duration_ms": _nullable("integer"),
        "cluster_id": {"type": "string"},
        "context_id": _nullable("string"),
        "result_type": _nullable("string"),
        "text": _nullable("string"),
        "text_truncated": {"type": "boolean"},
        "table": TABLE_SCHEMA,
        "error": ERROR_SCHEMA,
        "images": {"type": ["null", "array"], "items": {"type": "string"}},
        "sync": SYNC_SCHEMA,
    },
}
