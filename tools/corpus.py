"""The labelled structure corpus: labelled articles -> plain articles + golden outlines.

``python -m tools.corpus check FILE...``  validate labelled files and print their outline
``python -m tools.corpus build``         regenerate ``train/``, ``dev/``, ``test/`` from the labels

The golden outline is computed from the labels alone (see ``tests/fixtures/corpus/FORMAT.md``);
no code of the reader under test is involved, so a golden can never agree with a bug.
"""

from __future__ import annotations

import json
import re
import sys
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "corpus"
LABELLED = CORPUS / "labelled"
LEAD_WORDS = 8

_LIST_MARKER = re.compile(r"^(?:[-*•◦▪‣][ \t]+|\d{1,9}[.)][ \t]+)(?=\S)")
_HEADING = re.compile(r"^(#{2,3}) (?=\S)")
_LABEL = re.compile(r"^\[(drop|byline|li)\] (?=\S)")
_WORD = re.compile(r"\w+")


class LabelError(ValueError):
    """A labelled file that does not follow FORMAT.md."""


@dataclass
class Node:
    heading: str
    level: int
    paragraphs: int = 0
    children: list[Node] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"heading": self.heading, "level": self.level, "paragraphs": self.paragraphs,
                "children": [c.as_json() for c in self.children]}


@dataclass
class Article:
    name: str
    publisher: str | None
    title: str
    lang: str
    authors: list[str]
    plain: str
    outline: dict[str, Any]
    dropped: list[str]
    bylines: list[str]
    labels: dict[int, str]
    """Plain-text line number -> true role: h2, h3, prose, list, drop, byline."""

    @property
    def split(self) -> str:
        return split_of(self.publisher or self.name)


def split_of(publisher: str) -> str:
    """``dev`` or ``train``: all articles of a publisher land on the same side."""
    return "dev" if zlib.crc32(publisher.encode("utf-8")) % 3 == 0 else "train"


def lead_start(text: str) -> str:
    """``text`` up to the end of its eighth word (words are ``\\w+`` runs)."""
    words = list(_WORD.finditer(text))
    if not words:
        return text.strip()
    end = words[min(LEAD_WORDS, len(words)) - 1].end()
    return text[:end].strip()


def parse_labelled(path: Path) -> Article:
    lines = path.read_text(encoding="utf-8").split("\n")
    header: dict[str, str] = {}
    i = 0
    while i < len(lines) and (lines[i].startswith("@") or not lines[i].strip()):
        if lines[i].strip():
            key, _, value = lines[i][1:].partition(":")
            header[key.strip()] = value.strip()
        i += 1
    for key in ("title", "lang"):
        if not header.get(key):
            raise LabelError(f"{path.name}: missing @{key}")
    publisher = header.get("publisher") or None
    if publisher == "-":
        publisher = None
    title = header["title"]
    if i >= len(lines):
        raise LabelError(f"{path.name}: no title line")
    first = lines[i].strip()
    prefix = f"{publisher}, {title}" if publisher else title
    if not first.startswith(prefix):
        raise LabelError(f"{path.name}: line 1 does not start with {prefix!r}")
    rest = first[len(prefix):]
    if title.endswith(("?", "!")):
        rest = "." + rest if rest else rest
    elif rest.startswith(("?", "!")):
        title += rest[0]  # "Who Pays? The lead...": the question mark belongs to the title
    if rest and not rest.startswith((". ", "? ", "! ", ".")) and rest not in ("?", "!"):
        raise LabelError(f"{path.name}: title is not followed by '. ' on line 1: {rest[:30]!r}")
    lead = rest.lstrip(".?!").strip()

    plain: list[str] = [first]
    labels: dict[int, str] = {}
    dropped: list[str] = []
    bylines: list[str] = []
    lead_paragraphs = 1 if lead else 0
    lead_text = lead
    sections: list[Node] = []
    current: Node | None = None
    for raw in lines[i + 1:]:
        line = raw.strip()
        if not line:
            plain.append("")
            continue
        if m := _HEADING.match(line):
            text = line[m.end():].strip()
            plain.append(text)
            level = len(m.group(1))
            labels[len(plain)] = f"h{level}"
            node = Node(text, level)
            if level == 2:
                sections.append(node)
            else:
                if not sections:
                    raise LabelError(f"{path.name}: H3 {text!r} before any H2")
                sections[-1].children.append(node)
            current = node
            continue
        if m := _LABEL.match(line):
            text = line[m.end():].strip()
            plain.append(text)
            kind = m.group(1)
            labels[len(plain)] = "list" if kind == "li" else kind
            if kind == "drop":
                dropped.append(text)
            elif kind == "byline":
                bylines.append(text)
            continue
        plain.append(line)
        if _LIST_MARKER.match(line):
            labels[len(plain)] = "list"
            continue
        labels[len(plain)] = "prose"
        if current is None:
            lead_paragraphs += 1
            lead_text = lead_text or line
        else:
            current.paragraphs += 1
    for node in sections:
        for child in [node, *node.children]:
            if child.paragraphs == 0 and not child.children and child is not sections[-1]:
                pass  # an empty section is legal, if odd
    outline = {
        "publisher": publisher,
        "title": title,
        "lang": header["lang"],
        "lead_starts_with": lead_start(lead_text) if lead_text else None,
        "lead_paragraphs": lead_paragraphs,
        "sections": [s.as_json() for s in sections],
    }
    authors = [a.strip() for a in header.get("authors", "").split(";") if a.strip()]
    return Article(path.stem, publisher, title, header["lang"], authors,
                   "\n".join(plain).rstrip("\n") + "\n", outline, dropped, bylines, labels)


LABELLED_TEST = CORPUS / "labelled-test"
"""Articles written after the model was fixed, by a writer who saw nothing else, for publishers
that appear nowhere else: the ``test`` split, evaluated once for the README figure."""


def build() -> None:
    for split in ("train", "dev", "test"):
        folder = CORPUS / split
        folder.mkdir(exist_ok=True)
        for old in folder.iterdir():
            old.unlink()
    counts: dict[str, int] = {"train": 0, "dev": 0, "test": 0}
    labelled = [(p, None) for p in sorted(LABELLED.glob("*.txt"))]
    labelled += [(p, "test") for p in sorted(LABELLED_TEST.glob("*.txt"))]
    for path, forced in labelled:
        article = parse_labelled(path)
        split = forced or article.split
        folder = CORPUS / split
        (folder / f"{article.name}.txt").write_text(article.plain, encoding="utf-8")
        meta = {"authors": article.authors, "dropped": article.dropped,
                "bylines": article.bylines,
                "labels": {str(k): v for k, v in sorted(article.labels.items())}}
        (folder / f"{article.name}.outline.json").write_text(
            json.dumps(article.outline, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        (folder / f"{article.name}.extra.json").write_text(
            json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        counts[split] += 1
    print(", ".join(f"{k}: {v} articles" for k, v in counts.items()))


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("check", "build"):
        print(__doc__)
        return 2
    if argv[0] == "build":
        build()
        return 0
    status = 0
    for name in argv[1:]:
        try:
            article = parse_labelled(Path(name))
        except LabelError as exc:
            print(f"ERROR {exc}")
            status = 1
            continue
        print(f"OK {name} ({article.split})")
        print(json.dumps(article.outline, ensure_ascii=False, indent=1))
    return status


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
