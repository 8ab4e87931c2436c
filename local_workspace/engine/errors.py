"""SqlError: the one exception the engine raises, shaped like a Databricks error."""

from __future__ import annotations


class SqlError(Exception):
    """A statement failed; carries Databricks' error class and SQLSTATE.

    The Thrift layer sends ``display_message`` to clients, which is how Databricks reports errors
    (`[ERROR_CLASS] message SQLSTATE: xxxxx`) and how the connector parses the class back.
    """

    def __init__(self, error_class: str, sqlstate: str, message: str) -> None:
        super().__init__(f"[{error_class}] {message} SQLSTATE: {sqlstate}")
        self.error_class = error_class
        self.sqlstate = sqlstate
        self.message = message

    @property
    def display_message(self) -> str:
        return f"[{self.error_class}] {self.message} SQLSTATE: {self.sqlstate}"
