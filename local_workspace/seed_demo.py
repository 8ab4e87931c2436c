"""``python -m local_workspace seed-demo``: create the demo catalog content (idempotent).

The demo is a list of Databricks SQL statements built with sqlglot from the literals in
``demo_data``. They run through the running server when there is one (DuckDB admits one
process, so the server owns the files), else on an ``Engine`` opened on the data dir.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from sqlglot import exp

from local_workspace import demo_data as d
from local_workspace.data_dir import DataDir, ServerInfo, process_exists

log = logging.getLogger(__name__)
DIALECT = "databricks"


def main(data_dir: Path | DataDir) -> None:
    """Seed ``main.demo`` in the workspace at ``data_dir`` (through its server if it runs)."""
    directory = data_dir if isinstance(data_dir, DataDir) else DataDir(data_dir)
    statements = demo_statements()
    started = time.monotonic()
    server = running_server(directory)
    if server is not None:
        _run_through_server(directory, server, statements)
    else:
        _run_in_process(directory.path, statements)
    log.info("seeded %s.%s in %.1fs", d.CATALOG, d.SCHEMA, time.monotonic() - started)


def demo_statements() -> list[str]:
    """The demo as Databricks SQL statements, in order."""
    tables = [
        ("all_types", d.ALL_TYPES_COLUMNS, None, d.ALL_TYPES_ROWS, "One column per scalar type."),
        ("customers", d.CUSTOMERS_COLUMNS, d.CUSTOMERS_PRIMARY_KEY, d.CUSTOMERS_ROWS, None),
        ("order_items", d.ORDER_ITEMS_COLUMNS, d.ORDER_ITEMS_PRIMARY_KEY, d.ORDER_ITEMS_ROWS, None),
    ]
    statements = [_create_schema()]
    for name, columns, key, rows, comment in tables:
        statements.append(create_table(name, columns, key, comment))
        statements.append(insert_rows(name, columns, rows))
    events_comment = "Generated events; many rows share each updated_at."
    statements.append(
        create_table("events", d.EVENTS_COLUMNS, d.EVENTS_PRIMARY_KEY, events_comment)
    )
    statements.append(_insert_select("events", events_select()))
    return statements + table_kinds_statements()


# One example of each information_schema.tables.table_type, in main.table_kinds. FOREIGN needs a
# federated source on Databricks; here a local-workspace-only table property declares it.
TABLE_KINDS = [
    "CREATE SCHEMA IF NOT EXISTS main.table_kinds",
    "CREATE OR REPLACE TABLE main.table_kinds.managed_table AS"
    " SELECT id, id * 10 AS amount FROM range(5)",
    "CREATE OR REPLACE TABLE main.table_kinds.external_table (id BIGINT, amount BIGINT)"
    " LOCATION 's3://local-workspace/table_kinds/external_table'",
    "CREATE OR REPLACE VIEW main.table_kinds.view AS"
    " SELECT id FROM main.table_kinds.managed_table WHERE amount > 10",
    "CREATE OR REPLACE MATERIALIZED VIEW main.table_kinds.materialized_view AS"
    " SELECT count(*) AS n FROM main.table_kinds.managed_table",
    "CREATE OR REFRESH STREAMING TABLE main.table_kinds.streaming_table AS"
    " SELECT * FROM STREAM(main.table_kinds.managed_table)",
    "CREATE OR REPLACE TABLE main.table_kinds.foreign_table (id BIGINT, name STRING)"
    " TBLPROPERTIES ('local_workspace.table_type' = 'FOREIGN')",
]


def table_kinds_statements() -> list[str]:
    """``main.table_kinds``: a MANAGED, EXTERNAL, VIEW, MATERIALIZED_VIEW, STREAMING_TABLE and
    FOREIGN example (the non-Delta ones refuse time travel and Change Data Feed)."""
    return list(TABLE_KINDS)


def _table(name: str) -> exp.Table:
    return exp.table_(name, db=d.SCHEMA, catalog=d.CATALOG, quoted=True)


def _create_schema() -> str:
    schema = exp.Table(db=exp.to_identifier(d.SCHEMA), catalog=exp.to_identifier(d.CATALOG))
    return exp.Create(this=schema, kind="SCHEMA", exists=True).sql(DIALECT)


def create_table(
    name: str,
    columns: Sequence[tuple[str, str]],
    key: tuple[str, Sequence[str]] | None = None,
    comment: str | None = None,
) -> str:
    """CREATE OR REPLACE TABLE with an informational PRIMARY KEY constraint and a comment."""
    definitions: list[exp.Expression] = [_column_def(c, decl) for c, decl in columns]
    if key is not None:
        columns_of_key = [exp.to_identifier(c) for c in key[1]]
        primary = exp.PrimaryKey(expressions=columns_of_key)
        definitions.append(exp.Constraint(this=exp.to_identifier(key[0]), expressions=[primary]))
    properties = None
    if comment is not None:
        comment_property = exp.SchemaCommentProperty(this=exp.Literal.string(comment))
        properties = exp.Properties(expressions=[comment_property])
    schema = exp.Schema(this=_table(name), expressions=definitions)
    create = exp.Create(this=schema, kind="TABLE", replace=True, properties=properties)
    return create.sql(DIALECT)


def _column_def(name: str, declaration: str) -> exp.ColumnDef:
    not_null = declaration.endswith(" NOT NULL")
    kind = exp.DataType.build(declaration.removesuffix(" NOT NULL"), dialect=DIALECT)
    constraints = [exp.ColumnConstraint(kind=exp.NotNullColumnConstraint())] if not_null else []
    return exp.ColumnDef(this=exp.to_identifier(name), kind=kind, constraints=constraints)


def insert_rows(
    name: str, columns: Sequence[tuple[str, str]], rows: Iterable[dict[str, object]]
) -> str:
    """INSERT INTO ... VALUES with every value a typed literal of its column's type."""
    types = [(c, decl.removesuffix(" NOT NULL")) for c, decl in columns]
    tuples = [exp.Tuple(expressions=[literal(row[c], t) for c, t in types]) for row in rows]
    values = exp.Values(expressions=tuples)
    return _insert_select(name, values, [c for c, _ in columns])


