"""The pytest plugin (``pytest_pixelz``): registered by the ``pytest11`` entry point, and
importing nothing from ``pixelz`` until a fixture is used, so ``pytest --cov=pixelz`` sees
the package's import-time lines run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).parents[2]
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}

_PIXELZ_MODULES = "sorted(m for m in sys.modules if m.split('.')[0] == 'pixelz')"


def test_importing_the_plugin_imports_no_pixelz_module(tmp_path: Path) -> None:
    code = f"import json, sys, pytest_pixelz; print(json.dumps({_PIXELZ_MODULES}))"
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True, text=True, cwd=tmp_path, env=ENV, timeout=60, check=True,
    )  # fmt: skip
    assert json.loads(result.stdout) == []


def test_plugin_loads_pixelz_only_when_a_fixture_runs(tmp_path: Path) -> None:
    (tmp_path / "test_it.py").write_text(
        textwrap.dedent(
            f"""
            import sys

            AT_COLLECTION = {_PIXELZ_MODULES}


            def test_nothing_from_pixelz_before_a_fixture(request):
                assert request.config.pluginmanager.has_plugin("pixelz")
                assert AT_COLLECTION == []


            def test_fixture_imports_the_emulator(pixelz_emulator, pixelz_emulator_shared):
                assert "pixelz.emulator" in sys.modules
                assert pixelz_emulator.base_url.endswith("/soap.asmx")
                assert pixelz_emulator_shared.base_url != pixelz_emulator.base_url
            """
        )
    )
    result = subprocess.run(
        # No "-p": the installed package's pytest11 entry point registers the plugin.
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "addopts=",
         str(tmp_path)],
        capture_output=True, text=True, cwd=tmp_path, env=ENV, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed" in result.stdout
