"""The local workspace's SQL engine: Databricks SQL over an embedded DuckDB.

Contract used by the Thrift layer (``local_workspace.sql``) and the seed::

    engine = Engine(data_dir)                      # owns the one DuckDB connection
    session = engine.open_session(catalog=None, schema=None, conf=None)
    result = session.execute(sql, parameters=())   # -> StatementResult; raises SqlError
    result.schema / result.reader / result.num_modified_rows
    session.cancel(); session.close(); engine.close()

Each Databricks catalog is one DuckDB database file under ``data_dir/catalogs``; names DuckDB
reserves (``main``, ``system``, ``temp``) are mapped in the AST and back in every output.
"""

from __future__ import annotations

from local_workspace.engine.engine import Engine
from local_workspace.engine.errors import SqlError
from local_workspace.engine.result import Parameter, StatementResult
from local_workspace.engine.session import EngineSession

__all__ = ["Engine", "EngineSession", "Parameter", "SqlError", "StatementResult"]
