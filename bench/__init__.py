"""Benchmarks: each module measures Ruta against a named peer in the same run."""
