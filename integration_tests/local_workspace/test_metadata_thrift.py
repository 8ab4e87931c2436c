"""Thrift metadata calls through the real SQL client: catalogs, schemas, tables, columns, keys."""

from __future__ import annotations

import pytest
from databricks import sql
from databricks.sql.result_set import ThriftResultSet
from databricks.sql.thrift_api.TCLIService import ttypes as T

from integration_tests.local_workspace_process import RunningWorkspace, running_workspace

SETUP = [
    "CREATE SCHEMA main.meta",
    "CREATE SCHEMA main.meta_other",
    "CREATE TABLE main.meta.all_types (id BIGINT NOT NULL, amount DECIMAL(10,2), name STRING, "
    "tags ARRAY<STRING>, attrs MAP<STRING,INT>, point STRUCT<x: INT, y: INT>, "
    "created TIMESTAMP, day DATE, flag BOOLEAN, "
    "CONSTRAINT all_types_pk PRIMARY KEY (id) NOT ENFORCED) COMMENT 'every type'",
    "CREATE TABLE main.meta.t_1 (a INT)",
    "CREATE TABLE main.meta.tx1 (a INT)",
    "CREATE TABLE main.meta.pairs (k1 INT NOT NULL, k2 STRING NOT NULL, v INT, "
    "CONSTRAINT pairs_pk PRIMARY KEY (k1, k2) NOT ENFORCED)",
    "CREATE VIEW main.meta.v_names AS SELECT name FROM main.meta.all_types",
    "CREATE TABLE main.meta_other.elsewhere (a INT)",
]
TABLE_COLUMNS = [
    "TABLE_CAT",
    "TABLE_SCHEM",
    "TABLE_NAME",
    "TABLE_TYPE",
    "REMARKS",
    "TYPE_CAT",
    "TYPE_SCHEM",
    "TYPE_NAME",
    "SELF_REFERENCING_COL_NAME",
    "REF_GENERATION",
]


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> RunningWorkspace:
    with running_workspace(tmp_path_factory.mktemp("metadata") / "ws") as ws:
        with sql.connect(**ws.sql_connect_kwargs()) as connection, connection.cursor() as cursor:
            for statement in SETUP:
                cursor.execute(statement)
        yield ws


@pytest.fixture
def cursor(workspace):
    with sql.connect(**workspace.sql_connect_kwargs()) as connection, connection.cursor() as cur:
        yield cur


def _names(cursor) -> list[str]:
    return [column[0] for column in cursor.description]


def test_catalogs(cursor):
    rows = cursor.catalogs().fetchall()
    assert _names(cursor) == ["TABLE_CAT"]
    assert "main" in [row.TABLE_CAT for row in rows]


def test_schemas_with_a_wildcard(cursor):
    rows = cursor.schemas(catalog_name="main", schema_name="meta%").fetchall()
    assert _names(cursor) == ["TABLE_SCHEM", "TABLE_CATALOG"]
    assert [tuple(row) for row in rows] == [("meta", "main"), ("meta_other", "main")]


def test_tables_with_types_and_remarks(cursor):
    rows = cursor.tables(catalog_name="main", schema_name="meta").fetchall()
    assert _names(cursor) == TABLE_COLUMNS
    assert [(r.TABLE_NAME, r.TABLE_TYPE) for r in rows] == [
        ("all_types", "TABLE"),
        ("pairs", "TABLE"),
        ("t_1", "TABLE"),
        ("tx1", "TABLE"),
        ("v_names", "VIEW"),
    ]
    assert rows[0].REMARKS == "every type"
    assert {r.TABLE_CAT for r in rows} == {"main"}


def test_tables_filtered_by_type_and_pattern(cursor):
    views = cursor.tables(catalog_name="main", schema_name="meta%", table_types=["VIEW"])
    assert [r.TABLE_NAME for r in views.fetchall()] == ["v_names"]
    underscore = cursor.tables(catalog_name="main", schema_name="meta", table_name="t_1")
    assert [r.TABLE_NAME for r in underscore.fetchall()] == ["t_1", "tx1"]  # `_` is a wildcard
    anywhere = cursor.tables(table_name="ELSE%")
    assert [(r.TABLE_SCHEM, r.TABLE_NAME) for r in anywhere.fetchall()] == [
        ("meta_other", "elsewhere")
    ]


