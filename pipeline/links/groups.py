"""Near-duplicate groups of one fingerprint: the first post (by ``created_at``, then id) is canonical.

A fingerprint keeps a short list of canonicals, each more than the horizon apart. A new copy joins the
canonical posted at most one horizon before it. A copy posted *earlier* than canonicals within one horizon
after it (it arrived late) becomes the canonical, and those canonicals point at it. So the outcome does not
depend on the order copies arrive in, except for copies that are near the horizon of more than one group.
"""

from __future__ import annotations

from datetime import datetime, timedelta

Member = tuple[str, str]
"""(created_at as UTC text, post id): sorts by time, then id."""

KEEP_GROUPS = 16
"""Canonicals kept per fingerprint; the oldest are forgotten first."""


def _gap(earlier: Member, later: Member) -> timedelta:
    return datetime.fromisoformat(later[0]) - datetime.fromisoformat(earlier[0])


def place(
    canonicals: list[Member], post: Member, horizon: timedelta
) -> tuple[list[Member], list[tuple[Member, Member]]]:
    """Add ``post`` to the groups; return the new canonicals and the (copy, canonical) links decided."""
    ordered = sorted(canonicals)
    if post in ordered:
        return ordered, []
    for canonical in ordered:
        if canonical < post and _gap(canonical, post) <= horizon:
            return ordered, [(post, canonical)]
    demoted = [canonical for canonical in ordered if post < canonical and _gap(post, canonical) <= horizon]
    kept = sorted([canonical for canonical in ordered if canonical not in demoted] + [post])
    return kept[-KEEP_GROUPS:], [(canonical, post) for canonical in demoted]
