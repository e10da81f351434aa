"""Platform API routes (platform host)."""
from django.urls import include, path
from rest_framework.routers import SimpleRouter

from tenants.billing_api import PlatformInvoiceViewSet

router = SimpleRouter(trailing_slash=False)
router.register("invoices", PlatformInvoiceViewSet, basename="platform-invoices")

urlpatterns = [
    path("admin/api/platform/", include(router.urls)),
]
