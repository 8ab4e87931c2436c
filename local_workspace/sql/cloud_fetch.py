"""Cloud Fetch: large results as Arrow IPC files behind expiring links, as Databricks serves them.

When a client sets ``canDownloadResult`` and a result is larger than ``threshold_bytes``, the
statement answers ``URL_BASED_SET``: each FetchResults (and the direct results of
ExecuteStatement) carries the next links (``TSparkArrowResultLink``), each to one Arrow IPC stream
file (one LZ4 frame when the client asked for LZ4) holding consecutive rows. Files are written as
the client asks for them, never more than one batch of links ahead, in ``<data-dir>/cloud-fetch/``.

The files are served by this same server under ``/cloud-fetch/<id>`` WITHOUT the bearer token, as
presigned URLs are: the random id is the credential. A link expires ``link_seconds`` after it was
issued; an expired or unknown link gets HTTP 403 with an S3-like error body, so the unmodified SQL
client raises as it does on Databricks. A file is deleted when its link expires, when its
operation (or session) closes, or when the client asks for the next batch of links (the client
asks only once it has read every file of the batch).
"""

from __future__ import annotations

import logging
import os
import secrets
import shutil
import threading
import time
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from xml.sax.saxutils import escape

import pyarrow as pa
from databricks.sql.thrift_api.TCLIService import ttypes as T
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from local_workspace.sql.arrow_encoding import BatchEncoder
from local_workspace.sql.paging import Pager
from local_workspace.sql.result_log import ResultLog

PATH_PREFIX = "/cloud-fetch/"
DIRECTORY = "cloud-fetch"
ENV_THRESHOLD_BYTES = "LOCAL_WORKSPACE_CLOUD_FETCH_THRESHOLD_BYTES"
ENV_LINK_SECONDS = "LOCAL_WORKSPACE_CLOUD_FETCH_LINK_SECONDS"
ENV_FILE_BYTES = "LOCAL_WORKSPACE_CLOUD_FETCH_FILE_BYTES"
_MIB = 1024 * 1024
_REMEMBERED_EXPIRED = 10_000
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CloudFetchOptions:
    """``threshold_bytes``: results larger than this (Arrow bytes) go through Cloud Fetch, smaller
    ones stay inline (0 or less: never); ``link_seconds``: a link's lifetime; ``file_bytes``: Arrow
    bytes per file; ``batch_bytes`` / ``batch_links``: at most this much per FetchResults (the
    client's maxBytes too)."""

    threshold_bytes: int = 4 * _MIB
    link_seconds: float = 900.0
    file_bytes: int = 8 * _MIB
    batch_bytes: int = 128 * _MIB
    batch_links: int = 32

    @property
    def enabled(self) -> bool:
        return self.threshold_bytes > 0

    @classmethod
    def from_env(
        cls,
        env: Mapping[str, str] | None = None,
        threshold_bytes: int | None = None,
        link_seconds: float | None = None,
        file_bytes: int | None = None,
    ) -> CloudFetchOptions:
        """Explicit values (``serve`` options) win over the environment, then the defaults."""
        env = os.environ if env is None else env
        default = cls()

        def pick(value, variable: str, parse, fallback):
            if value is not None:
                return value
            raw = env.get(variable, "").strip()
            return parse(raw) if raw else fallback

        return cls(
            threshold_bytes=pick(
                threshold_bytes, ENV_THRESHOLD_BYTES, int, default.threshold_bytes
            ),
            link_seconds=pick(link_seconds, ENV_LINK_SECONDS, float, default.link_seconds),
            file_bytes=max(pick(file_bytes, ENV_FILE_BYTES, int, default.file_bytes), 1),
        )


@dataclass(frozen=True)
class ResultFile:
    """One file behind one link: whose it is, until when, and what it holds."""

    file_id: str
    path: Path
    owner: bytes  # the operation's key
    expires: float  # epoch seconds
    rows: int
    size: int  # bytes on disk (= on the wire)
    arrow_bytes: int  # the IPC stream's bytes (decompressed)


class LinkRefused(Exception):
    """Why a link cannot be served (expired or unknown), as the object store would say."""

    def __init__(self, message: str, expired_at: float | None = None) -> None:
        super().__init__(message)
        self.expired_at = expired_at


