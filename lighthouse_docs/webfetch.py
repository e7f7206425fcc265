"""``lighthouse-docs fetch``: download an article page once and keep it as a source file.

The one place in lighthouse-docs that touches the network, and only when asked: builds stay
offline and reproducible because they read what this module saved. A URL becomes
``sources/<name>.html``: the extracted article (the same extraction the HTML reader does),
with its metadata in the page head (canonical URL, fetch time, title, authors, publication
date, site name, language) and its images saved beside it in ``sources/<name>_files/``.

Rules: ``http``/``https`` only; no credentials, cookies or compression asked for; an honest
User-Agent; a timeout on every socket operation and on the whole download; a size cap on every
body; a redirect limit and loop detection; every address the host name resolves to (first
request and each redirect) must be public unless ``allow_private`` (an intranet): loopback,
private, link-local, multicast, reserved and unspecified addresses are refused, and the
connection goes to the address that was checked (no second DNS lookup to rebind).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html as html_lib
import http.client
import ipaddress
import re
import socket
import ssl
import time
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

from . import __version__
from .errors import LighthouseError, UsageError
from .readers.html import FETCHED_GENERATOR

USER_AGENT = (f"lighthouse-docs/{__version__} (article fetcher for briefs; "
              "+https://pypi.org/project/lighthouse-docs/)")
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
IMAGE_TYPES = {"image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif",
               "image/webp": ".webp"}
MAX_IMAGES = 50


class FetchError(LighthouseError):
    """A URL could not be fetched or saved (one line, naming the URL)."""

    category = "Fetch error"

    def __init__(self, url: str, message: str) -> None:
        super().__init__(f"{url}: {message}")
        self.url = url


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Policy:
    """The limits every request obeys."""

    timeout: float = 15.0
    """Seconds for any one connect or read; the whole body gets four times that."""
    max_bytes: int = 10 * 1024 * 1024
    max_redirects: int = 5
    allow_private: bool = False


@dataclasses.dataclass(frozen=True, slots=True)
class Response:
    url: str
    """The final URL, after redirects."""
    content_type: str
    charset: str | None
    body: bytes


Resolver = Callable[[str, int], list[str]]


def _resolve(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise OSError(f"cannot resolve host {host!r} ({exc})") from None
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def address_refusal(address: str) -> str | None:
    """Why ``address`` may not be reached without ``--allow-private``, or None if public."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    for test, name in ((ip.is_loopback, "loopback"), (ip.is_link_local, "link-local"),
                       (ip.is_private, "private"), (ip.is_multicast, "multicast"),
                       (ip.is_unspecified, "unspecified"), (ip.is_reserved, "reserved")):
        if test:
            return f"{name} address {address}"
    if not ip.is_global:
        return f"non-public address {address}"
    return None


