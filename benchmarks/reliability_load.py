"""Reliability plan items 71-73 on loopback: overload, a flooding channel, one link 100 times.

    python benchmarks/reliability_load.py overload   # 10x the admission cap in 10 s
    python benchmarks/reliability_load.py fairness   # one hot channel + 50 quiet ones
    python benchmarks/reliability_load.py same-url   # one link 100 times in a minute
    python benchmarks/reliability_load.py all

Each prints its numbers and a PASS/FAIL line per criterion; the exit status is 1 on a FAIL.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import (
    Recorder,
    link_event,
    origin,
    origin_hits,
    p95,
    rss_mib,
    settings_for,
    verdict,
)

from bot.runtime import build_services

_ids = iter(range(10**9))


async def _offer(core: Any, events: list[tuple[float, str, str, str]]) -> list[Recorder]:
    """Deliver (at_s, url, channel, user) events on schedule; return their recorders."""
    t0 = time.monotonic()
    tasks, convs = [], []
    for at, url, channel, user in events:
        delay = t0 + at - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        conv = Recorder()
        convs.append(conv)
        msg = link_event(next(_ids), url, channel, user)
        tasks.append(asyncio.create_task(core.handle_message(msg, conv)))
    await asyncio.gather(*tasks)
    return convs


async def overload(base: str, cap: int, budget_mib: float) -> bool:
    """10x the admission cap of new links in 10 s, then probes until answers come back."""
    settings = settings_for(base, service={"max_events": cap})
    burst = 10 * cap
    peaks = {"active": 0, "pending": 0, "rss": 0.0}
    async with build_services(settings) as services:
        core, sup = services.core, services.supervisor

        async def sample() -> None:
            while True:
                peaks["active"] = max(peaks["active"], core._active)
                peaks["pending"] = max(peaks["pending"], sup.pending)
                peaks["rss"] = max(peaks["rss"], rss_mib()[0])
                await asyncio.sleep(0.05)

        sampler = asyncio.create_task(sample())
        events = [(n * 10 / burst, f"{base}/a/{n}", f"c{n % 50}", f"u{n}") for n in range(burst)]
        t0 = time.monotonic()
        convs = await _offer(core, events)
        burst_end = t0 + 10
        recovered = None
        probe = burst
        while time.monotonic() - burst_end < 90:
            conv = Recorder()
            await core.handle_message(link_event(probe, f"{base}/a/{probe}", "probe", "p"), conv)
            probe += 1
            if conv.first == "card" and (conv.latency or 99) < 5:
                recovered = time.monotonic() - burst_end
                break
            await asyncio.sleep(1)
        sampler.cancel()
    kinds: dict[str, int] = {}
    for conv in convs:
        kinds[conv.first] = kinds.get(conv.first, 0) + 1
    print(f"overload: {burst} new links in 10 s, admission cap {cap}")
    print(f"  first answers {dict(sorted(kinds.items()))}")
    print(f"  peak links in progress {peaks['active']}, peak jobs queued {peaks['pending']}")
    print(f"  peak RSS {peaks['rss']:.0f} MiB (process peak {rss_mib()[1]:.0f} MiB)")
    ok = verdict("bounded", peaks["active"] <= cap, f"{peaks['active']} <= {cap}")
    ok &= verdict("no event lost", "LOST" not in kinds, f"{kinds.get('LOST', 0)} lost")
    shed = kinds.get("busy", 0)
    ok &= verdict("shed events told busy", shed > 0, f"{shed} busy notices")
    ok &= verdict("memory", peaks["rss"] < budget_mib, f"{peaks['rss']:.0f} < {budget_mib:g} MiB")
    done = f"{recovered:.1f} s" if recovered is not None else "never"
    ok &= verdict("recovers", recovered is not None and recovered <= 60, f"{done} <= 60 s")
    return ok


async def _quiet_p95(
    base: str, offset: int, flood: bool, seconds: float
) -> tuple[float, dict[str, Any]]:
    settings = settings_for(base)
    quiet = [
        (k * 20.0 + c * 20.0 / 50, f"{base}/a/{offset + k * 50 + c}", f"q{c}", f"qu{c}")
        for k in range(int(seconds // 20))
        for c in range(50)
    ]
    hot: list[tuple[float, str, str, str]] = []
    if flood:
        hot = [
            (n / 20, f"{base}/a/{offset + 100_000 + n}", "hot", f"hu{n}")
            for n in range(int(seconds * 20))
        ]
    async with build_services(settings) as services:
        both = sorted(quiet + hot)
        convs = await _offer(services.core, both)
    lat = [
        c.latency
        for (_, _, ch, _), c in zip(both, convs, strict=True)
        if ch != "hot" and c.latency is not None
    ]
    hot_kinds: dict[str, int] = {}
    for (_, _, ch, _), c in zip(both, convs, strict=True):
        if ch == "hot":
            kind = c.first if c.answers else "silent"  # limited: warned once a minute
            hot_kinds[kind] = hot_kinds.get(kind, 0) + 1
    return p95(lat), {"quiet median": statistics.median(lat), "hot": hot_kinds}


async def fairness(base: str, seconds: float) -> bool:
    """Quiet channels' p95 with and without one channel flooding 20 new links a second."""
    baseline, info0 = await _quiet_p95(base, 0, False, seconds)
    flooded, info1 = await _quiet_p95(base, 10_000, True, seconds)
    print(f"fairness: 50 quiet channels (a link each per 20 s) for {seconds:g} s")
    print(
        f"  baseline quiet p95 {baseline * 1000:.0f} ms (median {info0['quiet median'] * 1000:.0f})"
    )
    print(
        f"  flooded  quiet p95 {flooded * 1000:.0f} ms (median {info1['quiet median'] * 1000:.0f})"
    )
    print(f"  hot channel's first answers {info1['hot']}")
    limit = max(2 * baseline, 0.05)
    return verdict("quiet p95 within 2x", flooded <= limit, f"{flooded:.2f} s <= {limit:.2f} s")


