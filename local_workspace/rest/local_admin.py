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

``POST /local/clusters/{id}/fail``   the cluster dies now, taking its contexts with it:
                          ``{"state": "TERMINATED"|"ERROR", "code": "DRIVER_UNREACHABLE",
                          "message": "..."}`` (all optional; TERMINATED with that code by default)
``GET /local/contexts``   live execution contexts: ``{"contexts": [{"id", "cluster_id",
                          "status", "worker_pid", "running_command"}]}``
``POST /local/contexts/{id}/kill-worker``   SIGKILL the context's Python worker (as an
                          out-of-memory killer would); replies ``{"id", "worker_pid"}``

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
from local_workspace.rest.compute import Compute
from local_workspace.rest.errors import ApiError
from local_workspace.rest.http import flag, json_body, reply, required
from local_workspace.sql.arrow_encoding import BatchEncoder, ResultEncoding

FAULTS_PATH = "/local/faults"
FAILURE_CODE = "DRIVER_UNREACHABLE"
FAILURE_MESSAGE = "The driver became unreachable; the cluster was terminated"
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


def compute_admin_routes(compute: Compute) -> list[Route]:
    """Faults of the compute: a cluster that dies, a worker that is killed; live contexts."""

    async def fail_cluster(request: Request) -> JSONResponse:
        body = await json_body(request)
        state = str(body.get("state") or "TERMINATED")
        code = str(body.get("code") or FAILURE_CODE)
        message = str(body.get("message") or FAILURE_MESSAGE)
        cluster_id = request.path_params["cluster_id"]
        await run_in_threadpool(compute.clusters.fail, cluster_id, state, code, message)
        return reply({"cluster_id": cluster_id, "state": state})

    async def contexts(request: Request) -> JSONResponse:
        return reply({"contexts": [_context(c) for c in compute.contexts.all()]})

    async def kill_worker(request: Request) -> JSONResponse:
        context_id = request.path_params["context_id"]
        context = compute.contexts.get(context_id)
        if context is None:
            raise ApiError("RESOURCE_DOES_NOT_EXIST", f"Context {context_id} does not exist")
        return reply({"id": context_id, "worker_pid": context.kill_worker()})

    return [
        Route("/local/clusters/{cluster_id}/fail", fail_cluster, methods=["POST"]),
        Route("/local/contexts", contexts, methods=["GET"]),
        Route("/local/contexts/{context_id}/kill-worker", kill_worker, methods=["POST"]),
    ]


def _context(context) -> dict:
    worker = context.worker
    return {
        "id": context.id,
        "cluster_id": context.cluster_id,
        "status": context.status,
        "worker_pid": worker.pid if worker is not None else None,
        "running_command": context.running_command(),
    }


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
