"""P4: the cost of ``python -c "import pixelz"`` against its own dependencies.

Each command runs in a fresh interpreter; its cost is the CPU time (user plus system)
the child process used, which the load of a shared machine does not lengthen as it does
wall time. Starting the interpreter is in both commands alike.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile

import attrs

__all__ = ["ImportResult", "run_imports"]

PIXELZ = "import pixelz"
BASELINE = "import httpx, lxml.etree, attrs"


@attrs.frozen
class ImportResult:
    pixelz: float  # median CPU seconds per fresh interpreter
    baseline: float
    runs: int
    heavy: tuple[str, ...]  # heavy modules that `import pixelz` loaded anyway
    ratio: float  # median of the ratios of the runs made side by side


# Modules pixelz must not import eagerly: asyncio (AsyncClient is lazy), the emulator,
# the CLI, concurrent.futures (only for prefetching), zeep.
HEAVY = ("asyncio", "concurrent.futures", "pixelz.emulator", "pixelz.cli", "zeep", "argparse")


def run_imports(*, runs: int, root: str) -> ImportResult:
    """Medians over ``runs`` fresh interpreters each, alternating the two commands.

    Bytecode is cached in a private ``PYTHONPYCACHEPREFIX`` (warmed first), as it would be
    for an installed package, even where ``PYTHONDONTWRITEBYTECODE`` is set.
    """
    with tempfile.TemporaryDirectory(prefix="pixelz-bench-pyc-") as cache:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env.update(PYTHONPYCACHEPREFIX=cache, PYTHONPATH=root)
        for code in (PIXELZ, BASELINE, PIXELZ, BASELINE):  # warm the bytecode and OS caches
            _run(code, env, root)
        samples: dict[str, list[float]] = {PIXELZ: [], BASELINE: []}
        for _ in range(runs):
            for code in samples:
                samples[code].append(_run(code, env, root))
        check = f"import sys, pixelz; print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
        loaded = subprocess.run(
            [sys.executable, "-c", check], env=env, cwd=root, check=True,
            capture_output=True, text=True,
        ).stdout.strip()
    return ImportResult(
        statistics.median(samples[PIXELZ]),
        statistics.median(samples[BASELINE]),
        runs,
        tuple(m for m in loaded.split(",") if m),
        statistics.median(
            a / b for a, b in zip(samples[PIXELZ], samples[BASELINE], strict=True)
        ),
    )


def _run(code: str, env: dict[str, str], root: str) -> float:
    """CPU seconds the child running ``code`` used (this process runs one child at a time,
    so the growth of its children's usage is that child's)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([sys.executable, "-c", code], env=env, cwd=root, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
