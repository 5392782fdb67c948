"""Ruta: safe, orderly and regular migration in the Americas."""

__all__ = ["__version__"]

__version__ = "0.1.0"
