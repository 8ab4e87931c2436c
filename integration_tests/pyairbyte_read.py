"""Read streams through PyAirbyte into its default DuckDB cache; print what the cache holds.

Runs inside PyAirbyte's own virtual environment (see `pyairbyte_env.py`), never in the project's:
it imports nothing from this repository. Usage:

    python pyairbyte_read.py <job.json> <output.json>

The job names the executable (`local_executable`), the config file and a list of reads, each a
list of streams. For each read the output holds the error PyAirbyte raised, or, per stream, the
number of records PyAirbyte reports, the cache table's column types and its rows, each value as
``[python type name, text]`` so that decimals, dates and bytes reach the comparing test exactly as
the cache returned them.
"""

from __future__ import annotations

import base64
import json
import sys
from pathlib import Path
from typing import Any


def encode(value: Any) -> list[str] | None:
    if value is None:
        return None
    if isinstance(value, bytes | bytearray | memoryview):
        return ["bytes", base64.b64encode(bytes(value)).decode()]
    if hasattr(value, "isoformat"):
        return [type(value).__name__, value.isoformat()]
    if isinstance(value, dict | list):
        return [type(value).__name__, json.dumps(value, sort_keys=True)]
    return [type(value).__name__, str(value)]


def main(job_path: str, output_path: str) -> None:
    import airbyte as ab

    job = json.loads(Path(job_path).read_text())
    config = json.loads(Path(job["config_path"]).read_text())
    source = ab.get_source("source-databricks", local_executable=job["executable"], config=config)
    source.check()
    report: dict[str, Any] = {"available_streams": sorted(source.get_available_streams())}
    report["reads"] = [read(source, streams) for streams in job["reads"]]
    Path(output_path).write_text(json.dumps(report, indent=1))


def read(source: Any, streams: list[str]) -> dict[str, Any]:
    from sqlalchemy import select

    source.select_streams(streams)
    try:
        # PyAirbyte syncs incrementally where a stream supports it, but names no cursor field for
        # streams whose cursor the user picks (every table here): read them in full.
        result = source.read(force_full_refresh=True)  # default cache: DuckDB in AIRBYTE_CACHE_ROOT
    except Exception as error:
        return {"error": f"{type(error).__name__}: {error}", "details": repr(error)}
    cache = result.cache
    report: dict[str, Any] = {
        "cache": {"type": type(cache).__name__, "db_path": str(getattr(cache, "db_path", ""))},
        "processed_records": result.processed_records,
        "streams": {},
    }
    with cache.get_sql_engine().connect() as connection:
        for name in streams:
            table = result[name].to_sql_table()
            rows = connection.execute(select(table)).mappings().all()
            report["streams"][name] = {
                "count": len(result[name]),
                "table": str(table.fullname),
                "types": {column.name: str(column.type) for column in table.columns},
                "rows": [{k: encode(v) for k, v in row.items()} for row in rows],
            }
    return report


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
