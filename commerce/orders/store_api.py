"""Store API of orders: the signed-in customer's orders, one order, returns."""
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from cityos.api.pagination import CountedLimitOffsetPagination
from cityos.errors import NotFound
from commerce.core.schema import ReturnSerializer, StoreOrderSerializer, page_of
from commerce.core.store import CustomerAPIView, StoreAPIView
from commerce.orders import services
from commerce.orders.models import ItemCondition, RefundMethod, ReturnMethod
from commerce.orders.presenters import order_queryset, present_order, present_return


class ReturnItemInput(serializers.Serializer):
    line_item_id = serializers.CharField(max_length=40)
    quantity = serializers.IntegerField(min_value=1, max_value=100_000)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=300)
    condition = serializers.ChoiceField(choices=ItemCondition.choices, default=ItemCondition.UNOPENED)


class ReturnInput(serializers.Serializer):
    items = ReturnItemInput(many=True, allow_empty=False)
    return_method = serializers.ChoiceField(choices=ReturnMethod.choices, default=ReturnMethod.DROP_OFF)
    refund_method = serializers.ChoiceField(choices=RefundMethod.choices, default=RefundMethod.ORIGINAL_PAYMENT)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    email = serializers.EmailField(required=False, help_text="guest orders: the order's email")


class OrderAccess:
    """A customer's order is theirs alone; a guest order is reached by its id (and its email
    to request a return)."""

    def order_for(self, view, order_id: str, email: str | None = None):
        order = order_queryset().filter(pk=order_id, sales_channel_id=view.request.sales_channel_id).select_related(
            "customer").first()
        if order is None:
            raise NotFound(f"No order {order_id}.", code="order_not_found")
        owner = order.customer
        if owner is not None and owner.has_account:
            if view.customer is None or view.customer.pk != owner.pk:
                raise NotFound(f"No order {order_id}.", code="order_not_found")
        elif email is not None and email.strip().lower() != order.email:
            raise NotFound(f"No order {order_id}.", code="order_not_found")
        return order


class MyOrdersView(CustomerAPIView):
    @extend_schema(responses=page_of(StoreOrderSerializer), operation_id="store_orders_list")
    def get(self, request):
        paginator = CountedLimitOffsetPagination()
        queryset = order_queryset().filter(customer=self.customer).order_by("-created_at")
        page = paginator.paginate_queryset(queryset, request, view=self)
        return paginator.get_paginated_response([present_order(o) for o in page])


class OrderView(StoreAPIView, OrderAccess):
    @extend_schema(responses=StoreOrderSerializer)
    def get(self, request, order_id: str):
        return Response(present_order(self.order_for(self, order_id)))


class OrderReturnsView(StoreAPIView, OrderAccess):
    @extend_schema(request=ReturnInput, responses={201: ReturnSerializer})
    def post(self, request, order_id: str):
        serializer = ReturnInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        order = self.order_for(self, order_id, email=data.get("email", ""))
        ret = services.request_return(order.id, items=data["items"], return_method=data["return_method"],
                                      refund_method=data["refund_method"], note=data.get("note", ""))
        return Response(present_return(ret), status=status.HTTP_201_CREATED)


class CancelInput(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=300)
    email = serializers.EmailField(required=False, help_text="guest orders: the order's email")


class OrderCancelView(StoreAPIView, OrderAccess):
    @extend_schema(request=CancelInput, responses={202: StoreOrderSerializer},
                   description="Asks for the order to be cancelled (202): the delivery is stopped, the stock "
                               "released and the payment refunded or released, then the order is cancelled. "
                               "409 `order_not_cancelable` once goods have left the warehouse.")
    def post(self, request, order_id: str):
        serializer = CancelInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        order = self.order_for(self, order_id, email=data.get("email", ""))
        services.request_cancellation(order.id, reason=data.get("reason", ""),
                                      requested_by=order.customer_id or order.email)
        return Response(present_order(order_queryset().get(pk=order.pk)), status=status.HTTP_202_ACCEPTED)
