"""Admin API of customers, customer groups and loyalty points."""
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from cityos.errors import InvalidInput
from commerce.core.admin_api import ServiceViewSet, documented
from commerce.core.schema import AdminCustomerSerializer, LoyaltyOut
from commerce.customers import services
from commerce.customers.models import CustomerGroup
from commerce.customers.presenters import present_customer
from commerce.loyalty import services as loyalty


class CustomerIn(serializers.Serializer):
    email = serializers.EmailField(required=False)
    first_name = serializers.CharField(required=False, allow_blank=True, max_length=100)
    last_name = serializers.CharField(required=False, allow_blank=True, max_length=100)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=32)
    group_ids = serializers.ListField(child=serializers.CharField(max_length=40), required=False)
    metadata = serializers.DictField(required=False)


class GroupOut(serializers.ModelSerializer):
    customer_count = serializers.SerializerMethodField()

    class Meta:
        model = CustomerGroup
        fields = ["id", "name", "description", "metadata", "customer_count", "created_at"]

    def get_customer_count(self, group) -> int:
        return group.customers.count()


class GroupIn(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    description = serializers.CharField(required=False, allow_blank=True, max_length=300)
    metadata = serializers.DictField(required=False)


class LoyaltyIn(serializers.Serializer):
    action = serializers.ChoiceField(choices=["add", "redeem"])
    points = serializers.IntegerField(min_value=1, max_value=10_000_000)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=200)
    reference = serializers.CharField(required=False, allow_blank=True, max_length=100)
    idempotency_key = serializers.CharField(required=False, max_length=200)


class CustomerReadSerializer(serializers.Serializer):
    def to_representation(self, customer):
        return present_customer(customer, admin=True)


@extend_schema_view(
    list=extend_schema(tags=["admin: customers"], responses=AdminCustomerSerializer(many=True), parameters=[
        OpenApiParameter("q", str), OpenApiParameter("group_id", str), OpenApiParameter("has_account", bool)]),
    retrieve=extend_schema(tags=["admin: customers"], responses=AdminCustomerSerializer),
    partial_update=extend_schema(tags=["admin: customers"], request=CustomerIn, responses=AdminCustomerSerializer),
    create=extend_schema(exclude=True),
)
class CustomerViewSet(ServiceViewSet):
    """Customers (they register through the store API; staff edit profiles and groups here)."""

    serializer_class = CustomerReadSerializer
    input_serializer_class = CustomerIn
    http_method_names = ["get", "patch", "post", "head", "options"]

    def get_queryset(self):
        params = self.request.query_params
        has_account = params.get("has_account")
        return services.list_customers(
            q=params.get("q"), group_id=params.get("group_id"),
            has_account=None if has_account is None else has_account.lower() in ("1", "true", "yes"),
        ).prefetch_related("addresses", "groups").order_by("-created_at")

    def create(self, request, *args, **kwargs):
        raise InvalidInput("Customers register through POST /store/customers.", fields={})

    def save(self, data, instance=None):
        return services.update_customer(instance, dict(data))

    @extend_schema(tags=["admin: customers"], methods=["GET"], request=None, responses=LoyaltyOut)
    @extend_schema(tags=["admin: customers"], methods=["POST"], request=LoyaltyIn, responses=LoyaltyOut,
                   description="Add or redeem points (409 `insufficient_points` below zero).")
    @action(detail=True, methods=["get", "post"])
    def loyalty(self, request, pk=None):
        customer = self.get_object()
        if request.method == "GET":
            return Response(loyalty.balance(customer.pk))
        serializer = LoyaltyIn(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        change = loyalty.add_points if data["action"] == "add" else loyalty.redeem_points
        result = change(customer.pk, data["points"], reason=data.get("reason", ""),
                        reference=data.get("reference", ""), idempotency_key=data.get("idempotency_key"))
        return Response(result, status=status.HTTP_200_OK)


@documented(GroupIn, tag="admin: customers")
class CustomerGroupViewSet(ServiceViewSet):
    serializer_class = GroupOut
    input_serializer_class = GroupIn
    queryset = CustomerGroup.objects.order_by("name")

    def save(self, data, instance=None):
        if instance is None:
            return services.create_group(**data)
        return services.update_group(instance, data)

    def remove(self, instance):
        instance.delete()

