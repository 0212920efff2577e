"""Lost offsets: handed to Faust, neither acknowledged nor held by any agent; confirmed when seen twice."""

from __future__ import annotations

import faust
from faust.types import TP

from pipeline.app import create_context
from pipeline.consumer_state import PartitionView
from pipeline.rewind import RewindWatch, lost_offsets
from pipeline.settings import load_settings
from tests.support import SAMPLE_CONFIG


def view(committed: int | None, position: int | None, acked: int | None, held: int | None) -> PartitionView:
    return PartitionView(committed=committed, position=position, lowest_acked=acked, lowest_held=held)


def test_offsets_from_the_commit_to_the_lowest_acknowledged_one_are_lost_when_no_agent_holds_them() -> None:
    # Seen in the takeover fault test: committed 11, everything from 13 on acknowledged, 11 and 12 gone.
    assert lost_offsets(view(committed=11, position=714, acked=13, held=None)) == range(11, 13)


def test_fetched_messages_that_no_agent_ever_got_are_lost() -> None:
    # Also seen there: every message of the partition fetched, none delivered to an agent.
    assert lost_offsets(view(committed=0, position=525, acked=None, held=None)) == range(0, 525)


def test_a_held_offset_ends_the_lost_ones() -> None:
    assert not lost_offsets(view(committed=11, position=714, acked=13, held=11))
    assert lost_offsets(view(committed=11, position=714, acked=40, held=12)) == range(11, 12)


def test_nothing_is_lost_while_the_work_runs_from_the_committed_offset_on() -> None:
    assert not lost_offsets(
        view(committed=100, position=400, acked=100, held=151)
    )  # acknowledged, not committed
    assert not lost_offsets(view(committed=151, position=400, acked=None, held=151))  # waiting in a buffer


def test_a_partition_fetched_up_to_its_committed_offset_has_nothing_lost() -> None:
    assert not lost_offsets(view(committed=74, position=74, acked=None, held=None))  # idle at the end
    assert not lost_offsets(view(committed=None, position=20, acked=None, held=None))
    assert not lost_offsets(view(committed=11, position=None, acked=None, held=None))


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


def test_the_worker_consumer_does_not_commit_past_an_unacknowledged_head_offset() -> None:
    settings = load_settings(SAMPLE_CONFIG)
    settings.search.mode = "opensearch"  # a unit test: 'auto' would ask the search engine which it is
    consumer = create_context(settings).app.consumer
    tp = TP("webcare.raw", 0)
    consumer._committed_offset[tp] = 11
    consumer._acked[tp] = [12, 13]  # 11 was lost: plain Faust would commit 14 and skip it
    assert consumer._new_offset(tp) is None
    consumer._acked[tp] = [11, 12, 13]
    assert consumer._new_offset(tp) == 14
    assert isinstance(consumer, faust.transport.consumer.Consumer)
