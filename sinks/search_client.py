"""Clients for Elasticsearch 8/9 and, through an explicit compatibility mode, OpenSearch.

The official ``elasticsearch`` client sends ``application/vnd.elasticsearch+json; compatible-with=9`` and
refuses servers that do not answer with ``X-Elastic-Product: Elasticsearch``. OpenSearch rejects the
first (406) and does not send the second. In OpenSearch compatibility mode the client's nodes send plain
``application/json`` / ``application/x-ndjson`` and mark OpenSearch's answers as coming from a supported
product. Nothing else about the requests changes. Mode ``auto`` asks the root endpoint which engine it is.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import re
import ssl
import urllib.request
from typing import Any, Literal

from elastic_transport import AiohttpHttpNode, HttpHeaders, Urllib3HttpNode
from elastic_transport._node import NodeApiResponse
from elasticsearch import AsyncElasticsearch, Elasticsearch

from pipeline.settings import SearchSettings

Engine = Literal["elasticsearch", "opensearch"]

_VENDOR_MIMETYPE = re.compile(r"application/vnd\.elasticsearch\+([\w-]+)(; *compatible-with=\d+)?")


def _plain_mimetypes(headers: HttpHeaders | None) -> HttpHeaders | None:
    if headers is None:
        return None
    plain = headers.copy()
    for name in ("accept", "content-type"):
        if name in plain:
            plain[name] = _VENDOR_MIMETYPE.sub(r"application/\1", plain[name])
    return plain


def _as_supported_product(response: NodeApiResponse) -> NodeApiResponse:
    headers = response.meta.headers.copy()
    headers.setdefault("x-elastic-product", "Elasticsearch")
    return NodeApiResponse(dataclasses.replace(response.meta, headers=headers), response.body)


class OpenSearchCompatNode(Urllib3HttpNode):
    """Synchronous node for the OpenSearch compatibility mode."""

    def perform_request(self, method: str, target: str, body: Any = None, headers: Any = None, **kw: Any):  # type: ignore[override]
        response = super().perform_request(method, target, body=body, headers=_plain_mimetypes(headers), **kw)
        return _as_supported_product(response)


class AsyncOpenSearchCompatNode(AiohttpHttpNode):
    """Asynchronous node for the OpenSearch compatibility mode."""

    async def perform_request(
        self, method: str, target: str, body: Any = None, headers: Any = None, **kw: Any
    ):  # type: ignore[override]
        response = await super().perform_request(
            method, target, body=body, headers=_plain_mimetypes(headers), **kw
        )
        return _as_supported_product(response)


def detect_engine(settings: SearchSettings) -> Engine:
    """Ask the root endpoint whether this is Elasticsearch or OpenSearch."""
    request = urllib.request.Request(settings.url.rstrip("/") + "/", headers=_auth_headers(settings))
    context = _ssl_context(settings) if settings.url.startswith("https") else None
    with urllib.request.urlopen(request, timeout=settings.request_timeout, context=context) as response:
        info = json.load(response)
    distribution = info.get("version", {}).get("distribution", "elasticsearch")
    return "opensearch" if distribution == "opensearch" else "elasticsearch"


def resolve_engine(settings: SearchSettings) -> Engine:
    """The configured engine, or the detected one when the mode is 'auto'."""
    return detect_engine(settings) if settings.mode == "auto" else settings.mode


def _auth_headers(settings: SearchSettings) -> dict[str, str]:
    if settings.api_key is not None:
        return {"Authorization": f"ApiKey {settings.api_key.get_secret_value()}"}
    if settings.username and settings.password is not None:
        pair = f"{settings.username}:{settings.password.get_secret_value()}".encode()
        return {"Authorization": f"Basic {base64.b64encode(pair).decode()}"}
    return {}


def _ssl_context(settings: SearchSettings) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=str(settings.ca_certs) if settings.ca_certs else None)
    if not settings.verify_certs:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


def _client_options(settings: SearchSettings) -> dict[str, Any]:
    options: dict[str, Any] = {
        "hosts": [settings.url],
        "request_timeout": settings.request_timeout,
        "verify_certs": settings.verify_certs,
        "max_retries": 0,
    }
    if settings.ca_certs:
        options["ca_certs"] = str(settings.ca_certs)
    if settings.api_key is not None:
        options["api_key"] = settings.api_key.get_secret_value()
    elif settings.username and settings.password is not None:
        options["basic_auth"] = (settings.username, settings.password.get_secret_value())
    return options


def sync_client(settings: SearchSettings, engine: Engine | None = None) -> Elasticsearch:
    """A blocking client for commands and tests."""
    engine = engine or resolve_engine(settings)
    node_class = OpenSearchCompatNode if engine == "opensearch" else Urllib3HttpNode
    return Elasticsearch(node_class=node_class, **_client_options(settings))


def async_client(settings: SearchSettings, engine: Engine | None = None) -> AsyncElasticsearch:
    """An asyncio client for the worker's sink."""
    engine = engine or resolve_engine(settings)
    node_class = AsyncOpenSearchCompatNode if engine == "opensearch" else AiohttpHttpNode
    return AsyncElasticsearch(node_class=node_class, **_client_options(settings))