def check_url(url: str) -> tuple[str, str, int, str]:
    """``(scheme, host, port, path?query)`` of an http(s) URL.

    :raises FetchError: another scheme, no host, or credentials in the URL.
    """
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise FetchError(url, "not a valid URL") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise FetchError(url, "only http:// and https:// URLs can be fetched")
    if not parts.hostname:
        raise FetchError(url, "the URL has no host")
    if parts.username is not None or parts.password is not None:
        raise FetchError(url, "the URL carries a user name or password; lighthouse-docs "
                         "never sends credentials")
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    return scheme, parts.hostname, port or (443 if scheme == "https" else 80), target


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the address that was checked, not to a fresh DNS answer."""

    def __init__(self, host: str, address: str, port: int, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, address: str, port: int, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


def _read_body(response: http.client.HTTPResponse, url: str, policy: Policy,
               deadline: float) -> bytes:
    length = response.getheader("Content-Length")
    if length and length.strip().isdigit() and int(length) > policy.max_bytes:
        raise FetchError(url, f"the response is {int(length):,} bytes, over the "
                         f"{policy.max_bytes:,}-byte limit")
    chunks: list[bytes] = []
    size = 0
    while True:
        if time.monotonic() > deadline:
            raise FetchError(url, "the download took too long (timeout)")
        chunk = response.read1(65536)
        if not chunk:
            break
        size += len(chunk)
        if size > policy.max_bytes:
            raise FetchError(url, f"the response is over the {policy.max_bytes:,}-byte limit")
        chunks.append(chunk)
    return b"".join(chunks)


def download(url: str, policy: Policy, *, accept: str = "text/html,application/xhtml+xml",
             resolver: Resolver = _resolve) -> Response:
    """GET ``url`` under ``policy``, following redirects.

    :raises FetchError: refused address, redirect loop or limit, HTTP error status, timeout,
        oversized body, or a network failure; always one line naming the URL.
    """
    seen: list[str] = []
    current = url
    deadline = time.monotonic() + 4 * policy.timeout
    while True:
        if current in seen:
            raise FetchError(url, f"redirect loop ({' -> '.join([*seen, current])})")
        if len(seen) > policy.max_redirects:
            raise FetchError(url, f"more than {policy.max_redirects} redirects")
        seen.append(current)
        scheme, host, port, target = check_url(current)
        try:
            addresses = resolver(host, port)
        except OSError as exc:
            raise FetchError(url, str(exc)) from None
        if not addresses:
            raise FetchError(url, f"cannot resolve host {host!r}")
        if not policy.allow_private:
            for address in addresses:
                why = address_refusal(address)
                if why is not None:
                    via = "" if current == url else f" (redirected to {current})"
                    # "127.0.0.1 is a loopback address", not "... address 127.0.0.1" again.
                    what = why if host != address else why.removesuffix(f" {address}")
                    raise FetchError(url, f"refused: {host} is a {what}{via}; use "
                                     "--allow-private to fetch from an intranet")
        cls = _PinnedHTTPSConnection if scheme == "https" else _PinnedHTTPConnection
        conn = cls(host, addresses[0], port, policy.timeout)
        try:
            conn.putrequest("GET", target, skip_accept_encoding=True)
            conn.putheader("User-Agent", USER_AGENT)
            conn.putheader("Accept", accept)
            conn.putheader("Accept-Encoding", "identity")
            conn.putheader("Connection", "close")
            conn.endheaders()
            response = conn.getresponse()
            status = response.status
            if status in (301, 302, 303, 307, 308):
                location = response.getheader("Location")
                if not location:
                    raise FetchError(url, f"HTTP {status} redirect without a Location")
                current = urljoin(current, location.strip())
                continue
            if status != 200:
                raise FetchError(url, f"the server answered HTTP {status} {response.reason}")
            content_type = response.getheader("Content-Type") or ""
            media = content_type.split(";", 1)[0].strip().lower()
            match = re.search(r"charset\s*=\s*\"?([\w.:-]+)", content_type, re.IGNORECASE)
            body = _read_body(response, url, policy, deadline)
            return Response(url=current, content_type=media,
                            charset=match.group(1) if match else None, body=body)
        except TimeoutError:
            raise FetchError(url, f"no answer within {policy.timeout:g} s (timeout)") from None
        except ssl.SSLError as exc:
            raise FetchError(url, f"TLS failed ({exc.reason or exc})") from None
        except (OSError, http.client.HTTPException) as exc:
            raise FetchError(url, f"network error ({exc.__class__.__name__}: {exc})") from None
        finally:
            conn.close()


# --------------------------------------------------------------------------- saving


def source_name(url: str) -> str:
    """The file stem a URL is saved under: its last path segment (or host), slugified."""
    from .project import title_slug

    parts = urlsplit(url)
    segments = [s for s in PurePosixPath(unquote(parts.path)).parts if s not in ("/", "")]
    stem = PurePosixPath(segments[-1]).stem if segments else ""
    if stem.lower() in ("", "index", "default", "article", "amp"):
        stem = " ".join([parts.hostname or "", *segments[:-1]]).strip() or stem
    return title_slug(stem or (parts.hostname or "page"), fallback="page")


def decode_page(response: Response) -> str:
    """The page as text: the HTTP charset, else a ``<meta charset>``, else detection."""
    from .readers._common import decode

    candidates = [response.charset]
    head = response.body[:4096].decode("ascii", "replace")
    if m := re.search(r"<meta[^>]+charset\s*=\s*[\"']?([\w.:-]+)", head, re.IGNORECASE):
        candidates.append(m.group(1))
    for charset in candidates:
        if not charset:
            continue
        try:
            return response.body.decode(charset).lstrip("\ufeff")
        except (LookupError, UnicodeDecodeError):
            continue
    try:
        text, _ = decode(response.body, response.url)
    except LighthouseError as error:
        raise FetchError(response.url, error.message) from None
    return text


@dataclasses.dataclass(frozen=True, slots=True)
class Saved:
    """What :func:`fetch_to` wrote."""

    url: str
    path: Path
    images: tuple[Path, ...]
    warnings: tuple[str, ...]


def _escape(value: str) -> str:
    return html_lib.escape(value, quote=True)


def page_document(*, url: str, fetched: dt.datetime, title: str, authors: tuple[str, ...],
                  date: dt.date | None, site: str | None, lang: str, summary: str | None,
                  content: str) -> str:
    """The saved source: the article's markup with its metadata in the head."""
    head = ['<meta charset="utf-8">', f"<title>{_escape(title)}</title>",
            f'<meta name="generator" content="{FETCHED_GENERATOR}">',
            f'<link rel="canonical" href="{_escape(url)}">',
            f'<meta name="lighthouse-docs:fetched" '
            f'content="{fetched.astimezone(dt.UTC).isoformat(timespec="seconds")}">']
    head += [f'<meta name="author" content="{_escape(a)}">' for a in authors]
    if date is not None:
        head.append(f'<meta property="article:published_time" content="{date.isoformat()}">')
    if site:
        head.append(f'<meta property="og:site_name" content="{_escape(site)}">')
    if summary:
        head.append(f'<meta name="description" content="{_escape(summary)}">')
    return (f'<!DOCTYPE html>\n<html lang="{_escape(lang)}">\n<head>\n'
            + "\n".join(head) + "\n</head>\n<body>\n<article>\n"
            f"<h1>{_escape(title)}</h1>\n{content}\n</article>\n</body>\n</html>\n")


