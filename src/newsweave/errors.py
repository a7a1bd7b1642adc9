"""The error catalogue: every problem a user can cause names the file (and line) it came from."""
from __future__ import annotations

from dataclasses import dataclass


class NewsweaveError(Exception):
    """Base class for errors newsweave reports to users."""


@dataclass
class InputError(NewsweaveError):
    """One unreadable input: a file, a JSONL line, a feed entry, a WARC record."""

    path: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return f"{where}: {self.message}"


class ModelMissingError(NewsweaveError):
    """A pinned model package is not installed; newsweave refuses to run without it."""


class StoreError(NewsweaveError):
    """The database could not be opened or migrated."""
