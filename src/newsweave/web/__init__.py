"""`newsweave serve`: the HTTP API and the server-rendered web pages.

``create_app(store, settings)`` makes an app; ``newsweave serve`` runs one under uvicorn.
"""
from .app import create_app
from .settings import Settings

__all__ = ["create_app", "Settings"]
