"""Content routes of a tenant's host: the store content API, Wagtail's API v2, sitemap and robots."""
from django.urls import path
from wagtail.api.v2.router import WagtailAPIRouter

from content import site_views
from content.api import (
    ContentPageView, NavigationView, StoreDocumentsAPIViewSet, StoreImagesAPIViewSet, StorePagesAPIViewSet,
)

api_v2 = WagtailAPIRouter("wagtailapi")
api_v2.register_endpoint("pages", StorePagesAPIViewSet)
api_v2.register_endpoint("images", StoreImagesAPIViewSet)
api_v2.register_endpoint("documents", StoreDocumentsAPIViewSet)

urlpatterns = [
    path("store/content/navigation/<slug:handle>", NavigationView.as_view(), name="store-content-navigation"),
    path("store/content/<path:slug>", ContentPageView.as_view(), name="store-content-page"),
    path("api/v2/", api_v2.urls),
    path("sitemap.xml", site_views.sitemap, name="sitemap"),
    path("robots.txt", site_views.robots_txt, name="robots-txt"),
]
