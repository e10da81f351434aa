"""Wagtail content: pages, snippets, settings, POIs and the domain collections that drive commerce."""
SHARED_APPS: list[str] = []
TENANT_APPS = [
    # The "Translate" action for pages and snippets (en, ar, fr).
    "wagtail.contrib.simple_translation",
    # /sitemap.xml of each tenant's site.
    "django.contrib.sitemaps",
    "wagtail.contrib.sitemaps",
    "content",
]
