"""Wagtail content: pages, snippets, settings, POIs and domain collections, the commerce facade."""
SHARED_APPS: list[str] = []
TENANT_APPS = ["content"]
