"""The SQL warehouse's HTTP endpoint: Thrift TCLIService messages over ``POST``.

Each request body is one TBinaryProtocol message; the reply body is the Processor's answer.
Processing blocks (the engine runs the statement), so it runs in a worker thread.
"""

from __future__ import annotations

from databricks.sql.thrift_api.TCLIService import TCLIService
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from thrift.protocol.TBinaryProtocol import TBinaryProtocol
from thrift.Thrift import TException
from thrift.transport.TTransport import TMemoryBuffer

from local_workspace.rest.errors import THRIFT_CONTENT_TYPE, ApiError
from local_workspace.sql.handler import ThriftHandler

HTTP_PATH_PREFIX = "/sql/1.0/warehouses/"


def http_path(warehouse_id: str) -> str:
    """The ``http_path`` clients pass to reach this warehouse."""
    return HTTP_PATH_PREFIX + warehouse_id


class ThriftService:
    """Decodes one Thrift message, dispatches it to the handler, returns the encoded reply."""

    def __init__(self, handler: ThriftHandler) -> None:
        self.handler = handler
        self._processor = TCLIService.Processor(handler)

    def process(self, body: bytes) -> bytes:
        out = TMemoryBuffer()
        self._processor.process(TBinaryProtocol(TMemoryBuffer(body)), TBinaryProtocol(out))
        return out.getvalue()


def warehouse_route(service: ThriftService, warehouse_id: str) -> Route:
    """``POST /sql/1.0/warehouses/{id}`` for the one warehouse this workspace has."""

    async def endpoint(request: Request) -> Response:
        requested = request.path_params["warehouse_id"]
        if requested != warehouse_id:
            raise ApiError(
                "RESOURCE_DOES_NOT_EXIST",
                f"SQL warehouse {requested} does not exist (this workspace has {warehouse_id})",
            )
        body = await request.body()
        try:
            reply = await run_in_threadpool(service.process, body)
        except (TException, EOFError) as error:  # not a Thrift message: no Thrift reply
            raise ApiError("BAD_REQUEST", f"malformed Thrift request: {error}") from error
        return Response(reply, media_type=THRIFT_CONTENT_TYPE)

    return Route(HTTP_PATH_PREFIX + "{warehouse_id}", endpoint, methods=["POST"])
