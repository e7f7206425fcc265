"""A full CLI build never touches the network nor reads files outside the source's folder.

Markdown and HTML sources point every kind of reference (images, srcset, stylesheets, CSS
``url()`` and ``@import``, attachments, iframes) at a local HTTP server and at a secret file
outside the project; the server must see no request and the secret's bytes must appear in no
output (PDF streams decompressed, EPUB unzipped, HTML).
"""

from __future__ import annotations

import http.server
import re
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest

from .conftest import make_project, run_cli

pytestmark = pytest.mark.slow
TOKEN = "SECRET-TOKEN-5f1c9e27"
PIXEL_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000100ffff03000006000557bfabd40000000049454e44ae426082")


class _Recorder(http.server.BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()
        self.wfile.write(PIXEL_PNG)

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, list[str]]]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", _Recorder.hits
    finally:
        httpd.shutdown()


def _references(url: str, secret: Path) -> list[str]:
    """Every way an article can name a resource, at the server and at the secret files."""
    targets = [f"{url}/img.png", secret.as_uri(), str(secret), "../secret.png",
               "../../secret.png", f"{secret.parent.as_uri()}/secret.css", "/etc/hostname",
               "file:///etc/hostname", f"//127.0.0.1:{url.rsplit(':', 1)[1]}/proto.png"]
    return targets


def _markdown(url: str, secret: Path) -> str:
    lines = ["---", "title: Network Bait", f"image: {url}/front.png", "---", "",
             "Lead paragraph of the bait article.", ""]
    for index, target in enumerate(_references(url, secret)):
        lines += [f"![alt {index}]({target})", "", f"[link {index}]({target})", ""]
    lines += [
        f'<img src="{url}/raw.png" srcset="{url}/s1.png 1x, {secret.as_uri()} 2x" alt="raw">',
        "",
        f'<link rel="stylesheet" href="{url}/style.css">',
        "",
        f'<style>@import url("{url}/import.css"); body {{ background: url({url}/bg.png) }}'
        f' p {{ background: url("{secret.as_uri()}") }}</style>',
        "",
        f'<p style="background: url({url}/inline.png)">Styled paragraph.</p>',
        "",
        f'<a rel="attachment" href="{secret}">attached secret</a> and '
        f'<a rel="attachment" href="{url}/attach.bin">attached remote</a>',
        "",
        f'<iframe src="{url}/frame.html"></iframe>',
        "",
        f'<object data="{url}/object.svg"></object> <embed src="{secret}">',
        "",
        "## Closing",
        "",
        "The end of the bait article.",
        "",
        f"[^1]: A note pointing at ![x]({url}/note.png).",
    ]
    return "\n".join(lines) + "\n"


