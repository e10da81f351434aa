"""Admin API of pricing: price lists, volume pricing, tax rules."""
from rest_framework import serializers

from commerce.core.admin_api import ServiceViewSet, documented
from commerce.core.schema import MoneyField
from commerce.pricing import services
from commerce.pricing.models import (
    PriceList, PriceListPrice, PriceListStatus, PriceListType, TaxRule, TierDiscountType, VolumePricing,
    VolumePricingTier,
)


class PriceListPriceOut(serializers.ModelSerializer):
    amount = MoneyField()

    class Meta:
        model = PriceListPrice
        fields = ["id", "variant_id", "currency_code", "amount", "min_quantity"]


class PriceListOut(serializers.ModelSerializer):
    prices = PriceListPriceOut(many=True, read_only=True)
    customer_group_ids = serializers.SerializerMethodField()

    class Meta:
        model = PriceList
        fields = ["id", "name", "description", "type", "status", "starts_at", "ends_at", "customer_group_ids",
                  "prices", "metadata", "created_at", "updated_at"]

    def get_customer_group_ids(self, obj) -> list[str]:
        return [g.pk for g in obj.customer_groups.all()]


class PriceListPriceIn(serializers.Serializer):
    variant_id = serializers.CharField(max_length=40)
    currency_code = serializers.CharField(min_length=3, max_length=3)
    amount = serializers.DecimalField(max_digits=18, decimal_places=4, min_value=0)
    min_quantity = serializers.IntegerField(required=False, min_value=1)


class PriceListIn(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, max_length=500)
    type = serializers.ChoiceField(choices=PriceListType.choices, required=False)
    status = serializers.ChoiceField(choices=PriceListStatus.choices, required=False)
    starts_at = serializers.DateTimeField(required=False, allow_null=True)
    ends_at = serializers.DateTimeField(required=False, allow_null=True)
    customer_group_ids = serializers.ListField(child=serializers.CharField(max_length=40), required=False)
    prices = PriceListPriceIn(many=True, required=False)
    metadata = serializers.DictField(required=False)


class TierOut(serializers.ModelSerializer):
    class Meta:
        model = VolumePricingTier
        fields = ["id", "min_quantity", "max_quantity", "discount_type", "value", "currency_code"]


class VolumePricingOut(serializers.ModelSerializer):
    tiers = TierOut(many=True, read_only=True)
    customer_group_ids = serializers.SerializerMethodField()

    class Meta:
        model = VolumePricing
        fields = ["id", "name", "product_id", "variant_id", "customer_group_ids", "is_active", "starts_at", "ends_at",
                  "tiers", "created_at", "updated_at"]

    def get_customer_group_ids(self, obj) -> list[str]:
        return [g.pk for g in obj.customer_groups.all()]


class TierIn(serializers.Serializer):
    min_quantity = serializers.IntegerField(min_value=1)
    max_quantity = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    discount_type = serializers.ChoiceField(choices=TierDiscountType.choices, required=False)
    value = serializers.DecimalField(max_digits=18, decimal_places=4, min_value=0)
    currency_code = serializers.CharField(required=False, allow_blank=True, max_length=3)


class VolumePricingIn(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    product_id = serializers.CharField(required=False, allow_null=True, max_length=40)
    variant_id = serializers.CharField(required=False, allow_null=True, max_length=40)
    customer_group_ids = serializers.ListField(child=serializers.CharField(max_length=40), required=False)
    is_active = serializers.BooleanField(required=False)
    starts_at = serializers.DateTimeField(required=False, allow_null=True)
    ends_at = serializers.DateTimeField(required=False, allow_null=True)
    tiers = TierIn(many=True, required=False)


class TaxRuleOut(serializers.ModelSerializer):
    class Meta:
        model = TaxRule
        fields = ["id", "region_id", "name", "code", "rate", "priority", "product_id", "category_id", "product_kind",
                  "customer_group_id", "is_default", "created_at", "updated_at"]


class TaxRuleIn(serializers.Serializer):
    region_id = serializers.CharField(max_length=40)
    name = serializers.CharField(max_length=120)
    code = serializers.CharField(required=False, allow_blank=True, max_length=40)
    rate = serializers.DecimalField(max_digits=6, decimal_places=4, min_value=0, max_value=1)
    priority = serializers.IntegerField(required=False)
    product_id = serializers.CharField(required=False, allow_null=True, max_length=40)
    category_id = serializers.CharField(required=False, allow_null=True, max_length=40)
    product_kind = serializers.CharField(required=False, allow_blank=True, max_length=20)
    customer_group_id = serializers.CharField(required=False, allow_null=True, max_length=40)
    is_default = serializers.BooleanField(required=False)


def _plain(data):
    if isinstance(data, dict):
        return {k: _plain(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_plain(v) for v in data]
    return data


@documented(PriceListIn, tag="admin: pricing")
class PriceListViewSet(ServiceViewSet):
    """Price lists; `prices` in a write replaces the list's prices."""

    serializer_class = PriceListOut
    input_serializer_class = PriceListIn
    queryset = PriceList.objects.prefetch_related("prices", "customer_groups").order_by("-created_at")

    def save(self, data, instance=None):
        return services.save_price_list(_plain(data), instance)

    def remove(self, instance):
        instance.delete()


@documented(VolumePricingIn, tag="admin: pricing")
class VolumePricingViewSet(ServiceViewSet):
    serializer_class = VolumePricingOut
    input_serializer_class = VolumePricingIn
    queryset = VolumePricing.objects.prefetch_related("tiers", "customer_groups").order_by("name")

    def save(self, data, instance=None):
        return services.save_volume_pricing(_plain(data), instance)

    def remove(self, instance):
        instance.delete()


@documented(TaxRuleIn, tag="admin: pricing")
class TaxRuleViewSet(ServiceViewSet):
    serializer_class = TaxRuleOut
    input_serializer_class = TaxRuleIn
    queryset = TaxRule.objects.order_by("region_id", "-priority", "name")

    def save(self, data, instance=None):
        return services.save_tax_rule(dict(data), instance)

    def remove(self, instance):
        instance.delete()
