"""The writing thread's view of one stream that workers read: its statuses and its tasks.

A stream starts as one task. That task may fork it into key ranges (a `Fork`): their tasks run on
any worker, the writer merges their checkpoints into the stream's one state, and once every range
is done the fork's `finish` task ends the stream. RUNNING is written before the stream's first
record, COMPLETE after its last task; after a failure the stream's other tasks are cancelled and
whatever they still send is dropped.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

from airbyte_cdk.models import AirbyteStreamStatus, ConfiguredAirbyteStream
from airbyte_cdk.utils.stream_status_utils import as_airbyte_message as status_message

from source_databricks.output import Output, RecordBlock, state_message
from source_databricks.tables.partitions import Fork, PartitionCheckpoint
from source_databricks.tables.session import Session
from source_databricks.tables.workers import Task

Run = Callable[[Session], Iterator[Output]]


class StreamRun:
    def __init__(self, configured: ConfiguredAirbyteStream, submit: Callable[[Task], None]):
        self.configured, self._submit = configured, submit
        self.key = (configured.stream.namespace, configured.stream.name)
        self.failed = False
        self._cancelled = threading.Event()
        self._tasks = 0
        self._running = False
        self._fork: Fork | None = None

    def start(self, run: Run) -> None:
        self._add(run)

    def on_output(self, item: Output | Fork | PartitionCheckpoint) -> Iterator[Output]:
        if self.failed:
            return
        if isinstance(item, Fork):
            self._fork = item
            for task in item.tasks:
                self._add(task)
        elif isinstance(item, PartitionCheckpoint):
            assert self._fork is not None
            stream = self.configured.stream
            yield state_message(stream.name, stream.namespace, self._fork.progress.update(item))
        else:
            if not self._running and isinstance(item, RecordBlock):
                self._running = True
                yield status_message(self.configured.stream, AirbyteStreamStatus.RUNNING)
            yield item

    def on_done(self) -> Iterator[Output]:
        """A task ended well: the fork's finish once every range is read, COMPLETE at the end."""
        self._tasks -= 1
        if self.failed or self._tasks:
            return
        if self._fork is not None and self._fork.finish is not None:
            finish, self._fork = self._fork.finish, None
            self._add(finish)
            return
        yield status_message(self.configured.stream, AirbyteStreamStatus.COMPLETE)

    def fail(self) -> None:
        self.failed = True
        self._cancelled.set()

    def _add(self, run: Run) -> None:
        self._tasks += 1
        self._submit(Task(self.key, run, self._cancelled))
