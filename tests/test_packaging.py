"""Packaging and the quick start: one version, an SPDX license shipped as a file, a light
`test` extra, a README that reads the same as a wheel's description, and CI running the
README's own commands."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

import pixelz

REPO = Path(__file__).resolve().parents[1]
tomllib = pytest.importorskip("tomllib")  # Python 3.11+


@pytest.fixture(scope="module")
def project() -> dict[str, Any]:
    data: dict[str, Any] = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    return data


def test_the_version_is_defined_once(project: dict[str, Any]) -> None:
    assert "version" not in project["project"]
    assert project["project"]["dynamic"] == ["version"]
    attr = project["tool"]["setuptools"]["dynamic"]["version"]["attr"]
    assert attr == "pixelz._version.__version__"
    assert re.fullmatch(r"\d+\.\d+\.\d+", pixelz.__version__)


def test_license_is_an_spdx_expression_with_its_file(project: dict[str, Any]) -> None:
    assert project["project"]["license"] == "MIT"
    assert project["project"]["license-files"] == ["LICENSE"]
    text = (REPO / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License\n\nCopyright (c) 2026 the pixelz authors\n")
    assert not any(c.startswith("License ::") for c in project["project"]["classifiers"])
    requires = project["build-system"]["requires"]
    assert requires == ["setuptools>=77"]  # the first to take an SPDX license string


def test_browser_testing_is_its_own_extra(project: dict[str, Any]) -> None:
    extras = project["project"]["optional-dependencies"]
    assert not any(r.startswith("selenium") for r in extras["test"])
    assert [r for r in extras["browser"] if r.startswith("selenium")]
    assert "pixelz[test]" in extras["dev"]


def test_the_readme_has_no_links_a_wheel_would_break() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    targets = re.findall(r"\]\(([^)]+)\)", readme)
    assert targets and all(t.startswith("https://") for t in targets), targets


def _quick_start() -> list[str]:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```bash\n(.*?)```", section, re.DOTALL)
    assert block is not None
    return block.group(1).splitlines()


def test_the_quick_start_is_two_commands_in_a_virtual_environment() -> None:
    setup, tests = _quick_start()
    assert setup == ('python3 -m venv .venv && .venv/bin/pip install -e ".[test]" && '
                     ".venv/bin/pixelz --emulator images list")
    assert tests == ".venv/bin/python -m pytest -q"


def test_ci_runs_the_readme_test_command_in_the_same_environment() -> None:
    script = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    commands = [line.strip() for line in script.splitlines()
                if line.strip() and not line.lstrip().startswith("#")]
    _, tests = _quick_start()
    assert commands[-1] == tests
    assert "python3 -m venv .venv" in script
    assert '.venv/bin/pip install -q --disable-pip-version-check -e ".[dev,browser]"' in commands
    assert not [c for c in commands if c.startswith("python3 -m pip")]
