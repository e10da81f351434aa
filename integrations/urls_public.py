"""Webhook and integration routes served on the platform host."""
urlpatterns = []
