"""The running head names the brief and the section a page is in (BRIEF-DESIGN: "short title
and the current section"). The fifth new-user trial saw the section cut instead:
"Banjir Kelantan: Mengapa Amaran Awal Masih Gagal Sampai ke… · Langkah ke Hada…"."""

from __future__ import annotations

from pathlib import Path

from e2e_support import build_pdf_pages

PARAGRAPH = ("Sistem amaran awal banjir di Kelantan bergantung kepada mesej ringkas dan siren, "
             "tetapi banyak kampung di hulu sungai masih tidak menerimanya tepat pada "
             "masanya. ") * 3


def test_a_long_title_gives_way_to_the_section_in_the_running_head(tmp_path: Path) -> None:
    lines = ["Suara Dasar, Banjir Kelantan: Mengapa Amaran Awal Masih Gagal Sampai ke Kampung. "
             + PARAGRAPH]
    for heading in ("Apa yang Berlaku Minggu Lalu", "Langkah ke Hadapan untuk Pihak Berkuasa",
                    "Kesimpulan"):
        lines += [heading, *[PARAGRAPH] * 6]
    pages = [" ".join(text.split())
             for text in build_pdf_pages(tmp_path, "banjir.txt", "\n".join(lines) + "\n")]
    heads = [text for text in pages if "Langkah ke Hadapan" in text]
    # The page that opens in that section carries its whole name beside the short title.
    assert any("Banjir Kelantan · Langkah ke Hadapan untuk Pihak Berkuasa" in text
               for text in pages), heads
