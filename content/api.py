"""Content API for storefronts: pages and navigation as JSON, and Wagtail's API v2.

Every view here takes its authentication from `STORE_AUTHENTICATION` and its permissions from
`STORE_PERMISSIONS`: like every store route, they need the storefront's publishable key
(`x-publishable-api-key`, a sales channel's key; missing, unknown or revoked → 401
`invalid_publishable_key`), checked through the commerce client.
"""
from django.contrib.auth.models import AnonymousUser
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.documents.api.v2.views import DocumentsAPIViewSet
from wagtail.images.api.v2.views import ImagesAPIViewSet

from cityos.errors import ServiceError
from content import commerce_client, delivery
from content.serializers import ContentPageSerializer, ErrorEnvelopeSerializer, NavigationSerializer

PUBLISHABLE_KEY_HEADER = "x-publishable-api-key"


class InvalidPublishableKey(ServiceError):
    status = 401
    code = "invalid_publishable_key"


class PublishableKeyAuthentication(BaseAuthentication):
    """The storefront's publishable key, as the commerce store API requires it; the request gets
    `sales_channel_id`. Shoppers stay anonymous: content is the same for everyone."""

    def authenticate(self, request):
        channel_id = commerce_client.sales_channel_for_key(request.headers.get(PUBLISHABLE_KEY_HEADER))
        if channel_id is None:
            raise InvalidPublishableKey(
                f"A valid {PUBLISHABLE_KEY_HEADER} header is required (the storefront's publishable key).",
                fields={PUBLISHABLE_KEY_HEADER: ["Missing, unknown or revoked."]})
        request.sales_channel_id = channel_id
        return AnonymousUser(), channel_id

    def authenticate_header(self, request):
        return PUBLISHABLE_KEY_HEADER


class PublishableKeyScheme(OpenApiAuthenticationExtension):
    target_class = "content.api.PublishableKeyAuthentication"
    name = "publishableKey"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": PUBLISHABLE_KEY_HEADER,
                "description": "The publishable API key of the storefront's sales channel."}


STORE_AUTHENTICATION: list = [PublishableKeyAuthentication]
STORE_PERMISSIONS = [AllowAny]

LANGUAGE_PARAMETERS = [
    OpenApiParameter("locale", OpenApiTypes.STR, OpenApiParameter.QUERY, enum=["en", "ar", "fr"],
                     description="Language of the content; otherwise taken from Accept-Language, then the site's."),
    OpenApiParameter("Accept-Language", OpenApiTypes.STR, OpenApiParameter.HEADER, required=False),
]
ERRORS = {
    400: OpenApiResponse(ErrorEnvelopeSerializer, description="Unknown locale."),
    401: OpenApiResponse(ErrorEnvelopeSerializer, description="Missing, unknown or revoked publishable key."),
    404: OpenApiResponse(ErrorEnvelopeSerializer, description="No such published page or menu."),
}


class StoreContentView(APIView):
    authentication_classes = STORE_AUTHENTICATION
    permission_classes = STORE_PERMISSIONS


class ContentPageView(StoreContentView):
    @extend_schema(
        operation_id="store_content_page", tags=["store: content"], parameters=LANGUAGE_PARAMETERS,
        summary="A published page and its blocks",
        description="`slug` is a page slug (`about`, `home`) or a path below the home page (`blog/first-post`). "
                    "Drafts and unpublished changes are never served.",
        responses={200: ContentPageSerializer, **ERRORS},
    )
    def get(self, request, slug: str):
        language = delivery.requested_language(request)
        site = delivery.request_site(request)
        page = delivery.find_page(site, slug, language)
        return Response(delivery.page_document(page, request, language),
                        headers={"Content-Language": page.locale.language_code})


class NavigationView(StoreContentView):
    @extend_schema(
        operation_id="store_content_navigation", tags=["store: content"], parameters=LANGUAGE_PARAMETERS,
        summary="A navigation menu (nested links)", responses={200: NavigationSerializer, **ERRORS},
    )
    def get(self, request, handle: str):
        language = delivery.requested_language(request)
        site = delivery.request_site(request)
        menu = delivery.find_menu(handle, language, site)
        return Response(delivery.menu_tree(menu, request), headers={"Content-Language": menu.locale.language_code})


class StorePagesAPIViewSet(PagesAPIViewSet):
    """Wagtail's API v2 (documented by Wagtail itself, so left out of the OpenAPI document)."""

    authentication_classes = STORE_AUTHENTICATION
    permission_classes = STORE_PERMISSIONS
    schema = None


class StoreImagesAPIViewSet(ImagesAPIViewSet):
    authentication_classes = STORE_AUTHENTICATION
    permission_classes = STORE_PERMISSIONS
    schema = None


class StoreDocumentsAPIViewSet(DocumentsAPIViewSet):
    authentication_classes = STORE_AUTHENTICATION
    permission_classes = STORE_PERMISSIONS
    schema = None
