"""The emulator's delivery side: the lifecycle on its clock, the files it serves, callbacks.

Clocks are advanced by hand (``manual_clock=True``), so nothing here sleeps to make an image
move; callbacks go to a real loopback receiver (``pixelz.webhooks.app`` under ``wsgiref``).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import struct
import threading
import time
import uuid
import zlib
from collections.abc import Callable, Iterator

import httpx
import pytest

import pixelz
import pixelz.webhooks
from pixelz.emulator import DEMO_CALLBACK_SECRET, Emulator, _command, serve
from pixelz.emulator._files import FINAL_SIDE, THUMBNAIL_SIDE, final_file, parse_range

from .._webhook_receiver import Receiver

TEMPLATE = 101  # in every generated account
DEV_KEY = "dev-key"
STEP = 60.0


@pytest.fixture
def emu() -> Iterator[Emulator]:
    """A served emulator whose images take a minute per step on a hand-moved clock."""
    with serve(speed=STEP, manual_clock=True, callback_backoff=0.01) as emulator:
        yield emulator


@pytest.fixture
def client(emu: Emulator) -> Iterator[pixelz.Client]:
    with pixelz.Client(*emu.credentials, base_url=emu.base_url) as c:
        yield c


def status(client: pixelz.Client, ticket: uuid.UUID) -> pixelz.ImageStatus:
    return client.get_image_status(ticket)


def submit(client: pixelz.Client, url: str = "https://shop.example/img/shoe-front.jpg",
           **kwargs: object) -> uuid.UUID:
    return client.submit_image(url, template_id=TEMPLATE, developer_api_key=DEV_KEY,
                               **kwargs).image_ticket  # type: ignore[arg-type]


def png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    """Walk a PNG, checking its signature and every chunk's CRC."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, offset = [], 8
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind = data[offset + 4 : offset + 8]
        body = data[offset + 8 : offset + 8 + length]
        (crc,) = struct.unpack(">I", data[offset + 8 + length : offset + 12 + length])
        assert crc == zlib.crc32(body, zlib.crc32(kind)), kind
        chunks.append((kind, body))
        offset += 12 + length
    assert offset == len(data) and chunks[-1] == (b"IEND", b"")
    return chunks


def pixels(data: bytes) -> tuple[int, int, bytes]:
    chunks = dict(png_chunks(data))
    width, height, depth, colour = struct.unpack(">IIBB", chunks[b"IHDR"][:10])
    assert (depth, colour) == (8, 2)
    return width, height, zlib.decompress(chunks[b"IDAT"])


# -- the lifecycle -----------------------------------------------------------------------


def test_off_by_default_nothing_moves(pixelz_emulator: Emulator) -> None:
    with pixelz.Client(*pixelz_emulator.credentials, base_url=pixelz_emulator.base_url) as c:
        ticket = submit(c)
        before = c.list_images(per_page=100)
        assert pixelz_emulator.config.speed is None
        pixelz_emulator.advance(10**9)
        assert status(c, ticket).status_id == 10
        assert c.list_images(per_page=100) == before
    assert pixelz_emulator.callbacks == ()


def test_one_step_per_speed_seconds(emu: Emulator, client: pixelz.Client) -> None:
    ticket = submit(client, "https://shop.example/img/shoe-front.jpg",
                    extra_image_urls=["https://shop.example/img/shoe%20back.JPG?v=2",
                                      "https://shop.example/img/shoe-front.tif"])
    origin = emu.base_url.removesuffix("/soap.asmx")
    new = status(client, ticket)
    assert (new.status_id, new.status_name, new.is_paid) == (10, "New", False)
    emu.advance(STEP - 1)
    assert status(client, ticket).status_id == 10
    emu.advance(1)
    working = status(client, ticket)
    assert (working.status_id, working.status_name, working.is_paid) == (60, "InProduction",
                                                                         True)
    assert working.thumbnail_image_url == f"{origin}/files/{ticket}/thumbnail.png"
    assert working.final_image_urls == ()
    emu.advance(STEP)
    finished = status(client, ticket)
    assert (finished.status_id, finished.status_name) == (70, "ProductionFinished")
    emu.advance(STEP)
    done = status(client, ticket)
    assert (done.status_id, done.status_name) == (80, "Delivered")
    # One final per source image, named after it, made safe and unique.
    assert done.final_image_urls == tuple(
        f"{origin}/files/{ticket}/{name}"
        for name in ("shoe-front.png", "shoe-back.png", "shoe-front-2.png")
    )
    emu.advance(STEP * 10)
    assert status(client, ticket) == done  # Delivered is the end
    assert emu.clock.now() == pytest.approx(STEP * 13)


