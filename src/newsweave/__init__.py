"""newsweave: turn a stream of news articles into stories with sourced facts and cited summaries.

Stages, in the one direction data flows:
read → clean → dedup → analyse → cluster → compare → summarise → store → serve.
"""
import logging

__version__ = "0.1.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())
