"""Local TLS: a private CA and a server certificate for 127.0.0.1 / localhost.

Clients trust the CA file (``_tls_trusted_ca_file`` for the SQL client, ``REQUESTS_CA_BUNDLE`` or
the SDK's config for REST). Both are made once and reused, so a client that saved the CA path keeps
working across restarts; the server certificate is renewed when it nears expiry.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from local_workspace.data_dir import DataDir, write_atomic, write_private

CA_VALIDITY = dt.timedelta(days=3650)
SERVER_VALIDITY = dt.timedelta(days=397)
RENEW_BEFORE = dt.timedelta(days=7)
SERVER_NAMES = ("localhost",)
SERVER_IPS = ("127.0.0.1",)


@dataclass(frozen=True)
class TlsFiles:
    """Paths of the PEM files (keys are mode 0600)."""

    ca_cert: Path
    ca_key: Path
    server_cert: Path
    server_key: Path

    @classmethod
    def of(cls, data_dir: DataDir) -> TlsFiles:
        tls = data_dir.tls_dir
        return cls(tls / "ca.pem", tls / "ca-key.pem", tls / "server.pem", tls / "server-key.pem")


def ensure_ca(data_dir: DataDir) -> TlsFiles:
    """Create the CA unless a valid one exists; returns the file paths."""
    files = TlsFiles.of(data_dir)
    if not _usable(files.ca_cert, files.ca_key):
        key = ec.generate_private_key(ec.SECP256R1())
        _write_pair(files.ca_cert, files.ca_key, _ca_certificate(key), key)
        files.server_cert.unlink(missing_ok=True)  # signed by the old CA: reissue
    return files


def ensure_tls(data_dir: DataDir) -> TlsFiles:
    """Create the CA and the server certificate unless valid ones exist."""
    files = ensure_ca(data_dir)
    if not _usable(files.server_cert, files.server_key) or not _issued_by(files):
        ca_key = _load_key(files.ca_key)
        ca_cert = _load_cert(files.ca_cert)
        key = ec.generate_private_key(ec.SECP256R1())
        cert = _server_certificate(key, ca_cert, ca_key)
        _write_pair(files.server_cert, files.server_key, cert, key)
    return files


def _usable(cert_file: Path, key_file: Path) -> bool:
    if not (cert_file.exists() and key_file.exists()):
        return False
    return _load_cert(cert_file).not_valid_after_utc - RENEW_BEFORE > _now()


def _issued_by(files: TlsFiles) -> bool:
    server, ca = _load_cert(files.server_cert), _load_cert(files.ca_cert)
    try:
        server.verify_directly_issued_by(ca)
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


def _ca_certificate(key: ec.EllipticCurvePrivateKey) -> x509.Certificate:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "local_workspace CA")])
    usage = _key_usage(signing=True)
    return (
        _builder(name, name, key.public_key(), CA_VALIDITY)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(usage, critical=True)
        .sign(key, hashes.SHA256())
    )


def _server_certificate(
    key: ec.EllipticCurvePrivateKey, ca_cert: x509.Certificate, ca_key: ec.EllipticCurvePrivateKey
) -> x509.Certificate:
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, SERVER_NAMES[0])])
    names = [x509.DNSName(n) for n in SERVER_NAMES]
    names += [x509.IPAddress(ipaddress.ip_address(ip)) for ip in SERVER_IPS]
    ca_ski = ca_cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    return (
        _builder(subject, ca_cert.subject, key.public_key(), SERVER_VALIDITY)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(signing=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )


def _builder(subject: x509.Name, issuer: x509.Name, public_key, validity: dt.timedelta):
    now = _now()
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))  # tolerate small clock skew
        .not_valid_after(now + validity)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
    )


def _key_usage(signing: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=not signing,
        key_cert_sign=signing,
        crl_sign=signing,
        encipher_only=False,
        decipher_only=False,
    )


def _write_pair(cert_file: Path, key_file: Path, cert: x509.Certificate, key) -> None:
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    write_private(key_file, key_pem)
    write_atomic(cert_file, cert.public_bytes(serialization.Encoding.PEM))


def _load_cert(path: Path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(path.read_bytes())


def _load_key(path: Path):
    return serialization.load_pem_private_key(path.read_bytes(), password=None)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
