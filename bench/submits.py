"""P7: many submissions to the emulator in its own process (20 ms added latency) with
``AsyncClient``, 32 tasks at once against one at a time, then the emulator's state read
back: every submission there exactly once, under the ticket its call returned.

The same two ways are timed, with no goal, with a bare ``httpx.AsyncClient`` posting
pixelz's envelopes (the ceiling httpx's async connection pool sets on this machine), with
the same bare posts through ``httpx2`` when it is installed (a fork whose connection pool
does not hand one idle connection to several queued requests: what that pool costs), and
with the synchronous ``Client`` on 32 threads.
"""

from __future__ import annotations

import asyncio
import collections
import concurrent.futures
import statistics
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

import attrs
import httpx
from lxml import etree

import pixelz
from pixelz._envelope import SOAP11_NS, build_envelope
from pixelz._operations import ADD_IMAGE_TO_QUEUE

from .emulator import EmulatorProcess, emulator_process
from .timing import CLOCK, median_ratio

__all__ = ["Pace", "SubmitsResult", "first_template", "run_submits", "submission", "submit_many"]

DEVELOPER_KEY = "bench-developer-key"  # the emulator accepts any non-empty one
IMAGES = "https://images.example.com/bench"

Submit = Callable[[str], Awaitable[uuid.UUID]]
Batch = Callable[[list[str], int], Awaitable[dict[str, uuid.UUID]]]


@attrs.frozen
class Pace:
    """One client's rounds: a batch of ``count`` with many tasks, and ``sample`` one at a
    time; wall seconds, and the CPU seconds of this process and the emulator's during
    each batch."""

    count: int
    sample: int
    batch: tuple[float, ...]  # seconds a batch, per round
    alone: tuple[float, ...]  # seconds a submission one at a time, per round
    client_cpu: tuple[float, ...]  # CPU seconds a submission in the batch, per round
    server_cpu: tuple[float, ...]

    @property
    def ratio(self) -> float:
        """How many times faster the batch is than the same submissions one at a time:
        the median over rounds of each round's ratio."""
        return self.count * median_ratio(self.alone, self.batch)

    @property
    def batch_seconds(self) -> float:
        return statistics.median(self.batch)

    @property
    def alone_seconds(self) -> float:
        """Seconds ``count`` submissions take one at a time (median per call, scaled)."""
        return statistics.median(self.alone) * self.count


@attrs.frozen
class SubmitsResult:
    pixelz: Pace
    bare: Pace
    threads: Pace  # the synchronous Client on ``tasks`` threads
    fork: Pace | None  # bare posts through httpx2, None when it is not installed
    submitted: int  # calls made in all (warm-ups and the bare ones included)
    stored: int  # records the emulator holds afterwards
    lost: int  # submitted, not in the emulator's state
    duplicates: int  # records beyond one per submission
    mismatched: int  # stored under another ticket (or id) than the call returned


def submission(customer_id: str, template_id: int) -> dict[str, Any]:
    """The keywords of the bench's submission of ``customer_id`` (``submit_image``'s, and
    ``ADD_IMAGE_TO_QUEUE.bind``'s)."""
    return {"image_url": f"{IMAGES}/{customer_id}.jpg", "template_id": template_id,
            "developer_api_key": DEVELOPER_KEY, "customer_image_id": customer_id}


async def first_template(client: pixelz.AsyncClient) -> int:
    """The id of a template of the emulator's account to submit with."""
    templates = await client.list_templates()
    if not templates:
        raise AssertionError("the emulator's account has no template to submit with")
    return templates[0].template_id


async def submit_many(submit: Submit, ids: Iterable[str], tasks: int) -> dict[str, uuid.UUID]:
    """``submit`` every customer id, ``tasks`` at a time (workers sharing one iterator,
    as ``download_all`` runs its files); each id's ticket."""
    tickets: dict[str, uuid.UUID] = {}
    queue = iter(ids)

    async def worker() -> None:
        for customer_id in queue:
            tickets[customer_id] = await submit(customer_id)

    await asyncio.gather(*(worker() for _ in range(tasks)))
    return tickets


def run_submits(
    *, count: int, tasks: int, latency: float, sample: int, rounds: int, bare_sample: int
) -> SubmitsResult:
    """Each round: ``count`` submissions with ``tasks`` workers, then ``sample`` one at a
    time (wall time, both), through ``AsyncClient.submit_image``; then one round of the
    same with the bare client (``bare_sample`` alone). Customer ids are distinct across
    the run; afterwards the emulator's images are read back and checked against every
    call's answer."""
    with emulator_process(images=0, latency=latency) as emulator:
        return asyncio.run(_run(emulator, count, tasks, sample, rounds, bare_sample))


async def _pace(
    batch_of: Batch, emulator: EmulatorProcess, tag: str, *, count: int, tasks: int,
    sample: int, rounds: int, answers: dict[str, uuid.UUID],
) -> Pace:
    batch: list[float] = []
    alone: list[float] = []
    client_cpu: list[float] = []
    server_cpu: list[float] = []
    # Warm-up: open the connections the batches reuse, first-call costs.
    answers |= await batch_of([f"{tag}-warm-{n:03d}" for n in range(tasks)], tasks)
    for r in range(rounds):
        ids = [f"{tag}-r{r}-batch-{n:05d}" for n in range(count)]
        cpu, server = CLOCK(), emulator.cpu()
        start = time.perf_counter()
        answers |= await batch_of(ids, tasks)
        batch.append(time.perf_counter() - start)
        client_cpu.append((CLOCK() - cpu) / count)
        server_cpu.append((emulator.cpu() - server) / count)
        ids = [f"{tag}-r{r}-alone-{n:05d}" for n in range(sample)]
        start = time.perf_counter()
        answers |= await batch_of(ids, 1)
        alone.append((time.perf_counter() - start) / sample)
    return Pace(count, sample, tuple(batch), tuple(alone), tuple(client_cpu),
                tuple(server_cpu))


