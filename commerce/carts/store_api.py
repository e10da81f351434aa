"""Store API of carts: create, edit, promotions, gift cards, shipping, payment session, complete."""
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from cityos.errors import InvalidInput, NotFound
from cityos.money import fmt
from commerce import conf
from commerce.carts import services
from commerce.carts.presenters import present_cart
from commerce.core.schema import AddressSerializer, CompletionSerializer, StoreCartSerializer
from commerce.core.store import StoreAPIView
from commerce.orders import checkout
from commerce.orders.presenters import order_queryset, present_order
from commerce.payments.gateway import PROVIDERS as PAYMENT_PROVIDERS


class LineInput(serializers.Serializer):
    variant_id = serializers.CharField(max_length=40)
    quantity = serializers.IntegerField(min_value=1, max_value=conf.MAX_LINE_QUANTITY)
    metadata = serializers.DictField(required=False)


class CartCreateInput(serializers.Serializer):
    region_id = serializers.CharField(required=False, max_length=40)
    email = serializers.EmailField(required=False)
    items = LineInput(many=True, required=False)
    shipping_address = AddressSerializer(required=False)
    metadata = serializers.DictField(required=False)


class CartUpdateInput(serializers.Serializer):
    region_id = serializers.CharField(required=False, max_length=40)
    email = serializers.EmailField(required=False)
    shipping_address = AddressSerializer(required=False)
    billing_address = AddressSerializer(required=False)
    metadata = serializers.DictField(required=False)


class QuantityInput(serializers.Serializer):
    quantity = serializers.IntegerField(min_value=0, max_value=conf.MAX_LINE_QUANTITY, help_text="0 removes the line")


class CodeInput(serializers.Serializer):
    code = serializers.CharField(max_length=60)


class ShippingMethodInput(serializers.Serializer):
    option_id = serializers.CharField(max_length=40)
    data = serializers.DictField(required=False)


class PaymentSessionInput(serializers.Serializer):
    provider = serializers.ChoiceField(choices=PAYMENT_PROVIDERS, default="sandbox")


class InstallmentsInput(serializers.Serializer):
    count = serializers.IntegerField(min_value=2, max_value=12)
    interval = serializers.ChoiceField(choices=["weekly", "biweekly", "monthly"], default="monthly")


class CompleteInput(serializers.Serializer):
    payment_method = serializers.CharField(required=False, max_length=100,
                                           help_text="a card token or test card number, e.g. pm_card_visa or 4242 4242 4242 4242")
    provider = serializers.ChoiceField(choices=PAYMENT_PROVIDERS, required=False,
                                       help_text="default: the payment session's provider, else sandbox")
    installments = InstallmentsInput(required=False, help_text="pay in instalments (buy now, pay later)")


def _valid(serializer_class, request):
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class CartView(StoreAPIView):
    """Base: resolves the cart of the URL for this storefront and shopper."""

    def cart(self, cart_id: str, *, load: bool = True):
        """A cart of another storefront, or an open cart of a signed-in customer requested by
        anyone else, does not exist for this caller (404). `load=False` only checks."""
        access = services.cart_access(cart_id)
        foreign_channel = access["sales_channel_id"] != self.request.sales_channel_id
        someone_elses = (access["customer__has_account"] and not access["completed_at"]
                         and (self.customer is None or self.customer.pk != access["customer_id"]))
        if foreign_channel or someone_elses:
            raise NotFound(f"No cart {cart_id}.", code="cart_not_found")
        return services.get_cart(cart_id) if load else None

    def respond(self, cart, code=status.HTTP_200_OK):
        return Response(present_cart(cart), status=code)


class CartCreateView(StoreAPIView):
    @extend_schema(request=CartCreateInput, responses={201: StoreCartSerializer})
    def post(self, request):
        data = _valid(CartCreateInput, request)
        cart = services.create_cart(
            sales_channel_id=request.sales_channel_id, region_id=data.get("region_id"), customer=self.customer,
            email=data.get("email"), items=data.get("items") or [], shipping_address=data.get("shipping_address"),
            metadata=data.get("metadata"))
        return Response(present_cart(cart), status=status.HTTP_201_CREATED)


class CartDetailView(CartView):
    @extend_schema(responses=StoreCartSerializer)
    def get(self, request, cart_id: str):
        return Response(present_cart(self.cart(cart_id)))

    @extend_schema(request=CartUpdateInput, responses=StoreCartSerializer, operation_id="store_carts_update")
    def post(self, request, cart_id: str):
        data = _valid(CartUpdateInput, request)
        self.cart(cart_id, load=False)
        return self.respond(services.update_cart(cart_id, data, customer=self.customer))


