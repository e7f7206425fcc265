"""Every label the outputs show, per language, and locale-aware dates.

One table per language; adding a language is adding one :class:`Labels` entry to
``TABLES``. Unknown languages fall back to English (by primary subtag first: ``id-ID`` -> ``id``).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True, slots=True, kw_only=True)
class Labels:
    """The words of one language, as the outputs show them."""

    lang: str
    babel_locale: str
    """The Babel locale used for dates ("en_GB" gives "25 November 2026")."""
    contents: str
    key_points: str
    page: str
    """The word before the page number in "Page 3 of 7"."""
    of: str
    """The word between the numbers in "Page 3 of 7"."""
    source: str
    published: str
    minutes_read: str
    """A format string with ``{n}``: "{n} min read"."""
    notes: str
    cover: str
    title_page: str
    summary: str
    marking: str
    part: str
    by: str
    start_of_content: str
    landmarks: str
    untitled: str
    figure: str
    """The word before a figure's number: "Figure 1"."""
    table: str
    """The word before a table's number: "Table 1"."""
    continued: str
    """After the number of a split table's later parts: "Table 1 (continued)"."""
    table_columns: str
    """A format string with ``{first}``, ``{last}`` and ``{total}``: which columns of a table
    cut by columns a part holds, "columns 13–23 of 23"."""
    compiled: str
    """Labels the build date on a cover when the source gives no date of its own."""
    reference: str
    version: str
    prepared_for: str
    accessibility_summary: str
    """Sentence for EPUB ``schema:accessibilitySummary``."""

    def reading_time(self, minutes: int) -> str:
        """``"7 min read"`` in this language."""
        return self.minutes_read.format(n=minutes)

    def columns_of(self, first: int, last: int, total: int) -> str:
        """``"columns 13–23 of 23"`` in this language (a part of a table cut by columns)."""
        return self.table_columns.format(first=first, last=last, total=total)

    def page_x_of_y(self, page: int, pages: int) -> str:
        """``"Page 3 of 7"`` in this language (the PDF builds the same text from CSS counters)."""
        return f"{self.page} {page} {self.of} {pages}"


