"""Suite-wide pytest options. Kept minimal: fixtures live next to the tests that use them."""

from __future__ import annotations

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    # Registered here, at the top of tests/, because pytest reads options before it collects
    # sub-directories; tests/golden/conftest.py turns it into the ``update_golden`` fixture.
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="Rewrite golden outline files that differ; each fails with its diff to review.",
    )
