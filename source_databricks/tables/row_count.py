"""Row-count cross-check: a full read of a pinned version must emit every row of that version.

The SQL client has had bugs where a result silently came back short (databricks-sql-python #181,
#383); counting the same pinned version catches them before a short read is committed.
"""

from __future__ import annotations

from airbyte_cdk.models import FailureType
from airbyte_cdk.utils.traced_exception import AirbyteTracedException
from sqlglot import exp

from source_databricks.tables import sql
from source_databricks.tables.scan import Scanner


def verify_row_count(scanner: Scanner, table: exp.Table, emitted: int, resumed: bool) -> None:
    """Compare records emitted by this refresh (all attempts) with count(*) of the version.

    A resumed refresh re-emits the rows at its checkpointed key, so it may only exceed the count.
    """
    query = exp.select(exp.func("count", exp.Star())).from_(table).sql(sql.DIALECT)
    ((expected,),) = scanner.warehouse.query(query)
    short = emitted < expected if resumed else emitted != expected
    if short:
        raise AirbyteTracedException(
            message=f"{scanner.namespace}.{scanner.name}: {emitted:,} records were read but the "
            f"table holds {expected:,} rows at the pinned version; the read is incomplete and "
            "will be retried.",
            failure_type=FailureType.transient_error,
        )
    scanner.logger.info(
        f"{scanner.namespace}.{scanner.name}: {emitted:,} records emitted for {expected:,} rows"
    )
