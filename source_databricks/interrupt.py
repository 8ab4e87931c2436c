"""Ctrl-C that is never lost.

Python raises KeyboardInterrupt wherever the main thread is when SIGINT arrives. Raised inside a
finalizer (a `__del__`, a weakref callback), it is printed and dropped, and a read would go on to
its end. The handler also notes the signal, and the output loop raises it again between messages.
"""

from __future__ import annotations

import signal
import threading
from types import FrameType

_received = threading.Event()


def install() -> None:
    """Handle SIGINT from now on (call from the main thread)."""
    _received.clear()
    signal.signal(signal.SIGINT, _on_sigint)


def raise_if_interrupted() -> None:
    if _received.is_set():
        raise KeyboardInterrupt


def _on_sigint(signum: int, frame: FrameType | None) -> None:
    _received.set()
    raise KeyboardInterrupt
