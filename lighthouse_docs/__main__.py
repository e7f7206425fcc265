"""``python -m lighthouse_docs``: the same command line as the ``lighthouse-docs`` script."""

from .cli import main

main()
