"""Deterministic article-shaped sources for the benchmark (corpus ``.txt`` format and Markdown).

An :class:`Article` is generated from a seed alone (``random.Random(seed)``; no clock, no global
state), so a batch is byte-identical on every machine and every run. Articles imitate the
corpus (``/work/shared/corpus/README.md``): line 1 is ``<site>, <Title>. <lead>``; headings are
bare lines without final punctuation; a heading followed directly by another heading owns
subsections; some sections have no subsections; lists are ``- `` / ``1. `` lines; the article
ends with a closing section ("Kesimpulan", "Conclusion", ...) without subsections.

The same article can be written as Markdown (``#`` headings) so pandoc gets the same content.
"""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Lang = Literal["id", "en"]

# Word pools per language: sentence = opener + subject + verb + object + tail. Enough variety that
# hyphenation, line breaking and language detection see text resembling real articles.
_POOLS: dict[str, dict[str, tuple[str, ...]]] = {
    "id": {
        "subject": (
            "Pemerintah", "Kementerian Luar Negeri", "Para analis", "Bank sentral",
            "Dewan Keamanan", "Pelaku pasar", "Kelompok masyarakat sipil", "Parlemen",
            "Pemerintah daerah", "Sejumlah pakar", "Aliansi regional", "Industri pertahanan",
            "Otoritas pelabuhan", "Lembaga penelitian", "Negara-negara tetangga",
        ),
        "verb": (
            "menilai", "memperkuat", "mengkaji ulang", "menanggapi", "mempercepat",
            "menolak", "mendukung", "mengawasi", "mempertimbangkan", "menyoroti",
            "menegosiasikan", "membatasi", "memperluas", "meninjau",
        ),
        "object": (
            "kebijakan perdagangan", "kerja sama maritim", "anggaran pertahanan",
            "rantai pasok energi", "stabilitas kawasan", "perjanjian bilateral",
            "sanksi ekonomi", "jalur diplomasi", "investasi infrastruktur",
            "keamanan siber", "harga pangan", "cadangan devisa", "program bantuan",
            "hubungan strategis", "pengawasan perbatasan",
        ),
        "tail": (
            "di tengah ketegangan yang terus meningkat", "dalam beberapa bulan terakhir",
            "menjelang pertemuan tingkat tinggi", "setelah laporan terbaru dirilis",
            "dengan mempertimbangkan kepentingan nasional",
            "meskipun menghadapi tekanan internasional",
            "sebagai respons terhadap perkembangan global", "untuk menjaga kepercayaan publik",
            "tanpa mengorbankan pertumbuhan ekonomi", "bersama mitra di kawasan Asia Tenggara",
        ),
        "opener": (
            "", "", "", "Namun, ", "Selain itu, ", "Di sisi lain, ", "Oleh karena itu, ",
            "Dalam konteks ini, ", "Menurut sejumlah pengamat, ", "Pada saat yang sama, ",
        ),
        "heading": (
            "Latar Belakang {o}", "Dinamika {o} di Kawasan", "Dampak {o} bagi Indonesia",
            "Peran {s} dalam {o}", "Tantangan {o} ke Depan", "Respons {s} terhadap {o}",
            "Sejarah {o}", "Perkembangan Terbaru {o}", "Mengapa {o} Penting?",
            "Analisis Risiko: {o}",
        ),
        "title": (
            "Analisis Strategis: {s} dan {o}", "Menakar {o} di Tengah Ketidakpastian",
            "{s} Menghadapi Tantangan {o}", "Arah Baru {o} di Asia",
        ),
        "closing": ("Kesimpulan", "Penutup", "Rangkuman"),
        "item": (
            "penguatan {o}", "evaluasi {o} secara berkala", "koordinasi antar lembaga",
            "transparansi {o}", "dialog dengan {s}", "peningkatan kapasitas {o}",
        ),
    },
    "en": {
        "subject": (
            "The government", "The foreign ministry", "Analysts", "The central bank",
            "The Security Council", "Investors", "Civil society groups", "Parliament",
            "Regional authorities", "Several experts", "The regional alliance",
            "The defence industry", "Port authorities", "Research institutes",
            "Neighbouring states",
        ),
        "verb": (
            "assessed", "strengthened", "reviewed", "responded to", "accelerated", "rejected",
            "supported", "monitored", "weighed", "highlighted", "negotiated", "restricted",
            "expanded", "questioned",
        ),
        "object": (
            "trade policy", "maritime cooperation", "the defence budget", "energy supply chains",
            "regional stability", "the bilateral agreement", "economic sanctions",
            "diplomatic channels", "infrastructure investment", "cyber security", "food prices",
            "foreign reserves", "the aid programme", "strategic relations", "border controls",
        ),
        "tail": (
            "amid rising tensions", "over the past few months", "ahead of the summit",
            "after the latest report was released", "with the national interest in mind",
            "despite international pressure", "in response to global developments",
            "to preserve public trust", "without sacrificing economic growth",
            "together with partners in Southeast Asia",
        ),
        "opener": (
            "", "", "", "However, ", "In addition, ", "On the other hand, ", "Therefore, ",
            "In this context, ", "According to several observers, ", "At the same time, ",
        ),
        "heading": (
            "Background to {o}", "The Dynamics of {o} in the Region", "What {o} Means for Jakarta",
            "The Role of {s} in {o}", "Challenges Ahead for {o}", "How {s} Responded to {o}",
            "A Short History of {o}", "Recent Developments in {o}", "Why Does {o} Matter?",
            "Risk Analysis: {o}",
        ),
        "title": (
            "Strategic Analysis: {s} and {o}", "Weighing {o} in Uncertain Times",
            "{s} Faces the Challenge of {o}", "A New Direction for {o} in Asia",
        ),
        "closing": ("Conclusion", "Summary", "Closing Remarks"),
        "item": (
            "strengthening {o}", "regular reviews of {o}", "coordination between agencies",
            "transparency on {o}", "dialogue with {s}", "building capacity for {o}",
        ),
    },
}

