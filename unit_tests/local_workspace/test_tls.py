from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
import stat

import pytest
from cryptography import x509

from local_workspace.data_dir import DataDir
from local_workspace.tls import ensure_ca, ensure_tls


def _cert(path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(path.read_bytes())


@pytest.fixture
def data_dir(tmp_path) -> DataDir:
    return DataDir(tmp_path / "ws")


def test_server_certificate_names_localhost_and_loopback(data_dir):
    files = ensure_tls(data_dir)
    san = _cert(files.server_cert).extensions.get_extension_for_class(x509.SubjectAlternativeName)
    assert san.value.get_values_for_type(x509.DNSName) == ["localhost"]
    assert san.value.get_values_for_type(x509.IPAddress) == [ipaddress.ip_address("127.0.0.1")]


def test_server_certificate_is_issued_by_the_ca(data_dir):
    files = ensure_tls(data_dir)
    _cert(files.server_cert).verify_directly_issued_by(_cert(files.ca_cert))
    basic = _cert(files.ca_cert).extensions.get_extension_for_class(x509.BasicConstraints)
    assert basic.value.ca


def test_python_ssl_accepts_the_chain_for_both_names(data_dir):
    files = ensure_tls(data_dir)
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(files.server_cert, files.server_key)
    client = ssl.create_default_context(cafile=str(files.ca_cert))
    assert client.verify_mode == ssl.CERT_REQUIRED  # loads without error: CA is well-formed


def test_keys_are_private(data_dir):
    files = ensure_tls(data_dir)
    for key in (files.ca_key, files.server_key):
        assert stat.S_IMODE(key.stat().st_mode) == 0o600


def test_material_is_reused_on_restart(data_dir):
    first = ensure_tls(data_dir)
    before = {p: p.read_bytes() for p in (first.ca_cert, first.ca_key, first.server_cert)}
    second = ensure_tls(data_dir)
    assert {p: p.read_bytes() for p in before} == before
    assert second == first


def test_server_certificate_is_reissued_when_the_ca_changes(data_dir):
    files = ensure_tls(data_dir)
    files.ca_cert.unlink()
    ensure_tls(data_dir)
    _cert(files.server_cert).verify_directly_issued_by(_cert(files.ca_cert))


def test_ca_bundle_alone_does_not_need_a_server_certificate(data_dir):
    files = ensure_ca(data_dir)
    assert files.ca_cert.exists() and not files.server_cert.exists()


def test_server_certificate_validity_is_bounded(data_dir):
    cert = _cert(ensure_tls(data_dir).server_cert)
    lifetime = cert.not_valid_after_utc - cert.not_valid_before_utc
    assert dt.timedelta(days=30) < lifetime <= dt.timedelta(days=398)
