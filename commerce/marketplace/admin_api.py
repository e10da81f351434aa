"""Admin API of the marketplace: vendors (and their products), vendor orders, commission rules,
the commission ledger and payouts."""
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from cityos.api.authentication import STAFF_AUTHENTICATION
from cityos.api.permissions import IsTenantStaff
from commerce.core.schema import MoneyField
from commerce.marketplace import services
from commerce.marketplace.models import (
    CommissionKind, CommissionRule, CommissionStatus, CommissionTransaction, Payout, PayoutStatus, Vendor,
    VendorOrder, VendorOrderStatus, VendorStatus,
)

TAG = "admin: marketplace"


class VendorOut(serializers.ModelSerializer):
    minimum_payout = serializers.SerializerMethodField()
    payouts_frozen = serializers.BooleanField(read_only=True)
    product_ids = serializers.SerializerMethodField()

    class Meta:
        model = Vendor
        fields = ["id", "handle", "name", "email", "phone", "status", "commission_rate", "uses_escrow", "escrow_days",
                  "minimum_payout", "address", "stripe_account_id", "erp_supplier", "identity_verified_at",
                  "payouts_frozen", "frozen_by", "product_ids", "metadata", "created_at", "updated_at"]

    def get_product_ids(self, vendor) -> list[str]:
        return [link.product_id for link in vendor.products.all()]

    def get_minimum_payout(self, vendor) -> str:
        return f"{vendor.minimum_payout:.2f}"


class VendorIn(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    email = serializers.EmailField()
    handle = serializers.SlugField(max_length=80, required=False)
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True)
    status = serializers.ChoiceField(choices=VendorStatus.choices, required=False)
    commission_rate = serializers.DecimalField(max_digits=6, decimal_places=4, min_value=0, max_value=1,
                                               required=False, allow_null=True)
    uses_escrow = serializers.BooleanField(required=False)
    escrow_days = serializers.IntegerField(min_value=0, max_value=90, required=False)
    minimum_payout = serializers.DecimalField(max_digits=18, decimal_places=4, min_value=0, required=False)
    address = serializers.DictField(required=False)
    stripe_account_id = serializers.CharField(max_length=100, required=False, allow_blank=True)
    metadata = serializers.DictField(required=False)


class VendorPatch(VendorIn):
    name = serializers.CharField(max_length=200, required=False)
    email = serializers.EmailField(required=False)
    handle = None


class ProductsIn(serializers.Serializer):
    product_ids = serializers.ListField(child=serializers.CharField(max_length=40), allow_empty=False, max_length=500)


class PayoutOut(serializers.ModelSerializer):
    amount = MoneyField()

    class Meta:
        model = Payout
        fields = ["id", "vendor_id", "status", "currency_code", "amount", "method", "transfer_id", "period_start",
                  "period_end", "paid_at", "failure_reason", "created_at"]


def _valid(serializer_class, request, **kwargs):
    serializer = serializer_class(data=request.data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class StaffViewSet(viewsets.GenericViewSet):
    authentication_classes = STAFF_AUTHENTICATION
    permission_classes = [IsTenantStaff]


@extend_schema_view(list=extend_schema(tags=[TAG], parameters=[
    OpenApiParameter("status", str, enum=VendorStatus.values), OpenApiParameter("q", str, description="name or email")]),
    retrieve=extend_schema(tags=[TAG]))
class VendorViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, StaffViewSet):
    serializer_class = VendorOut

    def get_queryset(self):
        queryset = Vendor.objects.prefetch_related("products").order_by("name")
        params = self.request.query_params
        if params.get("status") in VendorStatus.values:
            queryset = queryset.filter(status=params["status"])
        if params.get("q"):
            from django.db.models import Q

            queryset = queryset.filter(Q(name__icontains=params["q"]) | Q(email__icontains=params["q"]))
        return queryset

    def _out(self, vendor_id):
        return VendorOut(Vendor.objects.prefetch_related("products").get(pk=vendor_id)).data

    @extend_schema(tags=[TAG], request=VendorIn, responses={201: VendorOut})
    def create(self, request):
        data = _valid(VendorIn, request)
        vendor = services.create_vendor(**data)
        return Response(self._out(vendor.pk), status=status.HTTP_201_CREATED)

    @extend_schema(tags=[TAG], request=VendorPatch, responses=VendorOut)
    def partial_update(self, request, pk=None):
        data = _valid(VendorPatch, request, partial=True)
        vendor = services.update_vendor(self.get_object().pk, data)
        return Response(self._out(vendor.pk))

    @extend_schema(tags=[TAG], request=ProductsIn, responses=VendorOut,
                   description="Make the vendor the seller of these products.")
    @action(detail=True, methods=["post"])
    def products(self, request, pk=None):
        data = _valid(ProductsIn, request)
        services.assign_products(self.get_object().pk, data["product_ids"])
        return Response(self._out(pk))

    @extend_schema(tags=[TAG], request=None, responses={201: PayoutOut, 204: None},
                   description="Pay out the vendor's payable balance now (VendorPayout); 204 when nothing is due.")
    @action(detail=True, methods=["post"], url_path="payouts")
    def request_payout(self, request, pk=None):
        payout = services.request_payout(self.get_object().pk)
        if payout is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(PayoutOut(payout).data, status=status.HTTP_201_CREATED)


