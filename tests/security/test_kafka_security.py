"""kafka-python against the SASL_SSL broker: authenticated round trip, wrong password, untrusted CA."""

from __future__ import annotations

import logging
import uuid

import pytest
from kafka import KafkaAdminClient
from kafka.errors import KafkaError
from pydantic import SecretStr

from connectors.publisher import Publisher
from pipeline.accounting import KafkaAccounting, read_topic
from pipeline.kafka_security import kafka_python_options
from pipeline.settings import KafkaSettings
from schemas.posts import RawPost

FAILING_BOOTSTRAP_MS = 5_000


def _post(number: int) -> RawPost:
    return RawPost.model_validate(
        {
            "id": f"secure-{number}",
            "source": "webhook",
            "created_at": "2026-01-05T10:00:00Z",
            "text": f"Storing bij Kabelkat, post {number}",
            "author": {"id": "a1", "handle": "@klant"},
        }
    )


def _admin(kafka: KafkaSettings) -> KafkaAdminClient:
    return KafkaAdminClient(
        bootstrap_servers=kafka.bootstrap_servers,
        bootstrap_timeout_ms=FAILING_BOOTSTRAP_MS,
        **kafka_python_options(kafka),
    )


def test_publish_and_read_back_over_sasl_ssl(kafka_settings: KafkaSettings) -> None:
    topic = f"secure-{uuid.uuid4().hex[:8]}"
    options = kafka_python_options(kafka_settings)
    with Publisher(kafka_settings.bootstrap_servers, topic, **options) as publisher:
        report = publisher.publish(_post(n) for n in range(25))
    assert report.posts == 25
    with KafkaAccounting(kafka_settings.bootstrap_servers, **options) as accounting:
        assert accounting.counts(topic).messages == 25
    keys = sorted(
        record.key.decode() for record in read_topic(kafka_settings.bootstrap_servers, topic, **options)
    )
    assert keys == sorted(f"secure-{n}" for n in range(25))


def test_wrong_password_is_refused_with_an_authentication_error(
    kafka_settings: KafkaSettings, caplog: pytest.LogCaptureFixture
) -> None:
    wrong = kafka_settings.model_copy(update={"sasl_password": SecretStr("not-the-password")})
    refusal = "Authentication failed during authentication due to invalid credentials"
    seen = ""
    # The broker answers with the refusal and closes the connection; now and then the client notices the
    # close first and reports only a disconnect, so the attempt is made up to three times.
    for _ in range(3):
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="kafka"), pytest.raises(KafkaError):
            _admin(wrong).list_topics()
        seen += caplog.text
        if refusal in caplog.text:
            break
    assert refusal in seen
    assert "not-the-password" not in seen


@pytest.mark.parametrize("trusted", ["rogue CA", "system CAs (the default)"])
def test_a_broker_certificate_from_an_untrusted_ca_is_refused(
    kafka_settings: KafkaSettings, pki, trusted: str, caplog: pytest.LogCaptureFixture
) -> None:
    cafile = pki.rogue_ca.cert_file if trusted == "rogue CA" else None
    untrusting = kafka_settings.model_copy(update={"ssl_cafile": cafile})
    with (
        caplog.at_level(logging.WARNING, logger="kafka"),
        pytest.raises(KafkaError, match="Unable to bootstrap"),
    ):
        _admin(untrusting).list_topics()
    assert "CERTIFICATE_VERIFY_FAILED" in caplog.text


def test_a_plaintext_client_gets_nothing_from_the_secured_listener(kafka_settings: KafkaSettings) -> None:
    plaintext = KafkaSettings(bootstrap_servers=kafka_settings.bootstrap_servers)
    with pytest.raises(KafkaError, match="Unable to bootstrap"):
        _admin(plaintext).list_topics()
