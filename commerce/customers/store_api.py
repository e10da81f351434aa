"""Store API of customers: register, sign in, profile, addresses, loyalty balance."""
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from cityos.api.authentication import bearer_token
from commerce.core.schema import AddressSerializer, LoyaltyOut, StoreAddressSerializer, StoreCustomerSerializer
from commerce.core.store import CustomerAPIView, StoreAPIView
from commerce.customers import services
from commerce.customers.presenters import present_address, present_customer
from commerce.loyalty import services as loyalty


class RegisterInput(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(max_length=128, write_only=True)
    first_name = serializers.CharField(required=False, allow_blank=True, max_length=100)
    last_name = serializers.CharField(required=False, allow_blank=True, max_length=100)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=32)


class TokenInput(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(max_length=128, write_only=True)


class TokenOut(serializers.Serializer):
    token = serializers.CharField()
    expires_at = serializers.DateTimeField()
    customer_id = serializers.CharField()


class ProfileInput(serializers.Serializer):
    first_name = serializers.CharField(required=False, allow_blank=True, max_length=100)
    last_name = serializers.CharField(required=False, allow_blank=True, max_length=100)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=32)
    email = serializers.EmailField(required=False)
    password = serializers.CharField(required=False, max_length=128, write_only=True)
    metadata = serializers.DictField(required=False)


class AddressInput(AddressSerializer):
    is_default_shipping = serializers.BooleanField(required=False)
    is_default_billing = serializers.BooleanField(required=False)
    metadata = serializers.DictField(required=False)


def _valid(serializer_class, request, partial=False):
    serializer = serializer_class(data=request.data, partial=partial)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class RegisterView(StoreAPIView):
    @extend_schema(request=RegisterInput, responses={201: StoreCustomerSerializer})
    def post(self, request):
        customer = services.register(**_valid(RegisterInput, request))
        return Response(present_customer(customer), status=status.HTTP_201_CREATED)


class TokenView(StoreAPIView):
    authentication_classes = []

    @extend_schema(request=TokenInput, responses={201: TokenOut},
                   description="Email and password → a bearer token for customer calls. 401 `invalid_credentials`.")
    def post(self, request):
        data = _valid(TokenInput, request)
        raw, row = services.authenticate(data["email"], data["password"])
        return Response({"token": raw, "expires_at": row.expires_at, "customer_id": row.customer_id},
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={204: None}, description="Sign out: revokes the bearer token sent.")
    def delete(self, request):
        raw = bearer_token(request)
        if raw:
            services.revoke_token(raw)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(CustomerAPIView):
    @extend_schema(responses=StoreCustomerSerializer)
    def get(self, request):
        return Response(present_customer(self.customer))

    @extend_schema(request=ProfileInput, responses=StoreCustomerSerializer)
    def post(self, request):
        customer = services.update_customer(self.customer, _valid(ProfileInput, request))
        return Response(present_customer(customer))


class AddressesView(CustomerAPIView):
    @extend_schema(responses=StoreAddressSerializer(many=True))
    def get(self, request):
        return Response([present_address(a) for a in self.customer.addresses.all()])

    @extend_schema(request=AddressInput, responses={201: StoreAddressSerializer})
    def post(self, request):
        address = services.add_address(self.customer, _valid(AddressInput, request))
        return Response(present_address(address), status=status.HTTP_201_CREATED)


class AddressView(CustomerAPIView):
    @extend_schema(request=AddressInput, responses=StoreAddressSerializer, operation_id="store_customers_me_addresses_update")
    def post(self, request, address_id: str):
        address = services.update_address(self.customer, address_id, _valid(AddressInput, request, partial=True))
        return Response(present_address(address))

    @extend_schema(responses={204: None})
    def delete(self, request, address_id: str):
        services.delete_address(self.customer, address_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class LoyaltyView(CustomerAPIView):
    @extend_schema(responses=LoyaltyOut)
    def get(self, request):
        return Response(loyalty.balance(self.customer.pk))
