"""Serializers describing the commerce API's JSON for the OpenAPI document (and the simple
resources they serialize directly: collections, categories, regions)."""
from functools import reduce

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cityos.money import fmt
from commerce.catalog.models import ProductCategory, ProductCollection
from commerce.regions.models import Region

Money = serializers.CharField  # amounts are decimal strings with the currency's minor digits


@extend_schema_field(OpenApiTypes.STR)
class MoneyField(serializers.Field):
    """A stored amount as a string with its currency's minor digits ("253.00"); `currency` is the
    dotted path from the object to its currency code."""

    def __init__(self, currency: str = "currency_code", **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)
        self.currency_path = currency

    def get_attribute(self, instance):
        return super().get_attribute(instance), reduce(getattr, self.currency_path.split("."), instance)

    def to_representation(self, value):
        amount, currency = value
        return None if amount is None else fmt(amount, currency)


class CollectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProductCollection
        fields = ["id", "title", "handle", "metadata", "created_at", "updated_at"]


class CategorySerializer(serializers.ModelSerializer):
    parent_id = serializers.CharField(allow_null=True, read_only=True)

    class Meta:
        model = ProductCategory
        fields = ["id", "name", "handle", "description", "parent_id", "rank", "is_active", "metadata"]


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["id", "name", "currency_code", "tax_rate", "countries", "is_default"]


def page_of(item_serializer):
    """A paginated list of `item_serializer` for the schema."""
    name = item_serializer.__name__.replace("Serializer", "") + "Page"
    return type(name, (serializers.Serializer,), {
        "count": serializers.IntegerField(), "limit": serializers.IntegerField(),
        "offset": serializers.IntegerField(), "next": serializers.URLField(allow_null=True),
        "previous": serializers.URLField(allow_null=True), "results": item_serializer(many=True),
    })


class PriceSerializer(serializers.Serializer):
    currency_code = serializers.CharField()
    amount = Money()


class CalculatedPriceSerializer(PriceSerializer):
    original_amount = Money()
    price_source = serializers.ChoiceField(choices=["base", "price_list", "volume"])


class StoreVariantSerializer(serializers.Serializer):
    id = serializers.CharField()
    title = serializers.CharField()
    sku = serializers.CharField()
    barcode = serializers.CharField()
    weight = serializers.IntegerField(allow_null=True)
    options = serializers.DictField(child=serializers.CharField())
    prices = PriceSerializer(many=True)
    calculated_price = CalculatedPriceSerializer(allow_null=True)
    manage_inventory = serializers.BooleanField()
    allow_backorder = serializers.BooleanField()
    in_stock = serializers.BooleanField()
    inventory_quantity = serializers.IntegerField(required=False, help_text="product detail only")
    metadata = serializers.DictField()


class OptionValueSerializer(serializers.Serializer):
    id = serializers.CharField()
    value = serializers.CharField()


class OptionSerializer(serializers.Serializer):
    id = serializers.CharField()
    title = serializers.CharField()
    values = OptionValueSerializer(many=True)


class ProductImageSerializer(serializers.Serializer):
    id = serializers.CharField()
    url = serializers.CharField()
    alt = serializers.CharField()


class PriceRangeSerializer(serializers.Serializer):
    currency_code = serializers.CharField()
    min = Money()
    max = Money()


class CollectionRefSerializer(serializers.Serializer):
    id = serializers.CharField()
    title = serializers.CharField()
    handle = serializers.CharField()


class StoreProductSerializer(serializers.Serializer):
    id = serializers.CharField()
    handle = serializers.CharField()
    title = serializers.CharField()
    subtitle = serializers.CharField()
    description = serializers.CharField()
    kind = serializers.CharField()
    is_giftcard = serializers.BooleanField()
    thumbnail = serializers.CharField()
    weight = serializers.IntegerField(allow_null=True)
    tags = serializers.ListField(child=serializers.CharField())
    metadata = serializers.DictField()
    collection = CollectionRefSerializer(allow_null=True)
    category_ids = serializers.ListField(child=serializers.CharField())
    images = ProductImageSerializer(many=True)
    options = OptionSerializer(many=True)
    variants = StoreVariantSerializer(many=True)
    price_range = PriceRangeSerializer(allow_null=True)
    in_stock = serializers.BooleanField()
    content = serializers.DictField(help_text="content from the CMS (SEO, rich description, images); {} when none")
    rating = serializers.DictField(required=False, help_text="product detail only: {average, count}")
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


