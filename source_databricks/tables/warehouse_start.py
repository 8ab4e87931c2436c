"""Resolve a SQL warehouse given by id, starting it when it is stopped."""

from __future__ import annotations

import logging
from datetime import timedelta

from airbyte_cdk.models import FailureType
from airbyte_cdk.utils.traced_exception import AirbyteTracedException
from databricks.sdk import WorkspaceClient
from databricks.sdk.errors import DatabricksError, NotFound, PermissionDenied
from databricks.sdk.service.sql import State

from source_databricks.heartbeat import heartbeat

START_TIMEOUT = timedelta(minutes=20)


def ensure_warehouse_running(
    client: WorkspaceClient, warehouse_id: str, logger: logging.Logger
) -> None:
    """Start the warehouse if it is stopped and wait until it runs, logging while it starts."""
    try:
        warehouse = client.warehouses.get(warehouse_id)
        if warehouse.state == State.RUNNING:
            return
        if warehouse.state in (State.STOPPED, State.STOPPING):
            logger.info(f"SQL warehouse {warehouse.name or warehouse_id} is stopped; starting it")
            client.warehouses.start(warehouse_id)
        with heartbeat(f"SQL warehouse {warehouse_id} to start", logger):
            client.warehouses.wait_get_warehouse_running(warehouse_id, timeout=START_TIMEOUT)
    except NotFound as error:
        message = f"No SQL warehouse has the id {warehouse_id}. Check warehouse_id."
        raise _config_error(message) from error
    except PermissionDenied as error:
        raise _config_error(
            f"The credentials may not use SQL warehouse {warehouse_id}. Grant CAN USE on it, or "
            "check warehouse_id."
        ) from error
    except DatabricksError as error:
        raise AirbyteTracedException(
            message=f"SQL warehouse {warehouse_id} could not be started: {error}",
            failure_type=FailureType.transient_error,
        ) from error


def _config_error(message: str) -> AirbyteTracedException:
    return AirbyteTracedException(message=message, failure_type=FailureType.config_error)
