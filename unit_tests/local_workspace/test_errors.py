from __future__ import annotations

import json

import pytest

from local_workspace.auth import TokenStore, check_authorization
from local_workspace.rest.errors import STATUS_BY_ERROR_CODE, ApiError, error_response


@pytest.mark.parametrize(
    ("error_code", "status"),
    [
        ("UNAUTHENTICATED", 401),
        ("PERMISSION_DENIED", 403),
        ("RESOURCE_DOES_NOT_EXIST", 404),
        ("INVALID_PARAMETER_VALUE", 400),
        ("RESOURCE_ALREADY_EXISTS", 409),
    ],
)
def test_error_codes_map_to_the_statuses_the_sdk_reads(error_code, status):
    assert ApiError(error_code, "m").status_code == status == STATUS_BY_ERROR_CODE[error_code]


def test_unknown_error_code_is_a_programming_error():
    with pytest.raises(ValueError, match="STATUS_BY_ERROR_CODE"):
        ApiError("NOPE", "m")


def test_error_response_body_and_headers():
    response = error_response(ApiError("PERMISSION_DENIED", "no\nway é"), thrift=True)
    assert response.status_code == 403
    assert json.loads(response.body) == {"error_code": "PERMISSION_DENIED", "message": "no\nway é"}
    assert response.headers["x-thriftserver-error-message"] == "PERMISSION_DENIED: no way é"


def test_rest_errors_do_not_carry_the_thrift_header():
    response = error_response(ApiError("PERMISSION_DENIED", "no"))
    assert "x-thriftserver-error-message" not in response.headers


@pytest.mark.parametrize(
    ("header", "error_code"),
    [
        (None, "UNAUTHENTICATED"),
        ("", "UNAUTHENTICATED"),
        ("Token dapi-good", "UNAUTHENTICATED"),
        ("Bearer dapi-bad", "PERMISSION_DENIED"),
        ("Bearer dapi-good", None),
        ("bearer  dapi-good", None),
    ],
)
def test_authorization_header_table(header, error_code):
    error = check_authorization(header, TokenStore("dapi-good"))
    assert (error and error.error_code) == error_code


def test_issued_tokens_expire():
    tokens = TokenStore("dapi-good")
    assert tokens.is_valid(tokens.issue(60, "https://localhost/oidc", "sp"))
    assert not tokens.is_valid(tokens.issue(-1, "https://localhost/oidc", "sp"))


def test_issued_tokens_are_jwts_whose_exp_clients_can_read():
    import jwt

    tokens = TokenStore("dapi-x")
    token = tokens.issue(120, "https://localhost:8443/oidc", "sp-1")
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["iss"] == "https://localhost:8443/oidc"
    assert claims["sub"] == "sp-1"
    assert claims["exp"] - claims["iat"] == 120
    assert tokens.is_valid(token)
    assert not tokens.is_valid(token[:-2] + "xx")
