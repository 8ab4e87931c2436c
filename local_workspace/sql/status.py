"""Thrift status values: success, errors, and the exceptions the handler turns into them.

Failures go back inside HTTP 200 Thrift replies (an error ``TStatus`` or an ``ERROR_STATE``
operation), never as transport errors: the client retries 5xx for minutes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from databricks.sql.thrift_api.TCLIService import ttypes as T

from local_workspace.engine import SqlError

log = logging.getLogger(__name__)
R = TypeVar("R")

# The SQL client silently switches to another backend on SQLSTATE KP001 at OpenSession.
_FORBIDDEN_SQLSTATE_REPLACEMENT = {"KP001": "XX000"}


class ThriftError(Exception):
    """A request-level failure reported as an error ``TStatus`` (not a SQL error)."""

    status_code = T.TStatusCode.ERROR_STATUS

    def __init__(self, message: str, sqlstate: str = "XX000", error_class: str = "INTERNAL_ERROR"):
        super().__init__(message)
        self.message = message
        self.sqlstate = sqlstate
        self.error_class = error_class

    @property
    def display_message(self) -> str:
        return f"[{self.error_class}] {self.message} SQLSTATE: {self.sqlstate}"


class InvalidHandle(ThriftError):
    """A session or operation handle the server does not know (closed, expired or never made).

    Databricks' ``INVALID_HANDLE.<reason>`` error class, e.g. ``SESSION_NOT_FOUND``.
    """

    status_code = T.TStatusCode.INVALID_HANDLE_STATUS

    def __init__(self, handle: object, reason: str = "SESSION_NOT_FOUND") -> None:
        message = f"The handle {handle} is invalid. {_HANDLE_REASONS[reason]}"
        super().__init__(message, sqlstate="HY000", error_class=f"INVALID_HANDLE.{reason}")


_HANDLE_REASONS = {
    "SESSION_NOT_FOUND": "Session not found.",
    "SESSION_CLOSED": "Session was closed.",
    "OPERATION_NOT_FOUND": "Operation not found.",
    "OPERATION_ABANDONED": "Operation was considered abandoned because of inactivity and removed.",
}


def ok() -> T.TStatus:
    return T.TStatus(statusCode=T.TStatusCode.SUCCESS_STATUS)


def status_of(error: ThriftError) -> T.TStatus:
    """The error status for ``error``; the client shows ``errorMessage``: the display text."""
    return T.TStatus(
        statusCode=error.status_code,
        errorMessage=error.display_message,
        displayMessage=error.display_message,
        sqlState=_FORBIDDEN_SQLSTATE_REPLACEMENT.get(error.sqlstate, error.sqlstate),
    )


def engine_call(call: Callable[[], R]) -> R:
    """Run an engine call; its failures become ThriftErrors (unexpected ones logged in full)."""
    try:
        return call()
    except SqlError as error:
        raise ThriftError(error.message, error.sqlstate, error.error_class) from error
    except ThriftError:
        raise
    except Exception as error:
        log.exception("unexpected error in the SQL engine")
        raise ThriftError(f"local workspace internal error: {error!r}") from error
