"""Ruta: safe, orderly and regular migration in the Americas.

The version has one source, ``pyproject.toml``; the installed distribution's metadata
carries it here (and to ``ruta --version`` and the API's OpenAPI document).
"""

from importlib.metadata import PackageNotFoundError, version

__all__ = ["__version__"]

try:
    __version__ = version("ruta")
except PackageNotFoundError:  # a source tree on PYTHONPATH without installed metadata
    __version__ = "0+unknown"
