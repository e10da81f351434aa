"""Wagtail content: pages, snippets, settings, POIs and the domain collections that drive commerce."""
SHARED_APPS: list[str] = []
# simple_translation gives editors the "Translate" action for pages and snippets (en, ar, fr).
TENANT_APPS = ["wagtail.contrib.simple_translation", "content"]
