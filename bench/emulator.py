"""The emulator in a process of its own (``python -m pixelz emulator``), for the goals that
go over loopback: its server threads then do not compete with the client being measured
for this interpreter's GIL, as a real service would not."""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
from collections.abc import Iterator

import attrs

__all__ = ["EmulatorProcess", "emulator_process"]


def _cpu_seconds(pid: int) -> float:
    """CPU seconds (user and system, every thread) process ``pid`` has used: the
    emulator's shows whether it or the client was the busier side (this process's own is
    ``bench.timing.CLOCK``)."""
    with open(f"/proc/{pid}/stat") as file:
        fields = file.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@attrs.frozen
class EmulatorProcess:
    base_url: str
    pid: int

    def cpu(self) -> float:
        """CPU seconds the emulator has used so far (0.0 where /proc is missing)."""
        try:
            return _cpu_seconds(self.pid)
        except OSError:
            return 0.0


@contextlib.contextmanager
def emulator_process(
    *,
    images: int,
    latency: float,
    dataset: str = "demo",
    speed: float | None = None,
    final_size: int | None = None,
) -> Iterator[EmulatorProcess]:
    """Start ``pixelz emulator`` on a free port with ``images`` generated records and
    ``latency`` seconds added to every request (``dataset``: ``demo``, the command's
    default, or ``hard-cases``, :func:`pixelz.emulator.generate_dataset`); yield its base
    URL and process id; stop it on exit.

    ``speed`` (seconds a lifecycle step, 0: at once) lets submitted images reach Delivered,
    with finals of ``final_size`` bytes served by the emulator itself.
    """
    command = [
        sys.executable, "-m", "pixelz", "emulator", "--port", "0",
        "--dataset", dataset, "--images", str(images), "--latency", str(round(latency * 1000)),
    ]
    if speed is not None:
        command += ["--speed", f"{speed:g}"]
    if final_size is not None:
        command += ["--final-size", str(final_size)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        found = re.search(r"(http://\S+/soap\.asmx)", line)
        if not found:
            raise RuntimeError(f"the emulator did not start: {line!r}")
        yield EmulatorProcess(found.group(1), process.pid)
    finally:
        process.terminate()
        process.wait(timeout=10)
