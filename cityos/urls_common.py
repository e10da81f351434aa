"""Routes served on every host: health, metrics and the API documentation."""
from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

import cityos.api.schema  # noqa: F401  (registers the authentication schemes with drf-spectacular)
from cityos.health import health_view
from cityos.metrics import metrics_view

urlpatterns = [
    path("health", health_view, name="health"),
    path("metrics", metrics_view, name="metrics"),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
]