def _insert_select(name: str, source: exp.Expression, columns: list[str] | None = None) -> str:
    target: exp.Expression = _table(name)
    if columns:
        target = exp.Schema(this=target, expressions=[exp.to_identifier(c) for c in columns])
    return exp.Insert(this=target, expression=source).sql(DIALECT)


def literal(value: object, databricks_type: str) -> exp.Expression:
    """``value`` as a literal of ``databricks_type``: CAST(<literal> AS <type>)."""
    kind = exp.DataType.build(databricks_type, dialect=DIALECT)
    return exp.cast(_plain_literal(value), kind)


def _plain_literal(value: object) -> exp.Expression:
    if value is None:
        return exp.Null()
    if isinstance(value, bool):
        return exp.Boolean(this=value)
    if isinstance(value, int | float):
        return exp.Literal.number(repr(value))
    if isinstance(value, bytes):
        return exp.func("unhex", exp.Literal.string(value.hex()))
    if isinstance(value, datetime):
        return exp.Literal.string(value.isoformat(sep=" "))
    if isinstance(value, Decimal | date | str):
        return exp.Literal.string(str(value) if not isinstance(value, date) else value.isoformat())
    raise TypeError(f"no SQL literal for {type(value).__name__}")


def _template(sql: str, **nodes: exp.Expression) -> exp.Expression:
    """Databricks SQL code with ``:name`` markers replaced by AST nodes (never by text)."""
    tree = exp.maybe_parse(sql, dialect=DIALECT)
    for marker in list(tree.find_all(exp.Placeholder)):
        marker.replace(nodes[marker.name].copy())
    return tree


def _number(value: int) -> exp.Literal:
    return exp.Literal.number(value)


def events_select() -> exp.Select:
    """SELECT over range(EVENTS_ROWS) producing the events table (see demo_data.expected_event)."""
    event_id = exp.column("id")
    event_type = exp.Case(this=event_id % _number(len(d.EVENT_TYPES)))
    for index, name in enumerate(d.EVENT_TYPES):
        event_type = event_type.when(_number(index), exp.Literal.string(name))
    updated_at = _template(
        "timestampadd(MICROSECOND, (id DIV :ties) * :step, :start)",
        ties=_number(d.EVENTS_ROWS_PER_TIMESTAMP),
        step=_number(d.EVENTS_STEP_MICROS),
        start=literal(d.EVENTS_START, "TIMESTAMP"),
    )
    amount = _template(
        "CAST(CAST(id % :modulus AS DECIMAL(18,0)) / 100 AS DECIMAL(18,2))",
        modulus=_number(100_000),
    )
    payload = exp.func(
        "concat",
        exp.Literal.string('{"event_id": '),
        exp.cast(event_id, "STRING"),
        exp.Literal.string(', "type": "'),
        event_type,
        exp.Literal.string('"}'),
    )
    customer = exp.cast(event_id % _number(d.EVENTS_CUSTOMERS) + _number(1), "INT")
    source = exp.Table(this=exp.func("range", _number(d.EVENTS_ROWS)))
    return exp.select(
        event_id.as_("event_id"),
        customer.as_("customer_id"),
        event_type.copy().as_("event_type"),
        amount.as_("amount"),
        updated_at.as_("updated_at"),
        payload.as_("payload"),
    ).from_(source)


def running_server(directory: DataDir) -> ServerInfo | None:
    """The server that owns ``directory``, if server.json names a live process."""
    info = directory.read_server_info()
    return info if info is not None and process_exists(info.pid) else None


def _run_in_process(path: Path, statements: Sequence[str]) -> None:
    from local_workspace.engine import Engine

    engine = Engine(path)
    try:
        session = engine.open_session()
        for statement in statements:
            session.execute(statement).reader.read_all()
    finally:
        engine.close()


def _run_through_server(directory: DataDir, info: ServerInfo, statements: Sequence[str]) -> None:
    from databricks import sql

    connection = sql.connect(
        server_hostname=info.host,
        _port=info.port,
        http_path=info.http_path,
        access_token=directory.read_token(),
        _tls_trusted_ca_file=str(directory.ca_file),
        enable_telemetry=False,
    )
    with connection, connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
