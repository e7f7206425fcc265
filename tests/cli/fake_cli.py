"""``lighthouse-docs`` with the fake writers, for tests that need a real process.

Environment knobs: ``FAKE_PAUSE_WRITE=1`` announces ``WRITING`` on stderr and stalls inside the
first atomic write (so a test can kill the build mid-write); ``FAKE_REPORT_MODULES=1`` prints
``weasyprint-imported=<bool>`` at exit.
"""

from __future__ import annotations

import atexit
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from lighthouse_docs import build, cli

# Names, not imports: fake_writers imports WeasyPrint, and only a build that renders may do so.
build.DEFAULT_WRITERS.update({f: f"fake_writers:build_{f}" for f in ("pdf", "epub", "html")})

if os.environ.get("FAKE_PAUSE_WRITE"):

    def _stall(fd: int) -> None:
        sys.stderr.write("WRITING\n")
        sys.stderr.flush()
        time.sleep(60)

    os.fsync = _stall

if os.environ.get("FAKE_REPORT_MODULES"):
    atexit.register(lambda: print(f"weasyprint-imported={'weasyprint' in sys.modules}"))

if __name__ == "__main__":
    cli.main()
