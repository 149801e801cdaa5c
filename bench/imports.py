"""P4: the wall time of ``python -c "import pixelz"`` against its own dependencies."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time

import attrs

__all__ = ["ImportResult", "run_imports"]

PIXELZ = "import pixelz"
BASELINE = "import httpx, lxml.etree, attrs"


@attrs.frozen
class ImportResult:
    pixelz: float  # median seconds per fresh interpreter
    baseline: float
    runs: int
    heavy: tuple[str, ...]  # heavy modules that `import pixelz` loaded anyway

    @property
    def ratio(self) -> float:
        return self.pixelz / self.baseline


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
    )


def _run(code: str, env: dict[str, str], root: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], env=env, cwd=root, check=True)
    return time.perf_counter() - start
