"""Admin API of orders: filters (metadata included), detail, capture, refunds, cancel,
fulfilments; returns."""
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from cityos.api.authentication import STAFF_AUTHENTICATION
from cityos.api.permissions import IsTenantStaff
from cityos.money import fmt
from commerce.catalog.services import metadata_filters
from commerce.core.schema import AdminOrderSerializer, ReturnSerializer
from commerce.orders import services
from commerce.orders.models import FulfillmentStatus, OrderStatus, PaymentStatus, Return, ReturnStatus
from commerce.orders.presenters import admin_order_queryset, present_order, present_return
from commerce.payments import disputes, services as payments
from commerce.payments.admin_api import DisputeIn, DisputeOut
from commerce.payments.services import REFUND_REASONS

TAG = "admin: orders"
FULFILLMENT_ID = OpenApiParameter("fulfillment_id", str, OpenApiParameter.PATH)


class OrderFilters(serializers.Serializer):
    status = serializers.ChoiceField(choices=OrderStatus.choices, required=False)
    payment_status = serializers.ChoiceField(choices=PaymentStatus.choices, required=False)
    fulfillment_status = serializers.ChoiceField(choices=FulfillmentStatus.choices, required=False)
    customer_id = serializers.CharField(required=False, max_length=40)
    email = serializers.EmailField(required=False)
    created_after = serializers.DateTimeField(required=False)
    created_before = serializers.DateTimeField(required=False)
    q = serializers.CharField(required=False, max_length=200, help_text="email or order number")


class CaptureIn(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=18, decimal_places=4, required=False,
                                      help_text="default: the whole authorisation")


class RefundIn(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=18, decimal_places=4, required=False,
                                      help_text="default: everything still refundable")
    reason = serializers.ChoiceField(choices=REFUND_REASONS, default="requested_by_customer")
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)


class RefundOut(serializers.Serializer):
    id = serializers.CharField()
    order_id = serializers.CharField()
    amount = serializers.CharField()
    reason = serializers.CharField()
    order = AdminOrderSerializer()


class CancelIn(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=300)


class FulfillmentItemIn(serializers.Serializer):
    line_item_id = serializers.CharField(max_length=40)
    quantity = serializers.IntegerField(min_value=1, max_value=1_000_000)


class FulfillmentIn(serializers.Serializer):
    items = FulfillmentItemIn(many=True, required=False, help_text="default: everything not yet fulfilled")
    location_id = serializers.CharField(required=False, max_length=40)
    provider = serializers.CharField(required=False, max_length=20, default="manual")
    metadata = serializers.DictField(required=False)


class ShipIn(serializers.Serializer):
    tracking_number = serializers.CharField(required=False, allow_blank=True, max_length=100)
    tracking_url = serializers.CharField(required=False, allow_blank=True, max_length=500)


class ReceiveIn(serializers.Serializer):
    restock = serializers.BooleanField(default=True)
    refund = serializers.BooleanField(default=True)
    location_id = serializers.CharField(required=False, max_length=40)


class OrderReadSerializer(serializers.Serializer):
    def to_representation(self, order):
        return present_order(order, admin=True)


def _valid(serializer_class, request):
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