_SITES = ("thelighthousepeople.com", "kabarstrategis.id", "asiapolicywatch.org",
          "Lembaga Kajian Nusantara", "regionalbrief.net")


@dataclass(frozen=True, slots=True)
class ListBlock:
    """A bullet (``ordered=False``) or numbered list."""

    items: tuple[str, ...]
    ordered: bool


Block = str | ListBlock
"""A paragraph (plain string) or a list."""


@dataclass(frozen=True, slots=True)
class GenSection:
    """A generated section: heading, intro blocks, then subsections (one level only)."""

    heading: str
    blocks: tuple[Block, ...]
    children: tuple[GenSection, ...] = ()


@dataclass(frozen=True, slots=True)
class Article:
    """One generated article."""

    site: str
    title: str
    lead: str
    lang: Lang
    sections: tuple[GenSection, ...]

    def words(self) -> int:
        """Words of running text (title, lead, headings, paragraphs, list items)."""
        return len(self.to_text().split())

    def to_text(self) -> str:
        """The article in the corpus ``.txt`` format (one item per line, no markup)."""
        lines = [f"{self.site}, {self.title}. {self.lead}"]
        for section in self.sections:
            lines.extend(_section_lines(section, markdown=False, level=2))
        return "\n".join(lines) + "\n"

    def to_markdown(self) -> str:
        """The same article as Markdown: YAML title block, ``##``/``###`` headings, blank lines."""
        lines = [*_front_matter(self.title, self.lang), self.lead, ""]
        for section in self.sections:
            lines.extend(_section_lines(section, markdown=True, level=2))
        return "\n".join(lines).rstrip("\n") + "\n"


def _block_lines(block: Block, *, markdown: bool) -> list[str]:
    if isinstance(block, str):
        return [block, ""] if markdown else [block]
    marks = [f"{n}. " if block.ordered else "- " for n in range(1, len(block.items) + 1)]
    lines = [mark + item for mark, item in zip(marks, block.items, strict=True)]
    return [*lines, ""] if markdown else lines


def _section_lines(section: GenSection, *, markdown: bool, level: int) -> list[str]:
    lines = [f"{'#' * level} {section.heading}", ""] if markdown else [section.heading]
    for block in section.blocks:
        lines.extend(_block_lines(block, markdown=markdown))
    for child in section.children:
        lines.extend(_section_lines(child, markdown=markdown, level=level + 1))
    return lines


def _is_proper(subject: str) -> bool:
    """A name such as "Dewan Keamanan" keeps its capital after an opener ("Namun, ...")."""
    words = subject.removeprefix("The ").split()
    return len(words) > 1 and all(w[0].isupper() for w in words)


def _title_case(phrase: str) -> str:
    small = {"the", "of", "and", "in", "on", "for", "to", "dan", "di", "ke", "dari"}
    words = phrase.split()
    return " ".join(w if i and w in small else w[0].upper() + w[1:] for i, w in enumerate(words))


class _Writer:
    """Draws sentences, headings and lists for one language from one seeded generator."""

    def __init__(self, rng: random.Random, lang: Lang) -> None:
        self.rng = rng
        self.pool = _POOLS[lang]
        self.used_headings: set[str] = set()

    def pick(self, key: str) -> str:
        return self.rng.choice(self.pool[key])

    def sentence(self) -> str:
        opener = self.pick("opener")
        subject = self.pick("subject")
        if opener and not _is_proper(subject):
            subject = subject[0].lower() + subject[1:]
        text = f"{opener}{subject} {self.pick('verb')} {self.pick('object')} {self.pick('tail')}"
        if self.rng.random() < 0.35:
            text += f", {self.pick('tail')}"
        return text[0].upper() + text[1:] + "."

    def paragraph(self, sentences: int | None = None) -> str:
        count = sentences if sentences is not None else self.rng.randint(3, 6)
        return " ".join(self.sentence() for _ in range(count))

    def fill(self, key: str) -> str:
        obj = self.pick("object")
        return self.pick(key).format(s=self.pick("subject"), o=_title_case(obj))

    def heading(self) -> str:
        # Unique headings keep the article realistic (real articles rarely repeat a heading);
        # numbering a repeat keeps generation total for very long (16x) articles.
        text = self.fill("heading")
        candidate, n = text, 2
        while candidate in self.used_headings:
            candidate, n = f"{text} ({n})", n + 1
        self.used_headings.add(candidate)
        return candidate

    def list_block(self) -> ListBlock:
        items = tuple(self.fill("item").capitalize() for _ in range(self.rng.randint(3, 5)))
        return ListBlock(items=items, ordered=self.rng.random() < 0.4)

    def blocks(self, paragraphs: int) -> tuple[Block, ...]:
        out: list[Block] = [self.paragraph() for _ in range(paragraphs)]
        if out and self.rng.random() < 0.3:
            out.insert(self.rng.randint(1, len(out)), self.list_block())
        return tuple(out)


