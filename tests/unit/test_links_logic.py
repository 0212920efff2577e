"""The link logic without Kafka: which events a mention sends, near-duplicate groups, and post states."""

from __future__ import annotations

import itertools
import random
from datetime import UTC, datetime, timedelta

from pipeline.links.events import Attach, CopySeen, PointTo, PostSeen, ReplySeen, link_events
from pipeline.links.groups import Member, place
from pipeline.links.posts import MAX_HOPS, PostLinks, step
from schemas.mentions import EnrichedMention
from sinks.updates import MentionFacts, utc_text

HOUR = timedelta(hours=1)
T0 = datetime(2025, 3, 10, 9, 0, tzinfo=UTC)


def at(minutes: float) -> str:
    return utc_text(T0 + timedelta(minutes=minutes))


def mention(
    post_id: str, text: str = "Storing bij Kabelkat, al twee uur geen internet", **fields: object
) -> EnrichedMention:
    author = fields.pop("author", {"id": "u1", "handle": "sanne"})
    return EnrichedMention.model_validate(
        {
            "id": post_id,
            "source": "twitter",
            "author": author,
            "text": text,
            "created_at": T0.isoformat(),
            "language": "nl",
            "language_confidence": 0.9,
            "enriched_at": T0.isoformat(),
            **fields,
        }
    )


def test_a_customer_post_is_announced_and_fingerprinted() -> None:
    by_post, by_text = link_events(mention("p1"), {"kabelkat"}, 5)
    assert by_post == [("p1", PostSeen(id="p1", created_at=at(0), brand=False))]
    [(key, copy)] = by_text
    assert copy == CopySeen(id="p1", created_at=at(0)) and len(key) == 24


def test_a_brand_reply_goes_to_the_answered_post_and_is_never_fingerprinted() -> None:
    reply = mention("r1", author={"id": "b", "handle": "@KabelKat"}, in_reply_to="p1")
    by_post, by_text = link_events(reply, {"kabelkat"}, 5)
    assert by_post == [
        ("r1", PostSeen(id="r1", created_at=at(0), brand=True)),
        ("p1", ReplySeen(id="r1", created_at=at(0))),
    ]
    assert by_text == []
    flagged = mention("r2", author={"id": "b", "is_brand_account": True}, in_reply_to="p1")
    assert link_events(flagged, set(), 5)[0][1] == ("p1", ReplySeen(id="r2", created_at=at(0)))


def test_a_customer_reply_is_not_a_response_and_a_repost_is_not_fingerprinted() -> None:
    by_post, _ = link_events(mention("c1", in_reply_to="p1"), {"kabelkat"}, 5)
    assert [key for key, _ in by_post] == ["c1"]
    by_post, by_text = link_events(mention("rt1", repost_of="p1"), set(), 5)
    assert by_post == [("rt1", PostSeen(id="rt1", created_at=at(0), brand=False, repost_of="p1"))]
    assert by_text == []


def test_groups_first_post_is_canonical_and_horizon_splits() -> None:
    groups, links = place([], (at(0), "a"), HOUR)
    assert (groups, links) == ([(at(0), "a")], [])
    groups, links = place(groups, (at(30), "b"), HOUR)
    assert links == [((at(30), "b"), (at(0), "a"))]
    groups, links = place(groups, (at(120), "c"), HOUR)
    assert (groups, links) == ([(at(0), "a"), (at(120), "c")], [])
    assert place(groups, (at(30), "b"), HOUR) == (groups, [((at(30), "b"), (at(0), "a"))])  # replay
    assert place(groups, (at(0), "a"), HOUR) == (groups, [])


def test_groups_a_late_earlier_copy_takes_over() -> None:
    groups, _ = place([], (at(20), "b"), HOUR)
    groups, links = place(groups, (at(0), "a"), HOUR)
    assert groups == [(at(0), "a")]
    assert links == [((at(20), "b"), (at(0), "a"))]


def test_groups_outcome_does_not_depend_on_arrival_order() -> None:
    posts: list[Member] = [(at(minutes), f"p{minutes}") for minutes in (0, 5, 30, 50, 200, 210)]
    outcomes = set()
    for order in itertools.permutations(posts):
        groups: list[Member] = []
        pointer: dict[str, str] = {}
        for post in order:
            groups, links = place(groups, post, HOUR)
            for copy, canonical in links:
                pointer.setdefault(copy[1], canonical[1])  # a post's pointer is set once
        outcomes.add((tuple(groups), tuple(sorted((post, root(pointer, post)) for post in pointer))))
    [(groups, roots)] = outcomes
    assert groups == ((at(0), "p0"), (at(200), "p200"))
    assert dict(roots) == {"p5": "p0", "p30": "p0", "p50": "p0", "p210": "p200"}


def root(pointer: dict[str, str], post: str) -> str:
    while post in pointer:
        post = pointer[post]
    return post


