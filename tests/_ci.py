"""Whether the suite runs in CI, where a missing tool is a failure rather than a skip."""

from __future__ import annotations

import os
from typing import NoReturn

import pytest

__all__ = ["in_ci", "unavailable"]


def in_ci() -> bool:
    """``CI=true`` (any case), as .ci/run sets it."""
    return os.environ.get("CI", "").strip().lower() == "true"


def unavailable(reason: str) -> NoReturn:
    """Skip the test for lack of ``reason``; in CI, fail it: CI installs everything."""
    if in_ci():
        pytest.fail(f"{reason} (CI=true)")
    pytest.skip(reason)
