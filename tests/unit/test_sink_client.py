"""Client construction for Elasticsearch (native) and OpenSearch (compatibility mode), without servers."""

from __future__ import annotations

from elastic_transport import AiohttpHttpNode, HttpHeaders, Urllib3HttpNode

from pipeline.settings import SearchSettings
from sinks.search_client import (
    AsyncOpenSearchCompatNode,
    OpenSearchCompatNode,
    _plain_mimetypes,
    async_client,
    resolve_engine,
    sync_client,
)

VENDOR_JSON = "application/vnd.elasticsearch+json; compatible-with=9"
VENDOR_NDJSON = "application/vnd.elasticsearch+x-ndjson; compatible-with=9"


def _node_class(client) -> type:
    [node] = client.transport.node_pool.all()
    return type(node)


def test_elasticsearch_mode_uses_the_clients_own_nodes() -> None:
    settings = SearchSettings(url="http://es.invalid:9200", mode="elasticsearch")
    assert resolve_engine(settings) == "elasticsearch"
    assert _node_class(sync_client(settings)) is Urllib3HttpNode


def test_opensearch_mode_uses_the_compatibility_nodes() -> None:
    settings = SearchSettings(url="http://os.invalid:9200", mode="opensearch")
    assert resolve_engine(settings) == "opensearch"
    assert _node_class(sync_client(settings)) is OpenSearchCompatNode


def test_async_clients_follow_the_mode() -> None:
    native = async_client(SearchSettings(url="http://es.invalid:9200"), "elasticsearch")
    compat = async_client(SearchSettings(url="http://os.invalid:9200"), "opensearch")
    assert _node_class(native) is AiohttpHttpNode
    assert _node_class(compat) is AsyncOpenSearchCompatNode


def test_compatibility_mode_sends_plain_json_and_nothing_else_changes() -> None:
    headers = HttpHeaders({"accept": VENDOR_JSON, "content-type": VENDOR_NDJSON, "authorization": "ApiKey x"})
    plain = _plain_mimetypes(headers)
    assert plain == {
        "accept": "application/json",
        "content-type": "application/x-ndjson",
        "authorization": "ApiKey x",
    }
    assert headers["accept"] == VENDOR_JSON  # the caller's headers are not modified