async def _run(emulator: EmulatorProcess, count: int, tasks: int, sample: int, rounds: int,
               bare_sample: int) -> SubmitsResult:
    from pixelz.emulator import DEMO_CONTACT_API_KEY, DEMO_CONTACT_EMAIL

    answers: dict[str, uuid.UUID] = {}
    async with pixelz.AsyncClient(
        DEMO_CONTACT_EMAIL, DEMO_CONTACT_API_KEY, base_url=emulator.base_url
    ) as client:
        template_id = await first_template(client)

        async def submit(customer_id: str) -> uuid.UUID:
            answer = await client.submit_image(**submission(customer_id, template_id))
            if answer.customer_image_id != customer_id:
                raise AssertionError(f"{customer_id!r} came back as {answer.customer_image_id!r}")
            return answer.image_ticket

        def batch_of(submit: Submit) -> Batch:
            return lambda ids, tasks: submit_many(submit, ids, tasks)

        paced = await _pace(batch_of(submit), emulator, "pixelz", count=count, tasks=tasks,
                            sample=sample, rounds=rounds, answers=answers)
        async with httpx.AsyncClient() as http:
            bare = await _pace(batch_of(_bare_submit(http, emulator.base_url, template_id)),
                               emulator, "bare", count=count, tasks=tasks, sample=bare_sample,
                               rounds=1, answers=answers)
        fork: Pace | None = None
        try:
            import httpx2
        except ImportError:
            pass
        else:
            async with httpx2.AsyncClient() as http2:
                fork = await _pace(
                    batch_of(_bare_submit(http2, emulator.base_url, template_id)), emulator,
                    "httpx2", count=count, tasks=tasks, sample=bare_sample, rounds=1,
                    answers=answers,
                )
        with pixelz.Client(
            DEMO_CONTACT_EMAIL, DEMO_CONTACT_API_KEY, base_url=emulator.base_url
        ) as sync_client:
            threads = await _pace(_threaded(sync_client, template_id), emulator, "threads",
                                  count=count, tasks=tasks, sample=bare_sample, rounds=1,
                                  answers=answers)
        stored: dict[str | None, list[uuid.UUID]] = collections.defaultdict(list)
        async for image in client.iter_images(prefetch=4):
            stored[image.customer_image_id].append(image.image_ticket)
    lost = sum(1 for cid in answers if cid not in stored)
    duplicates = sum(len(tickets) - 1 for tickets in stored.values()) + sum(
        len(tickets) for cid, tickets in stored.items() if cid not in answers
    )
    mismatched = sum(
        1 for cid, ticket in answers.items() if stored.get(cid, [ticket])[0] != ticket
    )
    return SubmitsResult(
        pixelz=paced, bare=bare, threads=threads, fork=fork, submitted=len(answers),
        stored=sum(len(t) for t in stored.values()),
        lost=lost, duplicates=duplicates, mismatched=mismatched,
    )


def _bare_submit(http: Any, url: str, template_id: int) -> Submit:
    """The baseline: a bare POST of the envelope pixelz's own builder makes (built before
    each call, a few µs), and the ticket read from the answer with lxml. ``http``: an
    ``httpx.AsyncClient`` or an ``httpx2.AsyncClient`` (the same interface)."""
    from pixelz.emulator import DEMO_CONTACT_API_KEY, DEMO_CONTACT_EMAIL

    headers = {
        "Content-Type": "text/xml; charset=utf-8",
        "SOAPAction": f'"{ADD_IMAGE_TO_QUEUE.soap_action}"',
    }

    async def submit(customer_id: str) -> uuid.UUID:
        call = ADD_IMAGE_TO_QUEUE.bind(DEMO_CONTACT_EMAIL, DEMO_CONTACT_API_KEY,
                                       **submission(customer_id, template_id))
        response = await http.post(url, content=build_envelope(call, SOAP11_NS),
                                   headers=headers)
        ticket = etree.fromstring(response.content).findtext(".//{*}ImageTicket")
        if response.status_code != 200 or not ticket:
            raise AssertionError(f"the bare submission of {customer_id!r} failed: "
                                 f"HTTP {response.status_code}")
        return uuid.UUID(ticket)

    return submit


def _threaded(client: pixelz.Client, template_id: int) -> Batch:
    """Batches through one synchronous ``Client`` shared by a pool of as many threads as
    tasks (one at a time: a worker thread alone), run off the event loop."""

    def submit(customer_id: str) -> uuid.UUID:
        return client.submit_image(**submission(customer_id, template_id)).image_ticket

    def run(ids: list[str], tasks: int) -> dict[str, uuid.UUID]:
        if tasks == 1:
            return {cid: submit(cid) for cid in ids}
        with concurrent.futures.ThreadPoolExecutor(tasks) as pool:
            return dict(zip(ids, pool.map(submit, ids), strict=True))

    async def batch(ids: list[str], tasks: int) -> dict[str, uuid.UUID]:
        return await asyncio.to_thread(run, ids, tasks)

    return batch
