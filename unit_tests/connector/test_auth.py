from __future__ import annotations

from airbyte_cdk.utils import airbyte_secrets_utils

from source_databricks.auth import sql_credentials_provider

TOKEN = "dapi-unit-test-token-0123456789"


class PatConfig:
    """The part of the SDK's Config a credentials provider uses (a real one probes its host)."""

    auth_type = "pat"

    def authenticate(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {TOKEN}"}


def test_given_many_sql_requests_then_their_token_is_hidden_once_and_stays_hidden():
    secrets = vars(airbyte_secrets_utils)["__SECRETS_FROM_CONFIG"]
    before = len(secrets)
    headers = sql_credentials_provider(PatConfig())()  # type: ignore[arg-type]
    for _ in range(1000):  # the SQL client signs every Thrift request of a read
        assert headers()["Authorization"] == f"Bearer {TOKEN}"
    assert len(secrets) - before == 1
    assert TOKEN not in airbyte_secrets_utils.filter_secrets(f"echoed: Bearer {TOKEN}")
