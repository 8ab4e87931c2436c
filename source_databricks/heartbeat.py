"""Heartbeat logs while the connector waits on the workspace (warehouse start, first rows).

Airbyte fails a sync that says nothing for `maxSecondsBetweenMessages`; a user watching the logs
deserves to know what is being waited on, and for how long.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

HEARTBEAT_SECONDS = 30.0


@contextmanager
def heartbeat(
    what: str, logger: logging.Logger, every: float = HEARTBEAT_SECONDS
) -> Iterator[None]:
    """Log 'still waiting for <what>' every `every` seconds until the block ends."""
    done = threading.Event()
    started = time.monotonic()

    def beat() -> None:
        while not done.wait(every):
            logger.info(f"Still waiting for {what} ({time.monotonic() - started:.0f} s)")

    thread = threading.Thread(target=beat, name="heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()
