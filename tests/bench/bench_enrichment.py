"""Enrichment throughput in one process: ``python -m tests.bench.bench_enrichment``.

Runs the project's enrichment (language, sentiment, brand matching, building the EnrichedMention and its
JSON, in batches as the worker does) and, in the same run, the straightforward stack it replaces:
py3langid, VADER and a blank spaCy PhraseMatcher over the brand terms, one post at a time. Each runs in
its own child process, so the peak memory (RSS) of each is measured on its own, and with the worker's
garbage-collector settings (``pipeline.gc_tuning``), set once each has loaded. The two alternate for
``--rounds`` rounds and the best round of each counts, which keeps a busy machine from favouring either.
Writes JSON to .bench/.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import resource
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from connectors.synthetic import generate_posts, sample_brands
from pipeline.gc_tuning import tune_garbage_collector
from schemas.posts import RawPost

RESULTS_DIR = Path(".bench")
BATCH = 500


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _ours(posts: list[RawPost]) -> Callable[[], int]:
    from enrichers.enrichment import Enrichment

    enrichment = Enrichment(sample_brands().brands)

    def run() -> int:
        produced = 0
        for start in range(0, len(posts), BATCH):
            for mention in enrichment.enrich(posts[start : start + BATCH]):
                produced += len(mention.model_dump_json())
        return produced

    return run


def _baseline(posts: list[RawPost]) -> Callable[[], int]:
    import py3langid
    import spacy
    from spacy.matcher import PhraseMatcher
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    vader = SentimentIntensityAnalyzer()
    nlp = spacy.blank("nl")
    matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    for brand in sample_brands().brands:
        terms = [term.strip("*") for term in (*brand.inside_out, *brand.outside_in)]
        matcher.add(brand.name, [nlp.make_doc(term) for term in terms])

    def run() -> int:
        produced = 0
        for post in posts:
            language, _ = py3langid.classify(post.text)
            scores = vader.polarity_scores(post.text)
            matches = matcher(nlp(post.text))
            produced += len(language) + len(matches) + int(scores["compound"] > 0)
        return produced

    return run


def _measure(name: str, count: int, queue: multiprocessing.Queue) -> None:
    posts = list(generate_posts(count, seed=30_000))
    started = time.perf_counter()
    run = {"ours": _ours, "baseline": _baseline}[name](posts)
    load_seconds = time.perf_counter() - started
    tune_garbage_collector()  # as in the worker, for both sides
    started = time.perf_counter()
    run()
    seconds = time.perf_counter() - started
    queue.put(
        {
            "name": name,
            "posts": count,
            "load_seconds": round(load_seconds, 2),
            "seconds": round(seconds, 3),
            "posts_per_second": round(count / seconds),
            "peak_rss_mb": round(_peak_rss_mb()),
        }
    )


def measure(name: str, count: int) -> dict:
    """Run one variant in a child process and return its numbers."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    child = context.Process(target=_measure, args=(name, count, queue))
    child.start()
    result = queue.get()
    child.join()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--posts", type=int, default=30_000)
    parser.add_argument("--rounds", type=int, default=3)
    arguments = parser.parse_args()
    runs: dict[str, list[dict]] = {"ours": [], "baseline": []}
    for _ in range(arguments.rounds):
        for name, results in runs.items():
            results.append(measure(name, arguments.posts))
    ours, baseline = (max(results, key=lambda run: run["posts_per_second"]) for results in runs.values())
    speedup = ours["posts_per_second"] / baseline["posts_per_second"]
    print(f"\n{'enrichment (one process)':<34}{'posts/s':>10}{'seconds':>10}{'peak RSS MB':>13}")
    for label, result in (
        ("webcare Enrichment (batched)", ours),
        ("py3langid+VADER+PhraseMatcher", baseline),
    ):
        print(
            f"{label:<34}{result['posts_per_second']:>10}{result['seconds']:>10}{result['peak_rss_mb']:>13}"
        )
    print(f"{'speed-up':<34}{speedup:>10.2f}")
    RESULTS_DIR.mkdir(exist_ok=True)
    out = RESULTS_DIR / f"enrichment-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
    out.write_text(json.dumps({"ours": ours, "baseline": baseline, "speedup": round(speedup, 2)}, indent=2))
    print(f"\nwritten: {out}")


if __name__ == "__main__":
    main()
