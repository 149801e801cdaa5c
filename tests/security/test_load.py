"""Load against the loopback emulator: many concurrent calls, zero errors, right answers,
bounded connections, and transparent recovery from injected transient 503s.

* AsyncClient, 64 calls in flight, 400 calls; a sync Client shared by 16 threads,
  400 calls. Every result is compared with a sequential baseline taken first, and
  ``get_image_status`` results directly with the emulator's data set.
* TCP connections are counted from httpcore's ``connect_tcp.started`` trace records and
  must stay within the ``httpx.Limits`` of the pool (no connection churn, no leak).
* With 10% of requests answered ``503`` + ``Retry-After: 0``, every call still succeeds
  through retries, and the emulator's request log shows the retried 503s.

The emulator runs in a child process (its own GIL, see _remote_emulator.py), on loopback
only; the module is bounded in count and time (its budget is checked: < 60 s).
"""

from __future__ import annotations

import asyncio
import logging
import random
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

import pixelz

pytest.importorskip("pixelz.emulator")

from ._remote_emulator import RemoteEmulator

CALLS = 400  # enough for every connection of the pool to serve several calls
CALLS_WITH_503S = 400  # per runner, on top of the clean calls
ASYNC_CONCURRENCY = 64
THREADS = 16
FAIL_RATE = 0.10
MAX_RETRIES = 8  # P(9 consecutive 503s at 10%) = 1e-9 per call
BUDGET = 60.0  # seconds for the whole module

QUERIES: list[dict[str, Any]] = [
    {"per_page": 10},
    {"per_page": 25, "page": 2},
    {"per_page": 20, "page": 12},
    {"status": 80, "per_page": 20},
    {"status": "new", "sort_by": "date", "descending": True, "per_page": 10},
    {"exclude_status": 80, "per_page": 20, "page": 2},
    {"product_id": "bg-removal", "sort_by": "status", "per_page": 15},
    {"from_date": "2026-02-01", "to_date": "2026-06-30", "per_page": 25},
    {"sort_by": "id", "descending": True, "per_page": 15, "page": 4},
    {"status": 55, "per_page": 25},
    {"status": 60, "exclude_status": 80, "sort_by": "date", "per_page": 7, "page": 3},
    {"per_page": 1, "page": 250},
]

_started: list[float] = []  # when the module's first test started (see emulator())


class ConnectionCounter(logging.Handler):
    """TCP connections opened, and the most open at once, from httpcore's trace log."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.count = 0
        self.open = 0
        self.peak = 0
        self._lock = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        event = record.getMessage().split(" ", 1)[0]
        with self._lock:
            if event == "connect_tcp.complete":
                self.count += 1
                self.open += 1
                self.peak = max(self.peak, self.open)
            elif event in ("close.complete", "close.failed"):
                self.open -= 1


@pytest.fixture
def connections() -> Iterator[ConnectionCounter]:
    counter = ConnectionCounter()
    log = logging.getLogger("httpcore.connection")
    level = log.level
    log.setLevel(logging.DEBUG)
    log.addHandler(counter)
    try:
        yield counter
    finally:
        log.removeHandler(counter)
        log.setLevel(level)


@pytest.fixture(scope="module")
def emulator() -> Iterator[Any]:
    """The emulator in its own process (see _remote_emulator.py for why)."""
    _started.append(time.monotonic())
    with RemoteEmulator() as emu:
        yield emu


@pytest.fixture(scope="module")
def baseline(emulator: Any) -> dict[int, tuple[pixelz.ImageStatus, ...]]:
    """Each query's answer, fetched once, sequentially, before any load."""
    with pixelz.Client(*emulator.credentials, base_url=emulator.base_url) as c:
        return {i: c.list_images(**q).images for i, q in enumerate(QUERIES)}


@pytest.fixture(autouse=True)
def fresh_knobs(emulator: Any) -> Iterator[None]:
    emulator.config.reset()
    emulator.log.clear()
    yield
    emulator.config.reset()


Job = tuple[str, Any]


def jobs(emulator: Any, count: int, seed: int) -> list[Job]:
    """A deterministic mix: 3/4 list queries, 1/4 status look-ups of random tickets."""
    rng = random.Random(seed)
    tickets = [r.ImageTicket for r in emulator.dataset]
    return [
        ("list", rng.randrange(len(QUERIES))) if rng.random() < 0.75
        else ("status", rng.choice(tickets))
        for _ in range(count)
    ]


def check(job: Job, result: Any, emulator: Any,
          baseline: dict[int, tuple[pixelz.ImageStatus, ...]]) -> None:
    kind, arg = job
    if kind == "list":
        assert isinstance(result, pixelz.ImagesPage)
        assert result.images == baseline[arg], QUERIES[arg]
        return
    record = next(r for r in emulator.dataset if r.ImageTicket == arg)
    assert isinstance(result, pixelz.ImageStatus)
    assert (result.image_ticket, result.status_id, result.is_paid, result.product_id,
            result.status_name) == (record.ImageTicket, record.StatusId, record.IsPaid,
                                    record.ProductId, record.StatusName)


