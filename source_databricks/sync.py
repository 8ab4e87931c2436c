"""The read loop: every configured stream in turn, with statuses and per-stream errors.

Streams are keyed by (namespace, name), never by name alone: two schemas may hold tables of the
same name.
"""

from __future__ import annotations

import logging
from collections.abc import Generator, Iterator, Sequence
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
from source_databricks.output import Output, RecordBlock
from source_databricks.tables.discovery import discover_tables
from source_databricks.tables.resume import read_resuming
from source_databricks.tables.session import Session
from source_databricks.tables.stream import TableStream
from source_databricks.tables.table_info import TableInfo

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
    with Session(config, logger) as session:
        tables = discover_tables(session.warehouse, config.scope, logger)
        streams = {(t.namespace, t.name): _stream(t, config) for t in tables}
        for configured in selected:
            key = (configured.stream.namespace, configured.stream.name)
            try:
                yield from _read_stream(
                    streams.get(key), configured, saved.get(key), session, logger
                )
            except Exception as error:  # reported per stream; the next stream still runs
                name = ".".join(part for part in key if part)
                failed.append((name, (yield from _stream_failed(configured, error, logger))))


def _read_stream(
    stream: TableStream | None,
    configured: ConfiguredAirbyteStream,
    state: dict[str, Any] | None,
    session: Session,
    logger: logging.Logger,
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
    running = False
    read = stream.resumable_read(configured, state, logger)
    for message in read_resuming(read, session, logger):
        if not running and isinstance(message, RecordBlock):
            running = True
            yield status_message(descriptor, AirbyteStreamStatus.RUNNING)
        yield message
    yield status_message(descriptor, AirbyteStreamStatus.COMPLETE)


def _stream_failed(
    configured: ConfiguredAirbyteStream, error: Exception, logger: logging.Logger
) -> Generator[AirbyteMessage, None, FailureType]:
    """INCOMPLETE and the stream's error trace; returns the error's failure type."""
    stream = configured.stream
    logger.exception(f"Stream {stream.namespace}.{stream.name} failed")
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
    return TableStream(table, config.checkpoint_interval, config.replication)


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
