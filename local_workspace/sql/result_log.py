"""The server's own record of the results it sent: per statement, the Arrow schema on the wire
and the rows and bytes that left in inline pages and Cloud Fetch files.

Tests read it (``GET /local/results``) to prove what went over the wire, rather than trusting the
SQL text or the client's counters. Bounded: the last ``capacity`` statements.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field

import pyarrow as pa
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from local_workspace.rest.errors import ApiError

CAPACITY = 1_000
_STATEMENT_CHARS = 2_000  # enough to recognise a statement; the record stays small


@dataclass
class Sent:
    """Rows and bytes sent one way (inline pages, or Cloud Fetch files).

    ``bytes``: as on the wire (LZ4 frames when compressed); ``arrow_bytes``: the Arrow IPC
    bytes they hold; ``parts``: pages or files.
    """

    parts: int = 0
    rows: int = 0
    bytes: int = 0
    arrow_bytes: int = 0

    def add(self, rows: int, wire_bytes: int, arrow_bytes: int) -> None:
        self.parts += 1
        self.rows += rows
        self.bytes += wire_bytes
        self.arrow_bytes += arrow_bytes


@dataclass
class StatementRecord:
    """One statement's result as sent; updated as pages and files go out."""

    statement_id: str
    statement: str
    result_format: str
    lz4: bool
    arrow_schema: list[dict[str, str]]
    started: float = field(default_factory=time.time)
    inline: Sent = field(default_factory=Sent)
    cloud_fetch: Sent = field(default_factory=Sent)
    links_issued: int = 0
    links_refused: int = 0  # downloads refused because the link had expired
    downloads_in_flight: int = 0
    peak_parallel_downloads: int = 0  # most files of this result downloading at once

    def as_json(self) -> dict:
        return {
            "statement_id": self.statement_id,
            "statement": self.statement,
            "result_format": self.result_format,
            "lz4": self.lz4,
            "arrow_schema": self.arrow_schema,
            "started": self.started,
            "rows_sent": self.inline.rows + self.cloud_fetch.rows,
            "bytes_sent": self.inline.bytes + self.cloud_fetch.bytes,
            "inline": vars(self.inline).copy(),
            "cloud_fetch": {
                **vars(self.cloud_fetch),
                "links_issued": self.links_issued,
                "links_refused": self.links_refused,
                "peak_parallel_downloads": self.peak_parallel_downloads,
            },
        }


class ResultLog:
    """Statement records by operation id, oldest dropped first; thread-safe."""

    def __init__(self, capacity: int = CAPACITY) -> None:
        self.capacity = capacity
        self._records: OrderedDict[bytes, StatementRecord] = OrderedDict()
        self._lock = threading.Lock()

    def start(
        self, key: bytes, statement: str, result_format: str, lz4: bool, schema: pa.Schema
    ) -> None:
        """Record a statement whose result is ready to send, in ``schema`` (the wire schema)."""
        record = StatementRecord(
            statement_id=str(uuid.UUID(bytes=key)),
            statement=statement[:_STATEMENT_CHARS],
            result_format=result_format,
            lz4=lz4,
            arrow_schema=[{"name": f.name, "type": str(f.type)} for f in schema],
        )
        with self._lock:
            self._records[key] = record
            while len(self._records) > self.capacity:
                self._records.popitem(last=False)

    def inline_page(self, key: bytes, rows: int, wire_bytes: int, arrow_bytes: int) -> None:
        with self._lock:
            if (record := self._records.get(key)) is not None:
                record.inline.add(rows, wire_bytes, arrow_bytes)

    def links_issued(self, key: bytes, count: int) -> None:
        with self._lock:
            if (record := self._records.get(key)) is not None:
                record.links_issued += count

    def link_refused(self, key: bytes) -> None:
        with self._lock:
            if (record := self._records.get(key)) is not None:
                record.links_refused += 1

    def download_started(self, key: bytes) -> None:
        with self._lock:
            if (record := self._records.get(key)) is not None:
                record.downloads_in_flight += 1
                record.peak_parallel_downloads = max(
                    record.peak_parallel_downloads, record.downloads_in_flight
                )

    def download_ended(self, key: bytes) -> None:
        with self._lock:
            if (record := self._records.get(key)) is not None:
                record.downloads_in_flight -= 1

    def file_served(self, key: bytes, rows: int, wire_bytes: int, arrow_bytes: int) -> None:
        with self._lock:
            if (record := self._records.get(key)) is not None:
                record.cloud_fetch.add(rows, wire_bytes, arrow_bytes)

    def snapshot(self, limit: int | None = None) -> list[dict]:
        """The records, oldest first (the last ``limit`` if given)."""
        with self._lock:
            records = [record.as_json() for record in self._records.values()]
        return records[-limit:] if limit else records


RESULTS_PATH = "/local/results"


def result_log_route(results: ResultLog) -> Route:
    """``GET /local/results[?limit=N]`` (bearer token required): ``{"statements": [...]}``,
    oldest first; each names its statement, result format, Arrow schema, rows and bytes sent."""

    async def endpoint(request: Request) -> JSONResponse:
        raw = request.query_params.get("limit", "")
        if raw and not raw.isdigit():
            raise ApiError("INVALID_PARAMETER_VALUE", "limit must be a positive integer")
        return JSONResponse({"statements": results.snapshot(int(raw) if raw else None)})

    return Route(RESULTS_PATH, endpoint, methods=["GET"])
