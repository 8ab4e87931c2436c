"""A result's next rows, prepared while the client reads the previous ones.

After a FetchResults reply with more rows to come, the operation prepares the next row set (an
encoded inline page, or a batch of Cloud Fetch files) on a background thread, with the limits of
the request just answered: the engine and the encoder work while the reply travels and the client
decodes it, instead of waiting for the next request. At most one row set is ahead; the next
FetchResults takes it, so rows are neither read twice nor skipped.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from databricks.sql.thrift_api.TCLIService import ttypes as T

from local_workspace.sql.cloud_fetch import ResultFile
from local_workspace.sql.status import ThriftError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class NextRows:
    """One FetchResults' rows, ready to send, and what they hold (for the record of results)."""

    row_set: T.TRowSet
    has_more_rows: bool
    rows: int = 0
    wire_bytes: int = 0
    arrow_bytes: int = 0
    files: list[ResultFile] = field(default_factory=list)  # behind the row set's links


class RowsAhead:
    """``prepare()`` running on its own thread; ``result()`` waits for it."""

    def __init__(self, prepare: Callable[[], NextRows | None]) -> None:
        self._prepare = prepare
        self._done = threading.Event()
        self._outcome: NextRows | None = None
        self._error: ThriftError | None = None
        threading.Thread(target=self._run, name="rows-ahead", daemon=True).start()

    def result(self) -> NextRows | None:
        """The prepared rows; None if the operation ended first; ThriftError if it failed."""
        self._done.wait()
        if self._error is not None:
            raise self._error
        return self._outcome

    def _run(self) -> None:
        try:
            self._outcome = self._prepare()
        except ThriftError as error:
            self._error = error
        except Exception as exc:  # handed to the FetchResults that takes these rows
            log.exception("preparing the next rows failed")
            self._error = ThriftError(f"local workspace internal error preparing rows: {exc!r}")
        finally:
            self._done.set()
