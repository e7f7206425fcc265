"""What a user sees of incremental builds: an image save rebuilds its brief in `build` and in
`watch`; switching formats or --strict does not render the others again."""

from __future__ import annotations

import signal
import threading
import time
from pathlib import Path

import pytest
from cli_support import run_fake_cli, start_fake_cli

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de"
    "0000000c4944415408d763f8cfc000000301010018dd8db00000000049454e44ae426082")


def _with_image(project: Path) -> Path:
    (project / "sources" / "alpha.md").write_text(
        "---\ntitle: Alpha Report\n---\n\nLead of alpha.\n\n![Map](map.png)\n")
    image = project / "sources" / "map.png"
    image.write_bytes(PNG)
    return image


def test_build_rebuilds_a_brief_whose_image_changed(project: Path) -> None:
    image = _with_image(project)
    assert run_fake_cli(["build", "--pdf"], project).returncode == 0
    unchanged = run_fake_cli(["build", "--pdf"], project)
    assert "0 built, 3 up to date" in unchanged.stderr
    image.write_bytes(PNG + b"edited")
    changed = run_fake_cli(["build", "--pdf"], project)
    assert "1 built, 2 up to date" in changed.stderr, changed.stderr


def test_switching_formats_renders_only_what_is_missing(project: Path) -> None:
    assert "3 built" in run_fake_cli(["build"], project).stderr
    assert "3 built" in run_fake_cli(["build", "--html"], project).stderr
    again = run_fake_cli(["build"], project)
    assert "0 built, 3 up to date" in again.stderr, again.stderr


def test_strict_on_and_off_renders_nothing_again(project: Path) -> None:
    # --strict decides whether outputs are written, not what they hold: toggling it renders
    # nothing again, and a source whose build met warnings fails under it all the same.
    (project / "sources" / "alpha.md").write_text(
        "---\ntitle: Alpha Report\n---\n\nLead of alpha.\n\n![Map](missing.png)\n")
    assert "3 built" in run_fake_cli(["build", "--pdf"], project).stderr
    strict = run_fake_cli(["build", "--pdf", "--strict"], project)
    assert strict.returncode == 1
    assert "0 built, 2 up to date, 1 failed" in strict.stderr, strict.stderr
    assert "alpha.md" in strict.stderr and "--strict; nothing written" in strict.stderr
    again = run_fake_cli(["build", "--pdf"], project)
    assert again.returncode == 0 and "0 built, 3 up to date" in again.stderr, again.stderr


@pytest.mark.slow
def test_watch_rebuilds_when_an_image_is_saved(project: Path) -> None:
    image = _with_image(project)
    process = start_fake_cli(["watch", "--pdf", "--debounce", "50"], project)
    assert process.stderr is not None
    pdf = project / "output" / "alpha.pdf"
    seen: list[str] = []
    reader = threading.Thread(target=lambda: seen.extend(process.stderr or ()), daemon=True)
    try:
        for line in process.stderr:
            if line.startswith("watching"):
                break
        assert pdf.is_file()
        before = pdf.stat().st_ino
        reader.start()
        image.write_bytes(PNG + b"edited")
        deadline = time.monotonic() + 120  # a hang guard: the machine may be loaded
        # The report line comes after the PDF is renamed into place: wait for both, or a
        # Ctrl-C sent in between loses the line (seen in the suite).
        def reported() -> bool:
            return pdf.stat().st_ino != before and any("built sources/alpha" in line
                                                       for line in seen)

        while not reported() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert pdf.stat().st_ino != before  # rewritten (renamed into place)
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=60)
        if reader.ident is not None:  # started
            reader.join(timeout=60)
    err = "".join(seen)
    assert process.returncode == 0, err
    assert err.count("built sources/alpha.md") == 1  # after "watching": the save