def test_a_big_jump_takes_every_step_due(emu: Emulator, client: pixelz.Client) -> None:
    first = submit(client)
    emu.advance(STEP * 1.5)
    second = submit(client, customer_image_id="later")
    emu.advance(STEP * 1.5)  # first: 3 steps since submission; second: 1
    assert status(client, first).status_id == 80
    assert status(client, second).status_id == 60


@pytest.mark.parametrize("operation", ["AddImageToQueue", "AddImageWithInstructionToQueue",
                                       "AddStackImageToQueue", "AddPartnerImageToQueue",
                                       "WhiteGloveService"])
def test_every_submission_moves(emu: Emulator, client: pixelz.Client, operation: str) -> None:
    url = "https://shop.example/a.jpg"
    submitters: dict[str, Callable[[], pixelz.SubmittedImage]] = {
        "AddImageToQueue": lambda: client.submit_image(
            url, template_id=TEMPLATE, developer_api_key=DEV_KEY),
        "AddImageWithInstructionToQueue": lambda: client.submit_image_with_instruction(
            url, template_id=TEMPLATE, instruction="crop", developer_api_key=DEV_KEY),
        "AddStackImageToQueue": lambda: client.submit_stack_image(
            url, template_id=TEMPLATE, developer_api_key=DEV_KEY),
        "AddPartnerImageToQueue": lambda: client.submit_partner_image(
            url, application_code="app", template_id=TEMPLATE),
        "WhiteGloveService": lambda: client.submit_white_glove(url, developer_api_key=DEV_KEY),
    }
    ticket = submitters[operation]().image_ticket
    assert emu.log.entries[-1].operation == operation
    emu.advance(STEP * 3)
    assert status(client, ticket).final_image_urls[0].endswith(f"/files/{ticket}/a.png")


def test_speed_zero_is_instant(pixelz_emulator: Emulator) -> None:
    pixelz_emulator.config.speed = 0
    with pixelz.Client(*pixelz_emulator.credentials, base_url=pixelz_emulator.base_url) as c:
        ticket = submit(c)
        assert status(c, ticket).status_id == 80


def test_a_rejected_image_moves_on_again(emu: Emulator, client: pixelz.Client) -> None:
    with Receiver(DEMO_CALLBACK_SECRET) as hook:
        ticket = submit(client, callback_url=hook.url)
        emu.advance(STEP * 3)
        final = status(client, ticket).final_image_urls[0]
        assert httpx.get(final).status_code == 200
        client.reject_image(ticket, comment="the shadow is too dark")
        back = status(client, ticket)
        # The name RejectProcessedImage writes, as the reference service does.
        assert (back.status_id, back.status_name, back.final_image_urls) == (
            60, "In Production", ())
        assert httpx.get(final).status_code == 404  # the rejected final is gone
        assert httpx.get(back.thumbnail_image_url or "").status_code == 200
        emu.advance(STEP)
        assert status(client, ticket).status_id == 70
        emu.advance(STEP)
        again = status(client, ticket)
        assert (again.status_id, again.final_image_urls) == (80, (final,))
        assert httpx.get(final).status_code == 200
        deliveries = emu.wait_callbacks()
    assert [d.image_ticket for d in deliveries] == [ticket, ticket]  # one per delivery
    assert all(d.delivered for d in deliveries) and len(hook.events) == 2


def test_a_rejected_data_set_image_is_delivered_by_the_emulator(
    emu: Emulator, client: pixelz.Client
) -> None:
    record = next(r for r in emu.dataset if r.StatusId == 80)
    client.reject_image(record.ImageTicket, comment="redo")
    emu.advance(STEP * 2)
    image = status(client, record.ImageTicket)
    assert image.status_id == 80
    assert image.final_image_urls == (
        f"{emu.base_url.removesuffix('/soap.asmx')}/files/{record.ImageTicket}/final.png",)
    assert emu.callbacks == ()  # no callback URL was ever given for it


