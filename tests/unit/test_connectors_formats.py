"""Platform payloads to RawPost: Mastodon Statuses, Jetstream events, feed entries, webhook bodies."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import feedparser
import pytest

from connectors.base import Malformed
from connectors.bluesky import at_uri_to_id, commit_to_post
from connectors.feeds import entry_to_post
from connectors.mastodon import status_key, status_to_post
from connectors.text import html_to_text
from connectors.webhook import openapi_document, parse_body
from schemas.decode import InvalidPost
from schemas.posts import RawPost

STATUS = {
    "id": "113000000000000042",
    "created_at": "2025-03-10T09:15:00.000Z",
    "in_reply_to_id": "113000000000000001",
    "language": "nl",
    "url": "https://social.example/@anna/113000000000000042",
    "replies_count": 2,
    "reblogs_count": 5,
    "favourites_count": 7,
    "spoiler_text": "",
    "content": '<p>Storing bij <a href="https://x">@kabelkat</a> &amp; nu?</p><p>Al 2 uur!</p>',
    "reblog": None,
    "account": {"id": "1", "acct": "anna", "display_name": "Anna", "followers_count": 120},
    "media_attachments": [],
}


def test_mastodon_status_becomes_a_post() -> None:
    post = status_to_post(STATUS, "social.example")
    assert post.id == "mastodon:social.example:113000000000000042"
    assert post.text == "Storing bij @kabelkat & nu?\n\nAl 2 uur!"
    assert post.author.handle == "@anna@social.example" and post.author.followers == 120
    assert post.in_reply_to == "mastodon:social.example:113000000000000001"
    assert (post.engagement.reposts, post.engagement.replies, post.engagement.likes) == (5, 2, 7)
    assert post.lang_hint == "nl"


def test_mastodon_boost_carries_the_boosted_text() -> None:
    inner = {**STATUS, "id": "7", "account": {"id": "2", "acct": "bob@other.example"}}
    boost = {**STATUS, "id": "8", "content": "", "reblog": inner}
    post = status_to_post(boost, "social.example")
    assert post.repost_of == "mastodon:social.example:7" and post.text.startswith("Storing")


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"account": None}, "no account"),
        ({"content": "<p></p>"}, "no text"),
        ({"created_at": "gisteren"}, "created_at"),
    ],
)
def test_mastodon_unusable_statuses_say_why(change: dict, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        status_to_post({**STATUS, **change}, "social.example")


def test_mastodon_ids_sort_numerically() -> None:
    assert sorted(["100", "99", "1000"], key=status_key) == ["99", "100", "1000"]


def _commit(record: dict) -> dict:
    return {
        "did": "did:plc:abc",
        "time_us": 1725911162329308,
        "kind": "commit",
        "commit": {"rev": "x", "operation": "create", "collection": "app.bsky.feed.post", "rkey": "3l3q",
                   "record": record, "cid": "bafy"},
    }  # fmt: skip


def test_jetstream_commit_becomes_a_post() -> None:
    reply = {"parent": {"uri": "at://did:plc:xyz/app.bsky.feed.post/3aaa", "cid": "c"}, "root": {}}
    record = {"$type": "app.bsky.feed.post", "text": "Trein te laat", "createdAt": "2025-03-10T09:00:00.000Z",
              "langs": ["nl"], "reply": reply}  # fmt: skip
    post = commit_to_post(_commit(record))
    assert post.id == "bluesky:did:plc:abc:3l3q" and post.source == "bluesky"
    assert post.url == "https://bsky.app/profile/did:plc:abc/post/3l3q"
    assert post.in_reply_to == "bluesky:did:plc:xyz:3aaa" and post.lang_hint == "nl"
    assert at_uri_to_id("at://did:plc:x/app.bsky.feed.like/1") is None


def test_jetstream_record_without_text_is_refused() -> None:
    with pytest.raises(ValueError, match="text"):
        commit_to_post(_commit({"$type": "app.bsky.feed.post", "createdAt": "2025-03-10T09:00:00Z"}))


ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Spoorpraat</title><link href="https://spoor.example/"/>
<id>urn:feed</id><updated>2025-03-10T10:00:00Z</updated>
<entry><title>Seinstoring &amp; vertraging</title><id>urn:uuid:1</id><link href="https://spoor.example/1"/>
<updated>2025-03-10T09:00:00Z</updated><author><name>Kees</name></author>
<content type="html">&lt;p&gt;Weer een &lt;b&gt;seinstoring&lt;/b&gt;&lt;/p&gt;</content></entry></feed>"""


def test_atom_entry_becomes_a_post() -> None:
    parsed = feedparser.parse(ATOM)
    post = entry_to_post(parsed.entries[0], parsed.feed, "blog", datetime.now(UTC))
    assert post.id.startswith("blog:") and post.source == "blog"
    assert post.title == "Seinstoring & vertraging" and post.text == "Weer een seinstoring"
    assert post.created_at == datetime(2025, 3, 10, 9, 0, tzinfo=UTC) and post.author.name == "Kees"
    again = entry_to_post(feedparser.parse(ATOM).entries[0], parsed.feed, "blog", datetime.now(UTC))
    assert again.id == post.id  # stable across fetches


def test_html_to_text_handles_breaks_and_entities() -> None:
    assert html_to_text("a<br>b &amp; &lt;c&gt;<script>x</script>") == "a\nb & <c>"


def test_webhook_body_single_batch_and_errors() -> None:
    post = RawPost.model_validate(
        {
            "id": "webhook:1",
            "source": "webhook",
            "author": {"id": "a"},
            "text": "hoi",
            "created_at": "2025-03-10T09:00:00Z",
        }
    )
    single = post.model_dump_json().encode()
    items, errors = parse_body(single, "test")
    assert items == [post] and errors == []
    batch = json.dumps([json.loads(single), {"id": "webhook:2"}]).encode()
    items, errors = parse_body(batch, "test")
    assert isinstance(items[1], Malformed) and errors[0]["index"] == 1 and "text" in errors[0]["reason"]
    with pytest.raises(InvalidPost, match="not valid JSON"):
        parse_body(b"{nope", "test")
    with pytest.raises(InvalidPost, match="got int"):
        parse_body(b"42", "test")


def test_openapi_document_describes_the_endpoint() -> None:
    document = openapi_document(max_batch=50)
    operation = document["paths"]["/v1/posts"]["post"]
    assert {"202", "400", "401", "413", "422", "429"} <= set(operation["responses"])
    assert "RawPost" in document["components"]["schemas"] and "Author" in document["components"]["schemas"]
