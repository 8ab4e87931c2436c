"""Writes as commits: run a translated DML statement and record the rows it removed and added.

Runs inside the caller's write transaction on the session's state cursor. Affected rows are
found by DuckDB ``rowid``: rows a statement may touch are captured (with their rowid) before it
runs; rows it appends get rowids above the table's maximum (DuckDB numbers a transaction's new
rows from 2^55), so ``rowid > max_before`` finds inserts without copying the table.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import count

import duckdb
from sqlglot import exp

from local_workspace.engine import versions
from local_workspace.engine.catalogs import ident
from local_workspace.engine.versions import Commit, Name, Table, first

_temp_names = count()


@dataclass(frozen=True)
class Outcome:
    """What a write did: rows affected (Databricks' num_affected_rows) and inserted."""

    affected: int
    inserted: int


def run(cursor: duckdb.DuckDBPyConnection, tree: exp.Expression, name: Name) -> Outcome:
    """Execute the translated ``tree`` (INSERT/UPDATE/DELETE/MERGE on ``name``) as a commit."""
    table = versions.require(cursor, name)
    if not table.versioned:
        rows = cursor.execute(tree.sql("duckdb")).fetchall()
        return Outcome(int(rows[0][0]) if rows else 0, 0)
    at = versions.next_commit(table)
    handler = _HANDLERS[type(tree)]
    return handler(cursor, tree, table, at)


def _temp() -> str:
    return ident(f"__uc_write_{next(_temp_names)}")


def _max_rowid(cursor, table: Table) -> int:
    return int(first(cursor.execute(f"SELECT coalesce(max(rowid), -1) FROM {table.name.sql}"))[0])


def _capture(cursor, table: Table, target: exp.Table, condition: str) -> tuple[str, int]:
    """A temp table of (__rid, columns...) of the target rows matching ``condition``."""
    temp = _temp()
    alias = target.alias_or_name
    ref = ident(alias)
    source = f"{table.name.sql} AS {ref}"
    cursor.execute(
        f"CREATE TEMP TABLE {temp} AS SELECT {ref}.rowid AS __rid, {ref}.* FROM {source}"
        f" {condition}"
    )
    rows = int(first(cursor.execute(f"SELECT count(*) FROM {temp}"))[0])
    return temp, rows


def _drop(cursor, *temps: str) -> None:
    for temp in temps:
        cursor.execute(f"DROP TABLE IF EXISTS {temp}")


def _insert(cursor, tree: exp.Insert, table: Table, at: Commit) -> Outcome:
    overwrite = bool(tree.args.get("overwrite"))
    before = _max_rowid(cursor, table)
    if overwrite:
        tree.set("overwrite", False)
        versions.record_changes(cursor, table, at, "delete", table.name.sql)
        removed = int(first(cursor.execute(f"DELETE FROM {table.name.sql}"))[0])
    rows = cursor.execute(tree.sql("duckdb")).fetchall()
    inserted = int(rows[0][0]) if rows else 0
    versions.record_changes(cursor, table, at, "insert", f"{table.name.sql} WHERE rowid > {before}")
    mode = "Overwrite" if overwrite else "Append"
    metrics = {"numOutputRows": str(inserted), "numFiles": "1" if inserted else "0"}
    if overwrite:
        metrics["numRemovedRows"] = str(removed)
    versions.commit(
        cursor,
        table,
        "WRITE",
        {"mode": mode, "statsOnLoad": "false", "partitionBy": "[]"},
        metrics,
        at=at,
        blind_append=not overwrite,
    )
    return Outcome(inserted, inserted)


def _where(tree: exp.Expression) -> str:
    where = tree.args.get("where")
    return where.sql("duckdb") if where is not None else ""


def _predicate(tree: exp.Expression) -> str:
    where = tree.args.get("where")
    return f'["({where.this.sql("databricks")})"]' if where is not None else "[]"


def _delete(cursor, tree: exp.Delete, table: Table, at: Commit) -> Outcome:
    pre, rows = _capture(cursor, table, tree.this, _where(tree))
    try:
        cursor.execute(f"DELETE FROM {table.name.sql} WHERE rowid IN (SELECT __rid FROM {pre})")
        versions.record_changes(cursor, table, at, "delete", pre)
    finally:
        _drop(cursor, pre)
    versions.commit(
        cursor,
        table,
        "DELETE",
        {"predicate": _predicate(tree)},
        {"numDeletedRows": str(rows)},
        at=at,
    )
    return Outcome(rows, 0)


def _update(cursor, tree: exp.Update, table: Table, at: Commit) -> Outcome:
    pre, rows = _capture(cursor, table, tree.this, _where(tree))
    before = _max_rowid(cursor, table)
    try:
        cursor.execute(tree.sql("duckdb"))
        post = f"{table.name.sql} WHERE rowid IN (SELECT __rid FROM {pre}) OR rowid > {before}"
        versions.record_changes(cursor, table, at, "update_preimage", pre)
        versions.record_changes(cursor, table, at, "update_postimage", post)
    finally:
        _drop(cursor, pre)
    versions.commit(
        cursor,
        table,
        "UPDATE",
        {"predicate": _predicate(tree)},
        {"numUpdatedRows": str(rows)},
        at=at,
    )
    return Outcome(rows, 0)


def _merge(cursor, tree: exp.Merge, table: Table, at: Commit) -> Outcome:
    whens = tree.args["whens"].expressions
    by_source = any(w.args.get("source") for w in whens)
    condition = "" if by_source else _matched(tree)
    pre, _ = _capture(cursor, table, tree.this, condition)
    before = _max_rowid(cursor, table)
    after = _temp()
    try:
        cursor.execute(tree.sql("duckdb"))
        cursor.execute(
            f"CREATE TEMP TABLE {after} AS SELECT rowid AS __rid, * FROM {table.name.sql}"
            f" WHERE rowid IN (SELECT __rid FROM {pre}) OR rowid > {before}"
        )
        counts = _merge_changes(cursor, table, at, pre, after, before, whens)
    finally:
        _drop(cursor, pre, after)
    updated, deleted, inserted = counts
    metrics = {
        "numTargetRowsUpdated": str(updated),
        "numTargetRowsDeleted": str(deleted),
        "numTargetRowsInserted": str(inserted),
        "numOutputRows": str(updated + inserted),
    }
    on = tree.args["on"].sql("databricks")
    versions.commit(cursor, table, "MERGE", {"predicate": f'["({on})"]'}, metrics, at=at)
    return Outcome(updated + deleted + inserted, inserted)


def _matched(tree: exp.Merge) -> str:
    """WHERE clause selecting target rows the MERGE's ON condition matches."""
    using = tree.args["using"].sql("duckdb")
    return f"WHERE EXISTS (SELECT 1 FROM {using} WHERE {tree.args['on'].sql('duckdb')})"


def _merge_changes(cursor, table: Table, at: Commit, pre, after, before, whens) -> tuple[int, ...]:
    columns = [c for c, _ in table.columns]
    left = ", ".join(f"p.{ident(c)}" for c in columns)
    right = ", ".join(f"a.{ident(c)}" for c in columns)
    joined = (
        f"{pre} p JOIN {after} a ON p.__rid = a.__rid WHERE ({left}) IS DISTINCT FROM ({right})"
    )
    changed_pre, changed_post = (_temp(), _temp())
    cursor.execute(f"CREATE TEMP TABLE {changed_pre} AS SELECT p.* FROM {joined}")
    cursor.execute(f"CREATE TEMP TABLE {changed_post} AS SELECT a.* FROM {joined}")
    gone = f"(SELECT p.* FROM {pre} p ANTI JOIN {after} a ON p.__rid = a.__rid)"
    new = f"(SELECT * FROM {after} WHERE __rid > {before})"
    # DuckDB rewrites some updates (nested types) as delete + insert: with no DELETE clause a
    # vanished row was updated; with no INSERT clause a new row is an update's post-image.
    deletes = any(isinstance(w.args.get("then"), exp.Var) for w in whens)
    inserts = any(isinstance(w.args.get("then"), exp.Insert) for w in whens)
    try:
        record = versions.record_changes
        record(cursor, table, at, "update_preimage", changed_pre)
        record(cursor, table, at, "update_postimage", changed_post)
        record(cursor, table, at, "delete" if deletes else "update_preimage", f"{gone} g")
        record(cursor, table, at, "insert" if inserts else "update_postimage", f"{new} n")
        updated = _count(cursor, changed_pre)
        deleted = _count(cursor, f"{gone} g")
        inserted = _count(cursor, f"{new} n")
    finally:
        _drop(cursor, changed_pre, changed_post)
    if not deletes:
        updated, deleted = updated + deleted, 0
    if not inserts:
        inserted = 0
    return updated, deleted, inserted


def _count(cursor, source: str) -> int:
    return int(first(cursor.execute(f"SELECT count(*) FROM {source}"))[0])


def truncate(cursor: duckdb.DuckDBPyConnection, name: Name) -> None:
    """TRUNCATE TABLE as a commit: every row becomes a delete change."""
    table = versions.require(cursor, name)
    at = versions.next_commit(table)
    if table.versioned:
        versions.record_changes(cursor, table, at, "delete", table.name.sql)
    removed = int(first(cursor.execute(f"DELETE FROM {table.name.sql}"))[0])
    if table.versioned:
        versions.commit(cursor, table, "TRUNCATE", {}, {"numRemovedRows": str(removed)}, at=at)


_HANDLERS = {exp.Insert: _insert, exp.Delete: _delete, exp.Update: _update, exp.Merge: _merge}
