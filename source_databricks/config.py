"""Typed connector configuration, parsed once from the user's config."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal
from urllib.parse import urlsplit

from airbyte_cdk.models import FailureType
from airbyte_cdk.utils.traced_exception import AirbyteTracedException
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from source_databricks.code.config import CodeExecutionConfig
from source_databricks.tables.scope import Scope


class PersonalAccessToken(BaseModel):
    auth_type: Literal["personal_access_token"] = "personal_access_token"
    personal_access_token: str = Field(min_length=1, repr=False)


class OAuthM2M(BaseModel):
    """A service principal's OAuth client credentials (machine-to-machine)."""

    auth_type: Literal["oauth_m2m"]
    client_id: str = Field(min_length=1)
    client_secret: str = Field(min_length=1, repr=False)


class CursorReplication(BaseModel):
    """Incremental streams use the cursor column each stream's configuration names."""

    method: Literal["cursor"] = "cursor"


class ChangeDataFeedReplication(BaseModel):
    """Incremental streams of Delta tables read the Change Data Feed (updates and deletes too)."""

    method: Literal["change_data_feed"]
    # When retained history no longer reaches the saved version: fail, or take a new snapshot.
    when_history_is_gone: Literal["fail", "resnapshot"] = "fail"


class DatabricksConfig(BaseModel):
    """The connection as the user configured it (see spec.json for the field documentation)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    host: str
    credentials: PersonalAccessToken | OAuthM2M = Field(discriminator="auth_type")
    http_path: str | None = None
    warehouse_id: str | None = None
    catalogs: tuple[str, ...] = ()
    include_schemas: tuple[str, ...] = ()
    exclude_schemas: tuple[str, ...] = ()
    include_tables: tuple[str, ...] = ()
    exclude_tables: tuple[str, ...] = ()
    ca_bundle_path: str | None = None
    checkpoint_interval: int = Field(default=100_000, ge=1)
    max_workers: int = Field(default=4, ge=1, le=32)
    partition_min_rows: int = Field(default=2_000_000, ge=1)
    query_tag: str | None = Field(default=None, max_length=128)
    code_execution: CodeExecutionConfig | None = None
    replication: CursorReplication | ChangeDataFeedReplication = Field(
        default_factory=CursorReplication, discriminator="method"
    )

    @model_validator(mode="after")
    def _one_warehouse(self) -> DatabricksConfig:
        if not (self.has_warehouse or self.code_execution):
            raise ValueError("set http_path or warehouse_id to choose the SQL warehouse")
        return self

    @property
    def has_warehouse(self) -> bool:
        """Whether table streams are configured (a code-execution-only connection has none)."""
        return bool(self.http_path or self.warehouse_id)

    @field_validator("host")
    @classmethod
    def _host_has_a_name(cls, host: str) -> str:
        if not urlsplit(_with_scheme(host)).hostname:
            raise ValueError("expected a host name such as adb-123.4.azuredatabricks.net")
        return host.strip()

    @property
    def hostname(self) -> str:
        return urlsplit(_with_scheme(self.host)).hostname or ""

    @property
    def port(self) -> int:
        return urlsplit(_with_scheme(self.host)).port or 443

    @property
    def workspace_url(self) -> str:
        """The https URL the REST clients use, port included when it is not 443."""
        suffix = "" if self.port == 443 else f":{self.port}"
        return f"https://{self.hostname}{suffix}"

    @property
    def scope(self) -> Scope:
        """The catalogs, schemas and tables this connection replicates."""
        return Scope(
            catalogs=self.catalogs,
            include_schemas=self.include_schemas,
            exclude_schemas=self.exclude_schemas,
            include_tables=self.include_tables,
            exclude_tables=self.exclude_tables,
        )

    @property
    def warehouse_http_path(self) -> str:
        """The SQL warehouse's HTTP path, from http_path or else from warehouse_id."""
        if self.http_path:
            return "/" + self.http_path.lstrip("/")
        return f"/sql/1.0/warehouses/{self.warehouse_id}"


def parse_config(raw: Mapping[str, Any]) -> DatabricksConfig:
    """Parse the raw config; a problem is a config error naming the field to fix."""
    try:
        return DatabricksConfig.model_validate(dict(raw))
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'config'}: {e['msg']}" for e in error.errors()
        )
        raise AirbyteTracedException(
            message=f"The configuration is invalid: {problems}",
            failure_type=FailureType.config_error,
        ) from None


def _with_scheme(host: str) -> str:
    host = host.strip()
    return host if "://" in host else f"https://{host}"