class LineItemsView(CartView):
    @extend_schema(request=LineInput, responses=StoreCartSerializer)
    def post(self, request, cart_id: str):
        data = _valid(LineInput, request)
        self.cart(cart_id, load=False)
        return self.respond(services.add_line_item(cart_id, data["variant_id"], data["quantity"], data.get("metadata")))


class LineItemView(CartView):
    @extend_schema(request=QuantityInput, responses=StoreCartSerializer, operation_id="store_carts_line_items_update")
    def post(self, request, cart_id: str, line_id: str):
        data = _valid(QuantityInput, request)
        self.cart(cart_id, load=False)
        return self.respond(services.update_line_item(cart_id, line_id, data["quantity"]))

    @extend_schema(responses=StoreCartSerializer)
    def delete(self, request, cart_id: str, line_id: str):
        self.cart(cart_id, load=False)
        return self.respond(services.remove_line_item(cart_id, line_id))


class PromotionsView(CartView):
    @extend_schema(request=CodeInput, responses=StoreCartSerializer,
                   description="404 unknown code; 422 with the reason (expired, used up, minimum not met …).")
    def post(self, request, cart_id: str):
        data = _valid(CodeInput, request)
        self.cart(cart_id, load=False)
        return self.respond(services.apply_promotion(cart_id, data["code"]))


class PromotionView(CartView):
    @extend_schema(responses=StoreCartSerializer)
    def delete(self, request, cart_id: str, code: str):
        self.cart(cart_id, load=False)
        return self.respond(services.remove_promotion(cart_id, code))


class GiftCardsView(CartView):
    @extend_schema(request=CodeInput, responses=StoreCartSerializer)
    def post(self, request, cart_id: str):
        data = _valid(CodeInput, request)
        self.cart(cart_id, load=False)
        return self.respond(services.apply_gift_card(cart_id, data["code"]))


class GiftCardView(CartView):
    @extend_schema(responses=StoreCartSerializer)
    def delete(self, request, cart_id: str, code: str):
        self.cart(cart_id, load=False)
        return self.respond(services.remove_gift_card(cart_id, code))


class StoreShippingOptionOut(serializers.Serializer):
    id = serializers.CharField()
    name = serializers.CharField()
    code = serializers.CharField()
    provider = serializers.CharField()
    is_pickup = serializers.BooleanField()
    amount = serializers.CharField()
    currency_code = serializers.CharField()


class ShippingOptionsView(CartView):
    @extend_schema(parameters=[OpenApiParameter("cart_id", str, required=True)],
                   responses=StoreShippingOptionOut(many=True))
    def get(self, request):
        cart_id = request.query_params.get("cart_id")
        if not cart_id:
            raise InvalidInput("Which cart?", fields={"cart_id": ["This query parameter is required."]})
        cart = self.cart(cart_id)
        return Response([{
            "id": choice.option.id, "name": choice.option.name, "code": choice.option.code,
            "provider": choice.option.provider, "is_pickup": choice.option.is_pickup,
            "amount": fmt(choice.amount, cart.currency_code), "currency_code": cart.currency_code,
        } for choice in services.shipping_options_for(cart)])


class ShippingMethodsView(CartView):
    @extend_schema(request=ShippingMethodInput, responses=StoreCartSerializer)
    def post(self, request, cart_id: str):
        data = _valid(ShippingMethodInput, request)
        self.cart(cart_id, load=False)
        return self.respond(services.add_shipping_method(cart_id, data["option_id"], data.get("data")))


class PaymentSessionsView(CartView):
    @extend_schema(request=PaymentSessionInput, responses=StoreCartSerializer,
                   description="Chooses the provider and holds the cart's stock until the reservation expires.")
    def post(self, request, cart_id: str):
        data = _valid(PaymentSessionInput, request)
        self.cart(cart_id, load=False)
        return self.respond(services.create_payment_session(cart_id, data["provider"]))


class CompleteView(CartView):
    @extend_schema(request=CompleteInput, responses={201: CompletionSerializer, 200: CompletionSerializer},
                   description="Places the order (201), or returns the order a completed cart placed (200). "
                               "402 `payment_declined` with the reason; 409 `insufficient_inventory`.")
    def post(self, request, cart_id: str):
        data = _valid(CompleteInput, request)
        self.cart(cart_id, load=False)
        result = checkout.complete_cart(cart_id, payment_method=data.get("payment_method"),
                                        provider=data.get("provider"),
                                        installments=dict(data["installments"]) if data.get("installments") else None)
        if result.lines is not None:
            order = present_order(result.order, items=result.lines)
        else:
            order = present_order(order_queryset().get(pk=result.order.pk))
        return Response({"type": "order", "order": order},
                        status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK)
