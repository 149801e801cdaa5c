"""pytest fixtures for the Pixelz emulator, registered through the ``pytest11`` entry point.

``pixelz_emulator`` gives each test its own loopback server (demo data, demo credentials,
default knobs), so knob changes, the account's state (submissions, templates, contact edits)
and the request log never leak between tests; starting one takes about a millisecond.
``pixelz_emulator_session`` shares one server across the session: its knobs, account state
and log are reset before each test that asks for it through ``pixelz_emulator_shared``.

A top-level module, not part of the ``pixelz`` package, and importing nothing from it until a
fixture runs: pytest imports its plugins before coverage starts, so a plugin that loaded
``pixelz`` would hide the package's import-time lines from ``pytest --cov=pixelz``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from pixelz.emulator import Emulator

__all__ = ["pixelz_emulator", "pixelz_emulator_session", "pixelz_emulator_shared"]


@pytest.fixture
def pixelz_emulator() -> Iterator[Emulator]:
    """A running emulator for this test: ``.base_url``, ``.credentials``, ``.config``,
    ``.dataset``, ``.log``; for deliveries ``.advance(seconds)``, ``.callbacks``,
    ``.wait_callbacks()`` (set ``config.speed`` to make submitted images move)."""
    from pixelz.emulator import serve

    with serve() as emulator:
        yield emulator


@pytest.fixture(scope="session")
def pixelz_emulator_session() -> Iterator[Emulator]:
    """One running emulator for the whole session (do not leave knobs changed)."""
    from pixelz.emulator import serve

    with serve() as emulator:
        yield emulator


@pytest.fixture
def pixelz_emulator_shared(pixelz_emulator_session: Emulator) -> Emulator:
    """The session emulator with its knobs, account, clock and callback queue reset and its
    log cleared."""
    pixelz_emulator_session.config.reset()
    pixelz_emulator_session.log.clear()
    return pixelz_emulator_session
