"""Reading a connector's Airbyte protocol output without holding it, or parsing every record.

A read of a million rows prints a million RECORD lines; the demo only needs to count them per
stream. A RECORD line's *layout* is the line without its `data` and `emitted_at` values: the
record's own keys, which name its stream. The first line of each layout is parsed in full to learn
the stream; the following lines with that layout are counted from a few byte searches. Lines
whose layout does not show the stream (an unusual key order) are parsed in full, as are all
other messages.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

StreamKey = tuple[str | None, str]  # (namespace, name)
Layout = tuple[bytes, bytes]

RECORD_PREFIX = b'{"type":"RECORD"'
_DATA = b'"data":'
_EMITTED_AT = b',"emitted_at":'
_AFTER_EMITTED_AT = len(_EMITTED_AT)
MAX_LAYOUTS = 1024  # a layout per stream is the norm; more means values leaked into layouts


def stream_label(key: StreamKey) -> str:
    namespace, name = key
    return f"{namespace}.{name}" if namespace else name


def descriptor_key(descriptor: dict) -> StreamKey:
    return descriptor.get("namespace"), descriptor["name"]


def parse_record_key(line: bytes) -> StreamKey:
    record = json.loads(line)["record"]
    return record.get("namespace"), record["stream"]


def record_layout(line: bytes) -> Layout | None:
    """The line before `"data":`, and after the value of the last `,"emitted_at":` if that follows.

    A string value never holds an unescaped quote, so the first `"data":` is the record's own key,
    and the last `,"emitted_at":` (if after it) is the record's own, past the end of `data`.
    """
    data_at = line.find(_DATA)
    if data_at < 0:
        return None
    emitted_at = line.rfind(_EMITTED_AT)
    tail = line[line.find(b",", emitted_at + _AFTER_EMITTED_AT) :] if emitted_at > data_at else b""
    return line[:data_at], tail


def layout_names(layout: Layout, key: StreamKey) -> bool:
    """Whether `layout` holds the record's own `stream` and `namespace` keys, with these values."""
    namespace, name = key
    if namespace is None:
        return False  # an absent key cannot be told from one placed where the layout does not look
    text = b"".join(layout)
    wanted = (("stream", name), ("namespace", namespace))
    return all(f'"{k}":{json.dumps(v, ensure_ascii=False)}'.encode() in text for k, v in wanted)


class RecordCounter(Counter[StreamKey]):
    """RECORD lines per (namespace, stream), parsing one line per layout (see the module doc)."""

    def __init__(self) -> None:
        super().__init__()
        self._layouts: dict[Layout, StreamKey | None] = {}

    def add(self, line: bytes) -> None:
        layout = record_layout(line)
        key = self._layouts.get(layout)
        if key is None:
            key = parse_record_key(line)
            self._learn(layout, key)
        self[key] += 1

    def _learn(self, layout: Layout | None, key: StreamKey) -> None:
        if layout is None or layout in self._layouts or len(self._layouts) >= MAX_LAYOUTS:
            return
        self._layouts[layout] = key if layout_names(layout, key) else None


def message_error(message: dict) -> str | None:
    """The human message of an ERROR trace, with its internal message when that adds something."""
    trace = message.get("trace") or {}
    if message.get("type") != "TRACE" or trace.get("type") != "ERROR":
        return None
    error = trace.get("error") or {}
    text = error.get("message") or "(no message)"
    internal = error.get("internal_message")
    return f"{text} ({internal})" if internal and internal != text else text


def parse_lines(lines: Iterable[bytes | str]) -> list[dict]:
    """Parse a short protocol output (check, discover) in full; non-JSON lines are skipped."""
    messages = []
    for line in lines:
        try:
            messages.append(json.loads(line))
        except ValueError:
            continue
    return messages


@dataclass
class ReadTally:
    """What a read printed, kept as counts: records and STATE recordCounts per stream, errors."""

    records: RecordCounter = field(default_factory=RecordCounter)
    state_counts: Counter[StreamKey] = field(default_factory=Counter)
    statuses: dict[StreamKey, str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    states: int = 0
    not_json: int = 0

    @property
    def total(self) -> int:
        return sum(self.records.values())

    def feed(self, line: bytes) -> None:
        if line.startswith(RECORD_PREFIX):
            self.records.add(line)
            return
        try:
            message = json.loads(line)
        except ValueError:
            self.not_json += bool(line.strip())
            return
        self._feed_message(message)

    def _feed_message(self, message: dict) -> None:
        kind = message.get("type")
        if kind == "RECORD":
            record = message["record"]
            self.records[record.get("namespace"), record["stream"]] += 1
        elif kind == "STATE":
            self._feed_state(message["state"])
        elif kind == "TRACE":
            self._feed_trace(message)

    def _feed_state(self, state: dict) -> None:
        self.states += 1
        stream = state.get("stream")
        count = (state.get("sourceStats") or {}).get("recordCount")
        if stream and count is not None:
            self.state_counts[descriptor_key(stream["stream_descriptor"])] += int(count)

    def _feed_trace(self, message: dict) -> None:
        error = message_error(message)
        if error is not None:
            self.errors.append(error)
        status = message["trace"].get("stream_status")
        if status:
            self.statuses[descriptor_key(status["stream_descriptor"])] = status["status"]

    def count_mismatches(self) -> list[str]:
        """Streams whose STATE recordCounts do not add up to the records seen."""
        return [
            f"{stream_label(key)}: {self.records[key]:,} records, STATE counts "
            f"{self.state_counts[key]:,}"
            for key in sorted(self.state_counts, key=stream_label)
            if self.state_counts[key] != self.records[key]
        ]