TABLES: dict[str, Labels] = {
    "en": Labels(
        lang="en", babel_locale="en_GB", contents="Contents", key_points="Key points",
        page="Page", of="of", source="Source", published="Published",
        minutes_read="{n} min read", notes="Notes", cover="Cover", title_page="Title page",
        summary="Summary", marking="Marking", part="Part", by="By",
        start_of_content="Start of content", landmarks="Landmarks", untitled="Untitled",
        figure="Figure", table="Table",
        continued="continued", table_columns="columns {first}–{last} of {total}",
        compiled="Compiled", reference="Reference", version="Version",
        prepared_for="Prepared for", accessibility_summary=(
            "This publication has a navigable table of contents, headings in a logical "
            "order and text alternatives for its images; it has no known hazards."
        ),
    ),
    "id": Labels(
        lang="id", babel_locale="id", contents="Daftar Isi", key_points="Poin Penting",
        page="Halaman", of="dari", source="Sumber", published="Diterbitkan",
        minutes_read="{n} menit baca", notes="Catatan", cover="Sampul",
        title_page="Halaman Judul", summary="Ringkasan", marking="Klasifikasi", part="Bagian",
        by="Oleh", start_of_content="Awal isi", landmarks="Penanda", untitled="Tanpa judul",
        figure="Gambar", table="Tabel",
        continued="lanjutan", table_columns="kolom {first}–{last} dari {total}",
        compiled="Disusun", reference="Nomor", version="Versi",
        prepared_for="Disiapkan untuk", accessibility_summary=(
            "Publikasi ini memiliki daftar isi yang dapat dinavigasi, judul bagian dalam urutan "
            "yang logis dan teks alternatif untuk gambarnya; tidak ada bahaya yang diketahui."
        ),
    ),
    "de": Labels(
        lang="de", babel_locale="de", contents="Inhalt", key_points="Kernpunkte",
        page="Seite", of="von", source="Quelle", published="Veröffentlicht",
        minutes_read="{n} Min. Lesezeit", notes="Anmerkungen", cover="Umschlag",
        title_page="Titelseite", summary="Zusammenfassung", marking="Einstufung", part="Teil",
        by="Von", start_of_content="Beginn des Inhalts", landmarks="Orientierungspunkte",
        untitled="Ohne Titel",
        figure="Abbildung", table="Tabelle",
        continued="Fortsetzung", table_columns="Spalten {first}–{last} von {total}",
        compiled="Erstellt", reference="Aktenzeichen", version="Version",
        prepared_for="Erstellt für", accessibility_summary=(
            "Diese Publikation hat ein navigierbares Inhaltsverzeichnis, logisch geordnete "
            "Überschriften und Textalternativen für Bilder; bekannte Gefahren gibt es keine."
        ),
    ),
    "fr": Labels(
        lang="fr", babel_locale="fr", contents="Sommaire", key_points="Points clés",
        page="Page", of="sur", source="Source", published="Publié le",
        minutes_read="{n} min de lecture", notes="Notes", cover="Couverture",
        title_page="Page de titre", summary="Résumé", marking="Classification", part="Partie",
        by="Par", start_of_content="Début du contenu", landmarks="Repères",
        untitled="Sans titre",
        figure="Figure", table="Tableau",
        continued="suite", table_columns="colonnes {first} à {last} sur {total}",
        compiled="Compilé le", reference="Référence", version="Version",
        prepared_for="Préparé pour", accessibility_summary=(
            "Cette publication comporte une table des matières navigable, des titres dans un "
            "ordre logique et des alternatives textuelles aux images ; aucun danger connu."
        ),
    ),
    "es": Labels(
        lang="es", babel_locale="es", contents="Índice", key_points="Puntos clave",
        page="Página", of="de", source="Fuente", published="Publicado",
        minutes_read="{n} min de lectura", notes="Notas", cover="Cubierta",
        title_page="Portada", summary="Resumen", marking="Clasificación", part="Parte",
        by="Por", start_of_content="Inicio del contenido", landmarks="Puntos de referencia",
        untitled="Sin título",
        figure="Figura", table="Tabla",
        continued="continuación", table_columns="columnas {first}–{last} de {total}",
        compiled="Compilado", reference="Referencia", version="Versión",
        prepared_for="Preparado para", accessibility_summary=(
            "Esta publicación tiene un índice navegable, encabezados en orden lógico y textos "
            "alternativos para sus imágenes; no tiene peligros conocidos."
        ),
    ),
    "nl": Labels(
        lang="nl", babel_locale="nl", contents="Inhoud", key_points="Kernpunten",
        page="Pagina", of="van", source="Bron", published="Gepubliceerd",
        minutes_read="{n} min lezen", notes="Noten", cover="Omslag",
        title_page="Titelpagina", summary="Samenvatting", marking="Rubricering", part="Deel",
        by="Door", start_of_content="Begin van de inhoud", landmarks="Oriëntatiepunten",
        untitled="Zonder titel",
        figure="Figuur", table="Tabel",
        continued="vervolg", table_columns="kolommen {first}–{last} van {total}",
        compiled="Samengesteld", reference="Kenmerk", version="Versie",
        prepared_for="Opgesteld voor", accessibility_summary=(
            "Deze publicatie heeft een navigeerbare inhoudsopgave, koppen in logische volgorde "
            "en tekstalternatieven voor afbeeldingen; er zijn geen bekende risico's."
        ),
    ),
}
TABLES["ms"] = Labels(
    # Malay as written in Malaysia and Brunei: close to Indonesian, but its own words
    # ("Kandungan", "daripada", "minit", "Rajah", "Jadual") and month names (Babel's "ms":
    # "Disember", "Ogos").
    lang="ms", babel_locale="ms", contents="Kandungan", key_points="Perkara Utama",
    page="Halaman", of="daripada", source="Sumber", published="Diterbitkan",
    minutes_read="{n} minit bacaan", notes="Nota", cover="Kulit",
    title_page="Halaman Tajuk", summary="Ringkasan", marking="Klasifikasi", part="Bahagian",
    by="Oleh", start_of_content="Permulaan kandungan", landmarks="Mercu tanda",
    untitled="Tanpa tajuk",
    figure="Rajah", table="Jadual",
    continued="sambungan", table_columns="lajur {first}–{last} daripada {total}",
    compiled="Disusun", reference="Rujukan", version="Versi",
    prepared_for="Disediakan untuk", accessibility_summary=(
        "Penerbitan ini mempunyai kandungan yang boleh dilayari, tajuk dalam susunan yang "
        "logik dan teks alternatif bagi imejnya; tiada bahaya yang diketahui."
    ),
)

FALLBACK = "en"


def labels(lang: str | None) -> Labels:
    """The labels for a BCP 47 tag (``"id"``, ``"en-US"``, ...); English when unknown."""
    if not lang:
        return TABLES[FALLBACK]
    tag = lang.replace("_", "-").lower()
    return TABLES.get(tag) or TABLES.get(tag.split("-")[0]) or TABLES[FALLBACK]


@lru_cache(maxsize=64)
def format_date(date: dt.date, lang: str | None) -> str:
    """A long date in the language's style: "25 November 2026" (en, id), "25. November 2026"."""
    from babel.dates import format_date as babel_format_date

    return str(babel_format_date(date, format="long", locale=labels(lang).babel_locale))


def pack_language(langs: Iterable[str], override: str | None = None) -> str:
    """The language of a combined brief's own labels (cover, contents, "Page X of Y").

    ``override`` (``--lang`` or the config's ``language``) wins; else the most common
    language of its articles, the earliest in order on a tie; English for no articles.
    """
    if override:
        return override
    counts = Counter(langs)
    if not counts:
        return FALLBACK
    best = max(counts.values())
    return next(lang for lang in counts if counts[lang] == best)
