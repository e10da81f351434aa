"""Content API routes (tenant hosts)."""
urlpatterns = []
