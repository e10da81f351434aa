"""Content routes served on the platform host: the cron jobs of seeds 000 §7."""
from django.urls import path

from content import cron

urlpatterns = [
    path("api/cron/snapshot-poi-revenue", cron.SnapshotPOIRevenueView.as_view(), name="cron-snapshot-poi-revenue"),
    path("api/cron/refresh-poi-summaries", cron.RefreshPOISummariesView.as_view(), name="cron-refresh-poi-summaries"),
    path("api/cron/generate-monthly-invoices", cron.GenerateMonthlyInvoicesView.as_view(),
         name="cron-generate-monthly-invoices"),
]
