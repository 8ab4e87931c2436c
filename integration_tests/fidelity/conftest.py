"""Prints the fidelity suite's pass count at the end of the run."""

from __future__ import annotations

from integration_tests.fidelity.cases import CASES
from integration_tests.fidelity.runner import RESULTS


def pytest_terminal_summary(terminalreporter) -> None:
    if not RESULTS:
        return
    passed = sum(RESULTS.values())
    terminalreporter.write_line(
        f"fidelity: {passed}/{len(CASES)} cases pass as documented "
        f"({len(RESULTS)} run; see unsupported.py for the refused ones)"
    )
