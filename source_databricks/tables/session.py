"""A SQL warehouse session owned by one reader, replaced after a transient failure.

The SQL client's connection is not thread-safe: every worker owns a Session of its own.
"""

from __future__ import annotations

import logging
from contextlib import ExitStack

from source_databricks.config import DatabricksConfig
from source_databricks.tables.warehouse import Warehouse, open_warehouse


class Session:
    """Opens its warehouse session on first use; `renew` drops it so the next use opens another."""

    def __init__(self, config: DatabricksConfig, logger: logging.Logger) -> None:
        self._config, self._logger = config, logger
        self._open: ExitStack | None = None
        self._warehouse: Warehouse | None = None

    @property
    def warehouse(self) -> Warehouse:
        if self._warehouse is None:
            with ExitStack() as stack:
                self._warehouse = stack.enter_context(open_warehouse(self._config, self._logger))
                self._open = stack.pop_all()
        return self._warehouse

    def renew(self) -> None:
        """Close the session, whatever state it is in (it may be gone on the server already)."""
        try:
            self.close()
        except Exception as error:  # a session that is gone cannot be closed cleanly
            self._logger.info(f"Closing the failed SQL session raised {error!r}; it is dropped")

    def close(self) -> None:
        opened, self._open, self._warehouse = self._open, None, None
        if opened is not None:
            opened.close()

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
