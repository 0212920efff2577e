"""The webhook on the real stack: tokens, size limits, validation with clear 4xx, exact accounting.

Counting: valid posts sent -> documents indexed (by id); bad payloads (a non-JSON body, invalid posts in a
batch) -> one DLQ record each, besides the 400/422 answer; 401 and 413 requests publish nothing. A client
that resends a batch after a server restart adds no document (ids are the index's ``_id``).
"""

from __future__ import annotations

import asyncio
import json
import threading
import urllib.error
import urllib.request
from typing import Any

import pytest

from connectors.publisher import AsyncPublisher, Publisher
from connectors.synthetic import generate_posts
from connectors.webhook import create_app, serve
from tests.support import PipelineProbe, free_port

pytestmark = pytest.mark.stack

TOKEN = "s3cret-test-token"


class Webhook:
    """``webcare ingest webhook`` in a thread: the real app, publisher and server."""

    def __init__(self, pipeline: PipelineProbe, port: int, max_body_bytes: int = 64 * 1024) -> None:
        self.url = f"http://127.0.0.1:{port}"
        ready = threading.Event()

        def main() -> None:
            async def go() -> None:
                self.loop, self.stop = asyncio.get_running_loop(), asyncio.Event()
                settings = pipeline.settings
                with Publisher(settings.kafka.bootstrap_servers, settings.topics.raw) as publisher:
                    front = AsyncPublisher(publisher, max_in_flight=1000)
                    app = create_app(front, [TOKEN], max_body_bytes=max_body_bytes, max_batch=50)
                    server = asyncio.create_task(serve(app, "127.0.0.1", port, self.stop))
                    await asyncio.sleep(0.3)
                    ready.set()
                    await server
                    front.close()

            asyncio.run(go())

        self._thread = threading.Thread(target=main, daemon=True)
        self._thread.start()
        assert ready.wait(15)

    def post(self, body: bytes, token: str | None = TOKEN) -> tuple[int, dict[str, Any]]:
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        request = urllib.request.Request(f"{self.url}/v1/posts", data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            text = error.read()
            try:
                return error.code, json.loads(text)
            except ValueError:
                return error.code, {"error": text.decode(errors="replace")}

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.stop.set)
        self._thread.join(15)


def test_webhook_accepts_validates_and_accounts_exactly(pipeline: PipelineProbe) -> None:
    raw = pipeline.settings.topics.raw
    before = pipeline.topic_messages(raw)
    posts = [post.model_copy(update={"id": f"webhook:{post.id}"}) for post in generate_posts(12, seed=21)]
    documents = [json.loads(post.model_dump_json()) for post in posts]
    port = free_port()
    webhook = Webhook(pipeline, port)
    try:
        assert webhook.post(json.dumps(documents[0]).encode()) == (202, {"accepted": 1})
        assert webhook.post(json.dumps(documents[1:6]).encode()) == (202, {"accepted": 5})

        invalid = [{**documents[7], "text": ""}, {**documents[8], "author": {"id": "x", "followers": "many"}}]
        batch = [documents[6], invalid[0], documents[9], invalid[1]]
        status, answer = webhook.post(json.dumps(batch).encode())
        assert status == 422 and answer["accepted"] == 2
        assert [error["index"] for error in answer["errors"]] == [1, 3]
        assert "text" in answer["errors"][0]["reason"] and "author.followers" in answer["errors"][1]["reason"]

        not_json = b'{"id": "webhook:broken", "text": '
        status, answer = webhook.post(not_json)
        assert status == 400 and answer["error"].startswith("not valid JSON")

        assert webhook.post(json.dumps(documents[10]).encode(), token=None)[0] == 401
        assert webhook.post(json.dumps(documents[10]).encode(), token="wrong")[0] == 401
        assert webhook.post(b"[" + b" " * (70 * 1024) + b"]")[0] == 413
        assert webhook.post(json.dumps([documents[10]] * 51).encode())[0] == 413

        with urllib.request.urlopen(f"{webhook.url}/openapi.json", timeout=10) as response:
            spec = json.loads(response.read())
        assert spec["openapi"].startswith("3.1") and "/v1/posts" in spec["paths"]
    finally:
        webhook.close()

    restarted = Webhook(pipeline, port)  # the server restarts; a client resends its last batch and more
    try:
        assert restarted.post(json.dumps(documents[1:6]).encode()) == (202, {"accepted": 5})
        assert restarted.post(json.dumps(documents[10:12]).encode()) == (202, {"accepted": 2})
    finally:
        restarted.close()

    valid = {post.id for post in posts if post.id not in {documents[7]["id"], documents[8]["id"]}}
    bad = [json.dumps(document, ensure_ascii=False).encode() for document in invalid] + [not_json]
    assert pipeline.topic_messages(raw) - before == 1 + 5 + 4 + 1 + 5 + 2  # the resent batch twice on Kafka
    pipeline.wait_until_processed()
    indexed = [document["id"] for document in pipeline.documents() if document["id"].startswith("webhook:")]
    assert sorted(indexed) == sorted(valid)  # each post once in the index
    dead = [record for record in pipeline.dead_letters() if record.original() in bad]
    assert sorted(record.original() for record in dead) == sorted(bad)
    assert all(record.reason for record in dead)
