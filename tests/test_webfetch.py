"""``lighthouse-docs fetch`` against a local server on 127.0.0.1 (and its refusals).

The server serves the saved pages of ``tests/fixtures/pages`` plus misbehaving routes: a
redirect loop, an oversized body, a PDF, and a server that accepts and never answers. Every
failure must be one clear line, a non-zero exit and no file written.
"""

from __future__ import annotations

import contextlib
import http.server
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from lighthouse_docs import webfetch
from lighthouse_docs.webfetch import FetchError, Policy, address_refusal, check_url, download

PAGES = Path(__file__).resolve().parent / "fixtures" / "pages"
CLI = Path(sys.executable).with_name("lighthouse-docs")
RELEASE = threading.Event()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    seen_headers: list[dict[str, str]] = []  # noqa: RUF012

    def log_message(self, format: str, *args: object) -> None:
        pass

    def _send(self, status: int, body: bytes, content_type: str = "text/html; charset=utf-8",
              **headers: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in headers.items():
            self.send_header(key.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        Handler.seen_headers.append(dict(self.headers))
        path = self.path.split("?", 1)[0]
        if path.startswith("/news/"):
            name = path.removeprefix("/news/")
            if "/" in name:  # a "_files/" image of a saved page
                file = PAGES / name
                if file.is_file() and file.suffix == ".png" and ".." not in name:
                    self._send(200, file.read_bytes(), "image/png")
                    return
            file = PAGES / f"{name}.html"
            if "/" not in name and file.is_file():
                self._send(200, file.read_bytes())
                return
        if path == "/loop-a":
            self._send(302, b"", Location="/loop-b")
        elif path == "/loop-b":
            self._send(301, b"", Location="/loop-a")
        elif path == "/to-article":
            self._send(302, b"", Location="/news/en_news_port")
        elif path == "/big":
            # No Content-Length: the cap must hold while streaming.
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Connection", "close")
            self.end_headers()
            chunk = b"<p>" + b"filler words " * 5000 + b"</p>"
            with contextlib.suppress(OSError):
                for _ in range(200):
                    self.wfile.write(chunk)
        elif path == "/report.pdf":
            self._send(200, b"%PDF-1.7\n" + b"0" * 1000, "application/pdf")
        elif path == "/stall":
            RELEASE.wait(30)  # accept, then say nothing
        elif path == "/no-article":
            self._send(200, (PAGES / "no_article_shop.html").read_bytes())
        else:
            self._send(404, b"not found", "text/plain")


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    RELEASE.clear()
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        RELEASE.set()
        httpd.shutdown()
        httpd.server_close()


def fetch(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1767225600"}
    return subprocess.run([str(CLI), "fetch", *args], cwd=project, env=env,
                          capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "sources").mkdir()
    return tmp_path


def _no_files(project: Path) -> None:
    assert sorted(p.name for p in (project / "sources").rglob("*")) == []


def test_fetch_writes_a_source_that_builds(server: str, project: Path) -> None:
    url = f"{server}/news/en_thinktank_climate"
    result = fetch(project, url, "--allow-private")
    assert result.returncode == 0, result.stderr
    saved = project / "sources" / "en-thinktank-climate.html"
    assert saved.is_file()
    page = saved.read_text(encoding="utf-8")
    assert 'name="generator" content="lighthouse-docs fetch"' in page
    assert "Financing the Coal Phase-Out in Emerging Economies" in page
    assert 'name="lighthouse-docs:fetched"' in page
    for chrome in ("Related:", "More research", "Accept all", "senior fellow", "Download PDF"):
        assert chrome not in page
    # The "Save page as, complete" image was fetched and saved beside the source.
    images = list((project / "sources" / "en-thinktank-climate_files").iterdir())
    assert [p.suffix for p in images] == [".png"]
    assert f'src="en-thinktank-climate_files/{images[0].name}"' in page
    assert "Chart of power-sector emissions, 2015-2024" in page
    # Nothing identifying was sent; the User-Agent says who we are.
    headers = Handler.seen_headers[-1]
    assert headers["User-Agent"].startswith("lighthouse-docs/")
    assert "Cookie" not in headers and "Authorization" not in headers
    shown = subprocess.run([str(CLI), "inspect", str(saved)], cwd=project,
                           capture_output=True, text=True, timeout=120, check=False)
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.startswith("Financing the Coal Phase-Out in Emerging Economies")
    assert "[lang=en]" in shown.stdout
    # The metadata travelled with it.
    from lighthouse_docs.readers import load

    doc = load(saved)
    assert doc.meta.authors == ("Laura Chen", "Ahmed Farouk")
    assert doc.meta.date is not None and doc.meta.date.isoformat() == "2024-07-11"
    assert doc.meta.publisher == "Centre for Climate Policy"
    assert doc.meta.source.url == \
        "https://www.centreforclimatepolicy.com/2024/07/11/en-thinktank-climate"
    # And it builds, offline, into a brief that carries the image.
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1767225600"}
    built = subprocess.run([str(CLI), "build", "--epub"], cwd=project, env=env,
                           capture_output=True, text=True, timeout=300, check=False)
    assert built.returncode == 0, built.stderr
    (epub,) = (project / "output").glob("*.epub")
    import zipfile

    with zipfile.ZipFile(epub) as book:
        assert any(n.startswith("EPUB/images/img") for n in book.namelist())


def test_refetch_needs_force(server: str, project: Path) -> None:
    url = f"{server}/news/id_news_banjir"
    assert fetch(project, url, "--allow-private").returncode == 0
    again = fetch(project, url, "--allow-private")
    assert again.returncode == 2
    assert "--force" in again.stderr and len(again.stderr.strip().splitlines()) == 1
    assert fetch(project, url, "--allow-private", "--force").returncode == 0


def test_redirect_is_followed(server: str, project: Path) -> None:
    result = fetch(project, f"{server}/to-article", "--allow-private")
    assert result.returncode == 0, result.stderr
    assert (project / "sources" / "to-article.html").is_file()


@pytest.mark.parametrize(("route", "args", "message"), [
    ("/news/en_news_port", (), "refused: 127.0.0.1 is a loopback address"),
    ("/loop-a", ("--allow-private",), "redirect loop"),
    ("/big", ("--allow-private", "--max-size", "1"), "over the 1,048,576-byte limit"),
    ("/report.pdf", ("--allow-private",), "not an HTML page (Content-Type: application/pdf)"),
    ("/stall", ("--allow-private", "--timeout", "1"), "timeout"),
    ("/no-article", ("--allow-private",), "no article found"),
    ("/missing", ("--allow-private",), "HTTP 404"),
])
def test_failures_are_one_line_non_zero_and_write_nothing(
        server: str, project: Path, route: str, args: tuple[str, ...], message: str) -> None:
    result = fetch(project, f"{server}{route}", *args)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert message in lines[0] and route in lines[0]
    assert "Traceback" not in result.stderr
    assert "127.0.0.1 is a loopback address 127.0.0.1" not in lines[0]  # said once
    _no_files(project)


def test_other_urls_still_fetched_when_one_fails(server: str, project: Path) -> None:
    result = fetch(project, f"{server}/report.pdf", f"{server}/news/en_news_port",
                   "--allow-private")
    assert result.returncode == 1
    assert (project / "sources" / "en-news-port.html").is_file()


@pytest.mark.parametrize("url", ["ftp://example.org/a.html", "file:///etc/passwd",
                                 "https://user:secret@example.org/a", "not a url"])
def test_non_http_urls_are_usage_errors(project: Path, url: str) -> None:
    result = fetch(project, url)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    _no_files(project)


@pytest.mark.parametrize(("address", "public"), [
    ("127.0.0.1", False), ("10.1.2.3", False), ("172.16.0.5", False), ("192.168.1.1", False),
    ("169.254.169.254", False), ("::1", False), ("fe80::1", False), ("fd00::1", False),
    ("0.0.0.0", False), ("::ffff:127.0.0.1", False), ("100.64.0.1", False),
    ("93.184.216.34", True), ("2606:2800:220:1:248:1893:25c8:1946", True),
])
def test_address_policy(address: str, public: bool) -> None:
    assert (address_refusal(address) is None) == public


def test_redirect_to_a_private_address_is_refused() -> None:
    """A public first hop that redirects into the intranet is refused at the redirect."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    port = server.getsockname()[1]

    def answer() -> None:
        conn, _ = server.accept()
        with conn:
            conn.recv(65536)
            conn.sendall(b"HTTP/1.1 302 Found\r\nLocation: http://internal.test/admin\r\n"
                         b"Content-Length: 0\r\nConnection: close\r\n\r\n")

    thread = threading.Thread(target=answer, daemon=True)
    thread.start()
    # public.test "resolves" to a public address but connects to our socket; internal.test
    # resolves to a private one.
    def resolver(host: str, _port: int) -> list[str]:
        return ["93.184.216.34"] if host == "public.test" else ["10.0.0.7"]

    original = webfetch._PinnedHTTPConnection.connect

    def connect(self: webfetch._PinnedHTTPConnection) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), self.timeout)

    webfetch._PinnedHTTPConnection.connect = connect  # type: ignore[method-assign]
    try:
        with pytest.raises(FetchError, match=r"private address 10\.0\.0\.7 \(redirected to"):
            download("http://public.test/story", Policy(), resolver=resolver)
    finally:
        webfetch._PinnedHTTPConnection.connect = original  # type: ignore[method-assign]
        server.close()
        thread.join(5)


def test_check_url() -> None:
    assert check_url("https://example.org/a?b=1") == ("https", "example.org", 443, "/a?b=1")
    assert check_url("http://example.org:8080") == ("http", "example.org", 8080, "/")
    with pytest.raises(FetchError, match="credentials"):
        check_url("http://a:b@example.org/")


def test_source_names() -> None:
    assert webfetch.source_name("https://x.org/2024/05/kerja-sama-energi.html") == \
        "kerja-sama-energi"
    assert webfetch.source_name("https://www.x.org/") == "www-x-org"
    assert webfetch.source_name("https://x.org/news/story/index.html") == "x-org-news-story"
