"""Issue 13 item 8: a camera photo is downscaled in every output, end to end through the CLI."""

from __future__ import annotations

import base64
import io
import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from e2e_support import run_checkout_cli
from PIL import Image
from pypdf import PdfReader

from lighthouse_docs.images import LARGE_ORIGINAL, print_box

pytestmark = pytest.mark.slow
EPOCH = "1767225600"
ARTICLE = """---
title: A photo brief
lang: en
---

Intro paragraph with some words in it so that the brief has a body.

## The photo

![A camera photo](photo.jpg)

Some text after the photo.
"""


def lighthouse(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return run_checkout_cli(args, cwd, epoch=EPOCH)


def camera_photo() -> bytes:
    size = (3200, 2400)
    image = Image.merge("RGB", (Image.effect_noise(size, 60),
                                Image.linear_gradient("L").resize(size),
                                Image.effect_noise(size, 90)))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=95)
    return out.getvalue()


def size_of(data: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(data)) as image:
        return image.size


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("photo")
    (root / "sources").mkdir()
    (root / "sources" / "photo.md").write_text(ARTICLE, encoding="utf-8")
    photo = camera_photo()
    assert len(photo) > LARGE_ORIGINAL
    (root / "sources" / "photo.jpg").write_bytes(photo)
    return root


def test_every_output_carries_a_downscaled_photo_and_one_warning(project: Path) -> None:
    run = lighthouse(["build", "--pdf", "--epub", "--html", "--jobs", "1"], project)
    assert run.returncode == 0, run.stderr
    warnings = [line for line in run.stderr.splitlines() if "photo.jpg" in line]
    assert len(warnings) == 1, run.stderr
    assert "3200x2400" in warnings[0] and "downscaled" in warnings[0]
    assert "(pdf, epub, html)" in warnings[0]
    out = project / "output"

    with zipfile.ZipFile(out / "photo.epub") as epub:
        images = [n for n in epub.namelist() if n.startswith("EPUB/images/img")]
        assert len(images) == 1
        assert size_of(epub.read(images[0])) == (1600, 1200)

    html = (out / "photo.html").read_text(encoding="utf-8")
    uris = re.findall(r'src="data:image/jpeg;base64,([^"]+)"', html)
    assert len(uris) == 1
    assert size_of(base64.b64decode(uris[0])) == (1600, 1200)

    # WeasyPrint shares one resource dictionary between pages: count distinct images.
    pdf_images = list({img.data: img for page in PdfReader(out / "photo.pdf").pages
                       for img in page.images}.values())
    assert len(pdf_images) == 1
    width, height = pdf_images[0].image.size
    assert width <= print_box(300)[0] and width >= 1400 and height == round(width * 0.75)

    for name in ("photo.epub", "photo.html", "photo.pdf"):
        assert (out / name).stat().st_size < 1024 * 1024, name


def test_the_pixel_limit_is_configurable(project: Path) -> None:
    (project / "lighthouse.toml").write_text("image_max_side = 640\nimage_dpi = 100\n",
                                             encoding="utf-8")
    try:
        run = lighthouse(["build", "--pdf", "--epub", "-o", "small", "--jobs", "1"], project)
    finally:
        (project / "lighthouse.toml").unlink()
    assert run.returncode == 0, run.stderr
    with zipfile.ZipFile(project / "small" / "photo.epub") as epub:
        images = [n for n in epub.namelist() if n.startswith("EPUB/images/img")]
        assert size_of(epub.read(images[0])) == (640, 480)
    pdf_images = [img for page in PdfReader(project / "small" / "photo.pdf").pages
                  for img in page.images]
    assert pdf_images[0].image.size[0] == print_box(100)[0]
