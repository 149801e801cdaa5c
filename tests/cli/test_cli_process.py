"""The two things only a real process shows: the installed console script, and Ctrl-C
delivered as a signal while ``--all`` draws its progress bar on a terminal."""

from __future__ import annotations

import os
import pty
import select
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pixelz.emulator import serve

from .conftest import EMAIL, KEY, REPO


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIXELZ_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    env["COLUMNS"] = "120"
    return env


def _console_script() -> list[str]:
    """The ``pixelz`` script installed next to this interpreter (as the README runs it)."""
    script = Path(sys.executable).with_name("pixelz")
    found = str(script) if script.exists() else shutil.which("pixelz")
    if found is None:
        pytest.skip("the pixelz console script is not installed (pip install -e .)")
    return [found]


def test_console_script_runs_the_quick_start() -> None:
    proc = subprocess.run(
        [*_console_script(), "--emulator", "images", "list", "--per-page", "3"],
        capture_output=True, text=True, env=_env(), cwd=REPO, timeout=60, check=False,
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("IMAGE TICKET") and len(lines) == 4
    assert proc.stderr == ""  # not a terminal: no footer


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pty and SIGINT")
def test_ctrl_c_during_all_leaves_a_clean_line() -> None:
    with serve(contact_email=EMAIL, contact_api_key=KEY, latency=0.2) as emu:
        master, slave = pty.openpty()
        env = _env() | {"PIXELZ_CONTACT_EMAIL": EMAIL, "PIXELZ_CONTACT_API_KEY": KEY}
        proc = subprocess.Popen(
            [sys.executable, "-m", "pixelz", "--base-url", emu.base_url, "images", "list",
             "--all", "--per-page", "10", "--format", "ndjson"],
            stdout=subprocess.DEVNULL, stderr=slave, stdin=subprocess.DEVNULL, env=env,
            cwd=REPO,
        )
        os.close(slave)
        terminal = b""
        deadline = time.monotonic() + 30
        try:
            while b"fetching page 2" not in terminal and time.monotonic() < deadline:
                if select.select([master], [], [], 0.2)[0]:
                    terminal += os.read(master, 65536)
            proc.send_signal(signal.SIGINT)
            while time.monotonic() < deadline:
                if not select.select([master], [], [], 0.2)[0]:
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
        finally:
            os.close(master)
            code = proc.wait(timeout=30)
    text = terminal.decode("utf-8", "replace")
    assert code == 130
    assert "fetching page 2" in text
    # the bar is erased, so the message starts its own line (a pty writes \r\n)
    assert text.endswith("\x1b[?25h\r\x1b[1A\x1b[2Kpixelz: interrupted\r\n"), text[-200:]
    assert KEY not in text
