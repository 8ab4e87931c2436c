"""The SQL warehouse connection: open it with bounded retries, run statements, stream Arrow."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import pyarrow as pa
from databricks import sql

from source_databricks import __version__
from source_databricks.config import DatabricksConfig
from source_databricks.errors import translate_sql_errors

# The SQL client waits at least _retry_delay_max between retries (60 s by default) and retries for
# up to 15 minutes; a sync should pay seconds for a transient fault, and fail a dead host fast.
BOUNDED_RETRIES: dict[str, Any] = {
    "_retry_delay_min": 0.5,
    "_retry_delay_max": 5.0,
    "_retry_stop_after_attempts_count": 6,
    "_retry_stop_after_attempts_duration": 30.0,
    "_socket_timeout": 300,
}
FETCH_ROWS = 100_000
USER_AGENT = f"airbyte-source-databricks/{__version__}"


class Warehouse:
    """One session on a SQL warehouse. Use `open_warehouse` to get one."""

    def __init__(self, connection: Any) -> None:
        self._connection = connection

    def query(self, statement: str, parameters: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Run a small statement and return its rows (metadata queries, checks)."""
        with translate_sql_errors(), self._connection.cursor() as cursor:
            cursor.execute(statement, list(parameters))
            return [tuple(row) for row in cursor.fetchall()]

    def query_dicts(self, statement: str, parameters: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """Like `query`, each row as a dict keyed by column name."""
        with translate_sql_errors(), self._connection.cursor() as cursor:
            cursor.execute(statement, list(parameters))
            names = [column[0] for column in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def stream(self, statement: str, parameters: Sequence[Any] = ()) -> Iterator[pa.RecordBatch]:
        """Run a statement and yield its result as Arrow batches, never holding it whole."""
        with translate_sql_errors(), self._connection.cursor(arraysize=FETCH_ROWS) as cursor:
            cursor.execute(statement, list(parameters))
            while True:
                table = cursor.fetchmany_arrow(FETCH_ROWS)
                if table.num_rows == 0:
                    return
                yield from table.to_batches()


@contextmanager
def open_warehouse(config: DatabricksConfig) -> Iterator[Warehouse]:
    """Connect to the configured SQL warehouse; errors become AirbyteTracedExceptions."""
    with translate_sql_errors(config):
        connection = sql.connect(**connection_arguments(config))
    try:
        yield Warehouse(connection)
    finally:
        connection.close()


def connection_arguments(config: DatabricksConfig) -> dict[str, Any]:
    arguments: dict[str, Any] = {
        "server_hostname": config.hostname,
        "http_path": "/" + config.http_path.lstrip("/"),
        "access_token": config.token,
        "_port": config.port,
        # Telemetry makes the client call the host on port 443 at connect, whatever the port.
        "enable_telemetry": False,
        "user_agent_entry": USER_AGENT,
        **BOUNDED_RETRIES,
    }
    if config.ca_bundle_path:
        arguments["_tls_trusted_ca_file"] = config.ca_bundle_path
    return arguments
