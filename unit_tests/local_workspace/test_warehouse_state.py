"""The SQL warehouse's life cycle (STOPPED → STARTING → RUNNING) and its persisted record."""

from __future__ import annotations

import json
import threading

import pytest

from local_workspace.sql.warehouse import RUNNING, STARTING, STOPPED, Warehouse


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def record(tmp_path):
    return tmp_path / "warehouse.json"


def _warehouse(record, clock, delay=5.0) -> Warehouse:
    return Warehouse(record, "abc123", start_delay=lambda: delay, clock=clock)


def test_a_new_warehouse_runs_and_is_recorded(record, clock):
    warehouse = _warehouse(record, clock)
    assert warehouse.state == RUNNING
    assert json.loads(record.read_text()) == {
        "id": "abc123",
        "name": "Local SQL warehouse",
        "state": "RUNNING",
    }


def test_start_changes_the_state_at_once_and_runs_after_the_delay(record, clock):
    warehouse = _warehouse(record, clock)
    warehouse.stop()
    warehouse.start()
    assert warehouse.state == STARTING
    clock.now += 4.9
    assert warehouse.state == STARTING
    clock.now += 0.1
    assert warehouse.state == RUNNING
    assert json.loads(record.read_text())["state"] == RUNNING


def test_start_of_a_running_warehouse_changes_nothing(record, clock):
    warehouse = _warehouse(record, clock)
    warehouse.start()
    assert warehouse.state == RUNNING


def test_stop_tells_the_listeners_once(record, clock):
    warehouse = _warehouse(record, clock)
    stops = []
    warehouse.on_stop(lambda: stops.append(warehouse.state))
    warehouse.stop()
    warehouse.stop()
    assert stops == [STOPPED]
    assert json.loads(record.read_text())["state"] == STOPPED


@pytest.mark.parametrize(
    ("persisted", "loaded"),
    [(STOPPED, STOPPED), ("STOPPING", STOPPED), (STARTING, RUNNING), (RUNNING, RUNNING)],
)
def test_the_state_survives_a_restart(record, clock, persisted, loaded):
    record.write_text(json.dumps({"id": "abc123", "name": "mine", "state": persisted}))
    warehouse = _warehouse(record, clock)
    assert (warehouse.state, warehouse.name) == (loaded, "mine")


def test_wait_running_starts_a_stopped_warehouse_and_blocks_until_it_runs(record):
    warehouse = Warehouse(record, "abc123", start_delay=lambda: 0.2)
    warehouse.stop()
    done = threading.Event()
    waiter = threading.Thread(target=lambda: (warehouse.wait_running(5), done.set()))
    waiter.start()
    assert not done.wait(0.1)
    assert warehouse.state == STARTING
    assert done.wait(5)
    waiter.join()
    assert warehouse.state == RUNNING


def test_wait_running_gives_up_after_its_timeout(record):
    warehouse = Warehouse(record, "abc123", start_delay=lambda: 30)
    warehouse.stop()
    with pytest.raises(TimeoutError, match="did not start"):
        warehouse.wait_running(timeout=0.05)
