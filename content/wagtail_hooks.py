"""CMS registration: the snippet menus of content/viewsets.py."""
from wagtail.snippets.models import register_snippet

from content.viewsets import PlacesAndCollectionsGroup, SiteContentGroup

register_snippet(SiteContentGroup)
register_snippet(PlacesAndCollectionsGroup)