class ResultFiles:
    """The Cloud Fetch files on disk, by link id; thread-safe.

    ``base_url`` (``https://host:port``) prefixes the links; the server sets it once it listens.
    """

    def __init__(
        self, directory: Path, options: CloudFetchOptions, results: ResultLog, base_url: str = ""
    ) -> None:
        self.directory, self.options, self.results = directory, options, results
        self.base_url = base_url
        shutil.rmtree(directory, ignore_errors=True)  # files of a server that did not stop
        directory.mkdir(parents=True)
        self._files: dict[str, ResultFile] = {}
        self._expired: OrderedDict[str, ResultFile] = OrderedDict()  # links that expired
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self._sweeper: threading.Thread | None = None

    def write(
        self, owner: bytes, encoder: BatchEncoder, batches: list[pa.RecordBatch]
    ) -> ResultFile:
        """One file holding ``batches`` as an IPC stream (LZ4-framed if the encoding says so)."""
        file_id = secrets.token_urlsafe(24)
        path = self.directory / file_id
        compression = "lz4" if encoder.encoding.lz4 else None
        with pa.output_stream(str(path), compression=compression) as sink:
            with pa.ipc.new_stream(sink, encoder.wire_schema) as writer:
                for batch in batches:
                    writer.write_batch(encoder.wire_batch(batch))
            arrow_bytes = sink.tell()
        file = ResultFile(
            file_id=file_id,
            path=path,
            owner=owner,
            expires=time.time() + self.options.link_seconds,
            rows=sum(batch.num_rows for batch in batches),
            size=path.stat().st_size,
            arrow_bytes=arrow_bytes,
        )
        with self._lock:
            self._files[file_id] = file
        self._ensure_sweeper()
        return file

    def link(self, file: ResultFile, start_row_offset: int) -> T.TSparkArrowResultLink:
        return T.TSparkArrowResultLink(
            fileLink=f"{self.base_url}{PATH_PREFIX}{file.file_id}",
            expiryTime=int(file.expires * 1000),  # epoch milliseconds, as Databricks sends
            startRowOffset=start_row_offset,
            rowCount=file.rows,
            bytesNum=file.arrow_bytes,
            httpHeaders={},
        )

    def lookup(self, file_id: str, now: float | None = None) -> ResultFile:
        """The file behind a link; LinkRefused if it expired or never existed."""
        now = time.time() if now is None else now
        with self._lock:
            file = self._files.get(file_id)
            expired = self._expired.get(file_id)
        if file is not None and file.expires > now:
            return file
        if file is not None:
            self._delete([file], expired=True)
            expired = file
        if expired is None:
            raise LinkRefused("Access Denied")
        self.results.link_refused(expired.owner)
        raise LinkRefused("Request has expired", expired.expires)

    def release(self, files: list[ResultFile]) -> None:
        self._delete(files, expired=False)

    def release_owner(self, owner: bytes) -> None:
        """Delete every file of an operation (closed, canceled, or its session ended)."""
        with self._lock:
            mine = [file for file in self._files.values() if file.owner == owner]
        self._delete(mine, expired=False)

    def sweep(self, now: float | None = None) -> int:
        """Delete the files whose links expired; how many."""
        now = time.time() if now is None else now
        with self._lock:
            expired = [file for file in self._files.values() if file.expires <= now]
        self._delete(expired, expired=True)
        return len(expired)

    def expire_all(self) -> int:
        """Expire every link now (tests: a consumer slower than the links' lifetime); how many."""
        with self._lock:
            files = list(self._files.values())
            for file in files:
                self._files[file.file_id] = replace(file, expires=time.time())
        return self.sweep()

    def file_count(self) -> int:
        with self._lock:
            return len(self._files)

    def close(self) -> None:
        self._stopped.set()
        with self._lock:
            self._files.clear()
        shutil.rmtree(self.directory, ignore_errors=True)

    def _delete(self, files: list[ResultFile], expired: bool) -> None:
        with self._lock:
            for file in files:
                self._files.pop(file.file_id, None)
                if expired:
                    self._expired[file.file_id] = file
            while len(self._expired) > _REMEMBERED_EXPIRED:
                self._expired.popitem(last=False)
        for file in files:
            file.path.unlink(missing_ok=True)

    def _ensure_sweeper(self) -> None:
        with self._lock:
            if self._sweeper is not None:
                return
            self._sweeper = threading.Thread(
                target=self._sweep_until_stopped, name="cloud-fetch-sweeper", daemon=True
            )
        self._sweeper.start()

    def _sweep_until_stopped(self) -> None:
        period = min(max(self.options.link_seconds / 4, 0.05), 30.0)
        while not self._stopped.wait(period):
            try:
                self.sweep()
            except Exception:
                log.exception("deleting expired Cloud Fetch files failed")


