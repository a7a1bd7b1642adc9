"""Scorers for clustering, entities, fact alignment and summaries against gold data."""
