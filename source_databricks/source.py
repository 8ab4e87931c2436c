"""SourceDatabricks: the composition root for check, discover and read."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from typing import Any

from airbyte_cdk.models import (
    AirbyteCatalog,
    AirbyteConnectionStatus,
    ConfiguredAirbyteCatalog,
    FailureType,
    Status,
)
from airbyte_cdk.sources import Source
from airbyte_cdk.utils.traced_exception import AirbyteTracedException
from sqlglot import exp

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
        with open_warehouse(settings, logger) as warehouse:
            warehouse.query("SELECT 1")
            _check_scope(warehouse, settings)
        logger.info(f"Connected to {settings.hostname}; catalog {settings.catalog} is readable")
        return AirbyteConnectionStatus(status=Status.SUCCEEDED)

    def discover(self, logger: logging.Logger, config: Mapping[str, Any]) -> AirbyteCatalog:
        settings = parse_config(config)
        with open_warehouse(settings, logger) as warehouse:
            tables = discover_tables(warehouse, settings)
        logger.info(f"Discovered {len(tables)} tables and views in catalog {settings.catalog}")
        return AirbyteCatalog(streams=[TableStream(t).as_airbyte_stream() for t in tables])

    def read(
        self,
        logger: logging.Logger,
        config: Mapping[str, Any],
        catalog: ConfiguredAirbyteCatalog,
        state: Any = None,
    ) -> Iterator[Output]:
        yield from read_catalog(parse_config(config), catalog, state or [], logger)


def _check_scope(warehouse: Warehouse, config: DatabricksConfig) -> None:
    """The catalog exists and holds every configured schema; otherwise name the field to fix."""
    view = sql.information_schema(config.catalog, "schemata")
    query = exp.select("schema_name").from_(view).sql(sql.DIALECT)
    try:
        found = {row[0] for row in warehouse.query(query)}
    except AirbyteTracedException as error:
        raise AirbyteTracedException(
            message=f"Catalog '{config.catalog}' cannot be read: {error.message} Check catalog.",
            failure_type=FailureType.config_error,
        ) from error
    missing = [schema for schema in config.schemas if schema not in found]
    if missing:
        raise AirbyteTracedException(
            message=f"Catalog '{config.catalog}' has no schema {', '.join(missing)}. "
            "Check schemas.",
            failure_type=FailureType.config_error,
        )
