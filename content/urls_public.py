"""Content routes served on the platform host (cron jobs, platform invoices)."""
urlpatterns = []
