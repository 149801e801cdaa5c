"""Helpers for driving ``python -m pixelz`` as a subprocess against a loopback emulator.

Every run goes through :func:`run`, which fails the test if the API key ever shows up on
stdout or stderr, so the "key is never printed" rule is checked by every test here.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pixelz.emulator import Emulator, serve

REPO = Path(__file__).resolve().parents[2]
EMAIL = "cli-tests@example.com"
KEY = "sk-SENTINEL-3c9e1f7a-never-print-me"


class Result:
    """A finished CLI run, with stdout/stderr decoded as UTF-8 and newlines untouched."""

    def __init__(self, proc: subprocess.CompletedProcess[bytes]) -> None:
        self.returncode = proc.returncode
        self.stdout_bytes = proc.stdout
        self.stdout = proc.stdout.decode("utf-8")
        self.stderr = proc.stderr.decode("utf-8", "replace")

    def __repr__(self) -> str:
        return f"<Result rc={self.returncode} stderr={self.stderr[-500:]!r}>"


def cli_env(credentials: bool = True, **extra: str) -> dict[str, str]:
    """A clean environment: no inherited PIXELZ_* values, the repo importable."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIXELZ_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    env.pop("COLUMNS", None)
    if credentials:
        env["PIXELZ_CONTACT_EMAIL"] = EMAIL
        env["PIXELZ_CONTACT_API_KEY"] = KEY
    env.update(extra)
    return env


def run(*args: str, env: dict[str, str] | None = None, timeout: float = 60) -> Result:
    """``python -m pixelz *args``; asserts the API key never appears in the output."""
    proc = subprocess.run(
        [sys.executable, "-m", "pixelz", *args],
        capture_output=True,
        env=cli_env() if env is None else env,
        cwd=REPO,
        timeout=timeout,
        check=False,
    )
    result = Result(proc)
    secret = (env or cli_env()).get("PIXELZ_CONTACT_API_KEY") or KEY
    for stream in (result.stdout, result.stderr):
        assert secret not in stream
        assert KEY not in stream
    assert "Traceback" not in result.stderr, result.stderr
    return result


@pytest.fixture(scope="session")
def emulator() -> Iterator[Emulator]:
    """One loopback emulator for the CLI tests, accepting the sentinel credentials."""
    with serve(contact_email=EMAIL, contact_api_key=KEY) as emu:
        yield emu


@pytest.fixture
def blocked_emulator(request: pytest.FixtureRequest) -> Iterator[Emulator]:
    """An emulator whose WAF blocks the protocols given by indirect parametrization."""
    blocked: Any = getattr(request, "param", "http_get")
    with serve(contact_email=EMAIL, contact_api_key=KEY, blocked_protocols=blocked) as emu:
        yield emu
