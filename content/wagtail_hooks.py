"""CMS registration: the snippet menus of content/viewsets.py and their permission policies."""
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from content.viewsets import PERMISSION_POLICIES, PlacesAndCollectionsGroup, ProductContentViewSet, SiteContentGroup

for _model, _policy in PERMISSION_POLICIES.items():
    register_permission_policy(_model, _policy)

register_snippet(SiteContentGroup)
register_snippet(PlacesAndCollectionsGroup)
register_snippet(ProductContentViewSet)
