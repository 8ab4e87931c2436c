"""One place that turns failures into Databricks-shaped error responses.

Databricks answers every REST error with ``{"error_code": ..., "message": ...}`` and an HTTP
status; databricks-sdk picks its exception class from the pair (``errors/platform.py``), so the
pairs below are the ones it reads. Thrift clients cannot parse a JSON body, so for them the message
also travels in the headers databricks-sql-connector puts into its ``RequestError``.
"""

from __future__ import annotations

import logging

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse

log = logging.getLogger(__name__)

# error_code -> HTTP status: the single table every REST and auth failure goes through.
STATUS_BY_ERROR_CODE: dict[str, int] = {
    "INVALID_PARAMETER_VALUE": 400,
    "INVALID_STATE": 400,
    "BAD_REQUEST": 400,
    "MALFORMED_REQUEST": 400,
    "MAX_BLOCK_SIZE_EXCEEDED": 400,
    "MAX_READ_SIZE_EXCEEDED": 400,
    "MAX_NOTEBOOK_SIZE_EXCEEDED": 400,
    "DIRECTORY_NOT_EMPTY": 400,
    "IO_ERROR": 400,
    "UNAUTHENTICATED": 401,
    "PERMISSION_DENIED": 403,
    "RESOURCE_DOES_NOT_EXIST": 404,
    "NOT_FOUND": 404,
    "ENDPOINT_NOT_FOUND": 404,
    "METHOD_NOT_ALLOWED": 405,
    "RESOURCE_ALREADY_EXISTS": 409,
    "ALREADY_EXISTS": 409,
    "REQUEST_LIMIT_EXCEEDED": 429,
    "INTERNAL_ERROR": 500,
    "NOT_IMPLEMENTED": 501,
    "TEMPORARILY_UNAVAILABLE": 503,
}
# Starlette's own HTTPExceptions (routing) -> error_code.
ERROR_CODE_BY_STATUS = {404: "ENDPOINT_NOT_FOUND", 405: "METHOD_NOT_ALLOWED"}

THRIFT_CONTENT_TYPE = "application/x-thrift"


class ApiError(Exception):
    """A failure to report to the client as ``{error_code, message}``."""

    def __init__(self, error_code: str, message: str, retry_after: int | None = None) -> None:
        if error_code not in STATUS_BY_ERROR_CODE:
            raise ValueError(f"unknown error_code {error_code!r}: add it to STATUS_BY_ERROR_CODE")
        super().__init__(message)
        self.error_code = error_code
        self.message = message
        self.retry_after = retry_after  # seconds, sent as Retry-After (429/503 faults)

    @property
    def status_code(self) -> int:
        return STATUS_BY_ERROR_CODE[self.error_code]


def error_response(error: ApiError, thrift: bool = False) -> JSONResponse:
    """The JSON response for ``error``; for Thrift clients also the message headers."""
    headers = {"x-databricks-reason-phrase": _header_safe(error.message)}
    if error.retry_after is not None:
        headers["retry-after"] = str(error.retry_after)
    if thrift:
        headers["x-thriftserver-error-message"] = _header_safe(
            f"{error.error_code}: {error.message}"
        )
    body = {"error_code": error.error_code, "message": error.message}
    return JSONResponse(body, status_code=error.status_code, headers=headers)


def is_thrift_request(request: Request) -> bool:
    return request.headers.get("content-type", "").startswith(THRIFT_CONTENT_TYPE)


async def handle_api_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return error_response(exc, thrift=is_thrift_request(request))


async def handle_http_exception(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    code = ERROR_CODE_BY_STATUS.get(exc.status_code, "BAD_REQUEST")
    message = f"{request.method} {request.url.path}: {exc.detail}"
    return await handle_api_error(request, ApiError(code, message))


async def handle_unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unexpected error in %s %s", request.method, request.url.path)
    error = ApiError("INTERNAL_ERROR", f"local workspace internal error: {exc!r}")
    return await handle_api_error(request, error)


EXCEPTION_HANDLERS = {
    ApiError: handle_api_error,
    HTTPException: handle_http_exception,
    Exception: handle_unexpected,
}


def _header_safe(text: str) -> str:
    # HTTP header values must be single-line latin-1.
    one_line = " ".join(text.split())
    return one_line.encode("latin-1", "replace").decode("latin-1")[:1000]
