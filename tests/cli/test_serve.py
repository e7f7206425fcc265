"""`lighthouse-docs serve`: what the preview server answers, and what it refuses.

The HTTP tests run the server in this process on a project built by the real CLI with fake
writers (fast); one test runs the whole command in a real process and stops it with Ctrl-C.
Requests go through ``http.client`` so that paths reach the server exactly as written (no
client-side normalisation of ``..``).
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_support import EPOCH, ctrl_c_reaches_the_child, run_fake_cli, write_project

from lighthouse_docs import serve
from lighthouse_docs.build import SourceResult


def _get(url: str, path: str, method: str = "GET") -> tuple[int, bytes, dict[str, str]]:
    match = re.match(r"http://([\d.]+):(\d+)/", url)
    assert match
    connection = http.client.HTTPConnection(match[1], int(match[2]), timeout=30)
    try:
        connection.request(method, path)
        response = connection.getresponse()
        return response.status, response.read(), dict(response.getheaders())
    finally:
        connection.close()


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project built once (fake writers), with bait beside and inside its output."""
    base = tmp_path_factory.mktemp("serve")
    project = write_project(base / "proj")
    done = run_fake_cli(["build", "--pdf", "--epub"], project)
    assert done.returncode == 0, done.stderr
    (base / "secret.txt").write_text("the secret", encoding="utf-8")
    (project / "output" / "unrecorded.pdf").write_bytes(b"%PDF not ours")
    (project / "output" / "link.pdf").symlink_to(base / "secret.txt")
    return project


@pytest.fixture
def built(pristine: Path, tmp_path: Path) -> Path:
    """A copy of the built project a test may change."""
    shutil.copytree(pristine.parent, tmp_path / "copy", symlinks=True)
    return tmp_path / "copy" / "proj"


@pytest.fixture
def server(pristine: Path) -> Iterator[tuple[str, serve.PreviewState]]:
    built = pristine
    output = built / "output"
    state = serve.PreviewState(output=output)
    state.track({"sources/alpha.md": built / "sources" / "alpha.md",
                 "sources/beta.md": built / "sources" / "beta.md"})
    state.change("sources/alpha.md", title="Alpha <Report>", live=b"<p>alpha text</p>")
    state.change("sources/beta.md", title="Beta", error="sources/beta.md: no body text")
    with serve.serving(state, 0) as url:
        yield url, state


def test_only_loopback_is_bound(server: tuple[str, serve.PreviewState]) -> None:
    url, _ = server
    assert url.startswith("http://127.0.0.1:")


def test_index_lists_briefs_escaped_with_their_state(
        server: tuple[str, serve.PreviewState]) -> None:
    url, _ = server
    status, body, headers = _get(url, "/")
    assert status == 200
    text = body.decode()
    assert "Alpha &lt;Report&gt;" in text and "<Report>" not in text
    assert "/brief?src=sources%2Fbeta.md" in text
    assert "failed" in text
    assert "default-src 'none'" in headers["Content-Security-Policy"]


def test_brief_page_shows_the_error_banner_only_while_failing(
        server: tuple[str, serve.PreviewState]) -> None:
    url, state = server
    _, body, _ = _get(url, "/brief?src=sources%2Fbeta.md")
    assert 'id="lh-error"' in body.decode() and "no body text" in body.decode()
    _, body, _ = _get(url, "/brief?src=sources%2Falpha.md")
    assert 'id="lh-error"' not in body.decode()
    assert "/live?src=sources%2Falpha.md" in body.decode()
    state.change("sources/beta.md", error=None, live=b"<p>fixed</p>")
    _, body, _ = _get(url, "/brief?src=sources%2Fbeta.md")
    assert 'id="lh-error"' not in body.decode()


def test_live_view_is_the_rendered_html_and_may_run_nothing(
        server: tuple[str, serve.PreviewState]) -> None:
    url, _ = server
    status, body, headers = _get(url, "/live?src=sources%2Falpha.md")
    assert (status, body) == (200, b"<p>alpha text</p>")
    assert "script-src" not in headers["Content-Security-Policy"]


def test_recorded_outputs_are_served(server: tuple[str, serve.PreviewState]) -> None:
    url, _ = server
    status, body, headers = _get(url, "/output/alpha.pdf")
    assert status == 200 and body.startswith(b"pdf|Alpha Report")
    assert headers["Content-Type"] == "application/pdf"
    status, _, _ = _get(url, "/output/alpha.epub", method="HEAD")
    assert status == 200