def generate_article(seed: int, *, lang: Lang | None = None, scale: int = 1) -> Article:
    """The article for ``seed``: ~600-1500 words times ``scale`` (4 and 16 for the size series).

    ``lang`` defaults to a seed-chosen mix (about half Indonesian). Same arguments, same
    article, on any machine.
    """
    if scale < 1:
        raise ValueError("scale must be >= 1")
    rng = random.Random(seed)
    chosen: Lang = lang if lang is not None else rng.choice(("id", "en"))
    writer = _Writer(rng, chosen)
    target = rng.randint(560, 1400) * scale
    title = writer.fill("title")
    lead = writer.paragraph(rng.randint(3, 4))
    sections: list[GenSection] = []
    words = len(title.split()) + len(lead.split())
    # The closing section is reserved ~80 words; stop adding body sections when the target is near.
    while words < target - 80 or len(sections) < 2:
        if rng.random() < 0.6:
            intro = writer.blocks(rng.randint(0, 1))
            children = tuple(
                GenSection(heading=writer.heading(), blocks=writer.blocks(rng.randint(1, 2)))
                for _ in range(rng.randint(2, 3))
            )
            section = GenSection(heading=writer.heading(), blocks=intro, children=children)
        else:
            section = GenSection(heading=writer.heading(), blocks=writer.blocks(rng.randint(1, 3)))
        sections.append(section)
        words += _section_words(section)
    sections.append(GenSection(heading=writer.pick("closing"), blocks=(writer.paragraph(4),)))
    return Article(site=rng.choice(_SITES), title=title, lead=lead, lang=chosen,
                   sections=tuple(sections))


def _section_words(section: GenSection) -> int:
    return len(" ".join(_section_lines(section, markdown=False, level=2)).split())


def write_batch(folder: Path, count: int, *, seed: int = 7, suffix: str = ".txt") -> list[Path]:
    """Write ``count`` articles (seeds ``seed*1000 + i``) as ``article-NN.txt`` (or ``.md``).

    Returns the paths in order. Existing files of the same name are overwritten.
    """
    folder.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    for i in range(count):
        article = generate_article(seed * 1000 + i)
        path = folder / f"article-{i + 1:02d}{suffix}"
        text = article.to_markdown() if suffix == ".md" else article.to_text()
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def text_to_markdown(text: str, *, lang: str | None = None) -> str:
    """A corpus-format ``.txt`` (such as the example) as Markdown, by the corpus's own rules.

    Line 1 ``<site>, <Title>. <lead>`` -> a YAML title block and the lead. A bare line without final
    punctuation is a heading; one directly followed by another heading is a section (``##``)
    owning subsections (``###``) until the next such section; a closing heading ("Kesimpulan",
    "Conclusion", ...) is a section. Good enough to give pandoc the same outline and text.
    """
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return ""
    out = list(_first_line_markdown(lines[0], lang))
    closing = {c for pool in _POOLS.values() for c in pool["closing"]}
    closing |= {"Summary", "Penutup", "Conclusions", "Kesimpulan"}
    in_parent = False
    for i, line in enumerate(lines[1:], start=1):
        if _is_heading(line):
            nxt = lines[i + 1] if i + 1 < len(lines) else ""
            if (nxt and _is_heading(nxt)) or line in closing:
                in_parent = bool(nxt and _is_heading(nxt))
                out += [f"## {line}", ""]
            else:
                out += [f"{'###' if in_parent else '##'} {line}", ""]
        else:
            out += [line, ""]
    return "\n".join(out).rstrip("\n") + "\n"


def _is_heading(line: str) -> bool:
    return (len(line) <= 120 and not line.endswith((".", "!", ":", ";", ",", '"', "”"))
            and not line.startswith(("- ", "* ", "• ")) and not line[:3].rstrip(". )").isdigit())


def _front_matter(title: str, lang: str | None) -> list[str]:
    # JSON strings are valid YAML scalars: titles with ":" or quotes stay one value.
    lines = ["---", f"title: {json.dumps(title, ensure_ascii=False)}"]
    if lang:
        lines.append(f"lang: {lang}")
    return [*lines, "---", ""]


def _first_line_markdown(line: str, lang: str | None) -> Sequence[str]:
    site, sep, rest = line.partition(", ")
    if not sep or len(site.split()) > 4:
        rest = line
    title, dot, lead = rest.partition(". ")
    if not dot:
        return _front_matter(rest, lang)
    return [*_front_matter(title, lang), lead, ""]
