"""The routes the OpenAPI document describes: every REST API of the platform and tenant hosts."""
from django.urls import include, path

import cityos.api.schema  # noqa: F401  (registers the authentication schemes with drf-spectacular)

urlpatterns = [
    path("", include("commerce.urls")),
    path("", include("workflows.urls")),
    path("", include("integrations.urls")),
    path("", include("content.urls")),
    path("", include("tenants.urls_public")),
    path("", include("integrations.urls_public")),
    path("", include("content.urls_public")),
]
