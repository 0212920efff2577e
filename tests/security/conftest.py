"""Fixtures for the security tests: a throwaway CA, and a SASL_SSL Kafka broker and a TLS + basic-auth
OpenSearch node started for the session on ports of their own (the shared local stack is not touched)."""

from __future__ import annotations

import secrets
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from pipeline.settings import KafkaSettings, SearchSettings
from pipeline.stack import stack_root
from tests.security import secure_stack
from tests.security.certs import Authority, Issued, issue, make_authority

USER = "webcare"


@dataclass(frozen=True)
class Pki:
    """The test CA, a server certificate for 127.0.0.1/localhost, and a CA nobody should trust."""

    ca: Authority
    server: Issued
    rogue_ca: Authority


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    directory = tmp_path_factory.mktemp("pki")
    ca = make_authority(directory, "webcare-test-ca")
    server = issue(ca, directory, "CN=localhost,O=webcare", ("localhost", "127.0.0.1"))
    return Pki(ca, server, make_authority(directory / "rogue", "rogue-ca"))


@pytest.fixture(scope="session")
def secure_root() -> Iterator[Path]:
    """A fresh directory under ``.stack/secure/`` for this session's servers, removed afterwards."""
    root = stack_root() / "secure" / uuid.uuid4().hex[:8]
    root.mkdir(parents=True)
    yield root
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def secure_kafka(pki: Pki, secure_root: Path) -> Iterator[secure_stack.Server]:
    server = secure_stack.start_kafka(
        secure_root / "kafka", pki.server, pki.ca.cert_file, USER, secrets.token_hex(16)
    )
    yield server
    server.stop()


@pytest.fixture(scope="session")
def secure_search(pki: Pki, secure_root: Path) -> Iterator[secure_stack.Server]:
    server = secure_stack.start_opensearch(
        secure_root / "opensearch", pki.server, pki.ca.cert_file, USER, secrets.token_hex(16)
    )
    yield server
    server.stop()


@pytest.fixture
def kafka_settings(secure_kafka: secure_stack.Server, pki: Pki) -> KafkaSettings:
    """Client settings that fit the secured broker."""
    return KafkaSettings(
        bootstrap_servers=secure_kafka.address,
        security_protocol="SASL_SSL",
        sasl_mechanism="SCRAM-SHA-512",
        sasl_username=secure_kafka.username,
        sasl_password=secure_kafka.password,
        ssl_cafile=pki.ca.cert_file,
    )


@pytest.fixture
def search_settings(secure_search: secure_stack.Server, pki: Pki) -> SearchSettings:
    """Client settings that fit the secured search engine."""
    return SearchSettings(
        url=secure_search.address,
        username=secure_search.username,
        password=secure_search.password,
        ca_certs=pki.ca.cert_file,
        request_timeout=10.0,
    )