def test_a_deleted_image_stops_moving(emu: Emulator, client: pixelz.Client) -> None:
    ticket = submit(client)
    client.delete_image(ticket)
    assert emu.config.state.moving() == 0
    emu.advance(STEP * 3)
    with pytest.raises(pixelz.APIError, match="Image not found"):
        status(client, ticket)


def test_the_lifecycle_counts_in_the_other_operations(
    emu: Emulator, client: pixelz.Client
) -> None:
    ticket = submit(client, product_id="lifecycle-product")
    stats = {p.product_id: p for p in client.list_product_ids(per_page=100)}
    assert (stats["lifecycle-product"].done_count, stats["lifecycle-product"].todo_count) == (
        0, 1)
    emu.advance(STEP * 3)
    stats = {p.product_id: p for p in client.list_product_ids(per_page=100)}
    assert (stats["lifecycle-product"].done_count, stats["lifecycle-product"].todo_count) == (
        1, 0)
    delivered = client.list_images(status="delivered", per_page=100, sort_by="id",
                                   descending=True)
    assert delivered[0].image_ticket == ticket


def test_real_time_clock_moves_images_without_requests(pixelz_emulator: Emulator) -> None:
    pixelz_emulator.config.update(speed=0.02, callback_backoff=0.01)
    with Receiver(DEMO_CALLBACK_SECRET) as hook, pixelz.Client(
        *pixelz_emulator.credentials, base_url=pixelz_emulator.base_url
    ) as c:
        ticket = submit(c, callback_url=hook.url)
        served = len(pixelz_emulator.log)
        # The worker thread moves it on and calls back; no request needed.
        (delivery,) = pixelz_emulator.wait_callbacks(1)
        assert len(pixelz_emulator.log) == served
    assert delivery.delivered and delivery.image_ticket == ticket
    assert hook.events[0].image_ticket == ticket


def test_the_clock_switches_modes_without_jumping(emu: Emulator) -> None:
    clock = emu.clock
    clock.advance(5)
    assert clock.now() == 5.0
    emu.config.manual_clock = False
    assert 5.0 <= clock.now() < 6.0
    emu.config.manual_clock = True
    frozen = clock.now()
    assert clock.now() == frozen
    with pytest.raises(ValueError, match="seconds"):
        emu.advance(-1)


def test_reset_gives_a_fresh_clock_state_and_callback_queue(
    emu: Emulator, client: pixelz.Client
) -> None:
    unreachable = "http://127.0.0.1:9/callback"
    emu.config.callback_attempts = 1
    ticket = submit(client, callback_url=unreachable)
    emu.advance(STEP * 3)
    emu.wait_callbacks()
    assert emu.callbacks and emu.clock.now() == STEP * 3
    old_clock = emu.clock
    emu.config.reset()
    assert emu.clock is not old_clock and emu.clock.now() == 0.0
    assert emu.callbacks == ()
    assert emu.config.callback_attempts == 5  # the knobs given at construction
    with pytest.raises(pixelz.APIError, match="Image not found"):
        status(client, ticket)


def test_knobs_are_checked_and_the_secret_never_shown() -> None:
    for bad in ({"speed": -1}, {"speed": float("nan")}, {"final_size": -1},
                {"final_size": 2**31}, {"callback_secret": ""}, {"callback_attempts": 0},
                {"callback_backoff": -0.5}):
        with pytest.raises(ValueError, match=next(iter(bad))):
            Emulator(images=1, **bad)
    emu = Emulator(images=1, callback_secret="s3cret-value")
    assert "s3cret-value" not in repr(emu.config) and "s3cret-value" not in repr(emu)
    emu.config.speed = "2.5"  # type: ignore[assignment]  # converted like the other floats
    assert emu.config.speed == 2.5


# -- the files -----------------------------------------------------------------------------


@pytest.fixture
def delivered(emu: Emulator, client: pixelz.Client) -> pixelz.ImageStatus:
    emu.config.final_size = 300_000
    ticket = submit(client, extra_image_urls=["https://shop.example/img/shoe-back.jpg"])
    emu.advance(STEP * 3)
    return status(client, ticket)


