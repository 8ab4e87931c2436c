"""A Ctrl-C that lands in a finalizer still stops the read at the next message."""

from __future__ import annotations

import gc
import os
import signal

import pytest

from source_databricks import interrupt


class SignalledWhileCollected:
    def __del__(self) -> None:
        os.kill(os.getpid(), signal.SIGINT)  # its KeyboardInterrupt is raised here, and dropped


@pytest.fixture
def sigint_handler():
    previous = signal.getsignal(signal.SIGINT)
    interrupt.install()
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        interrupt._received.clear()


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_an_interrupt_dropped_by_a_finalizer_is_raised_between_messages(sigint_handler):
    SignalledWhileCollected()  # collected at once: Python drops the interrupt it raised
    gc.collect()
    with pytest.raises(KeyboardInterrupt):
        interrupt.raise_if_interrupted()


def test_without_an_interrupt_nothing_is_raised(sigint_handler):
    interrupt.raise_if_interrupted()
