"""Fault specifications (short form, JSON) and the registry that fires and counts them."""

from __future__ import annotations

import pytest

from local_workspace.faults import Fault, Faults, FaultSpecError, parse_fault


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("unavailable", Fault("unavailable")),
        (
            "unavailable@ExecuteStatement,count=2,retry_after=3",
            Fault("unavailable", rpc="ExecuteStatement", count=2, retry_after=3),
        ),
        ("rate_limited@/api/2.0/sql", Fault("rate_limited", path="/api/2.0/sql")),
        ("drop_connection@FetchResults,skip=1", Fault("drop_connection", "FetchResults", skip=1)),
        ("statement_latency,seconds=1.5,count=0", Fault("statement_latency", seconds=1.5, count=0)),
        ('{"kind": "slow_start", "seconds": 4}', Fault("slow_start", seconds=4)),
        (
            {"kind": "expire_session", "rpc": "FetchResults"},
            Fault("expire_session", "FetchResults"),
        ),
    ],
)
def test_specs_parse(spec, expected):
    assert parse_fault(spec) == expected


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("explode", "unknown fault kind 'explode'"),
        ("unavailable,when=now", "unknown fault option"),
        ("unavailable,count", "is not key=value"),
        ("unavailable,count=two", "invalid fault"),
        ("unavailable,count=-1", "must not be negative"),
        ("statement_latency", "needs seconds > 0"),
        ('{"kind": ', "invalid fault JSON"),
        ({"kind": "unavailable", "path": "api"}, "must start with '/'"),
        ("[1]", "is a JSON object"),
    ],
)
def test_bad_specs_say_what_is_wrong(spec, message):
    with pytest.raises(FaultSpecError, match=message):
        parse_fault([1] if spec == "[1]" else spec)


def test_a_fault_fires_count_times_after_skipping_and_is_counted():
    faults = Faults([Fault("drop_connection", rpc="FetchResults", skip=1, count=2)])
    fired = [faults.take("drop_connection", "FetchResults") is not None for _ in range(5)]
    assert fired == [False, True, True, False, False]
    snapshot = faults.snapshot()
    assert snapshot["injected"] == {"drop_connection": 2}
    assert snapshot["total"] == 2
    (fault,) = snapshot["faults"]
    assert (fault["id"], fault["seen"], fault["spent"]) == (1, 3, True)


def test_faults_match_by_rpc_or_path_prefix():
    faults = Faults([Fault("unavailable", rpc="OpenSession"), Fault("unavailable", path="/api/")])
    assert faults.take("unavailable", "ExecuteStatement", "/sql/1.0/warehouses/x") is None
    assert faults.take("unavailable", None, "/api/2.0/sql/warehouses").id == 2
    assert faults.take("unavailable", "OpenSession", "/sql/1.0/warehouses/x").id == 1
    assert not faults.armed()


def test_a_fault_with_count_zero_never_runs_out():
    faults = Faults([Fault("unavailable", count=0)])
    assert all(faults.take("unavailable", "X") for _ in range(50))
    assert faults.armed()


def test_clear_disarms_but_keeps_the_counts():
    faults = Faults([Fault("unavailable", count=0)])
    faults.take("unavailable")
    faults.clear()
    assert faults.take("unavailable") is None
    assert faults.snapshot() == {"faults": [], "injected": {"unavailable": 1}, "total": 1}


def test_slow_start_replaces_the_start_delay_once():
    faults = Faults([Fault("slow_start", seconds=7)])
    assert [faults.start_delay(1.0) for _ in range(2)] == [7, 1.0]
