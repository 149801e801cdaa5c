"""P8 and P9: ``AsyncClient.download_all`` of delivered finals served by the emulator in
its own process, against a bare ``httpx.AsyncClient`` streaming the same files to disk with
the same concurrency, and against itself one file at a time (wall time); and the peak RSS
growth of a process running that download (P9).

The finals exist because the emulator delivers what is submitted to it (``--speed 0``:
at once) and serves each final itself, ``--final-size`` bytes, under its own origin.

Run as ``python -m bench.downloads MODE URLS_FILE DEST`` (the P9 worker: one download run
in a fresh process, printing its peak RSS growth in KiB: first run, second run), or through
:func:`run_downloads`.
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
import pathlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence

import attrs
import httpx

import pixelz

from .emulator import EmulatorProcess, emulator_process
from .memory import _peak, _reset_peak
from .submits import first_template, submission, submit_many
from .timing import CLOCK, median_ratio

__all__ = ["DownloadsResult", "Run", "run_downloads", "scratch_root"]

MODES = ("pixelz", "bare")
PNG = b"\x89PNG\r\n\x1a\n"

Download = Callable[[Sequence[pixelz.ImageStatus], pathlib.Path], Awaitable[object]]


@attrs.frozen
class Run:
    """One way of downloading, over the rounds: wall seconds for every file, and CPU
    seconds of this process and of the emulator during each run."""

    seconds: tuple[float, ...]
    client_cpu: tuple[float, ...]
    server_cpu: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    def mib_per_s(self, total: int) -> float:
        return total / 2**20 / self.median

    def cpu_ms_per_file(self, files: int) -> float:
        return statistics.median(self.client_cpu) / files * 1e3

    def server_ms_per_file(self, files: int) -> float:
        return statistics.median(self.server_cpu) / files * 1e3


def _times(a: Run, b: Run) -> float:
    """How many times ``a``'s time ``b`` takes: the median of the ratios within rounds."""
    return median_ratio(b.seconds, a.seconds)


@attrs.frozen
class DownloadsResult:
    files: int
    size: int  # bytes a file
    concurrency: int
    latency: float
    runs: dict[str, Run]  # "pixelz", "bare", "one at a time", "sync Client"
    growth: dict[str, tuple[float, float]]  # MiB of peak RSS growth: first, second run
    idle: dict[str, Run]  # pixelz and bare again, with no added latency
    where: str  # the directory the files were written under

    @property
    def total(self) -> int:
        return self.files * self.size

    @property
    def vs_bare(self) -> float:
        """pixelz's throughput as a multiple of the bare client's (higher is better)."""
        return _times(self.runs["pixelz"], self.runs["bare"])

    @property
    def vs_single(self) -> float:
        """How many times faster than the same files one at a time."""
        return _times(self.runs["pixelz"], self.runs["one at a time"])

    @property
    def sync_vs_bare(self) -> float:
        return _times(self.runs["sync Client"], self.runs["bare"])

    @property
    def idle_vs_bare(self) -> float:
        return _times(self.idle["pixelz"], self.idle["bare"])


def scratch_root() -> str | None:
    """Where the files go: a memory-backed directory where there is one, so that what is
    timed is the clients, not the disk's write-back of earlier runs (None: the default
    temporary directory)."""
    return "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None


def run_downloads(
    *, files: int, size: int, concurrency: int, latency: float, rounds: int, root: str,
    where: str | None = None,
) -> DownloadsResult:
    """Submit ``files`` images to an emulator delivering at once with finals of ``size``
    bytes and read their records back; time each way of downloading them ``rounds`` times,
    in alternation, checking that the first round of each wrote every file whole; then
    the P9 workers, and pixelz against bare once more on an emulator without added
    latency."""
    with tempfile.TemporaryDirectory(prefix="pixelz-bench-", dir=where) as scratch:
        work = pathlib.Path(scratch)
        with emulator_process(images=0, latency=latency, speed=0, final_size=size) as emu:
            records = asyncio.run(_delivered(emu.base_url, files, size))
            runs = asyncio.run(_timed(emu, records, work, size, concurrency, rounds))
            growth = _growth(records, work, root, concurrency)
        with emulator_process(images=0, latency=0, speed=0, final_size=size) as emu:
            records = asyncio.run(_delivered(emu.base_url, files, size))
            idle = asyncio.run(_timed(emu, records, work, size, concurrency, rounds,
                                      ways=("pixelz", "bare")))
    return DownloadsResult(files, size, concurrency, latency, runs, growth, idle,
                           where or tempfile.gettempdir())


