from __future__ import annotations

import logging

import pytest
from airbyte_cdk.models import FailureType
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from source_databricks.output import RecordBlock
from source_databricks.tables import resume
from source_databricks.tables.resume import ResumableRead, read_resuming

LOGGER = logging.getLogger("test")


class Sessions:
    """Stands for a Session: each renew gives the next attempt a new warehouse."""

    def __init__(self) -> None:
        self.warehouse, self.renewed = "session-1", 0

    def renew(self) -> None:
        self.renewed += 1
        self.warehouse = f"session-{self.renewed + 1}"


def transient() -> AirbyteTracedException:
    return AirbyteTracedException(message="dropped", failure_type=FailureType.transient_error)


def block(count: int = 1) -> RecordBlock:
    return RecordBlock("t", "main.s", count, b"")


class Script:
    """A read whose attempts follow a script: each yields its items, raising the errors in it."""

    def __init__(self, *attempts: list) -> None:
        self.attempts, self.calls = list(attempts), []

    def __call__(self, warehouse, start):
        self.calls.append((warehouse, start))
        for item in self.attempts[len(self.calls) - 1]:
            if isinstance(item, Exception):
                raise item
            yield item


def checkpoint_of(message) -> dict | None:
    return message if isinstance(message, dict) else None


def run(script: Script, resume_point: bool = True, start: dict | None = None):
    read = ResumableRead("main.s.t", script, start, checkpoint_of, resume_point)
    sessions = Sessions()
    return list(read_resuming(read, sessions, LOGGER)), sessions


@pytest.fixture(autouse=True)
def no_backoff(monkeypatch):
    monkeypatch.setattr(resume, "BACKOFF_SECONDS", (0.0, 0.0))


def test_given_a_transient_failure_then_it_resumes_from_its_last_checkpoint_on_a_new_session():
    first, second = block(), block()
    script = Script([first, {"position": 1}, block(), transient()], [second, {"position": 2}])
    messages, sessions = run(script, start={"position": 0})
    assert script.calls == [("session-1", {"position": 0}), ("session-2", {"position": 1})]
    assert sessions.renewed == 1
    assert messages[0] is first and messages[-2] is second and messages[-1] == {"position": 2}


def test_given_no_checkpoint_yet_then_the_read_resumes_from_its_input_state():
    script = Script([block(), transient()], [block()])
    run(script, start={"cursor": "5"})
    assert [start for _, start in script.calls] == [{"cursor": "5"}, {"cursor": "5"}]


@pytest.mark.parametrize("kind", [FailureType.config_error, FailureType.system_error])
def test_given_a_config_or_system_error_then_no_retry(kind):
    error = AirbyteTracedException(message="no", failure_type=kind)
    script = Script([error], [])
    with pytest.raises(AirbyteTracedException) as caught:
        run(script)
    assert caught.value is error and len(script.calls) == 1


def test_given_an_error_that_is_not_ours_then_no_retry():
    script = Script([KeyError("bug")], [])
    with pytest.raises(KeyError):
        run(script)
    assert len(script.calls) == 1


def test_given_no_resume_point_then_it_restarts_only_while_nothing_was_emitted():
    restarted = Script([transient()], [block()])
    messages, _ = run(restarted, resume_point=False)
    assert len(restarted.calls) == 2 and len(messages) == 1
    emitted = Script([block(), transient()], [block()])
    with pytest.raises(AirbyteTracedException):
        run(emitted, resume_point=False)
    assert len(emitted.calls) == 1


def test_given_every_attempt_fails_then_the_last_error_after_the_bounded_attempts():
    script = Script(*([block(), transient()] for _ in range(resume.ATTEMPTS + 1)))
    with pytest.raises(AirbyteTracedException) as caught:
        run(script)
    assert caught.value.failure_type == FailureType.transient_error
    assert len(script.calls) == resume.ATTEMPTS