@pytest.mark.parametrize("path", [
    "/output/../lighthouse.toml",
    "/output/%2e%2e/lighthouse.toml",
    "/output/..%2flighthouse.toml",
    "/output/..%5clighthouse.toml",
    "/output/./alpha.pdf",
    "/output//alpha.pdf",
    "/output/../../secret.txt",
    "/output/%2e%2e/%2e%2e/secret.txt",
    "/output/..%2f..%2fsecret.txt",
    "/output/",
    "/output",
    "/output/.lighthouse-manifest.json",
    "/output/unrecorded.pdf",
    "/output/link.pdf",
    "/output/alpha.pdf%00.txt",
    "/sources/alpha.md",
    "/styles/plain/print.css",
    "/etc/passwd",
    "//etc/passwd",
    "/brief?src=..%2F..%2Fsecret.txt",
    "/live?src=%2Fetc%2Fpasswd",
    "/page?src=sources%2Falpha.md&n=..%2F..%2Fsecret.txt",
    "/_lh/",
    "/_lh/../lighthouse.toml",
    "/_lh/brief.html.j2",
])
def test_nothing_outside_recorded_outputs_is_served(
        server: tuple[str, serve.PreviewState], path: str) -> None:
    url, _ = server
    status, body, _ = _get(url, path)
    assert status == 404, (path, body[:200])
    assert b"the secret" not in body and b"style =" not in body


def test_an_output_swapped_for_a_link_out_is_refused(built: Path) -> None:
    output = built / "output"
    (output / "alpha.pdf").unlink()
    (output / "alpha.pdf").symlink_to(built.parent / "secret.txt")
    assert serve.served_output(output, "alpha.pdf") is None
    assert serve.served_output(output, "beta.pdf") == (output / "beta.pdf").resolve()


