from __future__ import annotations

import sqlglot

from local_workspace.contexts.temp_views import TempViews, dropped_view, temp_view_definition


def parse(sql: str):
    return sqlglot.parse_one(sql, read="databricks")


def expanded(views: TempViews, sql: str) -> str:
    return views.expand(parse(sql)).sql(dialect="databricks")


def test_definition_and_drop_are_recognized():
    name, query, replace = temp_view_definition(parse("CREATE OR REPLACE TEMP VIEW v AS SELECT 1"))
    assert (name, query.sql(), replace) == ("v", "SELECT 1", True)
    assert temp_view_definition(parse("CREATE VIEW v AS SELECT 1")) is None
    assert dropped_view(parse("DROP VIEW IF EXISTS v")) == ("v", True)


def test_references_are_expanded_keeping_aliases():
    views = TempViews()
    views.define("v", parse("SELECT 1 AS a"))
    assert expanded(views, "SELECT x.a FROM v AS x") == "SELECT x.a FROM (SELECT 1 AS a) AS x"
    assert expanded(views, "SELECT * FROM main.s.v") == "SELECT * FROM main.s.v"


def test_ctes_shadow_views_and_views_nest():
    views = TempViews()
    views.define("v", parse("SELECT 1 AS a"))
    views.define("w", parse("SELECT a FROM v"))
    assert expanded(views, "WITH v AS (SELECT 2 AS a) SELECT * FROM v").startswith("WITH v AS")
    assert "SELECT 1 AS a" in expanded(views, "SELECT * FROM w")
    assert views.drop("V") and "v" not in views
