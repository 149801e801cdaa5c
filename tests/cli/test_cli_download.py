"""``pixelz images download``: images looked up by ticket or by filters, their finals fetched
from a local file server standing in for the CDN, a progress bar on a terminal only, and a
summary; in-process, against a loopback emulator whose records point at that server."""

from __future__ import annotations

import datetime
import functools
import http.server
import json
import re
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest

import pixelz
from pixelz.emulator import Emulator, serve
from pixelz.emulator.dataset import Record

from .conftest import EMAIL, KEY, Run

# What rich writes to take its one-line bar off the screen: back to the bar's line, erase it.
ERASE = "\r\x1b[1A\x1b[2K"
SIZES = {"a-front.png": 3_000, "a-back.png": 5_000, "b.png": 70_000, "d.png": 1_234}
A, B, C, D, E = (uuid.UUID(int=n) for n in (0xA, 0xB, 0xC, 0xD, 0xE))


@attrs.frozen
class Cdn:
    root: Path
    base: str
    requests: list[tuple[str, dict[str, str]]]


@pytest.fixture(scope="module")
def cdn(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cdn]:
    """A file server for the finals, recording each request's path and headers."""
    root = tmp_path_factory.mktemp("cdn")
    for name, size in SIZES.items():
        (root / name).write_bytes(name.encode() * (size // len(name)) + b"!" * (size % len(name)))
    requests: list[tuple[str, dict[str, str]]] = []

    class Handler(http.server.SimpleHTTPRequestHandler):
        def do_GET(self) -> None:
            requests.append((self.path, dict(self.headers.items())))
            super().do_GET()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    class Server(http.server.ThreadingHTTPServer):
        def handle_error(self, request: Any, client_address: Any) -> None:
            pass  # a skipped file's body is not read: the client hangs up

    server = Server(("127.0.0.1", 0), functools.partial(Handler, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield Cdn(root, f"http://127.0.0.1:{server.server_address[1]}", requests)
    finally:
        server.shutdown()
        server.server_close()


def _record(n: int, ticket: uuid.UUID, status: tuple[int, str], product: str,
            finals: tuple[str, ...]) -> Record:
    return Record(n, datetime.date(2026, 3, n), ticket, f"SKU-{n}", product, status[1],
                  status[0], status[0] == 80, None, finals or None)


@pytest.fixture(scope="module")
def deliveries(cdn: Cdn) -> Iterator[Emulator]:
    """A, B delivered (product "good"), C in production, D new but with a final URL, E
    delivered with a URL the CDN does not have (product "broken")."""
    url = functools.partial("{}/{}".format, cdn.base)
    records = (
        _record(1, A, (80, "Delivered"), "good", (url("a-front.png"), url("a-back.png"))),
        _record(2, B, (80, "Delivered"), "good", (url("b.png"),)),
        _record(3, C, (60, "InProduction"), "good", ()),
        _record(4, D, (10, "New"), "good", (url("d.png"),)),
        _record(5, E, (80, "Delivered"), "broken", (url("gone.png"),)),
    )
    with serve(contact_email=EMAIL, contact_api_key=KEY, dataset=records) as emu:
        yield emu


@pytest.fixture
def at(deliveries: Emulator, cdn: Cdn) -> list[str]:
    cdn.requests.clear()
    return ["--base-url", deliveries.base_url, "images", "download"]


def plain(text: str) -> str:
    """``text`` without its colours and cursor moves."""
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text)


def _names(dest: Path) -> set[str]:
    return {p.name for p in dest.iterdir()}


def test_by_ticket(cli: Run, at: list[str], tmp_path: Path, cdn: Cdn) -> None:
    dest = tmp_path / "finals"
    result = cli(*at, str(A), str(B), "--dest", str(dest))
    assert result.returncode == 0, result
    assert _names(dest) == {f"{A}_a-front.png", f"{A}_a-back.png", f"{B}_b.png"}
    assert (dest / f"{B}_b.png").read_bytes() == (cdn.root / "b.png").read_bytes()
    [summary] = result.stdout.splitlines()
    assert summary.startswith(f"3 files in {dest}: 3 downloaded (78.0 kB in ")
    assert summary.endswith(" s), 0 failed")
    assert result.stderr == ""  # not a terminal: no bar


def test_downloads_never_carry_the_credentials(
    cli: Run, at: list[str], tmp_path: Path, cdn: Cdn
) -> None:
    assert cli(*at, str(A), "--dest", str(tmp_path)).returncode == 0
    assert len(cdn.requests) == 2
    for path, headers in cdn.requests:
        sent = path + json.dumps(headers)
        assert KEY not in sent and EMAIL not in sent


def test_a_second_run_skips_and_overwrite_fetches_again(
    cli: Run, at: list[str], tmp_path: Path
) -> None:
    assert cli(*at, str(A), "--dest", str(tmp_path)).returncode == 0
    again = cli(*at, str(A), "--dest", str(tmp_path))
    assert again.returncode == 0
    assert again.stdout.startswith(f"2 files in {tmp_path}: 0 downloaded (0 bytes in ")
    assert again.stdout.endswith(" s), 2 skipped (already there, 8.0 kB), 0 failed\n")
    forced = cli(*at, str(A), "--dest", str(tmp_path), "--overwrite")
    assert forced.stdout.startswith(f"2 files in {tmp_path}: 2 downloaded (8.0 kB in ")


def test_filters_default_to_delivered_images(
    cli: Run, at: list[str], tmp_path: Path
) -> None:
    result = cli(*at, "--product-id", "good", "--dest", str(tmp_path))
    assert result.returncode == 0, result
    assert _names(tmp_path) == {f"{A}_a-front.png", f"{A}_a-back.png", f"{B}_b.png"}


def test_filters_as_images_list(cli: Run, at: list[str], tmp_path: Path) -> None:
    result = cli(*at, "--product-id", "good", "--exclude-status", "InProduction",
                 "--per-page", "1", "--dest", str(tmp_path))
    assert result.returncode == 0, result
    assert f"{D}_d.png" in _names(tmp_path)  # New, yet it has a final: not filtered out
    assert result.stdout.splitlines()[0].startswith(f"4 files in {tmp_path}: 4 downloaded")


def test_a_failed_file_does_not_stop_the_others(
    cli: Run, at: list[str], tmp_path: Path, cdn: Cdn
) -> None:
    result = cli(*at, "--dest", str(tmp_path))  # every delivered image: A, B and E
    assert result.returncode == 1
    assert _names(tmp_path) == {f"{A}_a-front.png", f"{A}_a-back.png", f"{B}_b.png"}
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"4 files in {tmp_path}: 3 downloaded (78.0 kB in ")
    assert lines[0].endswith(" s), 1 failed")
    assert lines[1:] == [
        f"failed: {E}_gone.png: {cdn.base}/gone.png: HTTP 404 File not found (after 1 attempt)"
    ]
    assert result.stderr_lines == ["pixelz: error: 1 of 4 files could not be downloaded"]


def test_json_reports_every_file(cli: Run, at: list[str], tmp_path: Path, cdn: Cdn) -> None:
    result = cli(*at, str(B), str(E), "--dest", str(tmp_path), "--format", "json")
    assert result.returncode == 1
    good, bad = json.loads(result.stdout)
    assert good == {"image_ticket": str(B), "url": f"{cdn.base}/b.png",
                    "path": str(tmp_path / f"{B}_b.png"), "outcome": "downloaded",
                    "size": SIZES["b.png"], "error": None}
    assert bad["outcome"] == "failed" and bad["size"] == 0
    assert bad["error"] == f"download: {cdn.base}/gone.png: HTTP 404 File not found (after 1 " \
        "attempt)"
    lines = cli(*at, str(B), "--dest", str(tmp_path), "--format", "ndjson").stdout.splitlines()
    assert [json.loads(line)["outcome"] for line in lines] == ["skipped"]


def test_an_image_not_delivered_yet_is_named(cli: Run, at: list[str], tmp_path: Path) -> None:
    result = cli(*at, str(C), str(B), "--dest", str(tmp_path))
    assert result.returncode == 0, result
    assert result.stdout.splitlines()[1:] == [
        f"not delivered yet: image {C} is InProduction, no final files"
    ]


def test_images_without_finals_are_counted(cli: Run, at: list[str], tmp_path: Path) -> None:
    result = cli(*at, "--product-id", "good", "--exclude-status", "New", "--dest",
                 str(tmp_path))
    assert result.returncode == 0, result
    assert result.stdout.splitlines()[1:] == ["1 image without final files yet"]


def test_nothing_to_download(cli: Run, at: list[str], tmp_path: Path) -> None:
    waiting = cli(*at, str(C), "--dest", str(tmp_path / "a"))
    assert waiting.returncode == 0
    assert waiting.stdout.splitlines() == [
        "nothing to download: no final files (1 image without any)",
        f"not delivered yet: image {C} is InProduction, no final files",
    ]
    none = cli(*at, "--product-id", "none-such", "--dest", str(tmp_path / "b"))
    assert none.returncode == 0
    assert none.stdout == "nothing to download: no images matched\n"
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()


def test_an_unknown_ticket_stops_before_any_download(
    cli: Run, at: list[str], tmp_path: Path
) -> None:
    unknown = uuid.UUID(int=0xF)
    result = cli(*at, str(A), str(unknown), "--dest", str(tmp_path / "d"))
    assert result.returncode == 1
    assert result.stderr_lines == ["pixelz: error: GetImageStatus over soap11: Image not found"]
    assert not (tmp_path / "d").exists()


def test_a_destination_that_cannot_be_made_is_one_line(
    cli: Run, at: list[str], tmp_path: Path
) -> None:
    (tmp_path / "file").write_text("")
    result = cli(*at, str(A), "--dest", str(tmp_path / "file" / "sub"))
    assert result.returncode == 1
    [line] = result.stderr_lines
    assert line.startswith(f"pixelz: error: download: cannot create the directory "
                           f"'{tmp_path / 'file' / 'sub'}': ")


@pytest.mark.parametrize(("options", "message"), [
    ([str(A), "--status", "delivered"],
     "image tickets cannot be combined with --status: give tickets or filters"),
    ([str(A), "--desc"], "image tickets cannot be combined with --desc: give tickets or filters"),
    (["--concurrency", "0"], "--concurrency: expected a number of downloads at once from 1 to "
     "64, got '0'"),
    (["--concurrency", "65"], "--concurrency: expected a number of downloads at once from 1 to "
     "64, got '65'"),
    (["--page=2"], "unknown argument: --page=2"),  # the walk covers every page
    (["not-a-ticket"], "'not-a-ticket' is not an image ticket (a GUID such as "
     "6f1c2d3e-0000-4000-8000-000000000001)"),
])
def test_usage_errors(cli: Run, at: list[str], tmp_path: Path, options: list[str],
                      message: str) -> None:
    result = cli(*at, *options, "--dest", str(tmp_path))
    assert result.returncode == 2
    assert result.stderr_lines[0] == f"pixelz: error: {message}"


def test_dest_is_required_and_not_blank(cli: Run, at: list[str]) -> None:
    assert cli(*at, str(A)).stderr_lines[0] == "pixelz: error: missing --dest"
    blank = cli(*at, str(A), "--dest", " ")
    assert blank.returncode == 2
    assert blank.stderr_lines[0] == "pixelz: error: --dest: give a directory"


def test_a_progress_bar_on_a_terminal(cli: Run, at: list[str], tmp_path: Path) -> None:
    result = cli(*at, "--product-id", "good", "--dest", str(tmp_path), tty=True)
    assert result.returncode == 0, result
    err = plain(result.stderr)
    assert "images, fetching page" in err  # the walk over the pages first
    assert "━" in err  # then the bar
    assert " 0/3 files " in err  # its first state, and its last
    assert " 3/3 files 78.0 kB " in err
    # the finished bar is green, not the grey of an empty one (rich's default, on 16 colours)
    assert re.search(r"\x1b\[32m━{24}\x1b\[0m 3/3 files", result.stderr)
    assert result.stderr.endswith(ERASE)  # erased before the summary, which goes to stdout
    assert "\x1b[" not in result.stdout
    assert result.stdout.startswith(f"3 files in {tmp_path}: 3 downloaded")


def test_ctrl_c_erases_the_bar(
    cli: Run, at: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(self: pixelz.Client, images: Any, dest: Any, **kwargs: Any) -> None:
        kwargs["progress"](1, 3, 3_000)
        raise KeyboardInterrupt

    monkeypatch.setattr(pixelz.Client, "download_all", interrupted)
    result = cli(*at, str(A), str(B), "--dest", str(tmp_path), tty=True)
    assert result.returncode == 130
    assert " 1/3 files 3.0 kB " in plain(result.stderr)
    assert result.stderr.endswith(f"{ERASE}pixelz: interrupted\n")
    assert result.stdout == ""
