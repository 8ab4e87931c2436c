"""Rows in a worker: PySpark's ``Row`` and ``createDataFrame`` inputs turned into Arrow."""

from __future__ import annotations

from typing import Any

import pyarrow as pa

# DDL type names (createDataFrame's "id INT, name STRING" schemas) → Arrow.
_DDL_TYPES = {
    "tinyint": pa.int8(), "byte": pa.int8(), "smallint": pa.int16(), "short": pa.int16(),
    "int": pa.int32(), "integer": pa.int32(), "bigint": pa.int64(), "long": pa.int64(),
    "float": pa.float32(), "double": pa.float64(), "boolean": pa.bool_(),
    "string": pa.string(), "date": pa.date32(), "timestamp": pa.timestamp("us", "UTC"),
    "binary": pa.binary(),
}  # fmt: skip


class Row(tuple):
    """A result row: a tuple with named fields (``row.id``, ``row["id"]``, ``asDict()``)."""

    __fields__: tuple[str, ...] = ()

    def __new__(cls, *args: Any, **kwargs: Any) -> Row:
        if kwargs:
            return cls.from_values(list(kwargs), list(kwargs.values()))
        return tuple.__new__(cls, args)

    @classmethod
    def from_values(cls, names: list[str], values: list[Any]) -> Row:
        row = tuple.__new__(cls, values)
        row.__fields__ = tuple(names)
        return row

    def asDict(self) -> dict[str, Any]:
        return dict(zip(self.__fields__, self, strict=False))

    def __getattr__(self, name: str) -> Any:
        try:
            return self[self.__fields__.index(name)]
        except ValueError:
            raise AttributeError(name) from None

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            return tuple.__getitem__(self, self.__fields__.index(key))
        return tuple.__getitem__(self, key)

    def __repr__(self) -> str:
        if not self.__fields__:
            return f"<Row({', '.join(map(repr, self))})>"
        return (
            "Row("
            + ", ".join(f"{k}={v!r}" for k, v in zip(self.__fields__, self, strict=False))
            + ")"
        )


def to_arrow(data: Any, schema: Any = None) -> pa.Table:
    """``createDataFrame`` input (rows, dicts, Rows, pandas, Arrow) as an Arrow table."""
    if isinstance(data, pa.Table):
        return data
    if type(data).__name__ == "DataFrame" and hasattr(data, "to_dict"):  # pandas
        return pa.Table.from_pandas(data, preserve_index=False)
    rows = list(data)
    names, types = _schema(schema, rows)
    columns = [[_field(row, i, name) for row in rows] for i, name in enumerate(names)]
    arrays = [pa.array(c, type=t) for c, t in zip(columns, types, strict=True)]
    return pa.table(dict(zip(names, arrays, strict=True)))


def _schema(schema: Any, rows: list[Any]) -> tuple[list[str], list[pa.DataType | None]]:
    if schema is None:
        return _inferred_names(rows), [None] * len(_inferred_names(rows))
    if isinstance(schema, str):
        return _ddl(schema)
    if isinstance(schema, (list, tuple)) and all(isinstance(n, str) for n in schema):
        return list(schema), [None] * len(schema)
    raise NotImplementedError(
        "createDataFrame: schema must be None, a list of column names or a DDL string "
        f"('id INT, name STRING'), not {type(schema).__name__}"
    )


def _inferred_names(rows: list[Any]) -> list[str]:
    if not rows:
        raise ValueError("createDataFrame: cannot infer a schema from no rows; pass a schema")
    first = rows[0]
    if isinstance(first, Row) and first.__fields__:
        return list(first.__fields__)
    if isinstance(first, dict):
        return list(first)
    return [f"_{i + 1}" for i in range(len(first))]


def _ddl(text: str) -> tuple[list[str], list[pa.DataType | None]]:
    names, types = [], []
    for part in text.split(","):
        name, _, type_name = part.strip().partition(" ")
        arrow_type = _DDL_TYPES.get(type_name.strip().lower())
        if arrow_type is None:
            raise NotImplementedError(f"createDataFrame: DDL type {type_name!r} is not supported")
        names.append(name.strip("`"))
        types.append(arrow_type)
    return names, types


def _field(row: Any, index: int, name: str) -> Any:
    if isinstance(row, dict):
        return row.get(name)
    if isinstance(row, Row) and row.__fields__:
        return row[name]
    return row[index]