def test_a_final_is_a_real_png_of_the_configured_size(
    emu: Emulator, delivered: pixelz.ImageStatus
) -> None:
    front, back = delivered.final_image_urls
    response = httpx.get(front)
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/png"
    assert response.headers["content-length"] == "300000" and len(response.content) == 300_000
    assert response.headers["accept-ranges"] == "bytes"
    width, height, raw = pixels(response.content)
    assert (width, height) == (FINAL_SIDE, FINAL_SIDE)
    assert len(raw) == FINAL_SIDE * (1 + 3 * FINAL_SIDE)  # filter byte + RGB per row
    kinds = [kind for kind, _ in png_chunks(response.content)]
    assert kinds == [b"IHDR", b"tEXt", b"IDAT", b"pzPd", b"IEND"]
    assert httpx.get(front).content == response.content  # the same bytes every time
    other = httpx.get(back).content
    assert len(other) == 300_000 and other != response.content
    thumbnail = httpx.get(delivered.thumbnail_image_url or "")
    assert pixels(thumbnail.content)[:2] == (THUMBNAIL_SIDE, THUMBNAIL_SIDE)
    assert int(thumbnail.headers["content-length"]) == len(thumbnail.content) < 300_000


def test_head_and_ranges(delivered: pixelz.ImageStatus) -> None:
    url = delivered.final_image_urls[0]
    whole = httpx.get(url).content
    etag = httpx.get(url).headers["etag"]
    head = httpx.head(url)
    assert (head.status_code, head.content) == (200, b"")
    assert head.headers["content-length"] == "300000" and head.headers["etag"] == etag

    def get(range_: str, **headers: str) -> httpx.Response:
        return httpx.get(url, headers={"Range": range_, **headers})

    first = get("bytes=0-99")
    assert first.status_code == 206 and first.content == whole[:100]
    assert first.headers["content-range"] == "bytes 0-99/300000"
    assert first.headers["content-length"] == "100"
    middle = get("bytes=70000-200000")  # across the padding's 64 KiB pattern
    assert middle.content == whole[70000:200001]
    assert get("bytes=299990-").content == whole[299990:]
    tail = get("bytes=-10")
    assert tail.content == whole[-10:] and tail.headers["content-range"] == (
        "bytes 299990-299999/300000")
    assert get("bytes=299000-999999").content == whole[299000:]  # clipped to the end
    for unsatisfiable in ("bytes=300000-", "bytes=-0"):
        refused = get(unsatisfiable)
        assert refused.status_code == 416, unsatisfiable
        assert refused.headers["content-range"] == "bytes */300000"
    for ignored in ("bytes=0-1,5-6", "items=0-5", "bytes=9-2"):
        assert get(ignored).status_code == 200, ignored
    assert get("bytes=0-9", **{"If-Range": etag}).status_code == 206
    assert get("bytes=0-9", **{"If-Range": '"stale"'}).status_code == 200
    head_range = httpx.head(url, headers={"Range": "bytes=0-9"})
    assert head_range.status_code == 206 and head_range.headers["content-length"] == "10"


def test_unknown_files_and_other_methods(emu: Emulator,
                                         delivered: pixelz.ImageStatus) -> None:
    origin = emu.base_url.removesuffix("/soap.asmx")
    url = delivered.final_image_urls[0]
    assert httpx.get(f"{origin}/files/{uuid.uuid4()}/shoe-front.png").status_code == 404
    assert httpx.get(url.replace("shoe-front", "shoe-side")).status_code == 404
    assert httpx.get(f"{origin}/files/").status_code == 404
    posted = httpx.post(url, content=b"x")
    assert posted.status_code == 405 and posted.headers["allow"] == "GET, HEAD"
    # The data set's finals live elsewhere: the emulator does not serve them.
    record = next(r for r in emu.dataset if r.FinalImagesURL)
    assert httpx.get(f"{origin}/files/{record.ImageTicket}/final.png").status_code == 404


