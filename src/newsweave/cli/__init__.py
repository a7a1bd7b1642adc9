"""Command-line interface: `newsweave --help` lists the commands."""
import importlib
import pkgutil

from .base import main

# Every module in this package registers its commands on `main`.
for _mod in pkgutil.iter_modules(__path__):
    if _mod.name != "base":
        importlib.import_module(f"{__name__}.{_mod.name}")

__all__ = ["main"]