@extend_schema_view(
    list=extend_schema(tags=[TAG], responses=AdminOrderSerializer(many=True), parameters=[
        OrderFilters, OpenApiParameter("metadata[cms_poi_id]", str, description=(
            "any `metadata[key]=value`: orders whose metadata has key = value (or a list containing it); "
            "GIN-indexed"))]),
    retrieve=extend_schema(tags=[TAG], responses=AdminOrderSerializer),
)
class OrderViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    authentication_classes = STAFF_AUTHENTICATION
    permission_classes = [IsTenantStaff]
    serializer_class = OrderReadSerializer

    def get_queryset(self):
        if self.action != "list":
            return admin_order_queryset()
        filters = OrderFilters(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        queryset = services.list_orders(**filters.validated_data, metadata=metadata_filters(self.request.query_params))
        return queryset.prefetch_related("items", "fulfillments__items", "returns__items", "returns__order",
                                         "payments", "refunds").select_related("invoice")

    def _fresh(self, order_id):
        return present_order(admin_order_queryset().get(pk=order_id), admin=True)

    @extend_schema(tags=[TAG], request=CaptureIn, responses=AdminOrderSerializer,
                   description="Capture the authorised payment (all, or `amount`; the rest is released).")
    @action(detail=True, methods=["post"])
    def capture(self, request, pk=None):
        data = _valid(CaptureIn, request)
        order = payments.capture_payment(self.get_object().pk, data.get("amount"))
        return Response(self._fresh(order.pk))

    @extend_schema(tags=[TAG], request=RefundIn, responses={201: RefundOut},
                   description="Refund captured money: 422 `refund_amount_too_large` above captured minus refunded.")
    @action(detail=True, methods=["post"])
    def refunds(self, request, pk=None):
        data = _valid(RefundIn, request)
        refund = payments.refund_payment(self.get_object().pk, data.get("amount"), reason=data["reason"],
                                         note=data.get("note", ""), created_by=str(request.user))
        return Response({"id": refund.id, "order_id": refund.order_id, "amount": fmt(refund.amount, refund.payment.currency_code),
                         "reason": refund.reason, "order": self._fresh(refund.order_id)},
                        status=status.HTTP_201_CREATED)

    @extend_schema(tags=[TAG], request=CancelIn, responses=AdminOrderSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        data = _valid(CancelIn, request)
        order = services.cancel_order(self.get_object().pk, reason=data.get("reason", ""))
        return Response(self._fresh(order.pk))

    @extend_schema(tags=[TAG], request=CaptureIn, responses={202: AdminOrderSerializer},
                   description="Ask the PaymentCapture workflow to capture the authorised payment (orders placed "
                               "with `capture_method: manual`): capture, vendor split, ERPNext payment entry, audit.")
    @action(detail=True, methods=["post"], url_path="capture-requests")
    def capture_requests(self, request, pk=None):
        data = _valid(CaptureIn, request)
        order = payments.request_capture(self.get_object().pk, data.get("amount"), requested_by=str(request.user))
        return Response(self._fresh(order.pk), status=status.HTTP_202_ACCEPTED)

    @extend_schema(tags=[TAG], request=DisputeIn, responses={201: DisputeOut},
                   description="Record a chargeback the gateway reported; the OrderDispute workflow freezes the "
                               "vendors' payouts and prepares the evidence.")
    @action(detail=True, methods=["post"])
    def disputes(self, request, pk=None):
        data = _valid(DisputeIn, request)
        dispute = disputes.open_dispute(self.get_object().pk, **data)
        return Response(DisputeOut(dispute).data, status=status.HTTP_201_CREATED)

    @extend_schema(tags=[TAG], request=FulfillmentIn, responses={201: AdminOrderSerializer})
    @action(detail=True, methods=["post"])
    def fulfillments(self, request, pk=None):
        data = _valid(FulfillmentIn, request)
        order = self.get_object()
        services.create_fulfillment(order.pk, items=[dict(i) for i in data.get("items", [])],
                                    location_id=data.get("location_id"), provider=data.get("provider", "manual"),
                                    metadata=data.get("metadata"))
        return Response(self._fresh(order.pk), status=status.HTTP_201_CREATED)

    @extend_schema(tags=[TAG], request=ShipIn, responses=AdminOrderSerializer, parameters=[FULFILLMENT_ID])
    @action(detail=True, methods=["post"], url_path=r"fulfillments/(?P<fulfillment_id>[^/.]+)/ship")
    def ship(self, request, pk=None, fulfillment_id=None):
        data = _valid(ShipIn, request)
        order = self.get_object()
        services.ship_fulfillment(order.pk, fulfillment_id, **data)
        return Response(self._fresh(order.pk))

    @extend_schema(tags=[TAG], request=None, responses=AdminOrderSerializer, parameters=[FULFILLMENT_ID])
    @action(detail=True, methods=["post"], url_path=r"fulfillments/(?P<fulfillment_id>[^/.]+)/deliver")
    def deliver(self, request, pk=None, fulfillment_id=None):
        order = self.get_object()
        services.deliver_fulfillment(order.pk, fulfillment_id)
        return Response(self._fresh(order.pk))


class ReturnReadSerializer(serializers.Serializer):
    def to_representation(self, ret):
        return present_return(ret)


@extend_schema_view(
    list=extend_schema(tags=[TAG], responses=ReturnSerializer(many=True),
                       parameters=[OpenApiParameter("status", str, enum=ReturnStatus.values),
                                   OpenApiParameter("order_id", str)]),
    retrieve=extend_schema(tags=[TAG], responses=ReturnSerializer),
)
class ReturnViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    authentication_classes = STAFF_AUTHENTICATION
    permission_classes = [IsTenantStaff]
    serializer_class = ReturnReadSerializer

    def get_queryset(self):
        queryset = Return.objects.select_related("order").prefetch_related("items").order_by("-created_at")
        for field in ("status", "order_id"):
            if self.request.query_params.get(field):
                queryset = queryset.filter(**{field: self.request.query_params[field]})
        return queryset

    @extend_schema(tags=[TAG], request=None, responses=ReturnSerializer,
                   description="The goods reached the warehouse: the ReturnAndRefund workflow inspects them, "
                               "refunds their value and restocks what can be sold again.")
    @action(detail=True, methods=["post"])
    def arrived(self, request, pk=None):
        ret = services.mark_return_arrived(self.get_object().pk)
        return Response(present_return(Return.objects.select_related("order").get(pk=ret.pk)))

    @extend_schema(tags=[TAG], request=ReceiveIn, responses=ReturnSerializer,
                   description="The goods arrived: restock (unless damaged/defective) and refund their value.")
    @action(detail=True, methods=["post"])
    def receive(self, request, pk=None):
        data = _valid(ReceiveIn, request)
        ret = services.receive_return(self.get_object().pk, **data)
        return Response(present_return(Return.objects.select_related("order").get(pk=ret.pk)))
