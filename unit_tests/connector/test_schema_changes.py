"""Selected columns checked against the table as it is now."""

from __future__ import annotations

import logging

import pytest
from airbyte_cdk.models import FailureType
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from source_databricks.tables.schema_changes import selected_columns
from source_databricks.tables.table_info import Column, TableInfo

TABLE = TableInfo(
    "main",
    "s",
    "t",
    "MANAGED",
    columns=(Column("id", "bigint", False), Column("price", "decimal(10,2)", True)),
)
LOGGER = logging.getLogger("test-schema-changes")


def schema(**properties: dict) -> dict:
    return {"type": "object", "properties": properties}


def test_no_properties_selects_every_column_in_table_order():
    assert selected_columns(TABLE, {"type": "object"}, LOGGER) == ["id", "price"]
    assert selected_columns(TABLE, schema(), LOGGER) == ["id", "price"]


def test_selection_follows_table_order_and_logs_unselected_columns(caplog):
    with caplog.at_level(logging.INFO, LOGGER.name):
        chosen = selected_columns(TABLE, schema(price={"type": "number"}), LOGGER)
    assert chosen == ["price"]
    assert "'id'" in caplog.text and "not read" in caplog.text


def test_a_missing_selected_column_is_a_config_error_naming_each():
    configured = schema(id={"type": "integer"}, gone={"type": "string"}, old={"type": "string"})
    with pytest.raises(AirbyteTracedException) as raised:
        selected_columns(TABLE, configured, LOGGER)
    assert raised.value.failure_type == FailureType.config_error
    assert "'gone', 'old'" in raised.value.message


def test_nullability_and_platform_keywords_are_not_type_changes(caplog):
    configured = schema(
        id={"type": ["null", "integer"], "description": "added by a platform"},
        price={"type": "number"},
    )
    with caplog.at_level(logging.WARNING, LOGGER.name):
        assert selected_columns(TABLE, configured, LOGGER) == ["id", "price"]
    assert caplog.text == ""


def test_a_different_mapped_schema_is_reported_with_both_sides(caplog):
    configured = schema(id={"type": "string"}, price={"type": "number"})
    with caplog.at_level(logging.WARNING, LOGGER.name):
        selected_columns(TABLE, configured, LOGGER)
    assert "'id' changed type" in caplog.text
    assert "bigint" in caplog.text and '"integer"' in caplog.text and '"string"' in caplog.text


def test_fields_the_connector_adds_are_not_columns_of_the_table():
    configured = schema(id={"type": "integer"}, _ab_cdc_cursor={"type": "integer"})
    assert selected_columns(TABLE, configured, LOGGER, {"_ab_cdc_cursor"}) == ["id"]
