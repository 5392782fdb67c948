"""The casework web service: ``create_app()``, the JSON API and the pages.

See :mod:`ruta.web.app` (assembly), :mod:`ruta.web.deps` (dependencies for routes),
:mod:`ruta.web.security` (sessions, CSRF, login) and :mod:`ruta.web.problems` (errors).
"""

from ruta.web.app import create_app

__all__ = ["create_app"]
