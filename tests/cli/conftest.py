"""Run the ``pixelz`` command line in-process (``pixelz.cli.main``) against a loopback emulator.

Every run goes through the ``cli`` fixture, which gives the program its own stdout and stderr
(UTF-8, newlines untouched, a terminal or not as the test asks), a clean environment and a
fixed terminal width, and fails the test if the API key ever shows up in the output. Only a
couple of tests start a real process: the console script and Ctrl-C (``test_cli_process.py``).
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import respx

from pixelz import cli as pixelz_cli
from pixelz.emulator import Emulator, serve

from ._fake import BASE_URL, FakeService

REPO = Path(__file__).resolve().parents[2]
EMAIL = "cli-tests@example.com"
KEY = "sk-SENTINEL-3c9e1f7a-never-print-me"


class Stream(io.TextIOWrapper):
    """A text stream over bytes that says whether it is a terminal as told."""

    def __init__(self, *, tty: bool = False, data: str = "") -> None:
        super().__init__(io.BytesIO(data.encode("utf-8")), encoding="utf-8", newline="",
                         write_through=True)
        self._tty = tty

    def isatty(self) -> bool:
        return self._tty

    def fileno(self) -> int:
        raise io.UnsupportedOperation("no file descriptor")

    def value(self) -> bytes:
        self.flush()
        raw = self.buffer
        assert isinstance(raw, io.BytesIO)
        return raw.getvalue()


class Result:
    """A finished CLI run: exit code, stdout (text and bytes) and stderr."""

    def __init__(self, returncode: int, stdout: bytes, stderr: str) -> None:
        self.returncode = returncode
        self.stdout_bytes = stdout
        self.stdout = stdout.decode("utf-8")
        self.stderr = stderr

    @property
    def stderr_lines(self) -> list[str]:
        return self.stderr.splitlines()

    def __repr__(self) -> str:
        return f"<Result rc={self.returncode} stderr={self.stderr[-500:]!r}>"


Run = Callable[..., Result]


def clean_env(credentials: bool = True, **extra: str) -> dict[str, str]:
    """The PIXELZ_* variables of a run: the sentinel credentials unless told otherwise."""
    env = {"PIXELZ_CONTACT_EMAIL": EMAIL, "PIXELZ_CONTACT_API_KEY": KEY} if credentials else {}
    env.update(extra)
    return env


def invoke(
    *args: str,
    env: Mapping[str, str] | None = None,
    tty: bool = False,
    stdout_tty: bool = False,
    columns: str = "120",
    stdout: Stream | None = None,
    stdin: str | Stream = "",
    stdin_tty: bool = False,
) -> Result:
    """``pixelz *args`` in this process; asserts the API key never appears in the output.
    ``stdin`` is what the program reads (answers to its questions); ``tty`` says whether
    stderr is a terminal, ``stdout_tty`` and ``stdin_tty`` the same for the other two."""
    env = clean_env() if env is None else env
    out, err = stdout or Stream(tty=stdout_tty), Stream(tty=tty)
    given = stdin if isinstance(stdin, Stream) else Stream(tty=stdin_tty, data=stdin)
    with pytest.MonkeyPatch.context() as patch:
        for name in list(os.environ):
            if name.startswith("PIXELZ_"):
                patch.delenv(name)
        for name, value in env.items():
            patch.setenv(name, value)
        patch.setenv("COLUMNS", columns)
        patch.setattr(sys, "stdout", out)
        patch.setattr(sys, "stderr", err)
        patch.setattr(sys, "stdin", given)
        code = pixelz_cli.main(list(args))
    result = Result(code, out.value(), err.value().decode("utf-8", "replace"))
    secret = env.get("PIXELZ_CONTACT_API_KEY") or KEY
    for text in (result.stdout, result.stderr):
        assert secret not in text
        assert KEY not in text
    assert "Traceback" not in result.stderr, result.stderr
    return result


@pytest.fixture
def cli() -> Run:
    """Run the command line in-process: ``cli("images", "list", env=..., tty=...)``."""
    return invoke


@pytest.fixture(scope="session")
def emulator() -> Iterator[Emulator]:
    """One loopback emulator (the hard-case data set) accepting the sentinel credentials."""
    with serve(contact_email=EMAIL, contact_api_key=KEY) as emu:
        yield emu


@pytest.fixture
def blocked_emulator(request: pytest.FixtureRequest) -> Iterator[Emulator]:
    """An emulator whose WAF blocks the protocols given by indirect parametrization."""
    blocked: Any = getattr(request, "param", "http_get")
    with serve(contact_email=EMAIL, contact_api_key=KEY, blocked_protocols=blocked) as emu:
        yield emu


@pytest.fixture
def service() -> Iterator[FakeService]:
    """The respx stand-in of tests/cli/_fake.py at its base URL; nothing else is reachable."""
    fake = FakeService()
    with respx.mock(assert_all_called=False) as mock:
        mock.post(BASE_URL).mock(side_effect=fake.handle)
        yield fake
