"""Store API (/store/...) and admin API (/admin/api/...) routes of the commerce engine."""
urlpatterns = []
