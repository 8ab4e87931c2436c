"""Catalogs: one DuckDB file each, Databricks names (incl. reserved `main`) in every output."""

from __future__ import annotations

import subprocess
import sys

import pytest

from local_workspace.engine import Engine, SqlError
from local_workspace.engine.catalogs import from_duckdb, to_duckdb
from unit_tests.local_workspace.engine.conftest import one, rows


@pytest.mark.parametrize("name", ["main", "system", "temp", "memory", "uc_main", "uc_", "sales"])
def test_name_mapping_is_a_bijection(name: str) -> None:
    assert from_duckdb(to_duckdb(name)) == name


def test_reserved_names_are_prefixed_others_kept() -> None:
    assert (to_duckdb("main"), to_duckdb("sales")) == ("uc_main", "sales")


def test_a_new_engine_has_main_default(session) -> None:
    assert rows(session, "SELECT current_catalog(), current_schema()") == [
        {"current_catalog()": "main", "current_schema()": "default"}
    ]


def test_create_catalog_and_use_it(session) -> None:
    session.execute("CREATE CATALOG IF NOT EXISTS sales")
    session.execute("CREATE CATALOG IF NOT EXISTS sales")
    session.execute("USE CATALOG sales")
    assert one(session, "SELECT current_catalog()") == "sales"
    assert one(session, "SELECT current_database()") == "default"


def test_create_existing_catalog_fails(session) -> None:
    with pytest.raises(SqlError) as error:
        session.execute("CREATE CATALOG main")
    assert error.value.error_class == "CATALOG_ALREADY_EXISTS"


def test_system_catalog_lists_all_catalogs(session) -> None:
    session.execute("CREATE CATALOG `uc_odd`")
    names = rows(session, "SELECT catalog_name FROM system.information_schema.catalogs")
    assert [r["catalog_name"] for r in names] == ["main", "uc_odd"]


def test_tables_persist_across_engines(tmp_path) -> None:
    engine = Engine(tmp_path)
    session = engine.open_session()
    session.execute("CREATE CATALOG c2")
    session.execute("CREATE TABLE c2.default.t AS SELECT 42 AS x")
    engine.close()
    engine = Engine(tmp_path)
    try:
        assert one(engine.open_session(), "SELECT x FROM c2.default.t") == 42
    finally:
        engine.close()


def test_a_second_process_is_refused_with_a_clear_message(engine, tmp_path) -> None:
    script = (
        "import sys, pathlib; from local_workspace.engine import Engine;"
        " Engine(pathlib.Path(sys.argv[1]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(engine.data_dir)], capture_output=True, text=True
    )
    assert done.returncode != 0
    assert "in use by another process" in done.stderr


def test_open_session_in_missing_catalog_fails(engine) -> None:
    with pytest.raises(SqlError) as error:
        engine.open_session(catalog="nope")
    assert error.value.error_class == "NO_SUCH_CATALOG_EXCEPTION"
