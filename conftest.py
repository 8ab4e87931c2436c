"""Time spent per test area, printed at the end of every run (the CI log keeps the budget visible:
the reliability suite has 15 minutes, the whole suite 45)."""

from __future__ import annotations

from collections import defaultdict
from pathlib import PurePosixPath

import pytest

_seconds: defaultdict[str, float] = defaultdict(float)


def _area(nodeid: str) -> str:
    """`unit_tests`, `integration_tests`, or an integration subdirectory such as `…/reliability`."""
    parts = PurePosixPath(nodeid.split("::", 1)[0]).parts
    return "/".join(parts[:2]) if len(parts) > 2 else parts[0]


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    _seconds[_area(report.nodeid)] += report.duration  # setup, call and teardown each


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not _seconds:
        return
    terminalreporter.section("time per test area")
    for area, seconds in sorted(_seconds.items(), key=lambda item: -item[1]):
        terminalreporter.write_line(f"{seconds / 60:6.1f} min  {area}")
