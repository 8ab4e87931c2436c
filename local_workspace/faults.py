"""Injectable faults for reliability tests, switched on per server (never by editing code).

A fault is armed with ``serve --fault SPEC`` (repeatable) or ``POST /local/faults`` (JSON, with the
workspace token) and fires on the next matching requests; the server counts every injection, read
back with ``GET /local/faults``, so a test can prove its fault happened. Kinds:

=================  ===================================================================  =========
kind               effect                                                               options
=================  ===================================================================  =========
unavailable        HTTP 503 ``TEMPORARILY_UNAVAILABLE`` with ``Retry-After``            rpc, path
rate_limited       HTTP 429 ``REQUEST_LIMIT_EXCEEDED`` with ``Retry-After``             rpc, path
drop_connection    the reply is cut off half way and the connection closed              rpc, path
expire_session     the session of the request is gone: ``INVALID_HANDLE`` from now on  rpc
stop_warehouse     the warehouse stops (its sessions end) before the request is served  rpc
cancel_statement   the request's statement is canceled first, as if by someone else     rpc
statement_latency  the statement runs ``seconds`` longer (RUNNING meanwhile; cancelable)  seconds
slow_start         the next warehouse start stays STARTING for ``seconds``              seconds
=================  ===================================================================  =========

Common options: ``count`` (injections before the fault is spent; 0: never spent, default 1),
``skip`` (matching requests let through first, e.g. ``skip=1`` drops the 2nd FetchResults),
``retry_after`` (seconds, default 1). ``rpc`` names a Thrift RPC (``ExecuteStatement``,
``FetchResults``, ``OpenSession``, …); ``path`` a REST path prefix (``/api/2.0/sql/warehouses``);
neither: any request. Requests under ``/local/`` are never faulted.

A SPEC is a JSON object or the short form ``kind[@target][,key=value…]`` where a target starting
with ``/`` is a path, else an RPC: ``unavailable@ExecuteStatement,count=2,retry_after=1``.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from dataclasses import asdict, dataclass, fields

HTTP_ERRORS = {  # kind -> (error_code, HTTP status)
    "unavailable": ("TEMPORARILY_UNAVAILABLE", 503),
    "rate_limited": ("REQUEST_LIMIT_EXCEEDED", 429),
}
HTTP_KINDS = frozenset({*HTTP_ERRORS, "drop_connection"})
HANDLER_KINDS = frozenset({"expire_session", "stop_warehouse", "cancel_statement"})
KINDS = frozenset({*HTTP_KINDS, *HANDLER_KINDS, "statement_latency", "slow_start"})
_NEEDS_SECONDS = frozenset({"statement_latency", "slow_start"})


class FaultSpecError(ValueError):
    """A fault specification that cannot be armed; the message says what is wrong."""


@dataclass
class Fault:
    """One armed fault and how often it fired."""

    kind: str
    rpc: str | None = None
    path: str | None = None
    count: int = 1
    skip: int = 0
    retry_after: int = 1
    seconds: float = 0.0
    id: int = 0
    injected: int = 0
    seen: int = 0  # matching requests so far (skipped ones included)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise FaultSpecError(f"unknown fault kind {self.kind!r}; one of {sorted(KINDS)}")
        if self.count < 0 or self.skip < 0 or self.retry_after < 0 or self.seconds < 0:
            raise FaultSpecError("count, skip, retry_after and seconds must not be negative")
        if self.kind in _NEEDS_SECONDS and self.seconds <= 0:
            raise FaultSpecError(f"{self.kind} needs seconds > 0")
        if self.path is not None and not self.path.startswith("/"):
            raise FaultSpecError(f"path must start with '/': {self.path!r}")

    @property
    def spent(self) -> bool:
        return self.count > 0 and self.injected >= self.count

    def matches(self, kind: str, rpc: str | None, path: str | None) -> bool:
        if self.kind != kind or self.spent:
            return False
        if self.rpc is not None and self.rpc != rpc:
            return False
        return self.path is None or (path is not None and path.startswith(self.path))

    def wire(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v is not None} | {"spent": self.spent}


def parse_fault(spec: str | dict) -> Fault:
    """A Fault from a JSON object (or its text) or the short form (see the module doc)."""
    if isinstance(spec, str):
        spec = _parse_text(spec)
    if not isinstance(spec, dict):
        raise FaultSpecError('a fault is a JSON object such as {"kind": "unavailable"}')
    known = {f.name for f in fields(Fault)} - {"id", "injected", "seen"}
    unknown = set(spec) - known
    if unknown:
        raise FaultSpecError(f"unknown fault option(s) {sorted(unknown)}; known: {sorted(known)}")
    try:
        return Fault(**_typed(spec))
    except FaultSpecError:
        raise
    except (TypeError, ValueError) as error:
        raise FaultSpecError(f"invalid fault {spec}: {error}") from error


def _parse_text(text: str) -> dict:
    text = text.strip()
    if text.startswith("{"):
        try:
            return json.loads(text)
        except ValueError as error:
            raise FaultSpecError(f"invalid fault JSON: {error}") from error
    head, *options = text.split(",")
    kind, _, target = head.partition("@")
    spec: dict = {"kind": kind.strip()}
    if target:
        spec["path" if target.startswith("/") else "rpc"] = target.strip()
    for option in options:
        key, sep, value = option.partition("=")
        if not sep:
            raise FaultSpecError(f"fault option {option!r} is not key=value")
        spec[key.strip()] = value.strip()
    return spec


def _typed(spec: dict) -> dict:
    types = {"count": int, "skip": int, "retry_after": int, "seconds": float}
    return {k: types[k](v) if k in types else v for k, v in spec.items()}


class Faults:
    """The armed faults of one server and the count of injections; thread-safe."""

    def __init__(self, armed: list[Fault] | None = None) -> None:
        self._faults: list[Fault] = []
        self._injected: Counter[str] = Counter()
        self._next_id = 1
        self._lock = threading.Lock()
        for fault in armed or ():
            self.add(fault)

    def add(self, fault: Fault) -> Fault:
        with self._lock:
            fault.id, self._next_id = self._next_id, self._next_id + 1
            self._faults.append(fault)
        return fault

    def clear(self) -> None:
        """Disarm every fault (the injection counts stay)."""
        with self._lock:
            self._faults = []

    def armed(self, kinds: frozenset[str] = KINDS) -> bool:
        """Whether any fault of ``kinds`` may still fire (a cheap check for hot paths)."""
        with self._lock:
            return any(f.kind in kinds and not f.spent for f in self._faults)

    def take(self, kind: str, rpc: str | None = None, path: str | None = None) -> Fault | None:
        """The fault of ``kind`` that fires on this request, counted; None if none does."""
        with self._lock:
            for fault in self._faults:
                if fault.matches(kind, rpc, path):
                    fault.seen += 1
                    if fault.seen <= fault.skip:
                        return None
                    fault.injected += 1
                    self._injected[kind] += 1
                    return fault
        return None

    def snapshot(self) -> dict:
        """``{"faults": [...], "injected": {kind: n}, "total": n}`` for ``GET /local/faults``."""
        with self._lock:
            return {
                "faults": [f.wire() for f in self._faults],
                "injected": dict(self._injected),
                "total": sum(self._injected.values()),
            }

    def start_delay(self, base_seconds: float) -> float:
        """How long the next warehouse start takes: a ``slow_start`` fault, else the base."""
        fault = self.take("slow_start")
        return fault.seconds if fault is not None else base_seconds
