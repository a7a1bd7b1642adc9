"""What a running server allows: who may write, who may read, how big a request may be."""
from __future__ import annotations

import os
from dataclasses import dataclass

MB = 1024 * 1024
TOKEN_ENV = "NEWSWEAVE_TOKEN"
PRIVATE_ENV = "NEWSWEAVE_PRIVATE"


@dataclass
class Settings:
    """Server settings. ``token`` None means writes are refused; ``private`` closes reads too."""

    token: str | None = None
    private: bool = False
    max_body_bytes: int = 10 * MB  # one POST body
    max_article_bytes: int = 2 * MB  # one article's text or html
    max_batch: int = 1000  # articles in one POST
    page_size: int = 25  # stories per web page
    max_columns: int = 40  # articles shown side by side on a story page
    max_facts: int = 200  # fact rows on a story page before "show all" (conflicting and corroborated first)

    @classmethod
    def from_env(cls, **overrides) -> "Settings":
        """Settings from NEWSWEAVE_TOKEN / NEWSWEAVE_PRIVATE, with explicit values winning."""
        env_private = os.environ.get(PRIVATE_ENV, "").strip().lower() in {"1", "true", "yes", "on"}
        values = {"token": os.environ.get(TOKEN_ENV) or None, "private": env_private}
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)
