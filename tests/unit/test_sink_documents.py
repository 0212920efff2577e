"""What the sink sends, built without a server: index routing, upserts, facts, template and policies."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from sinks.bulk import IndexRequest, brand_names, mention_update
from sinks.index_template import Install, install_decision, template_body, template_priority
from sinks.indices import NoCreatedAt, month_index
from sinks.lifecycle import ilm_policy, ism_policy
from sinks.updates import MentionFacts, facts_update


@pytest.mark.parametrize(
    ("created_at", "index"),
    [
        ("2026-11-30T23:59:59Z", "m-2026.11"),
        ("2026-11-30T23:30:00-01:00", "m-2026.12"),
        ("2027-01-01T00:30:00+01:00", "m-2026.12"),
        (datetime(2026, 2, 1, tzinfo=timezone(timedelta(hours=-5))), "m-2026.02"),
        ("2026-05-05T10:00:00", "m-2026.05"),  # naive means UTC
    ],
)
def test_a_mention_goes_to_the_index_of_its_utc_month(created_at: object, index: str) -> None:
    assert month_index("m", created_at) == index


@pytest.mark.parametrize("created_at", [None, "", "yesterday", 1700000000])
def test_without_a_readable_created_at_there_is_no_index(created_at: object) -> None:
    with pytest.raises(NoCreatedAt):
        month_index("m", created_at)


def test_a_mention_is_an_upsert_that_merges_and_adds_the_index_only_fields() -> None:
    document = {
        "id": "p1",
        "created_at": "2026-11-02T08:00:00Z",
        "brands": [{"brand": "B"}, {"brand": "A"}, {"brand": "B"}],
    }
    update = mention_update("m", IndexRequest("p1", document), "2026-11-02T08:00:01+00:00")
    assert (update.index, update.doc_id) == ("m-2026.11", "p1")
    expected = {**document, "brand_names": ["B", "A"], "indexed_at": "2026-11-02T08:00:01+00:00"}
    assert update.body["upsert"] == expected
    assert update.body["script"]["params"] == {"doc": expected}
    assert brand_names({"brands": None}) == []


def test_facts_are_a_scripted_upsert_with_normalised_times() -> None:
    answered = datetime(2026, 11, 2, 10, 30, tzinfo=timezone(timedelta(hours=2)))
    update = facts_update("m", MentionFacts("p1", "2026-11-02T08:00:00Z", {"likes": 4}, answered))
    assert (update.index, update.doc_id) == ("m-2026.11", "p1")
    assert update.body["scripted_upsert"] is True
    assert update.body["upsert"] == {}
    assert update.body["script"]["params"] == {
        "id": "p1",
        "created_at": "2026-11-02T08:00:00.000000Z",
        "engagement": {"likes": 4},
        "first_response_at": "2026-11-02T08:30:00.000000Z",
        "response_seconds": 1800,
    }


@pytest.mark.parametrize(
    ("engagement", "first_response_at", "created_at"),
    [
        ({"views": 3}, None, "2026-11-02T08:00:00Z"),
        ({"likes": -1}, None, "2026-11-02T08:00:00Z"),
        ({}, datetime(2026, 11, 2), "2026-11-02T08:00:00Z"),
        ({}, None, "soon"),
    ],
)
def test_facts_are_checked_when_made(engagement, first_response_at, created_at) -> None:
    with pytest.raises(ValueError):
        MentionFacts("p1", created_at, engagement, first_response_at)


def test_install_only_when_absent_or_older() -> None:
    assert install_decision(None, 2) is Install.created
    assert install_decision(1, 2) is Install.upgraded
    assert install_decision(2, 2) is Install.unchanged
    assert install_decision(3, 2) is Install.kept_newer


def test_the_template_belongs_to_its_family() -> None:
    body = template_body("webcare-mentions", "opensearch")
    assert body["index_patterns"] == ["webcare-mentions-*"]
    assert body["template"]["aliases"] == {"webcare-mentions": {}}
    assert "index.lifecycle.name" not in body["template"]["settings"]
    native = template_body("webcare-mentions", "elasticsearch")
    assert native["template"]["settings"]["index.lifecycle.name"] == "webcare-mentions"
    assert template_priority("webcare-mentions-test-x") > template_priority("webcare-mentions")


def test_the_policies_delete_a_month_after_the_retention() -> None:
    assert ilm_policy(365)["phases"]["delete"]["min_age"] == "396d"
    assert ilm_policy(365)["_meta"]["retention_days"] == 365
    ism = ism_policy("webcare-mentions", 365)
    assert ism["states"][0]["transitions"][0]["conditions"] == {"min_index_age": "396d"}
    assert ism["ism_template"][0]["index_patterns"] == ["webcare-mentions-*"]
    assert "lifecycle v1, retention 365 days" in ism["description"]
