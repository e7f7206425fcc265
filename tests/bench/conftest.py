"""Make the repository's top-level ``bench`` package importable however pytest is started.

(``bench/`` is not part of the installed wheel; ``python -m pytest`` finds it through the
working directory, a bare ``pytest`` would not.)
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = str(Path(__file__).resolve().parents[2])
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)
