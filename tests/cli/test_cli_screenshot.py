"""The picture of ``pixelz images download``'s progress bar in docs/cli.md, made from the real
bar: its rich columns render a moment of a download on a recording console, rich exports it
as SVG, and headless Chromium turns the SVG into a PNG.

The PNG goes to ``test-artifacts/`` (gitignored); with ``PIXELZ_UPDATE_DOCS_SCREENSHOT=1`` it
is also copied to ``docs/img/download-progress.png``, the one docs/cli.md shows.
"""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
import tempfile
from pathlib import Path

import pytest
from rich.console import Console

from pixelz._cli_render import DownloadProgress

from .._ci import unavailable
from .conftest import REPO

pytestmark = pytest.mark.browser

DOCS_PICTURE = REPO / "docs" / "img" / "download-progress.png"
ARTIFACTS = REPO / "test-artifacts"
COMMAND = "$ pixelz images download --status delivered --dest finals/"
PADDING = 40
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--hide-scrollbars")


def download_moment() -> str:
    """The SVG of a terminal in the middle of a download: 7 of 12 files, 29.4 MB in 4.2 s."""
    console = Console(record=True, width=80, force_terminal=True, color_system="truecolor",
                      file=open(os.devnull, "w"), highlight=False)  # noqa: SIM115
    now = [0.0]
    progress = DownloadProgress(console.file, 12, width=80, console=console,
                                clock=lambda: now[0])
    for step in range(1, 43):  # a steady 7 MB/s, one chunk every 0.1 s
        now[0] = step / 10
        progress.update(step // 6, 12, step * 700_000)
    console.print(COMMAND, style="bold")
    console.print(progress.frame())
    console.file.close()
    return console.export_svg(title="pixelz images download")


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_the_moment_shows_files_bytes_speed_and_time() -> None:
    text = re.sub(r"<[^>]+>", "", download_moment()).replace("&#160;", " ")
    for shown in ("pixelz:", "7/12 files", "29.4 MB", "7.0 MB/s", "0:00:04", "━"):
        assert shown in text


def test_screenshot_of_the_download_progress(tmp_path: Path) -> None:
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not os.access(chromium, os.X_OK):
        unavailable("the screenshot needs Debian's chromium (apt-get install chromium)")
    svg = download_moment()
    size = re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', svg)
    assert size is not None
    width, height = (round(float(n)) for n in size.groups())
    page = tmp_path / "moment.html"
    page.write_text(f"<!doctype html><html><body style='margin:0;padding:{PADDING}px;"
                    f"background:#fff'><div style='width:{width}px;height:{height}px'>{svg}"
                    "</div></body></html>", encoding="utf-8")
    # A margin around the terminal: Chromium draws nothing in a window much lower than this.
    width, height = width + 2 * PADDING, height + 2 * PADDING
    picture = tmp_path / "download-progress.png"
    profile = tempfile.mkdtemp(prefix="pixelz-chromium-")
    try:
        subprocess.run(
            [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}",
             f"--screenshot={picture}", f"--window-size={width},{height}", page.as_uri()],
            check=True, capture_output=True, timeout=120,
        )
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    data = picture.read_bytes()
    assert _png_size(data) == (width, height)
    assert len(data) > 10_000  # a drawn terminal, not a blank page
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copyfile(picture, ARTIFACTS / picture.name)
    if os.environ.get("PIXELZ_UPDATE_DOCS_SCREENSHOT") == "1":
        shutil.copyfile(picture, DOCS_PICTURE)
    assert _png_size(DOCS_PICTURE.read_bytes())[0] > 600  # the picture docs/cli.md shows
