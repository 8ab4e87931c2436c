"""Metadata RPC helpers: JDBC name patterns and the column layouts of each result."""

from __future__ import annotations

import pytest

from local_workspace.sql.metadata import JDBC_TYPES, SCHEMAS, _column_row, pattern


@pytest.mark.parametrize(
    ("text", "name", "matches"),
    [
        (None, "anything", True),
        ("", "anything", True),
        ("*", "anything", True),
        ("%", "anything", True),
        ("ord%", "orders", True),
        ("ORD%", "orders", True),
        ("ord%", "customers", False),
        ("t_1", "t_1", True),
        ("t_1", "tx1", True),
        ("t\\_1", "tx1", False),
        ("t\\_1", "t_1", True),
        ("a.b", "axb", False),
        ("%s", "orders", True),
        ("orders", "orders2", False),
    ],
)
def test_jdbc_patterns(text, name, matches):
    assert pattern(text)(name) is matches


def test_result_layouts_are_the_jdbc_ones():
    assert SCHEMAS["GetSchemas"].names == ["TABLE_SCHEM", "TABLE_CATALOG"]
    assert len(SCHEMAS["GetTables"]) == 10
    columns = SCHEMAS["GetColumns"]
    assert columns.names == [
        "TABLE_CAT",
        "TABLE_SCHEM",
        "TABLE_NAME",
        "COLUMN_NAME",
        "DATA_TYPE",
        "TYPE_NAME",
        "COLUMN_SIZE",
        "BUFFER_LENGTH",
        "DECIMAL_DIGITS",
        "NUM_PREC_RADIX",
        "NULLABLE",
        "REMARKS",
        "COLUMN_DEF",
        "SQL_DATA_TYPE",
        "SQL_DATETIME_SUB",
        "CHAR_OCTET_LENGTH",
        "ORDINAL_POSITION",
        "IS_NULLABLE",
        "SCOPE_CATALOG",
        "SCOPE_SCHEMA",
        "SCOPE_TABLE",
        "SOURCE_DATA_TYPE",
        "IS_AUTO_INCREMENT",
    ]
    assert str(columns.field("DATA_TYPE").type) == "int32"
    assert str(columns.field("BUFFER_LENGTH").type) == "int8"
    assert str(columns.field("SOURCE_DATA_TYPE").type) == "int16"


def _info(data_type: str, full: str, precision=None, scale=None, nullable="YES") -> dict:
    return {
        "table_catalog": "main",
        "table_schema": "s",
        "table_name": "t",
        "column_name": "c",
        "data_type": data_type,
        "full_data_type": full,
        "numeric_precision": precision,
        "numeric_scale": scale,
        "is_nullable": nullable,
        "comment": None,
        "ordinal_position": 1,
    }


@pytest.mark.parametrize(
    ("info", "expected"),
    [
        (_info("INT", "int", 32, 0), (4, "INT", 4, 0, 10)),
        (_info("BIGINT", "bigint", 64, 0), (-5, "BIGINT", 8, 0, 10)),
        (_info("DECIMAL", "decimal(10,2)", 10, 2), (3, "DECIMAL(10,2)", 10, 2, 10)),
        (_info("DOUBLE", "double", 53), (8, "DOUBLE", 8, 15, 10)),
        (_info("STRING", "string"), (12, "STRING", None, None, None)),
        (_info("TIMESTAMP", "timestamp"), (93, "TIMESTAMP", 8, 6, None)),
        (_info("ARRAY", "array<string>"), (2003, "ARRAY<STRING>", None, None, None)),
        (_info("MAP", "map<string,int>"), (2000, "MAP<STRING,INT>", None, None, None)),
        (_info("STRUCT", "struct<x:int>"), (2002, "STRUCT<X:INT>", None, None, None)),
        (_info("INTERVAL", "interval day"), (1111, "INTERVAL DAY", None, None, None)),
    ],
)
def test_column_rows_carry_jdbc_codes_and_sizes(info, expected):
    row = _column_row(info)
    got = tuple(
        row[k]
        for k in ("DATA_TYPE", "TYPE_NAME", "COLUMN_SIZE", "DECIMAL_DIGITS", "NUM_PREC_RADIX")
    )
    assert got == expected


def test_nullability_is_both_a_code_and_text():
    row = _column_row(_info("INT", "int", 32, 0, nullable="NO"))
    assert (row["NULLABLE"], row["IS_NULLABLE"]) == (0, "NO")
    assert JDBC_TYPES["BOOLEAN"] == 16
