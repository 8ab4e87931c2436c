"""A worker's REPL: runs one command in the context's namespace and shapes its API 1.2 result.

Like a notebook cell on a cluster: stdout and stderr are captured (bounded), the value of a last
expression is shown as ``Out[n]: repr``, ``display(df)`` makes a ``table`` result, an exception
makes an ``error`` result with the traceback. ``%pip``, ``%sql``, ``%python`` and ``%md``
magics are understood. KeyboardInterrupt (the server's cancel) propagates to the caller.
"""

from __future__ import annotations

import ast
import contextlib
import io
import os
import signal
import traceback
from typing import Any

import pyarrow as pa

from local_workspace.contexts import magics
from local_workspace.contexts.table_results import MAX_TABLE_ROWS, table_result

# A notebook cell's text output is cut here; Databricks also truncates long outputs with a notice.
MAX_TEXT_CHARS = 1024 * 1024
_WORKER_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep  # frames hidden from users
TRUNCATION_NOTICE = "\n*** WARNING: max output size exceeded, skipping output. ***\n"


class BoundedOutput(io.TextIOBase):
    """A text sink keeping the first ``limit`` characters."""

    def __init__(self, limit: int = MAX_TEXT_CHARS) -> None:
        self.limit, self.parts, self.size, self.truncated = limit, [], 0, False

    def write(self, text: str) -> int:
        room = self.limit - self.size
        if len(text) > room:
            self.truncated = True
        if room > 0:
            self.parts.append(text[:room])
            self.size += min(len(text), room)
        return len(text)

    def writable(self) -> bool:
        return True

    def text(self) -> str:
        return "".join(self.parts) + (TRUNCATION_NOTICE if self.truncated else "")


class Repl:
    """Executes commands in one namespace; ``spark`` and ``display`` are predefined."""

    def __init__(self, spark: Any) -> None:
        self.spark = spark
        self.count = 0
        self.shown: dict[str, Any] | None = None
        self.namespace: dict[str, Any] = {
            "__name__": "__main__",
            "__builtins__": __builtins__,
            "spark": spark,
            "display": self.display,
        }

    def run(self, code: str) -> dict[str, Any]:
        """The result of ``code``; raises KeyboardInterrupt when cancelled."""
        self.count += 1
        self.shown = None
        magic = magics.parse(code)
        if magic is not None:
            return magics.run(magic, self)
        return self._python(code)

    def display(self, value: Any, *args: Any, **kwargs: Any) -> None:
        """``display(df)``: the command's result becomes a table of ``value``'s rows."""
        table = _as_arrow(value)
        if table is None:
            print(value)
            return
        self.shown = table_result(
            pa.RecordBatchReader.from_batches(table.schema, table.to_batches())
        )

    def _python(self, code: str) -> dict[str, Any]:
        out = BoundedOutput()
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
                value = self._execute(code)
        except (Exception, SystemExit) as error:
            return error_result(error)
        if self.shown is not None:
            return self.shown
        if value is not None:
            print(f"Out[{self.count}]: {value!r}", file=out)
        return {"resultType": "text", "data": out.text(), "truncated": out.truncated or None}

    def _execute(self, code: str) -> Any:
        tree = ast.parse(code, filename=f"<command-{self.count}>", mode="exec")
        last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
        filename = f"<command-{self.count}>"
        with sigint_allowed():
            exec(compile(tree, filename, "exec"), self.namespace)
            if last is None:
                return None
            expression = ast.Expression(last.value)
            return eval(compile(expression, filename, "eval"), self.namespace)


def error_result(error: BaseException) -> dict[str, Any]:
    """An ``error`` result: a one-line summary and the traceback (user frames only)."""
    name = type(error).__name__
    frames = traceback.extract_tb(error.__traceback__)
    user = [f for f in frames if not f.filename.startswith(_WORKER_DIR)]
    lines = traceback.format_list(user) + traceback.format_exception_only(type(error), error)
    cause = "-" * 75 + f"\n{name:<42}Traceback (most recent call last)\n" + "".join(lines)
    return {
        "resultType": "error",
        "summary": f"<span class='ansi-red-fg'>{name}</span>: {error}",
        "cause": cause,
    }


class sigint_allowed:
    """Let SIGINT (cancel) interrupt the enclosed user code."""

    def __enter__(self) -> None:
        self._previous = signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})

    def __exit__(self, *exc_info: object) -> None:
        signal.pthread_sigmask(signal.SIG_SETMASK, self._previous)


def _as_arrow(value: Any) -> pa.Table | None:
    if isinstance(value, pa.Table):
        return value
    if hasattr(value, "toArrow") and hasattr(value, "_spark"):  # the spark proxy's DataFrame
        return value._arrow(limit=MAX_TABLE_ROWS + 1)
    if type(value).__name__ == "DataFrame" and hasattr(value, "to_dict"):  # pandas
        return pa.Table.from_pandas(value, preserve_index=False)
    return None
