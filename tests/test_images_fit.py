"""images.fit: downscaling and recompression of article images (pure, bytes in, bytes out)."""

from __future__ import annotations

import io

from PIL import Image

from lighthouse_docs.images import LARGE_ORIGINAL, Vetted, fit, print_box, screen_box, vet
from lighthouse_docs.writers.cover import cover_png


def encoded(image: Image.Image, fmt: str, **options: object) -> bytes:
    out = io.BytesIO()
    image.save(out, format=fmt, **options)
    return out.getvalue()


def noise(size: tuple[int, int]) -> Image.Image:
    """A photo-like image that compresses badly (so a large one is over 2 MB)."""
    red = Image.effect_noise(size, 60)
    green = Image.linear_gradient("L").resize(size)
    blue = Image.effect_noise(size, 90)
    return Image.merge("RGB", (red, green, blue))


def size_of(data: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(data)) as image:
        return image.size


def test_boxes() -> None:
    assert screen_box() == (1600, 1600)
    width, height = print_box(300)
    assert 1476 <= width <= 1550 and 2900 <= height <= 2950  # 125-131 mm by 249 mm
    assert print_box(150) == (round(width / 2), round(height / 2))


def test_a_large_photo_is_downscaled_recompressed_and_reported() -> None:
    original = encoded(noise((3200, 2400)), "JPEG", quality=95)
    assert len(original) > LARGE_ORIGINAL
    out = fit(vet(original), screen_box(1600))
    assert out.media_type == "image/jpeg"
    assert size_of(out.data) == (1600, 1200)
    assert len(out.data) < len(original) / 4
    assert len(out.notes) == 1 and "3200x2400" in out.notes[0] and "downscaled" in out.notes[0]
    # The same words whatever the box: the build reports the image once for all outputs.
    assert fit(vet(original), print_box(300)).notes == out.notes
    assert fit(vet(original), screen_box(1600)).data == out.data  # deterministic


def test_portrait_png_fits_the_box_by_its_height() -> None:
    original = encoded(Image.linear_gradient("L").resize((1000, 4000)).convert("RGBA"), "PNG")
    out = fit(vet(original), (1476, 2941))
    assert out.media_type == "image/png"
    assert size_of(out.data) == (735, 2941)
    assert out.notes == ()  # a small file: downscaled without a word


def test_an_image_that_fits_is_left_alone() -> None:
    original = encoded(Image.new("RGB", (800, 600), "white"), "PNG")
    image = vet(original)
    assert fit(image, screen_box()) is image


def test_exif_orientation_is_applied_and_metadata_dropped() -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise to display
    exif[0x010F] = "Camera maker"
    original = encoded(Image.new("RGB", (3000, 2000), "gray"), "JPEG", exif=exif.tobytes())
    out = fit(vet(original), screen_box(1600))
    with Image.open(io.BytesIO(out.data)) as image:
        assert image.size == (1067, 1600)
        assert not image.getexif()


def test_svg_and_unknown_types_pass_through() -> None:
    svg = Vetted(b'<svg xmlns="http://www.w3.org/2000/svg" width="9000" height="9000"/>',
                 "image/svg+xml")
    assert fit(svg, (10, 10)) is svg
    gif = vet(encoded(Image.new("P", (4000, 100)), "GIF"))
    assert fit(gif, (10, 10)) is gif


def test_a_downscaled_file_heavier_than_a_small_original_is_not_used() -> None:
    # Flat colour and type (the generated EPUB cover): smoothing it while downscaling makes
    # the PNG heavier than the original.
    original = cover_png("pixel")
    assert size_of(original) == (1600, 2560)
    image = vet(original)
    assert fit(image, print_box(300)).data == original
