"""The ``spark`` object of a worker: a small PySpark-like API bound to the context's session.

Every call goes to the server (``spark_service``), which runs it on the context's SQL session,
so temporary views and ``USE`` are shared with the context's SQL commands. Data crosses as Arrow.
A DataFrame is either a query (lazy, like Spark: actions run it) or local rows (from
``createDataFrame`` or a command such as SHOW TABLES). Anything outside the supported subset
raises NotImplementedError naming it.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from local_workspace.contexts.ipc import from_bytes, to_bytes
from local_workspace.contexts.local_rows import Row, to_arrow
from local_workspace.contexts.worker_channel import WorkerChannel

SPARK_VERSION = "3.5.0"


class AnalysisException(Exception):
    """A statement failed analysis or execution (PySpark's name for it)."""

    def __init__(self, message: str, error_class: str = "") -> None:
        super().__init__(message)
        self.error_class = error_class

    def getErrorClass(self) -> str:
        return self.error_class


class ParseException(AnalysisException):
    """The SQL text did not parse."""


class _Unsupported:
    """Turns every attribute outside the supported subset into a clear NotImplementedError."""

    _supported: tuple[str, ...] = ()

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        kind = type(self).__name__
        raise NotImplementedError(
            f"{kind}.{name} is not supported by the local workspace's spark "
            f"(supported: {', '.join(self._supported)})"
        )


class SparkSession(_Unsupported):
    """``spark``: sql, table, createDataFrame, range, version."""

    _supported = ("sql", "table", "createDataFrame", "range", "version")

    def __init__(self, channel: WorkerChannel) -> None:
        self._channel = channel
        self.version = SPARK_VERSION

    def sql(self, query: str) -> DataFrame:
        reply, data = self._call({"op": "sql", "sql": query})
        if reply["query"]:
            return DataFrame(self, sql=query)
        return DataFrame(self, local=from_bytes(data))

    def table(self, name: str) -> DataFrame:
        return self.sql(f"SELECT * FROM {_quoted_name(name)}")

    def range(self, start: int, end: int | None = None, step: int = 1) -> DataFrame:
        start, end = (0, start) if end is None else (start, end)
        ids = pa.array(range(int(start), int(end), int(step)), pa.int64())
        return DataFrame(self, local=pa.table({"id": ids}))

    def createDataFrame(self, data: Any, schema: Any = None) -> DataFrame:
        return DataFrame(self, local=to_arrow(data, schema))

    def _call(self, request: dict[str, Any], payload: bytes = b"") -> tuple[dict, bytes]:
        reply, data = self._channel.call(request, payload)
        if not reply.get("ok"):
            error_class = str(reply.get("error_class", ""))
            kind = ParseException if error_class.startswith("PARSE") else AnalysisException
            raise kind(str(reply.get("message")), error_class)
        return reply, data


class DataFrame(_Unsupported):
    """A query or local rows; actions: collect, count, show, toPandas, first, take."""

    _supported = (
        "collect", "count", "show", "toPandas", "first", "take", "limit", "columns",
        "createOrReplaceTempView", "createTempView", "write", "toArrow",
    )  # fmt: skip

    def __init__(self, spark: SparkSession, sql: str | None = None, local: pa.Table | None = None):
        self._spark, self._sql, self._local = spark, sql, local

    @property
    def columns(self) -> list[str]:
        return list(self._arrow(limit=0).column_names)

    def collect(self) -> list[Row]:
        return _rows(self._arrow())

    def take(self, n: int) -> list[Row]:
        return _rows(self._arrow(limit=n))

    def first(self) -> Row | None:
        rows = self.take(1)
        return rows[0] if rows else None

    def count(self) -> int:
        if self._local is not None:
            return self._local.num_rows
        return int(self._spark._call({"op": "count", "sql": self._sql})[0]["count"])

    def limit(self, n: int) -> DataFrame:
        return DataFrame(self._spark, local=self._arrow(limit=n))

    def toArrow(self) -> pa.Table:
        return self._arrow()

    def toPandas(self) -> Any:
        try:
            import pandas  # noqa: F401
        except ImportError:
            raise NotImplementedError("toPandas needs pandas, which is not installed") from None
        return self._arrow().to_pandas()

    def show(self, n: int = 20, truncate: bool | int = True) -> None:
        from local_workspace.contexts.show import render

        table = self._arrow(limit=n + 1)
        print(render(table, n, 20 if truncate is True else int(truncate or 0)))

    def createOrReplaceTempView(self, name: str) -> None:
        self._spark._call(*self._request({"op": "view", "name": name, "replace": True}))

    def createTempView(self, name: str) -> None:
        self._spark._call(*self._request({"op": "view", "name": name, "replace": False}))

    @property
    def write(self) -> DataFrameWriter:
        return DataFrameWriter(self)

    def _arrow(self, limit: int | None = None) -> pa.Table:
        if self._local is not None:
            return self._local if limit is None else self._local.slice(0, limit)
        reply = self._spark._call({"op": "fetch", "sql": self._sql, "limit": limit})
        return from_bytes(reply[1])

    def _request(self, request: dict[str, Any]) -> tuple[dict[str, Any], bytes]:
        if self._local is not None:
            return {**request, "sql": None}, to_bytes(self._local)
        return {**request, "sql": self._sql}, b""


class DataFrameWriter(_Unsupported):
    """``df.write``: mode(...) then saveAsTable(name)."""

    _supported = ("mode", "saveAsTable", "format", "option")

    def __init__(self, frame: DataFrame) -> None:
        self._frame, self._mode = frame, "errorifexists"

    def mode(self, mode: str) -> DataFrameWriter:
        self._mode = mode
        return self

    def format(self, source: str) -> DataFrameWriter:
        if source.lower() != "delta":
            raise NotImplementedError(f"DataFrameWriter.format({source!r}): only delta tables")
        return self

    def option(self, key: str, value: Any) -> DataFrameWriter:
        return self  # table options (mergeSchema, ...) have no effect locally

    def saveAsTable(self, name: str) -> None:
        request = {"op": "save", "name": name, "mode": self._mode}
        self._frame._spark._call(*self._frame._request(request))


def _rows(table: pa.Table) -> list[Row]:
    names = table.column_names
    columns = [column.to_pylist() for column in table.columns]
    return [Row.from_values(names, list(values)) for values in zip(*columns, strict=True)]


def _quoted_name(name: str) -> str:
    # Names like main.demo.events or `odd name`: keep backticked parts, quote the others.
    parts = [p if p.startswith("`") else f"`{p}`" for p in name.split(".")]
    return ".".join(parts)
