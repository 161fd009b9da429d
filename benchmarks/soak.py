"""Reliability plan item 74 (shortened): a steady mix of good, slow, failing and hostile links.

    python benchmarks/soak.py --minutes 3 --rate 4

Prints RSS, open file descriptors, asyncio tasks and database size every --every seconds, the
answers by kind, and PASS/FAIL for: no growth trend (last third vs first third of the run),
zero unhandled exceptions, no event left unanswered. The plan asks for 2 hours at half of the
measured capacity; --minutes 120 does that.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import Recorder, link_event, open_fds, origin, rss_mib, settings_for, verdict

from bot.runtime import build_services

KINDS = [("a", 70), ("slow", 5), ("fail", 5), ("gone", 5), ("big", 4), ("png", 4)]
KINDS += [("loop", 4), ("drip", 3)]


class Errors(logging.Handler):
    """Counts error records (unhandled exceptions are logged at ERROR by the service)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def _db_bytes(url: str) -> int:
    path = Path(url.split("///", 1)[1])
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))


async def soak(base: str, args: argparse.Namespace) -> bool:
    settings = settings_for(base, fetch={"timeout_s": 5.0, "read_timeout_s": 3.0})
    rnd = random.Random(74)
    names = [k for k, w in KINDS for _ in range(w)]
    errors = Errors()
    logging.getLogger().addHandler(errors)
    samples: list[tuple[float, float, int, int, int, int]] = []
    convs: list[Recorder] = []
    loop = asyncio.get_running_loop()
    unhandled: list[dict[str, Any]] = []
    loop.set_exception_handler(lambda _loop, context: unhandled.append(context))
    async with build_services(settings) as services:
        core = services.core
        t0 = time.monotonic()
        end = t0 + args.minutes * 60
        next_sample = t0
        tasks: set[asyncio.Task[Any]] = set()
        n = 0
        while time.monotonic() < end:
            kind = rnd.choice(names)
            # Good links come from a pool, so some repeat (pointers, cache hits) and most not.
            url = f"{base}/{kind}/{rnd.randrange(args.pool) if kind == 'a' else n}"
            conv = Recorder()
            convs.append(conv)
            msg = link_event(n, url, f"c{n % 20}", f"u{rnd.randrange(200)}")
            task = asyncio.create_task(core.handle_message(msg, conv))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
            n += 1
            if time.monotonic() >= next_sample:
                rss = rss_mib()[0]
                db = _db_bytes(settings.storage.url)
                samples.append(
                    (time.monotonic() - t0, rss, open_fds(), len(asyncio.all_tasks()), db, n)
                )
                print(
                    f"  t={samples[-1][0]:6.0f} s  rss {rss:6.1f} MiB  fds {samples[-1][2]:4d}  "
                    f"tasks {samples[-1][3]:4d}  db {db / 1024:8.0f} KiB  events {n}",
                    flush=True,
                )
                next_sample += args.every
            await asyncio.sleep(rnd.expovariate(args.rate))
        await asyncio.gather(*tasks)
    logging.getLogger().removeHandler(errors)
    answered: dict[str, int] = {}
    for conv in convs:
        kind = conv.first if conv.answers else "silent"
        answered[kind] = answered.get(kind, 0) + 1
    print(f"events {len(convs)}: first answers {dict(sorted(answered.items()))}")
    third = max(len(samples) // 3, 1)
    early, late = samples[:third], samples[-third:]

    def mean(rows: list[tuple[float, float, int, int, int, int]], i: int) -> float:
        return statistics.fmean(float(r[i]) for r in rows)

    ok = True
    rss0, rss1 = mean(early, 1), mean(late, 1)
    ok &= verdict("RSS flat", rss1 <= rss0 * 1.15 + 10, f"{rss0:.0f} -> {rss1:.0f} MiB")
    fd0, fd1 = mean(early, 2), mean(late, 2)
    ok &= verdict("file descriptors flat", fd1 <= fd0 + 10, f"{fd0:.0f} -> {fd1:.0f}")
    t0_, t1_ = mean(early, 3), mean(late, 3)
    ok &= verdict("asyncio tasks flat", t1_ <= t0_ * 1.5 + 20, f"{t0_:.0f} -> {t1_:.0f}")
    per0 = mean(early, 4) / max(mean(early, 5), 1)
    per1 = mean(late, 4) / max(mean(late, 5), 1)
    ok &= verdict(
        "database grows with the data only", per1 <= per0 * 1.5, f"{per0:.0f} -> {per1:.0f} B/event"
    )
    problems = len(errors.records) + len(unhandled)
    for record in errors.records[:5]:
        print(f"    error: {record.getMessage()}")
    ok &= verdict("no unhandled exceptions", problems == 0, f"{problems}")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=3.0)
    parser.add_argument("--rate", type=float, default=4.0, help="events per second")
    parser.add_argument("--pool", type=int, default=3000, help="distinct good articles")
    parser.add_argument("--every", type=float, default=15.0, help="seconds between samples")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    with origin() as base:
        ok = asyncio.run(soak(base, args))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