def test_files_stream_in_pieces_in_process(emu: Emulator,
                                           delivered: pixelz.ImageStatus) -> None:
    path = delivered.final_image_urls[0].split(":", 2)[2].split("/", 1)[1]
    response = emu.handle("GET", "/" + path)
    assert response.body == b"" and response.stream is not None
    pieces = list(response.stream)
    assert max(len(p) for p in pieces) <= 64 * 1024 and sum(map(len, pieces)) == 300_000
    assert response.content_length == 300_000
    # The in-process mounts serve them too, at the in-process origin.
    emu.stop()
    with httpx.Client(transport=httpx.WSGITransport(app=emu.wsgi_app)) as http:
        assert http.get(f"http://pixelz-emulator/{path}").content == b"".join(pieces)

    async def over_asgi() -> httpx.Response:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=emu.asgi_app)) as http:
            return await http.get(f"http://pixelz-emulator/{path}",
                                  headers={"Range": "bytes=100-"})

    ranged = asyncio.run(over_asgi())
    assert ranged.status_code == 206 and ranged.content == b"".join(pieces)[100:]
    assert ranged.headers["content-length"] == str(300_000 - 100)


def test_final_size_extremes() -> None:
    tiny = final_file("t", "a.png", 10)  # smaller than the picture: the bare picture
    assert tiny.padding is None and tiny.size == len(tiny.read()) > 10
    png_chunks(tiny.read())
    exact = final_file("t", "a.png", tiny.size + 12)  # room for an empty padding chunk
    assert exact.padding == 0 and len(exact.read()) == tiny.size + 12
    assert [k for k, _ in png_chunks(exact.read())][-2:] == [b"pzPd", b"IEND"]
    big = final_file("t", "a.png", 3 * 1024 * 1024 + 7)
    assert sum(len(piece) for piece in big.chunks()) == big.size == 3 * 1024 * 1024 + 7
    png_chunks(big.read())
    assert parse_range("bytes=0-0", 0) is False and parse_range("bytes=-5", 0) is False


# -- callbacks -----------------------------------------------------------------------------


def test_a_delivered_image_calls_back_signed(emu: Emulator, client: pixelz.Client) -> None:
    with Receiver(DEMO_CALLBACK_SECRET) as hook:
        ticket = submit(client, callback_url=hook.url, customer_image_id="sku-77")
        no_callback = submit(client, customer_image_id="sku-78")
        emu.advance(STEP * 3)
        (delivery,) = emu.wait_callbacks()
    image = status(client, ticket)
    assert status(client, no_callback).status_id == 80
    assert delivery.delivered and delivery.url == hook.url
    assert delivery.attempts == (pixelz.emulator.CallbackAttempt(204),)
    (received,) = hook.requests
    assert received.body == delivery.body
    assert received.headers["Content-Type"] == "application/json"
    assert pixelz.webhooks.verify(received.body, received.headers, DEMO_CALLBACK_SECRET)
    assert pixelz.webhooks.verify(delivery.body, delivery.headers, DEMO_CALLBACK_SECRET)
    (event,) = hook.events
    assert event.image_ticket == ticket
    assert event.processed_image_url == image.final_image_urls[0]
    assert event.template_id == str(TEMPLATE)
    assert event.raw["customerImageId"] == "sku-77"


def test_callbacks_leave_from_a_worker_not_the_request(
    emu: Emulator, client: pixelz.Client
) -> None:
    with Receiver(DEMO_CALLBACK_SECRET) as hook:
        hook.gate = threading.Event()  # the receiver holds every request until set
        ticket = submit(client, callback_url=hook.url)
        emu.clock.advance(STEP * 3)  # the clock alone: the next request applies the steps
        assert status(client, ticket).status_id == 80  # answered while the POST waits
        assert [d.outcome for d in emu.callbacks] == ["pending"]
        hook.gate.set()
        (delivery,) = emu.wait_callbacks()
    assert delivery.delivered


