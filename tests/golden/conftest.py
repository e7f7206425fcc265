"""Golden-file support: ``pytest --update-golden`` rewrites goldens instead of comparing."""

from __future__ import annotations

import pytest


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    """True when the run was asked to rewrite golden files (``--update-golden``); each rewrite
    fails its test with the diff (see ``test_outlines.update``)."""
    return bool(request.config.getoption("--update-golden"))
