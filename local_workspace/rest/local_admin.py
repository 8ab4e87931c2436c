"""Local-only admin routes (``/local/…``, bearer token required): fault switches, SQL status.

``GET /local/faults``     armed faults and injection counts:
                          ``{"faults": [...], "injected": {"unavailable": 2}, "total": 2}``
``POST /local/faults``    arm faults: one fault object, or ``{"faults": [...]}``; replies as GET
``DELETE /local/faults``  disarm every fault (counts stay)

``GET /local/sql``       open SQL sessions and operations: ``{"sessions": 2, "operations": 3}``
``GET /local/bench/arrow?sql=…&lz4=0|1``   benchmark only: the query's result as the very bytes
                          the Thrift path sends (IPC schema message, then each batch's IPC
                          message, LZ4-framed when lz4=1), each prefixed by its 8-byte
                          little-endian length; no paging, no Thrift, no session state

A fault object is ``{"kind": "unavailable", "rpc": "ExecuteStatement", "count": 2}``; see
``local_workspace.faults`` for the kinds and their options.
"""

from __future__ import annotations

from collections.abc import Iterator

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, StreamingResponse
from starlette.routing import Route

from local_workspace.engine import SqlError
from local_workspace.faults import Fault, Faults, FaultSpecError, parse_fault
from local_workspace.rest.errors import ApiError
from local_workspace.rest.http import flag, json_body, reply, required
from local_workspace.sql.arrow_encoding import BatchEncoder, ResultEncoding

FAULTS_PATH = "/local/faults"
SQL_STATUS_PATH = "/local/sql"
BENCH_PATH = "/local/bench/arrow"


def admin_routes(faults: Faults, sql) -> list[Route]:
    """Every ``/local/`` route: faults, and the SQL handler's status."""

    async def sql_status(request: Request) -> JSONResponse:
        return reply(sql.registry.counts())

    async def bench_arrow(request: Request) -> StreamingResponse:
        statement = required(request.query_params, "sql")
        lz4 = flag(request.query_params.get("lz4", "false"))
        frames = await run_in_threadpool(_result_frames, sql.registry.engine, statement, lz4)
        return StreamingResponse(frames, media_type="application/octet-stream")

    return [
        *fault_routes(faults),
        Route(SQL_STATUS_PATH, sql_status, methods=["GET"]),
        Route(BENCH_PATH, bench_arrow, methods=["GET"]),
    ]


def _result_frames(engine, statement: str, lz4: bool) -> Iterator[bytes]:
    """Run ``statement``; its schema and batches as length-prefixed wire payloads (lazily)."""
    session = engine.open_session()
    try:
        result = session.execute(statement)
    except SqlError as error:
        session.close()
        raise ApiError("INVALID_PARAMETER_VALUE", error.message) from error
    encoder = BatchEncoder(result.schema, ResultEncoding(lz4=lz4))

    def frames() -> Iterator[bytes]:
        try:
            yield _framed(encoder.schema_bytes())
            for batch in result.reader:
                yield _framed(encoder.encode(batch).batch)
        finally:
            session.close()

    return frames()


def _framed(payload: bytes) -> bytes:
    return len(payload).to_bytes(8, "little") + payload


def fault_routes(faults: Faults) -> list[Route]:
    """The admin routes over ``faults``."""

    async def endpoint(request: Request) -> JSONResponse:
        if request.method == "POST":
            for fault in _parse(await json_body(request)):
                faults.add(fault)
        elif request.method == "DELETE":
            faults.clear()
        return reply(faults.snapshot())

    return [Route(FAULTS_PATH, endpoint, methods=["GET", "POST", "DELETE"])]


def _parse(body: dict) -> list[Fault]:
    specs = body.get("faults", [body])
    if not isinstance(specs, list):
        raise ApiError("INVALID_PARAMETER_VALUE", "faults must be a list of fault objects")
    try:
        return [parse_fault(spec) for spec in specs]
    except FaultSpecError as error:
        raise ApiError("INVALID_PARAMETER_VALUE", str(error)) from error
