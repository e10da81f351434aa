"""Pieces shared by the commerce apps: base models, store API authentication and base views."""
