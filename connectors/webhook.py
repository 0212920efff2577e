"""HTTP webhook ingest: an aiohttp server that accepts RawPosts as JSON, one or a batch per request.

``POST /v1/posts`` with ``Authorization: Bearer <token>`` and a body that is one RawPost object or a JSON
array of them. Answers:

- ``202 {"accepted": n}``: every post was acknowledged by Kafka (only then).
- ``400`` the body is not JSON (or not an object/array); ``422`` some posts are not valid RawPosts (the
  answer lists ``errors`` with each item's ``index`` and ``reason``; the valid ones *were* accepted and
  are counted in ``accepted``). In both cases the bad bytes are also published as Malformed, so they are
  dead-lettered with their reason like any other bad input.
- ``401`` no or a wrong token; ``413`` body over ``max_body_bytes`` or more than ``max_batch`` posts.
  These are not published (unauthenticated or oversized input does not enter the pipeline).
- ``429`` with ``Retry-After`` when Kafka is slow (too many posts waiting for acknowledgement); nothing of
  that request was published, so the client resends it.
- ``503`` Kafka refused the posts; resend.

``GET /openapi.json`` is the OpenAPI 3.1 description; ``GET /healthz`` answers 200.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from collections.abc import Sequence
from typing import Any

from aiohttp import web

from connectors.base import Item, Malformed
from connectors.publisher import AsyncPublisher, Backpressure, PublishError
from schemas.decode import InvalidPost, decode_raw_post
from schemas.posts import RawPost

log = logging.getLogger(__name__)

PUBLISHER = web.AppKey("publisher", AsyncPublisher)
TOKENS = web.AppKey("tokens", tuple)
MAX_BATCH = web.AppKey("max_batch", int)
RETRY_AFTER = web.AppKey("retry_after", int)
STATS = web.AppKey("stats", dict)


def _problem(status: int, message: str, **extra: Any) -> web.Response:
    return web.json_response({"error": message, **extra}, status=status)


def _authorized(request: web.Request, tokens: Sequence[str]) -> bool:
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not given:
        return False
    return any(hmac.compare_digest(given.strip().encode(), token.encode()) for token in tokens)


def parse_body(body: bytes, location: str) -> tuple[list[Item], list[dict[str, Any]]]:
    """The posts of a request body, Malformed for the bad ones, and the errors to answer with.

    Raises InvalidPost when the body as a whole is not JSON, or neither an object nor an array.
    """
    try:
        document = json.loads(body)
    except ValueError:
        decode_raw_post(body)  # raises InvalidPost with the precise reason (UTF-8, JSON syntax)
        raise InvalidPost("not valid JSON") from None
    if isinstance(document, dict):
        documents: list[Any] = [document]
    elif isinstance(document, list):
        documents = document
    else:
        raise InvalidPost(f"expected a RawPost object or an array of them, got {type(document).__name__}")
    items: list[Item] = []
    errors: list[dict[str, Any]] = []
    for index, element in enumerate(documents):
        data = body if isinstance(document, dict) else json.dumps(element, ensure_ascii=False).encode()
        try:
            items.append(decode_raw_post(data))
        except InvalidPost as error:
            items.append(Malformed(data, str(error), f"{location}[{index}]"))
            errors.append({"index": index, "reason": str(error)})
    return items, errors


async def post_posts(request: web.Request) -> web.Response:
    app = request.app
    if not _authorized(request, app[TOKENS]):
        return _problem(401, "missing or wrong bearer token", hint="send 'Authorization: Bearer <token>'")
    body = await request.read()  # over client_max_size: aiohttp answers 413 itself
    location = f"webhook {request.remote}"
    stats = app[STATS]
    try:
        items, errors = parse_body(body, location)
    except InvalidPost as error:
        items, errors = [Malformed(body, str(error), location)], []
        status, answer = 400, {"error": str(error), "accepted": 0}
    else:
        if len(items) > app[MAX_BATCH]:
            return _problem(413, f"batch of {len(items)} posts; at most {app[MAX_BATCH]} per request")
        accepted = sum(1 for item in items if isinstance(item, RawPost))
        status = 422 if errors else 202
        answer = {
            "accepted": accepted,
            **({"error": "some posts are not valid", "errors": errors} if errors else {}),
        }
    try:
        await app[PUBLISHER].publish(items)
    except Backpressure as error:
        stats["throttled"] += 1
        retry = app[RETRY_AFTER]
        return web.json_response({"error": f"busy: {error}"}, status=429, headers={"Retry-After": str(retry)})
    except PublishError as error:
        log.error("webhook: %s", error)
        return _problem(503, "Kafka did not accept the posts; send them again", detail=str(error))
    stats["posts"] += sum(1 for item in items if isinstance(item, RawPost))
    stats["malformed"] += sum(1 for item in items if isinstance(item, Malformed))
    for item in items:
        if isinstance(item, Malformed):
            log.warning("malformed: %s: %s", item.location, item.reason)
    return web.json_response(answer, status=status)


async def get_openapi(request: web.Request) -> web.Response:
    return web.json_response(openapi_document(request.app[MAX_BATCH]))


async def get_health(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok", **request.app[STATS]})


def create_app(
    publisher: AsyncPublisher, tokens: Sequence[str], max_body_bytes: int = 1_048_576, max_batch: int = 1000,
    retry_after: int = 1,
) -> web.Application:  # fmt: skip
    """The webhook application; ``tokens`` are the accepted bearer tokens (at least one)."""
    if not tokens:
        raise ValueError("the webhook needs at least one token")
    app = web.Application(client_max_size=max_body_bytes)
    app[PUBLISHER] = publisher
    app[TOKENS] = tuple(tokens)
    app[MAX_BATCH] = max_batch
    app[RETRY_AFTER] = retry_after
    app[STATS] = {"posts": 0, "malformed": 0, "throttled": 0}
    app.router.add_post("/v1/posts", post_posts)
    app.router.add_get("/openapi.json", get_openapi)
    app.router.add_get("/healthz", get_health)
    return app


def openapi_document(max_batch: int) -> dict[str, Any]:
    """The OpenAPI 3.1 description of the webhook, with the RawPost schema from the model."""
    schema = RawPost.model_json_schema(ref_template="#/components/schemas/{model}")
    components = {**schema.pop("$defs", {}), "RawPost": schema}
    error = {"type": "object", "properties": {"error": {"type": "string"}}, "required": ["error"]}
    item_error = {
        "type": "object",
        "properties": {"index": {"type": "integer"}, "reason": {"type": "string"}},
    }
    components["Error"] = error
    components["Accepted"] = {
        "type": "object",
        "properties": {
            "accepted": {"type": "integer"},
            "error": {"type": "string"},
            "errors": {"type": "array", "items": item_error},
        },
        "required": ["accepted"],
    }

    def answer(description: str, name: str = "Error") -> dict[str, Any]:
        ref = {"$ref": f"#/components/schemas/{name}"}
        return {"description": description, "content": {"application/json": {"schema": ref}}}

    post_ref = {"$ref": "#/components/schemas/RawPost"}
    return {
        "openapi": "3.1.0",
        "info": {"title": "webcare webhook ingest", "version": "1.0.0"},
        "components": {
            "schemas": components,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"bearer": []}],
        "paths": {
            "/v1/posts": {
                "post": {
                    "summary": "Publish one post or a batch of posts to the raw topic",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "oneOf": [
                                        post_ref,
                                        {"type": "array", "items": post_ref, "maxItems": max_batch},
                                    ]
                                }
                            }
                        },
                    },
                    "responses": {
                        "202": answer("All posts were acknowledged by Kafka", "Accepted"),
                        "400": answer("The body is not JSON, or not an object or array (dead-lettered)"),
                        "401": answer("Missing or wrong bearer token"),
                        "413": answer("Body or batch too large"),
                        "422": answer(
                            "Some posts are invalid (dead-lettered); the valid ones were accepted", "Accepted"
                        ),
                        "429": answer("Kafka is slow: resend after Retry-After seconds"),
                        "503": answer("Kafka refused the posts: resend"),
                    },
                }
            },
            "/openapi.json": {
                "get": {
                    "summary": "This document",
                    "security": [],
                    "responses": {"200": {"description": "OpenAPI"}},
                }
            },
            "/healthz": {
                "get": {
                    "summary": "Liveness and counters",
                    "security": [],
                    "responses": {"200": {"description": "ok"}},
                }
            },
        },
    }


async def serve(app: web.Application, host: str, port: int, stop: asyncio.Event) -> None:
    """Serve ``app`` on host:port until ``stop`` is set, then finish the requests in progress."""
    runner = web.AppRunner(app, handle_signals=False)
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port)
        await site.start()
        log.info("webhook listening on http://%s:%d (OpenAPI at /openapi.json)", host, port)
        await stop.wait()
    finally:
        await runner.cleanup()
