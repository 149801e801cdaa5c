"""The whole delivery loop, end to end, through the SDK and a real emulator server.

Submit three images with a callback URL, wait for them with ``wait_for`` while the
emulator's clock moves them on, download the finals with ``download_all``, and check the
callbacks a real loopback receiver got with ``pixelz.webhooks.verify``. Once with the
blocking client on a real-time clock, once with the async client on a clock a thread
advances by hand.
"""

from __future__ import annotations

import asyncio
import pathlib
import threading
from collections.abc import Iterator

import pytest

import pixelz
import pixelz.webhooks
from pixelz.emulator import Emulator, serve

from .._webhook_receiver import Receiver

SECRET = "loop-secret"
FINAL_SIZE = 256 * 1024
TEMPLATE = 101
SOURCES = ("https://shop.example/DRS-1/front.jpg", "https://shop.example/DRS-1/back.jpg",
           "https://shop.example/BAG-9/side.jpg")


def check_loop(emu: Emulator, hook: Receiver, submitted: list[pixelz.SubmittedImage],
               images: list[pixelz.ImageStatus], results: list[pixelz.DownloadResult],
               dest: pathlib.Path) -> None:
    assert [i.image_ticket for i in images] == [s.image_ticket for s in submitted]
    assert all(i.status is pixelz.Status.DELIVERED for i in images)
    finals = [url for image in images for url in image.final_image_urls]
    assert len(finals) == 3 and all("/files/" in url for url in finals)
    assert [r.outcome for r in results] == ["downloaded"] * 3
    for result, image in zip(results, images, strict=True):
        data = result.path.read_bytes()
        assert result.path.parent == dest and result.size == len(data) == FINAL_SIZE
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and data.endswith(b"IEND\xaeB`\x82")
        assert str(image.image_ticket) in result.path.name
    assert sorted(p.name for p in dest.iterdir()) == sorted(r.path.name for r in results)

    deliveries = emu.wait_callbacks(3)
    assert sorted(d.image_ticket for d in deliveries) == sorted(i.image_ticket for i in images)
    assert all(d.delivered and len(d.attempts) == 1 for d in deliveries)
    assert len(hook.requests) == 3
    for received in hook.requests:
        assert pixelz.webhooks.verify(received.body, received.headers, SECRET)
        assert not pixelz.webhooks.verify(received.body, received.headers, "another-secret")
    by_ticket = {i.image_ticket: i for i in images}
    for received in hook.requests:
        event = pixelz.webhooks.parse(received.body, received.headers["Content-Type"])
        image = by_ticket[event.image_ticket]
        assert event.processed_image_url == image.final_image_urls[0]
        assert event.raw["customerImageId"] == image.customer_image_id
    assert sorted(e.image_ticket for e in hook.events) == sorted(by_ticket)


@pytest.fixture
def hook() -> Iterator[Receiver]:
    with Receiver(SECRET) as receiver:
        yield receiver


def test_submit_wait_download_and_verify_callbacks(hook: Receiver,
                                                   tmp_path: pathlib.Path) -> None:
    with serve(speed=0.05, final_size=FINAL_SIZE, callback_secret=SECRET) as emu, \
            pixelz.Client(*emu.credentials, base_url=emu.base_url) as client:
        submitted = [
            client.submit_image(SOURCES[0], template_id=TEMPLATE, developer_api_key="dev",
                                callback_url=hook.url, customer_image_id="DRS-1-front"),
            client.submit_stack_image(SOURCES[1], template_id=TEMPLATE,
                                      developer_api_key="dev", callback_url=hook.url,
                                      customer_image_id="DRS-1-back"),
            client.submit_white_glove(SOURCES[2], developer_api_key="dev",
                                      callback_url=hook.url, customer_image_id="BAG-9-side"),
        ]
        assert client.get_image_status(submitted[0].image_ticket).status_id < 80
        images = [client.wait_for(s.image_ticket, timeout=20, poll_interval=0.05)
                  for s in submitted]
        dest = tmp_path / "finals"
        results = client.download_all(images, dest, concurrency=3)
        check_loop(emu, hook, submitted, images, results, dest)
        again = client.download_all(images, dest)
        assert [r.outcome for r in again] == ["skipped"] * 3


def test_the_same_loop_with_the_async_client_on_a_hand_moved_clock(
    hook: Receiver, tmp_path: pathlib.Path
) -> None:
    step = 3600.0  # an hour a step: only the thread below moves the clock
    with serve(speed=step, manual_clock=True, final_size=FINAL_SIZE,
               callback_secret=SECRET) as emu:
        stop = threading.Event()

        def tick() -> None:
            while not stop.wait(0.02):
                emu.advance(step / 4)

        async def loop() -> None:
            async with pixelz.AsyncClient(*emu.credentials, base_url=emu.base_url) as client:
                submitted = [
                    await client.submit_image_with_instruction(
                        source, template_id=TEMPLATE, instruction="remove the background",
                        developer_api_key="dev", callback_url=hook.url,
                        customer_image_id=f"async-{n}")
                    for n, source in enumerate(SOURCES)
                ]
                ticker.start()
                images = list(await asyncio.gather(*(
                    client.wait_for(s.image_ticket, timeout=20, poll_interval=0.05)
                    for s in submitted)))
                dest = tmp_path / "async-finals"
                results = await client.download_all(images, dest, concurrency=3)
                stop.set()
                check_loop(emu, hook, submitted, images, results, dest)

        ticker = threading.Thread(target=tick, daemon=True)
        try:
            asyncio.run(loop())
        finally:
            stop.set()
            if ticker.is_alive():
                ticker.join(5)
