"""The connector's one output writer: pre-serialized record lines and CDK messages, in order.

Records bypass the CDK's per-message objects (the hot path builds their JSON column by column), so
this entrypoint writes them straight to stdout and counts them itself for `sourceStats`.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from airbyte_cdk.entrypoint import AirbyteEntrypoint
from airbyte_cdk.logger import PRINT_BUFFER
from airbyte_cdk.models import (
    AirbyteMessage,
    AirbyteStateMessage,
    AirbyteStateType,
    AirbyteStreamState,
    StreamDescriptor,
    Type,
)
from airbyte_cdk.models.airbyte_protocol import AirbyteStateBlob
from airbyte_cdk.sources import Source
from airbyte_cdk.sources.connector_state_manager import HashableStreamDescriptor

from source_databricks import interrupt


def state_message(name: str, namespace: str | None, blob: dict) -> AirbyteMessage:
    """A per-stream STATE message."""
    stream_state = AirbyteStreamState(
        stream_descriptor=StreamDescriptor(name=name, namespace=namespace),
        stream_state=AirbyteStateBlob(**blob),
    )
    state = AirbyteStateMessage(type=AirbyteStateType.STREAM, stream=stream_state)
    return AirbyteMessage(type=Type.STATE, state=state)


def state_blob(message: object) -> dict | None:
    """The per-stream state a STATE message carries, or None for any other message."""
    if not isinstance(message, AirbyteMessage) or message.type != Type.STATE:
        return None
    stream = message.state.stream if message.state else None
    return dict(stream.stream_state.__dict__) if stream and stream.stream_state else None


@dataclass(frozen=True)
class RecordBlock:
    """Newline-terminated RECORD lines of one stream, already serialized."""

    stream: str
    namespace: str | None
    count: int
    lines: bytes | memoryview


Output = AirbyteMessage | RecordBlock


class DatabricksEntrypoint(AirbyteEntrypoint):
    """AirbyteEntrypoint whose read also accepts RecordBlocks from the source."""

    def read(self, source_spec: Any, config: Any, catalog: Any, state: list[Any]) -> Iterator:
        self.set_up_secret_filter(config, source_spec.connectionSpecification)
        if self.source.check_config_against_spec:
            self.validate_connection(source_spec, config)
        counts: defaultdict[HashableStreamDescriptor, float] = defaultdict(float)
        for message in self.source.read(self.logger, config, catalog, state):
            interrupt.raise_if_interrupted()
            if isinstance(message, RecordBlock):
                counts[HashableStreamDescriptor(message.stream, message.namespace)] += message.count
                write_raw(message.lines)
                self._memory_monitor.check_memory_usage()
            else:
                yield self.handle_record_counts(message, counts)
        queued = self._emit_queued_messages(self.source)
        yield from (self.handle_record_counts(message, counts) for message in queued)


def write_raw(lines: bytes | memoryview) -> None:
    """Write serialized lines after everything printed so far, keeping the protocol's order.

    Under the print buffer's lock: a worker thread's log line never lands inside the records.
    """
    with PRINT_BUFFER.lock:
        PRINT_BUFFER.flush()
        sys.__stdout__.buffer.write(lines)


def launch(source: Source, args: list[str]) -> None:
    """Run a CDK command (spec, check, discover, read) and print its messages."""
    entrypoint = DatabricksEntrypoint(source)
    parsed_args = entrypoint.parse_args(args)
    interrupt.install()
    with PRINT_BUFFER:
        for message in entrypoint.run(parsed_args):
            print(f"{message}\n", end="")