def test_events_announce_each_change(server: tuple[str, serve.PreviewState]) -> None:
    url, state = server
    match = re.match(r"http://([\d.]+):(\d+)/", url)
    assert match
    since = state.generation
    with socket.create_connection((match[1], int(match[2])), timeout=30) as sock:
        sock.sendall(f"GET /_lh/events?since={since} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        threading.Timer(0.2, lambda: state.change("sources/alpha.md", live=b"new")).start()
        received = b""
        while f"data: {since + 1}".encode() not in received:
            chunk = sock.recv(4096)
            assert chunk, received
            received += chunk
    assert b"text/event-stream" in received


def test_record_takes_outputs_pages_and_failures(built: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from lighthouse_docs.cli import _Choices as Choices
    from lighthouse_docs.cli import _request

    monkeypatch.chdir(built)
    request = _request(Choices())
    state = serve.PreviewState(output=request.output)
    state.track({"sources/alpha.md": built / "sources" / "alpha.md"})
    serve.record(state, request, [
        SourceResult(source="sources/alpha.md", status="built", pages=3,
                     outputs=(request.output / "alpha.pdf",)),
        SourceResult(source="sources/gone.md", status="failed", error="x")])
    alpha = state.brief("sources/alpha.md")
    assert alpha is not None and (alpha.outputs, alpha.pages) == (("alpha.pdf",), 3)
    serve.record(state, request, [SourceResult(source="sources/alpha.md", status="failed",
                                               error="sources/alpha.md: broken")])
    alpha = state.brief("sources/alpha.md")
    assert alpha is not None and alpha.error == "sources/alpha.md: broken"


def test_refresh_renders_changed_sources_and_reports_broken_ones(
        built: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from lighthouse_docs.cli import _Choices as Choices
    from lighthouse_docs.cli import _request

    monkeypatch.chdir(built)
    request = _request(Choices())
    state = serve.PreviewState(output=request.output)
    assert sorted(serve.refresh(state, request, force=True)) == [
        "sources/alpha.md", "sources/beta.md", "sources/gamma.md"]
    alpha = state.brief("sources/alpha.md")
    assert alpha is not None and alpha.live is not None and b"Lead of alpha." in alpha.live
    assert serve.refresh(state, request) == []  # nothing changed: nothing rendered
    (built / "sources" / "alpha.md").write_text("", encoding="utf-8")
    assert serve.refresh(state, request) == ["sources/alpha.md"]
    alpha = state.brief("sources/alpha.md")
    assert alpha is not None and alpha.error and alpha.error.startswith("sources/alpha.md")
    assert alpha.live is not None and b"Lead of alpha." in alpha.live  # the last good one


def test_a_built_project_lists_its_outputs_before_any_text_view_is_rendered(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Before: serve rendered every text view (a child process each, 0.5-1 s on a busy
    # machine), then ran the build, and only then showed any output: "building…" for 36-55 s.
    from lighthouse_docs.cli import _Choices as Choices
    from lighthouse_docs.cli import _request

    built = write_project(tmp_path / "proj")
    assert run_fake_cli(["build", "--pdf", "--epub"], built).returncode == 0
    monkeypatch.chdir(built)
    request = _request(Choices(pdf=True, epub=True))
    state = serve.PreviewState(output=request.output)
    monkeypatch.setattr(serve, "render_preview", None)  # nothing is rendered by seed
    serve.seed(state, request)
    alpha = state.brief("sources/alpha.md")
    assert alpha is not None
    assert (alpha.outputs, alpha.pages, alpha.live) == (("alpha.pdf", "alpha.epub"), 3, None)
    pdf_only = serve.PreviewState(output=request.output)
    serve.seed(pdf_only, _request(Choices(pdf=True)))
    assert [b.outputs for b in pdf_only.snapshot()[2]] == [
        ("alpha.pdf",), ("beta.pdf",), ("gamma.pdf",)]
    (built / "output" / "beta.pdf").unlink()
    (built / "output" / ".lighthouse-manifest.json").write_text("{broken")
    nothing = serve.PreviewState(output=request.output)
    serve.seed(nothing, request)
    assert [b.outputs for b in nothing.snapshot()[2]] == [(), (), ()]


def test_refresh_renders_the_text_view_again_when_an_image_is_saved(
        built: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from lighthouse_docs.cli import _Choices as Choices
    from lighthouse_docs.cli import _request

    monkeypatch.chdir(built)
    (built / "sources" / "alpha.md").write_text(
        "---\ntitle: Alpha\n---\n\nLead.\n\n![Map](map.png)\n", encoding="utf-8")
    request = _request(Choices(sources=["sources/alpha.md"]))
    state = serve.PreviewState(output=request.output)
    assert serve.refresh(state, request) == ["sources/alpha.md"]  # map.png is missing
    assert serve.refresh(state, request) == []
    (built / "sources" / "map.png").write_bytes(bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de"
        "0000000c4944415408d763f8cfc000000301010018dd8db00000000049454e44ae426082"))
    # The source's bytes are the same; its image appeared: the text view shows it now.
    assert serve.refresh(state, request) == ["sources/alpha.md"]
    alpha = state.brief("sources/alpha.md")
    assert alpha is not None and alpha.live is not None and b"data:image/png" in alpha.live
    assert serve.refresh(state, request) == []


@pytest.mark.slow
def test_serve_process_serves_the_project_and_stops_on_ctrl_c(built: Path) -> None:
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, str(Path(__file__).parent / "fake_cli.py"), "serve", "--port", "0",
         "--pdf"], cwd=built, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, preexec_fn=ctrl_c_reaches_the_child)
    try:
        assert process.stderr is not None
        line = process.stderr.readline()
        match = re.search(r"http://127\.0\.0\.1:\d+/", line)
        assert match, line
        url = match[0]
        deadline = time.monotonic() + 120  # a hang guard: the machine may be loaded
        while time.monotonic() < deadline:
            _, body, _ = _get(url, "/")
            if b"/output/alpha.pdf" in body:
                break
            time.sleep(0.1)
        assert b"/output/alpha.pdf" in body
        assert _get(url, "/output/../lighthouse.toml")[0] == 404
    finally:
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert "Traceback" not in err
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", int(url.rsplit(":", 1)[1].strip("/"))),
                                 timeout=5).close()


def test_a_client_that_goes_away_prints_nothing_and_other_errors_print_one_line(
        capfd: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture) -> None:
    """A browser drops preconnect sockets and closed tabs mid-request: socketserver printed a
    19-line traceback for each (found by the third new-user trial). Now such a client is
    ignored, and any other failure of one request is one log line, traceback only in debug."""
    state = serve.PreviewState(output=Path("."))
    server = serve._Server(0, state, "a4")
    try:
        with caplog.at_level("WARNING", logger="lighthouse_docs"):
            for gone in (ConnectionResetError(104, "Connection reset by peer"),
                         BrokenPipeError()):
                try:
                    raise gone
                except OSError:
                    server.handle_error(None, ("127.0.0.1", 50668))
            printed = capfd.readouterr()
            assert "Exception occurred" not in printed.err + printed.out
            assert "Traceback" not in printed.err + printed.out
            assert not caplog.records
            try:
                raise ValueError("bad request line")
            except ValueError:
                server.handle_error(None, ("127.0.0.1", 50669))
    finally:
        server.server_close()
    assert "Exception occurred" not in capfd.readouterr().err
    assert [r.getMessage() for r in caplog.records] == [
        "serve: a request from 127.0.0.1 failed: bad request line"]
    assert not caplog.records[0].exc_info
