"""P4: the cost of ``python -c "import pixelz"`` against its own dependencies.

Each command runs in a fresh interpreter. The goal is on wall time, as a user waits for
it; the CPU time (user plus system) the child used is reported beside it, being less
lengthened by the load of a shared machine. Starting the interpreter is in both alike.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

import attrs

from .timing import median_ratio

__all__ = ["ImportResult", "run_imports"]

PIXELZ = "import pixelz"
BASELINE = "import httpx, lxml.etree, attrs"
# Where click, rich and pygments are importable (the cli, test and bench extras bring
# them), ``import httpx`` also loads its command-line tool: about 100 ms more for both
# commands, and the standard-library modules pixelz needs would come with it, paid by the
# baseline. Both commands therefore run as in a plain install of pixelz's dependencies,
# where httpx finds none of the three and skips its tool.
AS_INSTALLED = "import sys; sys.modules.update(dict.fromkeys(('click', 'rich', 'pygments'))); "


@attrs.frozen
class ImportResult:
    pixelz: float  # median wall seconds per fresh interpreter
    baseline: float
    runs: int
    heavy: tuple[str, ...]  # heavy modules that `import pixelz` loaded anyway
    ratio: float  # wall time: median of the ratios of the runs made side by side
    pixelz_cpu: float  # median CPU seconds per fresh interpreter
    baseline_cpu: float
    cpu_ratio: float


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
        cpu: dict[str, list[float]] = {PIXELZ: [], BASELINE: []}
        for _ in range(runs):
            for code in samples:
                wall, used = _run(code, env, root)
                samples[code].append(wall)
                cpu[code].append(used)
        check = (f"{AS_INSTALLED}import pixelz; "
                 f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))")
        loaded = subprocess.run(
            [sys.executable, "-c", check], env=env, cwd=root, check=True,
            capture_output=True, text=True,
        ).stdout.strip()
    return ImportResult(
        statistics.median(samples[PIXELZ]),
        statistics.median(samples[BASELINE]),
        runs,
        tuple(m for m in loaded.split(",") if m),
        _paired(samples),
        statistics.median(cpu[PIXELZ]),
        statistics.median(cpu[BASELINE]),
        _paired(cpu),
    )


def _paired(samples: dict[str, list[float]]) -> float:
    return median_ratio(samples[PIXELZ], samples[BASELINE])


def _run(code: str, env: dict[str, str], root: str) -> tuple[float, float]:
    """Wall seconds of a fresh interpreter running ``code``, and the CPU seconds it used
    (this process runs one child at a time, so its children's usage grows by that one's)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", AS_INSTALLED + code], env=env, cwd=root, check=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
