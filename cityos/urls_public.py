"""The platform host (public schema): platform admin, platform API, webhooks, cron, health."""
from django.urls import include, path

from cityos.admin_sites import platform_admin
from cityos.urls_common import urlpatterns as common

urlpatterns = [
    *common,
    path("django-admin/", platform_admin.urls),
    path("", include("tenants.urls_public")),
    path("", include("integrations.urls_public")),
    path("", include("content.urls_public")),
]

handler400 = "cityos.views.bad_request"
handler403 = "cityos.views.permission_denied"
handler404 = "cityos.views.not_found"
handler500 = "cityos.views.server_error"
