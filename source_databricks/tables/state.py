"""The per-stream state this connector writes, and strict parsing of the state it is given."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from airbyte_cdk.models import FailureType
from airbyte_cdk.utils.traced_exception import AirbyteTracedException
from pydantic import BaseModel, ConfigDict, ValidationError

FULL_REFRESH_COMPLETE = {"__ab_full_refresh_sync_complete": True}
NO_CURSOR = {"__ab_no_cursor_state_message": True}


class CursorState(BaseModel):
    """Incremental: every row whose cursor is at or above `cursor` is still to be emitted."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    cursor_field: str
    cursor: str | None = None


class KeyState(BaseModel):
    """Resumable full refresh in progress: rows from key `position` (inclusive) of `version`."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    primary_key: tuple[str, ...]
    position: tuple[str, ...]
    version: int | None = None
    records: int = 0  # emitted by this refresh so far, across attempts


class KeyRange(BaseModel):
    """One key range of a partitioned refresh: rows whose first key column is in [lower, upper).

    Bounds are exact text of the first key column's type (None: unbounded); `position` is the
    full key to resume at (inclusive), None before the range's first checkpoint.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)
    lower: str | None = None
    upper: str | None = None
    position: tuple[str, ...] | None = None
    records: int = 0  # emitted from this range so far, across attempts
    done: bool = False


class PartitionedKeyState(BaseModel):
    """Partitioned full refresh in progress: every range of `version`, each with its progress."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    primary_key: tuple[str, ...]
    version: int
    partitions: tuple[KeyRange, ...]

    @property
    def records(self) -> int:
        return sum(part.records for part in self.partitions)


def parse_cursor_state(raw: Mapping[str, Any] | None, stream: str) -> CursorState | None:
    if not raw:
        return None
    return parse_model(CursorState, raw, stream)


def parse_key_state(
    raw: Mapping[str, Any] | None, stream: str
) -> KeyState | PartitionedKeyState | None:
    """The progress of an interrupted full refresh; None when it should start over."""
    if not raw or dict(raw) in (FULL_REFRESH_COMPLETE, NO_CURSOR):
        return None
    model = PartitionedKeyState if "partitions" in raw else KeyState
    return parse_model(model, raw, stream)


def parse_model(model: type[BaseModel], raw: Mapping[str, Any], stream: str) -> Any:
    """The state as `model`, or a config error asking for a reset when it does not fit."""
    try:
        return model.model_validate(dict(raw))
    except ValidationError:
        raise AirbyteTracedException(
            message=f"The saved state of stream {stream} was not written by this connector for "
            "this sync mode. Reset the stream (clear its state) and sync again.",
            internal_message=f"unreadable state: {dict(raw)!r}",
            failure_type=FailureType.config_error,
        ) from None
