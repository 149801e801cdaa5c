"""On a terminal and off it: the progress bar, the page footer, Ctrl-C, verbosity, broken
pipes, and the ``pixelz emulator`` server command, all in-process."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator

import httpx
import pytest

import pixelz
from pixelz.emulator import Emulator, _command
from pixelz.emulator.dataset import demo_dataset, generate_dataset

from .conftest import EMAIL, KEY, Run, Stream, clean_env

# What rich writes to take its one-line bar off the screen: back to the bar's line, erase it.
ERASE = "\r\x1b[1A\x1b[2K"
SHOW_CURSOR = "\x1b[?25h"


def test_progress_on_a_terminal(cli: Run, emulator: Emulator) -> None:
    result = cli("--base-url", emulator.base_url, "images", "list", "--all", "--per-page", "50",
                 "--format", "ndjson", tty=True)
    assert result.returncode == 0
    assert len(result.stdout.splitlines()) == len(emulator.dataset)
    assert "\x1b[" not in result.stdout  # the bar stays on stderr
    assert result.stderr.startswith("\x1b[?25lpixelz: ")  # cursor hidden while the bar runs
    assert "━" in result.stderr  # the bar itself
    assert " 0 images, fetching page 1 " in result.stderr
    assert " 200 images, fetching page 5, over soap11 " in result.stderr
    # the bar is erased and the cursor shown again, then the total is left on its own line
    assert result.stderr.endswith(
        f"{SHOW_CURSOR}{ERASE}pixelz: {len(emulator.dataset)} images over soap11\n")


def test_progress_and_records_on_the_same_terminal(cli: Run, emulator: Emulator) -> None:
    # stdout and stderr both a terminal: the bar is erased before records are written, so
    # no record line starts with (or is drawn over by) the bar
    result = cli("--base-url", emulator.base_url, "images", "list", "--all", "--per-page", "50",
                 tty=True, stdout_tty=True, columns="200")
    assert result.returncode == 0, result
    lines = [line for line in result.stdout.splitlines() if not line.startswith("\x1b[1m")]
    assert len(lines) == len(emulator.dataset)  # the header is bold, on a terminal
    assert result.stdout.startswith("\x1b[1mIMAGE TICKET")
    assert "━" not in result.stdout
    assert result.stderr.count(ERASE) >= len(emulator.dataset) // 50
    assert result.stderr.endswith(f"{ERASE}pixelz: {len(emulator.dataset)} images over soap11\n")


def test_no_progress_or_footer_without_a_terminal(cli: Run, emulator: Emulator) -> None:
    for extra in (["--all"], []):
        result = cli("--base-url", emulator.base_url, "images", "list", *extra,
                     "--format", "csv")
        assert result.returncode == 0
        assert result.stderr == ""


def test_footer_says_how_to_get_more(cli: Run, emulator: Emulator) -> None:
    args = ["--base-url", emulator.base_url, "images", "list"]
    first = cli(*args, "--per-page", "100", tty=True)
    assert first.stderr == (
        "100 images on page 1, over soap11; more: --page 2, or --all for every page\n"
    )
    last = cli(*args, "--per-page", "100", "--page", "3", tty=True)
    assert last.stderr == "50 images on page 3, over soap11 (the last page)\n"
    one = cli(*args, "--per-page", "1", "--page", str(len(emulator.dataset)), tty=True)
    assert one.stderr.startswith("1 image on page 250, over soap11; more: --page 251")


def _interrupted_after(count: int) -> object:
    def iter_images(self: pixelz.Client, **query: object) -> Iterator[pixelz.ImageStatus]:
        yield from self.list_images(per_page=count)
        raise KeyboardInterrupt

    return iter_images


def test_ctrl_c_during_all_starts_its_own_line(
    cli: Run, emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pixelz.Client, "iter_images", _interrupted_after(3))
    result = cli("--base-url", emulator.base_url, "images", "list", "--all", "--format",
                 "ndjson", tty=True)
    assert result.returncode == 130
    assert len(result.stdout.splitlines()) == 3
    assert "fetching page 1" in result.stderr
    # the bar is erased before the message, which is a line of its own
    assert result.stderr.endswith(f"{SHOW_CURSOR}{ERASE}pixelz: interrupted\n")


def test_ctrl_c_without_a_terminal(
    cli: Run, emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pixelz.Client, "iter_images", _interrupted_after(2))
    result = cli("--base-url", emulator.base_url, "images", "list", "--all", "--format", "csv")
    assert result.returncode == 130
    assert result.stderr == "pixelz: interrupted\n"


@pytest.mark.parametrize("blocked_emulator", ["soap11"], indirect=True)
def test_verbose_shows_fallbacks(cli: Run, blocked_emulator: Emulator) -> None:
    args = ["--base-url", blocked_emulator.base_url, "images", "list", "--format", "json"]
    quiet = cli(*args)
    assert quiet.returncode == 0 and quiet.stderr == ""
    loud = cli("-v", *args)
    assert loud.returncode == 0
    assert json.loads(loud.stdout) == json.loads(quiet.stdout)
    assert loud.stderr.startswith("pixelz: warning: ")
    assert "soap12" in loud.stderr
    debug = cli("-vv", *args)
    assert "pixelz: debug: " in debug.stderr


class _ClosedPipe(Stream):
    """A stdout whose reader goes away after the first line."""

    def write(self, text: str) -> int:
        if self.value():
            raise BrokenPipeError(32, "Broken pipe")
        return super().write(text)


def test_broken_pipe_is_quiet(cli: Run, emulator: Emulator) -> None:
    out = _ClosedPipe()
    result = cli("--base-url", emulator.base_url, "images", "list", "--all", "--format",
                 "ndjson", "--per-page", "10", stdout=out)
    assert result.returncode == 0
    assert len(result.stdout.splitlines()) == 1
    assert result.stderr == ""


# -- pixelz emulator ------------------------------------------------------------------------


def _serve_once(monkeypatch: pytest.MonkeyPatch, seen: dict[str, object]) -> None:
    """Make ``pixelz emulator`` list its images once, then stop as Ctrl-C would."""

    def wait() -> None:
        banner = seen["stdout"]
        assert isinstance(banner, Stream)
        text = banner.value().decode()
        seen["banner"] = text
        base_url = text.split()[4]
        email = text.split("contact email: ")[1].split()[0]
        seen["base_url"] = base_url
        seen["wsdl"] = httpx.get(base_url + "?WSDL").status_code
        with pixelz.Client(email, str(seen["key"]), base_url=base_url) as client:
            seen["records"] = list(client.iter_images())
        with pixelz.Client(email, str(seen["key"]), base_url=base_url,
                           protocols=["soap11"]) as pinned:
            try:
                seen["soap11"] = len(pinned.list_images(per_page=1))
            except pixelz.PixelzError as exc:
                seen["soap11"] = exc
        raise KeyboardInterrupt

    monkeypatch.setattr(_command, "_wait", wait)


def test_emulator_command_serves_the_demo_data_until_interrupted(
    cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = Stream()
    seen: dict[str, object] = {"stdout": out, "key": "demo-api-key"}
    _serve_once(monkeypatch, seen)
    result = cli("emulator", "--port", "0", "--images", "30", env=clean_env(False), stdout=out)
    assert result.returncode == 0, result
    assert seen["wsdl"] == 200 and seen["soap11"] == 1
    origin = str(seen["base_url"]).rsplit("/", 1)[0]  # the demo finals are served there
    assert seen["records"] == [
        pixelz.ImageStatus(r.ImageTicket, r.CustomerImageId, r.ProductId, r.StatusName,
                           r.StatusId, r.IsPaid, r.ThumbnailImageURL,
                           tuple(u.replace("emulator:", origin)
                                 for u in r.FinalImagesURL or () if u is not None))
        for r in demo_dataset(30, 0)
    ]
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Pixelz emulator listening on http://127.0.0.1:")
    assert lines[1] == "  contact email: demo@example.com  API key: demo-api-key"
    assert lines[2].startswith("  30 images (demo); WSDL at http://127.0.0.1:")


def test_emulator_command_hard_cases_knobs_and_a_hidden_key(
    cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = Stream()
    seen: dict[str, object] = {"stdout": out, "key": KEY}
    _serve_once(monkeypatch, seen)
    result = cli("emulator", "--port", "0", "--dataset", "hard-cases", "--images", "25",
                 "--seed", "4", "--contact-email", EMAIL, "--contact-api-key", KEY,
                 "--block", "soap11", stdout=out)
    assert result.returncode == 0, result
    records = seen["records"]
    assert isinstance(records, list)
    assert isinstance(seen["soap11"], pixelz.ProtocolBlockedError)  # --block soap11
    assert [r.image_ticket for r in records] == [r.ImageTicket for r in generate_dataset(25, 4)]
    assert "API key: (as given)" in result.stdout and KEY not in result.stdout
    assert "25 images (hard-cases)" in result.stdout


def test_emulator_command_reads_a_data_set_file(
    cli: Run, monkeypatch: pytest.MonkeyPatch, tmp_path: pytest.TempPathFactory
) -> None:
    from pixelz.emulator import dump_json

    path = tmp_path / "records.json"  # type: ignore[operator]
    path.write_text(dump_json(generate_dataset(7, 2)), encoding="utf-8")
    out = Stream()
    seen: dict[str, object] = {"stdout": out, "key": "demo-api-key"}
    _serve_once(monkeypatch, seen)
    result = cli("emulator", "--port", "0", "--dataset", str(path), stdout=out)
    assert result.returncode == 0, result
    assert len(seen["records"]) == 7  # type: ignore[arg-type]
    assert "7 images (from file)" in result.stdout
    broken = tmp_path / "broken.json"  # type: ignore[operator]
    broken.write_text("[{}]", encoding="utf-8")
    refused = cli("emulator", "--dataset", str(broken))
    assert refused.returncode == 2
    assert refused.stderr_lines[0].startswith(
        f"pixelz: error: --dataset: {broken}: not a data set file: dataset record 0: "
    )


def test_emulator_command_port_in_use_is_one_line(cli: Run) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = cli("emulator", "--port", str(port))
    assert result.returncode == 1
    assert result.stderr_lines == [
        f"pixelz: error: cannot listen on 127.0.0.1 port {port}: Address already in use"
    ]
