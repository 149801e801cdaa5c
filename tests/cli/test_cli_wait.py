"""``pixelz images wait``: polls until the status is reached, prints the record as
``images get`` does, fails in one line on timeout or an unknown image; in-process, against the
respx stand-in of _fake.py (whose image moves on at each poll) and the loopback emulator."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

import pixelz
from pixelz.emulator import Emulator

from ._fake import AT, TICKET, FakeService, element, soap_fault
from .conftest import Run

STEPS = [(10, "New"), (60, "InProduction"), (70, "ProductionFinished"), (80, "Delivered")]
FINAL = "https://cdn.example/final/jacket.png"
FAST = ["--poll-interval", "0.01"]
# What rich writes to take its one-line bar off the screen: back to the bar's line, erase it.
ERASE = "\r\x1b[1A\x1b[2K"


def image_status(status_id: int, name: str | None) -> str:
    finals = f"<FinalImagesURL><string>{FINAL}</string></FinalImagesURL>" if status_id == 80 else ""
    return ("<ImageStatus>" + element("ImageTicket", TICKET)
            + element("CustomerImageId", "JKT-20001-BLK-1") + element("ProductId", "JKT-20001")
            + element("StatusName", name) + element("StatusId", status_id)
            + element("IsPaid", status_id == 80) + finals + "</ImageStatus>")


def moving(steps: list[tuple[int, str]]) -> Callable[[dict[str, Any]], str]:
    """GetImageStatus answers that move one step per poll, then stay at the last."""
    polls = iter(steps)
    last = steps[-1]

    def answer(params: dict[str, Any]) -> str:
        return image_status(*next(polls, last))

    return answer


@pytest.fixture
def moving_service(service: FakeService) -> FakeService:
    service.answers["GetImageStatus"] = moving(STEPS)
    return service


def test_wait_polls_until_delivered_and_prints_the_record(
    cli: Run, moving_service: FakeService
) -> None:
    result = cli(*AT, "images", "wait", TICKET, *FAST, "--format", "json")
    assert result.returncode == 0, result
    assert moving_service.operations == ["GetImageStatus"] * 4
    assert all(params["imageTicket"] == TICKET for _, params in moving_service.calls)
    record = json.loads(result.stdout)
    assert record["status_id"] == 80 and record["final_image_urls"] == [FINAL]
    assert result.stderr == ""  # not a terminal: no spinner


def test_wait_prints_as_images_get_does(cli: Run, service: FakeService) -> None:
    service.answers["GetImageStatus"] = image_status(80, "Delivered")
    for fmt in ("table", "json", "ndjson", "csv"):
        waited = cli(*AT, "images", "wait", TICKET, "--format", fmt)
        got = cli(*AT, "images", "get", TICKET, "--format", fmt)
        assert waited.returncode == got.returncode == 0
        assert waited.stdout_bytes == got.stdout_bytes


def test_an_earlier_status_stops_at_it_or_a_later_one(
    cli: Run, moving_service: FakeService
) -> None:
    result = cli(*AT, "images", "wait", TICKET, *FAST, "--status", "in production",
                 "--format", "ndjson")
    assert result.returncode == 0, result
    assert json.loads(result.stdout)["status_name"] == "InProduction"
    assert len(moving_service.calls) == 2


def test_by_customer_image_id(cli: Run, service: FakeService) -> None:
    service.answers["GetImageStatus"] = image_status(80, "Delivered")
    result = cli(*AT, "images", "wait", "--customer-image-id", "JKT-20001-BLK-1")
    assert result.returncode == 0, result
    [(_, params)] = service.calls
    assert params["customerImageId"] == "JKT-20001-BLK-1"
    assert result.stdout.startswith(f"image_ticket         {TICKET}\n")


def test_timeout_is_one_line(cli: Run, service: FakeService) -> None:
    service.answers["GetImageStatus"] = moving(STEPS[:2])
    result = cli(*AT, "images", "wait", TICKET, *FAST, "--timeout", "0.2")
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr_lines == [
        f"pixelz: error: GetImageStatus: image {TICKET} is still in production after 0.2 s, "
        "waiting for delivered"
    ]


def test_an_unknown_image_fails_at_once(cli: Run, service: FakeService) -> None:
    service.answers["GetImageStatus"] = soap_fault("Image not found")
    result = cli(*AT, "images", "wait", TICKET, *FAST, "--timeout", "30")
    assert result.returncode == 1
    assert result.stderr_lines == ["pixelz: error: GetImageStatus over soap11: Image not found"]
    assert len(service.calls) == 1


def test_an_unknown_status_id_is_explained(cli: Run, service: FakeService) -> None:
    service.answers["GetImageStatus"] = image_status(80, "Delivered")
    result = cli(*AT, "images", "wait", TICKET, "--status", "75")
    assert result.returncode == 0
    assert result.stderr_lines == [
        "pixelz: note: --status 75 is not a status pixelz knows by name; the wait ends when "
        "the image's status id is 75 or more"
    ]


@pytest.mark.parametrize(("option", "value"), [("--timeout", "0"), ("--timeout", "soon"),
                                               ("--poll-interval", "-1"),
                                               ("--poll-interval", "nan")])
def test_durations_must_be_positive_seconds(cli: Run, option: str, value: str) -> None:
    result = cli(*AT, "images", "wait", TICKET, option, value)
    assert result.returncode == 2
    assert result.stderr_lines == [
        f"pixelz: error: {option}: expected a number of seconds greater than 0, such as 30, "
        f"got {value!r}",
        "pixelz: run 'pixelz images wait --help' for the options and examples",
    ]


def test_the_request_timeout_goes_before_the_command(
    cli: Run, service: FakeService, monkeypatch: pytest.MonkeyPatch
) -> None:
    service.answers["GetImageStatus"] = image_status(80, "Delivered")
    seen: dict[str, object] = {}
    real = pixelz.Client.wait_for

    def spy(self: pixelz.Client, *args: Any, **kwargs: Any) -> pixelz.ImageStatus:
        seen["request"], seen["wait"] = self._timeout, kwargs["timeout"]
        return real(self, *args, **kwargs)

    monkeypatch.setattr(pixelz.Client, "wait_for", spy)
    result = cli("--timeout", "7", *AT, "images", "wait", TICKET, "--timeout", "90")
    assert result.returncode == 0, result
    assert seen["wait"] == 90.0
    assert seen["request"] == httpx.Timeout(7.0)


def test_ticket_or_customer_image_id(cli: Run) -> None:
    result = cli(*AT, "images", "wait")
    assert result.returncode == 2
    assert result.stderr_lines[0] == "pixelz: error: give an image ticket or --customer-image-id"


def test_a_spinner_on_a_terminal(cli: Run, moving_service: FakeService) -> None:
    result = cli(*AT, "images", "wait", TICKET, *FAST, "--format", "ndjson", tty=True)
    assert result.returncode == 0, result
    assert f"waiting for image {TICKET} to be Delivered" in result.stderr
    assert result.stderr.endswith(ERASE)  # erased, nothing left behind
    assert json.loads(result.stdout)["status_id"] == 80


def test_ctrl_c_erases_the_spinner(
    cli: Run, service: FakeService, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(self: pixelz.Client, *args: Any, **kwargs: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(pixelz.Client, "wait_for", interrupted)
    result = cli(*AT, "images", "wait", "--customer-image-id", "JKT-1", tty=True)
    assert result.returncode == 130
    assert "waiting for image 'JKT-1' to be Delivered" in result.stderr
    assert result.stderr.endswith(f"{ERASE}pixelz: interrupted\n")


def test_against_the_emulator(cli: Run, emulator: Emulator) -> None:
    delivered = next(r for r in emulator.dataset if r.StatusId == 80)
    result = cli("--base-url", emulator.base_url, "images", "wait", str(delivered.ImageTicket),
                 "--format", "json")
    assert result.returncode == 0, result
    assert json.loads(result.stdout)["image_ticket"] == str(delivered.ImageTicket)
