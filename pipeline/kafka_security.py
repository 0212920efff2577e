"""Kafka TLS and SASL settings turned into client options: kafka-python kwargs and Faust broker credentials.

One TLS context is built from the settings for both clients: certificates and host names are verified
(against ``ssl_cafile``, else the system's CAs); only the host-name check can be switched off.
"""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from typing import Any

import faust
from kafka import KafkaAdminClient
from kafka.consumer.fetcher import ConsumerRecord

from connectors.publisher import Publisher
from pipeline.accounting import KafkaAccounting, read_topic
from pipeline.settings import KafkaSettings


def ssl_context(kafka: KafkaSettings) -> ssl.SSLContext:
    """A verifying client TLS context: the CA file (or system CAs) and the optional client certificate."""
    context = ssl.create_default_context(cafile=str(kafka.ssl_cafile) if kafka.ssl_cafile else None)
    context.check_hostname = kafka.ssl_check_hostname
    if kafka.ssl_certfile:
        context.load_cert_chain(kafka.ssl_certfile, kafka.ssl_keyfile)
    return context


def _uses_tls(kafka: KafkaSettings) -> bool:
    return kafka.security_protocol in ("SSL", "SASL_SSL")


def _password(kafka: KafkaSettings) -> str:
    assert kafka.sasl_password is not None  # KafkaSettings refuses SASL without one
    return kafka.sasl_password.get_secret_value()


def kafka_python_options(kafka: KafkaSettings) -> dict[str, Any]:
    """Security kwargs for kafka-python producers, consumers and admin clients ({} for PLAINTEXT)."""
    if kafka.security_protocol == "PLAINTEXT":
        return {}
    options: dict[str, Any] = {"security_protocol": kafka.security_protocol}
    if _uses_tls(kafka):
        options["ssl_context"] = ssl_context(kafka)
    if kafka.security_protocol.startswith("SASL_"):
        options["sasl_mechanism"] = kafka.sasl_mechanism
        options["sasl_plain_username"] = kafka.sasl_username
        options["sasl_plain_password"] = _password(kafka)
    return options


def faust_broker_options(kafka: KafkaSettings) -> dict[str, Any]:
    """``broker_credentials`` for ``faust.App`` (aiokafka), or {} for PLAINTEXT."""
    context = ssl_context(kafka) if _uses_tls(kafka) else None
    if kafka.security_protocol.startswith("SASL_"):
        credentials: faust.types.CredentialsT = faust.SASLCredentials(
            username=kafka.sasl_username,
            password=_password(kafka),
            ssl_context=context,
            mechanism=kafka.sasl_mechanism,
        )
    elif context is not None:
        credentials = faust.SSLCredentials(context)
    else:
        return {}
    return {"broker_credentials": credentials}


def kafka_admin(kafka: KafkaSettings, client_id: str) -> KafkaAdminClient:
    """A kafka-python admin client for the configured cluster, with its security settings."""
    options = kafka_python_options(kafka)
    return KafkaAdminClient(bootstrap_servers=kafka.bootstrap_servers, client_id=client_id, **options)


def kafka_accounting(kafka: KafkaSettings) -> KafkaAccounting:
    """Topic counts and consumer lag of the configured cluster."""
    return KafkaAccounting(kafka.bootstrap_servers, **kafka_python_options(kafka))


def kafka_records(kafka: KafkaSettings, topic: str) -> Iterator[ConsumerRecord]:
    """Every message of ``topic`` (see :func:`pipeline.accounting.read_topic`)."""
    return read_topic(kafka.bootstrap_servers, topic, **kafka_python_options(kafka))


def kafka_publisher(kafka: KafkaSettings, topic: str) -> Publisher:
    """The shared publisher, writing to ``topic`` of the configured cluster."""
    return Publisher(kafka.bootstrap_servers, topic, **kafka_python_options(kafka))