async def _delivered(base_url: str, files: int, size: int) -> list[pixelz.ImageStatus]:
    """Submit ``files`` images (32 at a time) and return their records, each Delivered
    with one final on the emulator's own origin."""
    from pixelz.emulator import DEMO_CONTACT_API_KEY, DEMO_CONTACT_EMAIL

    async with pixelz.AsyncClient(
        DEMO_CONTACT_EMAIL, DEMO_CONTACT_API_KEY, base_url=base_url
    ) as client:
        template_id = await first_template(client)

        async def submit(customer_id: str) -> uuid.UUID:
            answer = await client.submit_image(**submission(customer_id, template_id))
            return answer.image_ticket

        tickets = await submit_many(submit, [f"final-{n:04d}" for n in range(files)], 32)
        records = [image async for image in client.iter_images(prefetch=4)]
    origin = base_url.rsplit("/", 1)[0]
    by_ticket = {image.image_ticket: image for image in records}
    chosen = [by_ticket[ticket] for ticket in tickets.values() if ticket in by_ticket]
    if len(chosen) != files or any(
        image.status_id != 80 or len(image.final_image_urls) != 1
        or not image.final_image_urls[0].startswith(origin)
        for image in chosen
    ):
        raise AssertionError(f"the emulator did not deliver {files} images with one final each")
    return chosen


def _ways(
    client: pixelz.AsyncClient, http: httpx.AsyncClient, sync: pixelz.Client, concurrency: int
) -> dict[str, Download]:
    async def with_pixelz(images: Sequence[pixelz.ImageStatus], dest: pathlib.Path) -> object:
        return await client.download_all(images, dest, concurrency=concurrency)

    async def alone(images: Sequence[pixelz.ImageStatus], dest: pathlib.Path) -> object:
        return await client.download_all(images, dest, concurrency=1)

    async def threads(images: Sequence[pixelz.ImageStatus], dest: pathlib.Path) -> object:
        return await asyncio.to_thread(sync.download_all, images, dest, concurrency=concurrency)

    async def bare(images: Sequence[pixelz.ImageStatus], dest: pathlib.Path) -> object:
        return await bare_download(http, images, dest, concurrency)

    return {"pixelz": with_pixelz, "bare": bare, "sync Client": threads, "one at a time": alone}


async def bare_download(
    http: httpx.AsyncClient, images: Sequence[pixelz.ImageStatus], dest: pathlib.Path,
    concurrency: int,
) -> list[pathlib.Path]:
    """The baseline: ``concurrency`` workers, each streaming a file to disk with plain
    ``open``/``write`` on the event loop, named by ticket; no checks, no retries."""
    dest.mkdir(parents=True, exist_ok=True)
    queue = iter(images)
    paths: list[pathlib.Path] = []

    async def worker() -> None:
        for image in queue:
            path = dest / f"{image.image_ticket}.png"
            async with http.stream("GET", image.final_image_urls[0]) as response:
                response.raise_for_status()
                with open(path, "wb") as file:
                    async for chunk in response.aiter_bytes():
                        file.write(chunk)
            paths.append(path)

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return paths


async def _timed(
    emu: EmulatorProcess, records: list[pixelz.ImageStatus], work: pathlib.Path, size: int,
    concurrency: int, rounds: int,
    ways: Sequence[str] = ("pixelz", "bare", "sync Client", "one at a time"),
) -> dict[str, Run]:
    from pixelz.emulator import DEMO_CONTACT_API_KEY, DEMO_CONTACT_EMAIL

    credentials = (DEMO_CONTACT_EMAIL, DEMO_CONTACT_API_KEY)
    seconds: dict[str, list[float]] = {way: [] for way in ways}
    client_cpu: dict[str, list[float]] = {way: [] for way in ways}
    server_cpu: dict[str, list[float]] = {way: [] for way in ways}
    async with (
        pixelz.AsyncClient(*credentials, base_url=emu.base_url) as client,
        httpx.AsyncClient() as http,
    ):
        with pixelz.Client(*credentials, base_url=emu.base_url) as sync:
            every = _ways(client, http, sync, concurrency)
            # Warm-up on a few files: imports, connections, worker threads.
            for way in ways:
                dest = work / "warm" / way.replace(" ", "-")
                await every[way](records[: concurrency * 2], dest)
                shutil.rmtree(dest)
            for r in range(rounds):
                for way in ways:
                    dest = work / f"{r}" / way.replace(" ", "-")
                    cpu, server = CLOCK(), emu.cpu()
                    start = time.perf_counter()
                    await every[way](records, dest)
                    seconds[way].append(time.perf_counter() - start)
                    client_cpu[way].append(CLOCK() - cpu)
                    server_cpu[way].append(emu.cpu() - server)
                    if r == 0:  # a fast wrong answer is no answer: every way, every byte
                        _check(records, dest, size)
                    shutil.rmtree(dest)
    return {
        way: Run(tuple(seconds[way]), tuple(client_cpu[way]), tuple(server_cpu[way]))
        for way in ways
    }


