"""ChannelPacer on a fake clock: per-channel spacing, independent channels, rests after refusals."""

from __future__ import annotations

import asyncio

import pytest

from adapters.outbound import ChannelPacer, ChannelRested


class FakeClock:
    """A clock that only moves when something sleeps on it."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        """Advance the clock instead of waiting."""
        self.now += seconds
        await asyncio.sleep(0)


async def post_times(pacer: ChannelPacer, clock: FakeClock, channels: list[str]) -> list[float]:
    """Start one post per entry of `channels` at once; the clock time each post went out."""
    sent: list[float] = []

    async def post(channel: str) -> None:
        async with pacer.slot(channel):
            sent.append(clock.now)

    await asyncio.gather(*(post(c) for c in channels))
    return sent


async def test_burst_to_one_channel_leaves_one_per_interval() -> None:
    """Twenty concurrent posts to one channel go out exactly one second apart."""
    clock = FakeClock()
    pacer = ChannelPacer(interval_s=1.0, clock=clock, sleep=clock.sleep)
    sent = await post_times(pacer, clock, ["C1"] * 20)
    assert [round(t - sent[0], 6) for t in sent] == [float(i) for i in range(20)]


async def test_channels_are_paced_separately() -> None:
    """Posts to different channels do not wait for each other."""
    clock = FakeClock()
    pacer = ChannelPacer(interval_s=1.0, clock=clock, sleep=clock.sleep)
    sent = await post_times(pacer, clock, ["C1", "C2", "C3"])
    assert sent == [100.0, 100.0, 100.0]


async def test_quiet_channel_posts_at_once() -> None:
    """A post after a quiet spell longer than the interval does not wait."""
    clock = FakeClock()
    pacer = ChannelPacer(interval_s=1.0, clock=clock, sleep=clock.sleep)
    await post_times(pacer, clock, ["C1"])
    clock.now += 5
    assert await post_times(pacer, clock, ["C1"]) == [105.0]


async def test_refused_channel_rests_then_is_tried_again() -> None:
    """After a refusal the channel raises ChannelRested until the rest is over; others post."""
    clock = FakeClock()
    pacer = ChannelPacer(interval_s=0.0, rest_s=60.0, clock=clock, sleep=clock.sleep)
    pacer.refused("C1")
    with pytest.raises(ChannelRested) as info:
        async with pacer.slot("C1"):
            pass
    assert info.value.seconds_left == pytest.approx(60.0)
    assert await post_times(pacer, clock, ["C2"]) == [100.0]
    clock.now += 60
    assert pacer.resting("C1") == 0.0
    assert await post_times(pacer, clock, ["C1"]) == [160.0]


async def test_posts_waiting_their_turn_stop_when_the_channel_refuses() -> None:
    """Posts queued behind one that gets refused are not sent at all."""
    clock = FakeClock()
    pacer = ChannelPacer(interval_s=1.0, rest_s=60.0, clock=clock, sleep=clock.sleep)
    attempts: list[int] = []

    async def post(n: int) -> str:
        try:
            async with pacer.slot("C1"):
                attempts.append(n)
                pacer.refused("C1")  # as an adapter does on a 403
        except ChannelRested:
            return "rested"
        return "sent"

    results = await asyncio.gather(*(post(n) for n in range(5)))
    assert attempts == [0] and results == ["sent"] + ["rested"] * 4
