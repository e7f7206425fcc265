"""Suite-wide pytest options. Kept minimal: fixtures live next to the tests that use them."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

# Property tests judge what the code does, never how fast the machine is: no per-example
# deadline and no "generation too slow" health check (both fail on a loaded machine). In CI
# (`CI` set, as `.ci/run` is run) the examples are derandomized, so a CI run is repeatable:
# run after run it tries the same examples; locally each run explores new ones.
settings.register_profile("lighthouse", deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("lighthouse-ci", settings.get_profile("lighthouse"), derandomize=True)
settings.load_profile("lighthouse-ci" if os.environ.get("CI") else "lighthouse")


def pytest_addoption(parser: pytest.Parser) -> None:
    # Registered here, at the top of tests/, because pytest reads options before it collects
    # sub-directories; tests/golden/conftest.py turns it into the ``update_golden`` fixture.
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="Rewrite golden outline files that differ; each fails with its diff to review.",
    )
