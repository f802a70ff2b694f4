"""The progress bar every long command shows, on stderr so stdout keeps only the summary."""
from __future__ import annotations

import sys

import click


def progress(length: int, label: str):
    """A click progress bar of `length` steps, drawn on stderr."""
    return click.progressbar(length=length, label=label, file=sys.stderr)