def _html(url: str, secret: Path) -> str:
    refs = "".join(f'<p><img src="{t}" alt="alt {i}"> <a href="{t}">link {i}</a></p>'
                   for i, t in enumerate(_references(url, secret)))
    return f"""<!doctype html><html lang="en"><head><title>Bait Page</title>
<link rel="stylesheet" href="{url}/head.css"><link rel="stylesheet" href="{secret.as_uri()}">
<style>@import "{url}/import2.css"; h1 {{ background-image: url('{url}/h1.png') }}</style>
<base href="{url}/"><link rel="icon" href="{url}/favicon.ico">
<meta http-equiv="refresh" content="0; url={url}/refresh">
</head><body><article><h1>Bait Page</h1>
<p>Lead paragraph of the bait page with enough words to be the article body.</p>
{refs}
<picture><source srcset="{url}/pic.webp"><img src="{url}/pic.png" alt="pic"></picture>
<img srcset="{url}/set.png 2x" alt="set"><video poster="{url}/poster.png"></video>
<iframe src="{url}/frame2.html"></iframe><a rel="attachment" href="{secret}">secret</a>
<svg><image href="{url}/svg.png"/></svg><input type="image" src="{url}/input.png">
<h2>More</h2><p>Closing paragraph of the bait page, the end.</p></article></body></html>
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory,
          server: tuple[str, list[str]]) -> tuple[Path, list[str], str]:
    url, hits = server
    base = tmp_path_factory.mktemp("net")
    secret = base / "secret.txt"
    secret.write_text(TOKEN + "\n")
    (base / "secret.png").write_bytes(PIXEL_PNG + TOKEN.encode())
    (base / "secret.css").write_text(f"body::before {{ content: '{TOKEN}' }}\n")
    project = make_project(base / "proj")
    (project / "sources" / "bait.md").write_text(_markdown(url, secret), encoding="utf-8")
    (project / "sources" / "bait-page.html").write_text(_html(url, secret), encoding="utf-8")
    run = run_cli(["build", "--pdf", "--epub", "--html", "--verbose"], project, timeout=300)
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    return project / "output", list(hits), run.stderr


def _output_bytes(output: Path, tmp: Path) -> dict[str, bytes]:
    import pikepdf

    found: dict[str, bytes] = {}
    for path in sorted(output.iterdir()):
        if path.suffix == ".pdf":
            plain = tmp / f"{path.stem}.qdf.pdf"
            with pikepdf.open(path) as pdf:
                pdf.save(plain, qdf=True, compress_streams=False,
                         stream_decode_level=pikepdf.StreamDecodeLevel.all,
                         object_stream_mode=pikepdf.ObjectStreamMode.disable)
            found[path.name] = plain.read_bytes()
        elif path.suffix == ".epub":
            with zipfile.ZipFile(path) as book:
                for name in book.namelist():
                    found[f"{path.name}/{name}"] = book.read(name)
        elif path.suffix == ".html":
            found[path.name] = path.read_bytes()
    return found


def test_the_server_received_no_request(built: tuple[Path, list[str], str]) -> None:
    _, hits, _ = built
    assert hits == []


def test_all_three_formats_were_built_for_both_sources(built: tuple[Path, list[str], str]) -> None:
    output, _, _ = built
    names = sorted(p.name for p in output.iterdir() if not p.name.startswith("."))
    assert names == ["bait-page.epub", "bait-page.html", "bait-page.pdf",
                     "bait.epub", "bait.html", "bait.pdf"]


def test_no_secret_bytes_in_any_output(built: tuple[Path, list[str], str], tmp_path: Path) -> None:
    output, _, _ = built
    hostname = Path("/etc/hostname").read_bytes().strip() if Path("/etc/hostname").is_file() \
        else b""
    for name, data in _output_bytes(output, tmp_path).items():
        assert TOKEN.encode() not in data, name
        if len(hostname) >= 8:
            assert hostname not in data, name


def test_no_output_refers_to_the_server_as_a_resource(built: tuple[Path, list[str], str],
                                                      tmp_path: Path) -> None:
    output, _, _ = built
    for name, data in _output_bytes(output, tmp_path).items():
        if name.endswith((".xhtml", ".html", ".css")):
            text = data.decode("utf-8")
            for attribute in ("src=", "srcset=", "poster=", "data=", "@import", "url("):
                for chunk in text.split(attribute)[1:]:
                    assert "127.0.0.1" not in chunk[:120], (name, attribute, chunk[:120])


def test_every_format_warns_about_what_it_refused(built: tuple[Path, list[str], str]) -> None:
    _, _, stderr = built
    for source in ("bait.md", "bait-page.html"):
        lines = [line for line in stderr.splitlines()
                 if re.search(rf"sources/{re.escape(source)}(:\d+)?: ", line)]
        for fmt in ("pdf", "epub", "html"):
            # A diagnostic line ends with the output formats it was met in: "(pdf, epub)".
            assert any(fmt in _formats(line) and "127.0.0.1" in line for line in lines), fmt
            assert any(fmt in _formats(line) and "secret" in line for line in lines), fmt


def _formats(line: str) -> list[str]:
    return line.rsplit(" (", 1)[-1].rstrip(")").split(", ") if line.endswith(")") else []
