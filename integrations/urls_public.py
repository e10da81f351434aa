"""Webhook and integration routes served on the platform host."""
from django.urls import path, re_path

from integrations.status_lists import status_list_view
from integrations.webhooks.views import receive_webhook

urlpatterns = [
    re_path(r"^webhooks/(?P<system>stripe|erpnext|fleetbase|waltid)/?$", receive_webhook, name="integrations-webhook"),
    path("credentials/status/<str:list_id>", status_list_view, name="integrations-status-list"),
]