def test_columns_carry_jdbc_types(cursor):
    rows = cursor.columns(catalog_name="main", schema_name="meta", table_name="all_types")
    rows = rows.fetchall()
    names = _names(cursor)
    assert names[:6] == [
        "TABLE_CAT",
        "TABLE_SCHEM",
        "TABLE_NAME",
        "COLUMN_NAME",
        "DATA_TYPE",
        "TYPE_NAME",
    ]
    assert len(names) == 23 and names[-1] == "IS_AUTO_INCREMENT"
    types = {c[0]: c[1] for c in cursor.description}
    assert (types["DATA_TYPE"], types["BUFFER_LENGTH"], types["SOURCE_DATA_TYPE"]) == (
        "int",
        "tinyint",
        "smallint",
    )
    got = [(r.COLUMN_NAME, r.DATA_TYPE, r.TYPE_NAME, r.NULLABLE, r.ORDINAL_POSITION) for r in rows]
    assert got == [
        ("id", -5, "BIGINT", 0, 1),
        ("amount", 3, "DECIMAL(10,2)", 1, 2),
        ("name", 12, "STRING", 1, 3),
        ("tags", 2003, "ARRAY<STRING>", 1, 4),
        ("attrs", 2000, "MAP<STRING,INT>", 1, 5),
        ("point", 2002, "STRUCT<X:INT,Y:INT>", 1, 6),
        ("created", 93, "TIMESTAMP", 1, 7),
        ("day", 91, "DATE", 1, 8),
        ("flag", 16, "BOOLEAN", 1, 9),
    ]
    amount = rows[1]
    assert (amount.COLUMN_SIZE, amount.DECIMAL_DIGITS, amount.NUM_PREC_RADIX) == (10, 2, 10)


def test_columns_with_a_column_pattern(cursor):
    rows = cursor.columns(schema_name="meta", table_name="%", column_name="k%").fetchall()
    assert [(r.TABLE_NAME, r.COLUMN_NAME) for r in rows] == [("pairs", "k1"), ("pairs", "k2")]


def test_unknown_catalog_matches_nothing(cursor):
    assert cursor.schemas(catalog_name="nope").fetchall() == []


def _primary_keys(cursor, catalog, schema, table) -> list[tuple]:
    # databricks-sql-connector 4.9 has no primary_keys(); send the RPC through its backend.
    backend = cursor.connection.session.backend
    req = T.TGetPrimaryKeysReq(
        sessionHandle=cursor.connection.session.session_id.to_thrift_handle(),
        catalogName=catalog,
        schemaName=schema,
        tableName=table,
        getDirectResults=T.TSparkGetDirectResults(maxRows=10_000, maxBytes=10 << 20),
    )
    resp = backend.make_request(backend._client.GetPrimaryKeys, req)
    execute_response, has_more_rows = backend._handle_execute_response(resp, cursor)
    result = ThriftResultSet(
        connection=cursor.connection,
        execute_response=execute_response,
        thrift_client=backend,
        t_row_set=resp.directResults.resultSet.results,
        has_more_rows=has_more_rows,
    )
    names = [column[0] for column in execute_response.description]
    return names, [tuple(row) for row in result.fetchall()]


def test_primary_keys_in_key_order(cursor):
    names, rows = _primary_keys(cursor, "main", "meta", "pairs")
    assert names == ["TABLE_CAT", "TABLE_SCHEM", "TABLE_NAME", "COLUMN_NAME", "KEY_SEQ", "PK_NAME"]
    assert rows == [
        ("main", "meta", "pairs", "k1", 1, "pairs_pk"),
        ("main", "meta", "pairs", "k2", 2, "pairs_pk"),
    ]
    assert _primary_keys(cursor, "main", "meta", "t_1")[1] == []
