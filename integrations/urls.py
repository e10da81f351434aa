"""Webhook and integration admin routes (tenant hosts)."""
urlpatterns = []
