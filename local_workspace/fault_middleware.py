"""ASGI middleware injecting the HTTP-level faults: 503, 429 and connections dropped mid-reply.

Thrift requests are matched by RPC name, read from the message header of the request body (which
is then replayed to the app); other requests by path. Requests under ``/local/`` pass untouched.
"""

from __future__ import annotations

import logging

from starlette.types import ASGIApp, Message, Receive, Scope, Send
from thrift.protocol.TBinaryProtocol import TBinaryProtocol
from thrift.transport.TTransport import TMemoryBuffer

from local_workspace.faults import HTTP_ERRORS, HTTP_KINDS, Faults
from local_workspace.rest.errors import THRIFT_CONTENT_TYPE, ApiError, error_response

log = logging.getLogger(__name__)
ADMIN_PREFIX = "/local/"


class ConnectionDropped(Exception):
    """Raised after half a reply was sent: uvicorn then closes the connection."""


class _QuietDrops(logging.Filter):
    """Keep uvicorn from logging a traceback for each connection we dropped on purpose."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], ConnectionDropped))


for _logger in ("uvicorn.error", "local_workspace.rest.errors"):
    logging.getLogger(_logger).addFilter(_QuietDrops())


class FaultMiddleware:
    """Fires armed ``unavailable``, ``rate_limited`` and ``drop_connection`` faults."""

    def __init__(self, app: ASGIApp, faults: Faults) -> None:
        self.app = app
        self.faults = faults

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if (
            scope["type"] != "http"
            or path.startswith(ADMIN_PREFIX)
            or not self.faults.armed(HTTP_KINDS)
        ):
            await self.app(scope, receive, send)
            return
        rpc = None
        if _is_thrift(scope):
            body = await _read_body(receive)
            rpc, receive = thrift_rpc_name(body), _replay(body, receive)
        await self._dispatch(scope, receive, send, rpc, path)

    async def _dispatch(self, scope, receive, send, rpc: str | None, path: str) -> None:
        for kind, (error_code, status) in HTTP_ERRORS.items():
            fault = self.faults.take(kind, rpc, path)
            if fault is not None:
                log.info("fault %s #%d: HTTP %d for %s", kind, fault.id, status, rpc or path)
                message = f"injected fault {fault.id}: the service is {kind}; retry later"
                error = ApiError(error_code, message, retry_after=fault.retry_after)
                await error_response(error, thrift=rpc is not None)(scope, receive, send)
                return
        fault = self.faults.take("drop_connection", rpc, path)
        if fault is None:
            await self.app(scope, receive, send)
            return
        log.info("fault drop_connection #%d: cutting the reply to %s", fault.id, rpc or path)
        await self.app(scope, receive, _cut_off(send))


def thrift_rpc_name(body: bytes) -> str | None:
    """The RPC name in a TBinaryProtocol message header; None if the body is not one."""
    try:
        name, _, _ = TBinaryProtocol(TMemoryBuffer(body)).readMessageBegin()
    except Exception:  # not Thrift: the endpoint answers it as a bad request
        return None
    return name


def _cut_off(send: Send) -> Send:
    """A ``send`` that passes the reply's start and half its body, then drops the connection."""

    async def cut(message: Message) -> None:
        if message["type"] != "http.response.body":
            await send(message)
            return
        body = message.get("body", b"")
        await send(
            {"type": "http.response.body", "body": body[: len(body) // 2], "more_body": True}
        )
        raise ConnectionDropped("connection dropped by an injected fault")

    return cut


def _is_thrift(scope: Scope) -> bool:
    for name, value in scope.get("headers", ()):
        if name == b"content-type":
            return value.decode("latin-1").startswith(THRIFT_CONTENT_TYPE)
    return False


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """The body already read, then whatever the connection says next (e.g. a disconnect)."""
    pending = True

    async def replay() -> Message:
        nonlocal pending
        if pending:
            pending = False
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
