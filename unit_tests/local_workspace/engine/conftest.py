from __future__ import annotations

import pytest

from local_workspace.engine import Engine, EngineSession, Parameter


@pytest.fixture
def engine(tmp_path):
    engine = Engine(tmp_path / "ws")
    yield engine
    engine.close()


@pytest.fixture
def session(engine) -> EngineSession:
    return engine.open_session()


def rows(session: EngineSession, sql: str, *parameters: Parameter) -> list[dict]:
    """Run a statement and return its rows as dicts."""
    return session.execute(sql, parameters).reader.read_all().to_pylist()


def one(session: EngineSession, sql: str, *parameters: Parameter):
    """The single value of a one-row, one-column result."""
    [row] = rows(session, sql, *parameters)
    [value] = row.values()
    return value
