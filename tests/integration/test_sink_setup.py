"""``webcare setup`` on the real stack: versioned template, lifecycle policy, read alias, analyzers."""

from __future__ import annotations

import copy
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch

from pipeline.settings import SearchSettings, Settings, load_settings
from pipeline.setup import run_setup
from sinks.index_template import apply_template, template_body, template_version
from sinks.indices import AliasTaken, ensure_read_alias
from sinks.lifecycle import apply_lifecycle
from sinks.search_client import sync_client
from tests.integration.test_sink_bulk import new_family
from tests.support import isolated_config

pytestmark = pytest.mark.stack


@pytest.fixture(scope="module")
def client(real_stack: None) -> Iterator[Elasticsearch]:
    client = sync_client(SearchSettings(mode="opensearch"))
    yield client
    client.close()


@pytest.fixture
def family(client: Elasticsearch) -> Iterator[str]:
    name = new_family("setup")
    yield name
    client.options(ignore_status=404).indices.delete(index=f"{name}*")
    client.options(ignore_status=404).indices.delete_index_template(name=name)


def setup_lines(settings: Settings) -> list[str]:
    lines: list[str] = []
    run_setup(settings, echo=lines.append)
    return lines


def test_setup_twice_changes_nothing_the_second_time(client: Elasticsearch, tmp_path: Path) -> None:
    settings = load_settings(isolated_config(tmp_path))
    family = settings.search.index
    try:
        first = setup_lines(settings)
        template = client.indices.get_index_template(name=family)["index_templates"]
        indices = client.indices.get_alias(name=family)
        second = setup_lines(settings)
        assert f"search: index template {family}: created (version {template_version()})" in first
        assert f"search: index template {family}: unchanged (version {template_version()})" in second
        assert client.indices.get_index_template(name=family)["index_templates"] == template
        assert client.indices.get_alias(name=family) == indices
        assert len(indices) == 1  # this month's index, so the alias exists before the first write
    finally:
        client.options(ignore_status=404).indices.delete(index=f"{family}-*")
        client.indices.delete_index_template(name=family)


def test_an_older_template_is_upgraded_and_a_newer_one_left_alone(client: Elasticsearch, family: str) -> None:
    ours = template_version()
    body = template_body(family, "opensearch")
    client.indices.put_index_template(name=family, body={**body, "version": 1})
    assert (
        apply_template(client, family, "opensearch") == f"index template {family}: upgraded (version {ours})"
    )
    client.indices.put_index_template(name=family, body={**body, "version": 99})
    assert apply_template(client, family, "opensearch") == (
        f"warning: index template {family} version 99 is newer than this release's version {ours}; left alone"
    )
    [installed] = client.indices.get_index_template(name=family)["index_templates"]
    assert installed["index_template"]["version"] == 99


def test_an_upgrade_adds_new_fields_to_existing_indices(client: Elasticsearch, family: str) -> None:
    older = copy.deepcopy(template_body(family, "opensearch"))
    del older["template"]["mappings"]["properties"]["priority"]
    client.indices.put_index_template(name=family, body={**older, "version": 1})
    client.indices.create(index=f"{family}-2026.01")
    before = client.indices.get_mapping(index=f"{family}-2026.01")[f"{family}-2026.01"]["mappings"]
    assert "priority" not in before["properties"]

    apply_template(client, family, "opensearch")

    after = client.indices.get_mapping(index=f"{family}-2026.01")[f"{family}-2026.01"]["mappings"]
    assert after["properties"]["priority"] == {"type": "float"}


def test_the_alias_is_refused_over_a_concrete_index_of_the_same_name(client: Elasticsearch) -> None:
    name = f"webcare-alias-test-{uuid.uuid4().hex[:8]}"  # outside webcare-mentions-*: no template applies
    client.indices.create(index=name)
    try:
        with pytest.raises(AliasTaken, match="older single-index layout"):
            ensure_read_alias(client, name)
        assert client.indices.get(index=f"{name}*").keys() == {name}
    finally:
        client.indices.delete(index=name)


def test_without_the_ism_plugin_setup_says_retention_is_not_enforced(client: Elasticsearch) -> None:
    assert apply_lifecycle(client, "opensearch", "webcare-mentions-unused", 30).startswith(
        "warning: this OpenSearch has no Index State Management plugin"
    )


def test_text_has_dutch_english_and_folded_subfields(client: Elasticsearch, family: str) -> None:
    apply_template(client, family, "opensearch")
    index = f"{family}-2025.03"
    client.indices.create(index=index)
    text = "Storingen bij @KabelKat! #Wifi ligt eruit, café gesloten"

    def tokens(field: str) -> list[str]:
        analysed = client.indices.analyze(index=index, field=field, text=text)
        return [token["token"] for token in analysed["tokens"]]

    folded = ["storingen", "bij", "@kabelkat", "#wifi", "ligt", "eruit", "cafe", "gesloten"]
    assert tokens("text.folded") == folded
    assert "storing" in tokens("text.nl")
    assert "bij" not in tokens("text.nl")  # a Dutch stop word
    assert "ligt" in tokens("text.en")
