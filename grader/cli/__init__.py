"""The command line, ``qala``."""

from .main import main

__all__ = ["main"]
