"""A throwaway certificate authority and certificates for the secured test servers (``cryptography``)."""

from __future__ import annotations

import datetime
import ipaddress
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

VALID_DAYS = 2


@dataclass(frozen=True)
class Authority:
    """A CA that can sign certificates; ``cert_file`` is what clients trust."""

    name: x509.Name
    key: rsa.RSAPrivateKey
    cert_file: Path


@dataclass(frozen=True)
class Issued:
    """A certificate (PEM, with the CA after it) and its unencrypted PKCS#8 key."""

    subject: str
    cert_file: Path
    key_file: Path


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _builder(subject: x509.Name, issuer: x509.Name, key: rsa.RSAPrivateKey) -> x509.CertificateBuilder:
    now = datetime.datetime.now(datetime.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=VALID_DAYS))
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )


def _pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def make_authority(directory: Path, common_name: str) -> Authority:
    """A self-signed CA written to ``<directory>/<common_name>.pem``."""
    directory.mkdir(parents=True, exist_ok=True)
    key = _key()
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    cert = (
        _builder(name, name, key)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    cert_file = directory / f"{common_name}.pem"
    cert_file.write_bytes(_pem(cert))
    return Authority(name, key, cert_file)


def issue(ca: Authority, directory: Path, subject: str, hosts: tuple[str, ...] = ()) -> Issued:
    """A certificate for ``subject`` (an RFC 4514 DN such as ``CN=node,O=webcare``) signed by ``ca``.

    ``hosts`` (names and IP addresses) become its subject alternative names; it is good for TLS servers and
    clients alike.
    """
    key = _key()
    name = x509.Name.from_rfc4514_string(subject)
    builder = (
        _builder(name, ca.name, key)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]),
            critical=False,
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()), critical=False
        )
    )
    if hosts:
        builder = builder.add_extension(x509.SubjectAlternativeName([_general_name(h) for h in hosts]), False)
    cert = builder.sign(ca.key, hashes.SHA256())
    stem = name.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value
    cert_file, key_file = directory / f"{stem}.pem", directory / f"{stem}-key.pem"
    cert_file.write_bytes(_pem(cert) + ca.cert_file.read_bytes())
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    key_file.chmod(0o600)
    return Issued(subject, cert_file, key_file)


def _general_name(host: str) -> x509.GeneralName:
    try:
        return x509.IPAddress(ipaddress.ip_address(host))
    except ValueError:
        return x509.DNSName(host)
