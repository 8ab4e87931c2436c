"""Wire-neutral shapes of the engine contract: statement parameters and results."""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa


@dataclass(frozen=True)
class Parameter:
    """One bound parameter as databricks-sql-connector sends it (a TSparkParameter).

    ``name`` is None for positional ``?`` markers (bound in list order), else the ``:name``.
    ``type`` is a Databricks type name ('INT', 'DECIMAL(10,2)', 'TIMESTAMP', 'VOID', ...) and
    ``value`` its string form (None for NULL).
    """

    name: str | None
    type: str
    value: str | None


@dataclass
class StatementResult:
    """The outcome of one statement.

    ``reader`` is lazy: batches are produced as the caller pulls them, so a 10M-row table is never
    held in memory. ``schema`` uses Databricks' Arrow types (see ``engine.arrow_types``).
    ``num_modified_rows`` is set for DML (INSERT/UPDATE/DELETE/MERGE), else None.
    """

    schema: pa.Schema
    reader: pa.RecordBatchReader
    num_modified_rows: int | None = None
