"""Progress on a terminal, verbosity, and the ``pixelz emulator`` server command."""

from __future__ import annotations

import json
import os
import pty
import select
import signal
import subprocess
import sys
import time

import pytest

from pixelz.emulator import Emulator

from .conftest import KEY, REPO, cli_env, run


def _run_with_tty_stderr(args: list[str]) -> tuple[int, bytes, str]:
    """Run the CLI with stderr on a pseudo-terminal and stdout on a pipe."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "pixelz", *args],
        stdout=subprocess.PIPE, stderr=slave, stdin=subprocess.DEVNULL,
        env=cli_env(), cwd=REPO,
    )
    os.close(slave)
    assert proc.stdout is not None
    stdout = proc.stdout.read()  # ends when the process closes it
    terminal = b""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.2)
        if not ready:
            if proc.poll() is not None:
                break
            continue
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the child closed its side
            break
        if not chunk:
            break
        terminal += chunk
    os.close(master)
    return proc.wait(timeout=30), stdout, terminal.decode("utf-8", "replace")


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pty")
def test_progress_on_a_terminal(emulator: Emulator) -> None:
    code, stdout, terminal = _run_with_tty_stderr(
        ["--base-url", emulator.base_url, "images", "list", "--all", "--per-page", "50",
         "--format", "ndjson"]
    )
    assert code == 0
    assert len(stdout.decode().splitlines()) == len(emulator.dataset)
    assert "fetching page 1" in terminal
    assert "\x1b[K" in terminal  # the line is redrawn in place
    assert f"pixelz: {len(emulator.dataset)} images over soap11" in terminal
    assert KEY not in terminal


def test_no_progress_without_a_terminal(emulator: Emulator) -> None:
    result = run("--base-url", emulator.base_url, "images", "list", "--all", "--format", "csv")
    assert result.returncode == 0
    assert result.stderr == ""


@pytest.mark.parametrize("blocked_emulator", ["soap11"], indirect=True)
def test_verbose_shows_fallbacks(blocked_emulator: Emulator) -> None:
    args = ["--base-url", blocked_emulator.base_url, "images", "list", "--format", "json"]
    quiet = run(*args)
    assert quiet.returncode == 0 and quiet.stderr == ""
    loud = run("-v", *args)
    assert loud.returncode == 0
    assert json.loads(loud.stdout) == json.loads(quiet.stdout)
    assert loud.stderr.startswith("pixelz: warning: ")
    assert "soap12" in loud.stderr
    debug = run("-vv", *args)
    assert "pixelz: debug: " in debug.stderr


def test_emulator_command_serves_until_interrupted() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "pixelz", "emulator", "--port", "0", "--images", "30",
         "--contact-email", "e@example.com", "--contact-api-key", KEY, "--block", "soap11"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=cli_env(credentials=False),
        cwd=REPO, text=True,
    )
    try:
        assert proc.stdout is not None
        banner = proc.stdout.readline()
        assert "http://127.0.0.1:" in banner
        base_url = banner.split()[-1]
        env = cli_env(PIXELZ_CONTACT_EMAIL="e@example.com")
        listing = run("--base-url", base_url, "images", "list", "--all", "--format", "json",
                      env=env)
        assert listing.returncode == 0, listing
        assert len(json.loads(listing.stdout)) == 30
        pinned = run("--base-url", base_url, "--protocol", "soap11", "images", "list", env=env)
        assert pinned.returncode == 1  # --block soap11
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=15)
    assert proc.returncode == 0
    assert KEY not in banner + out + err
    assert "Traceback" not in err


def test_emulator_command_usage_error() -> None:
    result = run("emulator", "--block", "soap13")
    assert result.returncode == 2
    assert "error:" in result.stderr
