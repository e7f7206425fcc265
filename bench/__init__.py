"""Benchmark harness for lighthouse-docs (issue #7): ``python -m bench``.

Measures the whole CLI on the example article, pandoc as a peer on the same inputs, the
WeasyPrint layout floor, a 50-article batch, the nothing-changed rebuild, large documents and
``watch`` latency; prints a table with PASS/MISS against the targets and writes the same
figures as JSON (``bench/results/``, gitignored). See ``bench/README.md``.
"""
