"""The load generator: realistic synthetic posts (``connectors.synthetic``) for demos and benchmarks."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import UTC, datetime

from connectors.settings import GenerateOptions
from connectors.synthetic import generate_posts
from schemas.posts import RawPost


class GenerateConnector:
    """``count`` synthetic posts (``count=0``: endless, a new seed per 10,000); the rate is the runner's."""

    name = "generate"

    def __init__(self, options: GenerateOptions) -> None:
        self.options = options

    def read(self) -> Iterator[RawPost]:
        options = self.options
        rounds = itertools.count() if options.count == 0 else range(1)
        for round_number in rounds:
            count = options.count or 10_000
            for post in generate_posts(
                count, options.seed + round_number, malformed_every=options.malformed_every
            ):
                yield post.model_copy(update={"created_at": datetime.now(UTC)}) if options.restamp else post
