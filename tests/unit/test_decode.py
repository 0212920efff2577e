"""Bad input is refused with a reason a person can act on."""

from __future__ import annotations

import json

import pytest

from schemas.decode import InvalidPost, decode_raw_post

VALID = {
    "id": "twitter:1",
    "source": "twitter",
    "author": {"id": "u1", "handle": "sanne", "followers": 12},
    "text": "@telvio nog steeds geen internet",
    "created_at": "2026-11-20T10:00:00Z",
}


def _line(**changes: object) -> bytes:
    document = {**VALID, **changes}
    return json.dumps({key: value for key, value in document.items() if value is not None}).encode()


def test_valid_post_decodes() -> None:
    post = decode_raw_post(_line())
    assert post.id == "twitter:1"
    assert post.author.followers == 12
    assert post.schema_version == "1.0"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"\xff\xfe not utf-8", "not valid UTF-8"),
        (b'{"id": "x", ', "not valid JSON"),
        (b"[1, 2, 3]", "not a JSON object: got list"),
        (b'"just a string"', "not a JSON object: got str"),
        (_line(text=None), "text: Field required"),
        (_line(text=""), "text: String should have at least 1 character"),
        (
            _line(author={"id": "u1", "followers": "many"}),
            "author.followers: Input should be a valid integer",
        ),
        (_line(source="myspace"), "source: Input should be"),
        (_line(created_at="2026-11-20T10:00:00"), "created_at: Input should have timezone info"),
        (_line(colour="blue"), "colour: Extra inputs are not permitted"),
        (_line(id="has space"), "id: String should match pattern"),
        (b"[" * 100_000 + b"]" * 100_000, "not valid JSON: nested too deeply"),
    ],
)
def test_invalid_input_names_the_reason(data: bytes, reason: str) -> None:
    with pytest.raises(InvalidPost) as raised:
        decode_raw_post(data)
    assert reason in str(raised.value)


def test_overlong_text_is_refused() -> None:
    with pytest.raises(InvalidPost, match="text: String should have at most 20000 characters"):
        decode_raw_post(_line(text="x" * 20_001))


def test_an_empty_message_is_refused() -> None:
    for data in (None, b""):
        with pytest.raises(InvalidPost, match="empty message"):
            decode_raw_post(data)


def test_a_large_original_is_kept_in_part_so_the_dead_letter_fits_in_kafka() -> None:
    from schemas.dlq import MAX_KEPT_BYTES, DlqRecord, Stage

    original = b"x" * (3 * MAX_KEPT_BYTES)
    record = DlqRecord.for_message(Stage.enrich, "too big", original, "webcare.raw", partition=1, offset=7)
    assert record.original_truncated and record.original_size == len(original)
    assert record.original() == original[:MAX_KEPT_BYTES] and record.original_text is None
    assert len(record.model_dump_json()) < 512 * 1024
    small = DlqRecord.for_message(Stage.enrich, "bad", b"{oops", "webcare.raw")
    assert not small.original_truncated and small.original() == b"{oops" and small.original_text == "{oops"
