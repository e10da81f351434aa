"""Integration admin routes (tenant hosts)."""
from django.urls import path

from integrations import api

urlpatterns = [
    path("admin/api/integrations/health", api.IntegrationHealthView.as_view(), name="integrations-health"),
    path("admin/api/integrations/dashboard", api.IntegrationDashboardView.as_view(), name="integrations-dashboard"),
    path("admin/api/integrations/retry-failed", api.RetryFailedView.as_view(), name="integrations-retry-failed"),
    path("admin/api/integrations/sync/<str:system>", api.SyncNowView.as_view(), name="integrations-sync"),
    path("admin/api/integrations/sync-entries", api.SyncEntryListView.as_view(), name="integrations-sync-entries"),
    path("admin/api/integrations/sandbox/waltid/sessions/<str:session_id>/<str:decision>",
         api.KycDecisionView.as_view(), name="integrations-sandbox-kyc"),
    path("admin/api/integrations/sandbox/fleetbase/orders/<str:order_id>/<str:action>",
         api.DeliveryControlView.as_view(), name="integrations-sandbox-delivery"),
]