def _report(label: str, calls: int, seconds: float, connections: ConnectionCounter,
            emulator: Any) -> None:
    total = len(emulator.log)
    retried = emulator.log.count(status=503)
    print(f"\n[load] {label}: {calls} calls in {seconds:.2f} s ({calls / seconds:.0f}/s), "
          f"{connections.count} TCP connections opened, at most {connections.peak} open, "
          f"{total} requests, {retried} answered 503")


def _limits(size: int) -> httpx.Limits:
    return httpx.Limits(max_connections=size, max_keepalive_connections=size)


def run_async(emulator: Any, work: list[Job], max_retries: int) -> tuple[list[Any], int]:
    peak = 0

    async def main() -> list[Any]:
        nonlocal peak
        in_flight = 0
        gate = asyncio.Semaphore(ASYNC_CONCURRENCY)
        async with httpx.AsyncClient(limits=_limits(ASYNC_CONCURRENCY), timeout=20) as http:
            client = pixelz.AsyncClient(*emulator.credentials, base_url=emulator.base_url,
                                        max_retries=max_retries, http_client=http)

            async def one(job: Job) -> Any:
                nonlocal in_flight, peak
                async with gate:
                    in_flight += 1
                    peak = max(peak, in_flight)
                    try:
                        if job[0] == "list":
                            return await client.list_images(**QUERIES[job[1]])
                        return await client.get_image_status(job[1])
                    finally:
                        in_flight -= 1

            return await asyncio.gather(*(one(j) for j in work), return_exceptions=True)

    return asyncio.run(main()), peak


def run_threads(emulator: Any, work: list[Job], max_retries: int) -> tuple[list[Any], int]:
    busy = 0
    peak = 0
    lock = threading.Lock()
    http = httpx.Client(limits=_limits(THREADS), timeout=20)
    client = pixelz.Client(*emulator.credentials, base_url=emulator.base_url,
                           max_retries=max_retries, http_client=http)

    def one(job: Job) -> Any:
        nonlocal busy, peak
        with lock:
            busy += 1
            peak = max(peak, busy)
        try:
            if job[0] == "list":
                return client.list_images(**QUERIES[job[1]])
            return client.get_image_status(job[1])
        except Exception as exc:  # collected and asserted on below
            return exc
        finally:
            with lock:
                busy -= 1

    try:
        with ThreadPoolExecutor(THREADS, thread_name_prefix="load") as pool:
            return list(pool.map(one, work)), peak
    finally:
        http.close()


Runner = Callable[[Any, list[Job], int], tuple[list[Any], int]]
RUNNERS: dict[str, tuple[Runner, int]] = {
    "async-64": (run_async, ASYNC_CONCURRENCY),
    "threads-16": (run_threads, THREADS),
}


@pytest.mark.parametrize("fail_rate", [0.0, FAIL_RATE], ids=["clean", "503s"])
@pytest.mark.parametrize("runner", list(RUNNERS))
def test_load(runner: str, fail_rate: float, emulator: Any,
              baseline: dict[int, tuple[pixelz.ImageStatus, ...]],
              connections: ConnectionCounter) -> None:
    run, concurrency = RUNNERS[runner]
    emulator.config.update(fail_rate=fail_rate, retry_after="0")
    work = jobs(emulator, CALLS_WITH_503S if fail_rate else CALLS,
                seed=len(runner) + int(fail_rate * 100))
    started = time.perf_counter()
    results, peak = run(emulator, work, MAX_RETRIES if fail_rate else 0)
    seconds = time.perf_counter() - started
    _report(f"{runner} fail_rate={fail_rate}", len(work), seconds, connections, emulator)

    errors = [r for r in results if isinstance(r, BaseException)]
    assert errors == [], f"{len(errors)} errors, first: {errors[0]!r}"
    for job, result in zip(work, results, strict=True):
        check(job, result, emulator, baseline)
    assert peak == concurrency, f"only {peak} calls were ever in flight"
    served = {r.protocol for r in results if isinstance(r, pixelz.ImagesPage)}
    assert served == {pixelz.Protocol.SOAP11}, f"fell back under load: {served}"
    # The pool bounds open connections; idle ones may expire (keepalive_expiry) and be
    # replaced, but connections are reused: on average at least 4 calls per connection.
    assert 0 < connections.peak <= concurrency, connections.peak
    assert connections.count <= len(work) // 4, connections.count
    requests = len(emulator.log)
    retried = emulator.log.count(status=503)
    assert requests == len(work) + retried  # no fallback, no extra request
    if fail_rate:
        assert 0.05 * len(work) < retried < 0.2 * len(work), retried
    else:
        assert retried == 0
    assert time.monotonic() - _started[0] < BUDGET
