"""Run the examples in README.md and docs/*.md, so the documentation cannot rot.

- ```python blocks run in a fresh interpreter (a subprocess, so nothing leaks between blocks
  or from the test session); the block must exit 0.
- ```bash / ```sh / ```shell / ```console blocks: every command line that starts with
  ``pixelz`` (optionally after ``$ `` and ``NAME=value`` assignments) runs as
  ``python -m pixelz`` against an emulator: ``--emulator`` commands as written; others get
  the demo credentials in the environment and ``--base-url`` pointed at a loopback emulator.
  ``pixelz emulator ...`` is started on a free port, checked to serve, then stopped. Anything
  after ``|``, ``>``, ``&&`` or ``;`` is not run. A trailing ``# exit N`` comment states
  the expected exit code (default 0). Other lines (``pip install``, ``export``) are skipped.
- A block right after an ``<!-- no-test -->`` comment is skipped.
"""

from __future__ import annotations

import os
import re
import shlex
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest

from pixelz.emulator import DEMO_CONTACT_API_KEY, DEMO_CONTACT_EMAIL, Emulator, serve

REPO = Path(__file__).resolve().parents[2]
DOCUMENTS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
SHELLS = {"bash", "sh", "shell", "console", "zsh"}
NO_TEST = "<!-- no-test -->"
FENCE = re.compile(r"^(?P<indent>\s*)(?P<fence>`{3,}|~{3,})\s*(?P<info>[\w+-]*)")
EXIT = re.compile(r"#\s*exit\s+(\d+)\s*$")
STOP_TOKENS = {"|", "||", ">", ">>", "&&", ";", "&", "<", "2>", "2>&1"}


@attrs.frozen
class Block:
    path: Path
    line: int
    language: str
    code: str
    skipped: bool

    @property
    def id(self) -> str:
        return f"{self.path.relative_to(REPO)}:{self.line}"


def blocks(path: Path) -> Iterator[Block]:
    lines = path.read_text(encoding="utf-8").splitlines()
    index = 0
    previous = ""
    while index < len(lines):
        match = FENCE.match(lines[index])
        if not match:
            if lines[index].strip():
                previous = lines[index].strip()
            index += 1
            continue
        start, fence, indent = index, match["fence"], len(match["indent"])
        body = []
        index += 1
        while index < len(lines) and not lines[index].strip().startswith(fence):
            body.append(lines[index][indent:] if lines[index][:indent].isspace() else lines[index])
            index += 1
        index += 1
        yield Block(path, start + 1, match["info"].lower(), "\n".join(body) + "\n",
                    previous == NO_TEST)
        previous = ""


ALL = [b for path in DOCUMENTS if path.exists() for b in blocks(path)]
PYTHON = [b for b in ALL if b.language in ("python", "py", "python3")]
SHELL = [b for b in ALL if b.language in SHELLS]


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIXELZ_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    env.update(extra)
    return env


def _params(items: list[Block]) -> list[object]:
    return [
        pytest.param(b, id=b.id, marks=pytest.mark.skip(reason="marked no-test"))
        if b.skipped else pytest.param(b, id=b.id)
        for b in items
    ]


def test_the_documents_have_examples() -> None:
    assert (REPO / "README.md").exists()
    assert len(PYTHON) >= 5
    assert sum(1 for b in SHELL if any(_commands(b.code))) >= 3


@pytest.mark.parametrize("block", _params(PYTHON))
def test_python_example(block: Block, tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", block.code], capture_output=True, text=True, env=_env(),
        cwd=tmp_path, timeout=120, check=False,
    )
    assert proc.returncode == 0, f"{block.id} failed:\n{proc.stdout}\n{proc.stderr}"


def _commands(code: str) -> Iterator[tuple[dict[str, str], list[str], int]]:
    """(environment assignments, pixelz arguments, expected exit code) per command line."""
    logical: list[str] = []
    pending = ""
    for raw in code.splitlines():
        line = raw.rstrip()
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        logical.append(pending + line)
        pending = ""
    for line in logical:
        text = line.strip()
        if text.startswith("$ "):
            text = text[2:]
        match = EXIT.search(text)
        expected = int(match.group(1)) if match else 0
        lexer = shlex.shlex(text, posix=True, punctuation_chars="|&;<>")
        lexer.whitespace_split = True
        tokens = list(lexer)
        assignments: dict[str, str] = {}
        while tokens and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*=.*", tokens[0]):
            name, _, value = tokens.pop(0).partition("=")
            assignments[name] = value
        if not tokens or tokens[0] != "pixelz":
            continue
        args = []
        for token in tokens[1:]:
            if token in STOP_TOKENS:
                break
            args.append(token)
        yield assignments, args, expected


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    with serve() as emu:
        yield emu


def _run_server(args: list[str]) -> None:
    args = list(args)
    if "--port" in args:
        args[args.index("--port") + 1] = "0"
    else:
        args += ["--port", "0"]
    proc = subprocess.Popen(
        [sys.executable, "-m", "pixelz", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, env=_env(), cwd=REPO,
    )
    try:
        assert proc.stdout is not None
        banner = proc.stdout.readline()
        assert "http://" in banner, proc.stderr.read() if proc.stderr else banner
        base_url = banner.split()[-1]
        check = subprocess.run(
            [sys.executable, "-m", "pixelz", "--base-url", base_url, "images", "list",
             "--per-page", "1", "--format", "json"],
            capture_output=True, text=True, cwd=REPO, timeout=60, check=False,
            env=_env(PIXELZ_CONTACT_EMAIL=DEMO_CONTACT_EMAIL,
                     PIXELZ_CONTACT_API_KEY=DEMO_CONTACT_API_KEY),
        )
        assert check.returncode in (0, 1), check.stderr  # served (1: a knob made it fail)
    finally:
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=15)


@pytest.mark.parametrize("block", _params([b for b in SHELL if any(_commands(b.code))]))
def test_shell_example(block: Block, emulator: Emulator) -> None:
    for assignments, args, expected in _commands(block.code):  # at least one (see params)
        if args[:1] == ["emulator"] and not {"--help", "-h"} & set(args):
            _run_server(args)
            continue
        env = _env(**assignments)
        if "--emulator" not in args:
            env.update(PIXELZ_CONTACT_EMAIL=DEMO_CONTACT_EMAIL,
                       PIXELZ_CONTACT_API_KEY=DEMO_CONTACT_API_KEY)
            if "--base-url" in args:
                args[args.index("--base-url") + 1] = emulator.base_url
            elif args and args[0] not in ("emulator",):
                args = ["--base-url", emulator.base_url, *args]
        proc = subprocess.run(
            [sys.executable, "-m", "pixelz", *args], capture_output=True, text=True, env=env,
            cwd=REPO, timeout=120, check=False,
        )
        assert proc.returncode == expected, (
            f"{block.id}: pixelz {shlex.join(args)} exited {proc.returncode}, "
            f"expected {expected}:\n{proc.stderr}"
        )
        assert "Traceback" not in proc.stderr
