"""The search client against OpenSearch with its security plugin: HTTPS with a pinned CA and basic auth."""

from __future__ import annotations

import ssl
import urllib.error

import pytest
from elasticsearch import AuthenticationException
from elasticsearch import ConnectionError as SearchConnectionError
from pydantic import SecretStr

from pipeline.settings import SearchSettings
from sinks.search_client import detect_engine, sync_client


def test_basic_auth_over_verified_tls_indexes_and_counts(search_settings: SearchSettings) -> None:
    assert detect_engine(search_settings) == "opensearch"
    client = sync_client(search_settings)
    try:
        for number in range(7):
            client.index(index="secure-smoke", id=str(number), document={"n": number})
        client.indices.refresh(index="secure-smoke")
        assert client.count(index="secure-smoke")["count"] == 7
    finally:
        client.close()


def test_wrong_password_is_refused(search_settings: SearchSettings) -> None:
    wrong = search_settings.model_copy(update={"password": SecretStr("not-the-password")})
    client = sync_client(wrong, engine="opensearch")
    try:
        with pytest.raises(AuthenticationException) as raised:
            client.info()
    finally:
        client.close()
    assert raised.value.meta.status == 401
    assert "not-the-password" not in str(raised.value)


def test_no_credentials_no_access(search_settings: SearchSettings) -> None:
    anonymous = search_settings.model_copy(update={"username": None, "password": None})
    with pytest.raises(urllib.error.HTTPError, match="401"):
        detect_engine(anonymous)


@pytest.mark.parametrize("trusted", ["rogue CA", "system CAs (the default)"])
def test_a_certificate_from_an_untrusted_ca_is_refused(
    search_settings: SearchSettings, pki, trusted: str
) -> None:
    ca_certs = pki.rogue_ca.cert_file if trusted == "rogue CA" else None
    untrusting = search_settings.model_copy(update={"ca_certs": ca_certs})
    assert untrusting.verify_certs  # on unless switched off
    with pytest.raises(urllib.error.URLError) as raised:
        detect_engine(untrusting)
    assert isinstance(raised.value.reason, ssl.SSLCertVerificationError)
    client = sync_client(untrusting, engine="opensearch")
    try:
        with pytest.raises(SearchConnectionError) as failed:
            client.info()
    finally:
        client.close()
    assert "CERTIFICATE_VERIFY_FAILED" in repr(failed.value) + repr(failed.value.errors)
