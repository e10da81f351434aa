"""The routes the OpenAPI document describes: every REST API of the platform and tenant hosts."""
from django.urls import include, path

urlpatterns = [
    path("", include("commerce.urls")),
    path("", include("workflows.urls")),
    path("", include("integrations.urls")),
    path("", include("content.urls")),
    path("", include("tenants.urls_public")),
    path("", include("integrations.urls_public")),
    path("", include("content.urls_public")),
]
