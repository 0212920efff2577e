"""Lost offsets: read by Faust, but neither acknowledged nor held by any agent; confirmed when seen twice."""

from __future__ import annotations

from pipeline.consumer_state import PartitionView
from pipeline.rewind import RewindWatch, lost_offsets


def test_offsets_from_the_commit_to_the_lowest_acknowledged_one_are_lost_when_no_agent_holds_them() -> None:
    # Seen in the takeover fault test: committed 11, everything from 13 on acknowledged, 11 and 12 gone.
    assert lost_offsets(PartitionView(committed=11, read=713, lowest_acked=13, held=())) == range(11, 13)


def test_an_offset_an_agent_still_holds_is_not_lost() -> None:
    assert not lost_offsets(PartitionView(committed=11, read=713, lowest_acked=13, held=(12, 500)))


def test_held_offsets_outside_the_gap_do_not_hide_it() -> None:
    view = PartitionView(committed=11, read=713, lowest_acked=13, held=(13, 700))
    assert lost_offsets(view) == range(11, 13)


def test_a_partition_acknowledged_from_its_committed_offset_on_has_nothing_lost() -> None:
    assert not lost_offsets(PartitionView(committed=11, read=713, lowest_acked=11, held=()))


def test_read_messages_that_nobody_acknowledged_or_holds_are_lost() -> None:
    assert lost_offsets(PartitionView(committed=11, read=20, lowest_acked=None, held=())) == range(11, 21)
    assert not lost_offsets(PartitionView(committed=11, read=20, lowest_acked=None, held=(15,)))


def test_a_partition_read_no_further_than_its_commit_or_never_read_has_nothing_lost() -> None:
    assert not lost_offsets(PartitionView(committed=21, read=20, lowest_acked=None, held=()))
    assert not lost_offsets(PartitionView(committed=None, read=20, lowest_acked=None, held=()))
    assert not lost_offsets(PartitionView(committed=11, read=None, lowest_acked=None, held=()))


def test_lost_offsets_are_confirmed_only_when_the_same_ones_are_seen_twice_in_a_row() -> None:
    watch: RewindWatch[str] = RewindWatch()
    assert watch.confirm({"mentions-1": range(11, 13), "mentions-2": range(4, 5)}) == {}
    confirmed = watch.confirm({"mentions-1": range(11, 13), "mentions-2": range(0)})
    assert confirmed == {"mentions-1": range(11, 13)}
    # once confirmed (and read again) the watch starts over for that partition
    assert watch.confirm({"mentions-1": range(11, 13)}) == {}
    assert watch.confirm({"mentions-2": range(4, 5)}) == {}


def test_a_gap_that_changes_between_checks_is_not_confirmed() -> None:
    watch: RewindWatch[str] = RewindWatch()
    watch.confirm({"raw-0": range(11, 13)})
    assert watch.confirm({"raw-0": range(11, 14)}) == {}
    assert watch.confirm({"raw-0": range(11, 14)}) == {"raw-0": range(11, 14)}
