"""Typed records for guidance documents, their chunks and search hits."""

from __future__ import annotations

from pydantic import BaseModel


class Passage(BaseModel):
    """A search hit: the pinned `search` item shape plus its heading path."""

    text: str
    source: str
    title: str
    chunk_id: str
    score: float
    heading: str = ""