class LinkBatches:
    """One statement's Cloud Fetch: cuts its result into files, one batch of links per fetch."""

    def __init__(self, files: ResultFiles, owner: bytes, encoder: BatchEncoder) -> None:
        self.files, self.owner, self.encoder = files, owner, encoder
        self._previous: list[ResultFile] = []

    def next_row_set(
        self, pager: Pager, max_bytes: int | None
    ) -> tuple[T.TRowSet, list[ResultFile]]:
        """Write the next files (up to ``max_bytes`` of Arrow): their links, and the files."""
        options = self.files.options
        budget = min(max_bytes, options.batch_bytes) if max_bytes else options.batch_bytes
        start = pager.rows_served
        written: list[ResultFile] = []
        links: list[T.TSparkArrowResultLink] = []
        while pager.has_more_rows and budget > 0 and len(links) < options.batch_links:
            page = pager.next_page(None, options.file_bytes)
            file = self.files.write(self.owner, self.encoder, page.batches)
            written.append(file)
            links.append(self.files.link(file, page.start_row_offset))
            budget -= file.arrow_bytes
        return T.TRowSet(startRowOffset=start, rows=[], resultLinks=links), written

    def handed_out(self, files: list[ResultFile]) -> None:
        """``files`` go to the client, which read every file of the batch before (it asks for
        more links only then): those are deleted."""
        self.files.release(self._previous)
        self._previous = files

    def close(self) -> None:
        self._previous = []
        self.files.release_owner(self.owner)


class _ResultFileResponse(FileResponse):
    """A file's bytes; the statement's record counts the file once all of them are sent."""

    chunk_size = _MIB  # fewer thread hops than Starlette's 64 KiB

    def __init__(self, file: ResultFile, results: ResultLog) -> None:
        super().__init__(file.path, media_type="application/octet-stream")
        self.file, self.results = file, results

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        file = self.file
        self.results.download_started(file.owner)
        try:
            await super().__call__(scope, receive, send)
            self.results.file_served(file.owner, file.rows, file.size, file.arrow_bytes)
        finally:
            self.results.download_ended(file.owner)


EXPIRE_PATH = "/local/cloud-fetch/expire"


def expire_route(files: ResultFiles) -> Route:
    """``POST /local/cloud-fetch/expire`` (token required): every link issued so far expires now,
    as if the client had been slower than their lifetime; replies ``{"expired": n}``."""

    async def endpoint(request: Request) -> JSONResponse:
        return JSONResponse({"expired": files.expire_all()})

    return Route(EXPIRE_PATH, endpoint, methods=["POST"])


def result_file_route(files: ResultFiles) -> Route:
    """``GET /cloud-fetch/{file_id}``: a result file, or 403 as an expired presigned URL gets."""

    async def endpoint(request: Request) -> Response:
        try:
            file = files.lookup(request.path_params["file_id"])
        except LinkRefused as refused:
            return _refusal(refused)
        return _ResultFileResponse(file, files.results)

    return Route(PATH_PREFIX + "{file_id}", endpoint, methods=["GET"])


def _refusal(refused: LinkRefused) -> Response:
    """S3's answer to a presigned URL it will not honour (``AccessDenied``)."""
    details = ""
    if refused.expired_at is not None:
        details = (
            f"<Expires>{_iso(refused.expired_at)}</Expires>"
            f"<ServerTime>{_iso(time.time())}</ServerTime>"
        )
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<Error><Code>AccessDenied</Code><Message>{escape(str(refused))}</Message>{details}"
        f"<RequestId>{secrets.token_hex(8).upper()}</RequestId></Error>"
    )
    return Response(body, status_code=403, media_type="application/xml")


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
