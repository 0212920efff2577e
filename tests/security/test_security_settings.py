"""Security settings without servers: secrets from the environment or files, client options, no leaks."""

from __future__ import annotations

import ssl
from pathlib import Path

import faust
import pytest

from pipeline.kafka_security import faust_broker_options, kafka_python_options
from pipeline.settings import ConfigError, KafkaSettings, SearchSettings, load_settings
from sinks.search_client import _auth_headers, _client_options


def _config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "webcare.yaml"
    path.write_text(text)
    return path


def test_secrets_come_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WEBCARE_KAFKA__SASL_PASSWORD", "kafka-env-secret")
    monkeypatch.setenv("WEBCARE_SEARCH__API_KEY", "search-env-key")
    config = _config(tmp_path, "kafka: {security_protocol: SASL_SSL, sasl_username: webcare}\n")
    settings = load_settings(config)
    assert settings.kafka.sasl_password is not None
    assert settings.kafka.sasl_password.get_secret_value() == "kafka-env-secret"
    assert _auth_headers(settings.search) == {"Authorization": "ApiKey search-env-key"}
    assert "kafka-env-secret" not in repr(settings) and "search-env-key" not in str(settings.model_dump())


def test_secrets_come_from_files(tmp_path: Path) -> None:
    (tmp_path / "kafka-password").write_text("kafka-file-secret\n")
    (tmp_path / "search-password").write_text("search-file-secret\n")
    config = _config(
        tmp_path,
        f"kafka: {{security_protocol: SASL_SSL, sasl_username: webcare,"
        f" sasl_password_file: {tmp_path / 'kafka-password'}}}\n"
        f"search: {{username: webcare, password_file: {tmp_path / 'search-password'}}}\n",
    )
    settings = load_settings(config)
    assert kafka_python_options(settings.kafka)["sasl_plain_password"] == "kafka-file-secret"
    assert _client_options(settings.search)["basic_auth"] == ("webcare", "search-file-secret")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (
            "kafka: {security_protocol: SASL_SSL, sasl_username: webcare}\n",
            "needs sasl_username and sasl_password",
        ),
        ("kafka: {sasl_password: a, sasl_password_file: /etc/hostname}\n", "not both"),
        (
            "search: {password_file: /nonexistent/secret}\n",
            "password_file /nonexistent/secret cannot be read",
        ),
    ],
)
def test_incomplete_or_conflicting_secrets_are_refused(tmp_path: Path, text: str, reason: str) -> None:
    with pytest.raises(ConfigError, match=reason):
        load_settings(_config(tmp_path, text))


def test_plaintext_needs_no_options() -> None:
    assert kafka_python_options(KafkaSettings()) == {}
    assert faust_broker_options(KafkaSettings()) == {}


def test_sasl_ssl_verifies_certificates_and_host_names_by_default() -> None:
    kafka = KafkaSettings(security_protocol="SASL_SSL", sasl_username="webcare", sasl_password="s3cret")
    options = kafka_python_options(kafka)
    assert options["security_protocol"] == "SASL_SSL"
    assert options["sasl_mechanism"] == "SCRAM-SHA-512"
    assert options["ssl_context"].verify_mode == ssl.CERT_REQUIRED
    assert options["ssl_context"].check_hostname
    credentials = faust_broker_options(kafka)["broker_credentials"]
    assert isinstance(credentials, faust.SASLCredentials)
    assert credentials.protocol.value == "SASL_SSL" and credentials.mechanism.value == "SCRAM-SHA-512"
    assert credentials.ssl_context is not None and credentials.ssl_context.verify_mode == ssl.CERT_REQUIRED
    assert "s3cret" not in repr(credentials)


def test_ssl_without_sasl_gives_ssl_credentials() -> None:
    credentials = faust_broker_options(KafkaSettings(security_protocol="SSL"))["broker_credentials"]
    assert isinstance(credentials, faust.SSLCredentials)
    assert "sasl_mechanism" not in kafka_python_options(KafkaSettings(security_protocol="SSL"))


def test_search_verifies_certificates_by_default() -> None:
    assert SearchSettings().verify_certs
    assert _client_options(SearchSettings())["verify_certs"] is True
