"""Server side of the worker's ``spark`` proxy: its requests, run on the context's session.

Requests are JSON headers (``op`` plus arguments) with Arrow payloads for local data; replies
are ``{"ok": true, ...}`` with Arrow payloads, or ``{"ok": false, "error_class", "message"}``
which the proxy raises as AnalysisException/ParseException.
"""

from __future__ import annotations

from typing import Any

import sqlglot
from sqlglot import exp

from local_workspace.contexts.arrow_sql import values_query
from local_workspace.contexts.ipc import from_bytes, to_bytes
from local_workspace.contexts.session import ContextSession, read_table
from local_workspace.contexts.temp_views import TempViewExists
from local_workspace.engine import SqlError

Reply = tuple[dict[str, Any], bytes]


class SparkService:
    """Answers one context's ``spark`` requests."""

    def __init__(self, session: ContextSession) -> None:
        self.session = session

    def handle(self, request: dict[str, Any], payload: bytes) -> Reply:
        """One request → one reply; failures become error replies, never exceptions."""
        handler = getattr(self, "_" + str(request.get("op")), None)
        if handler is None:
            return _error("UNSUPPORTED_OPERATION", f"unknown spark request {request.get('op')!r}")
        try:
            return handler(request, payload)
        except SqlError as error:
            return _error(error.error_class, error.display_message)
        except TempViewExists as error:
            return _error("TEMP_TABLE_OR_VIEW_ALREADY_EXISTS", str(error))
        except (ValueError, NotImplementedError, sqlglot.ParseError) as error:
            return _error("INVALID_REQUEST", str(error))

    def _sql(self, request: dict[str, Any], payload: bytes) -> Reply:
        is_query, shape = self.session.describe(str(request["sql"]))
        data = to_bytes(shape.empty_table() if is_query else shape)
        return {"ok": True, "query": is_query}, data

    def _fetch(self, request: dict[str, Any], payload: bytes) -> Reply:
        query = self._source(request, payload).sql(dialect="databricks")
        table = read_table(self.session.execute(query), request.get("limit"))
        return {"ok": True}, to_bytes(table)

    def _count(self, request: dict[str, Any], payload: bytes) -> Reply:
        source = self._source(request, payload).subquery("q")
        query = exp.select(exp.Count(this=exp.Star()).as_("count")).from_(source)
        table = read_table(self.session.execute(query.sql(dialect="databricks")))
        return {"ok": True, "count": table.column(0)[0].as_py()}, b""

    def _view(self, request: dict[str, Any], payload: bytes) -> Reply:
        query = self._source(request, payload)
        self.session.define_view(str(request["name"]), query, bool(request.get("replace")))
        return {"ok": True}, b""

    def _save(self, request: dict[str, Any], payload: bytes) -> Reply:
        query = self._source(request, payload)
        self.session.save_as_table(str(request["name"]), str(request["mode"]).lower(), query)
        return {"ok": True}, b""

    def _source(self, request: dict[str, Any], payload: bytes) -> exp.Query:
        """The DataFrame a request is about: its SQL, or its local rows as VALUES."""
        if request.get("sql") is None:
            return values_query(from_bytes(payload))
        tree = sqlglot.parse_one(str(request["sql"]), read="databricks")
        if not isinstance(tree, exp.Query):
            raise ValueError("a DataFrame's SQL must be a query")
        return tree


def _error(error_class: str, message: str) -> Reply:
    return {"ok": False, "error_class": error_class, "message": message}, b""
