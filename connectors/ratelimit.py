"""Rate limiting (a token bucket) and exponential backoff with jitter, honouring the server's hints."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime


class TokenBucket:
    """At most ``rate`` acquisitions per second on average, bursts of up to ``burst``."""

    def __init__(self, rate: float, burst: float = 1.0, clock: Callable[[], float] = time.monotonic) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be > 0 and burst >= 1")
        self.rate = rate
        self.burst = burst
        self._clock = clock
        self._tokens = burst
        self._updated = clock()

    def delay(self, tokens: float = 1.0) -> float:
        """Take ``tokens`` and return how long to wait before using them (0 when available now)."""
        now = self._clock()
        self._tokens = min(self.burst, self._tokens + (now - self._updated) * self.rate)
        self._updated = now
        self._tokens -= tokens
        return 0.0 if self._tokens >= 0 else -self._tokens / self.rate

    def acquire(self, tokens: float = 1.0) -> None:
        """Block until ``tokens`` may be used."""
        wait = self.delay(tokens)
        if wait:
            time.sleep(wait)

    async def wait(self, tokens: float = 1.0) -> None:
        """Wait (asyncio) until ``tokens`` may be used."""
        wait = self.delay(tokens)
        if wait:
            await asyncio.sleep(wait)


class Backoff:
    """Exponential backoff with full jitter: attempt n waits uniform(0, min(cap, base * 2**n)) seconds.

    A server's own hint (``Retry-After``, a rate-limit reset) wins when it is given.
    """

    def __init__(self, base: float = 0.5, cap: float = 60.0, rng: random.Random | None = None) -> None:
        self.base = base
        self.cap = cap
        self.attempt = 0
        self._rng = rng or random.Random()

    def next_delay(self, hint: float | None = None) -> float:
        """The wait before the next try, and count the attempt."""
        ceiling = min(self.cap, self.base * 2**self.attempt)
        self.attempt += 1
        if hint is not None:
            return min(max(hint, 0.0), self.cap)
        return self._rng.uniform(0, ceiling)

    def reset(self) -> None:
        """Call after a success."""
        self.attempt = 0


def retry_after_seconds(headers: Mapping[str, str], now: datetime | None = None) -> float | None:
    """Seconds to wait according to ``Retry-After`` (seconds or an HTTP date), else Mastodon's
    ``X-RateLimit-Reset`` (an ISO 8601 time) when ``X-RateLimit-Remaining`` is 0; None without a hint."""
    now = now or datetime.now(UTC)
    value = headers.get("Retry-After")
    if value:
        value = value.strip()
        if value.isdigit():
            return float(value)
        try:
            return max(0.0, (parsedate_to_datetime(value) - now).total_seconds())
        except (TypeError, ValueError):
            return None
    return rate_limit_reset_seconds(headers, now)


def rate_limit_reset_seconds(headers: Mapping[str, str], now: datetime | None = None) -> float | None:
    """Seconds until Mastodon's rate limit resets, when the remaining budget is used up; else None."""
    remaining, reset = headers.get("X-RateLimit-Remaining"), headers.get("X-RateLimit-Reset")
    if remaining is None or reset is None:
        return None
    try:
        if int(remaining) > 0:
            return None
        until = datetime.fromisoformat(reset.replace("Z", "+00:00"))
    except ValueError:
        return None
    if until.tzinfo is None:
        until = until.replace(tzinfo=UTC)
    return max(0.0, (until - (now or datetime.now(UTC))).total_seconds())
