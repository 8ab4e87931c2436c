"""Which tables are in scope: catalogs, and include/exclude patterns for schemas and tables.

Patterns are shell-style globs (`sales_*`, `raw.events_??`), matched case-sensitively. A table
pattern with a dot matches `schema.table`; without one it matches the table name alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatchcase

from sqlglot import exp

GLOB_CHARACTERS = set("*?[")
# Catalogs that hold Databricks' own metadata, never user tables.
SYSTEM_CATALOGS = ("system", "__databricks_internal")


@dataclass(frozen=True)
class Scope:
    catalogs: tuple[str, ...] = ()
    include_schemas: tuple[str, ...] = ()
    exclude_schemas: tuple[str, ...] = ()
    include_tables: tuple[str, ...] = ()
    exclude_tables: tuple[str, ...] = ()

    def has_schema(self, schema: str) -> bool:
        if schema == "information_schema" or _any(self.exclude_schemas, schema):
            return False
        return not self.include_schemas or _any(self.include_schemas, schema)

    def has_table(self, schema: str, table: str) -> bool:
        if not self.has_schema(schema) or _matches_table(self.exclude_tables, schema, table):
            return False
        return not self.include_tables or _matches_table(self.include_tables, schema, table)

    def exact_schemas(self) -> tuple[str, ...]:
        """The included schemas when all are plain names (so a query can filter on them)."""
        if self.include_schemas and not any(_is_glob(p) for p in self.include_schemas):
            return self.include_schemas
        return ()

    def where(self, catalog: exp.Column, schema: exp.Column) -> tuple[exp.Expression, list[str]]:
        """A filter for information_schema queries and its parameters, in marker order."""
        condition: exp.Expression = schema.neq(exp.Literal.string("information_schema"))
        condition = exp.and_(
            condition, catalog.isin(*map(exp.Literal.string, SYSTEM_CATALOGS)).not_()
        )
        parameters: list[str] = []
        for column, values in ((catalog, self.catalogs), (schema, self.exact_schemas())):
            if values:
                condition = exp.and_(condition, column.isin(*(exp.Placeholder() for _ in values)))
                parameters += values
        return condition, parameters


def _matches_table(patterns: tuple[str, ...], schema: str, table: str) -> bool:
    return any(fnmatchcase(f"{schema}.{table}" if "." in p else table, p) for p in patterns)


def _any(patterns: tuple[str, ...], name: str) -> bool:
    return any(fnmatchcase(name, pattern) for pattern in patterns)


def _is_glob(pattern: str) -> bool:
    return bool(GLOB_CHARACTERS & set(pattern))
