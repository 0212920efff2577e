"""HTTP GET with rate limiting, timeouts and retries (backoff with jitter, Retry-After, X-RateLimit-*)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass

import aiohttp
from multidict import CIMultiDictProxy

from connectors.ratelimit import Backoff, TokenBucket, rate_limit_reset_seconds, retry_after_seconds

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})


class FetchError(RuntimeError):
    """A request failed for good (retries used up, or a status that retrying cannot fix)."""


@dataclass(frozen=True, slots=True)
class Response:
    """What a GET returned."""

    status: int
    headers: CIMultiDictProxy[str]
    body: bytes
    url: str


class HttpFetcher:
    """GETs through one session: a token bucket per fetcher, a total timeout per request, and retries."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        bucket: TokenBucket,
        timeout: float = 30.0,
        max_retries: int = 6,
        backoff_base: float = 0.5,
        backoff_cap: float = 60.0,
    ) -> None:
        self.session = session
        self.bucket = bucket
        self.timeout = aiohttp.ClientTimeout(total=timeout)
        self.max_retries = max_retries
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self._not_before = 0.0

    async def get(
        self, url: str, params: Mapping[str, str] | None = None, headers: Mapping[str, str] | None = None
    ) -> Response:
        """GET ``url``; return any final response (2xx, 3xx, 4xx other than 429); raise FetchError when
        retries are used up on timeouts, connection errors, 429 or 5xx."""
        backoff = Backoff(self.backoff_base, self.backoff_cap)
        while True:
            await self._respect_rate_limit()
            hint: float | None = None
            try:
                async with self.session.get(url, params=params, headers=headers, timeout=self.timeout) as got:
                    body = await got.read()
                    response = Response(got.status, got.headers, body, str(got.url))
            except (aiohttp.ClientError, TimeoutError) as error:
                problem = f"{type(error).__name__}: {error}".rstrip(": ")
            else:
                self._note_rate_limit(response.headers)
                if response.status not in RETRY_STATUSES:
                    return response
                problem = f"HTTP {response.status}"
                hint = retry_after_seconds(response.headers)
            if backoff.attempt >= self.max_retries:
                raise FetchError(f"GET {url} failed after {backoff.attempt + 1} tries: {problem}")
            delay = backoff.next_delay(hint)
            log.warning("GET %s: %s; retrying in %.1fs", url, problem, delay)
            await asyncio.sleep(delay)

    async def _respect_rate_limit(self) -> None:
        wait = self._not_before - time.monotonic()
        if wait > 0:
            log.info("rate limit used up; waiting %.1fs for the reset", wait)
            await asyncio.sleep(wait)
        await self.bucket.wait()

    def _note_rate_limit(self, headers: Mapping[str, str]) -> None:
        reset = rate_limit_reset_seconds(headers)
        if reset:
            self._not_before = time.monotonic() + reset
