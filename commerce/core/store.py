"""What every store API view shares: the publishable key, customer tokens, the OpenAPI header.

- `x-publishable-api-key` (a sales channel's key) is required on every store call; missing,
  unknown or revoked → 401 `invalid_publishable_key`. The view gets `request.sales_channel_id`.
- `Authorization: Bearer <customer token>` (from `POST /store/auth/token`) identifies the
  customer; an invalid token → 401, never a silent guest. `request.user` is the `Customer` or None.
"""
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.authentication import BaseAuthentication
from rest_framework.exceptions import AuthenticationFailed, NotAuthenticated
from rest_framework.permissions import BasePermission
from rest_framework.views import APIView

from cityos.api.authentication import bearer_token
from cityos.errors import ServiceError

PUBLISHABLE_KEY_HEADER = "x-publishable-api-key"


class InvalidPublishableKey(ServiceError):
    status = 401
    code = "invalid_publishable_key"


class CustomerTokenAuthentication(BaseAuthentication):
    def authenticate(self, request):
        raw = bearer_token(request)
        if raw is None:
            return None
        from commerce.customers.services import customer_for_token

        customer = customer_for_token(raw)
        if customer is None:
            raise AuthenticationFailed("Invalid or expired customer token; sign in again.")
        return customer, raw

    def authenticate_header(self, request):
        return 'Bearer realm="store"'


class CustomerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "commerce.core.store.CustomerTokenAuthentication"
    name = "customerToken"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer",
                "description": "A customer token from POST /store/auth/token (customer calls only)."}


class IsCustomer(BasePermission):
    message = "Sign in as a customer (Authorization: Bearer <token from /store/auth/token>)."

    def has_permission(self, request, view):
        from commerce.customers.models import Customer

        if isinstance(request.user, Customer):
            return True
        raise NotAuthenticated(self.message)


class StoreAutoSchema(AutoSchema):
    """Documents the publishable-key header on every store operation."""

    def get_override_parameters(self):
        return [OpenApiParameter(PUBLISHABLE_KEY_HEADER, OpenApiTypes.STR, OpenApiParameter.HEADER, required=True,
                                 description="The publishable API key of the storefront's sales channel.")
                ] + list(super().get_override_parameters())

    def get_tags(self):
        return ["store"]


class StoreAPIView(APIView):
    authentication_classes = [CustomerTokenAuthentication]
    permission_classes = []
    schema = StoreAutoSchema()

    def initial(self, request, *args, **kwargs):
        from commerce.regions.services import channel_for_publishable_key

        channel_id = channel_for_publishable_key(request.headers.get(PUBLISHABLE_KEY_HEADER))
        if channel_id is None:
            raise InvalidPublishableKey(
                f"A valid {PUBLISHABLE_KEY_HEADER} header is required (the storefront's publishable key).",
                fields={PUBLISHABLE_KEY_HEADER: ["Missing, unknown or revoked."]})
        request.sales_channel_id = channel_id
        super().initial(request, *args, **kwargs)

    @property
    def customer(self):
        from commerce.customers.models import Customer

        user = self.request.user
        return user if isinstance(user, Customer) else None


class CustomerAPIView(StoreAPIView):
    permission_classes = [IsCustomer]
