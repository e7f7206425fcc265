"""A Malay article is labelled and dated in Malay, not Indonesian (fifth new-user trial)."""

from __future__ import annotations

from pathlib import Path

from e2e_support import run_checkout_cli

ARTICLE = """---
title: Banjir Kelantan
lang: ms
date: 2026-12-01
---

Penduduk kampung menerima amaran banjir terlalu lewat untuk berpindah dengan selamat.

## Latar belakang

Hujan lebat turun selama tiga hari berturut-turut di seluruh negeri.
"""


def test_a_malay_brief_says_disember_and_minit_not_desember_and_menit(tmp_path: Path) -> None:
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "banjir.md").write_text(ARTICLE, encoding="utf-8")
    result = run_checkout_cli(["build", "--html"], tmp_path)
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "output" / "banjir.html").read_text(encoding="utf-8")
    assert "1 Disember 2026" in page
    assert "1 minit bacaan" in page
    assert "Desember" not in page
    assert "menit baca" not in page
