"""A tenant's host: store and admin APIs, Django admin, Wagtail CMS and the tenant's site."""
from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from cityos.urls_common import urlpatterns as common
from cityos.views import not_found

urlpatterns = [
    *common,
    path("django-admin/", admin.site.urls),
    path("cms/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("", include("commerce.urls")),
    path("", include("workflows.urls")),
    path("", include("integrations.urls")),
    path("", include("content.urls")),
]

if settings.DEBUG:
    urlpatterns.append(path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT}))

# Unknown API paths answer a JSON 404 instead of falling through to the page tree.
urlpatterns.append(re_path(r"^(?:store|admin/api|api)(?:/|$)", not_found, name="api-not-found"))

# Wagtail serves every other path from the tenant's page tree; pages in another language than
# LANGUAGE_CODE live under their language prefix (/ar/…, /fr/…).
urlpatterns += i18n_patterns(path("", include(wagtail_urls)), prefix_default_language=False)

handler400 = "cityos.views.bad_request"
handler403 = "cityos.views.permission_denied"
handler404 = "cityos.views.not_found"
handler500 = "cityos.views.server_error"