def run(events: list[tuple[str, object]]) -> tuple[dict[str, PostLinks], list[MentionFacts]]:
    """Deliver the events, and every attach they cause, in order; return states and all facts."""
    states: dict[str, PostLinks] = {}
    facts: list[MentionFacts] = []
    queue = list(events)
    while queue:
        key, event = queue.pop(0)
        result = step(key, states.get(key), event)  # type: ignore[arg-type]
        states[key] = result.state
        queue += result.sends
        facts += result.facts
    return states, facts


def final(facts: list[MentionFacts]) -> dict[str, dict[str, object]]:
    """The documents' fact fields as the update script leaves them."""
    docs: dict[str, dict[str, object]] = {}
    for fact in facts:
        params = fact.params()
        doc = docs.setdefault(fact.doc_id, {})
        if "duplicate_of" in params:
            given = (params["duplicate_of_created_at"], params["duplicate_of"])
            if "duplicate_of" not in doc or doc["canonical_key"] > given:  # type: ignore[operator]
                doc.update(duplicate_of=params["duplicate_of"], canonical_key=given)
        if "repost_count" in params:
            doc["repost_count"] = max(doc.get("repost_count", 0), params["repost_count"])  # type: ignore[call-overload]
        first = params["first_response_at"]
        if first and (not doc.get("first_response_at") or doc["first_response_at"] > first):  # type: ignore[operator]
            doc.update(
                first_response_at=params["first_response_at"], response_seconds=params["response_seconds"]
            )
    for doc in docs.values():
        doc.pop("canonical_key", None)
        if "duplicate_of" in doc:
            doc.pop("repost_count", None)
    return {key: doc for key, doc in docs.items() if doc}


SCENARIO: list[tuple[str, object]] = [
    ("a", PostSeen(id="a", created_at=at(0), brand=False)),
    ("b", PostSeen(id="b", created_at=at(10), brand=False)),
    ("b", PointTo(id="b", created_at=at(10), to="a")),  # near-duplicate of a
    ("r1", PostSeen(id="r1", created_at=at(15), brand=False, repost_of="b")),  # repost of a duplicate
    ("r2", PostSeen(id="r2", created_at=at(16), brand=False, repost_of="r1")),  # repost of a repost
    ("r3", PostSeen(id="r3", created_at=at(17), brand=False, repost_of="a")),
    ("x1", PostSeen(id="x1", created_at=at(18), brand=False, repost_of="unknown")),
    ("a", ReplySeen(id="reply-2", created_at=at(45))),
    ("a", ReplySeen(id="reply-1", created_at=at(30))),
    ("b", ReplySeen(id="reply-3", created_at=at(40))),
    ("n", ReplySeen(id="reply-4", created_at=at(40))),  # answers a post never seen
    ("brand", PostSeen(id="brand", created_at=at(1), brand=True)),
    ("brand", ReplySeen(id="reply-5", created_at=at(2))),  # the brand answering itself
]
EXPECTED = {
    "b": {"duplicate_of": "a", "first_response_at": at(40), "response_seconds": 30 * 60},
    "r1": {"duplicate_of": "a"},
    "r2": {"duplicate_of": "a"},
    "r3": {"duplicate_of": "a"},
    "a": {"repost_count": 4, "first_response_at": at(30), "response_seconds": 30 * 60},
}


def test_posts_chains_collapse_on_the_root_and_responses_are_timed() -> None:
    states, facts = run(SCENARIO)
    assert final(facts) == EXPECTED
    assert states["unknown"].members == {"x1": at(18)}  # held until that post is seen
    assert states["n"].first_reply_at == at(40)


def test_posts_outcome_does_not_depend_on_order_or_repeats() -> None:
    rng = random.Random(7)
    for _ in range(200):
        events = SCENARIO + rng.sample(SCENARIO, 4)
        rng.shuffle(events)
        assert final(run(events)[1]) == EXPECTED


def test_posts_a_demoted_canonical_hands_its_reposts_on() -> None:
    events: list[tuple[str, object]] = [
        ("b", PostSeen(id="b", created_at=at(10), brand=False)),
        ("r", PostSeen(id="r", created_at=at(12), brand=False, repost_of="b")),
        ("a", PostSeen(id="a", created_at=at(0), brand=False)),
        ("b", PointTo(id="b", created_at=at(10), to="a")),
    ]
    assert final(run(events)[1]) == {
        "r": {"duplicate_of": "a"},
        "b": {"duplicate_of": "a"},
        "a": {"repost_count": 2},
    }


def test_posts_a_repost_cycle_stops() -> None:
    events: list[tuple[str, object]] = [
        ("x", PostSeen(id="x", created_at=at(0), brand=False, repost_of="y")),
        ("y", PostSeen(id="y", created_at=at(1), brand=False, repost_of="x")),
    ]
    states, facts = run(events)
    assert facts == []
    assert step("x", states["x"], Attach(members={"z": at(2)}, hops=MAX_HOPS)).sends == []
