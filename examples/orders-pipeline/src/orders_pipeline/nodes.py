"""Pure transformation nodes: plain Python over rows, testable without a cluster."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable


def clean_orders(rows: Iterable[tuple], min_amount: float) -> list[tuple]:
    """Drop cancelled orders and amounts below `min_amount`; normalise customer names."""
    return [
        (order_id, customer.strip().lower(), float(amount), day)
        for order_id, customer, amount, day, status in rows
        if status != "cancelled" and amount is not None and float(amount) >= min_amount
    ]


def daily_revenue(orders: Iterable[tuple]) -> list[tuple]:
    """(day, customer, revenue, order count), sorted by day then customer."""
    totals: dict[tuple, list] = defaultdict(lambda: [0.0, 0])
    for _, customer, amount, day in orders:
        totals[(day, customer)][0] += amount
        totals[(day, customer)][1] += 1
    return sorted((day, c, round(total, 2), n) for (day, c), (total, n) in totals.items())
