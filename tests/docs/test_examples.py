"""Run the examples in README.md and docs/*.md, so the documentation cannot rot.

- ```python blocks run in this process, each as its own ``__main__`` module in a fresh
  namespace, from an empty directory, without ``PIXELZ_*`` variables; the block must not
  raise. (An interpreter per block cost 0.3 s of start-up each.) What a fresh interpreter
  would catch and a shared one hides, a submodule used without being imported, is checked
  from the block's source (:func:`unimported_submodules`).
- ```bash / ```sh / ```shell / ```console blocks: every command line that starts with
  ``pixelz`` (optionally after ``$ `` and ``NAME=value`` assignments) runs through
  :func:`pixelz.cli.main` against an emulator: ``--emulator`` commands as written; others
  get the demo credentials in the environment and ``--base-url`` pointed at a loopback
  emulator. ``pixelz emulator ...`` is started as ``python -m pixelz`` on a free port,
  checked to serve, then stopped with Ctrl-C (SIGINT). Anything after ``|``, ``>``, ``&&``
  or ``;`` is not run. A trailing ``# exit N`` comment states the expected exit code
  (default 0). Other lines (``pip install``, ``export``) are skipped.
- A ```bash block right after an ``<!-- script -->`` comment is a script: it runs whole in
  ``bash`` (with ``set -euo pipefail``) from an empty directory, with ``pixelz`` on ``PATH``
  (this interpreter's ``python -m pixelz``), without ``PIXELZ_*`` variables, and every port a
  ``--port N`` option names replaced throughout by a free one, so that its background
  servers (``pixelz emulator ... &``) never meet another program's. It must exit 0 within
  :data:`SCRIPT_TIMEOUT` seconds without a traceback; whatever it left running is stopped.
- A block right after an ``<!-- no-test -->`` comment is skipped.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import importlib.util
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest

from pixelz import cli
from pixelz.emulator import DEMO_CONTACT_API_KEY, DEMO_CONTACT_EMAIL, Emulator, serve

REPO = Path(__file__).resolve().parents[2]
DOCUMENTS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
SHELLS = {"bash", "sh", "shell", "console", "zsh"}
NO_TEST = "<!-- no-test -->"
SCRIPT = "<!-- script -->"
SCRIPT_TIMEOUT = 60
PORT_OPTION = re.compile(r"--port[ =](\d+)\b")
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
    script: bool = False

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
                    previous == NO_TEST, previous == SCRIPT)
        previous = ""


ALL = [b for path in DOCUMENTS if path.exists() for b in blocks(path)]
PYTHON = [b for b in ALL if b.language in ("python", "py", "python3")]
SHELL = [b for b in ALL if b.language in SHELLS and not b.script]
SCRIPTS = [b for b in ALL if b.script]


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
    assert SCRIPTS and all(b.language == "bash" for b in SCRIPTS)


@pytest.fixture
def no_pixelz_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in [n for n in os.environ if n.startswith("PIXELZ_")]:
        monkeypatch.delenv(name)
    return monkeypatch


@functools.cache
def loaded_by_import(module: str) -> frozenset[str]:
    """The modules a fresh ``import module`` loads (``pixelz.sub`` works after it)."""
    code = f"import sys, {module}; print(' '.join(sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=_env(), check=True).stdout
    return frozenset(out.split())


def _is_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ImportError:  # a parent that is not a package
        return False


def unimported_submodules(code: str) -> set[str]:
    """``pixelz.sub`` used through an attribute of ``pixelz`` that neither the block nor
    its imports import: fine in this process, an AttributeError for a user."""
    tree = ast.parse(code)
    imported: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                imported.update(".".join(parts[:i]) for i in range(1, len(parts) + 1))
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
            imported.update(f"{node.module}.{alias.name}" for alias in node.names)
    ours = [m for m in imported if m.split(".")[0] == "pixelz" and _is_module(m)]
    loaded = imported.union(*map(loaded_by_import, ours))
    missing = set()
    for node in ast.walk(tree):
        chain = []
        while isinstance(node, ast.Attribute):
            chain.insert(0, node.attr)
            node = node.value
        if not chain or not isinstance(node, ast.Name) or node.id != "pixelz":
            continue
        for i in range(1, len(chain) + 1):
            name = ".".join(["pixelz", *chain[:i]])
            if not _is_module(name):
                break
            if name not in loaded:
                missing.add(name)
    return missing


@pytest.mark.parametrize("block", _params(PYTHON))
def test_python_example(block: Block, tmp_path: Path, no_pixelz_env: pytest.MonkeyPatch) -> None:
    assert not unimported_submodules(block.code), f"{block.id} does not import them"
    tree = ast.increment_lineno(ast.parse(block.code), block.line)  # tracebacks: the doc line
    no_pixelz_env.chdir(tmp_path)
    exec(compile(tree, str(block.path), "exec"), {"__name__": "__main__"})


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


def _run(args: list[str], env: pytest.MonkeyPatch,
         capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """``pixelz ARGS`` in this process: its exit code and what it wrote to stderr."""
    capsys.readouterr()
    code = cli.main(args)
    return code, capsys.readouterr().err


def _run_server(args: list[str], env: pytest.MonkeyPatch,
                capsys: pytest.CaptureFixture[str]) -> None:
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
        env.setenv("PIXELZ_CONTACT_EMAIL", DEMO_CONTACT_EMAIL)
        env.setenv("PIXELZ_CONTACT_API_KEY", DEMO_CONTACT_API_KEY)
        code, err = _run(["--base-url", base_url, "images", "list", "--per-page", "1",
                          "--format", "json"], env, capsys)
        assert code in (0, 1), err  # served (1: a knob made it fail)
    finally:
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=15)
    assert proc.returncode == 0 and "Traceback" not in err, err


@pytest.mark.parametrize("block", _params([b for b in SHELL if any(_commands(b.code))]))
def test_shell_example(block: Block, emulator: Emulator, no_pixelz_env: pytest.MonkeyPatch,
                       capsys: pytest.CaptureFixture[str]) -> None:
    for assignments, args, expected in _commands(block.code):  # at least one (see params)
        with no_pixelz_env.context() as env:
            if args[:1] == ["emulator"] and not {"--help", "-h"} & set(args):
                _run_server(args, env, capsys)
                continue
            for name, value in assignments.items():
                env.setenv(name, value)
            if "--emulator" not in args:
                env.setenv("PIXELZ_CONTACT_EMAIL", DEMO_CONTACT_EMAIL)
                env.setenv("PIXELZ_CONTACT_API_KEY", DEMO_CONTACT_API_KEY)
                if "--base-url" in args:
                    args[args.index("--base-url") + 1] = emulator.base_url
                elif args and args[0] not in ("emulator",):
                    args = ["--base-url", emulator.base_url, *args]
            code, err = _run(args, env, capsys)
        assert code == expected, (
            f"{block.id}: pixelz {shlex.join(args)} exited {code}, expected {expected}:\n{err}"
        )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def free_ports(code: str) -> str:
    """``code`` with every port a ``--port N`` option names replaced by a free one, in the
    option and wherever else the number appears as a port (``127.0.0.1:N``)."""
    ports = {port: str(_free_port()) for port in PORT_OPTION.findall(code)}
    for old, new in ports.items():
        code = re.sub(rf"(?<=--port[ =]){old}\b|(?<=:){old}\b", new, code)
    return code


def test_free_ports_rewrites_options_and_urls() -> None:
    code = "pixelz emulator --port 8080 &\ncurl http://127.0.0.1:8080/x --port=8090 # 8080\n"
    rewritten = free_ports(code)
    new = re.findall(r"--port (\d+)", rewritten)[0]
    assert new != "8080" and f"127.0.0.1:{new}/x" in rewritten
    assert "--port=8090" not in rewritten and rewritten.endswith("# 8080\n")


@pytest.mark.parametrize("block", _params(SCRIPTS))
def test_script_example(block: Block, tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "pixelz"
    shim.write_text(f'#!/bin/sh\nexec {shlex.quote(sys.executable)} -m pixelz "$@"\n')
    shim.chmod(0o755)
    work = tmp_path / "work"
    work.mkdir()
    env = _env(PATH=os.pathsep.join([str(bin_dir), os.environ.get("PATH", "")]))
    proc = subprocess.Popen(
        ["bash", "-c", "set -euo pipefail\n" + free_ports(block.code)], cwd=work, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )
    try:
        out, err = proc.communicate(timeout=SCRIPT_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        pytest.fail(f"{block.id}: still running after {SCRIPT_TIMEOUT} s:\n{out}\n{err}")
    finally:
        with contextlib.suppress(ProcessLookupError):  # what the script left running
            os.killpg(proc.pid, signal.SIGTERM)
    assert proc.returncode == 0, f"{block.id}: exited {proc.returncode}:\n{out}\n{err}"
    assert "Traceback" not in out + err, err