StoreProductPageSerializer = page_of(StoreProductSerializer)


class AddressSerializer(serializers.Serializer):
    first_name = serializers.CharField(required=False, allow_blank=True, max_length=100)
    last_name = serializers.CharField(required=False, allow_blank=True, max_length=100)
    company = serializers.CharField(required=False, allow_blank=True, max_length=200)
    address_1 = serializers.CharField(max_length=255)
    address_2 = serializers.CharField(required=False, allow_blank=True, max_length=255)
    city = serializers.CharField(max_length=100)
    province = serializers.CharField(required=False, allow_blank=True, max_length=100)
    postal_code = serializers.CharField(required=False, allow_blank=True, max_length=20)
    country_code = serializers.CharField(min_length=2, max_length=2)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=32)


class CartLineSerializer(serializers.Serializer):
    id = serializers.CharField()
    variant_id = serializers.CharField()
    product_id = serializers.CharField()
    title = serializers.CharField()
    variant_title = serializers.CharField()
    sku = serializers.CharField()
    thumbnail = serializers.CharField()
    quantity = serializers.IntegerField()
    unit_price = Money()
    price_source = serializers.CharField()
    subtotal = Money()
    discount_total = Money()
    tax_rate = serializers.CharField()
    tax_total = Money()
    total = Money()
    metadata = serializers.DictField()


class AppliedPromotionSerializer(serializers.Serializer):
    code = serializers.CharField()
    amount = Money()
    applied = serializers.BooleanField()
    reason = serializers.CharField()


class ShippingMethodSerializer(serializers.Serializer):
    option_id = serializers.CharField()
    name = serializers.CharField()
    amount = Money()


class PaymentSessionSerializer(serializers.Serializer):
    provider = serializers.CharField()
    status = serializers.CharField()
    amount = Money()
    reservation_expires_at = serializers.DateTimeField(allow_null=True)
    last_error = serializers.DictField(allow_null=True)


class GiftCardRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    balance = Money()


class StoreCartSerializer(serializers.Serializer):
    id = serializers.CharField()
    region_id = serializers.CharField()
    sales_channel_id = serializers.CharField()
    currency_code = serializers.CharField()
    customer_id = serializers.CharField(allow_null=True)
    email = serializers.CharField()
    shipping_address = AddressSerializer(allow_null=True)
    billing_address = AddressSerializer(allow_null=True)
    items = CartLineSerializer(many=True)
    promotions = AppliedPromotionSerializer(many=True)
    gift_cards = GiftCardRefSerializer(many=True)
    shipping_method = ShippingMethodSerializer(allow_null=True)
    payment_session = PaymentSessionSerializer(allow_null=True)
    subtotal = Money()
    discount_total = Money()
    shipping_total = Money()
    tax_total = Money()
    gift_card_total = Money()
    total = Money()
    completed_at = serializers.DateTimeField(allow_null=True)
    order_id = serializers.CharField(allow_null=True)
    metadata = serializers.DictField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class OrderLineSerializer(serializers.Serializer):
    id = serializers.CharField()
    variant_id = serializers.CharField(allow_null=True)
    product_id = serializers.CharField()
    title = serializers.CharField()
    variant_title = serializers.CharField()
    sku = serializers.CharField()
    thumbnail = serializers.CharField()
    quantity = serializers.IntegerField()
    unit_price = Money()
    subtotal = Money()
    discount_total = Money()
    tax_rate = serializers.CharField()
    tax_total = Money()
    total = Money()
    fulfilled_quantity = serializers.IntegerField()
    shipped_quantity = serializers.IntegerField()
    returned_quantity = serializers.IntegerField()
    metadata = serializers.DictField()


