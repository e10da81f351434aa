"""Platform API routes (platform host)."""
urlpatterns = []
