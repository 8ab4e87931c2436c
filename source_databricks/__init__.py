"""Airbyte source for Databricks."""

__version__ = "0.1.0"
