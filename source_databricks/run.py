"""Console entry point: `source-databricks spec|check|discover|read …`."""

from __future__ import annotations

import sys

from source_databricks.output import launch
from source_databricks.source import SourceDatabricks


def run() -> None:
    launch(SourceDatabricks(), sys.argv[1:])
