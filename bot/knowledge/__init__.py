"""Guidance corpus: loading, chunking, indexing and hybrid search."""
