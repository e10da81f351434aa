"""Admin API routes of the workflow engine (tenant hosts)."""
from django.urls import path

from workflows import api

urlpatterns = [
    path("admin/api/workflows/trigger", api.TriggerView.as_view(), name="workflows-trigger"),
    path("admin/api/workflows", api.WorkflowListView.as_view(), name="workflows-list"),
    path("admin/api/workflows/<str:workflow_id>", api.WorkflowDetailView.as_view(), name="workflows-detail"),
    path("admin/api/workflows/<str:workflow_id>/signal", api.SignalView.as_view(), name="workflows-signal"),
    path("admin/api/workflows/<str:workflow_id>/cancel", api.CancelView.as_view(), name="workflows-cancel"),
    path("admin/api/integrations/process-outbox", api.ProcessOutboxView.as_view(),
         name="integrations-process-outbox"),
]
