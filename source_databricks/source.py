"""SourceDatabricks: the composition root for check, discover and read."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from typing import Any

from airbyte_cdk.models import (
    AirbyteCatalog,
    AirbyteConnectionStatus,
    AirbyteStateMessage,
    AirbyteStateType,
    ConfiguredAirbyteCatalog,
    FailureType,
    Status,
)
from airbyte_cdk.sources import Source
from airbyte_cdk.utils.traced_exception import AirbyteTracedException
from sqlglot import exp

from source_databricks.code.wiring import check_code_execution, code_streams
from source_databricks.config import DatabricksConfig, parse_config
from source_databricks.sync import Output, read_catalog
from source_databricks.tables import sql
from source_databricks.tables.discovery import discover_tables
from source_databricks.tables.stream import TableStream
from source_databricks.tables.warehouse import Warehouse, open_warehouse


class SourceDatabricks(Source):
    """Tables and views of a Databricks workspace, read through a SQL warehouse."""

    def check(self, logger: logging.Logger, config: Mapping[str, Any]) -> AirbyteConnectionStatus:
        settings = parse_config(config)
        if settings.has_warehouse:
            with open_warehouse(settings, logger) as warehouse:
                warehouse.query("SELECT 1")
                _check_scope(warehouse, settings)
            logger.info(f"Connected to {settings.hostname}; the configured catalogs are readable")
        check_code_execution(settings, logger)
        return AirbyteConnectionStatus(status=Status.SUCCEEDED)

    def discover(self, logger: logging.Logger, config: Mapping[str, Any]) -> AirbyteCatalog:
        settings = parse_config(config)
        tables = []
        if settings.has_warehouse:
            with open_warehouse(settings, logger) as warehouse:
                tables = discover_tables(warehouse, settings.scope, logger)
            logger.info(f"Discovered {len(tables)} tables and views")
        streams = [TableStream(t, replication=settings.replication) for t in tables]
        streams = [stream.as_airbyte_stream() for stream in streams]
        return AirbyteCatalog(streams=streams + code_streams(settings))

    @classmethod
    def read_state(cls, state_path: str) -> list[AirbyteStateMessage]:
        """The input state; one this connector could not have written is a config error."""
        try:
            states = super().read_state(state_path)
        except Exception as error:  # the CDK raises ValueError, TypeError, KeyError, ...
            problem = f"it is not a list of per-stream STATE messages ({error})"
            raise _foreign_state(problem) from error
        kinds = {state.type for state in states} - {AirbyteStateType.STREAM}
        if kinds:
            names = ", ".join(sorted(kind.value for kind in kinds))
            raise _foreign_state(f"it holds {names} state, and this connector writes per-stream")
        return states

    def read(
        self,
        logger: logging.Logger,
        config: Mapping[str, Any],
        catalog: ConfiguredAirbyteCatalog,
        state: Any = None,
    ) -> Iterator[Output]:
        yield from read_catalog(parse_config(config), catalog, state or [], logger)


def _check_scope(warehouse: Warehouse, config: DatabricksConfig) -> None:
    """Every configured catalog exists, and so does every schema named without a pattern."""
    view = sql.information_schema("system", "schemata")
    query = exp.select("catalog_name", "schema_name").from_(view).sql(sql.DIALECT)
    found = warehouse.query(query)
    catalogs = {catalog for catalog, _ in found}
    missing = [c for c in config.catalogs if c not in catalogs]
    if missing:
        raise _scope_error(f"No catalog named {', '.join(missing)} is readable", "catalogs")
    schemas = {
        schema for catalog, schema in found if not config.catalogs or catalog in config.catalogs
    }
    missing = [s for s in config.scope.exact_schemas() if s not in schemas]
    if missing:
        raise _scope_error(f"No schema named {', '.join(missing)} is readable", "include_schemas")
    if config.include_schemas and not any(config.scope.has_schema(s) for s in schemas):
        patterns = ", ".join(config.include_schemas)
        raise _scope_error(f"No readable schema matches {patterns}", "include_schemas")


def _foreign_state(problem: str) -> AirbyteTracedException:
    return AirbyteTracedException(
        message=f"The saved state cannot be used: {problem}. It was not written by this "
        "connector. Reset the connection's streams (clear their state) and sync again.",
        failure_type=FailureType.config_error,
    )


def _scope_error(problem: str, field: str) -> AirbyteTracedException:
    return AirbyteTracedException(
        message=f"{problem} with these credentials. Check {field}.",
        failure_type=FailureType.config_error,
    )
