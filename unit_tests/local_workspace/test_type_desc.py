from __future__ import annotations

import pyarrow as pa
import pytest
from databricks.sql.backend.thrift_backend import ThriftDatabricksClient
from databricks.sql.thrift_api.TCLIService import ttypes as T

from local_workspace.sql.type_desc import SQL_NAME_KEY, table_schema, type_id

Id = T.TTypeId


@pytest.mark.parametrize(
    ("arrow_type", "expected"),
    [
        (pa.bool_(), Id.BOOLEAN_TYPE),
        (pa.int8(), Id.TINYINT_TYPE),
        (pa.int16(), Id.SMALLINT_TYPE),
        (pa.int32(), Id.INT_TYPE),
        (pa.int64(), Id.BIGINT_TYPE),
        (pa.float32(), Id.FLOAT_TYPE),
        (pa.float64(), Id.DOUBLE_TYPE),
        (pa.string(), Id.STRING_TYPE),
        (pa.large_string(), Id.STRING_TYPE),
        (pa.binary(), Id.BINARY_TYPE),
        (pa.date32(), Id.DATE_TYPE),
        (pa.timestamp("us", tz="Etc/UTC"), Id.TIMESTAMP_TYPE),
        (pa.timestamp("us"), Id.TIMESTAMP_TYPE),
        (pa.decimal128(10, 2), Id.DECIMAL_TYPE),
        (pa.list_(pa.int32()), Id.ARRAY_TYPE),
        (pa.map_(pa.string(), pa.int64()), Id.MAP_TYPE),
        (pa.struct([("a", pa.int32())]), Id.STRUCT_TYPE),
        (pa.null(), Id.NULL_TYPE),
        (pa.duration("us"), Id.STRING_TYPE),  # unknown: reported as STRING, never a failure
    ],
)
def test_arrow_type_to_ttypeid(arrow_type, expected):
    assert type_id(pa.field("c", arrow_type)) == expected


@pytest.mark.parametrize(
    ("sql_name", "expected"),
    [
        (b"INTERVAL DAY TO SECOND", Id.INTERVAL_DAY_TIME_TYPE),
        (b"INTERVAL YEAR TO MONTH", Id.INTERVAL_YEAR_MONTH_TYPE),
    ],
)
def test_intervals_sent_as_strings_are_named_by_field_metadata(sql_name, expected):
    field = pa.field("i", pa.string(), metadata={SQL_NAME_KEY: sql_name})
    assert type_id(field) == expected


def test_every_column_has_a_primitive_entry_and_1_based_position():
    schema = pa.schema([("a", pa.list_(pa.int32())), ("b", pa.struct([("x", pa.int8())]))])
    columns = table_schema(schema).columns
    assert [c.position for c in columns] == [1, 2]
    assert all(c.typeDesc.types[0].primitiveEntry is not None for c in columns)


def test_decimal_carries_precision_and_scale():
    (column,) = table_schema(pa.schema([("d", pa.decimal128(38, 6))])).columns
    qualifiers = column.typeDesc.types[0].primitiveEntry.typeQualifiers.qualifiers
    assert (qualifiers["precision"].i32Value, qualifiers["scale"].i32Value) == (38, 6)


def test_the_sql_client_builds_its_description_from_it():
    schema = pa.schema(
        [("i", pa.int32()), ("d", pa.decimal128(10, 2)), ("m", pa.map_(pa.string(), pa.int8()))]
    )
    description = ThriftDatabricksClient._hive_schema_to_description(
        table_schema(schema), schema.serialize().to_pybytes()
    )
    assert [(d[0], d[1], d[4], d[5]) for d in description] == [
        ("i", "int", None, None),
        ("d", "decimal", 10, 2),
        ("m", "map", None, None),
    ]