async def same_url(base: str) -> bool:
    """One link shared 100 times in one channel within a minute by 100 people."""
    settings = settings_for(base)
    url = f"{base}/a/777777"
    async with build_services(settings) as services:
        events = [(n * 0.3, url, "c1", f"u{n}") for n in range(100)]
        convs = await _offer(services.core, events)
        analyses = services.metrics.analyses._value.get()
    kinds: dict[str, int] = {}
    for conv in convs:
        for _, kind in conv.answers or [(0.0, "silence")]:
            kinds[kind] = kinds.get(kind, 0) + 1
    fetches = origin_hits(base).get("/a/777777", 0)
    print("same-url: one link 100 times in one channel over 30 s")
    print(f"  fetches {fetches}, analyses {analyses:.0f}, answers {dict(sorted(kinds.items()))}")
    ok = verdict("one fetch", fetches == 1, f"{fetches}")
    ok &= verdict("one analysis", analyses == 1, f"{analyses:.0f}")
    ok &= verdict("one card", kinds.get("card") == 1, f"{kinds.get('card', 0)}")
    rest = set(kinds) - {"card", "pointer", "silence"}
    return ok & verdict(
        "the rest pointers or silence", not rest, f"other answers: {rest or 'none'}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", choices=["overload", "fairness", "same-url", "all"])
    parser.add_argument("--cap", type=int, default=128, help="service.max_events")
    parser.add_argument("--budget-mib", type=float, default=300.0)
    parser.add_argument("--seconds", type=float, default=60.0, help="fairness phase length")
    args = parser.parse_args()
    ok = True
    with origin() as base:
        if args.scenario in ("same-url", "all"):
            ok &= asyncio.run(same_url(base))
        if args.scenario in ("overload", "all"):
            ok &= asyncio.run(overload(base, args.cap, args.budget_mib))
        if args.scenario in ("fairness", "all"):
            ok &= asyncio.run(fairness(base, args.seconds))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
