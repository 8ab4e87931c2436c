"""The pipeline on a cluster: read a view with `spark`, transform in Python, save a table."""

from __future__ import annotations

from orders_pipeline.nodes import clean_orders, daily_revenue
from orders_pipeline.settings import parameters

OUTPUT_SCHEMA = "day date, customer string, revenue double, orders long"


def run(spark, source_view: str = "raw_orders") -> str:
    """Build the daily revenue table from `source_view`; returns the table's name."""
    params = parameters()
    columns = "order_id, customer, amount, ordered_on, status"
    rows = [tuple(r) for r in spark.sql(f"SELECT {columns} FROM {source_view}").collect()]
    revenue = daily_revenue(clean_orders(rows, float(params["min_amount"])))
    frame = spark.createDataFrame(revenue, OUTPUT_SCHEMA)
    frame.write.mode("overwrite").saveAsTable(params["target_table"])
    frame.createOrReplaceTempView("daily_revenue_preview")
    return params["target_table"]
