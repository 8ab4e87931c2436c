"""Invalid UTF-8 in text columns becomes U+FFFD, and the records stay valid JSON."""

from __future__ import annotations

import logging

import orjson
import pyarrow as pa

from source_databricks.output import RecordBlock, state_blob
from source_databricks.tables.records import RecordEncoder
from source_databricks.tables.scan import Scan, Scanner
from source_databricks.tables.utf8 import with_valid_utf8

LONE_SURROGATE = b"\xed\xa0\x80"  # UTF-8 of U+D800, which UTF-8 forbids


def strings(*values: bytes) -> pa.Array:
    """A string array over raw bytes, as a decoded Arrow result can hold them (unchecked)."""
    offsets = [0]
    for value in values:
        offsets.append(offsets[-1] + len(value))
    buffers = [None, pa.array(offsets, pa.int32()).buffers()[1], pa.py_buffer(b"".join(values))]
    return pa.Array.from_buffers(pa.string(), len(values), buffers)


def test_valid_batches_pass_through_untouched():
    batch = pa.record_batch({"s": ["héllo", None, "😀"], "n": [1, 2, 3]})
    checked, repaired = with_valid_utf8(batch)
    assert checked is batch
    assert repaired == frozenset()


def test_invalid_sequences_become_replacement_characters_and_json_stays_valid():
    batch = pa.record_batch([strings(LONE_SURROGATE + b"x", b"ok"), pa.array([1, 2])], ["s", "n"])
    checked, repaired = with_valid_utf8(batch)
    assert repaired == {"s"}
    assert checked.column(0).to_pylist() == ["\ufffd\ufffd\ufffdx", "ok"]
    lines = bytes(RecordEncoder("t", None).encode(checked)).splitlines()
    assert [orjson.loads(line)["record"]["data"] for line in lines] == [
        {"s": "\ufffd\ufffd\ufffdx", "n": 1},
        {"s": "ok", "n": 2},
    ]


def test_text_inside_lists_structs_and_maps_is_repaired_too():
    items = pa.ListArray.from_arrays(pa.array([0, 2, 2], pa.int32()), strings(b"a\xff", b"b"))
    struct = pa.StructArray.from_arrays([strings(b"\xc3", b"fine"), pa.array([1, 2])], ["t", "n"])
    keys, values = strings(b"k\x80", b"k2"), strings(b"v", b"\xe2\x82")
    entries = pa.MapArray.from_arrays(pa.array([0, 1, 2], pa.int32()), keys, values)
    batch = pa.record_batch([items, struct, entries], ["items", "struct", "entries"])
    checked, repaired = with_valid_utf8(batch)
    assert repaired == {"items", "struct", "entries"}
    assert checked.schema == batch.schema
    assert checked.column(0).to_pylist() == [["a\ufffd", "b"], []]
    assert checked.column(1).to_pylist() == [{"t": "\ufffd", "n": 1}, {"t": "fine", "n": 2}]
    assert checked.column(2).to_pylist() == [[("k\ufffd", "v")], [("k2", "\ufffd")]]


class BatchesOnly:
    """Stands in for a warehouse that answers with these batches (the scanner only streams)."""

    def __init__(self, *batches: pa.RecordBatch) -> None:
        self.batches = batches

    def stream(self, statement: str, parameters=()):
        yield from self.batches


def test_the_scanner_never_checkpoints_at_a_repaired_position(caplog):
    first = pa.record_batch([strings(b"a", b"b")], ["key"])
    second = pa.record_batch([strings(b"c", b"d" + LONE_SURROGATE)], ["key"])
    third = pa.record_batch([strings(b"\xff")], ["key"])
    logger = logging.getLogger("test-utf8")
    scanner = Scanner(BatchesOnly(first, second, third), "t", "main.s", 1, logger)
    scan = Scan("SELECT key FROM t ORDER BY key", positions=["key"])
    with caplog.at_level(logging.WARNING, logger.name):
        outputs = list(scanner.run(scan, lambda position: {"position": position}))
    states = [state_blob(output) for output in outputs if state_blob(output)]
    assert states == [{"position": ("b",)}]  # the rows after it come again on resume
    blocks = [output for output in outputs if isinstance(output, RecordBlock)]
    assert sum(block.count for block in blocks) == 5
    assert caplog.text.count("not valid UTF-8") == 1
