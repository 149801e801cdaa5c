"""Hypothesis profiles for the fuzz tests in this directory.

* ``ci`` (selected when the environment has ``CI=true``): 350 examples per fuzz test; the
  fuzz module has 37 of them (9 tests x 4 protocols, plus one async test), so 12,950
  examples per run (about 40 s on a laptop-class machine).
* ``dev`` (the default locally): 40 examples per test, a quick smoke run.

``HYPOTHESIS_PROFILE=ci`` (or ``dev``) picks one explicitly. ``deadline=None`` in both: a
call drives the whole client, whose timing varies with the machine, and the fuzz tests
assert on outcomes, not speed (the hostile-XML tests bound time themselves).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

from .._ci import in_ci

CI_EXAMPLES = 350
DEV_EXAMPLES = 40

settings.register_profile(
    "ci",
    max_examples=CI_EXAMPLES,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile("dev", max_examples=DEV_EXAMPLES, deadline=None)

_default = "ci" if in_ci() else "dev"
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", _default))
