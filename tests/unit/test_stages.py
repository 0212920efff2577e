"""One batch through the enrich and index stages: every message comes out as a mention or a dead letter."""

from __future__ import annotations

import base64
import json

import pytest

from enrichers.enrichment import Enrichment
from pipeline.stages import Message, enrich_batch, index_requests
from schemas.config import BrandConfig
from schemas.mentions import EnrichedMention


def _post(number: int, text: str) -> bytes:
    return json.dumps(
        {
            "id": f"forum:{number}",
            "source": "forum",
            "author": {"id": f"user{number}"},
            "text": text,
            "created_at": "2026-11-20T08:30:00+01:00",
        }
    ).encode()


def _message(offset: int, value: bytes) -> Message:
    return Message("webcare.raw", 0, offset, None, value, timestamp=1_763_600_000.0)


@pytest.fixture(scope="module")
def enrichment() -> Enrichment:
    return Enrichment([BrandConfig(name="Telvio", inside_out=["Telvio"], outside_in=["geen bereik"])])


def test_every_message_is_a_mention_or_a_dead_letter(enrichment: Enrichment) -> None:
    values = [
        _post(1, "Telvio heeft weer een storing, al uren geen internet"),
        b"{broken",
        _post(2, "Who has the best family plan? Asking for my parents"),
        b"\xff\xfe",
        _post(3, "Sinds gisteren geen bereik in de hele wijk"),
    ]
    result = enrich_batch(enrichment, [_message(offset, value) for offset, value in enumerate(values)])

    assert [key for key, _ in result.mentions] == [b"forum:1", b"forum:2", b"forum:3"]
    assert [(record.offset, record.reason.split(":")[0]) for record in result.dead] == [
        (1, "not valid JSON"),
        (3, "not valid UTF-8"),
    ]
    assert base64.b64decode(result.dead[1].original_base64) == b"\xff\xfe"
    assert result.dead[1].original_text is None
    assert result.dead[0].original_text == "{broken"


def test_mentions_carry_the_enrichment(enrichment: Enrichment) -> None:
    result = enrich_batch(
        enrichment, [_message(0, _post(1, "Telvio heeft weer een storing, al uren geen bereik"))]
    )
    mention = EnrichedMention.model_validate_json(result.mentions[0][1])
    assert mention.language == "nl"
    assert [(match.brand, match.keyword_set.value) for match in mention.brands] == [
        ("Telvio", "inside_out"),
        ("Telvio", "outside_in"),
    ]
    assert mention.received_at is not None and mention.received_at.timestamp() == 1_763_600_000.0
    assert mention.created_at.utcoffset() is not None


def test_unreadable_mentions_are_dead_letters() -> None:
    batch = index_requests(
        [
            _message(0, b'{"id": "forum:1", "text": "x"}'),
            _message(1, b"[]"),
            _message(2, b'{"no_id": true}'),
        ]
    )
    assert [request.doc_id for request in batch.requests] == ["forum:1"]
    assert [record.offset for record in batch.dead] == [1, 2]
    assert all(record.stage == "index" for record in batch.dead)


class _FailsOnWord(Enrichment):
    """An enrichment that breaks on one word, as a bug in an enricher would."""

    def enrich(self, posts, received_at=None):
        if any("kapot" in post.text for post in posts):
            raise RuntimeError("enricher bug")
        return super().enrich(posts, received_at)


def test_a_post_that_breaks_an_enricher_becomes_a_dead_letter() -> None:
    enrichment = _FailsOnWord([])
    values = [_post(1, "alles goed"), _post(2, "modem kapot"), b"{", _post(3, "all fine")]
    result = enrich_batch(enrichment, [_message(offset, value) for offset, value in enumerate(values)])
    assert [key for key, _ in result.mentions] == [b"forum:1", b"forum:3"]
    assert [(record.offset, record.reason) for record in result.dead] == [
        (1, "enrichment failed: RuntimeError('enricher bug')"),
        (2, "not valid JSON: Expecting property name enclosed in double quotes at line 1 column 2"),
    ]


def test_the_reason_a_connector_reported_is_kept() -> None:
    message = Message(
        "webcare.raw", 0, 9, None, b"a;b;c", reported_reason="csv line 4: 2 columns, expected 5"
    )
    [dead] = enrich_batch(Enrichment([]), [message]).dead
    assert dead.reason == "csv line 4: 2 columns, expected 5"


def test_enriched_mentions_are_valid_models() -> None:
    """The enrichment builds mentions without validating again; they must still be valid."""
    from connectors.synthetic import generate_posts, sample_brands

    enrichment = Enrichment(sample_brands().brands)
    for mention in enrichment.enrich(list(generate_posts(300, seed=4))):
        assert EnrichedMention.model_validate_json(mention.model_dump_json()) == mention
