"""Per-server settings of ``serve`` that shape the SQL warehouse's behaviour in tests."""

from __future__ import annotations

from dataclasses import dataclass, field

from local_workspace.faults import Fault
from local_workspace.sql.cloud_fetch import CloudFetchOptions
from local_workspace.sql.sessions import IdleLimits


@dataclass(frozen=True)
class ServeOptions:
    """``warehouse_start_seconds``: how long STARTING lasts; ``faults``: armed at start;
    ``idle``: when abandoned sessions and operations are dropped; ``cloud_fetch``: which results
    go through Cloud Fetch and how long their links live."""

    warehouse_start_seconds: float = 0.0
    faults: tuple[Fault, ...] = ()
    idle: IdleLimits = field(default_factory=IdleLimits)
    cloud_fetch: CloudFetchOptions = field(default_factory=CloudFetchOptions.from_env)
