"""Databricks catalogs as attached DuckDB database files, and the name mapping between them.

DuckDB reserves ``main``, ``system`` and ``temp`` (and our in-memory root is ``memory``), so those
Databricks catalog names get a prefix as DuckDB aliases. The mapping is a bijection: any name that
already starts with the prefix is prefixed too, so ``from_duckdb(to_duckdb(n)) == n`` always.
"""

from __future__ import annotations

import threading
from pathlib import Path
from urllib.parse import quote, unquote

import duckdb
from sqlglot import exp

from local_workspace.engine.errors import SqlError

PREFIX = "uc_"
_RESERVED = frozenset({"main", "system", "temp", "memory"})
DEFAULT_CATALOG = "main"
DEFAULT_SCHEMA = "default"
# Databricks' built-in catalog that only holds information_schema; it is never a file.
SYSTEM_CATALOG = "system"
# The legacy Hive metastore every workspace has: SHOW / DESCRIBE work, information_schema does not.
HIVE_METASTORE = "hive_metastore"
# DuckDB's own schema in every attached file: hidden from Databricks, home of our metadata tables.
META_SCHEMA = "main"
CONSTRAINTS_TABLE = "__uc_constraints"


def to_duckdb(catalog: str) -> str:
    """The DuckDB database alias of a Databricks catalog name."""
    name = catalog.lower()
    return PREFIX + name if name in _RESERVED or name.startswith(PREFIX) else name


def from_duckdb(alias: str) -> str:
    """The Databricks catalog name of a DuckDB database alias."""
    return alias[len(PREFIX) :] if alias.startswith(PREFIX) else alias


def ident(name: str) -> str:
    """A DuckDB-quoted identifier (for the engine's own internal statements)."""
    return exp.to_identifier(name, quoted=True).sql("duckdb")


def qualified(*parts: str) -> str:
    return ".".join(ident(p) for p in parts)


class Catalogs:
    """The set of catalogs: one ``<data_dir>/catalogs/<name>.duckdb`` file each, all attached."""

    def __init__(self, con: duckdb.DuckDBPyConnection, root: Path) -> None:
        self._con = con
        self._root = root
        self._lock = threading.Lock()
        root.mkdir(parents=True, exist_ok=True)
        for path in sorted(root.glob("*.duckdb")):
            self._attach(unquote(path.stem))
        for builtin in (DEFAULT_CATALOG, HIVE_METASTORE):
            if not self.exists(builtin):
                self.create(builtin)

    def names(self) -> list[str]:
        """Databricks names of all catalogs, sorted."""
        return sorted(unquote(p.stem) for p in self._root.glob("*.duckdb"))

    def exists(self, catalog: str) -> bool:
        return catalog.lower() != SYSTEM_CATALOG and self._path(catalog).exists()

    def create(self, catalog: str, if_not_exists: bool = False) -> None:
        """Create the catalog file with a ``default`` schema; CATALOG_ALREADY_EXISTS if present."""
        with self._lock:
            if catalog.lower() == SYSTEM_CATALOG or self.exists(catalog):
                if if_not_exists:
                    return
                raise SqlError(
                    "CATALOG_ALREADY_EXISTS",
                    "42P04",
                    f"Cannot create catalog `{catalog}` because it already exists.",
                )
            self._attach(catalog.lower())

    def require(self, catalog: str) -> str:
        """The DuckDB alias of an existing catalog, else NO_SUCH_CATALOG_EXCEPTION."""
        if not self.exists(catalog):
            raise SqlError(
                "NO_SUCH_CATALOG_EXCEPTION", "42704", f"Catalog '{catalog}' was not found."
            )
        return to_duckdb(catalog)

    def _path(self, catalog: str) -> Path:
        return self._root / f"{quote(catalog.lower(), safe='')}.duckdb"

    def _attach(self, catalog: str) -> None:
        alias = ident(to_duckdb(catalog))
        path = exp.Literal.string(str(self._path(catalog))).sql("duckdb")
        self._con.execute(f"ATTACH IF NOT EXISTS {path} AS {alias}")
        self._con.execute(f"CREATE SCHEMA IF NOT EXISTS {alias}.{ident(DEFAULT_SCHEMA)}")
        self._con.execute(
            f"CREATE TABLE IF NOT EXISTS {alias}.{ident(META_SCHEMA)}.{ident(CONSTRAINTS_TABLE)}"
            " (schema_name VARCHAR, table_name VARCHAR, constraint_name VARCHAR,"
            " constraint_type VARCHAR, column_names VARCHAR[])"
        )
        from local_workspace.engine import versions  # versions builds on this module

        versions.create_metadata_tables(self._con, to_duckdb(catalog))