class VendorOrderOut(serializers.ModelSerializer):
    subtotal = MoneyField()
    commission_amount = MoneyField()
    net_amount = MoneyField()
    items = serializers.SerializerMethodField()

    class Meta:
        model = VendorOrder
        fields = ["id", "order_id", "vendor_id", "status", "currency_code", "subtotal", "commission_amount",
                  "net_amount", "delivery_order_id", "tracking_number", "payment_allocated_at", "delivered_at",
                  "items", "created_at"]

    def get_items(self, vendor_order) -> list[dict]:
        return [{"line_item_id": item.line_item_id, "quantity": item.quantity, "total": str(item.total),
                 "commission_rate": str(item.commission_rate)} for item in vendor_order.items.all()]


def _filtered(queryset, params, fields: dict):
    for name, allowed in fields.items():
        value = params.get(name)
        if value and (allowed is None or value in allowed):
            queryset = queryset.filter(**{name: value})
    return queryset


@extend_schema_view(list=extend_schema(tags=[TAG], parameters=[
    OpenApiParameter("vendor_id", str), OpenApiParameter("order_id", str),
    OpenApiParameter("status", str, enum=VendorOrderStatus.values)]), retrieve=extend_schema(tags=[TAG]))
class VendorOrderViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, StaffViewSet):
    serializer_class = VendorOrderOut

    def get_queryset(self):
        return _filtered(VendorOrder.objects.prefetch_related("items").order_by("-created_at"),
                         self.request.query_params,
                         {"vendor_id": None, "order_id": None, "status": VendorOrderStatus.values})


class CommissionRuleOut(serializers.ModelSerializer):
    class Meta:
        model = CommissionRule
        fields = ["id", "name", "vendor_id", "category_id", "product_kind", "rate", "flat_fee", "priority",
                  "is_active", "starts_at", "ends_at", "created_at"]


class CommissionRuleIn(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    vendor_id = serializers.CharField(max_length=40, required=False, allow_null=True)
    category_id = serializers.CharField(max_length=40, required=False, allow_blank=True)
    product_kind = serializers.CharField(max_length=30, required=False, allow_blank=True)
    rate = serializers.DecimalField(max_digits=6, decimal_places=4, min_value=0, max_value=1)
    flat_fee = serializers.DecimalField(max_digits=18, decimal_places=4, min_value=0, required=False)
    priority = serializers.IntegerField(required=False)
    is_active = serializers.BooleanField(required=False)
    starts_at = serializers.DateTimeField(required=False, allow_null=True)
    ends_at = serializers.DateTimeField(required=False, allow_null=True)


@extend_schema_view(list=extend_schema(tags=[TAG]), retrieve=extend_schema(tags=[TAG]))
class CommissionRuleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, StaffViewSet):
    serializer_class = CommissionRuleOut
    queryset = CommissionRule.objects.order_by("-priority", "name")

    @extend_schema(tags=[TAG], request=CommissionRuleIn, responses={201: CommissionRuleOut})
    def create(self, request):
        rule = services.save_commission_rule(_valid(CommissionRuleIn, request))
        return Response(CommissionRuleOut(rule).data, status=status.HTTP_201_CREATED)

    @extend_schema(tags=[TAG], request=CommissionRuleIn, responses=CommissionRuleOut)
    def partial_update(self, request, pk=None):
        rule = services.save_commission_rule(_valid(CommissionRuleIn, request, partial=True), self.get_object().pk)
        return Response(CommissionRuleOut(rule).data)


class CommissionTransactionOut(serializers.ModelSerializer):
    gross = MoneyField()
    commission = MoneyField()
    net = MoneyField()

    class Meta:
        model = CommissionTransaction
        fields = ["id", "vendor_id", "vendor_order_id", "order_id", "kind", "status", "currency_code", "gross",
                  "commission", "net", "reference", "payout_id", "created_at"]


@extend_schema_view(list=extend_schema(tags=[TAG], parameters=[
    OpenApiParameter("vendor_id", str), OpenApiParameter("order_id", str), OpenApiParameter("payout_id", str),
    OpenApiParameter("status", str, enum=CommissionStatus.values),
    OpenApiParameter("kind", str, enum=CommissionKind.values)]), retrieve=extend_schema(tags=[TAG]))
class CommissionTransactionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, StaffViewSet):
    serializer_class = CommissionTransactionOut

    def get_queryset(self):
        return _filtered(CommissionTransaction.objects.order_by("-created_at"), self.request.query_params,
                         {"vendor_id": None, "order_id": None, "payout_id": None,
                          "status": CommissionStatus.values, "kind": CommissionKind.values})


@extend_schema_view(list=extend_schema(tags=[TAG], parameters=[
    OpenApiParameter("vendor_id", str), OpenApiParameter("status", str, enum=PayoutStatus.values)]),
    retrieve=extend_schema(tags=[TAG]))
class PayoutViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, StaffViewSet):
    serializer_class = PayoutOut

    def get_queryset(self):
        return _filtered(Payout.objects.order_by("-created_at"), self.request.query_params,
                         {"vendor_id": None, "status": PayoutStatus.values})