def _save_images(content: Any, page_url: str, folder: Path, rel_prefix: str, policy: Policy,
                 resolver: Resolver, warnings: list[str]) -> dict[str, bytes]:
    """Download the article's images; rewrite their ``src``; drop the ones that fail."""
    files: dict[str, bytes] = {}
    by_url: dict[str, str] = {}
    for img in list(content.iter("img")):
        src = (img.get("src") or "").strip()
        absolute = urljoin(page_url, src) if src else ""
        if absolute in by_url:
            img.set("src", by_url[absolute])
            continue
        reason = None
        if not absolute.lower().startswith(("http://", "https://")):
            reason = "not an http(s) URL"
        elif len(files) >= MAX_IMAGES:
            reason = f"more than {MAX_IMAGES} images"
        else:
            try:
                response = download(absolute, policy, accept="image/*", resolver=resolver)
                suffix = IMAGE_TYPES.get(response.content_type)
                if suffix is None:
                    reason = f"not a PNG, JPEG, GIF or WebP image ({response.content_type})"
            except FetchError as error:
                reason = error.message.removeprefix(f"{absolute}: ")
        if reason is not None:
            warnings.append(f"image {absolute or src!r} dropped: {reason}")
            img.drop_tree()
            continue
        name = f"img{len(files) + 1:03d}{suffix}"
        files[name] = response.body
        by_url[absolute] = f"{rel_prefix}/{name}"
        img.set("src", by_url[absolute])
    return files


def fetch_to(url: str, sources: Path, policy: Policy, *, force: bool = False,
             now: dt.datetime | None = None, resolver: Resolver = _resolve) -> Saved:
    """Fetch ``url`` and save it as ``sources/<name>.html`` (images in ``<name>_files/``).

    Nothing is written unless the whole page was fetched and an article found in it.

    :raises FetchError: the download failed or was refused, or the page is not HTML.
    :raises InputError: the page holds no article.
    :raises UsageError: the source exists and ``force`` is not set.
    """
    import lxml.html

    from .lang import normalize_tag
    from .model import SourceInfo
    from .output import write_atomic
    from .readers import html as html_reader

    check_url(url)
    stem = source_name(url)
    target = sources / f"{stem}.html"
    if target.exists() and not force:
        raise UsageError(f"{target} exists (fetched before?); use --force to fetch {url} again")
    response = download(url, policy, resolver=resolver)
    if response.content_type not in HTML_TYPES:
        raise FetchError(url, f"not an HTML page (Content-Type: "
                         f"{response.content_type or 'none'})")
    text = decode_page(response)
    doc = html_reader.parse(text, SourceInfo(path=url, format="html", url=response.url))
    warnings = [w if isinstance(w, str) else w.message for w in doc.warnings]
    content_markup = html_reader.article_markup(text, title=doc.meta.title)
    content = lxml.html.fragment_fromstring(content_markup, create_parent="div")
    files = _save_images(content, response.url, sources / f"{stem}_files", f"{stem}_files",
                         policy, resolver, warnings)
    inner = "".join(lxml.html.tostring(child, encoding="unicode") for child in content)
    page = page_document(
        url=doc.meta.source.url or response.url, fetched=now or dt.datetime.now(dt.UTC),
        title=doc.meta.title, authors=doc.meta.authors, date=doc.meta.date,
        site=doc.meta.publisher, lang=normalize_tag(doc.meta.lang) or "und",
        summary=doc.meta.summary, content=(content.text or "") + inner)
    written: list[Path] = []
    for name, data in files.items():
        path = sources / f"{stem}_files" / name
        write_atomic(path, data)
        written.append(path)
    write_atomic(target, page.encode("utf-8"))
    return Saved(url=url, path=target, images=tuple(written), warnings=tuple(warnings))


def canonical(url: str) -> str:
    """``url`` without its fragment (what is fetched)."""
    parts = urlsplit(url.strip())
    return urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, ""))