def test_a_failing_receiver_is_retried_with_backoff(
    emu: Emulator, client: pixelz.Client, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with Receiver(DEMO_CALLBACK_SECRET, fail_first=2) as hook:
        ticket = submit(client, callback_url=hook.url + "?token=t0ps3cret")
        emu.advance(STEP * 3)
        (delivery,) = emu.wait_callbacks()
    assert [a.status for a in delivery.attempts] == [500, 500, 204]
    assert delivery.delivered and len(hook.requests) == 3
    assert [e.image_ticket for e in hook.events] == [ticket]
    assert len({r.body for r in hook.requests}) == 1  # the same body each time
    emulator_logs = [r.getMessage() for r in caplog.records if r.name == "pixelz.emulator"]
    assert any("retrying" in m for m in emulator_logs)
    assert all("t0ps3cret" not in m and DEMO_CALLBACK_SECRET not in m for m in emulator_logs)


def test_a_refused_connection_is_retried_then_given_up(
    emu: Emulator, client: pixelz.Client
) -> None:
    emu.config.callback_attempts = 3
    submit(client, callback_url="http://127.0.0.1:9/never")  # nothing listens on port 9
    emu.advance(STEP * 3)
    (delivery,) = emu.wait_callbacks()
    assert delivery.outcome == "failed" and len(delivery.attempts) == 3
    assert all(a.status is None and a.error and a.error.startswith("ConnectError")
               for a in delivery.attempts)


def test_a_refused_signature_is_not_retried(emu: Emulator, client: pixelz.Client) -> None:
    emu.config.callback_secret = "emulator-secret"
    with Receiver("receiver-secret") as hook:
        submit(client, callback_url=hook.url)
        emu.advance(STEP * 3)
        (delivery,) = emu.wait_callbacks()
    assert delivery.outcome == "failed" and [a.status for a in delivery.attempts] == [401]
    assert pixelz.webhooks.verify(delivery.body, delivery.headers, "emulator-secret")
    assert not pixelz.webhooks.verify(delivery.body, delivery.headers, DEMO_CALLBACK_SECRET)


def test_an_unusable_callback_url_fails_without_harm(
    emu: Emulator, client: pixelz.Client
) -> None:
    ticket = submit(client, callback_url="not a url")
    emu.advance(STEP * 3)
    (delivery,) = emu.wait_callbacks()
    assert delivery.outcome == "failed" and len(delivery.attempts) == 1
    assert status(client, ticket).status_id == 80


def test_stopping_the_emulator_stops_the_worker() -> None:
    with serve(speed=0.01, callback_backoff=30) as emu, pixelz.Client(
        *emu.credentials, base_url=emu.base_url
    ) as c:
        submit(c, callback_url="http://127.0.0.1:9/never")
        deadline = time.monotonic() + 10
        while not (emu.callbacks and emu.callbacks[0].attempts) and time.monotonic() < deadline:
            time.sleep(0.01)
        thread = emu._courier._thread
        assert thread is not None and thread.is_alive()  # retrying in 30 s: still busy
    thread.join(5)
    assert not thread.is_alive() and not emu._courier.running
    (delivery,) = emu.callbacks
    assert delivery.outcome == "pending" and len(delivery.attempts) == 1  # queued, not lost


# -- the command line ------------------------------------------------------------------------


def test_command_lifecycle_options(monkeypatch: pytest.MonkeyPatch,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    parser = argparse.ArgumentParser()
    _command.add_arguments(parser)
    monkeypatch.setenv("HOOK_SECRET", "cli-secret-value")
    args = parser.parse_args(["--port", "0", "--speed", "2.5", "--final-size", "1M",
                              "--callback-secret-env", "HOOK_SECRET"])
    assert "cli-secret-value" not in repr(args)
    config = _command.build(args).config
    assert (config.speed, config.final_size, config.callback_secret) == (
        2.5, 1024 * 1024, "cli-secret-value")
    default = _command.build(parser.parse_args([])).config
    assert (default.speed, default.callback_secret) == (None, DEMO_CALLBACK_SECRET)
    assert _command.build(parser.parse_args(["--speed", "0"])).config.speed == 0
    assert _command.build(parser.parse_args(["--final-size", "300k"])).config.final_size == (
        300 * 1024)
    monkeypatch.setenv("EMPTY_SECRET", "")
    for bad in (["--speed", "-1"], ["--speed", "soon"], ["--final-size", "2G"],
                ["--callback-secret-env", "EMPTY_SECRET"],
                ["--callback-secret-env", "NO_SUCH_VARIABLE_15"]):
        with pytest.raises(SystemExit):
            parser.parse_args(bad)
    err = capsys.readouterr().err
    assert "EMPTY_SECRET is unset or empty" in err

    monkeypatch.setattr(_command, "_wait", lambda: (_ for _ in ()).throw(KeyboardInterrupt))
    assert _command.run(args) == 0
    banner = capsys.readouterr().out
    assert "lifecycle: one step every 2.5 s; finals 1048576 bytes; callbacks signed with " \
           "the secret in $HOOK_SECRET" in banner
    assert "cli-secret-value" not in banner