def _check(records: list[pixelz.ImageStatus], dest: pathlib.Path, size: int) -> None:
    """Every image's final is in ``dest`` once, whole: a PNG of the size the emulator
    serves, with the bytes the emulator's file maker gives for it."""
    from pixelz.emulator._files import final_file

    found = sorted(dest.iterdir())
    if len(found) != len(records):
        raise AssertionError(f"{len(found)} files in {dest}, expected {len(records)}")
    names = {path.name: path for path in found}
    for image in records:
        url = image.final_image_urls[0]
        ticket, name = url.rsplit("/", 2)[-2:]
        path = next((p for n, p in names.items() if n.startswith(ticket)), None)
        if path is None:
            raise AssertionError(f"no file for {ticket} in {dest}")
        body = path.read_bytes()
        if len(body) != size or not body.startswith(PNG) or (
            body != final_file(ticket, name, size).read()
        ):
            raise AssertionError(f"{path} is not the final the emulator serves")


def _growth(records: list[pixelz.ImageStatus], work: pathlib.Path, root: str,
            concurrency: int) -> dict[str, tuple[float, float]]:
    """P9: each mode in a fresh process; MiB of peak RSS growth during its first and its
    second run of every file."""
    listing = work / "finals.json"
    listing.write_text(json.dumps([
        [str(image.image_ticket), image.final_image_urls[0]] for image in records
    ]))
    env = dict(os.environ, PYTHONPATH=root)
    growth = {}
    for mode in MODES:
        dest = work / f"rss-{mode}"
        out = subprocess.run(
            [sys.executable, "-m", "bench.downloads", mode, str(listing), str(dest),
             str(concurrency)],
            env=env, cwd=root, check=True, capture_output=True, text=True,
        ).stdout
        shutil.rmtree(dest, ignore_errors=True)
        first, second = out.split()[-2:]
        growth[mode] = (int(first) / 1024, int(second) / 1024)
    return growth


async def _worker(
    mode: str, listing: pathlib.Path, dest: pathlib.Path, concurrency: int
) -> tuple[int, int]:
    """Two download runs of every file in this fresh process, each in its own peak-RSS
    window (KiB of growth): the first includes what a first download costs (the lazy
    imports, the connections, the worker threads), the second is warm."""
    records = [
        pixelz.ImageStatus(uuid.UUID(ticket), None, None, "Delivered", 80, True, None, (url,))
        for ticket, url in json.loads(listing.read_text())
    ]
    growth = []
    async with pixelz.AsyncClient("bench@example.com", "unused") as client, \
            httpx.AsyncClient() as http:
        for run in ("first", "second"):
            folder = dest / run
            gc.collect()
            before = _reset_peak()
            if mode == "pixelz":
                results = await client.download_all(records, folder, concurrency=concurrency)
                if not all(result.ok for result in results):
                    raise AssertionError("a download failed")
            else:
                await bare_download(http, records, folder, concurrency)
            growth.append(_peak() - before)
            if len(list(folder.iterdir())) != len(records):
                raise AssertionError(f"the {run} run did not write every file")
            shutil.rmtree(folder)
    return growth[0], growth[1]


if __name__ == "__main__":
    first, second = asyncio.run(_worker(sys.argv[1], pathlib.Path(sys.argv[2]),
                                        pathlib.Path(sys.argv[3]), int(sys.argv[4])))
    print(first, second)
