"""The SQL warehouse connection: open it with bounded retries, run statements, stream Arrow."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import pyarrow as pa
from airbyte_cdk.models import FailureType
from airbyte_cdk.utils.traced_exception import AirbyteTracedException
from databricks import sql
from databricks.sdk import WorkspaceClient
from databricks.sdk.core import Config

from source_databricks import __version__
from source_databricks.auth import (
    combined_ca_bundle,
    sdk_config,
    signed_headers,
    sql_credentials_provider,
)
from source_databricks.config import DatabricksConfig
from source_databricks.errors import translate_sql_errors
from source_databricks.heartbeat import heartbeat
from source_databricks.reachability import ensure_reachable
from source_databricks.tables.warehouse_start import ensure_warehouse_running

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
def open_warehouse(config: DatabricksConfig, logger: logging.Logger) -> Iterator[Warehouse]:
    """Connect to the configured SQL warehouse; errors become AirbyteTracedExceptions.

    A warehouse given by id is started first if it is stopped; one given by http_path starts on
    connect, as Databricks does, which can take minutes: the wait is logged either way.
    """
    if not config.has_warehouse:
        raise AirbyteTracedException(
            message="Table streams are selected but no SQL warehouse is configured. Set "
            "http_path or warehouse_id.",
            failure_type=FailureType.config_error,
        )
    ensure_reachable(config)
    auth = sdk_config(config)
    signed_headers(auth)  # bad OAuth client credentials fail here, with a message saying so
    if config.warehouse_id and not config.http_path:
        ensure_warehouse_running(WorkspaceClient(config=auth), config.warehouse_id, logger)
    with translate_sql_errors(config), heartbeat("the SQL warehouse to accept a session", logger):
        connection = sql.connect(**connection_arguments(config, auth))
    try:
        yield Warehouse(connection)
    finally:
        connection.close()


def connection_arguments(config: DatabricksConfig, auth: Config) -> dict[str, Any]:
    """Keyword arguments for `databricks.sql.connect`, signed by the SDK's credentials."""
    arguments: dict[str, Any] = {
        "server_hostname": config.hostname,
        "http_path": config.warehouse_http_path,
        "credentials_provider": sql_credentials_provider(auth),
        "_port": config.port,
        # Telemetry makes the client call the host on port 443 at connect, whatever the port.
        "enable_telemetry": False,
        "user_agent_entry": USER_AGENT + (f" {config.query_tag}" if config.query_tag else ""),
        **BOUNDED_RETRIES,
    }
    if config.query_tag:
        arguments["query_tags"] = {"airbyte_source": config.query_tag}
    if config.ca_bundle_path:
        arguments["_tls_trusted_ca_file"] = str(combined_ca_bundle(config.ca_bundle_path))
    return arguments