class ReturnItemSerializer(serializers.Serializer):
    line_item_id = serializers.CharField()
    quantity = serializers.IntegerField()
    reason = serializers.CharField()
    condition = serializers.CharField()


class ReturnSerializer(serializers.Serializer):
    id = serializers.CharField()
    order_id = serializers.CharField()
    status = serializers.CharField()
    return_method = serializers.CharField()
    refund_method = serializers.CharField()
    refund_amount = Money()
    note = serializers.CharField()
    items = ReturnItemSerializer(many=True)
    received_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()


class FulfillmentItemSerializer(serializers.Serializer):
    line_item_id = serializers.CharField()
    quantity = serializers.IntegerField()


class FulfillmentSerializer(serializers.Serializer):
    id = serializers.CharField()
    status = serializers.CharField()
    tracking_number = serializers.CharField()
    tracking_url = serializers.CharField()
    shipped_at = serializers.DateTimeField(allow_null=True)
    delivered_at = serializers.DateTimeField(allow_null=True)
    items = FulfillmentItemSerializer(many=True)


class PromotionRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    amount = Money()


class StoreOrderSerializer(serializers.Serializer):
    id = serializers.CharField()
    display_id = serializers.IntegerField()
    status = serializers.CharField()
    payment_status = serializers.CharField()
    fulfillment_status = serializers.CharField()
    customer_id = serializers.CharField(allow_null=True)
    email = serializers.CharField()
    currency_code = serializers.CharField()
    region_id = serializers.CharField()
    items = OrderLineSerializer(many=True)
    shipping_address = AddressSerializer(allow_null=True)
    billing_address = AddressSerializer(allow_null=True)
    shipping_method = ShippingMethodSerializer(allow_null=True)
    promotions = PromotionRefSerializer(many=True)
    subtotal = Money()
    discount_total = Money()
    shipping_total = Money()
    tax_total = Money()
    gift_card_total = Money()
    total = Money()
    paid_total = Money()
    refunded_total = Money()
    metadata = serializers.DictField()
    fulfillments = FulfillmentSerializer(many=True)
    returns = ReturnSerializer(many=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    canceled_at = serializers.DateTimeField(allow_null=True)


class PaymentSerializer(serializers.Serializer):
    id = serializers.CharField()
    provider = serializers.CharField()
    payment_intent_id = serializers.CharField()
    status = serializers.CharField()
    amount = Money()
    captured_amount = Money()
    refunded_amount = Money()
    captured_at = serializers.DateTimeField(allow_null=True)


class RefundSerializer(serializers.Serializer):
    id = serializers.CharField()
    amount = Money()
    reason = serializers.CharField()
    note = serializers.CharField()
    return_id = serializers.CharField()
    created_at = serializers.DateTimeField()


class AdminOrderSerializer(StoreOrderSerializer):
    sales_channel_id = serializers.CharField(allow_null=True)
    cart_id = serializers.CharField(allow_null=True)
    payments = PaymentSerializer(many=True)
    refunds = RefundSerializer(many=True)
    invoice_id = serializers.CharField(allow_null=True)


class CompletionSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["order"])
    order = StoreOrderSerializer()


class StoreAddressSerializer(AddressSerializer):
    id = serializers.CharField(read_only=True)
    is_default_shipping = serializers.BooleanField(required=False)
    is_default_billing = serializers.BooleanField(required=False)
    metadata = serializers.DictField(required=False)


class StoreCustomerSerializer(serializers.Serializer):
    id = serializers.CharField()
    email = serializers.EmailField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    phone = serializers.CharField()
    has_account = serializers.BooleanField()
    addresses = StoreAddressSerializer(many=True)
    group_ids = serializers.ListField(child=serializers.CharField())
    metadata = serializers.DictField()
    created_at = serializers.DateTimeField()


class LoyaltyOut(serializers.Serializer):
    customer_id = serializers.CharField()
    account_id = serializers.CharField()
    balance = serializers.IntegerField()
    lifetime_points = serializers.IntegerField()
    tier = serializers.CharField()


class AdminCustomerSerializer(StoreCustomerSerializer):
    is_active = serializers.BooleanField()
    updated_at = serializers.DateTimeField()
