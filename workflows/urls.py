"""Admin API routes of the workflow engine (tenant hosts)."""
urlpatterns = []
