"""The read loop: every configured stream in turn, with statuses and per-stream errors.

Streams are keyed by (namespace, name), never by name alone: two schemas may hold tables of the
same name.
"""

from __future__ import annotations

import logging
from collections.abc import Generator, Iterator, Sequence
from functools import partial
from typing import Any

from airbyte_cdk.models import (
    AirbyteMessage,
    AirbyteStateMessage,
    AirbyteStreamStatus,
    ConfiguredAirbyteCatalog,
    ConfiguredAirbyteStream,
    FailureType,
    StreamDescriptor,
)
from airbyte_cdk.utils.stream_status_utils import as_airbyte_message as status_message
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from source_databricks.code.wiring import is_code_stream, read_code_stream
from source_databricks.config import DatabricksConfig
from source_databricks.output import Output
from source_databricks.tables.discovery import discover_tables
from source_databricks.tables.partitions import Partitioning
from source_databricks.tables.resume import read_resuming
from source_databricks.tables.session import Session
from source_databricks.tables.stream import TableStream
from source_databricks.tables.stream_run import StreamRun
from source_databricks.tables.table_info import TableInfo
from source_databricks.tables.workers import Done, WorkerPool

StreamKey = tuple[str | None, str]


def read_catalog(
    config: DatabricksConfig,
    catalog: ConfiguredAirbyteCatalog,
    states: Sequence[AirbyteStateMessage],
    logger: logging.Logger,
) -> Iterator[Output]:
    """Read every configured stream; if any failed, raise one error at the end saying which."""
    saved = _stream_states(states)
    failed: list[tuple[str, FailureType]] = []
    code = [c for c in catalog.streams if is_code_stream(c)]
    tables_selected = [c for c in catalog.streams if not is_code_stream(c)]
    for configured in code:  # runs on a cluster: no SQL warehouse needed
        state = saved.get((configured.stream.namespace, configured.stream.name))
        try:
            yield status_message(configured.stream, AirbyteStreamStatus.STARTED)
            yield from read_code_stream(config, configured, state, logger)
            yield status_message(configured.stream, AirbyteStreamStatus.COMPLETE)
        except Exception as error:  # reported per stream; the next stream still runs
            failed.append(
                (configured.stream.name, (yield from _stream_failed(configured, error, logger)))
            )
    if tables_selected:
        yield from _read_tables(config, tables_selected, saved, failed, logger)
    if failed:
        names = ", ".join(name for name, _ in failed)
        raise AirbyteTracedException(
            message=f"These streams did not sync: {names}. See their errors above.",
            failure_type=_overall_failure_type([kind for _, kind in failed]),
        )


def _read_tables(
    config: DatabricksConfig,
    selected: Sequence[ConfiguredAirbyteStream],
    saved: dict[StreamKey, dict[str, Any]],
    failed: list[tuple[str, FailureType]],
    logger: logging.Logger,
) -> Iterator[Output]:
    """Up to max_workers streams (or key ranges) at once, each worker on its own SQL session."""
    with Session(config, logger) as session:
        tables = discover_tables(session.warehouse, config.scope, logger)
    streams = {(t.namespace, t.name): _stream(t, config) for t in tables}
    with WorkerPool(lambda: Session(config, logger), config.max_workers, logger) as pool:
        runs = {}
        for configured in selected:
            run = StreamRun(configured, pool.submit)
            runs[run.key] = run
            state = saved.get(run.key)
            run.start(partial(_read_stream, streams.get(run.key), configured, state, logger))
        for task, item in pool.results():
            run = runs[task.key]
            if not isinstance(item, Done):
                yield from run.on_output(item)
            elif item.error is None:
                yield from run.on_done()
            elif not run.failed:  # reported per stream; the other streams go on
                run.fail()
                name = ".".join(part for part in run.key if part)
                failed.append(
                    (name, (yield from _stream_failed(run.configured, item.error, logger)))
                )


def _read_stream(
    stream: TableStream | None,
    configured: ConfiguredAirbyteStream,
    state: dict[str, Any] | None,
    logger: logging.Logger,
    session: Session,
) -> Iterator[Output]:
    descriptor = configured.stream
    yield status_message(descriptor, AirbyteStreamStatus.STARTED)
    if stream is None:
        raise AirbyteTracedException(
            message=f"The table {descriptor.namespace}.{descriptor.name} is no longer in the "
            "source (dropped, renamed, or out of the configured catalog and schemas). Refresh "
            "the source schema and remove the stream.",
            failure_type=FailureType.config_error,
        )
    yield from read_resuming(stream.resumable_read(configured, state, logger), session, logger)


def _stream_failed(
    configured: ConfiguredAirbyteStream, error: BaseException, logger: logging.Logger
) -> Generator[AirbyteMessage, None, FailureType]:
    """INCOMPLETE and the stream's error trace; returns the error's failure type."""
    stream = configured.stream
    logger.error(f"Stream {stream.namespace}.{stream.name} failed", exc_info=error)
    descriptor = StreamDescriptor(name=stream.name, namespace=stream.namespace)
    yield status_message(stream, AirbyteStreamStatus.INCOMPLETE)
    traced = (
        error
        if isinstance(error, AirbyteTracedException)
        else AirbyteTracedException.from_exception(error, stream_descriptor=descriptor)
    )
    yield traced.as_sanitized_airbyte_message(stream_descriptor=descriptor)
    return traced.failure_type or FailureType.system_error


def _overall_failure_type(kinds: Sequence[FailureType]) -> FailureType:
    """What the sync's failure asks for: the user (config), a fix (system), or a retry."""
    for kind in (FailureType.config_error, FailureType.system_error):
        if kind in kinds:
            return kind
    return FailureType.transient_error


def _stream(table: TableInfo, config: DatabricksConfig) -> TableStream:
    partitioning = Partitioning(min_rows=config.partition_min_rows, ranges=config.max_workers)
    return TableStream(table, config.checkpoint_interval, config.replication, partitioning)


def _stream_states(states: Sequence[AirbyteStateMessage]) -> dict[StreamKey, dict[str, Any]]:
    """Per-stream state blobs keyed by (namespace, name)."""
    found: dict[StreamKey, dict[str, Any]] = {}
    for message in states or ():
        stream = getattr(message, "stream", None)
        if stream is None or stream.stream_state is None:
            continue
        descriptor = stream.stream_descriptor
        found[(descriptor.namespace, descriptor.name)] = stream.stream_state.__dict__
    return found
