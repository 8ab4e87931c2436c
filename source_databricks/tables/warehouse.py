"""The SQL warehouse connection: open it with bounded retries, run statements, stream Arrow."""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import pyarrow as pa
from airbyte_cdk.models import FailureType
from airbyte_cdk.utils.traced_exception import AirbyteTracedException
from databricks import sql
from databricks.sdk import WorkspaceClient
from databricks.sdk.core import Config
from databricks.sql.thrift_api.TCLIService import ttypes

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
# Rows per round trip: a read peaks ~50 MB lower than at 100,000 (333 vs 384-391 MB), same rate.
FETCH_ROWS = 50_000
# Cloud Fetch files downloaded at once (the client's default is 10 per read): each is held whole,
# decompressed, until its rows are read. The reads running at once (max_workers) share these, each
# with at least one: 4 reads with 3 downloads each peaked 122 MB higher than with 1, no faster.
CLOUD_FETCH_DOWNLOADS = 3
USER_AGENT = f"airbyte-source-databricks/{__version__}"


def _sized_repr(batch: ttypes.TSparkArrowBatch) -> str:
    return f"TSparkArrowBatch(rowCount={batch.rowCount}, batch=<{len(batch.batch or b'')} bytes>)"


# The SQL client formats every Thrift response into a debug message whether debug logging is on
# or not (thrift_backend's attempt_request: "Received response: {}".format(response)), and the
# default repr of a result page spells out all its Arrow bytes: ~0.35 s of CPU per million rows
# of a 10-column table. A page prints its size instead.
ttypes.TSparkArrowBatch.__repr__ = _sized_repr  # type: ignore[method-assign]


class Warehouse:
    """One session on a SQL warehouse. Use `open_warehouse` to get one."""

    def __init__(self, connection: Any) -> None:
        self._connection = connection

    def query(self, statement: str, parameters: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Run a metadata statement and return its rows as tuples of Python values."""
        table = self._fetch_all(statement, parameters)
        return list(zip(*(column.to_pylist() for column in table.columns), strict=True))

    def query_dicts(self, statement: str, parameters: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """Like `query`, each row as a dict keyed by column name."""
        return self._fetch_all(statement, parameters).to_pylist()

    def _fetch_all(self, statement: str, parameters: Sequence[Any]) -> pa.Table:
        # Arrow to Python column by column: the client's own rows go through pandas, ~10x slower
        # on the 25,000-row answers of a large discovery.
        with translate_sql_errors(), self._connection.cursor() as cursor:
            cursor.execute(statement, list(parameters))
            return cursor.fetchall_arrow()

    def stream(self, statement: str, parameters: Sequence[Any] = ()) -> Iterator[pa.RecordBatch]:
        """Run a statement and yield its result as Arrow batches, never holding it whole.

        Each fetch runs in a background thread while the caller works on the batches of the
        previous one, so waiting for the server overlaps with encoding; one table at most waits.
        """
        with translate_sql_errors(), self._connection.cursor(arraysize=FETCH_ROWS) as cursor:
            cursor.execute(statement, list(parameters))
            for table in fetched_ahead(lambda: cursor.fetchmany_arrow(FETCH_ROWS)):
                yield from table.to_batches()


def fetched_ahead(fetch: Callable[[], pa.Table]) -> Iterator[pa.Table]:
    """Tables from `fetch` until an empty one, the next fetched while the caller uses this one.

    An error of `fetch` is raised to the caller; when the caller stops early, the fetch under way
    finishes before this returns, so nothing uses the cursor after it is closed.
    """
    slot: queue.Queue[pa.Table | BaseException] = queue.Queue(maxsize=1)
    stop = threading.Event()

    def produce() -> None:
        try:
            while not stop.is_set():
                table = fetch()
                _offer(slot, table, stop)
                if table.num_rows == 0:
                    return
        except BaseException as error:  # handed to the caller's thread, raised there
            _offer(slot, error, stop)

    worker = threading.Thread(target=produce, name="fetch-ahead", daemon=True)
    worker.start()
    try:
        while not isinstance(item := slot.get(), BaseException) and item.num_rows:
            yield item
        if isinstance(item, BaseException):
            raise item
    finally:
        stop.set()
        worker.join()


def _offer(slot: queue.Queue, item: object, stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            slot.put(item, timeout=0.1)
            return
        except queue.Full:
            continue


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


def downloads_per_read(workers: int) -> int:
    """Cloud Fetch downloads of one read when `workers` reads may run at once."""
    return max(1, CLOUD_FETCH_DOWNLOADS // workers)


def connection_arguments(config: DatabricksConfig, auth: Config) -> dict[str, Any]:
    """Keyword arguments for `databricks.sql.connect`, signed by the SDK's credentials."""
    arguments: dict[str, Any] = {
        "server_hostname": config.hostname,
        "http_path": config.warehouse_http_path,
        "credentials_provider": sql_credentials_provider(auth),
        "_port": config.port,
        # Telemetry makes the client call the host on port 443 at connect, whatever the port.
        "enable_telemetry": False,
        "max_download_threads": downloads_per_read(config.max_workers),
        "user_agent_entry": USER_AGENT + (f" {config.query_tag}" if config.query_tag else ""),
        **BOUNDED_RETRIES,
    }
    if config.query_tag:
        arguments["query_tags"] = {"airbyte_source": config.query_tag}
    if config.ca_bundle_path:
        arguments["_tls_trusted_ca_file"] = str(combined_ca_bundle(config.ca_bundle_path))
    return arguments
