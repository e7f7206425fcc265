"""Nothing lost: killed and concurrent builds never leave broken outputs or manifests."""

from __future__ import annotations

import json
import signal
from pathlib import Path

from cli_support import run_fake_cli, start_fake_cli


def visible_outputs(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))


def test_build_killed_mid_write_keeps_the_previous_output(project: Path) -> None:
    assert run_fake_cli(["build", "sources/alpha.md", "--pdf"], project).returncode == 0
    pdf = project / "output" / "alpha.pdf"
    good = pdf.read_bytes()
    (project / "sources" / "alpha.md").write_text("---\ntitle: Alpha Report!\n---\n\nNew.\n")
    process = start_fake_cli(["build", "sources/alpha.md", "--pdf"], project,
                             FAKE_PAUSE_WRITE="1")
    assert process.stderr is not None
    try:
        for line in process.stderr:  # wait until the new bytes sit in the temporary file
            if line.strip() == "WRITING":
                break
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    assert pdf.read_bytes() == good
    assert visible_outputs(project / "output") == ["alpha.pdf"]
    leftovers = [p.name for p in (project / "output").iterdir() if p.name.endswith(".tmp")]
    assert leftovers and all(n.startswith(".alpha.pdf.") for n in leftovers)
    # The next build notices the source changed and completes the job.
    again = run_fake_cli(["build", "sources/alpha.md", "--pdf"], project)
    assert again.returncode == 0
    assert b"Alpha Report!" in pdf.read_bytes()


def test_two_builds_at_once_on_one_folder(project: Path) -> None:
    for index in range(6):
        (project / "sources" / f"extra{index}.md").write_text(
            f"---\ntitle: Extra {index}\n---\n\nText {index}.\n")
    expected = run_fake_cli(["build", "-o", str(project / "reference")], project)
    assert expected.returncode == 0, expected.stderr
    first = start_fake_cli(["build", "--force", "--jobs", "2"], project,
                           FAKE_WRITER_DELAY="0.05")
    second = start_fake_cli(["build", "--force", "--jobs", "1", "--html"], project,
                            FAKE_WRITER_DELAY="0.03")
    _, err1 = first.communicate(timeout=120)
    _, err2 = second.communicate(timeout=120)
    assert first.returncode == 0 and second.returncode == 0, err1 + err2
    output, reference = project / "output", project / "reference"
    for name in visible_outputs(reference):
        assert (output / name).read_bytes() == (reference / name).read_bytes(), name
    assert len(visible_outputs(output)) == 9 * 3  # pdf, epub and html of all nine sources
    manifest = json.loads((output / ".lighthouse-manifest.json").read_text())
    assert len(manifest["entries"]) == 9
    assert not [p for p in output.iterdir() if p.name.endswith(".tmp")]
